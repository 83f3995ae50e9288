"""Builds WordPress exports (WXR) shaped like the ones WordPress's Tools → Export writes, for the
importer's tests and benchmark: no XML file is committed, each test writes the export it needs."""

import itertools
from dataclasses import dataclass, field
from xml.sax.saxutils import escape

NAMESPACES = {
    "http": "http://wordpress.org/export/1.2/",
    "https": "https://wordpress.org/export/1.2/",
}
SITE = "https://old.example.com"
_ids = itertools.count(1000)


def cdata(text: str) -> str:
    return "<![CDATA[" + str(text).replace("]]>", "]]]]><![CDATA[>") + "]]>"


@dataclass
class WPComment:
    content: str
    id: int = field(default_factory=lambda: next(_ids))
    parent: int = 0
    approved: str = "1"
    type: str = "comment"
    author: str = "Reader"
    email: str = "reader@example.com"
    url: str = ""
    ip: str = "203.0.113.5"
    date: str = "2021-03-04 10:00:00"
    user_id: int = 0
    agent: str = ""

    def xml(self) -> str:
        agent = f"<wp:comment_agent>{cdata(self.agent)}</wp:comment_agent>" if self.agent else ""
        return f"""
		<wp:comment>
			<wp:comment_id>{self.id}</wp:comment_id>
			<wp:comment_author>{cdata(self.author)}</wp:comment_author>
			<wp:comment_author_email>{cdata(self.email)}</wp:comment_author_email>
			<wp:comment_author_url>{escape(self.url)}</wp:comment_author_url>
			<wp:comment_author_IP>{cdata(self.ip)}</wp:comment_author_IP>
			<wp:comment_date>{cdata(self.date)}</wp:comment_date>
			<wp:comment_date_gmt>{cdata(self.date)}</wp:comment_date_gmt>
			<wp:comment_content>{cdata(self.content)}</wp:comment_content>
			<wp:comment_approved>{cdata(self.approved)}</wp:comment_approved>
			<wp:comment_type>{cdata(self.type)}</wp:comment_type>
			<wp:comment_parent>{self.parent}</wp:comment_parent>
			<wp:comment_user_id>{self.user_id}</wp:comment_user_id>{agent}
		</wp:comment>"""


@dataclass
class WPItem:
    """A post by default; ``type="attachment"``, ``"page"``, ``"nav_menu_item"``… for others."""

    title: str
    content: str = ""
    id: int = field(default_factory=lambda: next(_ids))
    type: str = "post"
    status: str = "publish"
    slug: str | None = None
    date: str = "2021-03-01 09:00:00"
    date_gmt: str | None = None
    excerpt: str = ""
    author: str = "admin"
    password: str = ""
    sticky: bool = False
    categories: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    comments: list[WPComment] = field(default_factory=list)
    meta: dict[str, str] = field(default_factory=dict)
    link: str | None = None
    comment_status: str = "open"
    parent: int = 0
    attachment_url: str = ""

    def xml(self) -> str:
        slug = self.slug if self.slug is not None else self.title.lower().replace(" ", "-")
        link = self.link if self.link is not None else f"{SITE}/2021/03/{slug}/"
        terms = "".join(
            f'\n\t\t<category domain="category" nicename="{name.lower()}">{cdata(name)}</category>'
            for name in self.categories
        ) + "".join(
            f'\n\t\t<category domain="post_tag" nicename="{name.lower()}">{cdata(name)}</category>'
            for name in self.tags
        )
        meta = "".join(
            f"\n\t\t<wp:postmeta><wp:meta_key>{cdata(key)}</wp:meta_key>"
            f"<wp:meta_value>{cdata(value)}</wp:meta_value></wp:postmeta>"
            for key, value in self.meta.items()
        )
        attachment = (
            f"\n\t\t<wp:attachment_url>{cdata(self.attachment_url)}</wp:attachment_url>"
            if self.attachment_url
            else ""
        )
        return f"""
	<item>
		<title>{cdata(self.title)}</title>
		<link>{escape(link)}</link>
		<pubDate>Mon, 01 Mar 2021 09:00:00 +0000</pubDate>
		<dc:creator>{cdata(self.author)}</dc:creator>
		<guid isPermaLink="false">{SITE}/?p={self.id}</guid>
		<description></description>
		<content:encoded>{cdata(self.content)}</content:encoded>
		<excerpt:encoded>{cdata(self.excerpt)}</excerpt:encoded>
		<wp:post_id>{self.id}</wp:post_id>
		<wp:post_date>{cdata(self.date)}</wp:post_date>
		<wp:post_date_gmt>{cdata(self.date_gmt or self.date)}</wp:post_date_gmt>
		<wp:post_modified>{cdata(self.date)}</wp:post_modified>
		<wp:post_modified_gmt>{cdata(self.date)}</wp:post_modified_gmt>
		<wp:comment_status>{cdata(self.comment_status)}</wp:comment_status>
		<wp:ping_status>{cdata("open")}</wp:ping_status>
		<wp:post_name>{cdata(slug)}</wp:post_name>
		<wp:status>{cdata(self.status)}</wp:status>
		<wp:post_parent>{self.parent}</wp:post_parent>
		<wp:menu_order>0</wp:menu_order>
		<wp:post_type>{cdata(self.type)}</wp:post_type>
		<wp:post_password>{cdata(self.password)}</wp:post_password>
		<wp:is_sticky>{int(self.sticky)}</wp:is_sticky>{attachment}{terms}{meta}{
            "".join(comment.xml() for comment in self.comments)
        }
	</item>"""


def attachment(path: str, *, alt: str = "", title: str = "", credit: str = "", parent: int = 0):
    """An attachment item for an upload at ``path`` (e.g. "2021/03/map.jpg")."""
    meta = {"_wp_attached_file": path, "_wp_attachment_image_alt": alt}
    if credit:
        meta["_media_credit"] = credit
    return WPItem(
        title=title or path.rsplit("/", 1)[-1],
        type="attachment",
        status="inherit",
        attachment_url=f"{SITE}/wp-content/uploads/{path}",
        meta=meta,
        parent=parent,
    )


@dataclass
class Author:
    login: str
    email: str
    id: int = field(default_factory=lambda: next(_ids))
    display_name: str = ""

    def xml(self) -> str:
        return f"""
	<wp:author><wp:author_id>{self.id}</wp:author_id><wp:author_login>{cdata(self.login)}</wp:author_login><wp:author_email>{cdata(self.email)}</wp:author_email><wp:author_display_name>{cdata(self.display_name or self.login)}</wp:author_display_name><wp:author_first_name>{cdata("")}</wp:author_first_name><wp:author_last_name>{cdata("")}</wp:author_last_name></wp:author>"""  # noqa: E501


def export(
    items: list[WPItem],
    *,
    namespace: str = "http",
    authors: list[Author] | None = None,
    site: str = SITE,
) -> str:
    """The text of a WXR 1.2 file holding ``items``, in either of WordPress's namespaces."""
    items_xml = "".join(item.xml() for item in items)
    return header(namespace=namespace, authors=authors, site=site) + items_xml + FOOTER


def header(*, namespace: str = "http", authors: list[Author] | None = None, site: str = SITE):
    """The start of an export, up to its first item (for exports written item by item)."""
    wp = NAMESPACES[namespace]
    authors = authors if authors is not None else [Author("admin", "admin@example.com")]
    return f"""<?xml version="1.0" encoding="UTF-8" ?>
<!-- This is a WordPress eXtended RSS file generated by WordPress as an export of your site. -->
<rss version="2.0"
	xmlns:excerpt="{wp}excerpt/"
	xmlns:content="http://purl.org/rss/1.0/modules/content/"
	xmlns:wfw="http://wellformedweb.org/CommentAPI/"
	xmlns:dc="http://purl.org/dc/elements/1.1/"
	xmlns:wp="{wp}"
>
<channel>
	<title>Old blog</title>
	<link>{escape(site)}</link>
	<description>Just another WordPress site</description>
	<pubDate>Mon, 01 Mar 2021 09:00:00 +0000</pubDate>
	<language>en-US</language>
	<wp:wxr_version>1.2</wp:wxr_version>
	<wp:base_site_url>{escape(site)}</wp:base_site_url>
	<wp:base_blog_url>{escape(site)}</wp:base_blog_url>
{"".join(author.xml() for author in authors)}
	<generator>https://wordpress.org/?v=6.4</generator>
"""


FOOTER = "\n</channel>\n</rss>\n"


def run_import(tmp_path, items_or_text, into, *args: str, **kwargs) -> str:
    """Write the export to a file and run ``import_wordpress`` on it; return what it printed."""
    from io import StringIO

    from django.core.management import call_command

    text = items_or_text if isinstance(items_or_text, str) else export(items_or_text, **kwargs)
    path = tmp_path / "export.xml"
    path.write_text(text, encoding="utf-8")
    out, err = StringIO(), StringIO()
    call_command("import_wordpress", str(path), "--into", str(into), *args, stdout=out, stderr=err)
    return out.getvalue() + err.getvalue()
