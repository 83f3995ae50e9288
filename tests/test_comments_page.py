"""The comment section of the post page: thread, heading, form, POST/redirect/GET, queries."""

import datetime
import re
import time

import pytest
from bs4 import BeautifulSoup
from django.core import signing
from django.db import connection
from django.template.loader import render_to_string
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from wagtail.models import PageViewRestriction

from cms_blog.comments.discussion import discussion_for
from cms_blog.comments.forms import form_timestamp
from cms_blog.models import BlogPostPage, Comment
from tests.factories import make_comment


def section(response) -> str:
    html = response.content.decode()
    return html[html.index('id="comments"') :]


def form_data(post, **fields):
    return {
        "body": "Great post!",
        "author_name": "Bea",
        "author_email": "bea@example.com",
        "author_url": "",
        "homepage": "",
        # shown a minute ago: a person's pace
        "timestamp": form_timestamp(post.pk, time.time() - 60),
        **fields,
    }


def post_url(post) -> str:
    return f"/comments/post/{post.pk}/"


@pytest.mark.parametrize(
    ("approved", "heading"),
    [
        # singular
        (1, "One thought on “Vienna”"),
        # plural
        (3, "3 thoughts on “Vienna”"),
        # none: no heading at all
        (0, None),
    ],
)
def test_heading_counts_approved_comments(client, post, approved, heading):
    for number in range(approved):
        make_comment(post, body=f"comment {number}")
    make_comment(post, status=Comment.Status.PENDING, body="not counted")

    html = section(client.get(post.url))

    if heading:
        assert f'id="comments-title">{heading}</h2>' in html
    else:
        assert "thoughts on" not in html and "One thought" not in html


def test_thread_structure_replies_inside_parent(client, post):
    first = make_comment(post, body="First")
    reply = make_comment(post, parent=first, body="Reply", author_name="Bob")
    nested = make_comment(post, parent=reply, body="Nested", author_name="Cy")
    second = make_comment(post, body="Second")

    html = section(client.get(post.url))

    assert "4 thoughts on" in html  # replies count too
    for item in (first, reply, nested, second):
        assert f'id="comment-{item.pk}"' in html
        assert f'href="#comment-{item.pk}"' in html
    first_li = html.index(f'id="comment-{first.pk}"')
    reply_li = html.index(f'id="comment-{reply.pk}"')
    nested_li = html.index(f'id="comment-{nested.pk}"')
    second_li = html.index(f'id="comment-{second.pk}"')
    assert first_li < reply_li < nested_li < second_li
    # the reply is inside its parent's element: the parent's <li> closes after the nested one
    between = html[first_li:second_li]
    assert between.count('<ol class="cms-blog-comment-replies">') == 2
    assert 'class="cms-blog-comment cms-blog-comment-depth-2' in html


def test_ids_and_depths_are_never_localised(client, post, settings):
    settings.USE_THOUSAND_SEPARATOR = True
    top = make_comment(post, pk=12345, body="Top")
    reply = make_comment(post, pk=12346, parent=top, body="Reply")

    html = section(client.get(post.url))

    for item in (top, reply):
        assert f'id="comment-{item.pk}"' in html
        assert f'href="{post.url}?replyto={item.pk}#respond"' in html
    assert "12,34" not in html


def test_comment_dates_follow_the_readers_language_and_time_zone(client, post):
    written = datetime.datetime(2026, 3, 5, 22, 30, tzinfo=datetime.UTC)
    make_comment(post, created_at=written, body="Late")
    assert '<time datetime="2026-03-05T22:30:00+00:00">March 5, 2026, 10:30 p.m.</time>' in (
        section(client.get(post.url))
    )
    # The same comment, shown again in Vienna and then in German: never an earlier rendering.
    with timezone.override("Europe/Vienna"):
        html = render_to_string(
            "cms_blog/comments/comments.html",
            {"page": post, "discussion": discussion_for(post, None)},
        )
    assert '<time datetime="2026-03-05T23:30:00+01:00">March 5, 2026, 11:30 p.m.</time>' in html
    with translation.override("de"), timezone.override("Europe/Vienna"):
        html = render_to_string(
            "cms_blog/comments/comments.html",
            {"page": post, "discussion": discussion_for(post, None)},
        )
    assert ">5. März 2026 23:30</time>" in html


@pytest.mark.parametrize(
    "status",
    [
        # waiting for a moderator
        Comment.Status.PENDING,
        # caught as spam
        Comment.Status.SPAM,
        # trashed
        Comment.Status.TRASH,
    ],
)
def test_unapproved_comments_are_not_shown(client, post, status):
    hidden = make_comment(post, status=status, body="Hidden text")

    html = section(client.get(post.url))

    assert "Hidden text" not in html
    assert f"comment-{hidden.pk}" not in html


def test_comment_fields_are_escaped(client, post):
    make_comment(
        post,
        author_name="<b>Eve</b>",
        author_url="javascript:alert(1)",
        body='<script>alert("x")</script>\nline two\n\npara two https://example.com/a?b=1&c=2',
    )
    make_comment(post, author_name="Web", author_url="https://web.example/", body="Linked author")

    html = section(client.get(post.url))

    assert "<script>" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;<br>line two</p>" in html
    assert "<p>para two" in html
    assert (
        '<a href="https://example.com/a?b=1&amp;c=2" rel="nofollow ugc">'
        "https://example.com/a?b=1&amp;c=2</a>" in html
    )
    assert "&lt;b&gt;Eve&lt;/b&gt;" in html
    assert "javascript:" not in html
    assert '<a href="https://web.example/" rel="nofollow ugc noopener">Web</a>' in html


def test_email_and_ip_never_reach_the_page(client, post):
    make_comment(post, author_email="secret-address@example.com", ip_address="192.0.2.55")

    html = client.get(post.url).content.decode()

    assert "secret-address" not in html
    assert "192.0.2.55" not in html


def test_badges_for_post_owner_and_staff(client, post, owner, django_user_model):
    staff = django_user_model.objects.create_user("mod", "mod@example.com", "pw", is_staff=True)
    reader = django_user_model.objects.create_user("reader", "r@example.com", "pw")
    by_owner = make_comment(post, user=owner, author_name="Owner", body="owner says")
    by_staff = make_comment(post, user=staff, author_name="Mod", body="staff says")
    by_reader = make_comment(post, user=reader, author_name="Reader", body="reader says")

    html = section(client.get(post.url))

    def item(c):
        start = html.index(f'id="comment-{c.pk}"')
        return html[start : html.index("</article>", start)]

    assert '<span class="cms-blog-comment-badge">Author</span>' in item(by_owner)
    assert '<span class="cms-blog-comment-badge">Staff</span>' in item(by_staff)
    assert "cms-blog-comment-badge" not in item(by_reader)


def test_form_is_rendered_with_its_note(client, post):
    html = section(client.get(post.url))

    assert 'id="respond"' in html
    assert "Leave a Reply" in html
    assert f'action="/comments/post/{post.pk}/#respond" method="post" novalidate>' in html
    assert re.search(
        r"Your email address will not be published\. Required fields are marked <span[^>]*>\*",
        html,
    )
    for label in ("Comment", "Name", "Email", "Website"):
        assert f">{label}</label>" in html
    assert 'name="homepage"' in html and 'name="timestamp"' in html
    # The honeypot is hidden from people by the attribute, not by a stylesheet a site may drop.
    assert re.search(
        r'<p class="cms-blog-hp" hidden>[^<]*<label[^>]*>[^<]*</label> <input[^>]*name="homepage"',
        html,
    )


def test_reply_link_and_cancel(client, post):
    parent = make_comment(post, author_name="Ann")

    html = section(client.get(post.url))
    # Absolute, so that it also works on the page re-rendered at the form's URL after an error.
    assert (
        f'href="{post.url}?replyto={parent.pk}#respond" aria-label="Reply to Ann">Reply</a>' in html
    )

    html = section(client.get(f"{post.url}?replyto={parent.pk}"))
    assert "Leave a Reply to Ann" in html
    assert f'<a class="cms-blog-cancel-reply" rel="nofollow" href="{post.url}#respond">' in html
    assert f'name="parent_id" value="{parent.pk}"' in html


# Values that pass str.isdigit() but not int(), or name no comment at all.
ODD_IDS = [
    "²",  # a Unicode digit
    "9" * 5000,  # beyond int()'s 4,300-digit limit
    "99999999999999999999999",  # beyond any id column
    "-1",  # not an id
    "abc",  # not a number
]


@pytest.mark.parametrize("value", ODD_IDS)
def test_odd_replyto_is_ignored(client, post, value):
    make_comment(post, author_name="Ann")

    response = client.get(post.url, {"replyto": value})

    assert response.status_code == 200
    html = section(response)
    assert "Leave a Reply" in html and "Leave a Reply to" not in html


@pytest.mark.parametrize("value", ODD_IDS)
def test_odd_reply_target_is_refused_above_the_form(client, post, value):
    make_comment(post, author_name="Ann")

    response = client.post(post_url(post), form_data(post, parent_id=value))

    assert response.status_code == 400
    html = section(response)
    errors = html[html.index("cms-blog-comment-errors") :]
    assert "You can only reply to a published comment on this post." in errors
    assert "Leave a Reply to" not in html
    assert Comment.objects.count() == 1


def test_no_reply_link_at_max_depth(client, post, settings):
    settings.CMS_BLOG = {"COMMENTS_MAX_DEPTH": 2}
    parent = make_comment(post)
    reply = make_comment(post, parent=parent, body="deepest")

    html = section(client.get(post.url))

    assert f"?replyto={parent.pk}#" in html
    assert f"?replyto={reply.pk}#" not in html


@pytest.mark.parametrize(
    "fields",
    [
        # the author closed comments
        {"allow_comments": False},
    ],
)
def test_closed_post_shows_notice_and_no_form(client, make_post, fields):
    closed = make_post("Closed", **fields)
    make_comment(closed, body="Old discussion")

    html = section(client.get(closed.url))

    assert "Comments are closed." in html
    assert "Old discussion" in html
    assert 'id="respond"' not in html
    assert "?replyto=" not in html


@pytest.mark.parametrize(
    "restricted",
    [
        # the whole blog is for logged-in members
        "index",
        # only this post is
        "post",
    ],
)
def test_a_post_the_public_cannot_see_takes_no_comments(client, post, owner, restricted):
    make_comment(post, body="Said while the post was public")
    PageViewRestriction.objects.create(
        page=post if restricted == "post" else post.get_parent(),
        restriction_type=PageViewRestriction.LOGIN,
    )
    client.force_login(owner)
    assert_closed_to_the_reader(client, post)


def test_a_post_behind_a_password_takes_no_comments(client, post):
    make_comment(post, body="Said while the post was public")
    restriction = PageViewRestriction.objects.create(
        page=post, restriction_type=PageViewRestriction.PASSWORD, password="secret"
    )
    client.post(
        f"/_util/authenticate_with_password/{restriction.pk}/{post.pk}/",
        {"password": "secret", "return_url": post.url},
    )
    assert_closed_to_the_reader(client, post)


def assert_closed_to_the_reader(client, post):

    response = client.get(post.url)

    # The member reads the post and its discussion, but is not offered a form that would 404.
    assert response.status_code == 200
    html = section(response)
    assert "Said while the post was public" in html
    assert "Comments are closed." in html
    assert 'id="respond"' not in html and "cms-blog-comment-reply" not in html
    assert client.post(post_url(post), form_data(post)).status_code == 404
    assert Comment.objects.count() == 1


def test_comments_disabled_hides_the_section(client, post, settings):
    settings.CMS_BLOG = {"COMMENTS_ENABLED": False}

    assert 'id="comments"' not in client.get(post.url).content.decode()


# --- Submitting from the page ----------------------------------------------------------------


def test_published_comment_redirects_to_its_permalink(client, post, settings):
    settings.CMS_BLOG = {"COMMENTS_MODERATION": "none"}

    response = client.post(post_url(post), form_data(post))

    created = Comment.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"{post.url}#comment-{created.pk}"
    assert created.status == Comment.Status.APPROVED
    assert "Great post!" in section(client.get(post.url))


def test_pending_comment_is_shown_only_to_its_author(client, post):
    response = client.post(post_url(post), form_data(post, body="Held back"))

    held = Comment.objects.get()
    assert held.status == Comment.Status.PENDING
    assert response["Location"] == f"{post.url}#comment-{held.pk}"

    mine = section(client.get(response["Location"]))
    assert f'id="comment-{held.pk}"' in mine
    assert "Your comment is awaiting moderation." in mine
    assert "Held back" in mine
    assert "thoughts on" not in mine  # the count is of approved comments only

    theirs = section(Client().get(post.url))
    assert "Held back" not in theirs
    assert "awaiting moderation" not in theirs


def test_pending_reply_shows_under_its_parent_for_its_author(client, post):
    parent = make_comment(post)
    client.post(post_url(post), form_data(post, parent_id=parent.pk, body="My reply"))
    reply = Comment.objects.get(parent=parent)

    html = section(client.get(post.url))

    parent_li = html.index(f'id="comment-{parent.pk}"')
    assert html.index('<ol class="cms-blog-comment-replies">', parent_li) < html.index(
        f'id="comment-{reply.pk}"'
    )


def test_forged_pending_cookie_shows_nothing(client, post):
    held = make_comment(post, status=Comment.Status.PENDING, body="Somebody else's")
    client.cookies["cms_blog_pending_comments"] = str(held.pk)

    assert "Somebody else's" not in section(client.get(post.url))


# --- Remembering the commenter -----------------------------------------------------------


def form_fields(response) -> dict:
    """The values the page's comment form is filled with, and whether the box is ticked."""
    form = BeautifulSoup(response.content, "html.parser").select_one("#respond form")
    values = {
        field["name"]: field.get("value", "")
        for field in form.select("input[type=text], input[type=email], input[type=url]")
    }
    return {**values, "remember": form.select_one("input[name=remember]").has_attr("checked")}


def test_form_offers_to_remember_the_commenter(client, post):
    html = section(client.get(post.url))
    assert re.search(
        r'<input type="checkbox" name="remember" id="id_remember"> <label for="id_remember">'
        r"Save my name, email, and website in this browser for the next time I comment\.</label>",
        html,
    )


def test_ticked_box_fills_the_form_next_time(client, post, settings):
    settings.CMS_BLOG = {"COMMENTS_MODERATION": "none"}
    details = {
        "author_name": "Bea <b>",
        "author_email": "bea@example.com",
        "author_url": "https://bea.example/",
    }
    response = client.post(post_url(post), form_data(post, remember="on", **details))
    saved = response.cookies["cms_blog_commenter"]
    assert saved["httponly"] and saved["samesite"] == "Lax" and saved["max-age"] == 30_000_000

    page = client.get(post.url)

    fields = form_fields(page)
    assert {name: fields[name] for name in details} == details
    assert fields["remember"] is True
    assert "Bea &lt;b&gt;" in page.content.decode()
    # Filled with this reader's details: no shared cache may keep the page.
    assert "private" in page["Cache-Control"] and "Cookie" in page["Vary"]
    # Nobody else sees them.
    other = Client().get(post.url)
    assert "bea@example.com" not in other.content.decode()
    # Theirs is the page every anonymous reader shares.
    assert not other.cookies and "public" in other["Cache-Control"]


def test_unticked_box_forgets_the_commenter(client, post, settings):
    settings.CMS_BLOG = {"COMMENTS_MODERATION": "none", "COMMENTS_FLOOD_SECONDS": 0}
    client.post(post_url(post), form_data(post, remember="on"))

    response = client.post(post_url(post), form_data(post, body="Again, unticked"))

    assert response.cookies["cms_blog_commenter"].value == ""  # deleted
    fields = form_fields(client.get(post.url))
    assert fields["author_name"] == "" and fields["remember"] is False


@pytest.mark.parametrize(
    "cookie",
    [
        "garbage",  # not signed
        signing.get_cookie_signer(salt="cms_blog_commenter" + "cms_blog.commenter").sign("[1, 2]"),
        signing.get_cookie_signer(salt="cms_blog_commenter" + "cms_blog.commenter").sign(
            "{not json"
        ),
    ],
)
def test_a_forged_or_broken_commenter_cookie_is_ignored(client, post, cookie):
    client.cookies["cms_blog_commenter"] = cookie

    fields = form_fields(client.get(post.url))

    assert fields["author_name"] == "" and fields["remember"] is False


def test_remembering_can_be_switched_off(client, post, settings):
    settings.CMS_BLOG = {"COMMENTS_MODERATION": "none", "COMMENTS_REMEMBER_COMMENTER": False}

    assert 'name="remember"' not in section(client.get(post.url))
    response = client.post(post_url(post), form_data(post, remember="on"))
    assert "cms_blog_commenter" not in response.cookies


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        # required name
        ({"author_name": ""}, "author_name", "This field is required."),
        # bad email
        ({"author_email": "nope"}, "author_email", "Enter a valid email address."),
        # javascript: website
        ({"author_url": "javascript:alert(1)"}, "author_url", "http:// or https://"),
        # a website that does not parse (urlsplit raises ValueError)
        ({"author_url": "http://[::1"}, "author_url", "Enter a valid URL."),
    ],
)
def test_errors_rerender_the_page_with_input_kept(client, post, fields, field, message):
    response = client.post(post_url(post), form_data(post, body="Keep <this> text", **fields))

    assert response.status_code == 400
    html = section(response)
    assert "Keep &lt;this&gt; text</textarea>" in html
    field_html = html[html.index(f"cms-blog-comment-field-{field}") :]
    assert message in field_html[: field_html.index("</div>")]
    assert not Comment.objects.exists()


def test_policy_errors_are_shown_above_the_form(client, post):
    client.post(post_url(post), form_data(post))

    response = client.post(post_url(post), form_data(post, author_email="x@example.com"))

    assert response.status_code == 400
    assert "You are posting comments too quickly. Slow down." in section(response)
    assert Comment.objects.count() == 1


def test_reply_to_unapproved_comment_from_page_is_refused(client, post):
    pending = make_comment(post, status=Comment.Status.PENDING)

    response = client.post(post_url(post), form_data(post, parent_id=pending.pk))

    assert response.status_code == 400
    assert "You can only reply to a published comment on this post." in section(response)


@pytest.mark.parametrize(
    "trap",
    [
        # the honeypot is filled in
        lambda post: {"homepage": "http://spam.example"},
        # a timestamp signed for another post
        lambda post: {"timestamp": form_timestamp(post.pk + 1, time.time() - 60)},
        # a forged timestamp
        lambda post: {"timestamp": "12345"},
        # no timestamp at all
        lambda post: {"timestamp": ""},
    ],
)
def test_bots_are_silently_marked_spam(client, post, settings, trap):
    settings.CMS_BLOG = {"COMMENTS_MODERATION": "none"}

    response = client.post(post_url(post), form_data(post, **trap(post)))

    assert response.status_code == 302
    assert Comment.objects.get().status == Comment.Status.SPAM


def test_too_fast_submission_is_spam(client, post, settings):
    settings.CMS_BLOG = {"COMMENTS_MODERATION": "none", "COMMENTS_MIN_SUBMIT_SECONDS": 3}

    client.post(post_url(post), form_data(post, timestamp=form_timestamp(post.pk)))

    assert Comment.objects.get().status == Comment.Status.SPAM


@pytest.mark.parametrize(
    "headers",
    [
        pytest.param({"HTTP_SEC_FETCH_SITE": "cross-site"}, id="Sec-Fetch-Site: cross-site"),
        pytest.param({"HTTP_SEC_FETCH_SITE": "same-site"}, id="Sec-Fetch-Site: same-site"),
        pytest.param({"HTTP_ORIGIN": "https://evil.example"}, id="another Origin"),
        pytest.param({"HTTP_ORIGIN": "null"}, id="an opaque Origin"),
    ],
)
def test_a_post_from_another_sites_page_is_refused(post, headers):
    client = Client(enforce_csrf_checks=True)

    response = client.post(post_url(post), form_data(post), **headers)

    assert response.status_code == 403
    assert "this site's own pages" in response.text
    assert not response.cookies and not Comment.objects.exists()


@pytest.mark.parametrize(
    "headers",
    [
        pytest.param({"HTTP_SEC_FETCH_SITE": "same-origin"}, id="Sec-Fetch-Site: same-origin"),
        pytest.param({"HTTP_ORIGIN": "http://testserver"}, id="its own Origin"),
        pytest.param({}, id="no browser headers"),
    ],
)
def test_an_anonymous_readers_post_from_the_page_needs_no_csrf_token(post, headers):
    client = Client(enforce_csrf_checks=True)

    response = client.post(post_url(post), form_data(post), **headers)

    assert response.status_code == 302
    assert Comment.objects.count() == 1


def test_a_trusted_origin_may_post(post, settings):
    settings.CSRF_TRUSTED_ORIGINS = ["https://www.example.com"]
    client = Client(enforce_csrf_checks=True)

    response = client.post(
        post_url(post),
        form_data(post),
        HTTP_SEC_FETCH_SITE="same-site",
        HTTP_ORIGIN="https://www.example.com",
    )

    assert response.status_code == 302


def test_a_logged_in_users_post_needs_their_csrf_token(post, django_user_model):
    client = Client(enforce_csrf_checks=True)
    client.force_login(django_user_model.objects.create_user("reader", "r@example.com", "pw"))

    refused = client.post(post_url(post), form_data(post), HTTP_SEC_FETCH_SITE="same-origin")

    assert refused.status_code == 403 and not Comment.objects.exists()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', client.get(post.url).text)
    accepted = client.post(
        post_url(post), {**form_data(post), "csrfmiddlewaretoken": token.group(1)}
    )
    assert accepted.status_code == 302 and Comment.objects.count() == 1


@pytest.mark.parametrize(
    ("method", "status"),
    [
        # the form only posts
        ("get", 405),
    ],
)
def test_comment_url_only_accepts_post(client, post, method, status):
    assert getattr(client, method)(post_url(post)).status_code == status


def test_posting_to_a_draft_is_not_found(client, make_post):
    draft = make_post("Draft", live=False)

    assert client.post(post_url(draft), form_data(draft)).status_code == 404
    assert not Comment.objects.exists()


def test_preview_renders_the_comment_section(post):
    make_comment(post, body="Visible in preview")
    post.title = "Vienna (edited)"

    response = post.make_preview_request()

    assert response.status_code == 200
    html = response.content.decode()
    assert "Visible in preview" in html
    assert 'id="respond"' in html


def test_comment_section_of_a_post_not_saved_yet(blog_index, rf):
    # The admin previews a new post before it has an id: the section renders, with a form
    # that cannot be sent.
    new = BlogPostPage(title="Not saved yet", slug="not-saved-yet")
    new.set_url_path(blog_index)

    request = rf.get("/")
    context = {"page": new, "discussion": discussion_for(new, request)}
    html = render_to_string("cms_blog/comments/comments.html", context, request=request)

    assert 'id="respond"' in html
    assert "action=" not in html
    assert '<button type="submit" disabled>' in html


# --- Queries ---------------------------------------------------------------------------------


def add_comments(post, count):
    """Half top-level comments, half replies to them, all approved (bulk: fast)."""
    now = timezone.now()
    common = {"post": post, "status": Comment.Status.APPROVED, "approved_at": now}
    tops = Comment.objects.bulk_create(
        Comment(author_name=f"A{n}", author_email=f"a{n}@example.com", body=f"t{n}", **common)
        for n in range(count // 2)
    )
    replies = Comment.objects.bulk_create(
        Comment(
            parent=top,
            depth=1,
            author_name=f"R{n}",
            author_email=f"r{n}@example.com",
            body=f"r{n}",
            **common,
        )
        for n, top in enumerate(tops)
    )
    # What Comment.save() derives, which bulk_create skips: the threads' paths.
    for top, reply in zip(tops, replies, strict=True):
        top.path, reply.path = f"{top.pk}/", f"{top.pk}/{reply.pk}/"
    Comment.objects.bulk_update([*tops, *replies], ["path"])


def page_queries(client, post) -> int:
    client.get(post.url)  # warm up Wagtail's site and settings caches
    with CaptureQueriesContext(connection) as queries:
        response = client.get(post.url)
    assert response.status_code == 200
    return len(queries)


def test_post_page_queries_do_not_grow_with_comments(client, make_post):
    few, many = make_post("Few"), make_post("Many")
    add_comments(few, 10)
    add_comments(many, 200)

    assert "10 thoughts on" in section(client.get(few.url))
    assert "200 thoughts on" in section(client.get(many.url))
    assert section(client.get(many.url)).count('class="cms-blog-comment ') == 100  # 50 threads
    assert page_queries(client, few) == page_queries(client, many)
