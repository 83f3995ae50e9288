"""The comment moderation queue in the Wagtail admin (wagtail-modeladmin); ``wagtail_hooks.py``
registers it.

wagtail-modeladmin 2.5 has no bulk actions, so the list is wrapped in one small form: a checkbox
column and per-row buttons post to ``moderate_comments``, which applies the model's moderation
transitions. Replies from the admin go through ``reply_to_comment``, which uses the comment
service like every other way of making a comment."""

from collections.abc import Mapping
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.decorators import permission_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, ObjectList
from wagtail.admin.ui.components import Component
from wagtail_modeladmin.helpers import PermissionHelper
from wagtail_modeladmin.menus import ModelAdminMenuItem
from wagtail_modeladmin.options import ModelAdmin
from wagtail_modeladmin.views import EditView

from ..ids import parse_id
from ..models.comments import Comment, announce_approval
from .forms import CommentForm
from .policy import MODERATE_PERMISSION
from .service import reply_as_staff

# action name -> (queryset method, "N comments …" message)
ACTIONS = {
    "approve": ("approve", _("Approve")),
    "spam": ("mark_spam", _("Mark as spam")),
    "trash": ("trash", _("Move to trash")),
    "restore": ("restore", _("Restore")),
}
# The per-row buttons that make sense from each status.
ROW_ACTIONS = {
    Comment.Status.PENDING: ["approve", "spam", "trash"],
    Comment.Status.APPROVED: ["spam", "trash"],
    Comment.Status.SPAM: ["restore", "approve"],
    Comment.Status.TRASH: ["restore"],
}


def _done_message(action: str, count: int) -> str:
    messages_by_action = {
        "approve": ngettext("%(count)d comment approved.", "%(count)d comments approved.", count),
        "spam": ngettext(
            "%(count)d comment marked as spam.", "%(count)d comments marked as spam.", count
        ),
        "trash": ngettext(
            "%(count)d comment moved to the trash.", "%(count)d comments moved to the trash.", count
        ),
        "restore": ngettext(
            "%(count)d comment restored to the moderation queue.",
            "%(count)d comments restored to the moderation queue.",
            count,
        ),
    }
    return messages_by_action[action] % {"count": count}


class CommentPermissionHelper(PermissionHelper):
    def user_can_create(self, user) -> bool:
        # Comments come from readers; staff answer them with "Reply" on a comment.
        return False


class CommentsMenuItem(ModelAdminMenuItem):
    """The "Comments" menu item, showing how many comments await moderation."""

    def render_component(self, request: HttpRequest):
        component = super().render_component(request)
        pending = Comment.objects.pending().count()
        if pending:
            component.label = _("Comments (%(count)d)") % {"count": pending}
        return component


class PostFilter(admin.RelatedOnlyFieldListFilter):
    """By post, among the posts that have comments; offered even when that is one post
    (Django's related-field filter hides itself below two choices)."""

    def has_output(self) -> bool:
        return bool(self.lookup_choices)


class CommentAdminForm(WagtailAdminModelForm):
    # The reader form's website field: one message per bad address, the blog's own first (the
    # model field's form field would show URLValidator's "Enter a valid URL." beside it).
    author_url = CommentForm.base_fields["author_url"]


class CommentEditView(EditView):
    def get_form(self) -> forms.ModelForm:
        form = super().get_form()
        # erase_comments blanks the email of an erased commenter; such a comment stays editable
        # (it can still be moderated) without one. Any other comment keeps it required. The
        # instance still holds the stored value here: the form fills it in when validated.
        if not self.instance.author_email:
            form.fields["author_email"].required = False
            form.fields["author_email"].help_text = _("Erased at the commenter's request.")
        return form

    def form_valid(self, form: forms.ModelForm) -> HttpResponse:
        # Publishing by changing the status field is an approval like any other.
        became_public = "status" in form.changed_data and form.instance.is_approved
        response = super().form_valid(form)
        if became_public:
            announce_approval(self.instance)
        return response


class CommentAdmin(ModelAdmin):
    model = Comment
    menu_label = _("Comments")
    menu_icon = "comment"
    menu_order = 250
    permission_helper_class = CommentPermissionHelper
    index_template_name = "cms_blog/comments/admin/index.html"
    edit_view_class = CommentEditView
    list_display = (
        "select",
        "author",
        "excerpt",
        "post_link",
        "status_and_reason",
        "created_at",
        "actions",
    )
    list_display_add_buttons = "author"
    list_filter = ("status", ("post", PostFilter), "created_at")
    list_select_related = ("post", "parent")
    search_fields = ("author_name", "author_email", "body")
    ordering = ["-created_at", "-pk"]
    list_per_page = 50
    edit_handler = ObjectList(
        [
            FieldPanel("author_name"),
            FieldPanel("author_email"),
            FieldPanel("author_url"),
            FieldPanel("body"),
            FieldPanel("status"),
        ],
        base_form_class=CommentAdminForm,
    )

    def get_menu_item(self, order: int | None = None) -> CommentsMenuItem:
        return CommentsMenuItem(self, order or self.get_menu_order())

    @admin.display(description=_("Select"))
    def select(self, comment: Comment) -> str:
        return format_html(
            '<input type="checkbox" name="selected" value="{}" aria-label="{}">',
            comment.pk,
            _("Select comment by %(name)s") % {"name": comment.author_name},
        )

    @admin.display(description=_("Author"))
    def author(self, comment: Comment) -> str:
        return comment.author_name

    @admin.display(description=_("Comment"))
    def excerpt(self, comment: Comment) -> str:
        """The start of the comment; a reply says whom it answers, linking to that comment."""
        text = Truncator(comment.body).chars(100)
        if comment.parent is None:
            return text
        return format_html(
            '{}<br><small class="cms-blog-in-reply-to">{}</small>',
            text,
            format_html(
                _("in reply to {name}"),
                name=format_html(
                    '<a href="{}">{}</a>',
                    self.url_helper.get_action_url("edit", comment.parent_id),
                    comment.parent.author_name,
                ),
            ),
        )

    @admin.display(description=_("In response to"))
    def post_link(self, comment: Comment) -> str:
        return format_html(
            '<a href="{}">{}</a>',
            reverse("wagtailadmin_pages:edit", args=[comment.post_id]),
            comment.post.title,
        )

    @admin.display(description=_("Status"), ordering="status")
    def status_and_reason(self, comment: Comment) -> str:
        """The status, with why the moderation rules decided it ("held: 3 links")."""
        status = format_html(
            '<span class="cms-blog-status">{}</span>', comment.get_status_display()
        )
        if not comment.moderation_reason or comment.is_approved:
            return status
        return format_html(
            '{}<br><small class="cms-blog-moderation-reason">{}</small>',
            status,
            comment.moderation_reason,
        )

    @admin.display(description=_("Actions"))
    def actions(self, comment: Comment) -> str:
        buttons = format_html_join(
            "",
            '<button type="submit" class="button button-small button-secondary" name="row_action"'
            ' value="{}:{}">{}</button>',
            ((action, comment.pk, ACTIONS[action][1]) for action in ROW_ACTIONS[comment.status]),
        )
        if comment.status in (Comment.Status.APPROVED, Comment.Status.PENDING):
            buttons += format_html(
                '<a class="button button-small button-secondary" href="{}">{}</a>',
                reverse("cms_blog_comment_reply", args=[comment.pk]),
                _("Reply"),
            )
        # One flex row that wraps as a whole: no stray spaces to indent the wrapped buttons.
        return format_html('<div class="cms-blog-row-actions">{}</div>', buttons)


class CommentReplyForm(forms.Form):
    body = forms.CharField(
        label=_("Your reply"),
        max_length=Comment._meta.get_field("body").max_length,
        widget=forms.Textarea(attrs={"rows": 8}),
    )


def _back_to_list(request: HttpRequest) -> HttpResponseRedirect:
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = comment_admin.url_helper.index_url
    return HttpResponseRedirect(target)


@require_POST
@permission_required(MODERATE_PERMISSION, raise_exception=True)
def moderate_comments(request: HttpRequest) -> HttpResponse:
    """Apply a moderation action to the ticked comments, or to the one whose row button was
    pressed (``row_action="approve:12"``)."""
    if row_action := request.POST.get("row_action"):
        action, _sep, pk = row_action.partition(":")
        ids = [pk]
    else:
        action = request.POST.get("action", "")
        ids = request.POST.getlist("selected")
    ids = [pk for pk in map(parse_id, ids) if pk is not None]
    if action not in ACTIONS:
        messages.error(request, _("Choose an action to apply."))
    elif not ids:
        messages.error(request, _("Select at least one comment."))
    else:
        method = ACTIONS[action][0]
        count = getattr(Comment.objects.filter(pk__in=ids), method)()
        messages.success(request, _done_message(action, count))
    return _back_to_list(request)


@permission_required(MODERATE_PERMISSION, raise_exception=True)
def reply_to_comment(request: HttpRequest, pk: int) -> HttpResponse:
    """Answer a comment as the logged-in moderator, through the comment service (the site's
    moderation rules included). Replying to a pending comment approves it first (WordPress's
    "Approve and Reply"); spam and trash cannot be answered."""
    parent = get_object_or_404(Comment.objects.select_related("post"), pk=pk)
    if parent.status not in (Comment.Status.APPROVED, Comment.Status.PENDING):
        messages.error(
            request, _("Only approved comments can be answered: restore and approve it first.")
        )
        return HttpResponseRedirect(comment_admin.url_helper.index_url)
    form = CommentReplyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        result = reply_as_staff(request, parent, form.cleaned_data["body"])
        if result.comment is not None:
            reply = result.comment
            if reply.is_approved:
                message = _("Reply published on “%(title)s”.")
            else:
                message = _("Reply held on “%(title)s”: %(reason)s")
            messages.success(
                request, message % {"title": parent.post.title, "reason": reply.moderation_reason}
            )
            return HttpResponseRedirect(
                f"{comment_admin.url_helper.index_url}?post__id__exact={reply.post_id}"
            )
        parent.refresh_from_db()  # an approval that came with the refused reply was rolled back
        for name, refusals in result.errors.items():
            for message in refusals:
                form.add_error(name if name == "body" else None, message)
    return TemplateResponse(
        request,
        "cms_blog/comments/admin/reply.html",
        {"comment": parent, "form": form, "index_url": comment_admin.url_helper.index_url},
    )


class PendingCommentsPanel(Component):
    """Dashboard panel: how many comments await moderation, with a link to the queue."""

    name = "cms_blog_pending_comments"
    order = 150
    template_name = "cms_blog/comments/admin/dashboard_panel.html"

    def get_context_data(self, parent_context: Mapping[str, Any]) -> dict[str, Any]:
        return {
            "pending_count": Comment.objects.pending().count(),
            "queue_url": f"{comment_admin.url_helper.index_url}?status__exact=pending",
        }


comment_admin = CommentAdmin()


def admin_urls() -> list:
    return [
        path("cms_blog/comments/moderate/", moderate_comments, name="cms_blog_moderate_comments"),
        path("cms_blog/comments/<int:pk>/reply/", reply_to_comment, name="cms_blog_comment_reply"),
    ]
