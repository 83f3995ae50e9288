"""Searching posts with words typed by the public, in the blog index's search box
(``PostFilterForm``) and GraphQL's ``posts(search:)``: any text is safe to pass.

Wagtail's SQLite backend quotes each word in an FTS5 query that a double quote or a NUL breaks,
PostgreSQL refuses NUL, and both build a query nested one level per word; so the words are cleaned
and counted first, and a query the backend refuses all the same finds nothing (logged) instead
of failing the request.
"""

import logging
import unicodedata
from collections.abc import Callable
from typing import TypeVar

from django import forms
from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.models import PageQuerySet
from wagtail.search.backends.base import BaseSearchResults

from .validators import validate_decodable

logger = logging.getLogger("cms_blog.search")

# Both database backends fail past a few hundred words.
MAX_SEARCH_WORDS = 32

Result = TypeVar("Result")


class TooManyWords(ValueError):
    def __init__(self) -> None:
        super().__init__(_("Search for %(max)s words at most.") % {"max": MAX_SEARCH_WORDS})


def search_words(text: str) -> str:
    """The words of a search as the backends can take them: characters that are not text
    (control, format, surrogate, private-use or unassigned code points) and double quotes become
    spaces, and words without a letter or digit are left out. Raises ``TooManyWords`` past
    ``MAX_SEARCH_WORDS``."""
    cleaned = "".join(
        " " if char == '"' or unicodedata.category(char).startswith("C") else char for char in text
    )
    # A "word" of punctuation alone (a dash, an ellipsis) has nothing to index, and SQLite's
    # backend would then match no post at all.
    words = [word for word in cleaned.split() if any(char.isalnum() for char in word)]
    if len(words) > MAX_SEARCH_WORDS:
        raise TooManyWords
    return " ".join(words)


def search_posts(posts: PageQuerySet, words: str) -> BaseSearchResults:
    """The posts matching every word, in the order of ``posts`` (which must order by fields the
    search index sorts on, such as ``date`` and ``id``)."""
    # Search backends filter only on indexed fields; which posts are visible is applied by id.
    return (
        posts.model.objects.filter(pk__in=posts.values("pk"))
        .order_by(*posts.query.order_by)
        .search(words, order_by_relevance=False)
    )


def read_results(read: Callable[[], Result], nothing: Result, words: str) -> Result:
    """``read()`` the results, or ``nothing`` if the search backend refuses the query. In a
    savepoint, so that a refused query leaves the request's transaction usable."""
    try:
        with transaction.atomic():
            return read()
    except DatabaseError:
        logger.warning("The search backend refused the search %r.", words, exc_info=True)
        return nothing


class PostFilterForm(forms.Form):
    """The blog index's filters, from its query string: ``?tag=`` and the search box's ``?q=``."""

    tag = forms.SlugField(required=False, allow_unicode=True)
    q = forms.CharField(
        required=False,
        max_length=200,
        validators=[validate_decodable],
        label=gettext_lazy("Search posts"),
        widget=forms.TextInput(attrs={"type": "search"}),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, label_suffix="", **kwargs)

    def clean_q(self) -> str:
        try:
            return search_words(self.cleaned_data["q"])
        except TooManyWords as error:
            raise ValidationError(str(error), code="too_many_words") from None
