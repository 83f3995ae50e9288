"""The post page's comment form posts here; success redirects back (POST/redirect/GET)."""

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_POST
from wagtail.models import Site

from .forms import CommentPageForm
from .models import Comment, visible_posts
from .moderation import submit_comment

# The signed cookie remembering which held comments this browser just wrote, so that their author
# (and nobody else) sees them marked "awaiting moderation".
PENDING_COOKIE = "cms_blog_pending_comments"
PENDING_COOKIE_SALT = "cms_blog.pending-comments"
PENDING_COOKIE_AGE = 7 * 24 * 3600
# Enough for a lively discussion; keeps the cookie small.
PENDING_COOKIE_MAX_IDS = 20


def pending_comment_ids(request: HttpRequest) -> list[int]:
    """The ids of the comments this browser submitted that were held for moderation."""
    value = request.get_signed_cookie(
        PENDING_COOKIE, default="", salt=PENDING_COOKIE_SALT, max_age=PENDING_COOKIE_AGE
    )
    return [int(pk) for pk in value.split(",") if pk.isdigit()]


def _remember_pending(request: HttpRequest, response: HttpResponse, comment: Comment) -> None:
    ids = [*pending_comment_ids(request), comment.pk][-PENDING_COOKIE_MAX_IDS:]
    response.set_signed_cookie(
        PENDING_COOKIE,
        ",".join(map(str, ids)),
        salt=PENDING_COOKIE_SALT,
        max_age=PENDING_COOKIE_AGE,
        httponly=True,
        samesite="Lax",
        secure=request.is_secure(),
    )


@require_POST
def post_comment(request: HttpRequest, post_id: int) -> HttpResponse:
    """Store a comment from the post page's form.

    Success redirects to the comment's permalink (a held comment is shown there to its author
    only, marked "awaiting moderation"). A refused comment re-renders the post page with status
    400, the reader's input kept and the errors beside the fields."""
    post = get_object_or_404(visible_posts(Site.find_for_request(request)), pk=post_id)
    form = CommentPageForm(request.POST, post_id=post.pk)
    if form.is_valid():
        data = form.cleaned_data
        result = submit_comment(
            request,
            post_id=post.pk,
            parent_id=data["parent_id"],
            author_name=data["author_name"],
            author_email=data["author_email"],
            author_url=data["author_url"],
            body=data["body"],
            is_bot=form.looks_like_bot(),
        )
        if result.comment is not None:
            response = HttpResponseRedirect(f"{post.get_url(request)}#comment-{result.comment.pk}")
            if not result.published:
                _remember_pending(request, response, result.comment)
            return response
        for name, messages in result.errors.items():
            for message in messages:
                # Errors about the post or the reply target have no visible field: above the form.
                visible = name in form.fields and not form.fields[name].widget.is_hidden
                form.add_error(name if visible else None, message)
    # Wagtail renders the page as usual; the comment section picks up the bound form.
    response = post.serve(request)
    response.context_data["comment_form"] = form
    response.status_code = 400
    return response
