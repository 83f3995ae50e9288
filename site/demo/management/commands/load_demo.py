"""Load the demo blog: four history-course posts, locally drawn images, and a discussion.

Idempotent: running it again updates the posts in place and never duplicates images or comments.
"""

import io
from datetime import date, timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.files.images import ImageFile
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone
from PIL import Image as PILImage
from PIL import ImageDraw, ImageFont
from wagtail.images import get_image_model
from wagtail.models import Page, Site

from cms_blog.models import BlogPostSource, Comment, get_index_model, get_post_model

ADMIN = {"username": "admin", "password": "admin", "first_name": "Maria", "last_name": "Keller"}
INSTRUCTOR = {
    "username": "instructor",
    "password": "instructor",
    "first_name": "Jonas",
    "last_name": "Weber",
}

INDEX_INTRO = (
    "<p>Notes, maps and sources from <b>HIST 214: Europe in the Long Nineteenth Century</b>. "
    "Every claim is numbered back to its source.</p>"
)

# Images are drawn here with Pillow: the demo never downloads anything.
IMAGES = {
    "map-1815": (
        "Map of Europe after the Congress of Vienna",
        "A schematic map of Central Europe in 1815 with the German Confederation outlined in blue",
        (1600, 1000),
    ),
    "congress-hall": (
        "Hall of the Congress",
        "An illustration of a long table in a chandeliered hall",
        (1600, 1067),
    ),
    "letter": (
        "A handwritten letter",
        "A sheet of paper with lines of handwriting and a wax seal",
        (1200, 1500),
    ),
    "railway": (
        "Railway network 1850",
        "A diagram of railway lines spreading from four capital cities",
        (1600, 900),
    ),
    "notebook": ("Source commentary notebook", "An open notebook with a checklist", (1600, 1067)),
}

POSTS = [
    {
        "slug": "reading-a-map-of-europe-in-1815",
        "title": "Reading a Map of Europe in 1815",
        "date": date(2026, 10, 5),
        "intro": "What the borders drawn at Vienna tell us, and what they hide: a close reading of one map.",
        "tags": ["history-course", "maps", "19th-century"],
        "sources": [
            (
                "Final Act of the Congress of Vienna, 9 June 1815, Articles 53–64.",
                "https://en.wikisource.org/",
            ),
            ("Course reader, HIST 214, week 3: ‘The Vienna settlement’.", ""),
            ("E. H. Carr, What Is History? (London: Macmillan, 1961), ch. 1.", ""),
        ],
        "body": [
            (
                "text",
                "<p>When the diplomats left Vienna in June 1815 they had redrawn the map of Europe. "
                "The German Confederation replaced the Holy Roman Empire with thirty-nine states bound by a "
                "federal act (1). This week we read that map as a historical source in its own right.</p>"
                "<h2>Start with the legend</h2><p>Before you look at a single border, ask who drew the map, "
                "for whom, and when. A map printed in London and one printed in Vienna emphasise different "
                "things.</p>",
            ),
            (
                "figure",
                {
                    "image": "map-1815",
                    "caption": "The German Confederation (blue) after 1815.",
                    "credit": "Drawing: HIST 214 course team, CC BY 4.0",
                    "source": 1,
                },
            ),
            (
                "quote",
                {
                    "text": "The facts speak only when the historian calls on them.",
                    "attribution": "E. H. Carr",
                    "source": 3,
                },
            ),
            (
                "text",
                "<p>Carr's point applies to maps as much as to documents: the map answers only the questions "
                "we put to it. Watch the short explainer below before our seminar.</p>",
            ),
            (
                "video",
                {
                    "url": "https://www.youtube.com/watch?v=aqz-KE-bpKQ&t=30",
                    "caption": "Explainer: how to read a historical map (course video)",
                },
            ),
            (
                "figure",
                {
                    "image": "congress-hall",
                    "caption": "Where the map was negotiated.",
                    "credit": "Illustration: course team",
                    "source": 2,
                },
            ),
        ],
    },
    {
        "slug": "what-a-primary-source-can-tell-us",
        "title": "What a Primary Source Can and Cannot Tell Us",
        "date": date(2026, 10, 12),
        "intro": "A letter, a seal and a date: practising the questions that turn a document into evidence.",
        "tags": ["history-course", "methods"],
        "sources": [
            (
                "Leopold von Ranke, Geschichten der romanischen und germanischen Völker (1824), preface.",
                "",
            ),
            ("Course reader, HIST 214, week 4: ‘Working with letters’.", ""),
        ],
        "body": [
            (
                "text",
                "<p>Ranke famously wanted history to show the past <i>as it actually was</i>. Few historians "
                "today believe a document can do that on its own. In this post we practise the questions "
                "that turn a letter into evidence.</p>",
            ),
            (
                "quote",
                {
                    "text": "wie es eigentlich gewesen",
                    "attribution": "Leopold von Ranke",
                    "source": 1,
                },
            ),
            (
                "figure",
                {
                    "image": "letter",
                    "caption": "A letter is a record of what someone chose to write.",
                    "alt_text": "A handwritten letter sealed with red wax",
                    "source": 2,
                },
            ),
            (
                "video",
                {
                    "url": "https://vimeo.com/76979871",
                    "caption": "Seminar recording: dating a document",
                },
            ),
        ],
    },
    {
        "slug": "railways-and-the-shrinking-of-space",
        "title": "Railways and the Shrinking of Space",
        "date": date(2026, 10, 19),
        "intro": "Between 1830 and 1850 a journey of days became a journey of hours. What changed for whom?",
        "tags": ["history-course", "maps", "technology"],
        "sources": [
            ("Course reader, HIST 214, week 5: ‘Steam and the nation’.", ""),
        ],
        "body": [
            (
                "text",
                "<p>Railway maps are arguments about the future. The lines on the diagram below were partly "
                "built and partly hoped for (1).</p><ul><li>Who paid for the lines?</li>"
                "<li>Which towns were left out?</li><li>Who could afford a ticket?</li></ul>",
            ),
            (
                "figure",
                {"image": "railway", "caption": "Main lines around 1850, schematic.", "source": 1},
            ),
            (
                "quote",
                {
                    "text": "History is indeed little more than the register of the crimes, follies, and "
                    "misfortunes of mankind.",
                    "attribution": "Edward Gibbon, The Decline and Fall of the Roman Empire, ch. 3",
                },
            ),
        ],
    },
    {
        "slug": "writing-your-source-commentary",
        "title": "Writing Your Source Commentary: A Checklist",
        "date": date(2026, 10, 26),
        "intro": "Five questions to answer before you hand in your first commentary.",
        "tags": ["methods", "writing"],
        "sources": [
            (
                "Marc Bloch, The Historian's Craft (Manchester University Press, 1954), introduction.",
                "",
            ),
        ],
        "body": [
            (
                "text",
                "<p>Your commentary is due in week 8. Before you write, answer these questions:</p><ol>"
                "<li>What is the document, and who made it?</li><li>When, where and for whom?</li>"
                "<li>What does it say, and what does it leave out?</li><li>How do you know?</li>"
                "<li>Why does it matter for our question?</li></ol>",
            ),
            (
                "quote",
                {
                    "text": "Misunderstanding of the present is the inevitable consequence of ignorance "
                    "of the past.",
                    "attribution": "Marc Bloch",
                    "source": 1,
                },
            ),
            (
                "figure",
                {
                    "image": "notebook",
                    "caption": "Keep your notes next to your sources.",
                    "decorative": False,
                },
            ),
            (
                "video",
                {"url": "https://youtu.be/aqz-KE-bpKQ", "caption": "How to structure a commentary"},
            ),
        ],
    },
]

# (key, parent key, author, body, status); "author"/"instructor" replies are made as those staff users.
DISCUSSION = [
    (
        "lena",
        None,
        "Lena Fischer",
        "I never noticed how much the map leaves out the people who lived "
        "inside those borders. Is there a map of languages for the same year?",
        "approved",
    ),
    (
        "author-reply",
        "lena",
        "@author",
        "Good question, Lena! There are several, though most were drawn later "
        "in the century. We'll compare one in seminar.",
        "approved",
    ),
    (
        "tom",
        None,
        "Tom Becker",
        "The video helped a lot. The part about scale bars was new to me.",
        "approved",
    ),
    (
        "amira",
        None,
        "Amira Haddad",
        "Why is Prussia split into two pieces on the map? I thought that was a mistake at first.",
        "approved",
    ),
    (
        "instructor-reply",
        "amira",
        "@instructor",
        "Not a mistake: the Rhine Province and Westphalia were separated "
        "from the core of Prussia until 1866. Look at source (1) again.",
        "approved",
    ),
    (
        "jakob",
        None,
        "Jakob Novak",
        "Carr's quote reminded me of our first lecture. Maps are arguments too.",
        "approved",
    ),
    (
        "sofia",
        None,
        "Sofia Marino",
        "Could we get the map as a printable PDF for the seminar?",
        "approved",
    ),
    (
        "noah",
        None,
        "Noah Williams",
        "I compared it with a modern map of the EU. The Confederation's border "
        "is surprisingly close to some of today's borders.\n\nIs that a coincidence?",
        "approved",
    ),
    (
        "pending",
        None,
        "Priya Shah",
        "First time commenting: thanks for putting the sources at the bottom!",
        "pending",
    ),
    (
        "spam",
        None,
        "Cheap Essays",
        "Buy essays now http://spam.example/ http://spam.example/2",
        "spam",
    ),
]


class Command(BaseCommand):
    help = "Load the demo blog (idempotent) and create the demo admin user."

    @transaction.atomic
    def handle(self, *args, **options) -> None:
        admin = self.user(ADMIN, superuser=True)
        instructor = self.user(INSTRUCTOR, superuser=False)
        self.make_moderator(instructor)
        index = self.blog_index()
        images = {key: self.image(key, *spec) for key, spec in IMAGES.items()}
        posts = [self.post(index, spec, images, owner=admin) for spec in POSTS]
        self.discussion(posts[0], {"@author": admin, "@instructor": instructor})
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo loaded: {len(posts)} posts at http://127.0.0.1:8000/\n"
                f"Admin: http://127.0.0.1:8000/admin/  user: {ADMIN['username']}  password: {ADMIN['password']}\n"
                f"Comment moderator (no superuser rights): user: {INSTRUCTOR['username']}  password: {INSTRUCTOR['password']}"
            )
        )

    def user(self, spec: dict, *, superuser: bool):
        user, created = get_user_model().objects.get_or_create(
            username=spec["username"],
            defaults={
                "first_name": spec["first_name"],
                "last_name": spec["last_name"],
                "email": f"{spec['username']}@example.com",
                "is_staff": True,
                "is_superuser": superuser,
            },
        )
        if created:
            user.set_password(spec["password"])
            user.save()
        return user

    def make_moderator(self, user) -> None:
        """Wagtail's "Moderators" group, allowed to see, moderate and reply to comments."""
        moderators, _ = Group.objects.get_or_create(name="Moderators")
        moderators.permissions.add(
            *Permission.objects.filter(
                content_type__app_label="cms_blog",
                codename__in=["view_comment", "change_comment", "add_comment"],
            ),
            Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin"),
        )
        user.groups.add(moderators)

    def blog_index(self) -> Page:
        """The blog is the demo site's home page."""
        site = Site.objects.get(is_default_site=True)
        index = get_index_model().objects.first()
        if index is None:
            root = Page.get_first_root_node()
            index = root.add_child(
                instance=get_index_model()(title="History Course Blog", slug="blog")
            )
        index.intro = INDEX_INTRO
        index.save_revision().publish()
        welcome = site.root_page
        # Absolute URLs (canonical links, feeds, GraphQL's post URLs) use the site's address.
        site.hostname, site.port, site.site_name = "127.0.0.1", 8000, "History Course Blog"
        site.root_page = index
        site.save()
        # Wagtail's "Welcome to your new Wagtail site!" page, replaced by the blog.
        if welcome.depth > 1 and not isinstance(welcome.specific, get_index_model()):
            welcome.delete()
        return index

    def image(self, key: str, title: str, description: str, size: tuple[int, int]):
        Image = get_image_model()
        existing = Image.objects.filter(title=title).first()
        if existing:
            return existing
        return Image.objects.create(
            title=title,
            description=description,
            file=ImageFile(draw_image(key, title, size), name=f"{key}.png"),
        )

    def post(self, index: Page, spec: dict, images: dict, *, owner) -> Page:
        post = get_post_model().objects.child_of(index).filter(slug=spec["slug"]).first()
        if post is None:
            post = index.add_child(
                instance=get_post_model()(title=spec["title"], slug=spec["slug"], owner=owner)
            )
        post.title, post.date, post.intro = spec["title"], spec["date"], spec["intro"]
        post.body = [(kind, resolve_images(value, images)) for kind, value in spec["body"]]
        post.sources = [
            BlogPostSource(citation=citation, url=url) for citation, url in spec["sources"]
        ]
        post.tags.set(spec["tags"])
        post.save_revision(user=owner).publish()
        return post

    def discussion(self, post: Page, staff: dict) -> None:
        if post.comments.exists():
            return
        created = {}
        start = timezone.now() - timedelta(days=20)
        for step, (key, parent, author, body, status) in enumerate(DISCUSSION):
            user = staff.get(author)
            parent_comment = created.get(parent)
            created[key] = Comment.objects.create(
                post=post,
                parent=parent_comment,
                depth=parent_comment.depth + 1 if parent_comment else 0,
                author_name=user.get_full_name() if user else author,
                author_email=user.email if user else f"{key}@example.com",
                author_url="https://example.com/" if key == "noah" else "",
                body=body,
                status=status,
                user=user,
                approved_at=timezone.now() if status == "approved" else None,
            )
            # created_at is auto_now_add: spread the discussion over a few days afterwards.
            Comment.objects.filter(pk=created[key].pk).update(
                created_at=start + timedelta(hours=7 * step)
            )


def resolve_images(value, images: dict):
    if isinstance(value, dict) and "image" in value:
        return {**value, "image": images[value["image"]]}
    return value


def draw_image(key: str, title: str, size: tuple[int, int]) -> io.BytesIO:
    """A simple, recognisable illustration: coloured shapes and the title, drawn locally."""
    width, height = size
    palette = {
        "map-1815": ((233, 226, 205), (70, 110, 170)),
        "congress-hall": ((86, 52, 40), (222, 184, 107)),
        "letter": ((244, 238, 222), (60, 60, 70)),
        "railway": ((236, 240, 236), (150, 40, 40)),
        "notebook": ((210, 225, 235), (30, 60, 90)),
    }
    background, ink = palette[key]
    picture = PILImage.new("RGB", size, background)
    draw = ImageDraw.Draw(picture)
    if key == "map-1815":
        draw.polygon(
            [
                (w * width, h * height)
                for w, h in [
                    (0.3, 0.15),
                    (0.62, 0.12),
                    (0.7, 0.4),
                    (0.62, 0.78),
                    (0.4, 0.85),
                    (0.28, 0.55),
                ]
            ],
            outline=ink,
            width=12,
        )
        for x, y in [(0.45, 0.35), (0.55, 0.6), (0.36, 0.62)]:
            draw.ellipse(
                [x * width - 14, y * height - 14, x * width + 14, y * height + 14], fill=ink
            )
    elif key == "railway":
        hubs = [(0.2, 0.3), (0.75, 0.25), (0.5, 0.7), (0.85, 0.75)]
        for a in hubs:
            for b in hubs:
                draw.line(
                    [a[0] * width, a[1] * height, b[0] * width, b[1] * height], fill=ink, width=8
                )
    elif key == "letter":
        for line in range(14):
            y = height * (0.15 + line * 0.05)
            draw.line([width * 0.12, y, width * (0.88 - (line % 3) * 0.08), y], fill=ink, width=5)
        draw.ellipse([width * 0.65, height * 0.82, width * 0.82, height * 0.95], fill=(170, 30, 30))
    elif key == "congress-hall":
        draw.rectangle([width * 0.1, height * 0.55, width * 0.9, height * 0.68], fill=ink)
        for x in range(3):
            cx = width * (0.3 + x * 0.2)
            draw.ellipse([cx - 50, height * 0.1, cx + 50, height * 0.22], outline=ink, width=6)
    else:
        draw.rectangle(
            [width * 0.15, height * 0.12, width * 0.85, height * 0.9],
            fill=(255, 255, 255),
            outline=ink,
            width=6,
        )
        for line in range(5):
            y = height * (0.25 + line * 0.12)
            draw.rectangle([width * 0.22, y - 18, width * 0.22 + 36, y + 18], outline=ink, width=5)
            draw.line([width * 0.3, y, width * 0.75, y], fill=ink, width=5)
    font = ImageFont.load_default(size=max(28, width // 32))
    draw.text((width * 0.04, height * 0.92), title, fill=ink, font=font, anchor="ls")
    buffer = io.BytesIO()
    picture.save(buffer, "PNG", optimize=True)
    return buffer
