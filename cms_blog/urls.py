"""URLs of the blog (comment form, GraphQL).

Include them before Wagtail's own: ``path("", include(cms_blog.urls))``."""

from django.urls import path

from .comments import views
from .graphql.views import BlogGraphQLView

app_name = "cms_blog"

urlpatterns = [
    path("comments/post/<int:post_id>/", views.post_comment, name="post_comment"),
    path("graphql/", BlogGraphQLView.as_view(), name="graphql"),
]
