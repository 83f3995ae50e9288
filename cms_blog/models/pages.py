"""The blog's pages: an index and its posts, with tags and numbered sources.

Every field, panel and behaviour lives in the abstract mixins ``BlogIndexPageMixin`` and
``BlogPostPageMixin``, so that a site with its own base page model builds its pages from them
(``class Article(BlogPostPageMixin, BasePage)``); ``BlogIndexPage`` and ``BlogPostPage`` are the
swappable defaults (``swappable.py``). Code reaches the models in use through ``get_post_model()``
and ``get_index_model()``, never through the default classes.
"""

from django.db import models
from django.db.models import OuterRef, Q, Subquery
from django.db.models.functions import Left, Length
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.functional import cached_property
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey
from taggit.models import Tag, TaggedItemBase
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.blocks import StructValue
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField, StreamField
from wagtail.models import AbstractPage, Orderable, Page, PageManager, PageQuerySet, Site
from wagtail.models.pages import DefaultBasePageMixin
from wagtail.search import index

from ..blocks import BlogBodyBlock
from ..cache.http import CachedForReaders
from ..cache.tags import POSTS, TAGS, comments_tag, tags_for_posts
from ..citations import source_errors
from ..comments.discussion import discussion_for
from ..ids import parse_id
from ..listing import index_listing
from ..preview import HeadlessPreviewMixin
from ..richtext import site_rich_texts
from ..visibility import has_expired, publicly_readable
from . import swappable as names
from .swappable import get_post_model

# "id", not "pk": search backends sort only on indexed fields, and Page indexes "id".
NEWEST_FIRST = ("-date", "-id")
OLDEST_FIRST = ("date", "id")


class BlogPostQuerySet(PageQuerySet):
    """The one API for reading posts: which are visible, in which order, and their neighbours.
    Pages, the feed, search and GraphQL all read posts through it."""

    def visible(self, site: Site | None = None) -> "BlogPostQuerySet":
        """Posts anyone may read: live, public (no view restriction on them or an ancestor), not
        expired, and - when a site is given - under that site's root."""
        posts = publicly_readable(self)
        if site is not None:
            posts = posts.descendant_of(site.root_page, inclusive=True)
        return posts

    def newest_first(self) -> "BlogPostQuerySet":
        return self.order_by(*NEWEST_FIRST)

    def oldest_first(self) -> "BlogPostQuerySet":
        return self.order_by(*OLDEST_FIRST)

    def with_neighbour_ids(self, among: "BlogPostQuerySet") -> "BlogPostQuerySet":
        """Annotate ``previous_id`` (the next older) and ``next_id`` (the next newer) post of
        ``among`` under the same parent, by date then id: one query for any number of posts."""
        steplen = self.model.steplen
        siblings = among.filter(
            depth=OuterRef("depth"),
            path__startswith=Left(OuterRef("path"), Length(OuterRef("path")) - steplen),
        )
        older = Q(date__lt=OuterRef("date")) | Q(date=OuterRef("date"), pk__lt=OuterRef("pk"))
        newer = Q(date__gt=OuterRef("date")) | Q(date=OuterRef("date"), pk__gt=OuterRef("pk"))
        return self.annotate(
            previous_id=Subquery(siblings.filter(older).order_by("-date", "-pk").values("pk")[:1]),
            next_id=Subquery(siblings.filter(newer).order_by("date", "pk").values("pk")[:1]),
        )

    def neighbours(self, post_ids: list[int]) -> dict[int, tuple[models.Model | None, ...]]:
        """The previous and next post of each of ``post_ids`` among this queryset's posts (the
        visible ones, usually): two queries whatever the number of posts."""
        rows = (
            self.model.objects.filter(pk__in=post_ids)
            .with_neighbour_ids(self)
            .values_list("pk", "previous_id", "next_id")
        )
        ids = {pk: (previous_id, next_id) for pk, previous_id, next_id in rows}
        found = self.in_bulk({pk for pair in ids.values() for pk in pair if pk})
        return {pk: (found.get(prev), found.get(next_)) for pk, (prev, next_) in ids.items()}

    def tags(self) -> models.QuerySet:
        """The tags these posts carry, each annotated with ``post_count``: how many of them."""
        items = self.model.tags.through._meta.get_field("tag").related_query_name()
        # Filtering before annotating makes the count use the same join: these posts only.
        return Tag.objects.filter(**{f"{items}__content_object__in": self}).annotate(
            post_count=models.Count(items, distinct=True)
        )


BlogPostManager = PageManager.from_queryset(BlogPostQuerySet)


class ServedUntilExpiry:
    """Wagtail keeps serving a page past its expiry time until ``publish_scheduled`` runs; the
    blog's pages stop at once, like every other way of reaching them (previews excepted)."""

    def serve(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if has_expired(self) and not getattr(request, "is_preview", False):
            raise Http404
        return super().serve(request, *args, **kwargs)


class BlogIndexPageMixin(CachedForReaders, ServedUntilExpiry, RoutablePageMixin, models.Model):
    """The blog's home: a paginated, searchable list of its posts, with a tag filter and a feed."""

    intro = RichTextField(
        blank=True,
        features=["bold", "italic", "link"],
        help_text=_("Short text shown above the list of posts."),
    )
    # Named by dotted path: the model layer imports no feed, and a site may name its own.
    feed_class = "cms_blog.feeds.LatestPostsFeed"

    content_panels = [*AbstractPage.content_panels, FieldPanel("intro")]
    search_fields = [*AbstractPage.search_fields, index.SearchField("intro")]

    class Meta:
        abstract = True

    def get_template(self, request: HttpRequest, *args, **kwargs) -> list[str]:
        # Wagtail names a page's template after its own model (host/journal.html): a site that
        # builds its index from this mixin gets the blog's template unless it writes that one.
        return [super().get_template(request, *args, **kwargs), "cms_blog/blog_index_page.html"]

    def get_posts(self, tag: str | None = None) -> BlogPostQuerySet:
        """The index's visible posts, newest first, optionally those carrying a tag (by slug)."""
        posts = get_post_model().objects.visible().child_of(self)
        if tag:
            posts = posts.filter(tags__slug=tag)
        return posts.newest_first().prefetch_related("tags")

    def get_context(self, request: HttpRequest, *args, **kwargs) -> dict:
        context = super().get_context(request, *args, **kwargs)
        context.update(index_listing(self, request))
        return context

    def cache_tags(self, context: dict) -> set[str]:
        """Lists of posts and tags, and the posts this page of the list shows (the feed, which
        renders no template, shows the newest: ``posts`` covers it)."""
        shown = context["posts"].object_list if "posts" in context else []
        return {POSTS, TAGS, *tags_for_posts(shown)}

    @path("feed/", name="feed")
    def feed(self, request: HttpRequest) -> HttpResponse:
        """RSS 2.0 feed of the latest posts."""
        return import_string(self.feed_class)(self)(request)

    subpage_types = [names.POST]


class BlogPostSource(Orderable):
    """A numbered reference of a post; blocks cite it by its 1-based position."""

    page = ParentalKey(names.POST, related_name="sources", on_delete=models.CASCADE)
    citation = models.TextField(
        _("citation"), help_text=_("e.g. Eric Hobsbawm, The Age of Revolution (1962), p. 12.")
    )
    url = models.URLField(_("URL"), blank=True)

    panels = [FieldPanel("citation"), FieldPanel("url")]

    class Meta(Orderable.Meta):
        verbose_name = _("source")
        verbose_name_plural = _("sources")

    def __str__(self) -> str:
        return self.citation


class BlogPostPageForm(WagtailAdminPageForm):
    """Checks that every source a block cites exists in the sources being saved with it."""

    def clean(self):
        cleaned_data = super().clean()
        sources = self.formsets.get("sources")
        if sources is None or not cleaned_data.get("body"):
            return cleaned_data
        kept = [
            form
            for form in sources.forms
            if form.is_valid() and form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]
        errors = source_errors(cleaned_data["body"], len(kept))
        if errors:
            self.add_error("body", errors)
        return cleaned_data


class BlogPostPageMixin(CachedForReaders, ServedUntilExpiry, HeadlessPreviewMixin, models.Model):
    """One post: a body of blocks, numbered sources, tags, and a threaded discussion."""

    date = models.DateField(_("post date"), default=timezone.localdate)
    intro = models.TextField(
        _("intro"),
        blank=True,
        max_length=500,
        help_text=_("A plain-text summary for lists, feeds and the meta description."),
    )
    tags = ClusterTaggableManager(through=names.POST_TAG, blank=True)
    allow_comments = models.BooleanField(_("allow comments"), default=True)
    body = StreamField(BlogBodyBlock(), blank=True, verbose_name=_("body"))

    objects = BlogPostManager()

    base_form_class = BlogPostPageForm
    content_panels = [
        *AbstractPage.content_panels,
        MultiFieldPanel(
            [FieldRowPanel([FieldPanel("date"), FieldPanel("allow_comments")]), FieldPanel("tags")],
            heading=_("Post details"),
        ),
        FieldPanel("intro"),
        FieldPanel("body"),
        InlinePanel(
            "sources",
            heading=_("Sources"),
            label=_("Source"),
            help_text=_("Numbered 1, 2, 3… in this order; blocks cite them by number."),
        ),
    ]
    search_fields = [
        *AbstractPage.search_fields,
        index.SearchField("intro"),
        index.SearchField("body"),
        index.FilterField("date"),
        # visible() filters on it, so that public searches can leave expired posts out.
        index.FilterField("expire_at"),
    ]

    class Meta:
        abstract = True

    @cached_property
    def numbered_sources(self) -> dict[int, BlogPostSource]:
        """The post's sources keyed by their number (1..n), loaded once per page object."""
        return dict(enumerate(self.sources.all(), start=1))

    @property
    def first_figure_image_id(self) -> int | None:
        """The image id of the body's first figure, read from the stored JSON so that listing
        posts never converts (and queries) whole bodies."""
        stream_block = self.body.stream_block
        for child in self.body.raw_data:
            block = stream_block.child_blocks.get(child["type"])
            if block is not None and (ids := block.image_ids(child["value"])):
                return ids[0]
        return None

    @cached_property
    def tag_list(self) -> list[Tag]:
        """The post's tags, read once per page object (from the prefetch, when a list has one)."""
        return list(self.tags.all())

    @property
    def first_figure(self) -> StructValue | None:
        """The body's first figure with an image (one may have been deleted): the picture shared
        with links to the post."""
        figures = (block.value for block in self.body if block.block_type == "figure")
        return next((figure for figure in figures if figure["image"] is not None), None)

    def neighbours(self, site: Site | None) -> tuple[models.Model | None, ...]:
        """The previous (older) and next (newer) visible post of the same blog."""
        return type(self).objects.visible(site).neighbours([self.pk]).get(self.pk, (None, None))

    def get_template(self, request: HttpRequest, *args, **kwargs) -> list[str]:
        # As for the index: the site's own template (host/article.html) when it has one.
        return [super().get_template(request, *args, **kwargs), "cms_blog/blog_post_page.html"]

    def serve(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        response = super().serve(request, *args, **kwargs)
        discussion = getattr(response, "context_data", None) or {}
        if getattr(discussion.get("discussion"), "is_personal", False):
            # The comment section shows this browser's held comments or saved details.
            patch_cache_control(response, private=True)
            patch_vary_headers(response, ["Cookie"])
        return response

    def cache_tags(self, context: dict) -> set[str]:
        """The post, its discussion, and the posts it shows the titles of or links to: its
        neighbours, and the posts its text links to (a link to a hidden post is dropped)."""
        linked = [
            linked_id
            for model, pk, _path, _content_path in self.body.stream_block.extract_references(
                self.body
            )
            # "²" passes str.isdigit() but not int(): such a link is plain text, and tags nothing.
            if issubclass(model, Page) and (linked_id := parse_id(pk))
        ]
        neighbours = [context.get("previous_post"), context.get("next_post")]
        shown = [self, *linked, *(post for post in neighbours if post is not None)]
        return {comments_tag(self.pk), *tags_for_posts(shown)}

    def get_context(self, request: HttpRequest, *args, comment_form=None, **kwargs) -> dict:
        """The page's context, with its neighbours, its rendered rich text and its discussion
        (``comment_form``: the bound form of a refused comment, from the comment view)."""
        context = super().get_context(request, *args, **kwargs)
        # A new post previewed before its first save has no place among its siblings yet.
        if self.pk is not None:
            previous, next_ = self.neighbours(Site.find_for_request(request))
            context.update(previous_post=previous, next_post=next_)
        texts = [block.value.source for block in self.body if block.block_type == "text"]
        context["rich_text_html"] = dict(zip(texts, site_rich_texts(texts, request), strict=True))
        context["discussion"] = discussion_for(self, request, form=comment_form)
        return context

    parent_page_types = [names.INDEX]
    subpage_types: list[str] = []


# The defaults, defined only where they are in use: a site that names its own models in
# CMS_BLOG_INDEX_MODEL, CMS_BLOG_POST_MODEL and CMS_BLOG_POST_TAG_MODEL gets no unused tables, and
# no default page built on a base page model it has swapped out (WAGTAIL_PAGE_MODEL). The
# migrations that create them are skipped likewise (migrations/0001_initial.py).

if names.is_default("Index"):
    # Page provides __str__ (the title); ruff cannot see it through the mixins.
    class BlogIndexPage(BlogIndexPageMixin, Page):  # noqa: DJ008
        search_fields = [*BlogIndexPageMixin.search_fields, *DefaultBasePageMixin.search_fields]

        class Meta:
            verbose_name = _("blog index page")
            swappable = names.INDEX_SETTING


if names.is_default("Post"):

    class BlogPostPage(BlogPostPageMixin, Page):  # noqa: DJ008
        search_fields = [*BlogPostPageMixin.search_fields, *DefaultBasePageMixin.search_fields]

        class Meta:
            verbose_name = _("blog post")
            swappable = names.POST_SETTING


if names.is_default("Post_Tag"):

    class BlogPostTag(TaggedItemBase):
        content_object = ParentalKey(
            names.POST, related_name="tagged_items", on_delete=models.CASCADE
        )

        class Meta:
            swappable = names.POST_TAG_SETTING
