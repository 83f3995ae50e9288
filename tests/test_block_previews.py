"""Every body block has an icon, a description and a preview in the editor's block picker."""

import pytest

from cms_blog.models import BlogPostPage

BODY = BlogPostPage._meta.get_field("body").stream_block


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("text", "The Congress of Vienna redrew the map"),  # rich text preview value
        ("figure", "Europe after the Congress of Vienna"),  # figure with the newest library image
        ("video", "youtube-nocookie.com/embed/aqz-KE-bpKQ"),  # privacy-enhanced player
        ("quote", "<blockquote>"),  # quote with attribution
    ],
)
def test_block_picker_preview(admin_client, make_image, name, expected):
    make_image("Preview map")
    block = BODY.child_blocks[name]
    assert block.is_previewable
    assert block.meta.icon and block.get_description()

    response = admin_client.get("/admin/block-preview/", {"id": block.definition_prefix})

    assert response.status_code == 200
    html = response.content.decode()
    assert expected in html
    assert "cms_blog/cms_blog.css" in html
