"""Moderator journey: see the pending count in the admin menu, filter the queue to pending
comments, approve one and mark another as spam with the bulk actions, reply from the admin; the
public page then shows the approved comment in its thread and the reply."""

import re
from collections.abc import Callable

from playwright.sync_api import Page, expect

from cms_blog.models import Comment


def apply_to(page: Page, author: str, action: str) -> None:
    """Tick one comment's box and apply a bulk action to the selection."""
    page.get_by_role("checkbox", name=f"Select comment by {author}").check()
    page.get_by_label("With selected comments").select_option(label=action)
    page.get_by_role("button", name="Apply").click()


def test_moderator_works_through_the_queue(
    page: Page,
    site_url: Callable[[str], str],
    log_in,
    editor,
    vienna_post,
    make_comment,
    screenshot,
):
    pending = Comment.Status.PENDING
    clara = make_comment("Clara Historian", "Metternich gets the credit; Talleyrand did the work.")
    dora = make_comment("Dora", "And Castlereagh kept them talking.", parent=clara, status=pending)
    bruno = make_comment("Bruno", "Where can I read the Final Act itself?", status=pending)
    spam = make_comment("Cheap Pills", "Buy now at http://pills.example", status=pending)

    log_in(page, editor)
    menu = page.get_by_role("navigation", name="Main menu")
    menu.get_by_role("link", name="Comments (3)").click()
    page.get_by_role("link", name="Pending", exact=True).click()
    expect(page).to_have_url(re.compile(r"status__exact=pending"))
    rows = page.locator("table.listing tbody tr")
    expect(rows).to_have_count(3)
    screenshot(page, "moderation-queue")

    apply_to(page, "Dora", "Approve")
    expect(page.get_by_text("1 comment approved.")).to_be_visible()
    apply_to(page, "Cheap Pills", "Mark as spam")
    expect(page.get_by_text("1 comment marked as spam.")).to_be_visible()
    # Back on the pending filter, with only Bruno's question left to answer.
    expect(rows).to_have_count(1)
    expect(menu.get_by_role("link", name="Comments (1)")).to_be_visible()

    rows.get_by_role("link", name="Reply").click()
    expect(page.get_by_role("heading", name="Reply to Bruno")).to_be_visible()
    answer = "The Final Act is in Nicolson's appendix; see source 1."
    page.get_by_label("Your reply").fill(answer)
    screenshot(page, "moderation-reply")
    page.get_by_role("button", name="Publish reply").click()
    expect(page.get_by_text("Reply published on “The Congress of Vienna”.")).to_be_visible()
    # Replying to a pending comment approved it: nothing waits any more.
    expect(menu.get_by_role("link", name="Comments", exact=True)).to_be_visible()

    assert dict(Comment.objects.values_list("pk", "status")) == {
        clara.pk: Comment.Status.APPROVED,
        dora.pk: Comment.Status.APPROVED,
        bruno.pk: Comment.Status.APPROVED,
        spam.pk: Comment.Status.SPAM,
        bruno.replies.get().pk: Comment.Status.APPROVED,
    }

    page.goto(site_url(vienna_post.url))
    thread = page.locator("#comments")
    expect(thread.get_by_role("heading", level=2)).to_have_text(
        "4 thoughts on “The Congress of Vienna”"
    )
    expect(thread.locator(f"#comment-{clara.pk} #comment-{dora.pk}")).to_contain_text(
        "Castlereagh kept them talking"
    )
    expect(thread.locator(f"#comment-{bruno.pk} .cms-blog-comment-replies")).to_contain_text(answer)
    expect(thread.locator(f"#comment-{bruno.pk} .cms-blog-comment-replies")).to_contain_text(
        "Ada Editor"
    )
    expect(thread).not_to_contain_text("Cheap Pills")
    screenshot(thread, "comment-thread-moderated")
