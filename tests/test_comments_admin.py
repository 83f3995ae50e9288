"""Moderation in the Wagtail admin: the list, filters, search, bulk and row actions, reply,
dashboard panel, menu count and permissions."""

import io
import re

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cms_blog.comments.forms import CommentForm
from cms_blog.comments.signals import comment_approved
from cms_blog.models import Comment
from tests.factories import make_comment

INDEX = "/admin/cms_blog/comment/"
MODERATE = "/admin/cms_blog/comments/moderate/"


def reply_url(comment) -> str:
    return f"/admin/cms_blog/comments/{comment.pk}/reply/"


def user_with(django_user_model, client, *codenames, username="editor"):
    """A Wagtail editor (may use the admin) with the given cms_blog permissions."""
    user = django_user_model.objects.create_user(username, f"{username}@example.com", "pw")
    group = Group.objects.create(name=f"Blog editors ({username})")
    group.permissions.add(Permission.objects.get(codename="access_admin"))
    group.permissions.add(
        *Permission.objects.filter(content_type__app_label="cms_blog", codename__in=codenames)
    )
    user.groups.add(group)
    client.force_login(user)
    return user


def test_list_shows_the_queue(admin_client, post):
    comment = make_comment(
        post, status=Comment.Status.PENDING, author_name="<i>Ann</i>", body="A long comment " * 20
    )

    html = admin_client.get(INDEX).content.decode()

    assert "&lt;i&gt;Ann&lt;/i&gt;" in html
    assert "A long comment A long comment" in html and "…" in html
    assert f'<a href="/admin/pages/{post.pk}/edit/">Vienna</a>' in html
    assert "Pending" in html
    assert f'name="selected" value="{comment.pk}"' in html
    assert f'name="row_action" value="approve:{comment.pk}"' in html
    assert f'href="{reply_url(comment)}"' in html
    # comments come from readers: no "Add" button
    assert "/admin/cms_blog/comment/create/" not in html


def test_list_queries_do_not_grow_with_comments(admin_client, post):
    def count():
        with CaptureQueriesContext(connection) as queries:
            assert admin_client.get(INDEX).status_code == 200
        return len(queries)

    for n in range(3):
        make_comment(post, status=Comment.Status.PENDING, body=f"few {n}")
    admin_client.get(INDEX)
    few = count()
    for n in range(30):
        make_comment(post, body=f"many {n}", status=Comment.Status.APPROVED)

    assert count() == few


@pytest.mark.parametrize(
    ("query", "shown", "hidden"),
    [
        # filter by status
        ("status__exact=spam", "spam text", "pending text"),
        # search by name
        ("q=Zebedee", "pending text", "spam text"),
        # search by email
        ("q=zeb%40example.com", "pending text", "spam text"),
        # search by text
        ("q=spam+text", "spam text", "pending text"),
    ],
)
def test_filters_and_search(admin_client, query, shown, hidden, post):
    make_comment(
        post,
        status=Comment.Status.PENDING,
        author_name="Zebedee",
        author_email="zeb@example.com",
        body="pending text",
    )
    make_comment(post, status=Comment.Status.SPAM, body="spam text")

    html = admin_client.get(f"{INDEX}?{query}").content.decode()

    assert shown in html
    assert hidden not in html


def test_a_reply_says_which_comment_it_answers(admin_client, post):
    ann = make_comment(post, author_name="Ann")
    make_comment(post, author_name="Bob", parent=ann, status=Comment.Status.PENDING)

    html = admin_client.get(INDEX).content.decode()

    edit_ann = f"/admin/cms_blog/comment/edit/{ann.pk}/"
    assert html.count("in reply to") == 1
    assert f'in reply to <a href="{edit_ann}">Ann</a>' in html


def test_the_post_filter_is_offered_with_one_post(admin_client, post):
    make_comment(post, status=Comment.Status.PENDING)

    html = admin_client.get(INDEX).content.decode()

    # Django's related-field filter hides itself when it has fewer than two choices.
    assert "By post" in html and re.search(rf'href="\?post__\w+__exact={post.pk}">Vienna<', html)


def test_row_actions_and_statuses_keep_together(admin_client, post):
    comment = make_comment(post, status=Comment.Status.PENDING)

    html = admin_client.get(INDEX).content.decode()

    # One flex group per row (its buttons wrap together), and no word broken across lines.
    assert '<div class="cms-blog-row-actions"><button' in html
    assert '<span class="cms-blog-status">Pending</span>' in html
    assert ".cms-blog-status, .cms-blog-moderation-form td .button { white-space: nowrap; }" in html
    assert f'value="approve:{comment.pk}">Approve</button><button' in html


def test_filter_by_post_and_date(admin_client, make_post, post):
    other = make_post("Other post")
    make_comment(post, status=Comment.Status.PENDING, body="on vienna")
    make_comment(other, status=Comment.Status.PENDING, body="on other")
    Comment.objects.filter(body="on other").update(created_at="2020-01-01T00:00:00Z")

    by_post = admin_client.get(f"{INDEX}?post__id__exact={other.pk}").content.decode()
    recent = admin_client.get(
        f"{INDEX}?created_at__gte=2024-01-01+00%3A00%3A00%2B00%3A00"
    ).content.decode()

    assert "on other" in by_post and "on vienna" not in by_post
    assert "on vienna" in recent and "on other" not in recent


@pytest.mark.parametrize(
    ("action", "before", "after"),
    [
        # approve a pending comment
        ("approve", Comment.Status.PENDING, Comment.Status.APPROVED),
        # mark a pending comment as spam
        ("spam", Comment.Status.PENDING, Comment.Status.SPAM),
        # trash an approved comment
        ("trash", Comment.Status.APPROVED, Comment.Status.TRASH),
        # restore spam to the queue
        ("restore", Comment.Status.SPAM, Comment.Status.PENDING),
        # restore from the trash to the queue
        ("restore", Comment.Status.TRASH, Comment.Status.PENDING),
        # restore leaves an approved comment alone
        ("restore", Comment.Status.APPROVED, Comment.Status.APPROVED),
    ],
)
def test_bulk_actions(admin_client, action, before, after, post):
    chosen = [make_comment(post, status=before, body=f"chosen {n}") for n in range(2)]
    untouched = make_comment(post, status=before, body="untouched")

    response = admin_client.post(
        MODERATE, {"action": action, "selected": [c.pk for c in chosen], "next": f"{INDEX}?p=1"}
    )

    assert response.status_code == 302
    assert response["Location"] == f"{INDEX}?p=1"
    for comment in chosen:
        comment.refresh_from_db()
        assert comment.status == after
        assert (comment.approved_at is not None) is (after == Comment.Status.APPROVED)
    untouched.refresh_from_db()
    assert untouched.status == before


def test_row_action_changes_one_comment(admin_client, post):
    target, other = (
        make_comment(post, status=Comment.Status.PENDING),
        make_comment(post, status=Comment.Status.PENDING, body="other"),
    )

    admin_client.post(MODERATE, {"row_action": f"spam:{target.pk}", "selected": [other.pk]})

    target.refresh_from_db()
    other.refresh_from_db()
    assert target.status == Comment.Status.SPAM
    assert other.status == Comment.Status.PENDING


def test_bulk_approve_sends_comment_approved(
    admin_client, django_capture_on_commit_callbacks, post
):
    pending, already = (
        make_comment(post, status=Comment.Status.PENDING),
        make_comment(post, status=Comment.Status.APPROVED, body="old"),
    )
    approved = []

    def receiver(sender, comment, **kwargs):
        approved.append(comment.pk)

    comment_approved.connect(receiver)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            admin_client.post(MODERATE, {"action": "approve", "selected": [pending.pk, already.pk]})
    finally:
        comment_approved.disconnect(receiver)

    assert approved == [pending.pk]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        # no action chosen
        ({"action": "", "selected": ["1"]}, "Choose an action to apply."),
        # an action that does not exist
        ({"action": "delete", "selected": ["1"]}, "Choose an action to apply."),
        # nothing ticked
        ({"action": "approve"}, "Select at least one comment."),
    ],
)
def test_bulk_action_mistakes_are_reported(admin_client, data, message, post):
    make_comment(post, status=Comment.Status.PENDING)

    response = admin_client.post(MODERATE, data, follow=True)

    assert message in response.content.decode()
    assert Comment.objects.get().status == Comment.Status.PENDING


def test_odd_selected_values_are_ignored(admin_client, post):
    comment = make_comment(post, status=Comment.Status.PENDING)
    # "²" passes str.isdigit() but not int(); 5,000 digits are beyond int()'s limit.
    selected = ["²", "9" * 5000, "99999999999999999999999", str(comment.pk)]

    response = admin_client.post(MODERATE, {"action": "approve", "selected": selected}, follow=True)

    assert "1 comment approved." in response.content.decode()
    comment.refresh_from_db()
    assert comment.status == Comment.Status.APPROVED


@pytest.mark.parametrize("row_action", ["approve:²", "approve:" + "9" * 5000])
def test_odd_row_action_is_reported(admin_client, row_action, post):
    make_comment(post, status=Comment.Status.PENDING)

    response = admin_client.post(MODERATE, {"row_action": row_action}, follow=True)

    assert "Select at least one comment." in response.content.decode()
    assert Comment.objects.get().status == Comment.Status.PENDING


def test_moderation_never_redirects_off_site(admin_client, post):
    comment = make_comment(post, status=Comment.Status.PENDING)

    response = admin_client.post(
        MODERATE, {"action": "approve", "selected": [comment.pk], "next": "https://evil.example/"}
    )

    assert response["Location"] == INDEX


def test_moderation_needs_post(admin_client):
    assert admin_client.get(MODERATE).status_code == 405


def test_reply_from_the_admin(admin_client, admin_user, post, client):
    # Pending: replying approves it (WordPress's "Approve and Reply").
    parent = make_comment(post, status=Comment.Status.PENDING)

    assert admin_client.get(reply_url(parent)).status_code == 200
    response = admin_client.post(reply_url(parent), {"body": "Thanks, <Ann>!"})

    assert response.status_code == 302
    parent.refresh_from_db()
    reply = Comment.objects.get(parent=parent)
    assert parent.status == Comment.Status.APPROVED
    assert reply.status == Comment.Status.APPROVED
    assert reply.user == admin_user
    assert reply.author_name == admin_user.get_username()
    assert reply.depth == 1 and reply.post_id == post.pk
    page = client.get(post.url).content.decode()
    assert "Thanks, &lt;Ann&gt;!" in page
    assert '<span class="cms-blog-comment-badge">Staff</span>' in page


@pytest.mark.parametrize("status", [Comment.Status.SPAM, Comment.Status.TRASH])
def test_reply_to_spam_or_trash_is_refused(admin_client, status, post):
    parent = make_comment(post, status=status)

    response = admin_client.post(reply_url(parent), {"body": "Thanks!"}, follow=True)

    assert "Only approved comments can be answered" in response.content.decode()
    assert admin_client.get(reply_url(parent)).status_code == 302
    assert Comment.objects.get().status == status
    # and the queue offers no "Reply" for them
    assert f'href="{reply_url(parent)}"' not in admin_client.get(INDEX).content.decode()


@pytest.mark.parametrize(
    "status", [Comment.Status.PENDING, Comment.Status.SPAM, Comment.Status.TRASH]
)
def test_only_moderators_see_comments_that_are_not_public(client, django_user_model, status, post):
    user_with(django_user_model, client, "add_comment")
    parent = make_comment(post, status=status, body="Buy secret pills")

    for response in (
        client.get(reply_url(parent)),
        client.post(reply_url(parent), {"body": "Thanks!"}),
    ):
        assert response.status_code == 302 and response["Location"] == "/admin/"
        assert "secret pills" not in response.content.decode()
    assert Comment.objects.get().status == status


def test_answering_needs_the_moderators_change_permission(client, django_user_model, post):
    parent = make_comment(post, status=Comment.Status.APPROVED, body="A fair question")
    user_with(django_user_model, client, "add_comment")

    # "add comment" alone is not enough: a reply is published at once, as a moderator's is.
    assert client.post(reply_url(parent), {"body": "An answer"})["Location"] == "/admin/"
    assert not Comment.objects.filter(parent=parent).exists()

    user_with(django_user_model, client, "change_comment", username="moderator")
    assert "A fair question" in client.get(reply_url(parent)).content.decode()
    assert client.post(reply_url(parent), {"body": "A fair answer"}).status_code == 302
    assert Comment.objects.get(parent=parent).status == Comment.Status.APPROVED


def test_reply_needs_a_body(admin_client, post):
    parent = make_comment(post, status=Comment.Status.PENDING)

    response = admin_client.post(reply_url(parent), {"body": ""})

    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    assert Comment.objects.count() == 1


def test_reply_beyond_max_depth_is_refused(admin_client, settings, post):
    settings.CMS_BLOG = {"COMMENTS_MAX_DEPTH": 1}
    parent = make_comment(post, status=Comment.Status.APPROVED)

    response = admin_client.post(reply_url(parent), {"body": "too deep"})

    assert response.status_code == 200
    assert "cannot be nested any deeper" in response.content.decode()
    assert Comment.objects.count() == 1


def test_menu_item_and_dashboard_show_the_pending_count(admin_client, post):
    for n in range(3):
        make_comment(post, status=Comment.Status.PENDING, body=f"waiting {n}")
    make_comment(post, status=Comment.Status.APPROVED, body="public")

    html = admin_client.get("/admin/").content.decode()

    assert '"label": "Comments (3)"' in html
    assert "3 comments are awaiting moderation." in html
    assert f"{INDEX}?status__exact=pending" in html


def test_the_dashboard_panel_is_laid_out_as_wagtails_own(admin_client, post):
    make_comment(post, status=Comment.Status.PENDING)

    soup = BeautifulSoup(admin_client.get("/admin/").content, "html.parser")

    # Wagtail's dashboard panels hold a listing--dashboard table: its cells give the padding.
    panel = soup.select_one("#cms-blog-pending-comments-content") or soup.select_one(
        "[id^=cms-blog-pending-comments]"
    )
    cell = panel.find_parent("section").select_one("table.listing.listing--dashboard td.title")
    assert " ".join(cell.text.split()) == "1 comment is awaiting moderation."


def test_edit_view(admin_client, django_capture_on_commit_callbacks, post):
    comment = make_comment(post, status=Comment.Status.PENDING)
    edit = f"/admin/cms_blog/comment/edit/{comment.pk}/"
    approved = []

    def receiver(sender, comment, **kwargs):
        approved.append(comment.pk)

    def save(status):
        with django_capture_on_commit_callbacks(execute=True):
            admin_client.post(
                edit,
                {
                    "author_name": "Ann B.",
                    "author_email": "ann@example.com",
                    "author_url": "",
                    "body": "Edited",
                    "status": status,
                },
            )
        comment.refresh_from_db()

    assert admin_client.get(edit).status_code == 200
    comment_approved.connect(receiver)
    try:
        save("approved")
        assert comment.author_name == "Ann B."
        assert comment.status == Comment.Status.APPROVED
        assert comment.approved_at is not None
        assert approved == [comment.pk]
        save("approved")  # unchanged status: no second signal
        assert approved == [comment.pk]
        save("pending")
        assert comment.approved_at is None
    finally:
        comment_approved.disconnect(receiver)


# --- Permissions -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "error"),
    [
        # the contract: http(s) only, in the admin as on the page
        ("ftp://evil.example/x", "starting with http:// or https://"),
        # not a web address: the blog's message alone, as the reader's form gives it
        ("javascript:alert(1)", "starting with http:// or https://"),
        ("http://ex ample.com", "without quotes, angle brackets or spaces"),
        # not a URL at all
        ("http://[::1", "Enter a valid URL."),
    ],
)
def test_edit_view_refuses_non_web_websites(admin_client, url, error, post):
    comment = make_comment(post, status=Comment.Status.PENDING)
    data = {
        "author_name": "Ann",
        "author_email": "ann@example.com",
        "author_url": url,
        "body": "Hello there",
        "status": "approved",
    }

    response = admin_client.post(f"/admin/cms_blog/comment/edit/{comment.pk}/", data)

    assert response.status_code == 200
    [message] = response.context["form"].errors["author_url"]  # one message per field
    assert error in message
    assert message in CommentForm(data={"author_url": url}).errors["author_url"]
    comment.refresh_from_db()
    assert (comment.author_url, comment.status) == ("", Comment.Status.PENDING)


def test_an_erased_comment_can_still_be_edited(admin_client, post):
    comment = make_comment(post, status=Comment.Status.PENDING, author_email="gone@example.com")
    call_command("erase_comments", "gone@example.com", stdout=io.StringIO())
    edit = f"/admin/cms_blog/comment/edit/{comment.pk}/"
    data = {"author_name": "Anonymous", "author_email": "", "author_url": "", "body": "Hello there"}

    response = admin_client.post(edit, {**data, "status": "spam"})

    assert response.status_code == 302
    comment.refresh_from_db()
    assert (comment.status, comment.author_email) == (Comment.Status.SPAM, "")


def test_the_email_stays_required_for_other_comments(admin_client, post):
    comment = make_comment(post, status=Comment.Status.PENDING)
    data = {"author_name": "Ann", "author_email": "", "author_url": "", "body": "Hello there"}

    response = admin_client.post(
        f"/admin/cms_blog/comment/edit/{comment.pk}/", {**data, "status": "approved"}
    )

    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    comment.refresh_from_db()
    assert (comment.status, comment.author_email) == (Comment.Status.PENDING, "ann@example.com")


def test_editor_without_comment_permissions_sees_and_does_nothing(client, django_user_model, post):
    user_with(django_user_model, client)
    comment = make_comment(post, status=Comment.Status.PENDING)

    home = client.get("/admin/").content.decode()
    assert '"label": "Comments' not in home
    assert "cms-blog-pending-comments" not in home
    # Wagtail answers a permission failure with a redirect to the dashboard and a message.
    for response in (
        client.get(INDEX),
        client.post(MODERATE, {"action": "approve", "selected": [comment.pk]}),
        client.post(reply_url(comment), {"body": "hi"}),
    ):
        assert response.status_code == 302
        assert response["Location"] == "/admin/"
    comment.refresh_from_db()
    assert comment.status == Comment.Status.PENDING
    assert Comment.objects.count() == 1


def test_moderator_group_can_moderate(client, django_user_model, post):
    user_with(django_user_model, client, "change_comment", "add_comment")
    comment = make_comment(post, status=Comment.Status.PENDING)

    assert client.get(INDEX).status_code == 200
    assert "cms-blog-pending-comments" in client.get("/admin/").content.decode()
    client.post(MODERATE, {"action": "approve", "selected": [comment.pk]})
    comment.refresh_from_db()
    assert comment.status == Comment.Status.APPROVED


def test_reply_to_pending_needs_change_permission(client, django_user_model, post):
    user_with(django_user_model, client, "add_comment")
    parent = make_comment(post, status=Comment.Status.PENDING)

    assert client.post(reply_url(parent), {"body": "hi"})["Location"] == "/admin/"
    assert Comment.objects.count() == 1


def test_anonymous_is_sent_to_login(client, post):
    comment = make_comment(post, status=Comment.Status.PENDING)

    assert client.post(MODERATE, {"action": "approve", "selected": [comment.pk]}).status_code in (
        302,
        403,
    )
    comment.refresh_from_db()
    assert comment.status == Comment.Status.PENDING
