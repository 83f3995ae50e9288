"""Forms of the comment system: the fields every submission is validated with, and the page form
that adds the anti-bot traps."""

import time
import unicodedata

from django import forms
from django.core import signing
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from ..conf import blog_settings
from ..models.comments import (
    Comment,
    validate_web_url,  # on the model field too: every path checks it
)

# Tab, line feed and carriage return are how people write multi-line comments.
_TEXT_WHITESPACE = frozenset("\t\n\r")
_TIMESTAMP_SALT = "cms_blog.comment-form.timestamp"


def _control_characters(value: str, allowed: frozenset[str] = frozenset()) -> set[str]:
    # NUL is left to Django's ProhibitNullCharactersValidator, which every CharField runs already.
    return {
        char
        for char in value
        if char != "\x00" and char not in allowed and unicodedata.category(char) == "Cc"
    }


def validate_single_line(value: str) -> None:
    """Refuse control characters (line breaks included) in one-line fields."""
    if _control_characters(value):
        raise ValidationError(_("Control characters are not allowed."), code="control_character")


def validate_text(value: str) -> None:
    """Refuse control characters other than tabs and line breaks in the comment text."""
    if _control_characters(value, _TEXT_WHITESPACE):
        raise ValidationError(_("Control characters are not allowed."), code="control_character")


class CommentForm(forms.Form):
    """The reader's fields, with WordPress's length limits (checked, never truncated)."""

    body = forms.CharField(
        label=_("Comment"),
        max_length=Comment._meta.get_field("body").max_length,
        widget=forms.Textarea(attrs={"rows": 8, "cols": 45}),
        validators=[validate_text],
    )
    author_name = forms.CharField(
        label=_("Name"),
        max_length=Comment._meta.get_field("author_name").max_length,
        validators=[validate_single_line],
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    author_email = forms.EmailField(
        label=_("Email"),
        max_length=Comment._meta.get_field("author_email").max_length,
        validators=[validate_single_line],
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    author_url = forms.URLField(
        label=_("Website"),
        required=False,
        max_length=Comment._meta.get_field("author_url").max_length,
        assume_scheme="https",
        validators=[validate_single_line, validate_web_url],
        widget=forms.URLInput(attrs={"autocomplete": "url"}),
    )

    def clean_body(self) -> str:
        # Browsers send CRLF from a textarea; store one kind of line break.
        return self.cleaned_data["body"].replace("\r\n", "\n").replace("\r", "\n")


def form_timestamp(post_id: int, issued_at: float | None = None) -> str:
    """The signed "form shown at" value of the page form for one post."""
    issued = int(time.time() if issued_at is None else issued_at)
    return signing.Signer(salt=_TIMESTAMP_SALT).sign(f"{post_id}:{issued}")


class CommentPageForm(CommentForm):
    """The form on the post page: the reader's fields plus the reply target and two bot traps,
    a honeypot field people never see and a signed timestamp of when the form was shown."""

    parent_id = forms.IntegerField(
        required=False,
        widget=forms.HiddenInput,
        error_messages={"invalid": _("You can only reply to a published comment on this post.")},
    )
    # The honeypot: hidden (the template's `hidden` attribute); only bots fill it in.
    homepage = forms.CharField(
        required=False,
        label=_("Leave this field empty"),
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )
    timestamp = forms.CharField(required=False, widget=forms.HiddenInput)
    # WordPress's opt-in for its commenter cookie (cookies.py); COMMENTS_REMEMBER_COMMENTER=False
    # drops it.
    remember = forms.BooleanField(
        required=False,
        label=_("Save my name, email, and website in this browser for the next time I comment."),
    )

    def __init__(self, *args, post_id: int, **kwargs) -> None:
        self.post_id = post_id
        kwargs.setdefault("initial", {}).setdefault("timestamp", form_timestamp(post_id))
        # WordPress's look: "Name *", no colon.
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        if not blog_settings.COMMENTS_REMEMBER_COMMENTER:
            del self.fields["remember"]

    def looks_like_bot(self) -> bool:
        """True when the honeypot is filled or the form came back too fast (or with a forged or
        missing timestamp). Call after ``is_valid()``."""
        if self.data.get("homepage"):
            return True
        try:
            value = signing.Signer(salt=_TIMESTAMP_SALT).unsign(self.data.get("timestamp", ""))
            post_id, issued = (int(part) for part in value.split(":"))
        except (signing.BadSignature, ValueError):
            return True
        return (
            post_id != self.post_id
            or time.time() - issued < blog_settings.COMMENTS_MIN_SUBMIT_SECONDS
        )
