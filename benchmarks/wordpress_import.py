"""Benchmark: importing a big WordPress export (2,000 posts, 40,000 threaded comments).

Run with ``make benchmark-wordpress`` (or ``.venv/bin/python benchmarks/wordpress_import.py``;
``--posts`` and ``--comments`` change the size). It writes the export item by item into a
throwaway folder, with 50 images in a copy of wp-content/uploads, imports it into a throwaway
SQLite database (or the one DATABASE_URL names), then imports it again, and prints the time of
each run and the process's peak memory. The targets (docs/wordpress.md): under 5 minutes and
under 400 MB on a 2-core machine. Figures are for reading, not for asserting.
"""

import argparse
import random
import resource
import time
from io import StringIO
from pathlib import Path

from throwaway import throwaway_site  # beside this script

workdir = throwaway_site(prefix="cms_blog_wp_bench_")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from PIL import Image  # noqa: E402
from wagtail.models import Site  # noqa: E402

from cms_blog.models import Comment, get_index_model  # noqa: E402
from tests.wordpress_export import (  # noqa: E402
    FOOTER,
    WPComment,
    WPItem,
    attachment,
    header,
)

IMAGES = 50
STATUSES = ["1"] * 16 + ["0", "0", "spam", "trash"]
PARAGRAPH = (
    "The Congress of Vienna redrew the map of <strong>Europe</strong> in 1815, as the "
    '<a href="https://example.org/vienna">treaty</a> records (1). '
)


def content(number: int, image: WPItem) -> str:
    """Block editor and classic markup in turns, with a figure, a video, a quote and sources."""
    figure = (
        f'[caption id="attachment_{image.id}"]<img class="wp-image-{image.id}" '
        f'src="{image.attachment_url}" alt="A map" /> Europe in 1815. Photo: Archive[/caption]'
    )
    if number % 2:
        paragraphs = "\n\n".join(PARAGRAPH * 3 for _ in range(4))
        return (
            f"{paragraphs}\n\n<!--more-->\n\n<h2>Details</h2>\n<ul>\n<li>One</li>\n<li>Two</li>"
            f"\n</ul>\n\n{figure}\n\nhttps://www.youtube.com/watch?v=aqz-KE-bpKQ\n\n"
            "<blockquote>History is a set of lies agreed upon.<cite>Napoléon</cite></blockquote>"
            "\n\n<h3>Sources</h3>\n<ol>\n<li>Hobsbawm, The Age of Revolution</li>\n</ol>"
        )
    paragraph = f"<!-- wp:paragraph -->\n<p>{PARAGRAPH * 3}</p>\n<!-- /wp:paragraph -->\n"
    return (
        paragraph * 4
        + '<!-- wp:heading -->\n<h2 class="wp-block-heading">Details</h2>\n<!-- /wp:heading -->\n'
        + f"<!-- wp:shortcode -->\n{figure}\n<!-- /wp:shortcode -->\n"
        + '<!-- wp:embed {"url":"https://vimeo.com/76979871","providerNameSlug":"vimeo"} -->\n'
        + '<figure class="wp-block-embed"><div class="wp-block-embed__wrapper">\n'
        + "https://vimeo.com/76979871\n</div></figure>\n<!-- /wp:embed -->\n"
        + '<!-- wp:quote -->\n<blockquote class="wp-block-quote"><p>Quoted</p><cite>Someone'
        + "</cite></blockquote>\n<!-- /wp:quote -->"
    )


def comments(count: int, rng: random.Random) -> list[WPComment]:
    """Threads: each comment answers nothing or one of the post's earlier comments."""
    thread: list[WPComment] = []
    for number in range(count):
        parent = rng.choice(thread).id if thread and rng.random() < 0.6 else 0
        thread.append(
            WPComment(
                f"Comment {number}: I read this differently.\n\nSee https://example.org/{number}",
                parent=parent,
                approved=rng.choice(STATUSES),
                author=f"Reader {rng.randrange(500)}",
                email=f"reader{rng.randrange(500)}@example.com",
                date=f"2021-04-{1 + number % 28:02d} {number % 24:02d}:00:00",
            )
        )
    rng.shuffle(thread)  # exports list comments by id, not in thread order
    return thread


def write_export(path: Path, uploads: Path, posts: int, total_comments: int) -> None:
    rng = random.Random(1815)
    images = [attachment(f"2021/03/map-{number}.jpg", alt="A map") for number in range(IMAGES)]
    for image in images:
        file = uploads / image.meta["_wp_attached_file"]
        file.parent.mkdir(parents=True, exist_ok=True)
        Image.new("RGB", (800, 600), (40, 90, 160)).save(file, "JPEG")
    per_post, extra = divmod(total_comments, posts)
    with path.open("w", encoding="utf-8") as export:
        export.write(header())
        for image in images:
            export.write(image.xml())
        for number in range(posts):
            post = WPItem(
                f"Post {number}",
                content(number, images[number % IMAGES]),
                slug=f"post-{number}",
                tags=[f"tag-{number % 40}"],
                categories=[f"Category {number % 7}"],
                comments=comments(per_post + (number < extra), rng),
            )
            post.comments.append(WPComment("Linked here", type="pingback"))
            export.write(post.xml())
        export.write(FOOTER)


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def timed_import(path: Path, index, uploads: Path) -> tuple[float, float, str]:
    """Wall-clock and CPU seconds of an import (the CPU time tells a busy machine apart), and
    its summary."""
    out = StringIO()
    start, cpu = time.perf_counter(), cpu_seconds()
    call_command(
        "import_wordpress",
        str(path),
        "--into",
        str(index.pk),
        "--media-dir",
        str(uploads),
        stdout=out,
        stderr=StringIO(),
    )
    return time.perf_counter() - start, cpu_seconds() - cpu, out.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--posts", type=int, default=2000)
    parser.add_argument("--comments", type=int, default=40_000)
    options = parser.parse_args()

    call_command("migrate", verbosity=0)
    root = Site.objects.get(is_default_site=True).root_page
    index = root.add_child(instance=get_index_model()(title="Imported", slug="imported"))
    uploads = workdir / "uploads"
    path = workdir / "export.xml"
    write_export(path, uploads, options.posts, options.comments)
    print(
        f"export: {path.stat().st_size / 2**20:.1f} MiB, {options.posts:,} posts, "
        f"{options.comments:,} comments (+{options.posts:,} pingbacks), {IMAGES} images"
    )

    seconds, cpu, output = timed_import(path, index, uploads)
    print(f"first import: {seconds:.1f} s ({cpu:.1f} s of CPU)")
    print("\n".join(output.splitlines()[:6]))
    print(f"  ({Comment.objects.count():,} comments stored)")
    seconds, cpu, output = timed_import(path, index, uploads)
    print(f"second import (nothing changed): {seconds:.1f} s ({cpu:.1f} s of CPU)")
    print(output.splitlines()[1])
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    print(f"peak memory (RSS): {peak:.0f} MiB")


if __name__ == "__main__":
    main()
