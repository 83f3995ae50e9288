"""Streaming reader of WordPress's export format (WXR, an RSS 2.0 dialect) into plain dataclasses.

The file is parsed with defusedxml's ``iterparse``: entity declarations (billion laughs) and
external references are refused, and each ``<item>`` is dropped from the tree once read, so memory
stays bounded whatever the export's size. Both namespaces WordPress has written,
``http://wordpress.org/export/1.2/`` and ``https://…``, are read alike (and WXR 1.0 and 1.1).

``check_export`` reads the whole file once and returns an ``ExportOverview`` (site, authors,
attachments, counts); it raises ``WXRError`` for anything that is not a complete, well-formed
export, before anything is written. ``read_items`` then streams the items.
"""

import datetime
import hashlib
import json
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import iterparse

WP_NAMESPACE = re.compile(r"^https?://wordpress\.org/export/1\.\d+/$")
EXCERPT_NAMESPACE = re.compile(r"^https?://wordpress\.org/export/1\.\d+/excerpt/$")
PREFIXES = {
    "http://purl.org/rss/1.0/modules/content/": "content:",
    "http://purl.org/dc/elements/1.1/": "dc:",
    "http://wellformedweb.org/CommentAPI/": "wfw:",
}
NO_DATE = "0000-00-00 00:00:00"
UPLOADS = "/wp-content/uploads/"


class WXRError(Exception):
    """The file is not a complete, well-formed WordPress export; nothing may be imported."""


@dataclass(frozen=True)
class Author:
    wp_id: int
    login: str
    email: str
    display_name: str


@dataclass(frozen=True)
class Attachment:
    wp_id: int
    url: str
    # The file's path under wp-content/uploads, e.g. "2021/03/map.jpg".
    path: str
    title: str
    alt: str
    caption: str
    credit: str
    parent_id: int


@dataclass
class WPComment:
    wp_id: int
    parent_id: int
    author: str
    email: str
    url: str
    ip: str
    user_agent: str
    date: datetime.datetime | None
    content: str
    # "1", "0", "spam", "trash" (WordPress's comment_approved).
    approved: str
    # "" or "comment" for comments; "pingback", "trackback" and plugin types otherwise.
    type: str
    user_id: int

    @property
    def fingerprint(self) -> str:
        return fingerprint(asdict(self))


@dataclass
class Item:
    """One ``<item>`` of the export: a post, page, attachment, menu item…"""

    wp_id: int
    post_type: str
    status: str
    title: str = ""
    link: str = ""
    guid: str = ""
    slug: str = ""
    content: str = ""
    excerpt: str = ""
    date: datetime.datetime | None = None  # the author's local time, naive
    date_gmt: datetime.datetime | None = None  # aware (UTC); None for drafts never saved
    author_login: str = ""
    password: str = ""
    sticky: bool = False
    comment_status: str = "open"
    parent_id: int = 0
    attachment_url: str = ""
    categories: list[tuple[str, str, str]] = field(default_factory=list)  # domain, slug, name
    meta: dict[str, str] = field(default_factory=dict)
    comments: list[WPComment] = field(default_factory=list)

    @property
    def fingerprint(self) -> str:
        """A digest of everything the import reads from the post itself (not its comments)."""
        data = asdict(self)
        del data["comments"]
        return fingerprint(data)


@dataclass
class ExportOverview:
    """What the check pass learns about the whole export before anything is imported."""

    site_url: str = ""
    title: str = ""
    authors: dict[str, Author] = field(default_factory=dict)  # by login
    attachments: dict[int, Attachment] = field(default_factory=dict)
    item_types: Counter = field(default_factory=Counter)
    post_count: int = 0
    comment_count: int = 0


def fingerprint(data: dict) -> str:
    return hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()


_tag_names: dict[str, str] = {}


def local_name(tag: str) -> str:
    """``{http://wordpress.org/export/1.2/}post_id`` → ``wp:post_id``, for either namespace."""
    name = _tag_names.get(tag)
    if name is None:
        namespace, _brace, local = tag[1:].rpartition("}") if tag.startswith("{") else ("", "", tag)
        if WP_NAMESPACE.match(namespace):
            prefix = "wp:"
        elif EXCERPT_NAMESPACE.match(namespace):
            prefix = "excerpt:"
        elif namespace:
            prefix = PREFIXES.get(namespace, "{" + namespace + "}")
        else:
            prefix = ""
        name = _tag_names[tag] = prefix + local
    return name


def children(element: Element) -> dict[str, str]:
    """The text of an element's simple children by local name (the first of each name)."""
    values: dict[str, str] = {}
    for child in element:
        values.setdefault(local_name(child.tag), (child.text or "").strip("\r\n"))
    return values


def to_int(value: str, what: str) -> int:
    try:
        return int(value.strip() or 0)
    except ValueError:
        raise WXRError(f"{what} is not a number: {value!r}.") from None


def parse_date(value: str, *, gmt: bool) -> datetime.datetime | None:
    value = (value or "").strip()
    if not value or value == NO_DATE:
        return None
    try:
        moment = datetime.datetime.strptime(value, "%Y-%m-%d %H:%M:%S")
    except ValueError:
        return None
    return moment.replace(tzinfo=datetime.UTC) if gmt else moment


def upload_path(url: str) -> str:
    """A file's path under wp-content/uploads, from its URL ("" when it is not an upload)."""
    path = unquote(urlsplit(url).path)
    _before, found, after = path.partition(UPLOADS)
    return after if found else ""


def read_author(element: Element) -> Author:
    values = children(element)
    return Author(
        wp_id=to_int(values.get("wp:author_id", "0"), "An author id"),
        login=values.get("wp:author_login", ""),
        email=values.get("wp:author_email", ""),
        display_name=values.get("wp:author_display_name", ""),
    )


def read_comment(element: Element, post_id: int) -> WPComment:
    values = children(element)
    where = f"A comment of post {post_id}"
    return WPComment(
        wp_id=to_int(values.get("wp:comment_id", ""), f"{where}: its id"),
        parent_id=to_int(values.get("wp:comment_parent", "0"), f"{where}: its parent"),
        author=values.get("wp:comment_author", "").strip(),
        email=values.get("wp:comment_author_email", "").strip(),
        url=values.get("wp:comment_author_url", "").strip(),
        ip=values.get("wp:comment_author_IP", "").strip(),
        # WordPress's own exporter leaves the user agent out; some plugins write it.
        user_agent=values.get("wp:comment_agent", "").strip(),
        date=parse_date(values.get("wp:comment_date_gmt", ""), gmt=True)
        or parse_date(values.get("wp:comment_date", ""), gmt=False),
        content=values.get("wp:comment_content", ""),
        approved=values.get("wp:comment_approved", "0").strip(),
        type=values.get("wp:comment_type", "").strip(),
        user_id=to_int(values.get("wp:comment_user_id", "0"), f"{where}: its user"),
    )


def read_item(element: Element) -> Item:
    values = children(element)
    if "wp:post_id" not in values:
        raise WXRError(f"An item has no wp:post_id (title {values.get('title', '')!r}).")
    wp_id = to_int(values["wp:post_id"], "A post id")
    item = Item(
        wp_id=wp_id,
        post_type=values.get("wp:post_type", "post"),
        status=values.get("wp:status", "publish"),
        title=values.get("title", ""),
        link=values.get("link", "").strip(),
        guid=values.get("guid", "").strip(),
        slug=values.get("wp:post_name", "").strip(),
        content=values.get("content:encoded", ""),
        excerpt=values.get("excerpt:encoded", ""),
        date=parse_date(values.get("wp:post_date", ""), gmt=False),
        date_gmt=parse_date(values.get("wp:post_date_gmt", ""), gmt=True),
        author_login=values.get("dc:creator", "").strip(),
        password=values.get("wp:post_password", ""),
        sticky=values.get("wp:is_sticky", "0").strip() == "1",
        comment_status=values.get("wp:comment_status", "open").strip(),
        parent_id=to_int(values.get("wp:post_parent", "0"), f"The parent of post {wp_id}"),
        attachment_url=values.get("wp:attachment_url", "").strip(),
    )
    for child in element:
        name = local_name(child.tag)
        if name == "category":
            item.categories.append(
                (child.get("domain", ""), child.get("nicename", ""), (child.text or "").strip())
            )
        elif name == "wp:postmeta":
            meta = children(child)
            item.meta.setdefault(meta.get("wp:meta_key", ""), meta.get("wp:meta_value", ""))
        elif name == "wp:comment":
            item.comments.append(read_comment(child, wp_id))
    return item


def attachment_of(item: Item) -> Attachment:
    return Attachment(
        wp_id=item.wp_id,
        url=item.attachment_url,
        path=item.meta.get("_wp_attached_file", "") or upload_path(item.attachment_url),
        title=item.title,
        alt=item.meta.get("_wp_attachment_image_alt", ""),
        caption=item.excerpt,
        # The Media Credit plugin's field; WordPress itself has none.
        credit=item.meta.get("_media_credit", ""),
        parent_id=item.parent_id,
    )


def _events(path: Path) -> Iterator[tuple[str, Element]]:
    try:
        yield from iterparse(str(path), events=("start", "end"))
    except ParseError as error:
        line, column = error.position
        raise WXRError(
            f"{path.name} is not well-formed XML (line {line}, column {column}): "
            f"{str(error).split(':', 1)[0]}. A damaged or truncated export is refused."
        ) from None
    except DefusedXmlException as error:
        raise WXRError(
            f"{path.name} is refused: it declares XML entities or external references ({error}), "
            "which WordPress exports never do."
        ) from None
    except OSError as error:
        raise WXRError(f"{path}: {error.strerror or error}.") from None


def _parse(path: Path, overview: ExportOverview | None) -> Iterator[Item]:
    """Yield the items; fill ``overview`` with what the channel says about the site."""
    depth = 0
    channel: Element | None = None
    saw_wordpress = False
    for event, element in _events(path):
        if event == "start":
            depth += 1
            if depth == 1 and element.tag != "rss":
                raise WXRError(f"{path.name} is not a WordPress export: it is not an RSS file.")
            if depth == 2 and local_name(element.tag) == "channel":
                channel = element
            elif depth == 3 and element.tag == "item" and not saw_wordpress:
                raise not_wordpress(path)
            continue
        depth -= 1
        if depth != 2 or channel is None:
            continue
        name = local_name(element.tag)
        if name.startswith("wp:"):
            saw_wordpress = True
        if name == "item":
            yield read_item(element)
        elif overview is not None:
            _read_channel_element(overview, name, element)
        # Every child of the channel is read once: drop it, so the tree never grows.
        channel.remove(element)
    if not saw_wordpress:
        raise not_wordpress(path)


def not_wordpress(path: Path) -> WXRError:
    # WordPress writes wp:wxr_version and the site's addresses before any item.
    return WXRError(
        f"{path.name} is an RSS feed, not a WordPress export (no wordpress.org/export "
        "elements). Export with Tools → Export in WordPress."
    )


def _read_channel_element(overview: ExportOverview, name: str, element: Element) -> None:
    text = (element.text or "").strip()
    # wp:base_site_url names the site; the channel's link (written first) is the fallback.
    if name == "wp:base_site_url" or (name == "link" and not overview.site_url):
        overview.site_url = text.rstrip("/")
    elif name == "title":
        overview.title = text
    elif name == "wp:author":
        author = read_author(element)
        overview.authors[author.login] = author


def check_export(path: Path) -> ExportOverview:
    """Read the whole export once: raise ``WXRError`` unless it is complete and well-formed, and
    return what the import needs to know beforehand (attachments may follow the posts using
    them)."""
    overview = ExportOverview()
    for item in _parse(path, overview):
        overview.item_types[item.post_type] += 1
        if item.post_type == "post":
            overview.post_count += 1
            overview.comment_count += len(item.comments)
        elif item.post_type == "attachment":
            overview.attachments[item.wp_id] = attachment_of(item)
    if not overview.site_url:
        raise WXRError(f"{path.name} does not say which WordPress site it comes from.")
    return overview


def read_items(path: Path) -> Iterator[Item]:
    """Stream the export's items, one at a time (after ``check_export`` accepted the file)."""
    yield from _parse(path, None)
