"""The post page's comment form posts here; success redirects back (POST/redirect/GET).

Cross-site request forgery is refused without a CSRF token for readers who are not logged in, so
that the post page with its open form stays one page for every anonymous reader, which a CDN can
share (cms_blog/cache/http.py): a token would tie each page to one reader's cookie. WordPress's
comment form carries no token for them either. A forged post would borrow no authority from such a
reader, but could plant cookies in their browser (a held comment shown to them as their own, or
details saved for their next comment), so a request the browser marks as coming from another
site is refused: ``Sec-Fetch-Site`` (sent by every current browser), else ``Origin``, as Go's
``http.CrossOriginProtection`` does. A logged-in user's post is checked by Django's own CSRF
middleware, with the token the page renders for them (their page is private anyway)."""

from urllib.parse import urlsplit

from django.conf import settings
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseForbidden,
    HttpResponseRedirect,
)
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST
from wagtail.models import Site

from ..faults import mark_unavailable, report, service_fault, unavailable_message
from ..models.swappable import get_post_model
from .cookies import remember_commenter, remember_pending
from .discussion import comment_url
from .forms import CommentPageForm
from .service import submit_comment

FORM_EXPIRED = _(
    "This page was open for a long time: check your comment and send it again, please."
)


CROSS_SITE = _("Comments can only be sent from this site's own pages.")


@csrf_exempt
@require_POST
def post_comment(request: HttpRequest, post_id: int) -> HttpResponse:
    """The form's endpoint: a logged-in user's post needs its CSRF token, a cross-site one is
    refused (the module's docstring says why)."""
    if request.user.is_authenticated:
        return _store_with_token(request, post_id)
    if is_cross_site(request):
        return HttpResponseForbidden(CROSS_SITE)
    return _store(request, post_id)


def is_cross_site(request: HttpRequest) -> bool:
    """Whether the browser says the request comes from another site's page. Clients that send
    neither header are not browsers, and so cannot be made to forge a request. An ``Origin``
    listed in ``CSRF_TRUSTED_ORIGINS`` is trusted, as Django's CSRF check trusts it."""
    origin = request.headers.get("Origin")
    if origin is not None and origin in settings.CSRF_TRUSTED_ORIGINS:
        return False
    fetch_site = request.headers.get("Sec-Fetch-Site")
    if fetch_site is not None:
        return fetch_site not in ("same-origin", "none")  # "none": typed or bookmarked
    if origin is None:
        return False
    return origin == "null" or urlsplit(origin).netloc != request.get_host()


def _store(request: HttpRequest, post_id: int) -> HttpResponse:
    """Store a comment from the post page's form.

    Success redirects to the comment's permalink (a held comment is shown there to its author
    only, marked "awaiting moderation"). A refused comment re-renders the post page with status
    400, the reader's input kept and the errors beside the fields; one the database or the cache
    failed to store, with status 503 and ``Retry-After``."""
    visible = get_post_model().objects.visible(Site.find_for_request(request))
    post = get_object_or_404(visible, pk=post_id)
    form = CommentPageForm(request.POST, post_id=post.pk)
    fault = None
    if form.is_valid() and form.has_expired():
        form.add_error(None, FORM_EXPIRED)
        form.renew()
    elif form.is_valid():
        data = form.cleaned_data
        try:
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
        except Exception as error:
            # Nothing was stored: the page again, the reader's text kept, "try again" above
            # the form. Should the page itself fail, the middleware answers its bare 503.
            fault = service_fault(error)
            if fault is None:
                raise
            report(request, fault)
            form.add_error(None, unavailable_message())
        else:
            if result.comment is not None:
                response = HttpResponseRedirect(comment_url(result.comment, request))
                if not result.published:
                    remember_pending(request, response, result.comment.pk)
                if "remember" in form.fields:
                    # Ticked: saved for next time; left unticked: forgotten, as in WordPress.
                    remember_commenter(request, response, data if data["remember"] else None)
                return response
            for name, messages in result.errors.items():
                for message in messages:
                    form.add_error(name if name in form.fields else None, message)
    # Errors about the post or a hidden field (the reply target) have no place beside a field
    # the reader sees: they go above the form.
    for name in [name for name in form.errors if name in form.fields]:
        if form.fields[name].widget.is_hidden:
            form.add_error(None, form.errors.pop(name))
    # Wagtail renders the page as usual, its discussion with this bound form.
    response = post.serve(request, comment_form=form)
    if fault is not None:
        return mark_unavailable(response)
    response.status_code = 400
    return response


_store_with_token = csrf_protect(_store)
