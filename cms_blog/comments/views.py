"""The post page's comment form posts here; success redirects back (POST/redirect/GET)."""

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
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


@require_POST
def post_comment(request: HttpRequest, post_id: int) -> HttpResponse:
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
