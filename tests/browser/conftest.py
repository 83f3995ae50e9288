"""Browser journeys: Playwright drives Debian's Chromium against pytest-django's live server.

Every test in this folder is marked ``browser`` and runs in a transactional database (the live
server answers from another thread, so it only sees committed rows); ``serialized_rollback``
restores Wagtail's initial pages and site after each test's flush. The browser never leaves
127.0.0.1: video players are replaced by a local placeholder and every other request is refused.

Chromium is found at ``$CHROMIUM`` (default ``/usr/bin/chromium``). Without it the journeys are
skipped with a reason, unless ``CMS_BLOG_REQUIRE_BROWSER=1`` (CI) makes that a failure.
Screenshots go to ``test-results/screenshots/`` (or ``$CMS_BLOG_SCREENSHOTS``); ``make screenshots``
copies them to the docs.
"""

import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.contrib.auth.models import AbstractUser
from django.core.files.images import ImageFile
from PIL import Image, ImageDraw
from playwright.sync_api import BrowserContext, Locator, Page, Response, Route
from wagtail.images import get_image_model

from cms_blog.models import BlogPostPage, Comment
from tests import factories

# Playwright's sync API runs an asyncio loop in the test's thread, and Django refuses ORM calls
# from a thread with a running loop. Here the loop only drives the browser, so it is safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
os.environ.setdefault("DJANGO_LIVE_TEST_SERVER_ADDRESS", "127.0.0.1")

BROWSER_TESTS = Path(__file__).parent
CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
REQUIRE_BROWSER = os.environ.get("CMS_BLOG_REQUIRE_BROWSER") == "1"
MISSING_CHROMIUM = (
    f"browser tests skipped: no Chromium at {CHROMIUM} "
    "(apt-get install chromium, or point $CHROMIUM at one)"
)
# Debian's Chromium runs as root in containers (no sandbox) and must not phone home.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DESKTOP = {"width": 1440, "height": 900}
PHONE = {"width": 390, "height": 844}
LOCAL_HOSTS = {"127.0.0.1", "localhost"}
VIDEO_PLAYER = re.compile(r"^https://(www\.youtube-nocookie\.com/embed|player\.vimeo\.com/video)/")
# What the privacy-enhanced player iframe shows offline: a dark frame with a play button.
PLAYER_PLACEHOLDER = """<!DOCTYPE html><html><body style="margin:0;height:100vh;display:grid;
place-items:center;background:#111;color:#eee;font:16px system-ui,sans-serif">
<div style="text-align:center"><div style="width:68px;height:48px;margin:auto;border-radius:12px;
background:#e00;display:grid;place-items:center"><div style="border-left:18px solid #fff;
border-top:11px solid transparent;border-bottom:11px solid transparent;margin-left:4px"></div>
</div><p>Video player (offline in tests)</p></div></body></html>"""
ADMIN_PASSWORD = "correct horse battery staple"


def chromium_available() -> bool:
    return CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK)


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    # tryfirst: the markers must be on the items before `-m` selection and pytest-django's
    # transactional-last ordering read them.
    for item in items:
        if BROWSER_TESTS not in item.path.parents:
            continue
        item.add_marker(pytest.mark.browser)
        item.add_marker(pytest.mark.django_db(transaction=True, serialized_rollback=True))
        if not chromium_available() and not REQUIRE_BROWSER:
            item.add_marker(pytest.mark.skip(reason=MISSING_CHROMIUM))


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    skipped = terminalreporter.stats.get("skipped", [])
    if any(MISSING_CHROMIUM in str(report.longrepr) for report in skipped):
        terminalreporter.write_sep("-", MISSING_CHROMIUM, yellow=True, bold=True)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    """Launch the system Chromium: Playwright's own browser download is not used."""
    if not chromium_available():
        pytest.fail(f"CMS_BLOG_REQUIRE_BROWSER=1 but there is no Chromium at {CHROMIUM}")
    return {**browser_type_launch_args, "executable_path": str(CHROMIUM), "args": CHROMIUM_ARGS}


def stay_offline(route: Route) -> None:
    url = route.request.url
    if urlsplit(url).hostname in LOCAL_HOSTS:
        route.continue_()
    elif VIDEO_PLAYER.match(url):
        route.fulfill(content_type="text/html", body=PLAYER_PLACEHOLDER)
    else:
        route.abort("internetdisconnected")


@pytest.fixture
def open_context(new_context: Callable[..., BrowserContext]) -> Iterator[Callable[..., Page]]:
    """Open a page in a fresh offline context; the test fails if the server answers 5xx."""
    server_errors: list[str] = []

    def record(response: Response) -> None:
        if response.status >= 500:
            server_errors.append(f"{response.status} {response.request.method} {response.url}")

    def open_page(viewport: dict = DESKTOP, **options) -> Page:
        context = new_context(viewport=viewport, locale="en-US", timezone_id="UTC", **options)
        context.set_default_timeout(15_000)
        context.route("**/*", stay_offline)
        context.on("response", record)
        return context.new_page()

    yield open_page
    assert not server_errors, f"the server failed: {server_errors}"


@pytest.fixture
def page(open_context: Callable[..., Page]) -> Page:
    """A desktop-sized page (replaces pytest-playwright's, which would go online)."""
    return open_context()


@pytest.fixture
def phone_page(open_context: Callable[..., Page]) -> Page:
    """A phone-sized touch page, the size of an iPhone 14."""
    return open_context(PHONE, is_mobile=True, has_touch=True)


@pytest.fixture
def site_url(live_server) -> Callable[[str], str]:
    """The live server's absolute URL of a path."""
    return lambda path: f"{live_server.url}{path}"


@pytest.fixture
def editor(django_user_model) -> AbstractUser:
    return django_user_model.objects.create_superuser(
        "editor", "editor@example.com", ADMIN_PASSWORD, first_name="Ada", last_name="Editor"
    )


@pytest.fixture
def log_in(site_url: Callable[[str], str]) -> Callable[[Page, AbstractUser], None]:
    """Log a user into the Wagtail admin through its login form."""

    def submit_login_form(page: Page, user: AbstractUser) -> None:
        page.goto(site_url("/admin/login/"))
        page.get_by_label("Username").fill(user.get_username())
        page.get_by_label("Password").fill(ADMIN_PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url(site_url("/admin/"))

    return submit_login_form


@pytest.fixture(scope="session")
def screenshot(pytestconfig: pytest.Config) -> Callable[..., Path]:
    """Save a screenshot of a page or element as <name>.png in $CMS_BLOG_SCREENSHOTS, by default
    test-results/screenshots/ (which pytest-playwright empties when a test session starts)."""
    folder = Path(
        os.environ.get("CMS_BLOG_SCREENSHOTS", pytestconfig.rootpath / "test-results/screenshots")
    )

    def save(target: Page | Locator, name: str, **options) -> Path:
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{name}.png"
        target.screenshot(path=path, animations="disabled", caret="hide", **options)
        return path

    return save


def describe_violations(violations: list[dict]) -> str:
    """axe-core's violations as lines a failing test can show: rule, impact, what it asks, and
    each offending element with axe's summary of what is wrong with it."""
    lines = []
    for violation in violations:
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']}")
        for node in violation["nodes"]:
            summary = " ".join(node.get("failureSummary", "").split())
            lines.append(f"  {' '.join(node['target'])}: {summary}")
    return "\n".join(lines)


@pytest.fixture(scope="session")
def assert_accessible() -> Callable[[Page, str], None]:
    """Fail when axe-core (bundled by axe-playwright-python, run inside the page) finds any
    violation of its rules (WCAG 2 A and AA, best practices) on the page as it is now."""
    axe = Axe()

    def check(page: Page, what: str) -> None:
        violations = axe.run(page).response["violations"]
        assert not violations, f"axe-core on {what}:\n{describe_violations(violations)}"

    return check


@pytest.fixture
def map_jpeg(tmp_path: Path) -> Path:
    """A picture worth a screenshot: a sea, three lands and a graticule."""
    image = Image.new("RGB", (1600, 1000), (62, 110, 160))
    draw = ImageDraw.Draw(image)
    for x in range(0, 1600, 200):
        draw.line((x, 0, x, 1000), fill=(90, 135, 180), width=3)
    for y in range(0, 1000, 200):
        draw.line((0, y, 1600, y), fill=(90, 135, 180), width=3)
    lands = [
        ((226, 205, 150), [(150, 120), (700, 60), (1050, 260), (900, 520), (420, 600), (180, 420)]),
        ((200, 170, 120), [(1000, 600), (1450, 520), (1520, 880), (1120, 940)]),
        ((170, 190, 130), [(260, 700), (560, 680), (600, 900), (300, 940)]),
    ]
    for colour, outline in lands:
        draw.polygon(outline, fill=colour, outline=(120, 90, 60), width=4)
    path = tmp_path / "europe-1815.jpg"
    image.save(path, "JPEG", quality=85)
    return path


@pytest.fixture
def vienna_post(make_post, map_jpeg: Path) -> BlogPostPage:
    """A published post with a block of each kind, two sources and two tags."""
    with map_jpeg.open("rb") as file:
        image = get_image_model().objects.create(
            title="Europe in 1815",
            description="Map of Europe's borders in 1815",
            file=ImageFile(file, name=map_jpeg.name),
        )
    return make_post(
        "The Congress of Vienna",
        intro="How five powers redrew the map of Europe.",
        body=[
            (
                "text",
                '<p>The <a href="https://en.wikipedia.org/wiki/Congress_of_Vienna">Congress of '
                "Vienna</a> redrew the map of Europe in 1815, after a quarter of a century of "
                "war (1).</p>",
            ),
            (
                "figure",
                {
                    "image": image,
                    "caption": "Europe after the Congress",
                    "credit": "Map: Example Atlas / CC BY 4.0",
                    "source": 1,
                },
            ),
            ("video", {"url": "https://youtu.be/dQw4w9WgXcQ?t=42", "caption": "A lecture"}),
            (
                "quote",
                {
                    "text": "The Congress does not move, it dances.",
                    "attribution": "Prince de Ligne",
                    "source": 2,
                },
            ),
        ],
        sources=[
            "Harold Nicolson, The Congress of Vienna (1946).",
            "Adam Zamoyski, Rites of Peace (2007).",
        ],
        tags=["history", "Vienna 1815"],
    )


@pytest.fixture
def make_comment(vienna_post: BlogPostPage) -> Callable[..., Comment]:
    """Create a comment on ``vienna_post``; approved unless a status is given."""

    def make(author_name: str, body: str, **fields) -> Comment:
        email = f"{author_name.split()[0].lower()}@example.com"
        return factories.make_comment(
            vienna_post, author_name=author_name, author_email=email, body=body, **fields
        )

    return make
