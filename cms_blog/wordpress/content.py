"""A WordPress post's content, classic or block editor, into the blog's body blocks.

``convert_post`` reads the HTML (after ``markup.py`` expanded shortcodes, block delimiters and
paragraphs) with BeautifulSoup and maps it into ``text``, ``figure``, ``video`` and ``quote``
blocks, the intro and the numbered sources. Text goes through Wagtail's own rich-text converter
(HTML → Draftail's contentstate → database HTML, with the text block's features), exactly as if
an editor had pasted it: what the text block cannot hold is dropped by Wagtail's rules, and
reported here. Content with no block (tables, code, audio, other embeds) is kept as text and
reported; nothing is dropped silently.
"""

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import unquote, urlsplit

from bs4 import BeautifulSoup, Comment, NavigableString, Tag
from bs4.element import Declaration, Doctype, ProcessingInstruction
from django.utils.html import escape, format_html
from wagtail.admin.rich_text.converters.contentstate import ContentstateConverter

from .markup import TAG, Shortcodes, autop, has_blocks, is_video_url, strip_block_delimiters
from .wxr import Attachment, Item

INTRO_MAX_LENGTH = 500
INLINE = {
    "a", "abbr", "acronym", "b", "bdi", "bdo", "big", "cite", "code", "data", "del", "dfn",
    "em", "font", "i", "ins", "kbd", "label", "mark", "nobr", "q", "s", "samp", "small", "span",
    "strike", "strong", "sub", "sup", "time", "tt", "u", "var", "wbr",
}  # fmt: skip
# Inline formatting the text block has no feature for: its text stays, the formatting goes.
UNSUPPORTED_FORMATTING = INLINE - {"a", "b", "strong", "i", "em", "span", "font", "label", "wbr"}
MEDIA = ["img", "figure", "iframe", "cms-embed", "video", "audio", "table", "blockquote", "pre"]
DROPPED = {
    "script", "style", "noscript", "form", "input", "button", "select", "textarea", "object",
    "embed", "svg", "canvas", "map", "template", "head", "title", "meta", "link",
}  # fmt: skip
# Text containers: their inline content is one paragraph (or heading) of the text block.
PARAGRAPHS = {
    "p": "p", "h1": "h2", "h2": "h2", "h3": "h3", "h4": "h4", "h5": "h4", "h6": "h4",
    "li": "p", "dt": "p", "dd": "p", "address": "p", "figcaption": "p", "summary": "p",
    "caption": "p",
}  # fmt: skip
PLAIN_TEXT_PARTS = ["pre", "blockquote", "figure", "table"]
WP_IMAGE_CLASS = re.compile(r"\bwp-image-(\d+)\b")
BARE_URL = re.compile(r"^https?://[^\s<>\"]+$")
SOURCES_HEADING = re.compile(
    r"^\s*(sources|references|notes|footnotes|endnotes|bibliography|works cited|citations)"
    r"\s*:?\s*$",
    re.I,
)
NUMBERED = re.compile(r"^\s*(?:\[\d+\]|\(\d+\)|\d+[.)])\s+")
NOTE_LINK = re.compile(r"^#")
BRACKET_REFERENCE = re.compile(r"\[(\d{1,3})\]")
# A credit written at the end of a caption: "… Photo: Jane Doe", "… (© Jane Doe)".
CREDIT_IN_CAPTION = re.compile(
    r"^(?P<caption>.*?)[\s.,;(–—-]*"
    r"(?P<credit>\b(?:(?:photo|image) )?credit:[^()]+|\bphoto(?:graph)?:[^()]+|©[^()]+)\)?\s*$",
    re.I,
)
BACKLINK_TEXT = {"↩", "↩︎", "^", "↑"}


@dataclass(frozen=True)
class ImageRef:
    """An image of the library for a figure (``image_id`` is None in a dry run), with the
    attachment's own alt text and credit as fallbacks."""

    image_id: int | None
    alt: str = ""
    credit: str = ""


# (src URL, attachment id or None) → the image, or None when its file is missing.
ImageResolver = Callable[[str, int | None], ImageRef | None]


@dataclass
class ConvertedPost:
    body: list[dict]
    intro: str
    sources: list[tuple[str, str]]
    warnings: list[str] = field(default_factory=list)


def text_of(html_or_tag: "str | Tag") -> str:
    """Plain text, whitespace collapsed."""
    tag = html_or_tag
    if isinstance(tag, str):
        tag = BeautifulSoup(tag, "html.parser")
    return re.sub(r"\s+", " ", tag.get_text(" ")).strip()


def first_link(tag: Tag) -> str:
    for link in tag.find_all("a", href=True):
        href = link["href"].strip()
        if href.startswith(("http://", "https://")) and len(href) <= 200:
            return href
    return ""


def truncate(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    return text[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:.") + "…"


def split_credit(caption: str) -> tuple[str, str]:
    """ "Europe in 1815. Map: Jane Doe" → ("Europe in 1815.", "Map: Jane Doe")."""
    match = CREDIT_IN_CAPTION.match(caption)
    if not match or not match["caption"].strip():
        return caption, ""
    return match["caption"].strip(), match["credit"].strip()


class BodyBuilder:
    """Walks the post's HTML and collects blocks; consecutive text becomes one text block."""

    def __init__(
        self,
        *,
        resolve_image: ImageResolver,
        converter: ContentstateConverter,
        warn: Callable[[str], None],
    ) -> None:
        self.resolve_image = resolve_image
        self.converter = converter
        self.warn = warn
        self.blocks: list[dict] = []
        self.chunks: list[str] = []  # rich text (HTML) of the text block being built
        self.run: list[str] = []  # inline HTML of the paragraph being built
        self.more_at: int | None = None  # number of blocks before <!--more-->

    # -- output ---------------------------------------------------------------------------

    def end_paragraph(self, wrapper: str = "p") -> None:
        html = "".join(self.run).strip()
        self.run = []
        if html and html != "<br/>":
            self.chunks.append(f"<{wrapper}>{html}</{wrapper}>")

    def end_text(self) -> None:
        self.end_paragraph()
        if not self.chunks:
            return
        html, self.chunks = "".join(self.chunks), []
        rich_text = self.rich_text(html)
        if TAG.sub("", rich_text).strip() or "<hr" in rich_text:
            self.blocks.append({"type": "text", "value": rich_text})

    def rich_text(self, html: str) -> str:
        """Database rich text for the text block, through Wagtail's editor conversion."""
        try:
            return self.converter.to_database_format(self.converter.from_database_format(html))
        except Exception:  # noqa: BLE001 - any failure of the conversion falls back to the text
            self.warn("some text could not be read as rich text: kept as plain paragraphs")
            soup = BeautifulSoup(html, "html.parser")
            paragraphs = [text_of(tag) for tag in soup.find_all(["p", "h2", "h3", "h4", "li"])]
            plain = "".join(format_html("<p>{}</p>", text) for text in paragraphs if text)
            return self.converter.to_database_format(self.converter.from_database_format(plain))

    def add_block(self, block_type: str, value: dict) -> None:
        self.end_text()
        self.blocks.append({"type": block_type, "value": value})

    def add_chunk(self, html: str) -> None:
        self.end_paragraph()
        self.chunks.append(html)

    def link_paragraph(self, url: str, label: str = "") -> None:
        self.add_chunk(format_html('<p><a href="{}">{}</a></p>', url, label or url))

    # -- walking --------------------------------------------------------------------------

    def walk(self, node: Tag, wrapper: str = "p") -> None:
        for child in list(node.children):
            self.visit(child, wrapper)

    def visit(self, node, wrapper: str) -> None:
        if isinstance(node, Comment):
            self.comment(str(node))
            return
        if isinstance(node, (Declaration, Doctype, ProcessingInstruction)):
            return
        if isinstance(node, NavigableString):
            self.run.append(escape(str(node)))
            return
        name = node.name
        if name in DROPPED:
            self.warn(f"<{name}> element removed")
        elif name == "br":
            self.run.append("<br/>")
        elif name in INLINE:
            if not has_block_content(node):
                self.run.append(str(node))
            else:
                self.walk(node, wrapper)
        elif name in PARAGRAPHS:
            self.paragraph(node, wrapper)
        elif name in ("ul", "ol"):
            self.end_paragraph(wrapper)
            if node.find(MEDIA):
                self.walk(node)
            else:
                self.add_chunk(str(node))
        elif name == "hr":
            self.add_chunk("<hr/>")
        elif name == "blockquote":
            self.quote(node)
        elif name == "figure":
            self.figure(node)
        elif name == "img":
            self.image(node)
        elif name == "iframe":
            self.video_or_link(node.get("src", ""), "")
        elif name == "cms-embed":
            self.video_or_link(node.get("data-url", ""), node.get("data-caption", ""))
        elif name in ("video", "audio"):
            self.media_file(node)
        elif name == "table":
            self.table(node)
        elif name == "pre":
            self.code(node)
        else:  # a container (div, section…) or an unknown element: its content counts
            self.end_paragraph(wrapper)
            self.walk(node, wrapper)
            self.end_paragraph(wrapper)

    def comment(self, text: str) -> None:
        text = text.strip()
        if text.startswith("more") and self.more_at is None:
            self.end_text()
            self.more_at = len(self.blocks)
        elif text.startswith("nextpage"):
            self.warn("page break <!--nextpage--> removed: the post is one page")

    def paragraph(self, node: Tag, wrapper: str) -> None:
        self.end_paragraph(wrapper)
        own = PARAGRAPHS[node.name]
        url = bare_url(node)
        if url and is_video_url(url):
            self.add_block("video", {"url": url, "caption": ""})
            return
        if url:
            self.warn(f"embed of {url} has no block: kept as a link")
            self.link_paragraph(url)
            return
        self.walk(node, own)
        self.end_paragraph(own)

    def quote(self, node: Tag, attribution: str = "") -> None:
        cite = node.find(["cite", "footer"])
        if cite is not None:
            attribution = text_of(cite) or attribution
            cite.extract()
        paragraphs = [text_of(p) for p in node.find_all(["p", "li"])] or [text_of(node)]
        text = "\n\n".join(paragraph for paragraph in paragraphs if paragraph)
        if not text:
            return
        attribution = attribution.lstrip("—–-~ ").strip()
        self.add_block("quote", {"text": text, "attribution": attribution[:255], "source": None})

    def figure(self, node: Tag) -> None:
        caption_tag = node.find("figcaption", recursive=False)
        if caption_tag is not None:
            caption_tag.extract()
        caption = text_of(caption_tag) if caption_tag is not None else ""
        if node.find("figure") or node.find("blockquote") or node.find("table"):
            # A gallery (figures in a figure), a pull quote or a table: each part maps itself;
            # the figure's own caption follows them as a paragraph.
            self.walk(node)
            if caption:
                self.add_chunk(format_html("<p>{}</p>", caption))
            return
        images = node.find_all("img")
        embed = node.find("cms-embed") or node.find("iframe")
        wrapper = node.find(class_="wp-block-embed__wrapper")
        if len(images) == 1:
            self.image(images[0], caption, node.get("data-attachment"))
        elif embed is not None:
            self.video_or_link(embed.get("data-url") or embed.get("src", ""), caption)
        elif wrapper is not None and BARE_URL.match(text_of(wrapper)):
            self.video_or_link(text_of(wrapper), caption)
        else:
            self.walk(node)
            if caption:
                self.add_chunk(format_html("<p>{}</p>", caption))

    def image(self, img: Tag, caption: str = "", attachment: str | None = None) -> None:
        src = img.get("src", "").strip()
        alt = img.get("alt", "").strip()
        if "wp-smiley" in img.get("class", []) or "emoji" in img.get("class", []):
            self.run.append(escape(alt))
            return
        if not src or src.startswith("data:"):
            self.warn("an image without a file address was left out")
            return
        found = WP_IMAGE_CLASS.search(" ".join(img.get("class", [])))
        attachment = attachment or img.get("data-id") or (found.group(1) if found else None)
        ref = self.resolve_image(src, int(attachment) if str(attachment).isdigit() else None)
        if ref is None:
            # Kept as a link to the old file, so that nothing is lost; a later run with the
            # file in --media-dir makes it a figure.
            name = unquote(urlsplit(src).path.rsplit("/", 1)[-1])
            self.link_paragraph(src, f"Image: {caption or alt or name}")
            return
        credit = img.get("data-credit", "") or ref.credit
        if not credit:
            caption, credit = split_credit(caption)
        self.add_block(
            "figure",
            {
                "image": ref.image_id,
                "caption": caption[:255],
                "alt_text": (alt or ref.alt)[:255],
                "decorative": False,
                "credit": credit[:255],
                "source": None,
            },
        )

    def video_or_link(self, url: str, caption: str) -> None:
        url = url.strip()
        if is_video_url(url):
            self.add_block("video", {"url": url, "caption": caption[:255]})
        elif url:
            self.warn(f"embed of {url} has no block: kept as a link")
            self.link_paragraph(url)
            if caption:
                self.add_chunk(format_html("<p>{}</p>", caption))

    def media_file(self, node: Tag) -> None:
        source = node.get("src") or next(
            (tag.get("src") for tag in node.find_all("source") if tag.get("src")), ""
        )
        if source:
            self.warn(f"{node.name} file {source} has no block: kept as a link")
            self.link_paragraph(source)

    def table(self, node: Tag) -> None:
        rows = node.find_all("tr")
        caption = node.find("caption")
        if caption is not None and text_of(caption):
            self.add_chunk(format_html("<p><i>{}</i></p>", text_of(caption)))
        for row in rows:
            cells = row.find_all(["th", "td"])
            line = " | ".join(escape(text_of(cell)) for cell in cells)
            if cells and all(cell.name == "th" for cell in cells):
                line = f"<b>{line}</b>"
            if line:
                self.add_chunk(f"<p>{line}</p>")
        self.warn("a table was kept as text, one paragraph per row")

    def code(self, node: Tag) -> None:
        lines = node.get_text().strip("\n").split("\n")
        # Leading spaces would be collapsed: non-breaking ones keep the indentation.
        kept = [escape(re.sub(r"^ +", lambda m: "\u00a0" * len(m[0]), line)) for line in lines]
        self.add_chunk("<p>" + "<br/>".join(kept) + "</p>")
        self.warn("a code block was kept as a plain paragraph")

    def finish(self) -> list[dict]:
        self.end_text()
        return self.blocks


def has_block_content(tag: Tag) -> bool:
    return any(
        isinstance(child, Tag) and child.name not in INLINE and child.name != "br"
        for child in tag.descendants
    )


def bare_url(node: Tag) -> str:
    """The URL a paragraph holds and nothing else (as text, or as a link showing itself)."""
    text = text_of(node)
    if not BARE_URL.match(text) or node.find(lambda tag: tag.name not in ("a", "br")):
        return ""
    links = node.find_all("a")
    if links and (len(links) > 1 or links[0].get("href", "").strip() != text):
        return ""
    return text


class PostSources:
    """The post's numbered sources: WordPress footnotes, footnote shortcodes, or a "Sources"
    list at the end of a post citing them as (N), [N] or a superscript N."""

    def __init__(self) -> None:
        self.items: list[tuple[str, str]] = []

    def add_html(self, html: str) -> int:
        tag = BeautifulSoup(html, "html.parser")
        for backlink in tag.find_all("a", href=NOTE_LINK):
            if text_of(backlink) in BACKLINK_TEXT or not text_of(backlink):
                backlink.decompose()
        citation = text_of(tag)
        citation = NUMBERED.sub("", citation) or citation
        self.items.append((citation, first_link(tag)))
        return len(self.items)

    def footnotes_from_meta(self, soup: BeautifulSoup, meta: str) -> None:
        """The block editor's footnotes (WordPress 6.3+): the ``footnotes`` post meta lists
        them; the text marks each with ``<sup data-fn="ID">``."""
        try:
            notes = json.loads(meta)
        except ValueError:
            return
        numbers = {}
        for note in notes if isinstance(notes, list) else []:
            if isinstance(note, dict) and note.get("content"):
                numbers[note.get("id")] = self.add_html(note["content"])
        for mark in soup.find_all("sup", attrs={"data-fn": True}):
            if mark["data-fn"] in numbers:
                mark.replace_with(f"({numbers[mark['data-fn']]})")

    def trailing_list(self, soup: BeautifulSoup) -> None:
        """A list of sources ending the post: under a heading such as "Sources" or "Notes", or
        a footnotes section as Markdown and footnote plugins write it."""
        top = [node for node in soup.contents if not (is_blank(node) or isinstance(node, Comment))]
        if not top:
            return
        last = top[-1]
        if isinstance(last, Tag) and "footnotes" in last.get("class", []):
            items = last.find_all("li") if last.name != "li" else [last]
            for item in items:
                self.add_html(item.decode_contents())
            last.decompose()
            return
        for index in range(len(top) - 1, -1, -1):
            node = top[index]
            if isinstance(node, Tag) and SOURCES_HEADING.match(text_of(node)):
                rest = top[index + 1 :]
                items = sources_in(rest)
                if items:
                    for item in items:
                        self.add_html(item)
                    for node_to_remove in [node, *rest]:
                        node_to_remove.extract()
                return

    def link_citations(self, soup: BeautifulSoup) -> None:
        """[N] and a superscript N become "(N)", the blog's own citation, for sources that
        exist."""
        count = len(self.items)
        if not count:
            return
        for sup in soup.find_all("sup"):
            number = text_of(sup)
            link = sup.find_parent("a", href=NOTE_LINK) or sup.find("a", href=NOTE_LINK)
            # A bare superscript 2 may be a square metre: only [2] or a link to a note counts.
            if not (link or number.startswith("[")):
                continue
            number = number.strip("[]()")
            if number.isdigit() and 1 <= int(number) <= count:
                (sup.find_parent("a") or sup).replace_with(f"({number})")
        for text in soup.find_all(string=BRACKET_REFERENCE):
            if isinstance(text, Comment):
                continue
            replaced = BRACKET_REFERENCE.sub(
                lambda m: f"({m[1]})" if 1 <= int(m[1]) <= count else m[0], str(text)
            )
            text.replace_with(replaced)


def is_blank(node) -> bool:
    return isinstance(node, NavigableString) and not isinstance(node, Comment) and not node.strip()


def sources_in(nodes: list) -> list[str]:
    """The items (HTML) of a sources list: one list, or paragraphs numbered 1., [1] or (1)."""
    tags = [node for node in nodes if isinstance(node, Tag)]
    if len(tags) != len(nodes) or not tags:
        return []
    if len(tags) == 1 and tags[0].name in ("ol", "ul"):
        return [item.decode_contents() for item in tags[0].find_all("li", recursive=False)]
    if all(tag.name == "p" and NUMBERED.match(text_of(tag)) for tag in tags):
        return [tag.decode_contents() for tag in tags]
    return []


def convert_post(
    item: Item,
    *,
    attachments: dict[int, Attachment],
    resolve_image: ImageResolver,
    converter: ContentstateConverter,
) -> ConvertedPost:
    """Map a post's content, excerpt and footnotes into body blocks, intro and sources."""
    warnings: list[str] = []
    warn = warnings.append
    sources = PostSources()
    shortcodes = Shortcodes(
        post_id=item.wp_id, attachments=attachments, footnote=sources.add_html, warn=warn
    )
    html = item.content
    if has_blocks(html):
        html = shortcodes.expand(strip_block_delimiters(html, warn))
    else:
        html = autop(shortcodes.expand(html))
    soup = BeautifulSoup(html, "html.parser")
    if item.meta.get("footnotes"):
        sources.footnotes_from_meta(soup, item.meta["footnotes"])
    if not sources.items:
        sources.trailing_list(soup)
    sources.link_citations(soup)

    # Formatting lost in text (quotes, captions, tables and code are plain text by design).
    formatting = soup.find_all(UNSUPPORTED_FORMATTING)
    dropped = {tag.name for tag in formatting if not tag.find_parent(PLAIN_TEXT_PARTS)}
    builder = BodyBuilder(resolve_image=resolve_image, converter=converter, warn=warn)
    builder.walk(soup)
    if dropped:
        names = ", ".join(f"<{name}>" for name in sorted(dropped))
        warn(f"formatting the text block has no feature for was dropped: {names}")
    body = builder.finish()

    if item.excerpt.strip():
        intro = text_of(item.excerpt)
    elif builder.more_at is not None:
        teaser = [block["value"] for block in body[: builder.more_at] if block["type"] == "text"]
        intro = " ".join(text_of(html) for html in teaser)
    else:
        intro = ""
    if len(intro) > INTRO_MAX_LENGTH:
        warn(f"the intro was cut to {INTRO_MAX_LENGTH} characters")
        intro = truncate(intro, INTRO_MAX_LENGTH)
    return ConvertedPost(
        body=body,
        intro=intro,
        sources=[(citation, url) for citation, url in sources.items if citation],
        warnings=list(dict.fromkeys(warnings)),
    )


def comment_body(content: str) -> str:
    """A WordPress comment as the plain text the blog stores: WordPress keeps the little HTML
    commenters may write (links, bold, quotes); the text stays, a link's address is written
    after its text, quotes are marked with "> "."""
    content = content.replace("\r\n", "\n")
    if "<" not in content and "&" not in content:  # most comments: no HTML to read
        return re.sub(r"\n{3,}", "\n\n", content).strip()
    soup = BeautifulSoup(content, "html.parser")
    for link in soup.find_all("a"):
        href, text = link.get("href", "").strip(), link.get_text()
        link.replace_with(f"{text} ({href})" if href and href != text.strip() else text)
    for quote in soup.find_all("blockquote"):
        lines = quote.get_text().strip().split("\n")
        quote.replace_with("\n".join(f"> {line}" for line in lines) + "\n\n")
    for br in soup.find_all("br"):
        br.replace_with("\n")
    for paragraph in soup.find_all("p"):
        paragraph.append("\n\n")
    return re.sub(r"\n{3,}", "\n\n", soup.get_text()).strip()
