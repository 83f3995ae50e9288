"""The recipe of docs/installation.md's "Custom base page model", word for word."""

from django.db import models
from modelcluster.fields import ParentalKey
from taggit.models import TaggedItemBase
from wagtail.admin.panels import FieldPanel
from wagtail.models import AbstractPage

from cms_blog.models import BlogIndexPageMixin, BlogPostPageMixin


class BasePage(AbstractPage):
    """The site's own base page: every page of the site has a subtitle."""

    subtitle = models.CharField(max_length=255, blank=True)

    content_panels = [*AbstractPage.content_panels, FieldPanel("subtitle")]


class Journal(BlogIndexPageMixin, BasePage):
    pass


class Article(BlogPostPageMixin, BasePage):
    pass


class ArticleTag(TaggedItemBase):
    content_object = ParentalKey(Article, related_name="tagged_items", on_delete=models.CASCADE)
