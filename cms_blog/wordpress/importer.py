"""The WordPress import: a check pass over the whole export, then each post with its page, state,
redirects and comments in a savepoint of its own, remembered by WordPress id so that a second run
updates instead of duplicating. See docs/wordpress.md for what maps to what."""

import datetime
import html
import ipaddress
import itertools
import logging
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from wagtail.admin.rich_text.converters.contentstate import ContentstateConverter
from wagtail.models import Page, PageViewRestriction, ReferenceIndex
from wagtail.signal_handlers import disable_reference_index_auto_update

from . import store
from .content import ConvertedPost, comment_body, convert_post
from .media import MediaLibrary, PostMedia
from .records import Kind, Records
from .summary import ImportSummary
from .users import UserDirectory
from .wxr import ExportOverview, Item, WPComment, check_export, read_items

logger = logging.getLogger(__name__)

# Items of these states are not posts anyone wrote: they are counted as skipped.
SKIPPED_STATES = {"trash", "auto-draft", "inherit"}
UNPUBLISHED = {"draft", "pending"}
COMMENT_TYPES = {"", "comment"}
ANONYMOUS = "Anonymous"
POSTS_PER_TRANSACTION = 25
PROGRESS_EVERY_SECONDS = 5.0
REDIRECTS_APP = "wagtail.contrib.redirects"

# (posts done, posts in the export, comments done)
Progress = Callable[[int, int, int], None]


def batches(items: Iterable[Item], size: int) -> Iterator[list[Item]]:
    iterator = iter(items)
    while batch := list(itertools.islice(iterator, size)):
        yield batch


def is_web_url(value: str) -> bool:
    try:
        URLValidator(schemes=["http", "https"])(value)
    except ValidationError:
        return False
    return len(value) <= 200


def clean_ip(value: str) -> str | None:
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


def aware(moment: datetime.datetime | None) -> datetime.datetime | None:
    if moment is None or timezone.is_aware(moment):
        return moment
    return timezone.make_aware(moment)


def post_label(item: Item) -> str:
    return f"post {item.wp_id} “{html.unescape(item.title).strip() or '(no title)'}”"


def state_of(item: Item) -> str:
    """publish, draft, pending, future, private, or password (published behind a password)."""
    if item.password and item.status == "publish":
        return "password"
    return item.status


def tags_of(item: Item) -> list[str]:
    """Categories and tags, both as tags; WordPress's default category is left out."""
    names: dict[str, str] = {}
    for domain, slug, name in item.categories:
        if domain == "post_tag" or (domain == "category" and slug != "uncategorized"):
            name = html.unescape(name).strip()[:100]
            if name:
                names.setdefault(name.lower(), name)
    return list(names.values())


def thread_order(
    comments: list[WPComment], warn: Callable[[str], None]
) -> tuple[list[WPComment], dict[int, int | None]]:
    """The comments with parents before replies, and each one's parent within them. A reply to
    a comment that is not imported (a pingback, a deleted comment) starts a thread of its own;
    so does a comment in a parent loop, which a damaged database can hold."""
    by_id = {comment.wp_id: comment for comment in comments}
    parents: dict[int, int | None] = {}
    replies: dict[int, list[WPComment]] = defaultdict(list)
    for comment in comments:
        parent = comment.parent_id or None
        if parent is not None and (parent not in by_id or parent == comment.wp_id):
            warn(f"comment {comment.wp_id} answers comment {parent}, which is not imported")
            parent = None
        parents[comment.wp_id] = parent
        if parent is not None:
            replies[parent].append(comment)
    ordered: list[WPComment] = []
    placed: set[int] = set()
    starts = [comment for comment in comments if parents[comment.wp_id] is None]
    while len(placed) < len(comments):
        if not starts:  # only loops are left: break one open
            loose = next(comment for comment in comments if comment.wp_id not in placed)
            warn(f"comment {loose.wp_id} is in a loop of replies: it starts a thread")
            parents[loose.wp_id] = None
            starts = [loose]
        level = starts
        while level:
            ordered.extend(level)
            placed.update(comment.wp_id for comment in level)
            level = [
                reply
                for comment in level
                for reply in replies[comment.wp_id]
                if reply.wp_id not in placed
            ]
        starts = []
    return ordered, parents


class WordPressImporter:
    def __init__(
        self,
        path: Path,
        index: Page,
        *,
        media_dir: Path | None = None,
        dry_run: bool = False,
        progress: Progress | None = None,
    ) -> None:
        self.path = Path(path)
        self.index = index
        self.media_dir = Path(media_dir) if media_dir else None
        self.dry_run = dry_run
        self.progress = progress
        self.summary = ImportSummary(dry_run=dry_run)

    def run(self) -> ImportSummary:
        """Check the whole export (``WXRError`` if it is not a complete one: nothing written),
        then import it post by post."""
        overview = check_export(self.path)
        self.prepare(overview)
        done = comments_done = 0
        last_report = time.monotonic()
        for batch in batches(self.posts(), POSTS_PER_TRANSACTION):
            # A transaction per batch of posts and a savepoint per post: a post that fails is
            # rolled back alone, and the database syncs to disk once per batch, not per post
            # (which took more time than importing a short post). The check pass has already
            # made sure the file is whole.
            with transaction.atomic():
                for item in batch:
                    try:
                        with transaction.atomic():
                            self.import_post(item)
                    except Exception as error:  # noqa: BLE001 - a broken post must not stop the rest
                        logger.exception("Could not import %s", post_label(item))
                        self.summary.errors.append(f"{post_label(item)}: {error!r}")
                        self.media.forget()  # images it imported were rolled back with it
                    done += 1
                    comments_done += len(item.comments)
            now = time.monotonic()
            if self.progress and now - last_report > PROGRESS_EVERY_SECONDS:
                self.progress(done, overview.post_count, comments_done)
                last_report = now
        if self.progress:
            self.progress(done, overview.post_count, comments_done)
        return self.summary

    def posts(self) -> Iterator[Item]:
        """The export's posts; everything else is counted as skipped."""
        for item in read_items(self.path):
            if item.post_type != "post":
                if item.post_type != "attachment":  # attachments are read as media
                    self.summary.skipped[item.post_type] += 1
            elif item.status in SKIPPED_STATES:
                self.summary.skipped[f"post ({item.status})"] += 1
            else:
                yield item

    def prepare(self, overview: ExportOverview) -> None:
        self.overview = overview
        self.records = Records(overview.site_url)
        self.users = UserDirectory(overview.authors)
        self.media = MediaLibrary(
            records=self.records,
            attachments=overview.attachments,
            media_dir=self.media_dir,
            dry_run=self.dry_run,
            summary=self.summary,
        )
        self.converter = ContentstateConverter(store.text_features())
        self.store_ip = store.store_ip()
        self.slugs = set(self.index.get_children().values_list("slug", flat=True))
        self.site = self.index.get_site()
        self.redirects = apps.is_installed(REDIRECTS_APP)
        if not self.redirects:
            self.summary.warn(
                "redirects",
                f"{REDIRECTS_APP} is not in INSTALLED_APPS: no redirects from the old "
                "addresses were made. Add it (and its middleware), migrate and run the import "
                "again to make them.",
            )

    # -- posts ------------------------------------------------------------------------------

    def import_post(self, item: Item) -> None:
        """Import one post and its comments (``run`` holds a savepoint around it)."""
        label = post_label(item)
        state = state_of(item)
        self.summary.posts[state] += 1
        if item.sticky:
            self.summary.sticky.append(label)
        record = self.records.get(Kind.POST, item.wp_id)
        page = None
        if record is not None:
            page = store.post_model().objects.filter(pk=record.object_id).first()
        fingerprint = item.fingerprint

        if page is None:
            action = "created"
        elif record.fingerprint == fingerprint and not (
            record.details.get("missing_media")
            and self.media.available(record.details["missing_media"])
        ):
            action = "unchanged"
        elif page.latest_revision_id != record.details.get("revision_id"):
            action = "kept as edited in Wagtail"
            self.summary.warn(
                label,
                "changed in WordPress, and edited in Wagtail since the last import: the "
                "Wagtail version is kept",
            )
        else:
            action = "updated"
        self.summary.post_actions[action] += 1
        if action not in ("created", "updated"):
            for src, _attachment in record.details.get("missing_media", []):
                self.summary.missing_media.append((src, label, "still missing"))

        converted = post_media = None
        if action in ("created", "updated"):
            post_media = PostMedia(label)
            converted = convert_post(
                item,
                attachments=self.overview.attachments,
                resolve_image=self.media.resolver(post_media),
                converter=self.converter,
            )
            for warning in converted.warnings:
                self.summary.warn(label, warning)
        owner = self.users.for_author(item.author_login)
        if owner is None and item.author_login and action in ("created", "updated"):
            self.summary.unmatched_authors[item.author_login] += 1

        if self.dry_run:
            if self.redirects and action in ("created", "updated") and state not in UNPUBLISHED:
                self.summary.redirects["to make"] += len(self.old_paths(item))
            self.import_comments(item, page)
            return
        if converted is not None:
            page = self.write_post(item, page, converted, owner)
            details = {"revision_id": page.latest_revision_id, "missing_media": post_media.missing}
            if owner is None and item.author_login:
                details["author"] = item.author_login
            self.records.save(Kind.POST, item.wp_id, page.pk, fingerprint, details, record)
            if state not in UNPUBLISHED:
                self.redirect(item, page)
        self.import_comments(item, page)

    def write_post(
        self, item: Item, page: Page | None, converted: ConvertedPost, owner: int | None
    ) -> Page:
        post_model = store.post_model()
        source_model = post_model._meta.get_field("sources").related_model
        title = html.unescape(item.title).strip()[:255] or f"Post {item.wp_id}"
        wanted_slug = (
            unquote(item.slug) or slugify(title, allow_unicode=True) or f"post-{item.wp_id}"
        )[:255]
        date = item.date.date() if item.date else timezone.localdate(item.date_gmt)
        published_at = item.date_gmt or aware(item.date)
        fields = {
            "title": title,
            "date": date,
            "intro": converted.intro,
            "body": converted.body,
            "allow_comments": item.comment_status != "closed",
            "owner_id": owner,
            "go_live_at": published_at if item.status == "future" else None,
        }
        if page is None:
            page = post_model(slug=self.free_slug(wanted_slug), live=False, **fields)
            if item.status not in UNPUBLISHED | {"future"}:
                page.first_published_at = published_at
        else:
            page = page.specific
            for name, value in fields.items():
                setattr(page, name, value)
            if page.slug != wanted_slug:
                self.slugs.discard(page.slug)
                page.slug = self.free_slug(wanted_slug)
        page.sources = [source_model(citation=c, url=url) for c, url in converted.sources]
        page.tags.set(tags_of(item))
        # Each of the saves below would update Wagtail's reference index (what uses which
        # image) again; it is updated once, when the page is done.
        with disable_reference_index_auto_update():
            new = page.pk is None
            if new:
                self.index.add_child(instance=page)  # validates the page
            revision = page.save_revision(log_action=True, clean=not new)
            if item.status in UNPUBLISHED:
                if page.live:
                    page.unpublish()
            else:
                revision.publish()
        ReferenceIndex.create_or_update_for_object(page)
        self.restrict(page, item)
        page.refresh_from_db(fields=["latest_revision", "live", "url_path"])
        return page

    def free_slug(self, wanted: str) -> str:
        slug, number = wanted, 1
        while slug in self.slugs:
            number += 1
            slug = f"{wanted[:250]}-{number}"
        self.slugs.add(slug)
        return slug

    def restrict(self, page: Page, item: Item) -> None:
        """Private posts need a login; password-protected ones their password."""
        if item.password:
            wanted = (PageViewRestriction.PASSWORD, item.password[:255])
        elif item.status == "private":
            wanted = (PageViewRestriction.LOGIN, "")
        else:
            wanted = None
        restrictions = list(PageViewRestriction.objects.filter(page=page))
        if [(r.restriction_type, r.password) for r in restrictions] == ([wanted] if wanted else []):
            return
        for restriction in restrictions:
            restriction.delete()
        if wanted:
            PageViewRestriction.objects.create(
                page=page, restriction_type=wanted[0], password=wanted[1]
            )

    # -- redirects --------------------------------------------------------------------------

    def old_paths(self, item: Item) -> set[str]:
        """The post's WordPress addresses: its permalink and its ``?p=ID`` shortlink."""
        from wagtail.contrib.redirects.models import Redirect

        paths = set()
        for url in (item.link, item.guid, f"/?p={item.wp_id}"):
            parts = urlsplit(url)
            if parts.scheme not in ("", "http", "https") or not (parts.path or parts.query):
                continue
            paths.add(
                Redirect.normalise_path(parts.path + ("?" + parts.query if parts.query else ""))
            )
        return paths - {"/"}

    def redirect(self, item: Item, page: Page) -> None:
        if not self.redirects:
            return
        from wagtail.contrib.redirects.models import Redirect

        url_parts = page.get_url_parts()
        new_path = Redirect.normalise_path(url_parts[2]) if url_parts else None
        old_paths = self.old_paths(item) - {new_path}
        existing = Redirect.objects.filter(site=self.site, old_path__in=old_paths)
        for redirect in existing:
            old_paths.discard(redirect.old_path)
            if redirect.redirect_page_id != page.pk:
                message = f"{redirect.old_path} already redirects elsewhere: left as it is"
                self.summary.warn(post_label(item), message)
        Redirect.objects.bulk_create(
            Redirect(old_path=path, site=self.site, redirect_page=page, is_permanent=True)
            for path in sorted(old_paths)
        )
        self.summary.redirects["made"] += len(old_paths)

    # -- comments ---------------------------------------------------------------------------

    def import_comments(self, item: Item, page: Page | None) -> None:
        comments = []
        for comment in item.comments:
            kind = comment.type.lower()
            if kind in COMMENT_TYPES:
                comments.append(comment)
            else:
                self.summary.skipped[kind] += 1
        if not comments:
            return
        label = post_label(item)
        ordered, parents = thread_order(comments, lambda m: self.summary.warn(label, m))
        records = self.records.many(Kind.COMMENT, parents) if page is not None else {}
        alive = store.existing_comment_ids(record.object_id for record in records.values())
        stored = {  # WordPress id → comment id, for comments still there
            int(wp_id): record.object_id
            for wp_id, record in records.items()
            if record.object_id in alive
        }
        self.users.lookup_emails([c.email for c in comments if c.user_id])
        fingerprints = {comment.wp_id: comment.fingerprint for comment in comments}
        new, changed, stale = [], [], []
        post_date = aware(item.date) or item.date_gmt or timezone.now()
        for comment in ordered:
            status = store.comment_status(comment.approved)
            if status is None:
                self.summary.warn(
                    label,
                    f"comment {comment.wp_id} has the unknown state {comment.approved!r}: "
                    "held for moderation",
                )
                status = store.comment_status("0")
            self.summary.comments[status] += 1
            record = records.get(str(comment.wp_id))
            if comment.wp_id in stored and record.fingerprint == fingerprints[comment.wp_id]:
                continue  # as imported last time: a moderator's changes since then stay
            parent = parents[comment.wp_id]
            row = store.ImportedComment(
                key=comment.wp_id,
                parent_key=parent if parent is not None and parent not in stored else None,
                parent_pk=stored.get(parent) if parent is not None else None,
                **self.comment_fields(comment, status, post_date, label),
            )
            if comment.wp_id not in stored:
                new.append(row)
                if record is not None:  # imported before, deleted since: imported again
                    stale.append(record)
            else:
                changed.append((record, row))
        self.summary.comment_actions["created"] += len(new)
        self.summary.comment_actions["updated"] += len(changed)
        self.summary.comment_actions["unchanged"] += len(ordered) - len(new) - len(changed)
        if self.dry_run:
            return
        if new:
            created = store.import_comments(page.pk, new)
            again = {int(record.wordpress_id): record for record in stale}
            self.records.add_many(
                Kind.COMMENT,
                [(key, pk, fingerprints[key]) for key, pk in created.items() if key not in again],
            )
            self.records.refresh(
                (record, created[key], fingerprints[key]) for key, record in again.items()
            )
        if changed:
            store.update_comments(page.pk, [(record.object_id, row) for record, row in changed])
            self.records.refresh(
                (record, record.object_id, fingerprints[row.key]) for record, row in changed
            )

    def comment_fields(
        self, comment: WPComment, status: str, post_date: datetime.datetime, label: str
    ) -> dict:
        url = comment.url
        if url and not is_web_url(url):
            self.summary.warn(label, f"comment {comment.wp_id}: website {url!r} is not http(s)")
            url = ""
        body = comment_body(comment.content)
        if len(body) > 65525:
            self.summary.warn(label, f"comment {comment.wp_id} was cut to 65,525 characters")
            body = body[:65525]
        return {
            "author_name": html.unescape(comment.author).strip()[:245] or ANONYMOUS,
            "author_email": comment.email[:100],
            "author_url": url,
            "body": body,
            "status": status,
            "created_at": aware(comment.date) or post_date,
            "ip_address": clean_ip(comment.ip) if self.store_ip else None,
            "user_agent": comment.user_agent[:255],
            "user_id": self.users.for_commenter(comment.user_id, comment.email),
        }
