"""Validators of what readers type, shared by the comment form and the search box."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# What Django decodes bytes that are not UTF-8 into, in request.POST and query strings alike
# (it decodes with errors="replace"): the text is no longer what the reader sent.
REPLACEMENT_CHARACTER = "\ufffd"


def validate_decodable(value: str) -> None:
    """Refuse text that arrived as invalid UTF-8 instead of storing or searching it mangled."""
    if REPLACEMENT_CHARACTER in value:
        raise ValidationError(
            _("This text could not be read (it is not valid UTF-8). Please type it again."),
            code="invalid_utf8",
        )
