"""Editor journey: write a post with every block in the Wagtail admin, meet the admin's errors
without losing any work, preview and publish; the public page then shows every block."""

import re
from collections.abc import Callable
from pathlib import Path

from playwright.sync_api import Locator, Page, expect

WIKIPEDIA = "https://en.wikipedia.org/wiki/Congress_of_Vienna"


def add_block(page: Page, label: str) -> Locator:
    """Append a block to the body through the block picker and return its editor panel."""
    blocks = page.locator("[data-streamfield-child]")
    # Located by position, which survives the page reloads that show validation errors.
    position = blocks.count()
    page.get_by_role("button", name="Insert a block").last.click()
    page.get_by_role("option", name=label, exact=True).click()
    return blocks.nth(position)


def publish(page: Page) -> None:
    page.locator("footer .w-dropdown__toggle").click()
    page.get_by_role("button", name="Publish").click()
    page.wait_for_load_state()


def field_errors(page: Page) -> list[str]:
    return page.locator(".error-message").all_inner_texts()


def test_editor_writes_checks_previews_and_publishes_a_post(
    page: Page,
    site_url: Callable[[str], str],
    log_in,
    editor,
    blog_index,
    map_jpeg: Path,
    screenshot,
):
    log_in(page, editor)
    page.goto(site_url(f"/admin/pages/{blog_index.pk}/"))
    page.get_by_role("link", name="Add child page").first.click()
    # The index allows one page type only, so Wagtail opens its form straight away.
    expect(page.get_by_role("heading", name="New: Blog post")).to_be_visible()

    page.get_by_placeholder("Page title*").fill("The Congress of Vienna")
    tags = page.locator("[data-contentpath=tags] .ui-autocomplete-input")
    for tag in ("history", "Vienna 1815"):
        tags.fill(tag)
        tags.press("Enter")
    page.get_by_role("textbox", name="Intro").fill("How five powers redrew the map of Europe.")

    text = add_block(page, "Text")
    text.locator("[contenteditable=true]").click()
    page.keyboard.type("The Congress of Vienna redrew the map of Europe in 1815.")
    # Select "Congress of Vienna" with the keyboard, as an editor would, and link it.
    for _ in " redrew the map of Europe in 1815.":
        page.keyboard.press("ArrowLeft")
    for _ in "Congress of Vienna":
        page.keyboard.press("Shift+ArrowLeft")
    page.get_by_role("button", name="Link").click()
    page.get_by_role("link", name="External link").click()
    page.get_by_role("textbox", name="URL").fill(WIKIPEDIA)
    page.get_by_role("button", name="Insert link").click()
    link = text.locator("[contenteditable=true] a")
    expect(link).to_have_attribute("href", WIKIPEDIA)

    figure = add_block(page, "Figure")
    figure.get_by_role("button", name="Choose an image").click()
    page.get_by_role("tab", name="Upload").click()
    upload = page.get_by_role("tabpanel", name="Upload")
    upload.get_by_role("textbox", name="Title").fill("Europe in 1815")
    upload.locator("input[type=file]").set_input_files(map_jpeg)
    upload.get_by_role("textbox", name="Description").fill("Map of Europe's borders in 1815")
    upload.get_by_role("button", name="Upload").click()
    expect(figure.locator(".chooser__title")).to_have_text("Europe in 1815")
    figure.get_by_role("textbox", name="Caption").fill("Europe after the Congress")
    figure.get_by_role("textbox", name="Credit").fill("Map: Example Atlas / CC BY 4.0")
    figure.get_by_role("spinbutton", name="Source number").fill("1")

    video = add_block(page, "Video")
    video.get_by_role("textbox", name="Video URL").fill("https://example.com/watch?v=vienna")
    video.get_by_role("textbox", name="Caption").fill("A lecture on the Congress")

    quote = add_block(page, "Quote")
    quote.get_by_role("textbox", name="Quotation").fill("The Congress does not move, it dances.")
    quote.get_by_role("textbox", name="Attribution").fill("Prince de Ligne")
    quote.get_by_role("spinbutton", name="Source number").fill("3")

    for _ in range(2):
        page.get_by_role("button", name="Add Source").click()
    page.locator("#id_sources-0-citation").fill("Harold Nicolson, The Congress of Vienna (1946).")
    page.locator("#id_sources-1-citation").fill("Adam Zamoyski, Rites of Peace (2007).")
    page.locator("#id_sources-1-url").fill("https://example.org/rites-of-peace")
    for name, block in [("text", text), ("figure", figure), ("video", video), ("quote", quote)]:
        screenshot(block, f"editor-{name}-block")
    screenshot(page.locator("#panel-child-content-sources-section"), "editor-sources")

    # A video that is not YouTube or Vimeo: the admin says so, on the block, and keeps everything.
    publish(page)
    # Autosave may have created the draft already, so the message says "created" or "saved".
    expect(
        page.get_by_text(re.compile("could not be (created|saved) due to validation errors"))
    ).to_be_visible()
    assert field_errors(page) == ["Only YouTube and Vimeo videos can be embedded."]
    screenshot(video, "editor-error-video")
    expect(link).to_have_attribute("href", WIKIPEDIA)
    expect(figure.locator(".chooser__title")).to_have_text("Europe in 1815")
    expect(quote.get_by_role("textbox", name="Quotation")).to_have_value(
        "The Congress does not move, it dances."
    )
    expect(page.locator("#id_sources-1-url")).to_have_value("https://example.org/rites-of-peace")

    # Fixed; now the quote cites a third source that the post does not have.
    video.get_by_role("textbox", name="Video URL").fill("https://youtu.be/dQw4w9WgXcQ?t=42")
    publish(page)
    assert field_errors(page) == ["Source 3 does not exist: this post has sources 1 to 2."]
    screenshot(quote, "editor-error-source")

    quote.get_by_role("spinbutton", name="Source number").fill("2")
    page.get_by_role("button", name="Toggle preview").click()
    # Wagtail loads each preview in a second iframe, then swaps it in under this id.
    preview = page.frame_locator("#w-preview-iframe")
    expect(preview.get_by_role("heading", level=1)).to_have_text("The Congress of Vienna")
    expect(preview.locator("blockquote")).to_contain_text("it dances")
    screenshot(page, "editor-preview")

    publish(page)
    # "created and published" unless an autosave had already created the draft.
    published = re.compile(r"Page 'The Congress of Vienna' (created and|has been) published\.")
    expect(page.get_by_text(published)).to_be_visible()

    page.goto(site_url("/blog/the-congress-of-vienna/"))
    article = page.locator("article.cms-blog-article")
    expect(article.get_by_role("heading", level=1)).to_have_text("The Congress of Vienna")
    expect(article.get_by_role("link", name="Congress of Vienna")).to_have_attribute(
        "href", WIKIPEDIA
    )
    for tag in ("history", "Vienna 1815"):
        expect(article.get_by_role("link", name=tag, exact=True)).to_be_visible()

    figure = article.locator("figure.cms-blog-figure")
    # No alt text typed: the image's description stands in.
    expect(figure.get_by_role("img")).to_have_attribute("alt", "Map of Europe's borders in 1815")
    expect(figure.locator("figcaption")).to_contain_text("Europe after the Congress")
    expect(figure.locator("figcaption")).to_contain_text("Map: Example Atlas / CC BY 4.0")
    expect(figure.get_by_role("link", name="(1)")).to_have_attribute("href", "#source-1")
    assert figure.get_by_role("img").evaluate("img => img.complete && img.naturalWidth > 0")

    video = article.locator("figure.cms-blog-video")
    expect(video.locator("iframe")).to_have_attribute(
        "src", "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ?start=42"
    )
    expect(video.locator("figcaption")).to_have_text("A lecture on the Congress")

    quote = article.locator("figure.cms-blog-quote")
    expect(quote.locator("blockquote")).to_have_text("The Congress does not move, it dances.")
    expect(quote.locator("cite")).to_have_text("Prince de Ligne")
    expect(quote.get_by_role("link", name="(2)")).to_have_attribute("href", "#source-2")

    sources = article.locator(".cms-blog-sources li")
    expect(sources).to_have_text(
        [
            "Harold Nicolson, The Congress of Vienna (1946).",
            "Adam Zamoyski, Rites of Peace (2007).",
        ]
    )
    expect(sources.nth(1).get_by_role("link")).to_have_attribute(
        "href", "https://example.org/rites-of-peace"
    )
