"""cms_blog: a first-class Wagtail blog with comments and a GraphQL API."""

__version__ = "0.1.0"
