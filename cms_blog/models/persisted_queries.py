"""GraphQL documents registered by ``manage.py register_graphql_documents``: the durable part of
the persisted queries (``cms_blog/graphql/persisted.py``)."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class PersistedQuery(models.Model):
    """A document a client may run by its SHA-256 (and the only kind that runs in allow-list
    mode)."""

    sha256 = models.CharField(_("SHA-256"), max_length=64, unique=True)
    document = models.TextField(_("document"))
    registered_at = models.DateTimeField(_("registered"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("persisted GraphQL query")
        verbose_name_plural = _("persisted GraphQL queries")

    def __str__(self) -> str:
        return self.sha256
