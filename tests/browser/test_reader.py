"""Reader journey on a phone: read a post, get the comment form's errors with the input kept,
comment, reply to a comment through its Reply link, and see both awaiting moderation."""

import re
from collections.abc import Callable

import pytest
from playwright.sync_api import Locator, Page, expect

from cms_blog.models import Comment

REQUIRED = "This field is required."


@pytest.fixture(autouse=True)
def human_pace(settings) -> None:
    """A scripted reader submits faster than the anti-bot timer and the flood limit allow."""
    settings.CMS_BLOG = {
        **settings.CMS_BLOG,
        "COMMENTS_MIN_SUBMIT_SECONDS": 0,
        "COMMENTS_FLOOD_SECONDS": 0,
    }


def field_errors(form: Locator, name: str) -> Locator:
    return form.locator(f".cms-blog-comment-field-{name} .errorlist")


def fill_comment(form: Locator, body: str, website: str = "") -> None:
    form.get_by_label("Comment", exact=True).fill(body)
    form.get_by_label("Name", exact=True).fill("Ben Reader")
    form.get_by_label("Email", exact=True).fill("ben@example.com")
    form.get_by_label("Website", exact=True).fill(website)


def test_reader_comments_and_replies_on_a_phone(
    phone_page: Page,
    open_context: Callable[..., Page],
    site_url: Callable[[str], str],
    vienna_post,
    make_comment,
    screenshot,
    assert_accessible,
):
    page = phone_page
    clara = make_comment("Clara Historian", "Metternich gets the credit; Talleyrand did the work.")
    page.goto(site_url(vienna_post.url))
    expect(page.locator(f"#comment-{clara.pk}")).to_contain_text("Talleyrand did the work")
    screenshot(page, "post-phone", full_page=True)
    assert_accessible(page, "a post on a phone")

    form = page.locator("form.cms-blog-comment-form")
    post_comment = form.get_by_role("button", name="Post Comment")
    post_comment.click()
    # The errors come from the server, and the page opens at the form, not at the post's top.
    for name in ("body", "author_name", "author_email"):
        expect(field_errors(form, name)).to_have_text(REQUIRED)
    expect(field_errors(form, "body")).to_be_in_viewport()

    # The reader changes their mind and answers Clara, from the page that shows the errors.
    page.get_by_role("link", name="Reply to Clara Historian").click()
    reply_title = page.get_by_role("heading", name="Leave a Reply to Clara Historian")
    expect(reply_title).to_be_in_viewport()
    reply_body = "Castlereagh kept them talking, though."
    fill_comment(form, reply_body, website="ftp://ben.example")
    post_comment.click()
    expect(field_errors(form, "author_url")).to_have_text(
        "Enter a website address starting with http:// or https://."
    )
    expect(field_errors(form, "body")).to_have_count(0)
    expect(reply_title).to_be_visible()
    expect(form.get_by_label("Comment", exact=True)).to_have_value(reply_body)
    expect(form.get_by_label("Name", exact=True)).to_have_value("Ben Reader")
    expect(form.get_by_label("Email", exact=True)).to_have_value("ben@example.com")
    expect(form.get_by_label("Website", exact=True)).to_have_value("ftp://ben.example")
    screenshot(page.locator("#respond"), "comment-form-errors")
    assert_accessible(page, "the comment form showing its errors, on a phone")

    form.get_by_label("Website", exact=True).fill("https://ben.example")
    post_comment.click()
    expect(page).to_have_url(re.compile(r"#comment-\d+$"))
    reply = page.locator(f"#comment-{clara.pk} .cms-blog-comment-replies .is-awaiting-moderation")
    expect(reply).to_contain_text(reply_body)
    expect(reply).to_contain_text("Your comment is awaiting moderation.")
    expect(reply).to_be_in_viewport()

    expect(page.get_by_role("heading", name="Leave a Reply", exact=True)).to_be_visible()
    body = "Did anyone ask the Poles?"
    fill_comment(form, body)
    post_comment.click()
    mine = page.locator("#comments > ol > .is-awaiting-moderation")
    expect(mine).to_contain_text(body)
    expect(mine).to_be_in_viewport()
    screenshot(page.locator("#comments"), "comment-thread")

    # Held, not published: nobody else sees them, and the email never reached the page.
    assert list(
        Comment.objects.filter(status=Comment.Status.PENDING)
        .order_by("pk")
        .values_list("body", "parent_id", "author_url")
    ) == [(reply_body, clara.pk, "https://ben.example"), (body, None, "")]
    assert "ben@example.com" not in page.content()
    stranger = open_context()
    stranger.goto(site_url(vienna_post.url))
    expect(stranger.locator("#comments")).not_to_contain_text("Ben Reader")
    # The same post on a desktop, for the docs: the top as a visitor first sees it, and in full.
    expect(stranger.locator(".cms-blog-figure img")).to_have_js_property("complete", True)
    screenshot(stranger, "post-desktop")
    screenshot(stranger, "post-desktop-full", full_page=True)
    assert_accessible(stranger, "a post on a desktop")

    # The reader looks for more on the blog's index, with its search box.
    stranger.goto(site_url(vienna_post.get_parent().url))
    search = stranger.get_by_role("searchbox", name="Search posts")
    search.fill("Congress")
    search.press("Enter")
    expect(stranger.get_by_role("status")).to_contain_text("One post found for “Congress”")
    expect(stranger.locator(".cms-blog-list h2 a")).to_have_text(["The Congress of Vienna"])
    expect(search).to_have_value("Congress")
    expect(stranger.locator(".cms-blog-card img")).to_have_js_property("complete", True)
    screenshot(stranger, "blog-index-search")
    assert_accessible(stranger, "the blog index with search results")
