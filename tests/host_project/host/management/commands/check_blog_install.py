"""Prove that the installed cms_blog wheel works in this host site: create a blog and read it."""

import json
import sys
from pathlib import Path

from django.contrib.staticfiles import finders
from django.core.management.base import BaseCommand, CommandError
from django.test import Client
from django.urls import reverse
from wagtail.models import Site

import cms_blog
from cms_blog.models import BlogIndexPage, BlogPostPage, BlogPostSource


class Command(BaseCommand):
    help = "Create a blog index and a post with the installed cms_blog, then fetch them."

    def handle(self, *args, **options) -> None:
        self.expect(
            Path(cms_blog.__file__).resolve().is_relative_to(Path(sys.prefix).resolve()),
            f"cms_blog is imported from {cms_blog.__file__}, not from the virtualenv {sys.prefix}",
        )
        self.expect(
            finders.find("cms_blog/cms_blog.css") is not None, "the wheel lacks the static files"
        )

        root = Site.objects.get(is_default_site=True).root_page
        index = root.add_child(instance=BlogIndexPage(title="Host blog", slug="blog"))
        post = BlogPostPage(
            title="Installed from the wheel",
            intro="A post created by the host project.",
            body=[
                ("text", "<p>The wheel works (1).</p>"),
                ("quote", {"text": "It installs.", "attribution": "CI", "source": 1}),
                ("video", {"url": "https://youtu.be/dQw4w9WgXcQ", "caption": "A video"}),
            ],
        )
        post.sources = [BlogPostSource(citation="The build log")]
        index.add_child(instance=post)
        post.save_revision().publish()

        client = Client()
        for page, expected in [
            (post, ["Installed from the wheel", "youtube-nocookie.com/embed/dQw4w9WgXcQ"]),
            (index, ["Host blog", "Installed from the wheel"]),
        ]:
            response = client.get(page.url)
            html = response.content.decode()
            self.expect(response.status_code == 200, f"{page.url} answered {response.status_code}")
            for text in expected:
                self.expect(text in html, f"{page.url} lacks {text!r}")

        response = client.post(
            reverse("cms_blog:graphql"),
            json.dumps({"query": "{ posts { items { title } } }"}),
            content_type="application/json",
        )
        titles = [item["title"] for item in response.json()["data"]["posts"]["items"]]
        self.expect(titles == ["Installed from the wheel"], f"GraphQL answered {response.json()}")

        self.stdout.write(
            self.style.SUCCESS(f"cms_blog {cms_blog.__version__} from {cms_blog.__file__}: OK")
        )

    def expect(self, condition: bool, message: str) -> None:
        if not condition:
            raise CommandError(message)
