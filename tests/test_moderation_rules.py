"""Pluggable moderation rules: a site's rule holds, marks as spam or refuses comments from the page
form, GraphQL and the admin's reply alike, and its reason shows in the moderation queue."""

import time

import pytest
from django.core.checks import run_checks
from django.core.exceptions import ValidationError

from cms_blog.comments.forms import form_timestamp
from cms_blog.conf import DEFAULTS
from cms_blog.models import Comment
from tests.factories import make_comment
from tests.graphql_support import data_of

QUEUE = "/admin/cms_blog/comment/"
ADD_COMMENT = """
mutation ($input: AddCommentInput!) {
  addComment(input: $input) { status comment { id } errors { field messages } }
}
"""


def no_shouting(comment, request):
    """A site's rule: capitals hold a comment, a lot of them make it spam, "FREE" refuses it."""
    if "FREE" in comment.body:
        raise ValidationError("Please do not advertise here.")
    capitals = sum(char.isupper() for char in comment.body)
    if capitals > 20:
        return "spam", "spam: shouting"
    if capitals > 5:
        return "pending", "held: shouting"
    return None


def approve_everything(comment, request):
    return "approved", "approved by a site rule"


def broken(comment, request):
    return "maybe"


@pytest.fixture
def with_rule(settings):
    """The defaults, plus no_shouting, with every comment otherwise published at once."""
    settings.CMS_BLOG = {
        "COMMENTS_MODERATION": "none",
        "COMMENTS_FLOOD_SECONDS": 0,
        "MODERATION_RULES": [*DEFAULTS["MODERATION_RULES"], f"{__name__}.no_shouting"],
    }


def by_form(client, post, body):
    data = {
        "body": body,
        "author_name": "Bea",
        "author_email": "bea@example.com",
        "timestamp": form_timestamp(post.pk, time.time() - 60),
    }
    return client.post(f"/comments/post/{post.pk}/", data)


def by_graphql(client, post, body):
    fields = {"postId": str(post.pk), "authorName": "Bea", "authorEmail": "bea@example.com"}
    return data_of(client, ADD_COMMENT, {"input": {**fields, "body": body}})["addComment"]


def by_admin_reply(admin_client, post, body):
    parent = make_comment(post, body="A question?")
    return admin_client.post(f"/admin/cms_blog/comments/{parent.pk}/reply/", {"body": body})


@pytest.mark.parametrize(
    ("body", "status", "reason"),
    [
        ("A calm remark.", "approved", ""),
        ("THIS IS LOUD indeed", "pending", "held: shouting"),
        ("THIS IS VERY VERY LOUD AND LONG", "spam", "spam: shouting"),
    ],
)
@pytest.mark.parametrize("path", ["form", "graphql", "admin reply"])
def test_a_site_rule_decides_on_every_path(
    client, admin_client, post, with_rule, path, body, status, reason
):
    if path == "form":
        assert by_form(client, post, body).status_code == 302
    elif path == "graphql":
        answer = by_graphql(client, post, body)
        assert answer["errors"] == [] and answer["comment"]["id"]
    else:
        assert by_admin_reply(admin_client, post, body).status_code == 302

    stored = Comment.objects.get(body=body)
    assert (stored.status, stored.moderation_reason) == (status, reason)


@pytest.mark.parametrize("path", ["form", "graphql", "admin reply"])
def test_a_site_rule_refuses_with_its_message_and_nothing_is_stored(
    client, admin_client, post, with_rule, path
):
    body = "Get it FREE now"
    if path == "form":
        response = by_form(client, post, body)
        assert response.status_code == 400
        assert "Please do not advertise here." in response.content.decode()
    elif path == "graphql":
        answer = by_graphql(client, post, body)
        assert answer["status"] is None
        assert answer["errors"] == [
            {"field": "__all__", "messages": ["Please do not advertise here."]}
        ]
    else:
        response = by_admin_reply(admin_client, post, body)
        assert response.status_code == 200
        assert "Please do not advertise here." in response.content.decode()
    assert not Comment.objects.filter(body=body).exists()


def test_a_refused_reply_does_not_approve_the_pending_comment_it_answers(
    admin_client, post, with_rule
):
    parent = make_comment(post, status=Comment.Status.PENDING)

    admin_client.post(f"/admin/cms_blog/comments/{parent.pk}/reply/", {"body": "FREE stuff"})

    parent.refresh_from_db()
    assert parent.status == Comment.Status.PENDING  # "approve and reply" is all or nothing


def test_the_reason_shows_in_the_moderation_queue(client, admin_client, post, with_rule):
    by_form(client, post, "THIS IS LOUD indeed")

    html = admin_client.get(f"{QUEUE}?status__exact=pending").content.decode()

    assert "held: shouting" in html


@pytest.mark.parametrize(
    ("settings_values", "body", "reason"),
    [
        ({"COMMENTS_MODERATION": "all"}, "Fine.", "held: every comment is moderated"),
        ({}, "Fine.", "held: first comment"),
        ({"COMMENTS_MODERATION": "none"}, "See http://a.example http://b.example", "held: 2 links"),
        ({"COMMENTS_MODERATION_WORDS": ["casino"]}, "My casino", "held: moderation word"),
        ({"COMMENTS_DISALLOWED_WORDS": ["pills"]}, "Cheap pills", "spam: disallowed word"),
    ],
)
def test_the_built_in_rules_say_why(
    client, admin_client, post, settings, settings_values, body, reason
):
    settings.CMS_BLOG = {"COMMENTS_FLOOD_SECONDS": 0, **settings_values}

    by_form(client, post, body)

    assert Comment.objects.get(body=body).moderation_reason == reason
    assert reason in admin_client.get(QUEUE).content.decode()


def test_the_most_severe_verdict_wins(client, post, settings):
    # A rule that approves cannot overrule one that holds: first-time moderation still holds.
    settings.CMS_BLOG = {
        "MODERATION_RULES": [f"{__name__}.approve_everything", *DEFAULTS["MODERATION_RULES"]]
    }

    by_form(client, post, "Hello")

    assert Comment.objects.get().status == Comment.Status.PENDING


def test_a_moderator_s_reply_skips_the_built_in_rules(admin_client, post, settings):
    settings.CMS_BLOG = {"COMMENTS_MODERATION": "all", "COMMENTS_DISALLOWED_WORDS": ["pills"]}

    by_admin_reply(admin_client, post, "About those pills: no.")

    assert Comment.objects.get(parent__isnull=False).status == Comment.Status.APPROVED


def test_rules_are_checked_at_manage_py_check(settings):
    settings.CMS_BLOG = {"MODERATION_RULES": ["no.such.rule", f"{__name__}.DEFAULTS"]}

    errors = [message for message in run_checks() if message.id == "cms_blog.E005"]

    assert len(errors) == 2
    assert "'no.such.rule' does not import" in errors[0].msg
    assert "is not callable" in errors[1].msg


def test_a_rule_returning_nonsense_is_a_configuration_error(client, post, settings):
    settings.CMS_BLOG = {"MODERATION_RULES": [f"{__name__}.broken"]}

    with pytest.raises(Exception, match="returned 'maybe'"):
        by_form(client, post, "Hello")
    assert not Comment.objects.exists()
