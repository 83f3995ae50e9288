from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls

urlpatterns = [
    path("admin/", include(wagtailadmin_urls)),
    # The blog's URLs (comment form, GraphQL) come before Wagtail's catch-all page serving.
    path("", include("cms_blog.urls")),
    path("", include(wagtail_urls)),
]
