"""Imported WordPress comments: whole threads at any depth, every status, original dates,
authors and accounts, no notifications or moderation rules; shown exactly as native comments,
with emails and IP addresses as private as ever."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.core import mail

from cms_blog.comments.signals import comment_approved, comment_posted
from cms_blog.models import BlogPostPage, Comment, WordPressImportRecord
from tests.graphql_support import data_of
from tests.wordpress_export import Author, WPComment, WPItem, run_import

pytestmark = pytest.mark.django_db
EMAIL = "deep@example.com"
IP = "198.51.100.7"
STATUSES = ["1", "0", "spam", "trash"]
WORDPRESS_STATUSES = dict(zip(STATUSES, ["approved", "pending", "spam", "trash"], strict=True))


def ten_deep() -> list[WPComment]:
    """A thread ten comments deep (deeper than COMMENTS_MAX_DEPTH), every status in turn down the
    levels, listed replies first as an export may list them."""
    thread = []
    for depth in range(10):
        parent = thread[-1].id if thread else 0
        thread.append(
            WPComment(
                f"Level {depth}",
                parent=parent,
                email=EMAIL,
                ip=IP,
                author=f"Author {depth}",
                approved=STATUSES[depth % 4],
                date=f"2021-03-0{1 + depth % 9} 1{depth % 10}:00:00",
            )
        )
    return list(reversed(thread))


def test_threads_at_any_depth_with_every_status_and_date(blog_index, tmp_path):
    thread = ten_deep()
    others = [
        WPComment(f"Status {status}", approved=status, date="2021-04-01 12:00:00")
        for status in STATUSES
    ]
    pings = [
        WPComment("Linked", type="pingback"),
        WPComment("Tracked", type="trackback"),
    ]
    orphan = WPComment("Answers a pingback", parent=pings[0].id)
    item = WPItem("Discussed", "Body", comments=thread + others + pings + [orphan])
    output = run_import(tmp_path, [item], blog_index.pk)

    comments = {comment.body: comment for comment in Comment.objects.all()}
    assert len(comments) == 10 + 4 + 1
    for depth in range(10):
        comment = comments[f"Level {depth}"]
        assert comment.depth == depth
        assert comment.parent == (comments[f"Level {depth - 1}"] if depth else None)
        assert comment.created_at == datetime.datetime(
            2021, 3, 1 + depth % 9, 10 + depth % 10, tzinfo=datetime.UTC
        )
        assert comment.status == WORDPRESS_STATUSES[STATUSES[depth % 4]]
        approved = comment.status == Comment.Status.APPROVED
        assert comment.approved_at == (comment.created_at if approved else None)
        assert (comment.author_name, comment.author_email) == (f"Author {depth}", EMAIL)
        assert comment.ip_address == IP
    assert {body: c.status for body, c in comments.items() if body.startswith("Status")} == {
        f"Status {status}": WORDPRESS_STATUSES[status] for status in STATUSES
    }
    assert comments["Answers a pingback"].parent is None
    assert "Skipped: 1 pingback, 1 trackback" in output
    assert f"answers comment {pings[0].id}, which is not imported" in output
    assert "Comments: 5 approved, 4 pending, 3 spam, 3 trash (15 created)" in output


def test_authors_urls_agents_and_accounts(blog_index, tmp_path):
    user = get_user_model().objects.create_user("editor", "editor@example.com")
    commenters = [
        WPComment("By the editor", user_id=7, email="editor@old.example.com"),
        WPComment("A guest with the editor's email", email="editor@example.com"),
        WPComment("Nameless", author="  ", url="https://reader.example"),
        WPComment("Script URL", url="javascript:alert(1)", agent="Mozilla/5.0 (X11)"),
        WPComment("Bad IP", ip="not-an-ip"),
    ]
    output = run_import(
        tmp_path,
        [WPItem("Accounts", "x", comments=commenters)],
        blog_index.pk,
        authors=[Author("editor", "editor@example.com", id=7)],
    )
    by_body = {comment.body: comment for comment in Comment.objects.all()}
    assert by_body["By the editor"].user == user
    assert by_body["A guest with the editor's email"].user is None
    assert by_body["Nameless"].author_name == "Anonymous"
    assert by_body["Nameless"].author_url == "https://reader.example"
    assert by_body["Script URL"].author_url == ""
    assert by_body["Script URL"].user_agent == "Mozilla/5.0 (X11)"
    assert by_body["Bad IP"].ip_address is None
    assert "website 'javascript:alert(1)' is not http(s)" in output


def test_ip_addresses_only_when_the_blog_stores_them(blog_index, tmp_path, settings):
    settings.CMS_BLOG = {"COMMENTS_STORE_IP": False}
    run_import(tmp_path, [WPItem("No IPs", "x", comments=[WPComment("Hi", ip=IP)])], blog_index.pk)
    assert Comment.objects.get().ip_address is None


def test_no_notifications_signals_or_moderation_rules(blog_index, tmp_path, settings):
    settings.CMS_BLOG = {
        "COMMENTS_FLOOD_SECONDS": 3600,
        "COMMENTS_MODERATION": "all",
        "COMMENTS_MAX_LINKS": 1,
    }
    sent = []

    def receiver(**kwargs):
        sent.append(kwargs)

    comment_posted.connect(receiver)
    comment_approved.connect(receiver)
    try:
        same = [WPComment("Same words https://a.example https://b.example") for _ in range(2)]
        pending = WPComment("Awaiting", approved="0")
        run_import(tmp_path, [WPItem("Quiet", "x", comments=[*same, pending])], blog_index.pk)
    finally:
        comment_posted.disconnect(receiver)
        comment_approved.disconnect(receiver)
    # No flood or link rule; the same words from the same email twice become one comment, which
    # the database stores once (both WordPress comments are recorded as it).
    assert Comment.objects.public().count() == 1
    assert Comment.objects.filter(status="pending").count() == 1
    records = WordPressImportRecord.objects.filter(kind="comment")
    assert records.count() == 3 and len({record.object_id for record in records}) == 2
    assert mail.outbox == [] and sent == []


THREAD = """
fragment c on Comment { authorName authorUrl body bodyHtml depth createdAt }
query ($slug: String) {
  post(slug: $slug) { commentCount comments { ...c replies { ...c replies { ...c } } } }
}
"""


def native_copy(post: BlogPostPage) -> None:
    """The same discussion written through the model, as the blog's own comments are."""
    parent = None
    for comment in Comment.objects.filter(post__slug="imported").order_by("depth"):
        native = Comment.objects.create(
            post=post,
            parent=parent,
            author_name=comment.author_name,
            author_email=comment.author_email,
            author_url=comment.author_url,
            body=comment.body,
            status=comment.status,
            ip_address=comment.ip_address,
        )
        Comment.objects.filter(pk=native.pk).update(created_at=comment.created_at)
        parent = native


def test_imported_comments_show_as_native_ones_with_emails_and_ips_private(
    blog_index, tmp_path, client, make_post
):
    thread = [
        WPComment("Top <b>level</b>", email=EMAIL, ip=IP, url="https://a.example"),
    ]
    thread.append(WPComment("A reply", parent=thread[0].id, email=EMAIL, ip=IP))
    thread.append(WPComment("Pending reply", parent=thread[0].id, approved="0", email=EMAIL))
    run_import(tmp_path, [WPItem("Imported", "Body", comments=thread)], blog_index.pk)
    native_copy(make_post("Native"))

    page = client.get(BlogPostPage.objects.get(slug="imported").url)
    html = page.content.decode()
    assert "Top level" in html and "A reply" in html
    assert "Pending reply" not in html
    assert EMAIL not in html and IP not in html

    imported = data_of(client, THREAD, {"slug": "imported"})["post"]
    native = data_of(client, THREAD, {"slug": "native"})["post"]
    assert imported == native
    assert imported["commentCount"] == 2
    assert imported["comments"][0]["replies"][0]["body"] == "A reply"
    assert EMAIL not in str(imported) and IP not in str(imported)
