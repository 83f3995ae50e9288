"""The blog index page's list of posts: its filters (``?tag=``, the search box's ``?q=``), its
pages (``?page=``) and each post's thumbnail, in a constant number of queries."""

from typing import Any

from django.core.paginator import Page as DjangoPage
from django.core.paginator import Paginator
from django.db.models import prefetch_related_objects
from django.http import HttpRequest
from django.utils.http import urlencode
from wagtail.images import get_image_model
from wagtail.models import Page

from .conf import blog_settings
from .richtext import site_rich_texts
from .search import PostFilterForm, read_results, search_posts


def read_page(paginator: Paginator, number: str | None) -> DjangoPage:
    """The page of posts asked for (the nearest one if out of range), with their tags."""
    page = paginator.get_page(number)
    page.object_list = list(page.object_list)
    prefetch_related_objects(page.object_list, "tags")
    return page


def attach_thumbnails(posts: list[Page]) -> None:
    """Give each post a ``thumbnail``: the image of its first figure, loaded for all posts at
    once with their renditions (two queries whatever the number of posts)."""
    first_image_ids = {post.pk: post.first_figure_image_id for post in posts}
    images = (
        get_image_model()
        .objects.prefetch_renditions()
        .in_bulk([pk for pk in first_image_ids.values() if pk])
    )
    for post in posts:
        post.thumbnail = images.get(first_image_ids[post.pk])


def index_listing(index: Page, request: HttpRequest) -> dict[str, Any]:
    """The context of the index page's template: its intro, the page of posts asked for, and the
    filters that chose them."""
    filters = PostFilterForm(request.GET)
    filters.is_valid()  # a value that is not valid (a NUL, too many words) filters nothing out
    tag_slug, words = filters.cleaned_data.get("tag"), filters.cleaned_data.get("q")
    posts = index.get_posts(tag_slug)
    if filters.has_error("tag"):
        posts = posts.none()
    page_size = blog_settings.INDEX_PAGE_SIZE
    page_number = request.GET.get("page")
    if words:
        found = Paginator(search_posts(posts, words), page_size)
        nothing = Paginator([], page_size).get_page(1)
        page = read_results(lambda: read_page(found, page_number), nothing, words)
    else:
        page = read_page(Paginator(posts, page_size), page_number)
    attach_thumbnails(page.object_list)
    return {
        "intro_html": site_rich_texts([index.intro], request)[0] if index.intro else "",
        "posts": page,
        "filters": filters,
        # The filters the pagination links keep.
        "filter_query": urlencode(
            {name: value for name, value in filters.cleaned_data.items() if value}
        ),
        # A tag of visible posts only: the page must not tell that a tag exists on hidden ones.
        "tag": posts.tags().filter(slug=tag_slug).first() if tag_slug else None,
    }
