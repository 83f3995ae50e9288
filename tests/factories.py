"""The test suite's one comment factory; posts and images come from conftest.py's fixtures."""

from wagtail.models import Page

from cms_blog.models import Comment


def make_comment(post: Page, *, status: str = Comment.Status.APPROVED, **fields) -> Comment:
    """A comment on ``post``, approved unless ``status`` says otherwise; ``fields`` override the
    author and body (``parent=`` makes it a reply)."""
    values = {"author_name": "Ann", "author_email": "ann@example.com", "body": "Hello", **fields}
    return Comment.objects.create(post=post, status=status, **values)
