"""RSS feed of a blog index's latest posts, served at ``<index url>feed/``."""

import datetime

from django.contrib.syndication.views import Feed
from django.http import HttpRequest
from django.utils.feedgenerator import Rss201rev2Feed

from .base_url import absolute_url, page_path_and_url

FEED_SIZE = 20


class LatestPostsFeed(Feed):
    feed_type = Rss201rev2Feed

    def __init__(self, index) -> None:
        super().__init__()
        self.index = index

    def get_object(self, request: HttpRequest, *args, **kwargs):
        self.request = request
        return self.index

    def title(self, index) -> str:
        return index.title

    # Absolute links, so that Django does not prefix them with the request's host.
    def link(self, index) -> str:
        return page_path_and_url(index, self.request)[1]

    def feed_url(self, index) -> str:
        return absolute_url(self.request.path, self.request)

    def description(self, index) -> str:
        # A site's own base page model may have no search_description (Wagtail's AbstractPage).
        return getattr(index, "search_description", "") or index.title

    def items(self, index):
        return index.get_posts()[:FEED_SIZE]

    def item_title(self, post) -> str:
        return post.title

    def item_description(self, post) -> str:
        return post.intro or getattr(post, "search_description", "")

    def item_link(self, post) -> str:
        return page_path_and_url(post, self.request)[1]

    def item_pubdate(self, post) -> datetime.datetime:
        return datetime.datetime.combine(post.date, datetime.time(), tzinfo=datetime.UTC)

    def item_updateddate(self, post) -> datetime.datetime | None:
        return post.last_published_at

    def item_categories(self, post) -> list[str]:
        return [tag.name for tag in post.tag_list]
