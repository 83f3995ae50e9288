"""The demo's own system check: it never serves in production with the key published in its
settings, with which anyone could sign preview tokens and comment cookies."""

from django.conf import settings
from django.core import checks


@checks.register(checks.Tags.security)
def check_secret_key(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    # DEMO_SECRET_KEY is the demo settings' own: settings without it (the tests') pass.
    if settings.DEBUG or getattr(settings, "DEMO_SECRET_KEY", None) != settings.SECRET_KEY:
        return []
    return [
        checks.Error(
            "DEBUG is off but SECRET_KEY is the demo's published fallback key.",
            hint="Set the SECRET_KEY environment variable to a long random value, e.g. the "
            "output of: python -c 'from django.core.management.utils import "
            "get_random_secret_key; print(get_random_secret_key())'",
            id="demo.E001",
        )
    ]
