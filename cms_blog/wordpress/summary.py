"""What an import did, counted as it goes and printed at the end."""

from collections import Counter
from dataclasses import dataclass, field

# Warnings shown in full at verbosity 2; at 1, the first of them and the count of the rest.
SHOWN_WARNINGS = 20


@dataclass
class ImportSummary:
    dry_run: bool = False
    posts: Counter = field(default_factory=Counter)  # by WordPress state
    post_actions: Counter = field(default_factory=Counter)  # created, updated, unchanged…
    comments: Counter = field(default_factory=Counter)  # by status
    comment_actions: Counter = field(default_factory=Counter)
    media: Counter = field(default_factory=Counter)  # imported, already imported
    missing_media: list[tuple[str, str, str]] = field(default_factory=list)  # url, post, why
    skipped: Counter = field(default_factory=Counter)  # by kind
    redirects: Counter = field(default_factory=Counter)
    sticky: list[str] = field(default_factory=list)
    unmatched_authors: Counter = field(default_factory=Counter)
    warnings: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def warn(self, post: str, message: str) -> None:
        self.warnings.append(f"{post}: {message}")

    def lines(self, verbosity: int = 1) -> list[str]:
        title = "Dry run: nothing was written. It would import:" if self.dry_run else "Imported:"
        lines = [title]
        lines.append(f"  Posts: {counts(self.posts)} ({counts(self.post_actions)})")
        lines.append(f"  Comments: {counts(self.comments)} ({counts(self.comment_actions)})")
        found = counts(self.media)
        lines.append(f"  Media: {found}; missing: {len(self.missing_media)}")
        lines.append(f"  Redirects: {counts(self.redirects)}")
        lines.append(f"  Skipped: {counts(self.skipped)}")
        if self.sticky:
            lines.append(f"  Sticky in WordPress (pin them by hand): {', '.join(self.sticky)}")
        if self.unmatched_authors:
            lines.append(
                "  Authors with no user of the same username or email (posts left without an "
                f"owner): {counts(self.unmatched_authors)}"
            )
        if self.missing_media:
            lines.append(
                "Missing media (copy wp-content/uploads into --media-dir and run again to add "
                "them):"
            )
            lines.extend(f"  {url} — {post}: {why}" for url, post, why in self.missing_media)
        if self.warnings:
            lines.append(f"Warnings ({len(self.warnings)}):")
            shown = self.warnings if verbosity > 1 else self.warnings[:SHOWN_WARNINGS]
            lines.extend(f"  {warning}" for warning in shown)
            if len(shown) < len(self.warnings):
                lines.append(f"  … and {len(self.warnings) - len(shown)} more (-v 2 shows all)")
        if self.errors:
            lines.append(f"Errors ({len(self.errors)}), nothing written for these posts:")
            lines.extend(f"  {error}" for error in self.errors)
        return lines


def counts(counter: Counter) -> str:
    shown = [f"{count} {name}" for name, count in sorted(counter.items()) if count]
    return ", ".join(shown) or "none"
