"""Validation rules that bound what one request may ask, checked before anything executes.

The standard rules of the GraphQL spec (``graphql.specified_rules``) always stay: graphene-django's
``validation_rules`` replaces them rather than adding to them."""

from collections.abc import Iterator

from django.utils.translation import gettext as _
from graphene.validation import DisableIntrospection, depth_limit_validator
from graphql import (
    FieldNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    ValidationContext,
    ValidationRule,
    specified_rules,
)

from ..conf import blog_settings


def expanded_fields(
    selection_set: SelectionSetNode | None,
    context: ValidationContext,
    seen_fragments: frozenset[str] = frozenset(),
) -> Iterator[FieldNode]:
    """Every field an operation selects, fragments expanded where they are spread (a fragment
    spread ten times costs ten times). Cycles are skipped here: ``NoFragmentCyclesRule`` reports
    them."""
    for selection in selection_set.selections if selection_set else ():
        if isinstance(selection, FieldNode):
            yield selection
            yield from expanded_fields(selection.selection_set, context, seen_fragments)
        elif isinstance(selection, InlineFragmentNode):
            yield from expanded_fields(selection.selection_set, context, seen_fragments)
        elif isinstance(selection, FragmentSpreadNode):
            name = selection.name.value
            fragment = context.get_fragment(name)
            if fragment and name not in seen_fragments:
                yield from expanded_fields(fragment.selection_set, context, seen_fragments | {name})


def top_level_fields(
    selection_set: SelectionSetNode, context: ValidationContext
) -> Iterator[FieldNode]:
    """The root fields of an operation, looking through fragments but not into sub-selections."""
    for selection in selection_set.selections:
        if isinstance(selection, FieldNode):
            yield selection
        elif isinstance(selection, InlineFragmentNode):
            yield from top_level_fields(selection.selection_set, context)
        elif isinstance(selection, FragmentSpreadNode):
            fragment = context.get_fragment(selection.name.value)
            if fragment:
                yield from top_level_fields(fragment.selection_set, context)


class CostLimitRule(ValidationRule):
    """Refuses operations selecting more than ``GRAPHQL_MAX_FIELDS`` fields or more than
    ``GRAPHQL_MAX_ALIASES`` aliases, the two ways a small document asks for a huge answer."""

    def enter_operation_definition(self, node: OperationDefinitionNode, *_args) -> None:
        fields = list(expanded_fields(node.selection_set, self.context))
        max_fields = blog_settings.GRAPHQL_MAX_FIELDS
        if len(fields) > max_fields:
            self.report_error(
                GraphQLError(
                    _("The query selects %(count)s fields; at most %(max)s are allowed.")
                    % {"count": len(fields), "max": max_fields},
                    node,
                )
            )
        aliases = sum(1 for field in fields if field.alias)
        max_aliases = blog_settings.GRAPHQL_MAX_ALIASES
        if aliases > max_aliases:
            self.report_error(
                GraphQLError(
                    _("The query uses %(count)s aliases; at most %(max)s are allowed.")
                    % {"count": aliases, "max": max_aliases},
                    node,
                )
            )


class SingleAddCommentRule(ValidationRule):
    """One ``addComment`` per document: flood control and duplicate detection count requests,
    and aliases would otherwise post many comments in one."""

    def enter_operation_definition(self, node: OperationDefinitionNode, *_args) -> None:
        if node.operation != OperationType.MUTATION:
            return
        calls = [
            field
            for field in top_level_fields(node.selection_set, self.context)
            if field.name.value == "addComment"
        ]
        if len(calls) > 1:
            self.report_error(
                GraphQLError(_("Only one addComment is allowed per request."), calls[1:])
            )


def validation_rules() -> tuple[type[ValidationRule], ...]:
    """The rules of the public endpoint, read from ``CMS_BLOG`` on every request."""
    rules = [
        *specified_rules,
        depth_limit_validator(max_depth=blog_settings.GRAPHQL_MAX_DEPTH),
        CostLimitRule,
        SingleAddCommentRule,
    ]
    if not blog_settings.GRAPHQL_INTROSPECTION:
        rules.append(DisableIntrospection)
    return tuple(rules)
