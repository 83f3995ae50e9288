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
from ..validators import validate_decodable

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


def validate_visible(value: str) -> None:
    """Refuse a value that readers would not see: only spaces, zero-width or bidirectional
    controls (Unicode "other" and "separator" characters)."""
    if not any(unicodedata.category(char)[0] not in "CZ" for char in value):
        raise ValidationError(_("Write something readers can see."), code="invisible")


class WebsiteField(forms.URLField):
    """A URL field that reports one problem at a time, the blog's own checks first: a reader
    should not read "Enter a valid URL." and "Enter a website address…" for one address."""

    def run_validators(self, value: str) -> None:
        if value in self.empty_values:
            return
        own = [check for check in self.validators if check not in self.default_validators]
        for check in [*own, *self.default_validators]:
            check(value)


class CommentForm(forms.Form):
    """The reader's fields, with WordPress's length limits (checked, never truncated)."""

    body = forms.CharField(
        label=_("Comment"),
        max_length=Comment._meta.get_field("body").max_length,
        widget=forms.Textarea(attrs={"rows": 8, "cols": 45}),
        validators=[validate_decodable, validate_text, validate_visible],
    )
    author_name = forms.CharField(
        label=_("Name"),
        max_length=Comment._meta.get_field("author_name").max_length,
        validators=[validate_decodable, validate_single_line, validate_visible],
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    author_email = forms.EmailField(
        label=_("Email"),
        max_length=Comment._meta.get_field("author_email").max_length,
        validators=[validate_single_line],
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    author_url = WebsiteField(
        label=_("Website"),
        required=False,
        max_length=Comment._meta.get_field("author_url").max_length,
        assume_scheme="https",
        validators=[validate_decodable, validate_single_line, validate_web_url],
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

    def form_age(self) -> float | None:
        """Seconds since the form was shown, from its signed timestamp; None when that is missing,
        forged or issued for another post."""
        try:
            value = signing.Signer(salt=_TIMESTAMP_SALT).unsign(self.data.get("timestamp", ""))
            post_id, issued = (int(part) for part in value.split(":"))
        except (signing.BadSignature, ValueError):
            return None
        return time.time() - issued if post_id == self.post_id else None

    def looks_like_bot(self) -> bool:
        """True when the honeypot is filled or the form came back too fast (or with a forged or
        missing timestamp). Call after ``is_valid()``."""
        age = self.form_age()
        return (
            bool(self.data.get("homepage"))
            or age is None
            or (age < blog_settings.COMMENTS_MIN_SUBMIT_SECONDS)
        )

    def has_expired(self) -> bool:
        """True when the form was shown longer than ``COMMENTS_FORM_MAX_AGE`` ago: a page left
        open for days, or a form captured once and replayed."""
        age = self.form_age()
        return age is not None and age > blog_settings.COMMENTS_FORM_MAX_AGE

    def renew(self) -> None:
        """Keep the reader's input but give the form a fresh timestamp, to send it again."""
        self.data = self.data.copy()
        self.data["timestamp"] = form_timestamp(self.post_id)
