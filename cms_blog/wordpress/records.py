"""The importer's memory: which WordPress item became which object (``WordPressImportRecord``)."""

from collections.abc import Iterable

from ..models import WordPressImportRecord

Record = WordPressImportRecord
Kind = Record.Kind
# Upload paths longer than the column are keyed by their end, which is what tells files apart.
MAX_KEY = WordPressImportRecord._meta.get_field("wordpress_id").max_length


def key(wordpress_id: int | str) -> str:
    return str(wordpress_id)[-MAX_KEY:]


class Records:
    """The records of one WordPress site (ids are unique per site only)."""

    def __init__(self, site_url: str) -> None:
        self.site_url = site_url[:255]

    def _of(self, kind: str):
        return WordPressImportRecord.objects.filter(site_url=self.site_url, kind=kind)

    def get(self, kind: str, wordpress_id: int | str) -> Record | None:
        return self._of(kind).filter(wordpress_id=key(wordpress_id)).first()

    def many(
        self, kind: str, wordpress_ids: Iterable[int | str]
    ) -> dict[str, WordPressImportRecord]:
        keys = [key(wordpress_id) for wordpress_id in wordpress_ids]
        if not keys:
            return {}
        return {
            record.wordpress_id: record for record in self._of(kind).filter(wordpress_id__in=keys)
        }

    def save(
        self,
        kind: str,
        wordpress_id: int | str,
        object_id: int,
        fingerprint: str,
        details: dict | None = None,
        record: Record | None = None,
    ) -> None:
        """Remember an object made (or remade) of a WordPress item; ``record`` is the item's
        record when it has one already."""
        record = record or Record(site_url=self.site_url, kind=kind, wordpress_id=key(wordpress_id))
        record.object_id, record.fingerprint, record.details = object_id, fingerprint, details or {}
        record.save()

    def add_many(self, kind: str, rows: Iterable[tuple[int | str, int, str]]) -> None:
        """Records for objects created just now: (WordPress id, object id, fingerprint)."""
        WordPressImportRecord.objects.bulk_create(
            [
                WordPressImportRecord(
                    site_url=self.site_url,
                    kind=kind,
                    wordpress_id=key(wordpress_id),
                    object_id=object_id,
                    fingerprint=fingerprint,
                )
                for wordpress_id, object_id, fingerprint in rows
            ]
        )

    def refresh(self, records: Iterable[tuple[WordPressImportRecord, int, str]]) -> None:
        """Point records at (re-)created objects or new fingerprints."""
        changed = []
        for record, object_id, fingerprint in records:
            record.object_id, record.fingerprint = object_id, fingerprint
            changed.append(record)
        WordPressImportRecord.objects.bulk_update(
            changed, ["object_id", "fingerprint", "updated_at"], batch_size=500
        )
