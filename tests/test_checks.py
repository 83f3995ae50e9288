"""System checks: a misconfigured site hears about it at ``manage.py check``."""

import pytest
from django.core.checks import Error, Warning, run_checks
from django.test import override_settings

from cms_blog.checks import REQUIRED_APPS, check_body_blocks, check_settings
from cms_blog.conf import DEFAULTS, RENAMED, TYPES, blog_settings
from cms_blog.models import get_post_model


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
        ({"MAX_DEPTH": 3}, ["cms_blog.W002"]),  # renamed in 0.2: still works, with a warning
        ({"COMMENTS_MAX_DEPTH": "3"}, ["cms_blog.E004"]),  # a number, not a string
        ({"COMMENTS_STORE_IP": 1}, ["cms_blog.E004"]),  # a bool, not a number
        ({"INDEX_PAGE_SIZE": True}, ["cms_blog.E004"]),  # True is no page size
        ({"COMMENTS_CLOSE_AFTER_DAYS": None, "PREVIEW_URL": None}, []),  # None where allowed
        ({"MODERATION_RULES": "cms_blog.comments.rules.bot_traps"}, ["cms_blog.E004"]),  # a list
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


# Each renamed key with a valid value other than its default.
OLD_KEYS = {
    "PAGE_SIZE": 3,
    "MAX_PAGE_SIZE": 50,
    "STORE_IP": False,
    "CLOSE_AFTER_DAYS": 14,
    "MAX_DEPTH": 3,
    "MODERATION": "all",
    "MAX_LINKS": 4,
    "MODERATION_WORDS": ["casino"],
    "DISALLOWED_WORDS": ["pills"],
    "FLOOD_SECONDS": 30,
    "MIN_SUBMIT_SECONDS": 1,
    "SPAM_CHECKER": "myapp.spam.check",
    "SPAM_CHECK_TIMEOUT": 2,
    "NOTIFY_EMAILS": ["moderator@example.com"],
    "REMEMBER_COMMENTER": False,
    "GRAPHIQL": True,
    "ALLOWED_IMAGE_FILTERS": ["original"],
}


def test_every_renamed_key_is_tested():
    assert set(OLD_KEYS) == set(RENAMED)


@pytest.mark.parametrize(("old", "value"), OLD_KEYS.items())
def test_renamed_keys_keep_working_for_one_release(old, value):
    new = RENAMED[old]
    with override_settings(CMS_BLOG={old: value}):
        assert getattr(blog_settings, new) == value != DEFAULTS[new]
        [warning] = check_settings()
    assert warning.id == "cms_blog.W002"
    assert warning.msg == f"CMS_BLOG[{old!r}] is now CMS_BLOG[{new!r}]."


def test_a_renamed_key_of_the_wrong_type_is_reported_too():
    with override_settings(CMS_BLOG={"MAX_DEPTH": "3"}):
        assert check_ids() == ["cms_blog.W002", "cms_blog.E004"]


def test_the_new_name_wins_over_the_old_one():
    with override_settings(CMS_BLOG={"MAX_DEPTH": 2, "COMMENTS_MAX_DEPTH": 7}):
        assert blog_settings.COMMENTS_MAX_DEPTH == 7


def test_every_key_has_a_type_and_every_default_has_it():
    assert set(TYPES) == set(DEFAULTS)
    assert set(RENAMED.values()) <= set(DEFAULTS)
    for key, default in DEFAULTS.items():
        assert isinstance(default, TYPES[key]), key


def test_a_wrong_type_names_what_is_expected():
    with override_settings(CMS_BLOG={"COMMENTS_FLOOD_SECONDS": "15"}):
        [error] = check_settings()
    assert error.msg == "CMS_BLOG['COMMENTS_FLOOD_SECONDS'] must be int or float, not '15'."


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
    # The values are resolved once per change of CMS_BLOG: the override's end is one.
    assert DEFAULTS["INDEX_PAGE_SIZE"] == blog_settings.INDEX_PAGE_SIZE
    with pytest.raises(AttributeError):
        blog_settings.PAGE_SIZ  # noqa: B018  (a typo in code fails loudly too)


@pytest.mark.parametrize(
    ("graphql_type", "problem"),
    [
        ("", "has none"),  # a block that names no type
        ("myapp.graphql.Missing", "names 'myapp.graphql.Missing', which does not import"),
    ],
)
def test_a_body_block_without_a_graphql_type_is_an_error(monkeypatch, graphql_type, problem):
    quote = get_post_model().body.field.stream_block.child_blocks["quote"]
    monkeypatch.setattr(quote, "graphql_type", graphql_type)

    [error] = check_body_blocks()

    assert error.id == "cms_blog.E006"
    assert error.msg.startswith(f"The GraphQL type of body block 'quote' (QuoteBlock) {problem}")
