"""The bounds of what one request may ask, checked before anything executes.

Validation runs in two passes. The blog's own rules (``cheap_rules``) come first: each looks at
one kind of node without comparing nodes with each other, so a document they refuse costs little
more than its parse. Only a document they pass meets the standard rules of the GraphQL spec
(``graphql.specified_rules``), some of which compare every field with every other of the same
name. The standard rules also report what the blog's pass over: fragment cycles and unknown
fragments. ``variables_error`` bounds the variables the same way the rules bound the document."""

from collections.abc import Iterator
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from graphene.utils.is_introspection_key import is_introspection_key
from graphene.validation import DisableIntrospection
from graphql import (
    FieldNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    ListValueNode,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    ValidationContext,
    ValidationRule,
    specified_rules,
)

from ..conf import blog_settings

# Where a fragment is spread: its name, and how many fields enclose the spread (None when an
# introspection field does, whose contents do not count towards the depth).
Spread = tuple[str, int | None]

DEPTH_ERROR = gettext_lazy("'%(name)s' exceeds maximum operation depth of %(max)s.")
FIELDS_ERROR = gettext_lazy("The query selects more than the %(max)s fields allowed.")
ALIASES_ERROR = gettext_lazy("The query uses more than the %(max)s aliases allowed.")
LIST_ERROR = gettext_lazy("A list holds more than the %(max)s items allowed.")
NESTING_ERROR = gettext_lazy("The variables are nested more than %(max)s levels deep.")

# No input type of the blog nests this deep; a host schema's hardly would.
MAX_VARIABLES_DEPTH = 32


@dataclass(frozen=True)
class Size:
    """What a selection set asks for, fragments expanded where they are spread: its deepest field
    (a root field is at depth 0), and how many fields and aliases it selects. Fragments add at
    most one past the limits, so fragments that multiply each other never make a huge number."""

    depth: int = 0
    fields: int = 0
    aliases: int = 0


def own_size(selection_set: SelectionSetNode) -> tuple[Size, list[Spread]]:
    """The size of a selection set without its fragment spreads, and those spreads."""
    depth = fields = aliases = 0
    spreads: list[Spread] = []
    # Without recursion: each entry is a selection set and the number of fields enclosing it.
    stack: list[tuple[SelectionSetNode, int | None]] = [(selection_set, 0)]
    while stack:
        selections, level = stack.pop()
        for selection in selections.selections:
            if isinstance(selection, FragmentSpreadNode):
                spreads.append((selection.name.value, level))
                continue
            inner = level
            if isinstance(selection, FieldNode):
                fields += 1
                aliases += selection.alias is not None
                if level is not None:
                    depth = max(depth, level)
                    # __schema and __type are answered from memory; their depth never counted.
                    inner = None if is_introspection_key(selection.name.value) else level + 1
            if selection.selection_set:
                stack.append((selection.selection_set, inner))
    return Size(depth, fields, aliases), spreads


class OperationSizeRule(ValidationRule):
    """Refuses operations nesting fields deeper than ``GRAPHQL_MAX_DEPTH`` or selecting more than
    ``GRAPHQL_MAX_FIELDS`` fields or ``GRAPHQL_MAX_ALIASES`` aliases: the ways a small document
    asks for a huge answer. A fragment spread ten times costs ten times, yet each fragment is
    sized once per document, so fragments spreading fragments twice over cost no more time than
    their text."""

    def __init__(self, context: ValidationContext) -> None:
        super().__init__(context)
        self.max_depth = blog_settings.GRAPHQL_MAX_DEPTH
        self.max_fields = blog_settings.GRAPHQL_MAX_FIELDS
        self.max_aliases = blog_settings.GRAPHQL_MAX_ALIASES
        self.own_sizes: dict[str, tuple[Size, list[Spread]]] = {}
        self.sizes: dict[str, Size] = {}

    def enter_operation_definition(self, node: OperationDefinitionNode, *_args) -> None:
        own, spreads = own_size(node.selection_set)
        self.size_fragments(name for name, _level in spreads)
        size = self.add_spreads(own, spreads)
        name = node.name.value if node.name else "anonymous"
        for value, limit, message in (
            (size.depth, self.max_depth, DEPTH_ERROR),
            (size.fields, self.max_fields, FIELDS_ERROR),
            (size.aliases, self.max_aliases, ALIASES_ERROR),
        ):
            if value > limit:
                self.report_error(GraphQLError(message % {"name": name, "max": limit}, node))

    def own_size_of(self, fragment: str) -> tuple[Size, list[Spread]] | None:
        if fragment not in self.own_sizes:
            definition = self.context.get_fragment(fragment)
            if definition is None:
                return None  # KnownFragmentNamesRule reports it
            self.own_sizes[fragment] = own_size(definition.selection_set)
        return self.own_sizes[fragment]

    def size_fragments(self, names: Iterator[str]) -> None:
        """Sizes the fragments these names spread, and every fragment they reach, once each and
        without recursion: a fragment after the fragments it spreads. A spread closing a cycle
        counts as nothing; NoFragmentCyclesRule reports it."""
        for root in names:
            if root in self.sizes or self.own_size_of(root) is None:
                continue
            path = [root]
            pending = {root: iter(self.own_sizes[root][1])}
            while path:
                fragment = path[-1]
                for spread, _level in pending[fragment]:
                    if (
                        spread not in self.sizes
                        and spread not in pending
                        and self.own_size_of(spread) is not None
                    ):
                        path.append(spread)
                        pending[spread] = iter(self.own_sizes[spread][1])
                        break
                else:
                    path.pop()
                    del pending[fragment]
                    self.sizes[fragment] = self.add_spreads(*self.own_sizes[fragment])

    def add_spreads(self, size: Size, spreads: list[Spread]) -> Size:
        """A selection set's own size plus that of the fragments it spreads, as sized so far."""
        depth, fields, aliases = size.depth, size.fields, size.aliases
        for name, level in spreads:
            spread = self.sizes.get(name)
            if spread is None:
                continue  # unknown, or closing a cycle
            if level is not None:
                depth = max(depth, level + spread.depth)
            fields = min(fields + spread.fields, self.max_fields + 1)
            aliases = min(aliases + spread.aliases, self.max_aliases + 1)
        return Size(depth, fields, aliases)


def top_level_fields(
    selection_set: SelectionSetNode, context: ValidationContext
) -> Iterator[FieldNode]:
    """The root fields of an operation, looking through fragments but not into sub-selections.
    A fragment spread twice is looked through once: its fields are merged into one, and run once."""
    seen: set[str] = set()
    stack = [selection_set]
    while stack:
        for selection in stack.pop().selections:
            if isinstance(selection, FieldNode):
                yield selection
            elif isinstance(selection, InlineFragmentNode):
                stack.append(selection.selection_set)
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                fragment = context.get_fragment(name)
                if fragment and name not in seen:
                    seen.add(name)
                    stack.append(fragment.selection_set)


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


class ListLengthRule(ValidationRule):
    """Refuses lists written in the document (arguments, variable defaults) longer than
    ``GRAPHQL_MAX_LIST_LENGTH``: every list argument is bounded, whatever field takes it."""

    def enter_list_value(self, node: ListValueNode, *_args) -> None:
        limit = blog_settings.GRAPHQL_MAX_LIST_LENGTH
        if len(node.values) > limit:
            self.report_error(GraphQLError(LIST_ERROR % {"max": limit}, node))


def variables_error(variables: object) -> str | None:
    """Why these variables are refused, or None: a list longer than ``GRAPHQL_MAX_LIST_LENGTH``
    (what ``ListLengthRule`` is to lists in the document), or nesting deeper than
    ``MAX_VARIABLES_DEPTH``. Walked without recursion, so any nesting costs only its size."""
    limit = blog_settings.GRAPHQL_MAX_LIST_LENGTH
    stack = [(variables, 0)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, list):
            if len(value) > limit:
                return LIST_ERROR % {"max": limit}
            children = value
        elif isinstance(value, dict):
            children = value.values()
        else:
            continue
        if depth == MAX_VARIABLES_DEPTH:
            return NESTING_ERROR % {"max": MAX_VARIABLES_DEPTH}
        stack.extend((child, depth + 1) for child in children)
    return None


def cheap_rules() -> tuple[type[ValidationRule], ...]:
    """The first validation pass, read from ``CMS_BLOG`` on every request."""
    rules = [OperationSizeRule, SingleAddCommentRule, ListLengthRule]
    if not blog_settings.GRAPHQL_INTROSPECTION:
        rules.append(DisableIntrospection)
    return tuple(rules)


def validation_rules() -> tuple[type[ValidationRule], ...]:
    """The second pass: the spec's rules, which graphene-django's ``validation_rules`` would
    replace rather than add to."""
    return tuple(specified_rules)
