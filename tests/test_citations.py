"""Inline "(N)" citations in rich text become links to the post's numbered sources."""

import pytest

from cms_blog.citations import link_citations


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        # a known source number becomes a link
        (
            "<p>as agreed (1).</p>",
            '<p>as agreed <a class="cms-blog-cite" href="#source-1">(1)</a>.</p>',
        ),
        # an unknown number is left as text
        ("<p>see (7)</p>", "<p>see (7)</p>"),
        # text inside an existing link is never rewrapped
        ('<p><a href="/x">(1)</a></p>', '<p><a href="/x">(1)</a></p>'),
        # attributes are never touched
        ('<p title="(1)">x</p>', '<p title="(1)">x</p>'),
        # years in brackets are not citations unless they are a source number
        ("<p>(1815)</p>", "<p>(1815)</p>"),
    ],
)
def test_link_citations(html, expected):
    assert link_citations(html, {1, 2}) == expected


def test_text_block_links_citations_on_the_post_page(client, make_post):
    post = make_post(
        "Cited", body=[("text", "<p>The federal act (1) and (2).</p>")], sources=["Final Act"]
    )
    html = client.get(post.url).content.decode()
    assert '<a class="cms-blog-cite" href="#source-1">(1)</a> and (2).' in html
    assert '<li id="source-1" value="1">Final Act</li>' in html
