from django.db import migrations
from wagtail.models import (
    BootstrapLocaleField,
    BootstrapTranslatableModel,
    BootstrapTranslationKeyField,
)


class Migration(migrations.Migration):
    dependencies = [
        ("host", "0001_initial"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [
        BootstrapLocaleField("host.BasePage"),
        BootstrapTranslationKeyField("host.BasePage"),
        BootstrapTranslatableModel("host.BasePage"),
    ]
