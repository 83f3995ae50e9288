"""The blocks of a post's body.

Child names of ``BlogBodyBlock`` are public: they are stored in every post's JSON and exposed
through GraphQL, so renaming one needs a data migration."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.images import get_image_model
from wagtail.images.blocks import ImageChooserBlock

from .video import VideoURLError, parse_video_url

PREVIEW_TEMPLATE = "cms_blog/block_preview.html"


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


class FigureBlock(blocks.StructBlock):
    """An image with caption, alt text, credit and an optional cited source."""

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


class VideoBlock(blocks.StructBlock):
    """A YouTube or Vimeo video, embedded with the provider's privacy-enhanced player."""

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

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context)
        # None for a URL saved before it was validated (imported JSON, a script): the block then
        # renders nothing instead of failing the page.
        try:
            context["video"] = parse_video_url(value["url"])
        except VideoURLError:
            context["video"] = None
        return context


class QuoteBlock(blocks.StructBlock):
    """A quotation with attribution and an optional cited source."""

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


class BlogBodyBlock(blocks.StreamBlock):
    """The body of a ``BlogPostPage``: text, figure, video and quote blocks in any order."""

    text = blocks.RichTextBlock(
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
