"""The submission service: validation, moderation policy, threading, flood and spam rules."""

import contextlib
import datetime
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.test import RequestFactory
from django.utils import timezone
from wagtail.models import PageViewRestriction, ReferenceIndex

from cms_blog.comments.notifications import send_moderation_email
from cms_blog.comments.policy import client_ip, comments_open
from cms_blog.comments.service import DUPLICATE, submit_comment
from cms_blog.comments.signals import comment_approved, comment_posted
from cms_blog.comments.threads import comment_threads, thread_size
from cms_blog.models import Comment
from tests.factories import make_comment
from tests.graphql_support import data_of


@pytest.fixture
def blog_settings(settings):
    """Set CMS_BLOG keys for one test: ``blog_settings(COMMENTS_MODERATION="none")``."""

    def configure(**values):
        settings.CMS_BLOG = {**settings.CMS_BLOG, **values}

    return configure


def make_request(ip: str = "203.0.113.7", **meta):
    request = RequestFactory().post("/", REMOTE_ADDR=ip, HTTP_USER_AGENT="TestBrowser/1.0", **meta)
    request.user = AnonymousUser()
    return request


@pytest.fixture
def submit(post):
    """Submit a comment with valid defaults; keyword arguments override them."""

    def send(request=None, **fields):
        values = {
            "post_id": post.pk,
            "author_name": "Ada",
            "author_email": "ada@example.com",
            "body": "A thoughtful remark.",
            **fields,
        }
        return submit_comment(request or make_request(), **values)

    return send


def approved_comment(post, email="known@example.com", **fields):
    return Comment.objects.create(
        post=post,
        author_name=fields.pop("author_name", "Known"),
        author_email=email,
        body=fields.pop("body", f"Earlier comment by {email}"),
        status=Comment.Status.APPROVED,
        **fields,
    )


LONG = "x" * 300


@pytest.mark.parametrize(
    ("fields", "key", "message"),
    [
        # every required field missing in turn
        ({"author_name": ""}, "author_name", "This field is required."),
        ({"author_email": ""}, "author_email", "This field is required."),
        ({"body": "   "}, "body", "This field is required."),
        # WordPress's length limits: a clear error, never truncation
        ({"author_name": "n" * 246}, "author_name", "at most 245 characters (it has 246)"),
        (
            {"author_email": "a" * 90 + "@example.com"},
            "author_email",
            "at most 100 characters (it has 102)",
        ),
        (
            {"author_url": "https://example.com/" + "p" * 181},
            "author_url",
            "at most 200 characters (it has 201)",
        ),
        ({"body": "b" * 65_526}, "body", "at most 65525 characters (it has 65526)"),
        # malformed email and website
        ({"author_email": "not-an-email"}, "author_email", "Enter a valid email address."),
        ({"author_url": "javascript:alert(1)"}, "author_url", "starting with http:// or https://"),
        ({"author_url": "ftp://example.com/"}, "author_url", "starting with http:// or https://"),
        ({"author_url": "data:text/html,hi"}, "author_url", "starting with http:// or https://"),
        # an unclosed IPv6 host: urlsplit() raises ValueError
        ({"author_url": "http://[::1"}, "author_url", "Enter a valid URL."),
        ({"author_url": "https://[v1.x]/"}, "author_url", "Enter a valid URL."),
        # NUL and other control characters
        ({"body": "hello\x00world"}, "body", "Null characters are not allowed."),
        ({"author_name": "Ada\x1b[31m"}, "author_name", "Control characters are not allowed."),
        ({"body": "bell\x07"}, "body", "Control characters are not allowed."),
        ({"author_name": "two\nlines"}, "author_name", "Control characters are not allowed."),
    ],
)
def test_invalid_fields_are_refused_and_nothing_is_stored(submit, fields, key, message):
    result = submit(**fields)

    assert result.comment is None
    assert not result.published
    assert any(message in error for error in result.errors[key]), result.errors
    assert not Comment.objects.exists()


@pytest.mark.parametrize(
    ("fields", "stored_url"),
    [
        # optional
        ({"author_url": ""}, ""),
        # scheme-less addresses are completed, as WordPress does
        ({"author_url": "example.com/me"}, "https://example.com/me"),
        ({"author_url": "http://example.com/"}, "http://example.com/"),
    ],
)
def test_website_is_optional_and_http_only(submit, fields, stored_url):
    result = submit(**fields)

    assert result.errors == {}
    assert result.comment.author_url == stored_url


def test_an_unparsable_website_gets_one_clear_error(submit):
    assert submit(author_url="http://[::1").errors == {"author_url": ["Enter a valid URL."]}


@pytest.mark.parametrize(
    ("url", "error"),
    [
        # the contract: http(s) only, whoever stores the comment
        ("ftp://evil.example/x", "Enter a website address starting with http:// or https://."),
        ("javascript:alert(1)", "Enter a website address starting with http:// or https://."),
        # does not parse
        ("http://[::1", "Enter a valid URL."),
        # fine
        ("https://example.com/", None),
        ("", None),
    ],
)
def test_the_model_field_takes_http_websites_only(post, url, error):
    comment = Comment(post=post, author_name="A", author_email="a@example.com", body="b")
    comment.author_url = url

    if error is None:
        comment.full_clean()
    else:
        with pytest.raises(ValidationError) as raised:
            comment.full_clean()
        assert list(raised.value.message_dict) == ["author_url"]
        assert error in raised.value.message_dict["author_url"]


def test_a_stored_unparsable_website_is_not_linked(post):
    comment = approved_comment(post, author_url="http://[::1")

    assert comment.public_author_url is None


def test_limits_at_the_maximum_are_accepted(submit):
    result = submit(author_name="n" * 245, body="b" * 65_525)

    assert result.errors == {}
    assert len(Comment.objects.get().body) == 65_525


def test_line_breaks_and_tabs_are_kept_in_the_body(submit):
    result = submit(body="First line\r\n\tindented\r\n\r\nSecond paragraph")

    assert result.comment.body == "First line\n\tindented\n\nSecond paragraph"


@pytest.mark.parametrize(
    ("settings_values", "fields", "known_email", "expected"),
    [
        # first-time (default): an unknown email waits for a moderator
        ({}, {}, False, Comment.Status.PENDING),
        # first-time: an email with an approved comment is published at once
        ({}, {}, True, Comment.Status.APPROVED),
        # first-time: the email match ignores case
        ({}, {"author_email": "KNOWN@Example.com"}, True, Comment.Status.APPROVED),
        # "all": even a known commenter waits
        ({"COMMENTS_MODERATION": "all"}, {}, True, Comment.Status.PENDING),
        # "none": everybody is published
        ({"COMMENTS_MODERATION": "none"}, {}, False, Comment.Status.APPROVED),
        # two links (MAX_LINKS default 2) hold a known commenter
        ({}, {"body": "See http://a.example and https://b.example"}, True, Comment.Status.PENDING),
        # one link is fine
        ({}, {"body": "See https://a.example only"}, True, Comment.Status.APPROVED),
        # bare www. addresses count as links
        ({}, {"body": "www.a.example and www.b.example"}, True, Comment.Status.PENDING),
        # COMMENTS_MAX_LINKS=0 switches the rule off
        (
            {"COMMENTS_MAX_LINKS": 0},
            {"body": "http://a.example http://b.example"},
            True,
            "approved",
        ),
        # a moderation word in the body, case-insensitive
        ({"COMMENTS_MODERATION_WORDS": ["casino"]}, {"body": "Visit my CASINO"}, True, "pending"),
        # a moderation word in the name
        ({"COMMENTS_MODERATION_WORDS": ["casino"]}, {"author_name": "Casino Joe"}, True, "pending"),
        # a moderation word in the website
        (
            {"COMMENTS_MODERATION_WORDS": ["casino"], "COMMENTS_MODERATION": "none"},
            {"author_url": "https://casino.example"},
            False,
            "pending",
        ),
        # a moderation word matching the IP address
        (
            {"COMMENTS_MODERATION_WORDS": ["203.0.113."], "COMMENTS_MODERATION": "none"},
            {},
            False,
            "pending",
        ),
        # blank words never match everything
        ({"COMMENTS_MODERATION_WORDS": ["", "  "]}, {}, True, Comment.Status.APPROVED),
        # a disallowed word makes it spam, even for "none"
        (
            {"COMMENTS_DISALLOWED_WORDS": ["viagra"], "COMMENTS_MODERATION": "none"},
            {"body": "ViAgRa"},
            False,
            "spam",
        ),
        # a disallowed word in the email
        (
            {"COMMENTS_DISALLOWED_WORDS": ["spammer"]},
            {"author_email": "x@spammer.example"},
            False,
            "spam",
        ),
        # disallowed beats moderation words
        (
            {"COMMENTS_DISALLOWED_WORDS": ["pills"], "COMMENTS_MODERATION_WORDS": ["pills"]},
            {"body": "pills"},
            True,
            "spam",
        ),
    ],
)
def test_moderation_policy(
    submit, post, blog_settings, settings_values, fields, known_email, expected
):
    blog_settings(**settings_values)
    if known_email:
        approved_comment(post)
    result = submit(**{"author_name": "Known", "author_email": "known@example.com", **fields})

    assert result.errors == {}
    assert Comment.objects.get(pk=result.comment.pk).status == expected
    assert result.published is (expected == Comment.Status.APPROVED)


PENDING, APPROVED = Comment.Status.PENDING, Comment.Status.APPROVED
OWNER = {"author_name": "Owner", "author_email": "owner@example.com"}


@pytest.mark.parametrize(
    ("earlier_by_owner", "fields", "logged_in", "expected"),
    [
        # the same name and email as an approved comment: published
        (False, {}, None, APPROVED),
        # both compared without case
        (False, {"author_name": "KNOWN", "author_email": "Known@Example.COM"}, None, APPROVED),
        # the same email under another name: whoever knows the address waits
        (False, {"author_name": "Mallory"}, None, PENDING),
        # the same name with another email
        (False, {"author_email": "other@example.com"}, None, PENDING),
        # the owner's email (a user account's, used by the admin's replies), anonymously: waits
        (True, {**OWNER, "author_email": "OWNER@example.com"}, None, PENDING),
        # logged in as that owner: published
        (True, OWNER, "owner", APPROVED),
        # logged in as somebody else, with the owner's email: waits
        (True, OWNER, "reader", PENDING),
        # logged in as the owner, but nothing of theirs approved yet: waits
        (False, OWNER, "owner", PENDING),
    ],
)
def test_first_time_moderation_knows_commenters_by_name_and_email(
    submit, post, django_user_model, earlier_by_owner, fields, logged_in, expected
):
    django_user_model.objects.create_user("reader", "reader@example.com", "pw")
    if earlier_by_owner:
        approved_comment(post, author_name="Owner", email="owner@example.com", user=post.owner)
    else:
        approved_comment(post)
    request = make_request()
    if logged_in:
        request.user = django_user_model.objects.get(username=logged_in)

    result = submit(
        request, **{"author_name": "Known", "author_email": "known@example.com", **fields}
    )

    assert result.comment.status == expected


def test_bots_are_silently_stored_as_spam(submit, post, blog_settings):
    blog_settings(COMMENTS_MODERATION="none")
    result = submit(is_bot=True)

    assert result.errors == {}
    assert result.comment.status == Comment.Status.SPAM


def test_comment_records_request_details(submit, blog_settings):
    result = submit(request=make_request("198.51.100.4"))

    comment = Comment.objects.get(pk=result.comment.pk)
    assert comment.ip_address == "198.51.100.4"
    assert comment.user_agent == "TestBrowser/1.0"
    assert comment.depth == 0


def test_store_ip_off_stores_no_ip(submit, blog_settings):
    blog_settings(COMMENTS_STORE_IP=False)
    result = submit()

    assert Comment.objects.get(pk=result.comment.pk).ip_address is None


def test_logged_in_user_is_linked(submit, django_user_model):
    request = make_request()
    request.user = django_user_model.objects.create_user("reader", "r@example.com", "pw")

    result = submit(request=request)

    assert result.comment.user == request.user


# --- Where comments may go -------------------------------------------------------------------


def restrict(post):
    PageViewRestriction.objects.create(
        page=post, restriction_type=PageViewRestriction.PASSWORD, password="secret"
    )


@pytest.mark.parametrize(
    ("make", "key", "message"),
    [
        # an unpublished draft
        (lambda make_post: make_post("Draft", live=False), "post_id", "does not exist"),
        # a published post behind a password (private)
        (lambda make_post: restrict_and_return(make_post("Private")), "post_id", "does not exist"),
        # a post that was published, then unpublished
        (lambda make_post: unpublish(make_post("Gone")), "post_id", "does not exist"),
        # a post whose expiry date has passed
        (
            lambda make_post: make_post(
                "Expired", expire_at=timezone.now() - datetime.timedelta(days=1)
            ),
            "post_id",
            "does not exist",
        ),
        # the author closed comments on the post
        (lambda make_post: make_post("Closed", allow_comments=False), "__all__", "closed"),
    ],
)
def test_comments_only_on_live_public_open_posts(submit, make_post, make, key, message):
    target = make(make_post)

    result = submit(post_id=target.pk)

    assert result.comment is None
    assert message in result.errors[key][0]
    assert not Comment.objects.exists()


def restrict_and_return(post):
    restrict(post)
    return post


def unpublish(post):
    post.unpublish()
    return post


def test_private_ancestor_hides_the_post(submit, post):
    restrict(post.get_parent())

    result = submit()

    assert "post_id" in result.errors


def test_missing_post_is_refused(submit):
    result = submit(post_id=987654)

    assert result.errors["post_id"]


@pytest.mark.parametrize(
    ("close_after_days", "age_days", "is_open"),
    [
        # off by default: old posts stay open
        (None, 4000, True),
        # within the window
        (14, 14, True),
        # one day past it
        (14, 15, False),
    ],
)
def test_close_after_days(submit, make_post, blog_settings, close_after_days, age_days, is_open):
    blog_settings(COMMENTS_CLOSE_AFTER_DAYS=close_after_days)
    old = make_post("Old", date=timezone.localdate() - datetime.timedelta(days=age_days))

    result = submit(post_id=old.pk)

    assert (result.comment is not None) is is_open
    if not is_open:
        assert result.errors == {"__all__": ["Comments are closed."]}


def test_comments_disabled_site_wide(submit, blog_settings):
    blog_settings(COMMENTS_ENABLED=False)

    assert submit().errors == {"__all__": ["Comments are closed."]}


# --- Threads ---------------------------------------------------------------------------------


def test_reply_to_an_approved_comment(submit, post):
    parent = approved_comment(post)

    result = submit(parent_id=parent.pk)

    assert result.errors == {}
    assert result.comment.parent == parent
    assert result.comment.depth == 1


@pytest.mark.parametrize(
    "status",
    [
        # not yet public
        Comment.Status.PENDING,
        # never public
        Comment.Status.SPAM,
        # removed
        Comment.Status.TRASH,
    ],
)
def test_reply_to_unapproved_comment_is_refused(submit, post, status):
    parent = approved_comment(post)
    Comment.objects.filter(pk=parent.pk).update(status=status)

    result = submit(parent_id=parent.pk)

    assert result.errors["parent_id"] == ["You can only reply to a published comment on this post."]
    assert Comment.objects.count() == 1


def test_reply_across_posts_is_refused(submit, post, make_post):
    elsewhere = approved_comment(make_post("Another post"))

    result = submit(parent_id=elsewhere.pk)

    assert "parent_id" in result.errors
    assert Comment.objects.count() == 1


def test_reply_to_missing_comment_is_refused(submit):
    assert "parent_id" in submit(parent_id=424242).errors


@pytest.mark.parametrize(
    ("max_depth", "parent_depth", "accepted"),
    [
        # WordPress's default: five levels, so a reply at the fifth level is fine…
        (5, 3, True),
        # …and a sixth level is refused
        (5, 4, False),
        # COMMENTS_MAX_DEPTH=1 switches threading off
        (1, 0, False),
    ],
)
def test_max_depth(submit, post, blog_settings, max_depth, parent_depth, accepted):
    blog_settings(COMMENTS_MAX_DEPTH=max_depth)
    parent = approved_comment(post)
    for level in range(parent_depth):
        parent = approved_comment(post, parent=parent, body=f"level {level + 1}")

    result = submit(parent_id=parent.pk)

    assert (result.comment is not None) is accepted
    if not accepted:
        assert "nested" in result.errors["parent_id"][0]


def test_model_keeps_replies_on_their_parents_post(post, make_post):
    parent = approved_comment(post)
    reply = Comment.objects.create(
        parent=parent, author_name="R", author_email="r@example.com", body="Re"
    )

    assert reply.post_id == post.pk
    assert reply.depth == 1
    with pytest.raises(Exception, match="same post"):
        Comment.objects.create(
            post=make_post("Other"),
            parent=parent,
            author_name="R",
            author_email="r@example.com",
            body="Re",
        )


# --- Flood and duplicates --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("second_ip", "second_email", "refused"),
    [
        # same IP, other email
        ("203.0.113.7", "other@example.com", True),
        # other IP, same email
        ("198.51.100.1", "ada@example.com", True),
        # somebody else entirely
        ("198.51.100.1", "other@example.com", False),
    ],
)
def test_flood(submit, second_ip, second_email, refused):
    assert submit(body="first").comment is not None

    result = submit(request=make_request(second_ip), author_email=second_email, body="second")

    assert (result.comment is None) is refused
    if refused:
        assert result.errors == {"__all__": ["You are posting comments too quickly. Slow down."]}
    assert Comment.objects.count() == (1 if refused else 2)


def test_flood_window_expires(submit, blog_settings):
    blog_settings(COMMENTS_FLOOD_SECONDS=1)
    submit(body="first")
    time.sleep(1.1)

    assert submit(body="second").comment is not None


def test_flood_check_off(submit, blog_settings):
    blog_settings(COMMENTS_FLOOD_SECONDS=0)
    submit(body="first")

    assert submit(body="second").comment is not None


def test_refused_attempt_does_not_start_a_flood_window(submit):
    submit(author_name="")

    assert submit().comment is not None


def test_duplicate_comment_is_refused(submit, blog_settings):
    blog_settings(COMMENTS_FLOOD_SECONDS=0)
    submit()

    result = submit(author_email="ADA@example.com")

    assert result.errors == {
        "__all__": ["Duplicate comment detected; it looks as though you’ve already said that!"]
    }
    assert Comment.objects.count() == 1


def test_client_ip_uses_trusted_proxy_header_only_when_configured(blog_settings):
    forwarded = {"HTTP_X_FORWARDED_FOR": "6.6.6.6, 198.51.100.9"}
    request = make_request("10.0.0.1", **forwarded)

    assert client_ip(request) == "10.0.0.1"
    blog_settings(TRUSTED_PROXY_HEADER="HTTP_X_FORWARDED_FOR")
    # the rightmost entry is the one the trusted proxy added; the leftmost is client-supplied
    assert client_ip(request) == "198.51.100.9"
    assert client_ip(make_request("10.0.0.1", HTTP_X_FORWARDED_FOR="garbage")) == "10.0.0.1"
    assert client_ip(make_request("10.0.0.1")) == "10.0.0.1"


# --- Spam checker ----------------------------------------------------------------------------

checked = []


def spam_checker(comment, request):
    checked.append((comment.body, request.META["REMOTE_ADDR"]))
    return "spam" in comment.body


def failing_checker(comment, request):
    raise RuntimeError("service down")


def slow_checker(comment, request):
    time.sleep(2)
    return False


@pytest.mark.parametrize(
    ("checker", "body", "expected"),
    [
        # the checker says spam
        ("spam_checker", "buy spam now", Comment.Status.SPAM),
        # the checker says fine: the policy decides (COMMENTS_MODERATION="none")
        ("spam_checker", "fine words", Comment.Status.APPROVED),
        # a crashing checker holds the comment for a human
        ("failing_checker", "fine words", Comment.Status.PENDING),
        # a checker slower than SPAM_CHECK_TIMEOUT holds the comment for a human
        ("slow_checker", "fine words", Comment.Status.PENDING),
    ],
)
def test_spam_checker(submit, blog_settings, checker, body, expected):
    blog_settings(
        COMMENTS_MODERATION="none",
        COMMENTS_SPAM_CHECKER=f"{__name__}.{checker}",
        COMMENTS_SPAM_CHECK_TIMEOUT=0.5,
    )
    started = time.monotonic()

    result = submit(body=body)

    assert result.errors == {}
    assert result.comment.status == expected
    assert time.monotonic() - started < 1.5


# --- Signals and notifications ---------------------------------------------------------------


@pytest.fixture
def received():
    events = []

    def on_posted(sender, comment, request, **kwargs):
        events.append(("posted", comment.pk))

    def on_approved(sender, comment, **kwargs):
        events.append(("approved", comment.pk))

    comment_posted.connect(on_posted)
    comment_approved.connect(on_approved)
    yield events
    comment_posted.disconnect(on_posted)
    comment_approved.disconnect(on_approved)


def test_signals_after_commit(submit, blog_settings, received, django_capture_on_commit_callbacks):
    blog_settings(COMMENTS_MODERATION="none")
    with django_capture_on_commit_callbacks(execute=True):
        result = submit()
        assert received == []

    assert received == [("posted", result.comment.pk), ("approved", result.comment.pk)]


def test_approving_later_sends_comment_approved(
    submit, received, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        comment = submit().comment
    received.clear()

    with django_capture_on_commit_callbacks(execute=True):
        comment.approve()
        comment.approve()  # already approved: no second signal

    assert received == [("approved", comment.pk)]


def test_refused_submission_sends_nothing(submit, received, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        submit(author_email="nope")

    assert received == []
    assert mail.outbox == []


@pytest.mark.parametrize(
    ("notify_emails", "recipients"),
    [
        # default: the post's owner
        (None, ["owner@example.com"]),
        # configured list
        (["mod1@example.com", "mod2@example.com"], ["mod1@example.com", "mod2@example.com"]),
        # an empty list switches the emails off
        ([], None),
    ],
)
def test_pending_comment_notifies_moderators(
    submit, blog_settings, django_capture_on_commit_callbacks, notify_emails, recipients
):
    blog_settings(COMMENTS_NOTIFY_EMAILS=notify_emails)

    with django_capture_on_commit_callbacks(execute=True):
        result = submit(body="Please <b>approve</b> me")

    if recipients is None:
        assert mail.outbox == []
        return
    [message] = mail.outbox
    assert message.to == recipients
    assert "“Vienna”" in message.subject
    admin_link = f"http://127.0.0.1:8000/admin/cms_blog/comment/edit/{result.comment.pk}/"
    assert admin_link in message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert admin_link in html
    assert "&lt;b&gt;approve&lt;/b&gt;" in html
    # the commenter's email and IP stay on the server
    assert "ada@example.com" not in message.body + html
    assert "203.0.113.7" not in message.body + html


def test_published_comment_sends_no_email(
    submit, blog_settings, django_capture_on_commit_callbacks
):
    blog_settings(COMMENTS_MODERATION="none")
    with django_capture_on_commit_callbacks(execute=True):
        submit()

    assert mail.outbox == []


def test_broken_mail_never_fails_the_submission(
    submit, settings, django_capture_on_commit_callbacks, caplog
):
    settings.EMAIL_BACKEND = "tests.test_comments_policy.BrokenBackend"

    with django_capture_on_commit_callbacks(execute=True):
        result = submit()

    assert result.comment is not None
    assert Comment.objects.count() == 1
    # Django's immediate task backend sent it in place, and cannot send it again later.
    assert f"Could not send the moderation email for comment {result.comment.pk}" in caplog.text
    assert "the task backend cannot run it later: it is not tried again" in caplog.text


@pytest.fixture
def task_queue(settings):
    """A task backend that queues (and can defer) without running anything: its ``results``."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    from django_tasks import default_task_backend

    return default_task_backend.results


def test_the_email_is_queued_once_the_comment_commits(
    submit, task_queue, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        comment = submit().comment
        assert task_queue == []  # not before the commit

    (queued,) = task_queue
    assert queued.task.func is send_moderation_email.func and queued.args == [comment.pk]
    assert mail.outbox == []  # the worker sends it


def test_a_rolled_back_comment_queues_no_email(
    submit, task_queue, django_capture_on_commit_callbacks
):
    with (
        django_capture_on_commit_callbacks(execute=True),
        contextlib.suppress(RuntimeError),
        transaction.atomic(),  # rolled back by the error, inside the suppression
    ):
        assert submit().comment is not None
        raise RuntimeError("the request fails after the comment was saved")

    assert Comment.objects.count() == 0
    assert task_queue == []


def test_a_failing_mail_server_is_tried_again_later(post, owner, settings, task_queue, caplog):
    comment = make_comment(post, status=Comment.Status.PENDING)
    settings.EMAIL_BACKEND = "tests.test_comments_policy.BrokenBackend"
    started = timezone.now()

    send_moderation_email.call(comment.pk)

    (retry,) = task_queue
    assert retry.args == [comment.pk, 2]
    wait = retry.task.run_after - started
    assert (
        datetime.timedelta(seconds=60) <= wait < datetime.timedelta(seconds=65)
    )  # COMMENTS_NOTIFY_RETRY_SECONDS
    assert f"moderation email for comment {comment.pk} (attempt 1); trying again" in caplog.text
    assert "SMTP server down" in caplog.text  # with the error

    send_moderation_email.call(comment.pk, 6)  # COMMENTS_NOTIFY_MAX_ATTEMPTS'th

    assert len(task_queue) == 1  # no seventh
    assert "(attempt 6), and that was the last attempt" in caplog.text

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    send_moderation_email.call(comment.pk, 2)  # the mail server is back

    (message,) = mail.outbox
    assert message.to == [owner.email]


def test_a_comment_moderated_before_its_email_gets_none(post, owner, task_queue):
    comment = make_comment(post, status=Comment.Status.PENDING)
    comment.approve()

    send_moderation_email.call(comment.pk)

    assert mail.outbox == [] and task_queue == []


class BrokenBackend:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("SMTP server down")


# --- Reading threads -------------------------------------------------------------------------


def test_comment_threads_and_counts_in_constant_queries(post, make_post, django_assert_num_queries):
    other = make_post("Other")
    first = approved_comment(post, "a@example.com")
    reply = approved_comment(post, "b@example.com", parent=first)
    nested = approved_comment(post, "c@example.com", parent=reply)
    second = approved_comment(post, "d@example.com")
    hidden = Comment.objects.create(
        post=post, parent=first, author_name="P", author_email="p@example.com", body="pending"
    )
    approved_comment(other, "e@example.com")

    with django_assert_num_queries(1):
        threads = comment_threads([post.pk, other.pk, 999])
    with django_assert_num_queries(1):
        counts = {
            pk: thread_size(threads)
            for pk, threads in comment_threads([post.pk, other.pk, 999]).items()
        }

    assert threads[post.pk] == [first, second]
    [loaded_first, _loaded_second] = threads[post.pk]
    assert loaded_first.thread_replies == [reply]
    assert loaded_first.thread_replies[0].thread_replies == [nested]
    assert hidden not in loaded_first.thread_replies
    assert len(threads[other.pk]) == 1
    assert threads[999] == []
    assert counts == {post.pk: 4, other.pk: 1, 999: 0}


@pytest.mark.parametrize(
    "hidden",
    [
        # the parent of an approved reply is taken down
        "top",
        # an approved reply's grandparent is taken down: the whole branch goes
        "middle",
    ],
)
@pytest.mark.parametrize("status", [Comment.Status.TRASH, Comment.Status.SPAM, "pending"])
def test_counts_leave_out_replies_the_thread_leaves_out(client, post, hidden, status):
    top = approved_comment(post, "a@example.com", body="Top")
    middle = approved_comment(post, "b@example.com", parent=top, body="Middle")
    approved_comment(post, "c@example.com", parent=middle, body="Deep")
    Comment.objects.filter(pk={"top": top, "middle": middle}[hidden].pk).update(status=status)

    shown = {"top": 0, "middle": 1}[hidden]
    assert {pk: thread_size(threads) for pk, threads in comment_threads([post.pk]).items()} == {
        post.pk: shown
    }
    query = "query ($id: ID) { post(id: $id) { commentCount comments { id } } }"
    data = data_of(client, query, {"id": str(post.pk)})
    assert data["post"]["commentCount"] == len(data["post"]["comments"]) == shown
    html = client.get(post.url).content.decode()
    assert ("One thought on" in html) is (shown == 1)
    assert "Deep" not in html


@pytest.mark.parametrize(
    ("make", "is_open"),
    [
        # a live, public post
        (lambda post: None, True),
        # behind a password
        (restrict, False),
        # behind a login, on its blog
        (
            lambda post: PageViewRestriction.objects.create(
                page=post.get_parent(), restriction_type=PageViewRestriction.LOGIN
            ),
            False,
        ),
        # taken offline
        (lambda post: post.unpublish(), False),
    ],
)
def test_comments_are_open_only_on_posts_the_public_can_see(post, make, is_open):
    make(post)
    post.refresh_from_db()

    assert comments_open(post, make_request()) is is_open


def test_comments_stay_out_of_wagtail_s_reference_index(
    submit, post, django_capture_on_commit_callbacks
):
    # Its update ran as a task inside the submission's transaction (issue #12): nothing to index.
    with django_capture_on_commit_callbacks(execute=True):
        result = submit()

    assert result.comment is not None
    assert not ReferenceIndex.objects.filter(
        content_type=ContentType.objects.get_for_model(Comment)
    ).exists()
    assert Comment not in ReferenceIndex.tracked_models


def test_the_database_stores_a_comment_once(post):
    make_comment(post, author_email="Ann@Example.com", body="Same words")

    with pytest.raises(IntegrityError), transaction.atomic():
        make_comment(post, author_email="ann@example.com", body="Same words")
    # Erased commenters (a blank email) may have said the same thing.
    for _n in range(2):
        make_comment(post, author_email="", body="Thanks!")


def test_a_duplicate_that_wins_the_race_is_refused_not_a_500(submit, monkeypatch, blog_settings):
    blog_settings(COMMENTS_FLOOD_SECONDS=0)
    submit()
    # The read-then-write check misses a twin committed in between; the constraint does not.
    monkeypatch.setattr("cms_blog.comments.service.Comment.objects.filter", no_twin_found)

    result = submit()

    assert result.comment is None
    assert result.errors == {"__all__": [str(DUPLICATE)]}
    assert Comment.objects.count() == 1


def no_twin_found(**lookups):
    return Comment.objects.none()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs concurrent connections")
def test_identical_concurrent_submissions_store_one_comment(post, blog_settings):
    blog_settings(COMMENTS_FLOOD_SECONDS=0)
    barrier = threading.Barrier(8)

    def post_twin(_n):
        barrier.wait()
        try:
            return submit_comment(
                make_request(),
                post_id=post.pk,
                author_name="Ada",
                author_email="ada@example.com",
                body="At the very same moment",
            )
        finally:
            connection.close()

    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(post_twin, range(8)))

    assert sum(result.comment is not None for result in results) == 1
    assert Comment.objects.filter(body="At the very same moment").count() == 1
