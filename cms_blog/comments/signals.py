"""Signals of the comment system; connect receivers to react to reader discussion.

All are sent after the database transaction commits, with ``sender=Comment``:

- ``comment_posted(comment, request)``: a reader submitted a comment that was stored (any status:
  approved, pending or spam).
- ``comment_approved(comment)``: a comment became public, at submission or by a moderator.
- ``comment_removed(comment)``: a public comment left the public thread: marked as spam, moved to
  the trash or back to the queue, or deleted (then ``comment`` is a copy made before the
  deletion).
- ``discussion_changed(post_ids)``: the public discussion of these posts changed in any way:
  a comment approved, removed or edited while public, a commenter erased. The blog's cache
  invalidation listens to it.
"""

from django.dispatch import Signal

comment_posted = Signal()
comment_approved = Signal()
comment_removed = Signal()
discussion_changed = Signal()
