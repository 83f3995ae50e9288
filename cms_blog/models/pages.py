"""The blog's pages: an index and its posts, with tags and numbered sources."""

from django.core.paginator import Page as DjangoPage
from django.core.paginator import Paginator
from django.db import models
from django.db.models import Q, prefetch_related_objects
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.http import urlencode
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey
from taggit.models import Tag, TaggedItemBase
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.blocks import StructValue
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField, StreamField
from wagtail.images import get_image_model
from wagtail.models import Orderable, Page, PageQuerySet, Site
from wagtail.search import index

from ..blocks import BlogBodyBlock
from ..citations import source_errors
from ..conf import blog_settings
from ..cookies import mark_personal
from ..feeds import LatestPostsFeed
from ..graphql.preview import HeadlessPreviewMixin
from ..richtext import render_rich_texts
from ..search import PostFilterForm, read_results, search_posts
from ..visibility import has_expired, publicly_readable


def visible_posts(site: Site | None = None) -> PageQuerySet:
    """Posts anyone may read: live, public (no view restriction on them or an ancestor), not
    expired, and - when a site is given - under that site's root. Every public path uses this."""
    posts = publicly_readable(BlogPostPage.objects.all())
    if site is not None:
        posts = posts.descendant_of(site.root_page, inclusive=True)
    return posts


def site_rich_texts(sources: list[str], request: HttpRequest) -> list[SafeString]:
    """Rich text as the blog's own pages show it: links resolved for all of it at once, links to
    pages the public cannot see left as plain text, page links on this Wagtail site."""
    rendered = render_rich_texts(
        sources,
        request,
        page_url=lambda page: page.get_url(request),
        document_url=lambda document: document.url,
    )
    return [mark_safe(html) for html in rendered]


class ServedUntilExpiry:
    """Wagtail keeps serving a page past its expiry time until ``publish_scheduled`` runs; the
    blog's pages stop at once, like every other way of reaching them (previews excepted)."""

    def serve(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if has_expired(self) and not getattr(request, "is_preview", False):
            raise Http404
        return super().serve(request, *args, **kwargs)


# "id", not "pk": search backends sort only on indexed fields, and Page indexes "id".
NEWEST_FIRST = ("-date", "-id")


def newest_first(posts: PageQuerySet) -> PageQuerySet:
    return posts.order_by(*NEWEST_FIRST)


def read_page(paginator: Paginator, number: str | None) -> DjangoPage:
    """The page of posts asked for (the nearest one if out of range), with their tags."""
    page = paginator.get_page(number)
    page.object_list = list(page.object_list)
    prefetch_related_objects(page.object_list, "tags")
    return page


def attach_thumbnails(posts: list["BlogPostPage"]) -> None:
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


class BlogIndexPage(ServedUntilExpiry, RoutablePageMixin, Page):
    intro = RichTextField(
        blank=True,
        features=["bold", "italic", "link"],
        help_text=_("Short text shown above the list of posts."),
    )

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    search_fields = [*Page.search_fields, index.SearchField("intro")]

    def get_posts(self, tag: str | None = None) -> PageQuerySet:
        posts = visible_posts().child_of(self)
        if tag:
            posts = posts.filter(tags__slug=tag)
        return newest_first(posts).prefetch_related("tags")

    def get_context(self, request: HttpRequest, *args, **kwargs) -> dict:
        context = super().get_context(request, *args, **kwargs)
        context["intro_html"] = site_rich_texts([self.intro], request)[0] if self.intro else ""
        filters = PostFilterForm(request.GET)
        filters.is_valid()  # a value that is not valid (a NUL, too many words) filters nothing out
        tag_slug, words = filters.cleaned_data.get("tag"), filters.cleaned_data.get("q")
        if filters.has_error("tag"):
            posts = BlogPostPage.objects.none()
        else:
            posts = self.get_posts(tag_slug)
        page_number = request.GET.get("page")
        if words:
            found = Paginator(search_posts(posts, words, NEWEST_FIRST), blog_settings.PAGE_SIZE)
            nothing = Paginator([], blog_settings.PAGE_SIZE).get_page(1)
            page = read_results(lambda: read_page(found, page_number), nothing, words)
        else:
            page = read_page(Paginator(posts, blog_settings.PAGE_SIZE), page_number)
        attach_thumbnails(page.object_list)
        context.update(
            posts=page,
            filters=filters,
            # The filters the pagination links keep.
            filter_query=urlencode(
                {name: value for name, value in filters.cleaned_data.items() if value}
            ),
            tag=Tag.objects.filter(slug=tag_slug).first() if tag_slug else None,
        )
        return context

    @path("feed/", name="feed")
    def feed(self, request: HttpRequest) -> HttpResponse:
        """RSS 2.0 feed of the latest posts."""
        return LatestPostsFeed(self)(request)

    subpage_types = ["cms_blog.BlogPostPage"]

    class Meta:
        verbose_name = _("blog index page")


class BlogPostTag(TaggedItemBase):
    content_object = ParentalKey(
        "cms_blog.BlogPostPage", related_name="tagged_items", on_delete=models.CASCADE
    )


class BlogPostSource(Orderable):
    """A numbered reference of a post; blocks cite it by its 1-based position."""

    page = ParentalKey("cms_blog.BlogPostPage", related_name="sources", on_delete=models.CASCADE)
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


class BlogPostPage(ServedUntilExpiry, HeadlessPreviewMixin, Page):
    date = models.DateField(_("post date"), default=timezone.localdate)
    intro = models.TextField(
        _("intro"),
        blank=True,
        max_length=500,
        help_text=_("A plain-text summary for lists, feeds and the meta description."),
    )
    tags = ClusterTaggableManager(through=BlogPostTag, blank=True)
    allow_comments = models.BooleanField(_("allow comments"), default=True)
    body = StreamField(BlogBodyBlock(), blank=True, verbose_name=_("body"))

    base_form_class = BlogPostPageForm
    content_panels = [
        *Page.content_panels,
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
        *Page.search_fields,
        index.SearchField("intro"),
        index.SearchField("body"),
        index.FilterField("date"),
        # visible_posts() filters on it, so that public searches can leave expired posts out.
        index.FilterField("expire_at"),
    ]

    @cached_property
    def numbered_sources(self) -> dict[int, BlogPostSource]:
        """The post's sources keyed by their number (1..n), loaded once per page object."""
        return dict(enumerate(self.sources.all(), start=1))

    @property
    def first_figure_image_id(self) -> int | None:
        # Read from the stored JSON so listing posts never converts (and queries) whole bodies.
        for child in self.body.raw_data:
            if child["type"] == "figure" and child["value"].get("image"):
                return child["value"]["image"]
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

    def siblings(self) -> PageQuerySet:
        return visible_posts().sibling_of(self, inclusive=False)

    def previous_post(self) -> "BlogPostPage | None":
        older = Q(date__lt=self.date) | Q(date=self.date, pk__lt=self.pk)
        return self.siblings().filter(older).order_by("-date", "-pk").first()

    def next_post(self) -> "BlogPostPage | None":
        newer = Q(date__gt=self.date) | Q(date=self.date, pk__gt=self.pk)
        return self.siblings().filter(newer).order_by("date", "pk").first()

    def serve(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        response = super().serve(request, *args, **kwargs)
        # The comment section shows this browser's held comments and saved details.
        mark_personal(request, response)
        return response

    def get_context(self, request: HttpRequest, *args, **kwargs) -> dict:
        context = super().get_context(request, *args, **kwargs)
        # A new post previewed before its first save has no place among its siblings yet.
        if self.pk is not None:
            context.update(previous_post=self.previous_post(), next_post=self.next_post())
        texts = [block.value.source for block in self.body if block.block_type == "text"]
        context["rich_text_html"] = dict(zip(texts, site_rich_texts(texts, request), strict=True))
        return context

    parent_page_types = ["cms_blog.BlogIndexPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("blog post")
