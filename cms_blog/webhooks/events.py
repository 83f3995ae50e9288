"""The webhook events, and what each carries.

``cms_blog/changes.py`` calls ``announce_post`` once a post's public state changed and
``announce_comment`` once a comment joined or left a public thread. Every payload has Standard
Webhooks' shape::

    {"type": "post.updated", "timestamp": "2026-05-01T12:00:00Z",
     "data": {"post": {"id": "12", "slug": "vienna", "url": "https://…/blog/vienna/",
                       "urlPath": "/blog/vienna/",
                       "tags": [{"name": "History", "slug": "history"}]},
              "cacheTags": ["post:12", "posts", "tags"]}}

Comment events add ``"comment": {"id": "34", "parentId": null}``: never a comment's text, author
or status, and nothing at all about a post the public cannot see (its comments are not public
either). ``cacheTags`` are the blog's cache tags the change invalidated, for a frontend that tags
its own cache the same way (Next.js ``revalidateTag``).
"""

from django.utils import timezone
from wagtail.models import Page

from ..cache.tags import POSTS, TAGS, comments_tag, post_tag
from ..models import Comment, WebhookDelivery, WebhookEndpoint, get_post_model
from ..models.webhooks import TEST_EVENT
from ..richtext import page_path_and_url
from . import delivery


def post_snapshot(post: Page) -> dict:
    """What the events say about a post: its id, slug, URL and tags."""
    path, url = page_path_and_url(post, None)
    return {
        "id": str(post.pk),
        "slug": post.slug,
        "url": url,
        "urlPath": path,
        "tags": [{"name": tag.name, "slug": tag.slug} for tag in post.tags.all()],
    }


def deleted_snapshot(post: Page) -> dict | None:
    """A post's snapshot read before it is deleted, for ``post.deleted``; None when nobody
    listens or the public could not see the post (a view restriction)."""
    if not WebhookEndpoint.objects.filter(is_active=True).exists():
        return None
    if not get_post_model().objects.public().filter(pk=post.pk).exists():
        return None
    return post_snapshot(post)


def announce_post(event: str, post_id: int, *, snapshot: dict | None = None) -> None:
    """Queue ``event`` (``post.published``…) for ``post_id``, a post the public can see (or saw:
    for ``post.unpublished``, one without a view restriction); ``post.deleted`` needs the
    ``deleted_snapshot``."""
    endpoints = _listening(event)
    if not endpoints:
        return
    if event != "post.deleted":
        posts = get_post_model().objects
        seen = posts.visible() if event in ("post.published", "post.updated") else posts.public()
        post = seen.filter(pk=post_id).first()
        snapshot = post_snapshot(post) if post is not None else None
    if snapshot is None:
        return
    tags = [post_tag(post_id), POSTS, TAGS]
    if event in ("post.unpublished", "post.deleted"):
        tags.append(comments_tag(post_id))
    queue(event, {"post": snapshot, "cacheTags": tags}, endpoints)


def announce_comment(event: str, comment: Comment) -> None:
    """Queue ``comment.approved`` or ``comment.removed`` for a comment of a visible post."""
    endpoints = _listening(event)
    if not endpoints:
        return
    post = get_post_model().objects.visible().filter(pk=comment.post_id).first()
    if post is None:
        return
    data = {
        "comment": {
            "id": str(comment.pk),
            "parentId": str(comment.parent_id) if comment.parent_id else None,
        },
        "post": post_snapshot(post),
        "cacheTags": [comments_tag(post.pk)],
    }
    queue(event, data, endpoints)


def send_test_event(endpoint: WebhookEndpoint) -> WebhookDelivery:
    """Send ``webhook.test`` to one endpoint (the admin's "Send test event")."""
    return queue(TEST_EVENT, {"endpoint": endpoint.name}, [endpoint])[0]


def queue(event: str, data: dict, endpoints: list[WebhookEndpoint]) -> list[WebhookDelivery]:
    """Log one delivery of ``event`` per endpoint and queue each as a task."""
    now = timezone.now()
    timestamp = now.isoformat().replace("+00:00", "Z")
    payload = {"type": event, "timestamp": timestamp, "data": data}
    deliveries = WebhookDelivery.objects.bulk_create(
        [
            # Due at once: the task sends it, or deliver_webhooks should the task never run.
            WebhookDelivery(endpoint=endpoint, event=event, payload=payload, next_attempt_at=now)
            for endpoint in endpoints
        ]
    )
    for queued in deliveries:
        delivery.enqueue(queued)
    return deliveries


def _listening(event: str) -> list[WebhookEndpoint]:
    return [e for e in WebhookEndpoint.objects.filter(is_active=True) if e.wants(event)]
