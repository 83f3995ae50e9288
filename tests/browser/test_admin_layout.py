"""The moderation queue at common widths: no word of a status or button broken across lines,
and each row's actions one left-aligned group however they wrap (#9)."""

from collections.abc import Callable

import pytest
from playwright.sync_api import Page

from cms_blog.models import Comment

# For each element: how many lines its text takes (distinct tops of the text's line boxes).
LINES = """elements => elements.map(element => {
    const range = document.createRange();
    range.selectNodeContents(element);
    return new Set([...range.getClientRects()].map(rect => Math.round(rect.top))).size;
})"""
# For each row's group: the left edges of the buttons that start a line, and the group's own.
LINE_STARTS = """groups => groups.map(group => {
    const buttons = [...group.children].map(button => button.getBoundingClientRect());
    const starts = buttons.filter((rect, i) => i === 0 || rect.top > buttons[i - 1].top);
    return [group.getBoundingClientRect().left, ...starts.map(rect => rect.left)]
        .map(Math.round);
})"""


@pytest.mark.parametrize("width", [1280, 768])
def test_the_queue_keeps_words_and_actions_together(
    open_context: Callable[..., Page], site_url, log_in, editor, make_comment, width, screenshot
):
    pending = Comment.Status.PENDING
    ann = make_comment("Ann Historian", "Metternich gets the credit; Talleyrand did the work. " * 3)
    make_comment("Dora", "And Castlereagh kept them talking.", parent=ann, status=pending)
    make_comment("Bruno", "Where can I read the Final Act itself?", status=pending)
    make_comment("Cheap Pills", "Buy now", status=Comment.Status.SPAM)
    page = open_context({"width": width, "height": 900})
    log_in(page, editor)

    page.goto(site_url("/admin/cms_blog/comment/"))
    screenshot(page, f"moderation-queue-{width}", full_page=True)

    words = page.locator("table.listing .cms-blog-status, table.listing td .button")
    assert words.count() > 10
    assert set(words.evaluate_all(LINES)) == {1}
    for group, *line_starts in page.locator(".cms-blog-row-actions").evaluate_all(LINE_STARTS):
        assert set(line_starts) == {group}
