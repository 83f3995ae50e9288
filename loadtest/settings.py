"""The demo's settings as the load test serves them (loadtest/run.py): every request carries a
reader address in X-Forwarded-For, as behind a proxy, so the flood limit sees many readers; the
anti-bot delay is off so a script can post at once; warnings and tracebacks go to stderr, which
run.py counts."""

from demo.settings import *  # noqa: F403

CMS_BLOG = {"TRUSTED_PROXY_HEADER": "HTTP_X_FORWARDED_FOR", "COMMENTS_MIN_SUBMIT_SECONDS": 0}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"  # moderation mails: not printed

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"stderr": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["stderr"], "level": "WARNING"},
    # One line per ignored Redis error, not its traceback: the outage phase makes thousands.
    "loggers": {"django_redis": {"level": "CRITICAL"}},
}
