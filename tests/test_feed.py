"""The RSS feed of a blog index lists only visible posts, newest first."""

from xml.etree import ElementTree


def test_feed_lists_live_posts_newest_first(client, blog_index, make_post):
    make_post("Older", date="2026-01-01", intro="First intro", tags=["maps"])
    make_post("Newer", date="2026-02-01")
    make_post("Draft", live=False)

    response = client.get(blog_index.url + "feed/")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/rss+xml")
    items = ElementTree.fromstring(response.content).findall("./channel/item")
    assert [item.findtext("title") for item in items] == ["Newer", "Older"]
    assert items[1].findtext("description") == "First intro"
    assert items[1].findtext("category") == "maps"


def test_index_and_post_pages_advertise_the_feed(client, blog_index, make_post):
    post = make_post("Linked")
    feed_url = f"{blog_index.url}feed/"
    link = f'<link rel="alternate" type="application/rss+xml" title="Blog" href="{feed_url}">'
    assert link in client.get(blog_index.url).content.decode()
    assert link in client.get(post.url).content.decode()
