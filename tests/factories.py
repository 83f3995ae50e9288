"""The test suite's one comment factory; posts and images come from conftest.py's fixtures."""

from itertools import count

from wagtail.models import Page

from cms_blog.models import Comment

# The database stores the same words from the same email on a post once: bodies differ.
_numbers = count(1)


def make_comment(post: Page, *, status: str = Comment.Status.APPROVED, **fields) -> Comment:
    """A comment on ``post``, approved unless ``status`` says otherwise; ``fields`` override the
    author and body (``parent=`` makes it a reply)."""
    body = f"Comment {next(_numbers)}"
    values = {"author_name": "Ann", "author_email": "ann@example.com", "body": body, **fields}
    return Comment.objects.create(post=post, status=status, **values)
