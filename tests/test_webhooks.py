"""Webhooks: the events public changes send (and the ones they never send), signatures the
standardwebhooks library verifies, retries with backoff and the delivery log, endpoints that fail
or hang without holding up a save, and the admin's endpoints, log and test event."""

import datetime
import time
from collections.abc import Callable

import pytest
from django.urls import reverse
from django.utils import timezone
from standardwebhooks import Webhook
from wagtail.models import PageViewRestriction

from cms_blog.models import Comment, WebhookDelivery, WebhookEndpoint, get_post_model
from cms_blog.models.webhooks import new_secret
from cms_blog.retries import MAX_RETRY_DELAY, retry_delay
from cms_blog.webhooks.delivery import claim, deliver_due
from tests.factories import make_comment
from tests.local_http import LocalServer
from tests.pending_changes import settle

DAY = datetime.timedelta(days=1)


@pytest.fixture
def receiver(db):
    """A frontend's webhook route on a loopback port, registered as an endpoint (after what the
    fixtures before it published: ask for ``post`` first)."""
    settle()
    with LocalServer() as server:
        server.endpoint = WebhookEndpoint.objects.create(name="Frontend", url=server.url)
        yield server


def received(server: LocalServer) -> list[dict]:
    """The payloads the receiver got, each verified with the endpoint's secret."""
    verifier = Webhook(server.endpoint.secret)
    return [verifier.verify(request.body, request.headers) for request in server.requests]


@pytest.fixture
def committed(django_capture_on_commit_callbacks) -> Callable[[Callable[[], object]], None]:
    """Run ``change`` and what it does after commit."""

    def run(change: Callable[[], object]) -> None:
        settle()
        with django_capture_on_commit_callbacks(execute=True):
            change()

    return run


def live(post):
    return get_post_model().objects.get(pk=post.pk)


def test_a_publish_sends_a_signed_event_standardwebhooks_verifies(receiver, committed, blog_index):
    draft = get_post_model()(title="Vienna", slug="vienna", live=False)
    blog_index.add_child(instance=draft)
    draft.tags.add("History")
    revision = draft.save_revision()

    committed(revision.publish)

    (payload,) = received(receiver)
    assert payload["type"] == "post.published"
    assert payload["data"] == {
        "post": {
            "id": str(draft.pk),
            "slug": "vienna",
            "url": "http://localhost/blog/vienna/",
            "urlPath": "/blog/vienna/",
            "tags": [{"name": "History", "slug": "history"}],
        },
        "cacheTags": [f"post:{draft.pk}", "posts", "tags"],
    }
    (request,) = receiver.requests
    assert request.headers["webhook-id"].startswith("msg_")
    assert request.headers["webhook-signature"].startswith("v1,")


def test_a_forged_or_resent_body_does_not_verify(post, receiver, committed):
    committed(lambda: live(post).unpublish())
    (request,) = receiver.requests

    with pytest.raises(Exception, match="signature"):
        Webhook(receiver.endpoint.secret).verify(request.body + b" ", request.headers)
    with pytest.raises(Exception, match="signature"):
        Webhook(new_secret()).verify(request.body, request.headers)


def republish(post) -> None:
    post = live(post)
    post.title += "!"
    post.save_revision().publish()


@pytest.mark.parametrize(
    ("change", "events"),
    [
        (republish, ["post.updated"]),
        (lambda post: live(post).unpublish(), ["post.unpublished"]),
        # Wagtail unpublishes a deleted page first: one event, not two
        (lambda post: live(post).delete(), ["post.deleted"]),
        (lambda post: make_comment(post, status="pending").approve(), ["comment.approved"]),
        (lambda post: make_comment(post, status="pending"), []),
        (lambda post: make_comment(post, status="spam"), []),
        (lambda post: make_comment(post, status="pending").mark_spam(), []),
    ],
)
def test_what_each_change_sends(post, receiver, committed, change, events):
    committed(lambda: change(post))

    assert [payload["type"] for payload in received(receiver)] == events


@pytest.mark.parametrize(
    "remove",
    [
        lambda comment: comment.mark_spam(),
        lambda comment: Comment.objects.filter(pk=comment.pk).trash(),
        lambda comment: setattr(comment, "status", "pending") or comment.save(),
        lambda comment: comment.delete(),
    ],
    ids=["spam", "trash", "back to the queue", "deleted"],
)
def test_a_public_comment_leaving_the_thread_sends_comment_removed_without_its_content(
    post, receiver, committed, remove
):
    comment = make_comment(post, body="Secret words", author_email="ann@example.com")
    pk = comment.pk

    committed(lambda: remove(comment))

    (payload,) = received(receiver)
    assert payload["type"] == "comment.removed"
    assert payload["data"]["comment"] == {"id": str(pk), "parentId": None}
    assert payload["data"]["cacheTags"] == [f"comments:{post.pk}"]
    body = receiver.requests[0].body.decode()
    assert "Secret words" not in body and "ann@example.com" not in body


def test_comments_of_posts_the_public_cannot_see_send_nothing(post, receiver, committed):
    held = make_comment(post, status="pending")
    get_post_model().objects.filter(pk=post.pk).update(live=False)

    committed(held.approve)

    assert receiver.requests == []


@pytest.mark.parametrize(
    "change", [republish, lambda post: live(post).unpublish(), lambda post: live(post).delete()]
)
def test_posts_behind_a_login_send_nothing(post, receiver, committed, change):
    PageViewRestriction.objects.create(page=post.get_parent(), restriction_type="login")

    committed(lambda: change(post))

    assert receiver.requests == []


def test_a_post_published_and_unpublished_in_one_transaction_sends_nothing(
    receiver, committed, blog_index
):
    draft = get_post_model()(title="Oops", live=False)
    blog_index.add_child(instance=draft)

    def both():
        draft.save_revision().publish()
        live(draft).unpublish()

    committed(both)

    assert receiver.requests == []


def test_endpoints_get_only_the_events_they_ticked(post, receiver, committed):
    receiver.endpoint.events = ["comment.approved"]
    receiver.endpoint.save()
    with LocalServer() as inactive:
        WebhookEndpoint.objects.create(name="Off", url=inactive.url, is_active=False)

        committed(lambda: republish(post))
        committed(lambda: make_comment(post, status="pending").approve())

        assert [payload["type"] for payload in received(receiver)] == ["comment.approved"]
        assert inactive.requests == []


def test_a_failing_endpoint_is_retried_with_backoff_and_logged(post, receiver, committed, settings):
    settings.CMS_BLOG = {"WEBHOOK_RETRY_SECONDS": 30, "WEBHOOK_MAX_ATTEMPTS": 3}
    receiver.answers = [(500, b"Internal error"), (502, b"Bad gateway"), (204, b"")]

    committed(lambda: republish(post))

    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == ("retrying", 1, 500)
    assert delivery.last_error == "HTTP 500: Internal error"
    wait = delivery.next_attempt_at - timezone.now()
    assert datetime.timedelta(seconds=25) < wait <= datetime.timedelta(seconds=30)

    assert deliver_due() == 0  # not due yet
    for expected in [("retrying", 2, 502), ("succeeded", 3, 204)]:
        WebhookDelivery.objects.update(next_attempt_at=timezone.now())
        assert deliver_due() == 1
        delivery.refresh_from_db()
        assert (delivery.status, delivery.attempts, delivery.last_status_code) == expected

    assert delivery.delivered_at is not None and delivery.next_attempt_at is None
    # Every attempt carries the same webhook-id, so the receiver can drop repeats.
    assert len({request.headers["webhook-id"] for request in receiver.requests}) == 1


def test_a_delivery_gives_up_after_the_last_attempt(post, receiver, committed, settings):
    settings.CMS_BLOG = {"WEBHOOK_MAX_ATTEMPTS": 2}
    receiver.answers = [(500, b"down")]

    committed(lambda: republish(post))
    WebhookDelivery.objects.update(next_attempt_at=timezone.now())
    deliver_due()

    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.next_attempt_at) == ("failed", 2, None)
    WebhookDelivery.objects.update(next_attempt_at=timezone.now())
    assert deliver_due() == 0


@pytest.mark.parametrize(
    ("attempts", "seconds"),
    [(1, 30), (2, 60), (3, 120), (10, 15360), (20, MAX_RETRY_DELAY.total_seconds())],
)
def test_the_backoff_doubles_up_to_a_day(attempts, seconds):
    # WEBHOOK_RETRY_SECONDS' default, 30, first.
    assert retry_delay(30, attempts).total_seconds() == seconds


def test_a_hanging_endpoint_never_holds_up_a_publish(post, receiver, committed, settings):
    settings.CMS_BLOG = {"WEBHOOK_TIMEOUT": 0.5}
    receiver.delay = 5
    post = live(post)
    post.title = "Revised"

    start = time.monotonic()
    committed(lambda: post.save_revision().publish())
    seconds = time.monotonic() - start

    assert seconds < 2
    assert live(post).title == "Revised"
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == "retrying" and "Timeout" in delivery.last_error


def test_retries_are_deferred_tasks_where_the_backend_can_defer(
    post, receiver, committed, settings
):
    receiver.answers = [(500, b"down")]
    committed(lambda: republish(post))
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    from django_tasks import default_task_backend

    WebhookDelivery.objects.update(next_attempt_at=timezone.now())
    deliver_due()

    (result,) = default_task_backend.results
    delivery = WebhookDelivery.objects.get()
    assert result.task.run_after == delivery.next_attempt_at
    assert result.args == [delivery.pk]


def test_a_delivery_is_claimed_by_one_worker_only(post, receiver, committed, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    committed(lambda: republish(post))
    delivery = WebhookDelivery.objects.get()

    assert claim(delivery.pk) is not None
    assert claim(delivery.pk) is None


def test_deliver_webhooks_sends_the_deliveries_whose_task_never_ran(
    post, receiver, committed, settings
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    committed(lambda: republish(post))
    assert receiver.requests == []
    WebhookDelivery.objects.update(next_attempt_at=timezone.now())

    import io

    from django.core.management import call_command

    out = io.StringIO()
    call_command("deliver_webhooks", stdout=out)

    assert "Attempted 1" in out.getvalue()
    assert WebhookDelivery.objects.get().status == "succeeded"


# The admin ------------------------------------------------------------------------------------


@pytest.fixture
def admin(client, django_user_model):
    client.force_login(django_user_model.objects.create_superuser("admin", "a@example.com", "pw"))
    return client


def test_endpoints_are_added_in_the_admin_with_their_events(admin, db):
    response = admin.post(
        reverse("cms_blog_webhook_endpoints:add"),
        {
            "name": "Next.js",
            "url": "https://www.example.com/api/revalidate",
            "events": ["post.published", "post.updated"],
            "is_active": "on",
            "secret": "whsec_" + "A" * 32,
        },
    )

    assert response.status_code == 302, response.context["form"].errors
    endpoint = WebhookEndpoint.objects.get()
    assert endpoint.events == ["post.published", "post.updated"]
    assert admin.get(reverse("cms_blog_webhook_endpoints:index")).status_code == 200


def test_a_secret_that_cannot_sign_is_refused(admin, db):
    response = admin.post(
        reverse("cms_blog_webhook_endpoints:add"),
        {"name": "X", "url": "https://x.example/", "secret": "not-a-secret"},
    )

    assert response.status_code == 200
    assert "whsec_" in str(response.context["form"].errors["secret"])


def test_send_test_event_delivers_and_reports(admin, receiver):
    url = reverse("cms_blog_webhook_endpoints:send_test", args=[receiver.endpoint.pk])
    assert url in admin.get(reverse("cms_blog_webhook_endpoints:index")).content.decode()
    assert admin.get(url).status_code == 200

    response = admin.post(url, follow=True)

    (payload,) = received(receiver)
    assert payload["type"] == "webhook.test"
    assert "Test event delivered" in response.content.decode()
    assert WebhookDelivery.objects.get().status == "succeeded"


def test_the_delivery_log_is_listed_and_inspected_but_never_edited(admin, receiver):
    receiver.answers = [(500, b"Nope")]
    admin.post(reverse("cms_blog_webhook_endpoints:send_test", args=[receiver.endpoint.pk]))
    delivery = WebhookDelivery.objects.get()

    listing = admin.get(reverse("cms_blog_webhook_deliveries:index")).content.decode()
    inspect = admin.get(reverse("cms_blog_webhook_deliveries:inspect", args=[delivery.pk]))

    assert "webhook.test" in listing
    assert "HTTP 500: Nope" in inspect.content.decode()
    assert admin.get(reverse("cms_blog_webhook_deliveries:add")).status_code == 302
    assert (
        admin.get(reverse("cms_blog_webhook_deliveries:edit", args=[delivery.pk])).status_code
        == 302
    )


def test_the_webhook_admin_is_for_those_allowed(client, receiver, django_user_model):
    editor = django_user_model.objects.create_user("editor", "e@example.com", "pw")
    from django.contrib.auth.models import Permission

    editor.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(editor)

    url = reverse("cms_blog_webhook_endpoints:send_test", args=[receiver.endpoint.pk])
    assert client.post(url).status_code == 302  # to the dashboard, with "no permission"
    assert receiver.requests == []
