"""Images of imported posts, taken from a local copy of ``wp-content/uploads`` into Wagtail's
image library. There is never a network request: a file that is not in ``--media-dir`` is
reported (with its URL and the post that needs it) and the import goes on; a later run with the
file there adds it.

Each file is imported once, whatever the number of posts showing it, and remembered by its upload
path (``2021/03/map.jpg``), so that running the import again finds it instead of copying it."""

import re
from dataclasses import dataclass, field
from pathlib import Path

from django.core.files import File
from django.db import transaction
from wagtail.images import get_image_model
from wagtail.images.utils import get_allowed_image_extensions
from willow.image import Image as WillowImage

from .content import ImageRef, ImageResolver
from .records import Kind, Records
from .summary import ImportSummary
from .wxr import Attachment, upload_path

# WordPress serves resized copies named photo-1024x768.jpg next to the original photo.jpg; since
# 5.3 the original of a big image is photo.jpg and the attachment's file photo-scaled.jpg.
SIZE_SUFFIX = re.compile(r"-(?:\d+x\d+|scaled)(?=\.\w+$)")


@dataclass
class PostMedia:
    """The media one post asked for that could not be found: kept in its import record, so a
    later run knows to look again."""

    label: str
    missing: list[tuple[str, int | None]] = field(default_factory=list)


class MediaLibrary:
    def __init__(
        self,
        *,
        records: Records,
        attachments: dict[int, Attachment],
        media_dir: Path | None,
        dry_run: bool,
        summary: ImportSummary,
    ) -> None:
        self.records = records
        self.attachments = attachments
        self.by_path = {a.path: a for a in attachments.values() if a.path}
        self.media_dir = media_dir.resolve() if media_dir else None
        self.dry_run = dry_run
        self.summary = summary
        self.found: dict[str, ImageRef] = {}  # by upload path, for this run

    def resolver(self, post: PostMedia) -> ImageResolver:
        return lambda src, attachment_id: self.resolve(src, attachment_id, post)

    def attachment_for(self, src: str, attachment_id: int | None) -> Attachment | None:
        if attachment_id in self.attachments:
            return self.attachments[attachment_id]
        path = upload_path(src)
        return self.by_path.get(path) or self.by_path.get(SIZE_SUFFIX.sub("", path))

    def candidates(self, src: str, attachment: Attachment | None) -> list[str]:
        """Upload paths the image may be stored under, best first: the attachment's own file,
        then the original of the size the post shows, then that size."""
        paths = [attachment.path] if attachment and attachment.path else []
        if path := upload_path(src):
            paths += [SIZE_SUFFIX.sub("", path), path]
        # Paths come from the export: never anything outside the uploads folder.
        safe = [p.lstrip("/") for p in paths if ".." not in Path(p).parts and "\\" not in p]
        return list(dict.fromkeys(safe))

    def file_for(self, path: str) -> Path | None:
        if self.media_dir is None:
            return None
        full = (self.media_dir / path).resolve()
        return full if full.is_relative_to(self.media_dir) and full.is_file() else None

    def resolve(self, src: str, attachment_id: int | None, post: PostMedia) -> ImageRef | None:
        attachment = self.attachment_for(src, attachment_id)
        paths = self.candidates(src, attachment)
        alt, credit = (attachment.alt, attachment.credit) if attachment else ("", "")
        for path in paths:
            if path in self.found:
                return self.found[path]
        imported = self.already_imported(paths)
        if imported is not None:
            self.summary.media["already imported"] += 1
            return self.remember(paths, ImageRef(imported, alt, credit))
        why = "not in --media-dir" if self.media_dir else "no --media-dir given"
        if not paths:
            why = "not under wp-content/uploads"
        for path in paths:
            file = self.file_for(path)
            if file is None:
                continue
            if not readable_image(file):
                why = f"{path} is not an image Wagtail can read"
                break
            image_id = None if self.dry_run else self.import_file(path, file, attachment)
            self.summary.media["imported"] += 1
            return self.remember(paths, ImageRef(image_id, alt, credit))
        self.summary.missing_media.append((src, post.label, why))
        post.missing.append((src, attachment_id))
        return None

    def forget(self) -> None:
        """Drop what this run found: after a rollback, images it imported may be gone."""
        self.found.clear()

    def remember(self, paths: list[str], ref: ImageRef) -> ImageRef:
        for path in paths:
            self.found[path] = ref
        return ref

    def already_imported(self, paths: list[str]) -> int | None:
        records = self.records.many(Kind.MEDIA, paths)
        ids = [records[path].object_id for path in paths if path in records]
        existing = set(
            get_image_model().objects.filter(pk__in=ids).values_list("pk", flat=True) if ids else []
        )
        return next((pk for pk in ids if pk in existing), None)

    def available(self, missing: list[tuple[str, int | None]]) -> bool:
        """Whether any media a post missed last time can be found now."""
        for src, attachment_id in missing:
            paths = self.candidates(src, self.attachment_for(src, attachment_id))
            if self.already_imported(paths) or any(self.file_for(path) for path in paths):
                return True
        return False

    def import_file(self, path: str, file: Path, attachment: Attachment | None) -> int:
        image_model = get_image_model()
        with transaction.atomic(), file.open("rb") as handle:
            image = image_model(
                title=((attachment.title if attachment else "") or file.stem)[:255],
                description=(attachment.alt if attachment else "")[:255],
            )
            image.file = File(handle, name=file.name)
            image._set_image_file_metadata()
            image.save()
            self.records.save(Kind.MEDIA, path, image.pk, fingerprint="")
        return image.pk


def readable_image(file: Path) -> bool:
    if file.suffix.lower().lstrip(".") not in get_allowed_image_extensions():
        return False
    try:
        with file.open("rb") as handle:
            WillowImage.open(handle).get_size()
    except Exception:  # noqa: BLE001 - Willow raises many kinds of errors for bad files
        return False
    return True
