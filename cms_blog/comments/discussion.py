"""The discussion of a post page: the read model its comment templates show.

The post page's ``get_context`` asks ``discussion_for(post, request)``; the comment view passes the
bound form of a refused comment in, so the page re-renders with the reader's input and errors."""

from dataclasses import dataclass

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext
from wagtail.models import Page, PageViewRestriction

from ..conf import blog_settings
from ..ids import parse_id
from ..models.comments import Comment
from .cookies import is_personal, pending_comment_ids, remembered_commenter
from .forms import CommentPageForm
from .policy import can_have_replies, comments_open
from .threads import (
    ThreadPage,
    page_count,
    page_number,
    page_of,
    thread_page,
    walk,
    with_earlier_threads,
)

PAGE_PARAMETER = "cpage"  # WordPress's name for the page of comments


@dataclass
class Discussion:
    """Everything the comment templates need, loaded in a constant number of queries."""

    enabled: bool
    threads: list[Comment]
    # Which page of threads this is; ``page.num_pages`` > 1 when the discussion is paged.
    page: ThreadPage
    count: int
    is_open: bool
    form: CommentPageForm
    form_action: str
    # The reply links' text (each comment has its ``reply_url`` and ``reply_label``).
    reply_text: str
    replying_to: Comment | None
    # Shown with this browser's own held comments or saved details: never for a shared cache.
    is_personal: bool


def discussion_for(
    post: Page, request: HttpRequest | None, form: CommentPageForm | None = None
) -> Discussion:
    """The page of the post's threads asked for (``?cpage=``; plus the reader's own pending
    comments that belong on it), how many comments the post shows, and the form: ``form`` when
    given (the bound one of a refused submission), else a fresh one."""
    number = parse_id(request.GET.get(PAGE_PARAMETER)) if request is not None else None
    if post.pk:
        page, count = thread_page(post.pk, number)
    else:  # a new post, previewed before its first save
        page, count = ThreadPage([], number=1, num_pages=1), 0
    threads = page.threads
    is_open = comments_open(post, request if _may_see_hidden_posts(request, post) else None)
    # Each comment's reply link, its words translated once: a page shows up to hundreds.
    reply_base = _reply_base(post, request, page)
    reply_label = gettext("Reply to %(name)s")
    by_id = {}
    for comment in walk(threads):
        by_id[comment.pk] = comment
        comment.awaiting_moderation = False
        comment.can_reply = is_open and can_have_replies(comment)
        if comment.can_reply:
            comment.reply_url = f"{reply_base}{comment.pk}#respond"
            comment.reply_label = reply_label % {"name": comment.author_name}

    if request is not None and post.pk and (own_ids := pending_comment_ids(request)):
        # Spam is shown to its author as pending too: a bot must not learn it was caught.
        own = with_earlier_threads(
            Comment.objects.filter(
                pk__in=own_ids, post=post, status__in=[Comment.Status.PENDING, Comment.Status.SPAM]
            )
        )
        for comment in own:
            comment.thread_replies = []
            comment.awaiting_moderation = True
            comment.can_reply = False
            if comment.parent_id in by_id:
                by_id[comment.parent_id].thread_replies.append(comment)
            elif comment.parent_id is None and page_number(comment.earlier_threads) == page.number:
                threads.append(comment)

    replying_to = None
    if request is not None and (replyto := parse_id(request.GET.get("replyto"))) is not None:
        replying_to = by_id.get(replyto)
        if replying_to is not None and not replying_to.can_reply:
            replying_to = None
    if form is None:
        form = CommentPageForm(
            post_id=post.pk,
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
        page=page,
        count=count,
        is_open=is_open,
        form=form,
        # A new post being previewed has no id yet: its form has nowhere to post.
        form_action=reverse("cms_blog:post_comment", args=[post.pk]) if post.pk else "",
        reply_text=gettext("Reply"),
        replying_to=replying_to,
        is_personal=request is not None and is_personal(request),
    )


def _reply_base(post: Page, request: HttpRequest | None, page: ThreadPage) -> str:
    """The reply links' URL but for the comment's id: this page of threads, ``?replyto=``."""
    if not post.pk:
        return ""
    on_page = f"{PAGE_PARAMETER}={page.number}&" if page.num_pages > 1 else ""
    return f"{post.get_url(request)}?{on_page}replyto="


def _may_see_hidden_posts(request: HttpRequest | None, post: Page) -> bool:
    """Whether this reader may be looking at a post the public cannot see, which takes no
    comments: only then is its visibility checked (two queries).

    Wagtail serves a post behind a login or a password only to a logged-in user or to a session
    that has passed that password: to anybody else, the post being served is public. A preview
    (of a post not saved yet, too) shows the post as readers will see it once published."""
    if request is None or post.pk is None or getattr(request, "is_preview", False):
        return False
    user = getattr(request, "user", None)
    session = getattr(request, "session", {})
    return bool(user and user.is_authenticated) or bool(
        session.get(PageViewRestriction.passed_view_restrictions_session_key)
    )


def remembered_commenter_initial(request: HttpRequest | None) -> dict:
    """The form's initial values from the details this browser saved, ticking the box again."""
    if request is None or not blog_settings.COMMENTS_REMEMBER_COMMENTER:
        return {}
    saved = remembered_commenter(request)
    return {**saved, "remember": True} if saved else {}


def comment_url(comment: Comment, request: HttpRequest | None = None) -> str:
    """The permalink of a comment: its post's URL, with the page of threads that shows it when
    the discussion spans several, and the comment's anchor."""
    post = comment.post
    query = ""
    if page_count(post.pk) > 1:
        query = f"?{PAGE_PARAMETER}={page_of(comment)}"
    return f"{post.get_url(request)}{query}#comment-{comment.pk}"
