from django.apps import AppConfig


class HostConfig(AppConfig):
    name = "tests.custom_base_page.host"
    label = "host"
    default_auto_field = "django.db.models.BigAutoField"
