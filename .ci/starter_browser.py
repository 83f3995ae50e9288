"""The blog inside Wagtail's starter, in Chromium on a desktop and a phone: the blog's column is
no wider than --blog-measure, its figure is never shown larger than the rendition the browser
picked from `sizes`, and nothing is wider than a phone's screen. Screenshots of each page go to
the folder given (docs/screenshots/starter-*.png are copies).

Run by .ci/starter_site.sh with a Python that has Playwright, against the starter it serves:
    python .ci/starter_browser.py http://127.0.0.1:PORT SCREENSHOT_DIR
"""

import os
import sys
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import sync_playwright

BASE, SHOTS = sys.argv[1], Path(sys.argv[2])
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
VIEWPORTS = {
    "desktop": {"viewport": {"width": 1440, "height": 900}},
    "phone": {
        "viewport": {"width": 390, "height": 844},
        "device_scale_factor": 3,
        "is_mobile": True,
        "has_touch": True,
    },
}
# The column's content width, --blog-measure in pixels, the figure's width in device pixels and
# the width of the rendition the browser picked from its srcset by `sizes`, and how wide the
# document is, measured by the browser.
MEASURE = r"""() => {
  const root = getComputedStyle(document.documentElement);
  const rem = parseFloat(root.fontSize);
  const column = document.querySelector(".cms-blog-article, .cms-blog-listing");
  const style = getComputedStyle(column);
  const img = document.querySelector(".cms-blog-figure img");
  return {
    column: column.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight),
    measure: parseFloat(root.getPropertyValue("--blog-measure")) * rem,
    shown: img ? img.getBoundingClientRect().width * devicePixelRatio : 0,
    picked: img ? parseInt(/\.width-(\d+)\./.exec(img.currentSrc)[1]) : 0,
    document: document.documentElement.scrollWidth,
    screen: innerWidth,
  };
}"""
failures = []


def wait_for_server(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            urllib.request.urlopen(url, timeout=5)
            return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.5)


def expect(condition: bool, message: str) -> None:
    print(("ok   " if condition else "FAIL ") + message)
    if not condition:
        failures.append(message)


wait_for_server(BASE + "/blog/")
SHOTS.mkdir(parents=True, exist_ok=True)
with sync_playwright() as playwright:
    browser = playwright.chromium.launch(
        executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"]
    )
    for device, options in VIEWPORTS.items():
        page = browser.new_context(**options).new_page()
        for name, path in [("post", "/blog/vienna/"), ("index", "/blog/")]:
            page.goto(BASE + path)
            page.wait_for_function(
                "() => [...document.images].every(img => img.complete && img.naturalWidth)"
            )
            size = page.evaluate(MEASURE)
            where = f"{device} {path}: {size}"
            expect(
                size["column"] <= size["measure"] + 0.5, f"column within --blog-measure ({where})"
            )
            expect(size["document"] <= size["screen"], f"nothing wider than the screen ({where})")
            if device == "desktop":
                expect(size["column"] >= size["measure"] - 0.5, f"column at its width ({where})")
            if name == "post":
                expect(size["shown"] <= size["picked"], f"figure never upscaled ({where})")
            page.screenshot(
                path=SHOTS / f"starter-{name}-{device}.png", full_page=device == "phone"
            )
    browser.close()

if failures:
    sys.exit(f"{len(failures)} failed: {failures}")
