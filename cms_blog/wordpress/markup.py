"""WordPress's own text syntaxes, turned into plain HTML for ``content.py`` to map into blocks:
shortcodes (``[caption]``, ``[gallery]``, ``[embed]``…), the block editor's comment delimiters
(``<!-- wp:image {"id":12} -->``) and the classic editor's paragraphs made of blank lines
(WordPress's ``wpautop``).

Embeds become ``<cms-embed data-url="…">`` elements, which no real HTML uses, so that
``content.py`` tells them apart from links whatever the markup around them.
"""

import json
import re
from collections.abc import Callable

from django.utils.html import format_html
from django.utils.safestring import mark_safe

from ..video import VideoURLError, parse_video_url
from .wxr import Attachment

# ---------------------------------------------------------------------------------------------
# Shortcodes

# WordPress's shortcode_parse_atts: name="value", name='value', name=value, "value", 'value', value.
ATTRIBUTE = re.compile(
    r"""([\w-]+)\s*=\s*"([^"]*)"(?:\s|$)|([\w-]+)\s*=\s*'([^']*)'(?:\s|$)"""
    r"""|([\w-]+)\s*=\s*([^\s'"]+)(?:\s|$)|"([^"]*)"(?:\s|$)|'([^']*)'(?:\s|$)|(\S+)(?:\s|$)"""
)
# Anything that looks like a shortcode with attributes or a closing tag, to report the ones no
# handler knows (a bare "[sic]" is text).
UNKNOWN_SHORTCODE = re.compile(r"\[([a-zA-Z][\w-]*)(?:\s+[^\]]*=[^\]]*\]|\][^\[]*\[/\1\])")
ATTACHMENT_ID = re.compile(r"(\d+)$")
IMAGE_WITH_LINK = re.compile(r"^\s*((?:<a [^>]+>\s*)?<img [^>]+>(?:\s*</a>)?)(.*)$", re.S | re.I)


def shortcode_pattern(names: list[str]) -> re.Pattern:
    """WordPress's get_shortcode_regex for these names: ``[name attrs]``, ``[name attrs /]`` and
    ``[name attrs]content[/name]``; ``[[name]]`` is an escaped, literal shortcode."""
    alternatives = "|".join(re.escape(name) for name in names)
    return re.compile(
        r"\[(\[?)(" + alternatives + r")(?![\w-])([^\]/]*(?:/(?!\])[^\]/]*)*?)"
        r"(?:(/)\]|\](?:(.*?)\[/\2\])?)(\]?)",
        re.S,
    )


def parse_attributes(text: str) -> tuple[dict[str, str], list[str]]:
    """Named (lower-cased) and positional attributes of a shortcode."""
    named: dict[str, str] = {}
    positional: list[str] = []
    text = re.sub(r"[\u00a0\u200b]", " ", text)
    for match in ATTRIBUTE.finditer(text):
        groups = match.groups()
        for name_at, value_at in ((0, 1), (2, 3), (4, 5)):
            if groups[name_at] is not None:
                named[groups[name_at].lower()] = groups[value_at]
                break
        else:
            positional.append(next(value for value in groups[6:] if value is not None))
    return named, positional


def embed_marker(url: str, caption: str = "") -> str:
    return format_html('<cms-embed data-url="{}" data-caption="{}"></cms-embed>', url, caption)


def is_video_url(url: str) -> bool:
    try:
        parse_video_url(url)
    except VideoURLError:
        return False
    return True


class Shortcodes:
    """Expands the shortcodes of one post; ``warn`` hears about what has no equivalent."""

    def __init__(
        self,
        *,
        post_id: int,
        attachments: dict[int, Attachment],
        footnote: Callable[[str], int],
        warn: Callable[[str], None],
    ) -> None:
        self.post_id = post_id
        self.attachments = attachments
        self.footnote = footnote
        self.warn = warn
        self.handlers: dict[str, Callable[[dict, list, str | None], str]] = {
            "caption": self.caption,
            "wp_caption": self.caption,
            "gallery": self.gallery,
            "embed": self.embed,
            "video": self.video,
            "audio": self.audio,
            "youtube": self.youtube,
            "vimeo": self.vimeo,
            # Footnote plugins: Simple Footnotes, Easy Footnotes, the "ref" of several others.
            "ref": self.note,
            "footnote": self.note,
            "efn_note": self.note,
            # The Media Credit plugin wraps images with their credit.
            "media-credit": self.media_credit,
        }
        self.pattern = shortcode_pattern(list(self.handlers))

    def expand(self, text: str) -> str:
        def replace(match: re.Match) -> str:
            opening, name, attributes, _void, content, closing = match.groups()
            if opening and closing:  # [[caption]]: written to show a shortcode as text
                return match.group(0)[1:-1]
            named, positional = parse_attributes(attributes)
            if content is not None:
                content = self.expand(content)
            return opening + self.handlers[name](named, positional, content) + closing

        expanded = self.pattern.sub(replace, text)
        for name in sorted({match.group(1) for match in UNKNOWN_SHORTCODE.finditer(expanded)}):
            self.warn(f"shortcode [{name}] has no equivalent: kept as text")
        return expanded

    def caption(self, named: dict, positional: list, content: str | None) -> str:
        content = content or ""
        match = IMAGE_WITH_LINK.match(content)
        if not match:
            return content
        image, caption = match.groups()
        caption = named.get("caption") or caption
        attachment = ATTACHMENT_ID.search(named.get("id", ""))
        # The image and the caption are the post's HTML: kept as they are, not escaped.
        return format_html(
            "<figure{}>{}<figcaption>{}</figcaption></figure>",
            format_html(' data-attachment="{}"', attachment.group(1)) if attachment else "",
            mark_safe(image),
            mark_safe(caption.strip()),
        )

    def gallery(self, named: dict, positional: list, content: str | None) -> str:
        ids = named.get("ids") or named.get("include")
        if ids:
            wanted = [int(value) for value in re.findall(r"\d+", ids)]
        else:  # [gallery] alone shows the images attached to the post
            wanted = sorted(
                a.wp_id for a in self.attachments.values() if a.parent_id == self.post_id
            )
        figures = []
        for attachment_id in wanted:
            attachment = self.attachments.get(attachment_id)
            if attachment is None:
                self.warn(f"gallery image {attachment_id} is not in the export: left out")
                continue
            figures.append(
                format_html(
                    '<figure data-attachment="{}"><img src="{}" alt="{}">'
                    "<figcaption>{}</figcaption></figure>",
                    attachment.wp_id,
                    attachment.url,
                    attachment.alt,
                    attachment.caption,
                )
            )
        return format_html("<figure>{}</figure>", mark_safe("".join(figures)))

    def embed(self, named: dict, positional: list, content: str | None) -> str:
        url = (content or named.get("src", "")).strip()
        return embed_marker(url) if url else ""

    def video(self, named: dict, positional: list, content: str | None) -> str:
        sources = [named.get(key) for key in ("src", "mp4", "m4v", "webm", "ogv", "wmv", "flv")]
        url = next((source for source in sources if source), "")
        if is_video_url(url):
            return embed_marker(url)
        return self._file_link(url, "video")

    def audio(self, named: dict, positional: list, content: str | None) -> str:
        sources = [named.get(key) for key in ("src", "mp3", "m4a", "ogg", "wav", "wma")]
        return self._file_link(next((source for source in sources if source), ""), "audio")

    def _file_link(self, url: str, kind: str) -> str:
        if not url:
            self.warn(f"[{kind}] shortcode without a file: left out")
            return ""
        self.warn(f"{kind} file {url} has no block: kept as a link")
        return format_html('<p><a href="{}">{}</a></p>', url, url)

    def youtube(self, named: dict, positional: list, content: str | None) -> str:
        # Jetpack writes [youtube https://…] and [youtube=https://…].
        value = (positional[0] if positional else named.get("url", content or "")).lstrip("=")
        if re.fullmatch(r"[A-Za-z0-9_-]{11}", value):
            value = f"https://www.youtube.com/watch?v={value}"
        return embed_marker(value)

    def vimeo(self, named: dict, positional: list, content: str | None) -> str:
        value = (positional[0] if positional else named.get("id", content or "")).lstrip("=")
        if value.isdigit():
            value = f"https://vimeo.com/{value}"
        return embed_marker(value)

    def note(self, named: dict, positional: list, content: str | None) -> str:
        if not content or not content.strip():
            return ""
        return f"({self.footnote(content)})"

    def media_credit(self, named: dict, positional: list, content: str | None) -> str:
        credit = named.get("name") or named.get("link", "")
        if not content:
            return ""
        return re.sub(r"<img\b", format_html('<img data-credit="{}"', credit), content, count=1)


# ---------------------------------------------------------------------------------------------
# Block editor (Gutenberg) delimiters

BLOCK_DELIMITER = re.compile(
    r"<!--\s+(?P<closer>/)?wp:(?P<name>[a-z][a-z0-9_-]*(?:/[a-z][a-z0-9_-]*)?)\s+"
    r"(?P<attrs>\{.*?\}\s+)?(?P<void>/)?-->",
    re.S,
)
FIGCAPTION = re.compile(r"<figcaption[^>]*>(.*?)</figcaption>", re.S | re.I)
EMBED_WRAPPER_URL = re.compile(r"wp-block-embed__wrapper[^>]*>\s*(https?://[^\s<]+)", re.I)
TAG = re.compile(r"<[^>]+>")
# Blocks whose saved HTML says all there is: they are read as HTML, silently.
HTML_BLOCKS = {
    "paragraph",
    "heading",
    "list",
    "list-item",
    "table",
    "code",
    "preformatted",
    "verse",
    "image",
    "gallery",
    "quote",
    "pullquote",
    "more",
    "nextpage",
    "separator",
    "spacer",
    "html",
    "shortcode",
    "freeform",
    "group",
    "columns",
    "column",
    "video",
    "audio",
    "file",
    "media-text",
    "buttons",
    "button",
    "details",
}
# Void blocks with nothing to import (the footnotes block lists the post's footnotes, which
# become its sources).
EMPTY_BLOCKS = {"footnotes", "more", "nextpage", "separator", "spacer"}


def block_name(name: str) -> str:
    return name.removeprefix("core/")


def is_embed(name: str) -> bool:
    return name in ("embed", "core-embed") or name.startswith("core-embed/")


def has_blocks(content: str) -> bool:
    return "<!-- wp:" in content


def strip_block_delimiters(content: str, warn: Callable[[str], None]) -> str:
    """The post's HTML without the block editor's comments. Embed blocks become
    ``<cms-embed>``; blocks whose content is not in their HTML (dynamic blocks, reusable blocks)
    are reported; so are blocks read from HTML that may lose something in the reading."""
    out: list[str] = []
    stack: list[tuple[str, dict, int]] = []
    position = 0
    reported: set[str] = set()

    def report(message: str) -> None:
        if message not in reported:
            reported.add(message)
            warn(message)

    for match in BLOCK_DELIMITER.finditer(content):
        out.append(content[position : match.start()])
        position = match.end()
        name = block_name(match["name"])
        try:
            attrs = json.loads(match["attrs"]) if match["attrs"] else {}
        except ValueError:
            attrs = {}
        if match["closer"]:
            while stack and stack[-1][0] != name:
                report(f"block wp:{stack.pop()[0]} is not closed")
            if not stack:
                continue
            _name, attrs, start = stack.pop()
            if is_embed(name):
                inner = "".join(out[start:])
                del out[start:]
                out.append(_embed_block(attrs, inner, report))
        elif match["void"]:
            if is_embed(name) and attrs.get("url"):
                out.append(embed_marker(attrs["url"]))
            elif name == "block":
                report(f"reusable block {attrs.get('ref', '?')} is not imported: insert it again")
            elif name not in EMPTY_BLOCKS:
                report(f"block wp:{name} is generated by WordPress, with no content to import")
        else:
            if not (name in HTML_BLOCKS or is_embed(name)):
                report(f"block wp:{name} was imported from its HTML: check it")
            stack.append((name, attrs, len(out)))
    out.append(content[position:])
    for name, _attrs, _start in stack:
        report(f"block wp:{name} is not closed")
    return "".join(out)


def _embed_block(attrs: dict, inner: str, report: Callable[[str], None]) -> str:
    url = attrs.get("url") or ""
    if not url:
        found = EMBED_WRAPPER_URL.search(inner)
        url = found.group(1) if found else ""
    caption = FIGCAPTION.search(inner)
    caption_text = TAG.sub("", caption.group(1)).strip() if caption else ""
    if not url:
        report("an embed block without a URL was left out")
        return ""
    return embed_marker(url, caption_text)


# ---------------------------------------------------------------------------------------------
# Classic editor paragraphs

BLOCK_TAGS = (
    r"table|thead|tfoot|caption|col|colgroup|tbody|tr|td|th|div|dl|dd|dt|ul|ol|li|pre|form|map"
    r"|area|blockquote|address|math|style|p|h[1-6]|hr|fieldset|legend|section|article|aside"
    r"|hgroup|header|footer|nav|figure|figcaption|details|menu|summary|iframe|video|audio"
    r"|object|script|cms-embed"
)
BEFORE_BLOCK = re.compile(rf"(<(?:{BLOCK_TAGS})[\s/>])", re.I)
AFTER_BLOCK = re.compile(rf"(</(?:{BLOCK_TAGS})>)", re.I)
STARTS_WITH_BLOCK = re.compile(rf"^</?(?:{BLOCK_TAGS})[\s/>]|^<!--", re.I)
# Kept whole: their line breaks are content.
PROTECTED = re.compile(r"<(pre|script|style)\b.*?</\1>|<!--.*?-->", re.S | re.I)
URL_LINE = re.compile(r"^[ \t]*(https?://[^\s<>\"]+)[ \t]*$", re.M)


def autop(text: str) -> str:
    """WordPress's wpautop, simplified: blank lines separate paragraphs, single line breaks are
    ``<br>``, and block-level elements are never wrapped in a paragraph. A YouTube or Vimeo URL
    alone on its line is embedded, as WordPress's auto-embed does before wpautop."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = URL_LINE.sub(
        lambda match: f"\n\n{embed_marker(match[1])}\n\n" if is_video_url(match[1]) else match[0],
        text,
    )
    kept: list[str] = []

    def protect(match: re.Match) -> str:
        kept.append(match.group(0))
        return f"\n\n<!--cms-kept-{len(kept) - 1}-->\n\n"

    text = PROTECTED.sub(protect, text)
    text = AFTER_BLOCK.sub(r"\1\n\n", BEFORE_BLOCK.sub(r"\n\n\1", text))
    paragraphs = []
    for chunk in re.split(r"\n\s*\n", text):
        chunk = chunk.strip()
        if not chunk:
            continue
        if STARTS_WITH_BLOCK.match(chunk):
            paragraphs.append(chunk)
        else:
            paragraphs.append("<p>" + re.sub(r"\s*\n\s*", "<br>", chunk) + "</p>")
    return re.sub(
        r"<!--cms-kept-(\d+)-->", lambda match: kept[int(match[1])], "\n".join(paragraphs)
    )
