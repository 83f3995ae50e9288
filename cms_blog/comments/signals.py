"""Signals of the comment system; connect receivers to react to reader discussion.

Both are sent after the database transaction commits, with ``sender=Comment``:

- ``comment_posted(comment, request)``: a reader submitted a comment that was stored (any status:
  approved, pending or spam).
- ``comment_approved(comment)``: a comment became public, at submission or by a moderator.
"""

from django.dispatch import Signal

comment_posted = Signal()
comment_approved = Signal()
