"""Post queries: the paginated list, one post (or its draft, with a preview token), tags."""

import graphene
from django.core.paginator import Paginator
from django.db.models import Count, Model, QuerySet, Window
from django.utils.translation import gettext as _
from graphql import GraphQLError, GraphQLResolveInfo
from taggit.models import Tag
from wagtail.models import Site

from ...cache.tags import POSTS, TAGS
from ...conf import blog_settings
from ...ids import parse_id
from ...models import BlogPostQuerySet, get_post_model
from ...preview import mark_preview, read_preview_token
from ...search import TooManyWords, read_results, search_posts, search_words
from ..loaders import record_tags
from ..site import site_posts
from .loaders import prime_posts
from .types import PaginationType, PostListType, PostOrderEnum, PostType, TagType

ORDERINGS = {
    PostOrderEnum.NEWEST.value: BlogPostQuerySet.newest_first,
    PostOrderEnum.OLDEST.value: BlogPostQuerySet.oldest_first,
}
DEFAULT_PER_PAGE = 10


class PostQueries(graphene.ObjectType):
    posts = graphene.Field(
        PostListType,
        required=True,
        page=graphene.Int(default_value=1, description="The page number, from 1."),
        per_page=graphene.Int(
            default_value=DEFAULT_PER_PAGE,
            description="Posts per page, capped by CMS_BLOG['GRAPHQL_MAX_PAGE_SIZE'].",
        ),
        tag=graphene.String(description="Only posts carrying the tag with this slug."),
        search=graphene.String(description="Only posts matching these words (title, intro, body)."),
        order=PostOrderEnum(default_value=PostOrderEnum.NEWEST.value, description="Date order."),
        description="Live, publicly visible posts of the request's site. perPage is capped by "
        "CMS_BLOG['GRAPHQL_MAX_PAGE_SIZE'].",
    )
    post = graphene.Field(
        PostType,
        id=graphene.ID(description="The post's Wagtail page id."),
        slug=graphene.String(description="The post's slug."),
        url_path=graphene.String(description="The post's path on the site, e.g. /blog/my-post/."),
        token=graphene.String(description="A preview token from the Wagtail admin's preview."),
        description="One post by Wagtail page id, slug or site-relative urlPath. Null when "
        "nothing visible matches.\nWith a valid preview `token` (from the Wagtail admin's "
        "preview) it returns the latest draft instead.",
    )
    tags = graphene.List(
        graphene.NonNull(TagType),
        required=True,
        description="Tags used by live, public posts, with how many posts carry each.",
    )

    @staticmethod
    def resolve_posts(
        root,
        info: GraphQLResolveInfo,
        page: int | None,
        per_page: int | None,
        order: str | None,
        tag: str | None = None,
        search: str | None = None,
    ) -> PostListType:
        # The arguments are nullable: an explicit null means the default, as a missing one does.
        page = 1 if page is None else page
        per_page = DEFAULT_PER_PAGE if per_page is None else per_page
        order = order or PostOrderEnum.NEWEST.value
        if page < 1 or per_page < 1:
            raise GraphQLError(_("page and perPage must be 1 or more."))
        per_page = min(per_page, blog_settings.GRAPHQL_MAX_PAGE_SIZE)
        # A variable arrives as the enum member, the default as its value.
        posts = ORDERINGS[getattr(order, "value", order)](site_posts(info.context))
        if tag:
            posts = posts.filter(tags__slug=tag) if comparable(tag) else posts.none()
        if search and search.strip():
            total, items = searched_page(posts, search, page, per_page)
        else:
            total, items = counted_page(posts, page, per_page)
        total_pages = -(-total // per_page)
        record_tags(info.context, [POSTS])
        return PostListType(
            items=prime_posts(info.context, items),
            pagination=PaginationType(
                total=total,
                count=len(items),
                per_page=per_page,
                current_page=page,
                prev_page=page - 1 if page > 1 else None,
                next_page=page + 1 if page < total_pages else None,
                total_pages=total_pages,
            ),
        )

    @staticmethod
    def resolve_post(
        root,
        info: GraphQLResolveInfo,
        id: str | None = None,  # noqa: A002 - the contract's argument name
        slug: str | None = None,
        url_path: str | None = None,
        token: str | None = None,
    ) -> Model | None:
        if token is not None:
            return draft_post(info, token, id)
        if id is None and slug is None and url_path is None:
            raise GraphQLError(_("Give the post's id, slug or urlPath."))
        posts = site_posts(info.context)
        if id is not None:
            posts = posts.filter(pk=parse_id(id))
        if slug is not None:
            posts = posts.filter(slug=slug) if comparable(slug) else posts.none()
        if url_path is not None:
            site = Site.find_for_request(info.context)
            # urlPath is relative to the site root; Wagtail stores the path from the tree root.
            path = "/".join(bit for bit in url_path.split("/") if bit)
            findable = site and comparable(path)
            posts = posts.filter(url_path=f"{site.root_page.url_path}{path}/" if findable else "")
        post = posts.newest_first().first()
        if post is None or slug is not None:
            # Which post answers is a question about the list: one published, moved or given
            # the slug (slugs are unique in one blog only) may answer next time.
            record_tags(info.context, [POSTS])
        return prime_posts(info.context, [post])[0] if post else None

    @staticmethod
    def resolve_tags(root, info: GraphQLResolveInfo) -> list[Tag]:
        record_tags(info.context, [TAGS])
        return list(site_posts(info.context).tags().order_by("name"))


def comparable(text: str) -> bool:
    """Whether a database can compare the text with a column: PostgreSQL refuses NUL characters,
    which no tag, slug or path holds anyway."""
    return "\x00" not in text


def page_of(posts: QuerySet, page: int, per_page: int) -> tuple[int, list[Model]]:
    """How many posts there are, and those of the page: none past the last page."""
    paginator = Paginator(posts, per_page)
    if not paginator.count or page > paginator.num_pages:
        return paginator.count, []
    return paginator.count, list(paginator.page(page).object_list)


def counted_page(posts: QuerySet, page: int, per_page: int) -> tuple[int, list[Model]]:
    """``page_of`` in one query instead of two: each row of the page carries the total, which
    the database counts over every matching row before the page is cut (a window function).
    Only a page past the last, with no row to carry it, counts apart."""
    start = (page - 1) * per_page
    items = list(posts.annotate(matching=Window(Count("pk")))[start : start + per_page])
    if items:
        return items[0].matching, items
    return (posts.count() if page > 1 else 0), []


def searched_page(
    posts: QuerySet, search: str, page: int, per_page: int
) -> tuple[int, list[Model]]:
    """``page_of`` the posts matching every word of the search: none when it holds no word, or
    when the search backend refuses it all the same (logged)."""
    try:
        words = search_words(search)
    except TooManyWords as error:
        raise GraphQLError(str(error)) from None
    if not words:
        return 0, []
    found = search_posts(posts, words)
    return read_results(lambda: page_of(found, page, per_page), (0, []), words)


def draft_post(info: GraphQLResolveInfo, token: str, id: str | None) -> Model:  # noqa: A002
    """The latest draft of the post a valid preview token was issued for. Every way a token
    can be wrong gives the same error, so a client learns nothing about the other pages."""
    mark_preview(info.context)
    page_id = read_preview_token(token)
    page = get_post_model().objects.filter(pk=page_id).first() if page_id else None
    if page is None or (id is not None and parse_id(id) != page_id):
        raise GraphQLError(_("The preview token is invalid or has expired."))
    # The draft stands in for its post for the rest of the request, wherever the post appears.
    return prime_posts(info.context, [page.get_latest_revision_as_object()], replace=True)[0]
