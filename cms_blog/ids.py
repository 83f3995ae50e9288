"""Record ids read from requests: query strings, form values, GraphQL IDs, rich-text link ids."""

# The largest value of the 64-bit id columns (SQLite raises OverflowError past it).
MAX_ID = 2**63 - 1


def parse_id(value: str | int | None) -> int | None:
    """A record id from a query string, an unvalidated form value or a GraphQL ``ID``; None
    (answered as "not found") unless it is written in ASCII digits ("²" passes ``str.isdigit()``
    but not ``int()``) and within 1..``MAX_ID`` (``int()`` never meets 5,000 digits)."""
    text = "" if value is None else str(value)
    if not (text.isascii() and text.isdigit() and len(text) <= len(str(MAX_ID))):
        return None
    return int(text) if 0 < int(text) <= MAX_ID else None
