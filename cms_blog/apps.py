from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CmsBlogConfig(AppConfig):
    name = "cms_blog"
    label = "cms_blog"
    verbose_name = _("Blog")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import changes, checks  # noqa: F401  (checks: registers the system checks)

        changes.connect()
