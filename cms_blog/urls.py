"""URLs of the blog (comment form, GraphQL).

Include them before Wagtail's own: ``path("", include(cms_blog.urls))``."""

app_name = "cms_blog"

urlpatterns: list = []
