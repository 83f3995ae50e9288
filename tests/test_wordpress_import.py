"""``manage.py import_wordpress``: posts with their states, media, idempotence, updates from a
newer export, --dry-run, refused files and redirects (the comments: test_wordpress_comments.py)."""

import datetime
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError
from PIL import Image as PILImage
from taggit.models import Tag
from wagtail.contrib.redirects.models import Redirect
from wagtail.images import get_image_model
from wagtail.models import Page, PageViewRestriction, Revision

from cms_blog.models import BlogPostPage, Comment, WordPressImportRecord
from cms_blog.wordpress import importer
from tests.wordpress_export import SITE, Author, WPComment, WPItem, attachment, export, run_import

pytestmark = pytest.mark.django_db
UPLOADS = f"{SITE}/wp-content/uploads"


def post(slug: str) -> BlogPostPage:
    return BlogPostPage.objects.get(slug=slug)


def write_jpeg(folder: Path, path: str) -> None:
    file = folder / path
    file.parent.mkdir(parents=True, exist_ok=True)
    PILImage.new("RGB", (40, 30), (200, 20, 20)).save(file, "JPEG")


def snapshot() -> dict:
    """Everything an import writes, to compare before and after a run."""
    return {
        "pages": list(Page.objects.order_by("pk").values()),
        "revisions": Revision.objects.count(),
        "comments": list(Comment.objects.order_by("pk").values()),
        "images": list(get_image_model().objects.order_by("pk").values("pk", "file")),
        "redirects": list(Redirect.objects.order_by("pk").values()),
        "records": list(WordPressImportRecord.objects.order_by("pk").values()),
        "restrictions": list(PageViewRestriction.objects.order_by("pk").values()),
        "tags": Tag.objects.count(),
    }


@pytest.mark.parametrize(
    ("status", "password", "live", "visible", "restriction"),
    [
        ("publish", "", True, True, None),  # live
        ("draft", "", False, False, None),  # saved, never published
        ("pending", "", False, False, None),  # saved, never published
        ("private", "", True, False, PageViewRestriction.LOGIN),  # login-restricted
        ("publish", "s3cret", True, False, PageViewRestriction.PASSWORD),  # password view
    ],
)
def test_post_states(blog_index, tmp_path, status, password, live, visible, restriction):
    run_import(tmp_path, [WPItem("State", "Body", status=status, password=password)], blog_index.pk)
    page = post("state")
    assert page.live is live
    assert (page.first_published_at is not None) is live
    assert BlogPostPage.objects.visible().filter(pk=page.pk).exists() is visible
    restrictions = PageViewRestriction.objects.filter(page=page)
    assert [r.restriction_type for r in restrictions] == ([restriction] if restriction else [])
    if password:
        assert restrictions.get().password == password


def test_future_post_is_scheduled(blog_index, tmp_path):
    run_import(
        tmp_path,
        [WPItem("Later", "Soon", status="future", date="2099-05-01 08:30:00")],
        blog_index.pk,
    )
    page = post("later")
    expected = datetime.datetime(2099, 5, 1, 8, 30, tzinfo=datetime.UTC)
    assert not page.live
    assert page.go_live_at == expected
    assert page.latest_revision.approved_go_live_at == expected


def test_post_fields_dates_slugs_authors_tags(blog_index, tmp_path):
    user = get_user_model().objects.create_user("jane", "jane@example.com")
    by_email = get_user_model().objects.create_user("wp-bob", "Bob@Example.com")
    items = [
        WPItem(
            "Fish &amp; chips",
            "Text",
            slug="%d1%80%d1%8b%d0%b1%d0%b0",
            author="jane",
            date="2019-12-31 23:30:00",
            date_gmt="2020-01-01 04:30:00",
            categories=["Uncategorized", "Food"],
            tags=["Chips", "food"],
            comment_status="closed",
            sticky=True,
        ),
        WPItem("By Bob", "Text", author="bob"),
        WPItem("By nobody", "Text", author="ghost"),
        WPItem("Same slug", "Text", slug="fish"),
        WPItem("Same slug again", "Text", slug="fish"),
    ]
    authors = [
        Author("jane", "jane@old.example.com"),
        Author("bob", "bob@example.com"),
        Author("ghost", "ghost@example.com"),
    ]
    output = run_import(tmp_path, items, blog_index.pk, authors=authors)

    page = post("рыба")
    assert page.title == "Fish & chips"
    assert page.date == datetime.date(2019, 12, 31)  # the author's own day
    assert page.first_published_at == datetime.datetime(2020, 1, 1, 4, 30, tzinfo=datetime.UTC)
    assert page.owner == user
    assert sorted(page.tags.names()) == ["Chips", "Food"]
    assert page.allow_comments is False
    assert post("by-bob").owner == by_email
    assert post("by-nobody").owner is None
    record = WordPressImportRecord.objects.get(kind="post", object_id=post("by-nobody").pk)
    assert record.details["author"] == "ghost"
    assert {post("fish").title, post("fish-2").title} == {"Same slug", "Same slug again"}
    assert "Sticky in WordPress (pin them by hand): post" in output and "Fish & chips" in output
    assert "1 ghost" in output


def test_other_items_are_skipped_and_counted(blog_index, tmp_path):
    items = [
        WPItem("A post", "Text"),
        WPItem("About", "A page", type="page"),
        WPItem("Menu", type="nav_menu_item"),
        WPItem("Home", type="nav_menu_item"),
        WPItem("Product", type="product"),
        WPItem("Rev", type="revision", status="inherit"),
        WPItem("Binned", "x", status="trash"),
        WPItem("Unsaved", "x", status="auto-draft"),
        attachment("2021/03/a.jpg"),
    ]
    output = run_import(tmp_path, items, blog_index.pk)
    assert BlogPostPage.objects.get().title == "A post"
    assert (
        "Skipped: 2 nav_menu_item, 1 page, 1 post (auto-draft), 1 post (trash), 1 product, "
        "1 revision" in output
    )


@pytest.mark.parametrize("namespace", ["http", "https"])
def test_both_export_namespaces(blog_index, tmp_path, namespace):
    item = WPItem("Namespaced", "Body", excerpt="Short", comments=[WPComment("Hi")])
    run_import(tmp_path, [item], blog_index.pk, namespace=namespace)
    page = post("namespaced")
    assert page.intro == "Short"
    assert page.comments.get().body == "Hi"


def test_into_accepts_an_id_or_a_url_path(blog_index, tmp_path):
    run_import(tmp_path, [WPItem("By path", "x")], "/blog/")
    assert post("by-path").get_parent().pk == blog_index.pk
    with pytest.raises(CommandError, match="No blog index"):
        run_import(tmp_path, [WPItem("Nowhere", "x")], "/no-such-blog/")


def test_body_intro_and_sources_are_saved_with_the_post(blog_index, tmp_path):
    content = (
        '<!-- wp:paragraph -->\n<p>Vienna, 1815<sup data-fn="n1" class="fn">'
        '<a href="#n1">1</a></sup>.</p>\n<!-- /wp:paragraph -->\n'
        "<!-- wp:more -->\n<!--more-->\n<!-- /wp:more -->\n"
        '<!-- wp:embed {"url":"https://youtu.be/aqz-KE-bpKQ","providerNameSlug":"youtube"} /-->\n'
        '<!-- wp:quote -->\n<blockquote class="wp-block-quote"><p>Words</p><cite>Talleyrand</cite>'
        "</blockquote>\n<!-- /wp:quote -->\n<!-- wp:footnotes /-->"
    )
    meta = {
        "footnotes": '[{"id":"n1","content":"Final Act, <a href=\\"https://ex.org/act\\">text</a>"}]'
    }
    run_import(tmp_path, [WPItem("Congress", content, meta=meta)], blog_index.pk)
    page = post("congress")
    assert [block.block_type for block in page.body] == ["text", "video", "quote"]
    assert "Vienna, 1815(1)." in page.body[0].value.source
    assert page.intro == "Vienna, 1815(1)."
    assert [(s.citation, s.url) for s in page.sources.all()] == [
        ("Final Act, text", "https://ex.org/act")
    ]
    assert page.body[2].value["attribution"] == "Talleyrand"


# -- media ---------------------------------------------------------------------------------


def image_post(slug: str, path: str, attachment_id: int) -> WPItem:
    return WPItem(
        slug.title(),
        f'[caption id="attachment_{attachment_id}"]<img class="wp-image-{attachment_id}" '
        f'src="{UPLOADS}/{path.replace(".jpg", "-300x200.jpg")}" alt="" /> A caption[/caption]',
        slug=slug,
    )


def test_media_from_the_uploads_copy_missing_reported_and_filled_in_later(blog_index, tmp_path):
    media = tmp_path / "uploads"
    write_jpeg(media, "2021/03/map.jpg")
    items = [
        attachment("2021/03/map.jpg", alt="Old map", title="Map of 1815", credit="Jane Doe"),
        attachment("2021/03/sea.jpg", alt="The sea"),
    ]
    items += [
        image_post("one", "2021/03/map.jpg", items[0].id),
        image_post("two", "2021/03/map.jpg", items[0].id),
        image_post("three", "2021/03/sea.jpg", items[1].id),
    ]
    output = run_import(tmp_path, items, blog_index.pk, "--media-dir", str(media))

    (image,) = get_image_model().objects.all()  # one image for the two posts showing it
    assert (image.title, image.description, image.width) == ("Map of 1815", "Old map", 40)
    for slug in ("one", "two"):
        (block,) = post(slug).body
        assert block.block_type == "figure"
        assert block.value["image"] == image
        assert (block.value["caption"], block.value["credit"]) == ("A caption", "Jane Doe")
        assert block.value.alt == "Old map"  # the library's description
    (missing,) = post("three").body
    assert missing.block_type == "text"
    assert f"{UPLOADS}/2021/03/sea-300x200.jpg" in missing.value.source
    assert (
        f"{UPLOADS}/2021/03/sea-300x200.jpg — post {items[4].id} “Three”: not in --media-dir"
        in output
    )
    assert "Media: 1 imported; missing: 1" in output

    # The next run, with the file copied, makes the figure; the rest is left alone.
    write_jpeg(media, "2021/03/sea.jpg")
    output = run_import(tmp_path, items, blog_index.pk, "--media-dir", str(media))
    (figure,) = post("three").body
    assert figure.block_type == "figure" and figure.value.alt == "The sea"
    assert get_image_model().objects.count() == 2
    assert "Posts: 3 publish (2 unchanged, 1 updated)" in output
    assert "missing: 0" in output


def test_media_never_read_outside_the_uploads_copy(blog_index, tmp_path):
    media = tmp_path / "uploads"
    media.mkdir()
    write_jpeg(tmp_path, "secret.jpg")
    item = WPItem("Sneaky", f'<img src="{UPLOADS}/../../secret.jpg" alt="x">')
    run_import(tmp_path, [item], blog_index.pk, "--media-dir", str(media))
    assert get_image_model().objects.count() == 0
    assert post("sneaky").body[0].block_type == "text"


# -- running again --------------------------------------------------------------------------


def blog(comment_status: str = "0", title: str = "Second", extra: list | None = None):
    first = WPComment("First!", id=600, approved="1")
    items = [
        WPItem("First", "One <b>two</b>", id=501, comments=[first], tags=["a"]),
        WPItem(
            title,
            "Three",
            id=502,
            slug="second",
            comments=[WPComment("Held", id=601, approved=comment_status)],
        ),
    ]
    return items + (extra or [])


def test_running_the_same_export_again_changes_nothing(blog_index, tmp_path):
    run_import(tmp_path, blog(), blog_index.pk)
    before = snapshot()
    output = run_import(tmp_path, blog(), blog_index.pk)
    assert snapshot() == before
    assert "Posts: 2 publish (2 unchanged)" in output
    assert "Comments: 1 approved, 1 pending (2 unchanged)" in output


def test_a_newer_export_updates_what_changed_and_adds_what_is_new(blog_index, tmp_path):
    run_import(tmp_path, blog(), blog_index.pk)
    first_revision = post("first").latest_revision_id
    newer = blog(
        comment_status="1",
        title="Second, revised",
        extra=[WPItem("Third", "New", comments=[WPComment("Also new")])],
    )
    newer[1].comments.append(WPComment("A reply", parent=601))
    output = run_import(tmp_path, newer, blog_index.pk)

    assert post("first").latest_revision_id == first_revision  # unchanged, untouched
    assert post("second").title == "Second, revised"
    assert post("second").live
    held = Comment.objects.get(body="Held")
    assert held.status == Comment.Status.APPROVED and held.approved_at is not None
    assert Comment.objects.get(body="A reply").parent == held
    assert post("third").comments.get().body == "Also new"
    assert "Posts: 3 publish (1 created, 1 unchanged, 1 updated)" in output
    assert "(2 created, 1 unchanged, 1 updated)" in output
    assert BlogPostPage.objects.count() == 3


def test_a_post_edited_in_wagtail_is_not_overwritten(blog_index, tmp_path):
    run_import(tmp_path, blog(), blog_index.pk)
    page = post("second")
    page.title = "Edited by an editor"
    page.save_revision().publish()
    output = run_import(tmp_path, blog(title="Changed in WordPress"), blog_index.pk)
    assert post("second").title == "Edited by an editor"
    assert "kept as edited in Wagtail" in output
    assert "the Wagtail version is kept" in output


def test_deleted_objects_are_imported_again(blog_index, tmp_path):
    run_import(tmp_path, blog(), blog_index.pk)
    post("second").delete()
    Comment.objects.filter(body="First!").delete()
    run_import(tmp_path, blog(), blog_index.pk)
    assert post("second").comments.get().body == "Held"
    assert Comment.objects.filter(body="First!").count() == 1
    assert WordPressImportRecord.objects.filter(kind="comment").count() == 2


def test_dry_run_writes_nothing(blog_index, tmp_path, settings):
    media = tmp_path / "uploads"
    write_jpeg(media, "2021/03/map.jpg")
    items = blog(extra=[image_post("pictured", "2021/03/map.jpg", 9)])
    before = snapshot()
    output = run_import(tmp_path, items, blog_index.pk, "--dry-run", "--media-dir", str(media))
    assert snapshot() == before
    assert not Path(settings.MEDIA_ROOT).exists() or not any(Path(settings.MEDIA_ROOT).rglob("*.*"))
    assert output.startswith("Dry run: nothing was written. It would import:")
    assert "Posts: 3 publish (3 created)" in output
    assert "Comments: 1 approved, 1 pending (2 created)" in output
    assert "Media: 1 imported" in output
    assert "Redirects: 6 to make" in output


# -- refused files --------------------------------------------------------------------------

GOOD = export([WPItem("Kept out", "x", comments=[WPComment("Hi")])])
BOMB = (
    '<?xml version="1.0"?>\n<!DOCTYPE rss [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>'
    "<rss><channel><title>&b;</title></channel></rss>"
)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        # cut off in the middle: the posts before the cut are not imported either
        (GOOD[: len(GOOD) * 2 // 3], "is not well-formed XML .*truncated export is refused"),
        (GOOD.replace("</item>", "</itm>", 1), "mismatched tag"),
        ("", "no element found"),
        (BOMB, "declares XML entities"),
        (
            '<?xml version="1.0"?><rss version="2.0"><channel><title>A feed</title>'
            "<item><title>x</title></item></channel></rss>",
            "is an RSS feed, not a WordPress export",
        ),
        ('<?xml version="1.0"?><html><body/></html>', "not an RSS file"),
        (GOOD.replace("<wp:post_id>", "<wp:post_id>x", 1), "A post id is not a number"),
    ],
)
def test_a_damaged_export_is_refused_and_nothing_written(blog_index, tmp_path, text, message):
    before = snapshot()
    with pytest.raises(CommandError, match=message) as error:
        run_import(tmp_path, text, blog_index.pk)
    assert "Nothing was imported." in str(error.value)
    assert snapshot() == before


# -- redirects ------------------------------------------------------------------------------


def test_old_permalinks_and_shortlinks_redirect_to_the_new_posts(blog_index, tmp_path, client):
    item = WPItem("Moved", "x", link=f"{SITE}/2021/03/moved/")
    draft = WPItem("Unfinished", "x", status="draft")
    output = run_import(tmp_path, [item, draft], blog_index.pk)
    new_url = post("moved").url
    response = client.get("/2021/03/moved/")
    assert (response.status_code, response["Location"]) == (301, new_url)
    response = client.get(f"/?p={item.id}")
    assert (response.status_code, response["Location"]) == (301, new_url)
    # Drafts were never public: no redirect to them.
    assert client.get(f"/?p={draft.id}").status_code == 200  # the home page
    assert Redirect.objects.count() == 2
    assert "Redirects: 2 made" in output


def test_without_the_redirects_app_the_import_says_so(blog_index, tmp_path, monkeypatch):
    is_installed = importer.apps.is_installed
    monkeypatch.setattr(
        importer.apps,
        "is_installed",
        lambda name: name != importer.REDIRECTS_APP and is_installed(name),
    )
    output = run_import(tmp_path, [WPItem("No redirect", "x")], blog_index.pk)
    assert Redirect.objects.count() == 0
    assert "wagtail.contrib.redirects is not in INSTALLED_APPS: no redirects" in output
    assert post("no-redirect").live


def test_a_post_that_fails_is_rolled_back_alone(blog_index, tmp_path, monkeypatch):
    convert_post = importer.convert_post

    def failing(item, **kwargs):
        if item.title == "Broken":
            raise RuntimeError("boom")
        return convert_post(item, **kwargs)

    monkeypatch.setattr(importer, "convert_post", failing)
    items = [WPItem("Fine", "x"), WPItem("Broken", "y", comments=[WPComment("Lost")])]
    with pytest.raises(CommandError, match="1 post"):
        run_import(tmp_path, items + [WPItem("Also fine", "z")], blog_index.pk)
    assert sorted(BlogPostPage.objects.values_list("title", flat=True)) == ["Also fine", "Fine"]
    assert not Comment.objects.exists()
    assert WordPressImportRecord.objects.filter(kind="post").count() == 2


def test_progress_is_shown(blog_index, tmp_path):
    output = run_import(tmp_path, [WPItem(f"Post {n}", "x") for n in range(3)], blog_index.pk)
    assert "3/3 posts, 0 comments" in output
