"""WordPress users (post authors, logged-in commenters) matched to the site's user accounts by
username or email. No account is ever created: an author with no match is reported."""

from django.contrib.auth import get_user_model
from django.db.models import Q

from .wxr import Author


class UserDirectory:
    def __init__(self, authors: dict[str, Author]) -> None:
        self.model = get_user_model()
        self.username_field = self.model.USERNAME_FIELD
        self.email_field = self.model.get_email_field_name()
        self.authors = authors
        self.authors_by_id = {author.wp_id: author for author in authors.values()}
        self.by_email: dict[str, int | None] = {}
        self.by_login: dict[str, int] = {}
        logins = [author.login for author in authors.values() if author.login]
        if logins:
            self.by_login = dict(
                self.model._default_manager.filter(
                    **{f"{self.username_field}__in": logins}
                ).values_list(self.username_field, "pk")
            )
        self.lookup_emails([author.email for author in authors.values()])

    def lookup_emails(self, emails: list[str]) -> None:
        """Find the accounts of these emails (case-insensitively), in one query."""
        wanted = {email.lower() for email in emails if email} - set(self.by_email)
        if not wanted:
            return
        query = Q()
        for email in wanted:
            query |= Q(**{f"{self.email_field}__iexact": email})
        found = self.model._default_manager.filter(query).values_list(self.email_field, "pk")
        for email, pk in found:
            self.by_email.setdefault(email.lower(), pk)
        for email in wanted:
            self.by_email.setdefault(email, None)

    def for_author(self, login: str) -> int | None:
        """The account of a post's author (``dc:creator`` is the author's login)."""
        if login in self.by_login:
            return self.by_login[login]
        author = self.authors.get(login)
        return self.by_email.get(author.email.lower()) if author and author.email else None

    def for_commenter(self, wp_user_id: int, email: str) -> int | None:
        """The account of a comment written by a logged-in WordPress user. Comments by guests
        (user id 0) are never linked, even with a user's email: anybody can type one."""
        if not wp_user_id:
            return None
        author = self.authors_by_id.get(wp_user_id)
        if author is not None and author.login in self.by_login:
            return self.by_login[author.login]
        email = (author.email if author and author.email else email).lower()
        return self.by_email.get(email) if email else None
