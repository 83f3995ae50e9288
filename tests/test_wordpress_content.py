"""WordPress content, classic editor and block editor alike, into the four body blocks, the intro
and the numbered sources (cms_blog/wordpress/content.py and markup.py)."""

import re

import pytest
from wagtail.admin.rich_text.converters.contentstate import ContentstateConverter

from cms_blog.wordpress import store
from cms_blog.wordpress.content import ImageRef, comment_body, convert_post
from cms_blog.wordpress.wxr import Attachment, Item

UPLOADS = "https://old.example.com/wp-content/uploads/2021/03"
ATTACHMENTS = {
    number: Attachment(
        number, f"{UPLOADS}/{name}", f"2021/03/{name}", name, f"Alt of {number}", f"Cap {number}",
        "", 0
    )
    for number, name in ((11, "map.jpg"), (12, "sea.jpg"))
}  # fmt: skip
YOUTUBE = "https://www.youtube.com/watch?v=aqz-KE-bpKQ"
VIMEO = "https://vimeo.com/76979871"


def resolve(src: str, attachment_id: int | None) -> ImageRef | None:
    """Files whose name starts with "gone" are missing; the others are image 7."""
    name = src.rsplit("/", 1)[-1]
    return None if name.startswith("gone") else ImageRef(7, f"alt of {attachment_id}", "")


def convert(content: str, **fields):
    item = Item(wp_id=1, post_type="post", status="publish", content=content, **fields)
    converter = ContentstateConverter(store.text_features())
    return convert_post(item, attachments=ATTACHMENTS, resolve_image=resolve, converter=converter)


def shape(body: list[dict]) -> list[tuple]:
    """Blocks as (type, value), text without Draftail's random block keys."""
    return [
        ("text", re.sub(r' data-block-key="\w+"', "", block["value"]))
        if block["type"] == "text"
        else (block["type"], block["value"])
        for block in body
    ]


def figure(caption="", alt="", credit="") -> tuple:
    return (
        "figure",
        {"image": 7, "caption": caption, "alt_text": alt, "decorative": False, "credit": credit,
         "source": None},
    )  # fmt: skip


def video(url: str, caption: str = "") -> tuple:
    return ("video", {"url": url, "caption": caption})


def quote(text: str, attribution: str) -> tuple:
    return ("quote", {"text": text, "attribution": attribution, "source": None})


GUTENBERG_IMAGE = (
    '<!-- wp:image {"id":11,"sizeSlug":"large"} -->\n<figure class="wp-block-image size-large">'
    f'<img src="{UPLOADS}/map-1024x768.jpg" alt="" class="wp-image-11"/>'
    '<figcaption class="wp-element-caption">Map caption</figcaption></figure>\n<!-- /wp:image -->'
)
GUTENBERG_GALLERY = (
    '<!-- wp:gallery {"linkTo":"none"} -->\n<figure class="wp-block-gallery has-nested-images">'
    '<!-- wp:image {"id":11} -->\n<figure class="wp-block-image">'
    f'<img src="{UPLOADS}/map.jpg" alt="" class="wp-image-11"/></figure>\n<!-- /wp:image -->\n'
    '<!-- wp:image {"id":12} -->\n<figure class="wp-block-image">'
    f'<img src="{UPLOADS}/sea.jpg" alt="The sea" class="wp-image-12"/></figure>\n'
    '<!-- /wp:image --><figcaption class="blocks-gallery-caption">Both</figcaption></figure>\n'
    "<!-- /wp:gallery -->"
)


def embed_block(url: str, provider: str) -> str:
    return (
        f'<!-- wp:embed {{"url":"{url}","type":"video","providerNameSlug":"{provider}"}} -->\n'
        f'<figure class="wp-block-embed is-type-video is-provider-{provider}">'
        f'<div class="wp-block-embed__wrapper">\n{url}\n</div>'
        '<figcaption class="wp-element-caption">Explainer</figcaption></figure>\n'
        "<!-- /wp:embed -->"
    )


@pytest.mark.parametrize(
    ("content", "blocks", "warnings"),
    [
        # classic: blank lines make paragraphs, single line breaks <br>; h1 and h5 fit h2..h4
        (
            "One\nline\n\nTwo <b>bold</b> <em>it</em> <a href='https://x.org'>link</a>\n\n"
            "<h1>Big</h1>\n<h5>Small</h5>\n<ul>\n<li>a</li>\n<li>b<ul><li>c</li></ul></li>\n</ul>",
            [
                (
                    "text",
                    '<p>One<br/>line</p><p>Two <b>bold</b> <i>it</i> <a href="https://x.org">'
                    "link</a></p><h2>Big</h2><h4>Small</h4><ul><li>a</li><li>b<ul><li>c</li>"
                    "</ul></li></ul>",
                )
            ],
            [],
        ),
        # [caption]: the image's original file, the caption, its alt text and a credit
        (
            '[caption id="attachment_11" width="300"]<a href="x"><img class="wp-image-11" '
            f'src="{UPLOADS}/map-300x200.jpg" alt="A map" /></a> Europe in 1815. '
            "Photo: Jane Doe[/caption]",
            [figure("Europe in 1815", "A map", "Photo: Jane Doe")],
            [],
        ),
        # a missing image stays a link to its old address (the summary lists it)
        (
            f'[caption id="attachment_99"]<img src="{UPLOADS}/gone.jpg" alt="Gone" /> Lost'
            "[/caption]",
            [("text", f'<p><a href="{UPLOADS}/gone.jpg">Image: Lost</a></p>')],
            [],
        ),
        # [embed], a bare URL on its line and an iframe: videos; another embed: a link
        (
            f"Before\n\n[embed]{YOUTUBE}[/embed]\n\n{VIMEO}\n\n"
            '<iframe src="https://www.youtube.com/embed/aqz-KE-bpKQ"></iframe>\n\n'
            "https://twitter.com/x/status/1",
            [
                ("text", "<p>Before</p>"),
                video(YOUTUBE),
                video(VIMEO),
                video("https://www.youtube.com/embed/aqz-KE-bpKQ"),
                (
                    "text",
                    '<p><a href="https://twitter.com/x/status/1">https://twitter.com/x/status/1'
                    "</a></p>",
                ),
            ],
            ["embed of https://twitter.com/x/status/1 has no block: kept as a link"],
        ),
        # [gallery]: a figure per image, with the attachments' captions and alt texts
        (
            '[gallery ids="11,12,13"]',
            [figure("Cap 11", "Alt of 11"), figure("Cap 12", "Alt of 12")],
            ["gallery image 13 is not in the export: left out"],
        ),
        # <blockquote> with <cite>
        (
            "<blockquote><p>To be</p><p>or not</p><cite>— Hamlet</cite></blockquote>",
            [quote("To be\n\nor not", "Hamlet")],
            [],
        ),
        # a table: one paragraph per row, reported
        (
            "<table><tr><th>A</th><th>B</th></tr><tr><td>1</td><td>2</td></tr></table>",
            [("text", "<p><b>A | B</b></p><p>1 | 2</p>")],
            ["a table was kept as text, one paragraph per row"],
        ),
        # code keeps its lines and indentation
        (
            "<pre><code>def f():\n    return 1</code></pre>",
            [("text", "<p>def f():<br/>\xa0\xa0\xa0\xa0return 1</p>")],
            ["a code block was kept as a plain paragraph"],
        ),
        # shortcodes no one knows stay as text, reported; [[x]] is a literal shortcode
        (
            'Write: [contact-form-7 id="1"] or show [[caption]]',
            [("text", '<p>Write: [contact-form-7 id="1"] or show [caption]</p>')],
            ["shortcode [contact-form-7] has no equivalent: kept as text"],
        ),
        # formatting the text block cannot hold: the text stays; scripts go; both reported
        (
            "H<sub>2</sub>O and <u>under</u> <script>alert(1)</script>",
            [("text", "<p>H2O and under</p>")],
            [
                "<script> element removed",
                "formatting the text block has no feature for was dropped: <sub>, <u>",
            ],
        ),
        # block editor: paragraph, heading, list, table and code in one text block
        (
            "<!-- wp:paragraph -->\n<p>Hello</p>\n<!-- /wp:paragraph -->\n"
            '<!-- wp:heading {"level":3} -->\n<h3 class="wp-block-heading">Sub</h3>\n'
            "<!-- /wp:heading -->\n<!-- wp:list -->\n<ul><!-- wp:list-item -->\n<li>x</li>\n"
            "<!-- /wp:list-item --></ul>\n<!-- /wp:list -->\n<!-- wp:table -->\n"
            '<figure class="wp-block-table"><table><tbody><tr><td>1</td><td>2</td></tr></tbody>'
            "</table></figure>\n<!-- /wp:table -->\n<!-- wp:code -->\n"
            '<pre class="wp-block-code"><code>x = 1</code></pre>\n<!-- /wp:code -->',
            [("text", "<p>Hello</p><h3>Sub</h3><ul><li>x</li></ul><p>1 | 2</p><p>x = 1</p>")],
            [
                "a table was kept as text, one paragraph per row",
                "a code block was kept as a plain paragraph",
            ],
        ),
        # wp:image (the library's alt text when the post has none) and wp:gallery
        (
            GUTENBERG_IMAGE + "\n" + GUTENBERG_GALLERY,
            [
                figure("Map caption", "alt of 11"),
                figure("", "alt of 11"),
                figure("", "The sea"),
                ("text", "<p>Both</p>"),
            ],
            [],
        ),
        # wp:embed, YouTube and Vimeo, with their captions
        (
            embed_block(YOUTUBE, "youtube") + embed_block(VIMEO, "vimeo"),
            [video(YOUTUBE, "Explainer"), video(VIMEO, "Explainer")],
            [],
        ),
        # wp:quote and wp:pullquote
        (
            '<!-- wp:quote -->\n<blockquote class="wp-block-quote"><!-- wp:paragraph -->\n'
            "<p>Q text</p>\n<!-- /wp:paragraph --><cite>Q author</cite></blockquote>\n"
            '<!-- /wp:quote -->\n<!-- wp:pullquote -->\n<figure class="wp-block-pullquote">'
            "<blockquote><p>Pull</p><cite>P author</cite></blockquote></figure>\n"
            "<!-- /wp:pullquote -->",
            [quote("Q text", "Q author"), quote("Pull", "P author")],
            [],
        ),
        # dynamic blocks have nothing to import; unknown ones are read from their HTML
        (
            '<!-- wp:latest-posts /-->\n<!-- wp:cover {"url":"x.jpg"} -->\n'
            '<div class="wp-block-cover"><p>Cover text</p></div>\n<!-- /wp:cover -->',
            [("text", "<p>Cover text</p>")],
            [
                "block wp:latest-posts is generated by WordPress, with no content to import",
                "block wp:cover was imported from its HTML: check it",
            ],
        ),
    ],
)
def test_content_maps_into_blocks(content, blocks, warnings):
    converted = convert(content)
    assert shape(converted.body) == blocks
    assert converted.warnings == warnings


FOOTNOTES_META = (
    '[{"content":"First <a href=\\"https://ex.org/1\\">source</a>","id":"f1"},'
    '{"content":"Second","id":"f2"}]'
)


@pytest.mark.parametrize(
    ("content", "meta", "text", "sources"),
    [
        # block editor footnotes (the footnotes post meta) become sources cited as (N)
        (
            '<!-- wp:paragraph -->\n<p>Claim<sup data-fn="f1" class="fn"><a href="#f1" '
            'id="f1-link">1</a></sup> and<sup data-fn="f2" class="fn"><a href="#f2">2</a></sup>.'
            "</p>\n<!-- /wp:paragraph -->\n<!-- wp:footnotes /-->",
            {"footnotes": FOOTNOTES_META},
            "<p>Claim(1) and(2).</p>",
            [("First source", "https://ex.org/1"), ("Second", "")],
        ),
        # (1), [2] and a superscript link to note 3, with a "Sources" list ending the post
        (
            'The Congress met (1) and redrew [2] the map<sup><a href="#fn3">3</a></sup>, 20 m'
            "<sup>2</sup>.\n\n<h3>Sources</h3>\n<ol>\n<li>Hobsbawm, "
            '<a href="https://example.org/age">The Age</a></li>\n<li>Zamoyski</li>\n'
            "<li>Third</li>\n</ol>",
            {},
            "<p>The Congress met (1) and redrew (2) the map(3), 20 m2.</p>",
            [("Hobsbawm, The Age", "https://example.org/age"), ("Zamoyski", ""), ("Third", "")],
        ),
        # numbered paragraphs under "Notes:"
        (
            "Said (1).\n\n<p><strong>Notes:</strong></p>\n\n1. A book\n\n2. An article",
            {},
            "<p>Said (1).</p>",
            [("A book", ""), ("An article", "")],
        ),
        # a footnotes section as Markdown plugins write it, backlinks dropped
        (
            'Text<sup id="fnref-1"><a href="#fn-1">1</a></sup>\n\n<div class="footnotes"><hr />'
            '<ol><li id="fn-1">A note&#160;<a href="#fnref-1">&#8617;</a></li></ol></div>',
            {},
            "<p>Text(1)</p>",
            [("A note", "")],
        ),
        # footnote shortcodes
        (
            'Claim[ref]Smith, 2001, <a href="https://example.org/s">online</a>[/ref] done.',
            {},
            "<p>Claim(1) done.</p>",
            [("Smith, 2001, online", "https://example.org/s")],
        ),
    ],
)
def test_footnotes_and_numbered_references_become_sources(content, meta, text, sources):
    converted = convert(content, meta=meta)
    assert shape(converted.body) == [("text", text)]
    assert converted.sources == sources


@pytest.mark.parametrize(
    ("content", "excerpt", "intro"),
    [
        # the teaser before <!--more--> (the body keeps it)
        ("Teaser <b>text</b>\n\n<!--more-->\n\nThe rest", "", "Teaser text"),
        # the block editor's wp:more
        (
            "<!-- wp:paragraph -->\n<p>First</p>\n<!-- /wp:paragraph -->\n<!-- wp:more -->\n"
            "<!--more-->\n<!-- /wp:more -->\n<!-- wp:paragraph -->\n<p>Then</p>\n"
            "<!-- /wp:paragraph -->",
            "",
            "First",
        ),
        # the excerpt wins
        ("Teaser\n\n<!--more-->\n\nrest", "<p>The <em>excerpt</em></p>", "The excerpt"),
        # no teaser, no excerpt: no intro
        ("Just text", "", ""),
        # at most 500 characters, cut at a word
        ("", "word " * 200, ("word " * 99).strip() + "…"),
    ],
)
def test_intro_from_more_or_excerpt(content, excerpt, intro):
    assert convert(content, excerpt=excerpt).intro == intro


def test_text_survives_the_more_tag_inside_a_paragraph():
    converted = convert("Teaser text <!--more--> rest of it")
    assert shape(converted.body) == [("text", "<p>Teaser text</p>"), ("text", "<p>rest of it</p>")]
    assert converted.intro == "Teaser text"


@pytest.mark.parametrize(
    ("content", "body"),
    [
        ("Plain\nlines\n\nand a paragraph", "Plain\nlines\n\nand a paragraph"),
        ("<p>One</p><p>Two<br>three</p>", "One\n\nTwo\nthree"),
        ('See <a href="https://x.org">this</a>, <b>bold</b>', "See this (https://x.org), bold"),
        ('<a href="https://x.org">https://x.org</a>', "https://x.org"),
        ("<blockquote>They said</blockquote>I disagree", "> They said\n\nI disagree"),
        ("Fish &amp; chips &lt;3", "Fish & chips <3"),
    ],
)
def test_comment_html_becomes_plain_text(content, body):
    assert comment_body(content) == body
