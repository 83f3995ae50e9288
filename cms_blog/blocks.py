"""The blocks of a post's body.

Child names of ``BlogBodyBlock`` are public: they are stored in every post's JSON and exposed
through GraphQL, so renaming one needs a data migration. Each child is a ``BodyBlock``: it tells
the rest of the blog what its value holds (plain text, images, a cited source) and names its
GraphQL type, so that no other module switches on block type names. A site adds a block of its
own the same way (docs/content.md).
"""

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.html import strip_tags
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.images import get_image_model
from wagtail.images.blocks import ImageChooserBlock

from .video import Video, VideoURLError, parse_video_url

PREVIEW_TEMPLATE = "cms_blog/block_preview.html"


class BodyBlock:
    """What every child block of a post's body provides. ``graphql_type`` is the dotted path of
    its GraphQL object type (``manage.py check`` reports a body block without one)."""

    graphql_type: str = ""

    def plain_text(self, value: Any) -> str:
        """The words a reader reads, for the reading time."""
        return ""

    def image_ids(self, raw: Any) -> list[int]:
        """The ids of the images a stored (JSON) value shows, without loading anything."""
        if not isinstance(self, blocks.StructBlock) or not isinstance(raw, dict):
            return []
        return [
            raw[name]
            for name, child in self.child_blocks.items()
            if isinstance(child, ImageChooserBlock) and raw.get(name)
        ]

    def cited_source(self, value: Any) -> int | None:
        """The number of the post's source the value cites, if any."""
        return value.get("source") if isinstance(value, blocks.StructValue) else None


class PrefetchingImageChooserBlock(ImageChooserBlock):
    """Loads every image of a body, with all its renditions, in two queries."""

    def bulk_to_python(self, values):
        images = self.model_class.objects.prefetch_renditions().in_bulk(
            [value for value in values if value is not None]
        )
        return [images.get(value) for value in values]


class FigureValue(blocks.StructValue):
    @property
    def alt(self) -> str:
        """The figure's alt text, else the image's description (or title); empty if decorative."""
        if self.get("decorative"):
            return ""
        image = self.get("image")
        return self.get("alt_text") or (image.default_alt_text if image else "")


class FigureBlock(BodyBlock, blocks.StructBlock):
    """An image with caption, alt text, credit and an optional cited source."""

    graphql_type = "cms_blog.graphql.posts.blocks.FigureBlockType"

    image = PrefetchingImageChooserBlock(label=_("Image"))
    caption = blocks.CharBlock(required=False, label=_("Caption"))
    alt_text = blocks.CharBlock(
        required=False,
        label=_("Alt text"),
        help_text=_(
            "Describe the image for people who cannot see it. Defaults to the image's description."
        ),
    )
    decorative = blocks.BooleanBlock(
        required=False,
        label=_("Decorative"),
        help_text=_("Tick when the image adds nothing to the text: screen readers will skip it."),
    )
    credit = blocks.CharBlock(
        required=False, label=_("Credit"), help_text=_("e.g. Photo: Jane Doe / CC BY 4.0")
    )
    source = blocks.IntegerBlock(
        required=False,
        min_value=1,
        label=_("Source number"),
        help_text=_("Cites the post's source with this number."),
    )

    class Meta:
        icon = "image"
        label = _("Figure")
        template = "cms_blog/blocks/figure_block.html"
        description = _("An image with caption, credit and a cited source")
        value_class = FigureValue
        preview_template = PREVIEW_TEMPLATE

    def get_preview_value(self):
        # The block picker shows the figure with the library's newest image, if there is one.
        return self.normalize(
            {
                "image": get_image_model().objects.order_by("-created_at").first(),
                "caption": "Europe after the Congress of Vienna, 1815.",
                "credit": "Map: course team",
            }
        )


class VideoBlock(BodyBlock, blocks.StructBlock):
    """A YouTube or Vimeo video, embedded with the provider's privacy-enhanced player."""

    graphql_type = "cms_blog.graphql.posts.blocks.VideoBlockType"

    url = blocks.URLBlock(
        label=_("Video URL"),
        help_text=_("A YouTube or Vimeo link, e.g. https://youtu.be/dQw4w9WgXcQ"),
    )
    caption = blocks.CharBlock(required=False, label=_("Caption"))

    class Meta:
        icon = "media"
        label = _("Video")
        template = "cms_blog/blocks/video_block.html"
        description = _("A YouTube or Vimeo video in a privacy-enhanced player")
        preview_template = PREVIEW_TEMPLATE
        preview_value = {
            "url": "https://www.youtube.com/watch?v=aqz-KE-bpKQ",
            "caption": "Big Buck Bunny",
        }

    def clean(self, value):
        value = super().clean(value)
        try:
            parse_video_url(value["url"])
        except VideoURLError as error:
            raise blocks.StructBlockValidationError(
                block_errors={"url": ValidationError(str(error))}
            ) from None
        return value

    def video(self, value: blocks.StructValue) -> Video | None:
        """The parsed video; None for a URL saved before it was validated (imported JSON, a
        script): the block then shows nothing instead of failing the page or the API."""
        try:
            return parse_video_url(value.get("url") or "")
        except VideoURLError:
            return None

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context)
        context["video"] = self.video(value)
        return context


class QuoteBlock(BodyBlock, blocks.StructBlock):
    """A quotation with attribution and an optional cited source."""

    graphql_type = "cms_blog.graphql.posts.blocks.QuoteBlockType"

    text = blocks.TextBlock(label=_("Quotation"))
    attribution = blocks.CharBlock(required=False, label=_("Attribution"))
    source = blocks.IntegerBlock(
        required=False,
        min_value=1,
        label=_("Source number"),
        help_text=_("Cites the post's source with this number."),
    )

    class Meta:
        icon = "openquote"
        label = _("Quote")
        template = "cms_blog/blocks/quote_block.html"
        description = _("A quotation with attribution and a cited source")
        preview_template = PREVIEW_TEMPLATE
        preview_value = {
            "text": "History is a set of lies agreed upon.",
            "attribution": "attributed to Napoléon Bonaparte",
        }

    def plain_text(self, value: blocks.StructValue) -> str:
        return value.get("text") or ""


class BodyTextBlock(BodyBlock, blocks.RichTextBlock):
    """Rich text: paragraphs, headings, lists and links."""

    graphql_type = "cms_blog.graphql.posts.blocks.TextBlockType"

    def plain_text(self, value: Any) -> str:
        return strip_tags(value.source)


class BlogBodyBlock(blocks.StreamBlock):
    """The body of a post: text, figure, video and quote blocks in any order."""

    text = BodyTextBlock(
        # Wagtail's defaults minus "image" and "embed": pictures go in figure blocks (caption, alt,
        # credit, source) and videos in video blocks, and rich-text embeds would call oEmbed.
        features=["h2", "h3", "h4", "bold", "italic", "ol", "ul", "hr", "link", "document-link"],
        label=_("Text"),
        icon="pilcrow",
        description=_("Paragraphs, headings, lists and links"),
        preview_value="<p>The Congress of Vienna redrew the map of Europe in 1815.</p>",
        template="cms_blog/blocks/text_block.html",
        preview_template=PREVIEW_TEMPLATE,
    )
    figure = FigureBlock()
    video = VideoBlock()
    quote = QuoteBlock()
