"""System checks: a misconfigured site hears about it at ``manage.py check``."""

import pytest
from django.core.checks import Error, Warning, run_checks
from django.test import override_settings

from cms_blog.checks import REQUIRED_APPS, check_settings
from cms_blog.conf import DEFAULTS, blog_settings


def check_ids() -> list[str]:
    return [message.id for message in check_settings()]


@pytest.mark.parametrize(
    ("cms_blog", "ids"),
    [
        (None, []),  # not configured at all: every default applies
        ({}, []),  # configured empty
        ({"INDEX_PAGE_SIZE": 5, "COMMENTS_MODERATION": "all"}, []),  # known keys, valid values
        ({"PAGE_SIZ": 5}, ["cms_blog.W001"]),  # a typo is reported, not silently ignored
        ({"B": 1, "A": 2}, ["cms_blog.W001", "cms_blog.W001"]),  # one warning per unknown key
        ({"COMMENTS_MODERATION": "sometimes"}, ["cms_blog.E003"]),  # moderation has three modes
        (["PAGE_SIZE", 5], ["cms_blog.E002"]),  # not a dict
    ],
)
def test_settings_check(cms_blog, ids):
    with override_settings(CMS_BLOG=cms_blog):
        assert check_ids() == ids


def test_unknown_key_warning_names_the_key():
    with override_settings(CMS_BLOG={"PAGE_SIZ": 5}):
        [warning] = check_settings()
    assert isinstance(warning, Warning)
    assert warning.msg == "Unknown CMS_BLOG setting 'PAGE_SIZ'."
    assert "docs/settings.md" in warning.hint


# Wagtail 8 apps that mount API routers in ready() (wagtail.images, wagtail.contrib.redirects, …)
# cannot be made ready twice in one process, so the app lists below leave them out.
APPS_BUT_IMAGES = [
    "cms_blog",
    *(app for app in REQUIRED_APPS if app != "wagtail.images"),
    "django.contrib.auth",
    "django.contrib.contenttypes",
]


def missing_apps() -> set[str]:
    """The apps the E001 errors of the check name."""
    errors = [error for error in check_settings() if error.id == "cms_blog.E001"]
    assert all(isinstance(error, Error) for error in errors)
    return {error.msg.removeprefix("cms_blog needs '").split("'")[0] for error in errors}


def test_required_apps_include_wagtail_images():
    with override_settings(INSTALLED_APPS=APPS_BUT_IMAGES):
        assert missing_apps() == {"wagtail.images"}


@pytest.mark.parametrize("app", [app for app in REQUIRED_APPS if app != "wagtail.images"])
def test_missing_required_app_is_an_error(app):
    with override_settings(INSTALLED_APPS=[name for name in APPS_BUT_IMAGES if name != app]):
        assert missing_apps() == {app, "wagtail.images"}


def test_demo_settings_pass_every_check():
    # What CI runs as `manage.py check --fail-level WARNING`, minus the deployment checks.
    assert [message for message in run_checks() if message.id.startswith("cms_blog.")] == []


def test_settings_accessor_reads_overrides_and_defaults():
    with override_settings(CMS_BLOG={"INDEX_PAGE_SIZE": 3}):
        assert blog_settings.INDEX_PAGE_SIZE == 3
        assert DEFAULTS["GRAPHQL_MAX_PAGE_SIZE"] == blog_settings.GRAPHQL_MAX_PAGE_SIZE
    with pytest.raises(AttributeError):
        blog_settings.PAGE_SIZ  # noqa: B018  (a typo in code fails loudly too)
