"""The comment section of a post page: ``{% comment_section page as discussion %}``."""

from dataclasses import dataclass

from django import template
from django.http import HttpRequest
from django.urls import reverse
from wagtail.models import PageViewRestriction

from ..conf import blog_settings
from ..cookies import pending_comment_ids, remembered_commenter
from ..forms import CommentPageForm
from ..ids import parse_id
from ..models import BlogPostPage, Comment
from ..moderation import comment_threads, comments_open

register = template.Library()


@dataclass
class Discussion:
    """Everything the comment templates need, loaded in a constant number of queries."""

    enabled: bool
    threads: list[Comment]
    count: int
    is_open: bool
    form: CommentPageForm
    form_action: str
    replying_to: Comment | None


@register.simple_tag(takes_context=True)
def comment_section(context: template.Context, page: BlogPostPage) -> Discussion:
    """The post's approved thread (plus the reader's own pending comments), its count, and the
    form — the bound one with errors when the view re-renders a refused submission."""
    request = context.get("request")
    threads = comment_threads([page.pk])[page.pk]
    is_open = comments_open(page, request if _may_see_hidden_posts(request, page) else None)
    by_id = {}
    stack = list(threads)
    while stack:
        comment = stack.pop()
        by_id[comment.pk] = comment
        comment.can_reply = is_open and comment.depth + 1 < blog_settings.MAX_DEPTH
        stack.extend(comment.thread_replies)
    count = len(by_id)

    if request is not None and (own_ids := pending_comment_ids(request)):
        # Spam is shown to its author as pending too: a bot must not learn it was caught.
        own = Comment.objects.filter(
            pk__in=own_ids, post=page, status__in=[Comment.Status.PENDING, Comment.Status.SPAM]
        )
        for comment in own:
            comment.thread_replies = []
            comment.awaiting_moderation = True
            parent = by_id.get(comment.parent_id)
            (parent.thread_replies if parent else threads).append(comment)

    replying_to = None
    if request is not None and (replyto := parse_id(request.GET.get("replyto"))) is not None:
        replying_to = by_id.get(replyto)
        if replying_to is not None and not replying_to.can_reply:
            replying_to = None
    form = context.get("comment_form") or CommentPageForm(
        post_id=page.pk,
        initial={
            "parent_id": replying_to.pk if replying_to else None,
            **remembered_commenter_initial(request),
        },
    )
    # The reply target of a refused submission: the bound form's validated value (reading
    # ``errors`` cleans the form if the view has not), never the raw input.
    if form.is_bound and "parent_id" not in form.errors:
        replying_to = by_id.get(form.cleaned_data.get("parent_id"))
    return Discussion(
        enabled=blog_settings.COMMENTS_ENABLED,
        threads=threads,
        count=count,
        is_open=is_open,
        form=form,
        # A new post being previewed has no id yet: its form has nowhere to post.
        form_action=reverse("cms_blog:post_comment", args=[page.pk]) if page.pk else "",
        replying_to=replying_to,
    )


def _may_see_hidden_posts(request: HttpRequest | None, page: BlogPostPage) -> bool:
    """Whether this reader may be looking at a post the public cannot see, which takes no
    comments: only then is its visibility checked (two queries).

    Wagtail serves a post behind a login or a password only to a logged-in user or to a session
    that has passed that password: to anybody else, the post being served is public. A preview
    (of a post not saved yet, too) shows the post as readers will see it once published."""
    if request is None or page.pk is None or getattr(request, "is_preview", False):
        return False
    user = getattr(request, "user", None)
    session = getattr(request, "session", {})
    return bool(user and user.is_authenticated) or bool(
        session.get(PageViewRestriction.passed_view_restrictions_session_key)
    )


def remembered_commenter_initial(request: HttpRequest | None) -> dict:
    """The form's initial values from the details this browser saved, ticking the box again."""
    if request is None or not blog_settings.REMEMBER_COMMENTER:
        return {}
    saved = remembered_commenter(request)
    return {**saved, "remember": True} if saved else {}
