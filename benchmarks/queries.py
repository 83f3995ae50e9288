"""The GraphQL documents the benchmarks time: every field a post card or page shows, with a
rendition and a ``srcSet`` per figure and two levels of replies."""

POST_FIELDS = """
  title url date tags { name } sources { number citation }
  body { blockType ... on TextBlock { html }
    ... on FigureBlock { caption altText source { number }
      image { url rendition(width: 800) { url } srcSet(sizes: [400, 800]) } }
    ... on VideoBlock { embedUrl } ... on QuoteBlock { text attribution } }
  commentCount comments { authorName bodyHtml replies { authorName replies { authorName } } }
"""


def list_query(per_page: int) -> str:
    """A page of ``per_page`` posts, each with ``POST_FIELDS``."""
    return f"{{ posts(perPage: {per_page}) {{ items {{ {POST_FIELDS} }} }} }}"
