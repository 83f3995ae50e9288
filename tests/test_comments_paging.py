"""Discussions that page: ``COMMENTS_PER_PAGE`` top-level threads a page, replies kept under their
thread, the newest or the oldest page first, and permalinks that land on the right page."""

import time

import pytest
from bs4 import BeautifulSoup

from cms_blog.comments.discussion import comment_url
from cms_blog.comments.forms import form_timestamp
from cms_blog.comments.threads import public_comment_counts
from cms_blog.models import Comment
from tests.factories import make_comment


@pytest.fixture
def threads(post, settings):
    """Five threads of a comment and a reply each, two threads a page: pages 1, 2 and 3."""
    settings.CMS_BLOG = {"COMMENTS_PER_PAGE": 2}
    return [
        make_comment(post, parent=make_comment(post, body=f"Thread {n}"), body=f"Reply {n}").parent
        for n in range(1, 6)
    ]


def shown(client, url) -> list[str]:
    soup = BeautifulSoup(client.get(url).content, "html.parser")
    return [p.get_text(strip=True) for p in soup.select(".cms-blog-comment-content")]


def pages_nav(client, url) -> dict[str, str]:
    soup = BeautifulSoup(client.get(url).content, "html.parser")
    nav = soup.select_one(".cms-blog-comment-pages")
    return {link["rel"][0]: link["href"] for link in nav.select("a")} if nav else {}


def test_the_newest_page_is_shown_first_with_its_replies(client, post, threads):
    assert shown(client, post.url) == ["Thread 5", "Reply 5"]
    assert pages_nav(client, post.url) == {"prev": "?cpage=2#comments"}


@pytest.mark.parametrize(
    ("cpage", "expected"),
    [
        ("1", ["Thread 1", "Reply 1", "Thread 2", "Reply 2"]),
        ("2", ["Thread 3", "Reply 3", "Thread 4", "Reply 4"]),
        ("3", ["Thread 5", "Reply 5"]),
        ("99", ["Thread 5", "Reply 5"]),  # past the last page: the default page
        ("²", ["Thread 5", "Reply 5"]),  # not a number: the default page
    ],
)
def test_each_page_shows_whole_threads(client, post, threads, cpage, expected):
    assert shown(client, f"{post.url}?cpage={cpage}") == expected


def test_links_between_pages(client, post, threads):
    assert pages_nav(client, f"{post.url}?cpage=2") == {
        "prev": "?cpage=1#comments",
        "next": "?cpage=3#comments",
    }


def test_the_oldest_page_first_as_wordpress_offers(client, post, threads, settings):
    settings.CMS_BLOG = {"COMMENTS_PER_PAGE": 2, "COMMENTS_DEFAULT_PAGE": "oldest"}

    assert shown(client, post.url)[0] == "Thread 1"


def test_no_paging_with_zero_per_page(client, post, threads, settings):
    settings.CMS_BLOG = {"COMMENTS_PER_PAGE": 0}

    assert len(shown(client, post.url)) == 10
    assert pages_nav(client, post.url) == {}


def test_the_heading_counts_every_page(client, post, threads):
    html = client.get(post.url).content.decode()

    assert "10 thoughts on “Vienna”" in html


def test_permalinks_name_the_page(post, threads):
    reply = threads[0].replies.get()

    assert comment_url(reply) == f"{post.url}?cpage=1#comment-{reply.pk}"
    assert comment_url(threads[4]) == f"{post.url}?cpage=3#comment-{threads[4].pk}"


def test_a_reply_link_keeps_the_page(client, post, threads):
    soup = BeautifulSoup(client.get(f"{post.url}?cpage=2").content, "html.parser")

    link = soup.select_one(f"#comment-{threads[2].pk} .cms-blog-comment-reply")["href"]
    assert link == f"{post.url}?cpage=2&replyto={threads[2].pk}#respond"
    replying = client.get(link).content.decode()
    assert "Leave a Reply to Ann" in replying


def test_after_posting_the_reader_lands_on_the_page_of_their_comment(client, post, threads):
    data = {
        "body": "A late thought",
        "author_name": "Bea",
        "author_email": "bea@example.com",
        "parent_id": threads[0].pk,
        "timestamp": form_timestamp(post.pk, time.time() - 60),
    }

    response = client.post(f"/comments/post/{post.pk}/", data)

    mine = Comment.objects.get(body="A late thought")
    assert response["Location"] == f"{post.url}?cpage=1#comment-{mine.pk}"
    # Held for moderation: shown to its author on that page, under its parent.
    assert "A late thought" in shown(client, response["Location"])
    assert "A late thought" not in shown(client, post.url)


def test_counts_leave_out_replies_under_hidden_comments(post):
    top = make_comment(post, body="top")
    middle = make_comment(post, parent=top, body="middle")
    make_comment(post, parent=middle, body="bottom")
    other = make_comment(post, body="other post")

    assert public_comment_counts([post.pk]) == {post.pk: 4}
    top.mark_spam()  # its replies, and theirs, are hidden with it
    assert public_comment_counts([post.pk]) == {post.pk: 1}
    top.restore(), top.approve(), middle.trash()
    assert public_comment_counts([post.pk, other.pk + 1000]) == {post.pk: 2, other.pk + 1000: 0}


@pytest.mark.parametrize("comments", [8, 200])
def test_a_long_discussion_costs_the_same_queries(
    client, post, settings, django_assert_num_queries, comments, same_clock
):
    settings.CMS_BLOG = {"COMMENTS_PER_PAGE": 50}
    for n in range(comments // 2):
        make_comment(post, parent=make_comment(post, body=f"Thread {n}"), body=f"Reply {n}")
    client.get(post.url)

    with django_assert_num_queries(13):  # the same for 8 and for 200 comments
        response = client.get(post.url)
    assert len(BeautifulSoup(response.content, "html.parser").select(".cms-blog-comment")) == min(
        comments, 100
    )


def test_a_comment_stored_without_its_path_never_fails_the_page(client, post, threads):
    # A script's bulk_create skips Comment.save(), which derives the path.
    Comment.objects.filter(pk=threads[4].pk).update(path="")

    response = client.get(post.url)

    assert response.status_code == 200
    assert "Thread 5" not in response.content.decode()  # in no page until its path is set
