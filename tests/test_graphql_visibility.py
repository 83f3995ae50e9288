"""Only live, public posts of the request's site are ever visible, through every lookup."""

import datetime
from collections.abc import Callable

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone
from wagtail.models import PageViewRestriction, Site

from cms_blog.models import BlogIndexPage, BlogPostPage
from tests.graphql_support import data_of

TODAY = timezone.localdate()


def restrict(page, restriction_type: str) -> None:
    restriction = PageViewRestriction.objects.create(
        page=page, restriction_type=restriction_type, password="secret"
    )
    if restriction_type == PageViewRestriction.GROUPS:
        restriction.groups.add(Group.objects.create(name="Members"))


def draft(make_post, **fields) -> BlogPostPage:
    return make_post(live=False, **fields)


def login_only(make_post, **fields) -> BlogPostPage:
    post = make_post(**fields)
    restrict(post, PageViewRestriction.LOGIN)
    return post


def group_only(make_post, **fields) -> BlogPostPage:
    post = make_post(**fields)
    restrict(post, PageViewRestriction.GROUPS)
    return post


def password_only(make_post, **fields) -> BlogPostPage:
    post = make_post(**fields)
    restrict(post, PageViewRestriction.PASSWORD)
    return post


def under_private_index(make_post, **fields) -> BlogPostPage:
    blog = BlogPostPage.objects.first().get_parent()
    private_index = BlogIndexPage(title="Members", slug="members")
    blog.get_parent().add_child(instance=private_index)
    restrict(private_index, PageViewRestriction.LOGIN)
    return make_post(parent=private_index, **fields)


def scheduled(make_post, **fields) -> BlogPostPage:
    post = make_post(live=False, **fields)
    go_live = timezone.now() + datetime.timedelta(days=1)
    post.go_live_at = go_live
    post.save_revision(approved_go_live_at=go_live)
    return post


def expired(make_post, **fields) -> BlogPostPage:
    post = make_post(**fields)
    # Live still: the cron job that unpublishes expired pages has not run yet.
    BlogPostPage.objects.filter(pk=post.pk).update(
        expire_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    return post


def on_other_site(make_post, **fields) -> BlogPostPage:
    blog = BlogPostPage.objects.first().get_parent()
    other_root = blog.get_parent().get_parent().add_child(title="Other home", slug="other-home")
    Site.objects.create(hostname="other.example", root_page=other_root)
    other_index = BlogIndexPage(title="Other blog", slug="blog")
    other_root.add_child(instance=other_index)
    return make_post(parent=other_index, **fields)


HIDDEN_KINDS: dict[str, Callable[..., BlogPostPage]] = {
    "draft": draft,  # never published
    "login": login_only,  # private: readers must log in
    "groups": group_only,  # private: readers must be in a group
    "password": password_only,  # private: readers must know a password
    "inherited": under_private_index,  # private through its blog index
    "scheduled": scheduled,  # publication scheduled for tomorrow
    "expired": expired,  # expiry date passed, cron not run yet
    "other-site": on_other_site,  # live and public, but another site's post
}


@pytest.fixture(params=list(HIDDEN_KINDS))
def posts(request, make_post) -> dict[str, BlogPostPage]:
    """An older and a newer visible post around a hidden one, each with its own tag, the
    newer one linking to the hidden one."""
    older = make_post("Older", date=TODAY - datetime.timedelta(days=2), tags=["shared", "older"])
    hidden = HIDDEN_KINDS[request.param](
        make_post,
        title="Hidden",
        slug="hidden",
        date=TODAY - datetime.timedelta(days=1),
        tags=["shared", "hidden-only"],
    )
    newer = make_post(
        "Newer",
        date=TODAY,
        body=[("text", f'<p>See <a linktype="page" id="{hidden.pk}">the hidden post</a>.</p>')],
    )
    return {"older": older, "hidden": hidden, "newer": newer}


EVERY_LOOKUP = """
query ($id: ID, $path: String) {
  byId: post(id: $id) { id }
  bySlug: post(slug: "hidden") { id }
  byPath: post(urlPath: "/blog/hidden/") { id }
  byOwnPath: post(urlPath: $path) { id }
  posts {
    items { title previousPost { title } nextPost { title } body { ... on TextBlock { html } } }
    pagination { total }
  }
  tags { slug postCount }
}
"""


def test_hidden_post_is_invisible_through_every_lookup(client, posts, request):
    hidden = posts["hidden"]
    # The path the post has on its own site (the other site's path differs from /blog/hidden/).
    own_path = (hidden.get_url_parts() or (None, None, hidden.url_path))[2]
    data = data_of(client, EVERY_LOOKUP, {"id": str(hidden.pk), "path": own_path})

    assert data["byId"] is data["bySlug"] is data["byPath"] is data["byOwnPath"] is None
    assert data["posts"]["pagination"]["total"] == 2
    newer, older = data["posts"]["items"]
    assert (newer["title"], newer["previousPost"], newer["nextPost"]) == (
        "Newer",
        {"title": "Older"},
        None,
    )
    assert (older["title"], older["previousPost"], older["nextPost"]) == (
        "Older",
        None,
        {"title": "Newer"},
    )
    assert {tag["slug"]: tag["postCount"] for tag in data["tags"]} == {"older": 1, "shared": 1}
    link = newer["body"][0]["html"]
    if request.node.callspec.params["posts"] == "other-site":
        # Public on its own site: the link stays, to that site.
        assert link == '<p>See <a href="http://other.example/blog/hidden/">the hidden post</a>.</p>'
    else:
        assert link == "<p>See the hidden post.</p>"


def test_visible_post_is_found_every_way(client, make_post):
    post = make_post("Shown", tags=["shown"])
    for arguments in (f'id: "{post.pk}"', 'slug: "shown"', 'urlPath: "/blog/shown/"'):
        assert data_of(client, f"{{ post({arguments}) {{ title }} }}") == {
            "post": {"title": "Shown"}
        }


def test_other_site_sees_its_own_posts_only(client, settings, make_post):
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "other.example"]
    make_post("Main site post")
    on_other_site(make_post, title="Other site post", slug="other-post")
    data = data_of(client, "{ posts { items { title urlPath } } }", HTTP_HOST="other.example")
    assert data["posts"]["items"] == [{"title": "Other site post", "urlPath": "/blog/other-post/"}]


def test_newer_unpublished_revision_is_not_served(client, make_post):
    post = make_post("Published title", body=[("text", "<p>Published text</p>")], tags=["live"])
    post.title = "Draft title"
    post.slug = "draft-slug"
    post.body = [("text", "<p>Draft text</p>")]
    post.save_revision()

    query = f'{{ post(id: "{post.pk}") {{ title slug body {{ ... on TextBlock {{ html }} }} }} }}'
    assert data_of(client, query)["post"] == {
        "title": "Published title",
        "slug": "published-title",
        "body": [{"html": "<p>Published text</p>"}],
    }
    assert data_of(client, '{ post(slug: "draft-slug") { id } }') == {"post": None}
