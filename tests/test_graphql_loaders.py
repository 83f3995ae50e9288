"""The request's loaders (cms_blog/graphql/loaders.py): every id primed so far loads in one batch,
and an id nothing primed loads with an UnbatchedLoadWarning, which fails the test suite."""

from types import SimpleNamespace

import graphene
import pytest
from django.test import RequestFactory

from cms_blog.graphql.loaders import Loader, UnbatchedLoadWarning, prime
from cms_blog.graphql.posts.loaders import prime_posts
from cms_blog.graphql.posts.types import PostType
from cms_blog.graphql.schema import BLOG_TYPES
from cms_blog.graphql.site import site_posts


class SquareLoader(Loader[int, int]):
    kind = "number"

    def batch_load(self, keys: list[int]) -> dict[int, int]:
        self.batches = [*getattr(self, "batches", []), keys]
        return {key: key * key for key in keys if key >= 0}


class CubeLoader(Loader[int, int]):
    kind = "number"

    def batch_load(self, keys: list[int]) -> dict[int, int]:
        return {key: key**3 for key in keys}


def test_one_loader_per_request_and_class():
    request, other_request = SimpleNamespace(), SimpleNamespace()
    assert SquareLoader(request) is SquareLoader(request)
    assert SquareLoader(request) is not SquareLoader(other_request)
    assert SquareLoader(request) is not CubeLoader(request)


def test_every_id_primed_so_far_loads_in_one_batch():
    request = SimpleNamespace()
    prime(request, "number", [1, 2, -1])
    loader = SquareLoader(request)
    assert [loader.load(key) for key in (2, 1, 2, -1)] == [4, 1, 4, None]
    prime(request, "number", [3, 4])
    assert loader.load_many([4, 3, 1]) == [16, 9, 1]
    # Ids primed after a batch make one more batch, whatever their number.
    assert loader.batches == [[1, 2, -1], [3, 4]]


def test_loaders_of_one_kind_share_the_ids_primed():
    request = SimpleNamespace()
    assert SquareLoader(request).prime(5, 25) == 25
    assert CubeLoader(request).load(5) == 125  # primed, so no warning


def test_the_first_value_primed_stays_unless_replaced():
    request = SimpleNamespace()
    squares, cubes = SquareLoader(request), CubeLoader(request)
    assert cubes.prime(2, 8) == 8
    assert cubes.prime(2, "other") == 8
    assert squares.load(2) == 4
    assert cubes.prime(2, "other", replace=True) == "other"
    # Every loader of the kind forgot what it had for the id: it loads it again.
    assert squares.load(2) == 4
    assert squares.batches == [[2], [2]]


def test_an_id_nothing_primed_loads_alone_with_a_warning():
    with pytest.warns(UnbatchedLoadWarning, match=r"SquareLoader loaded \[7\], which no resolver"):
        assert SquareLoader(SimpleNamespace()).load(7) == 49


def test_the_suite_makes_the_warning_an_error():
    # pyproject.toml's filterwarnings: a resolver that loads row by row fails its test.
    with pytest.raises(UnbatchedLoadWarning):
        SquareLoader(SimpleNamespace()).load(7)


class ForgetfulQuery(graphene.ObjectType):
    """A host's field returning posts: it must prime them, or each post loads alone."""

    forgetful = graphene.List(PostType, description="Posts returned without priming them.")
    primed = graphene.List(PostType, description="Posts returned through prime_posts.")

    @staticmethod
    def resolve_forgetful(root, info) -> list:
        return list(site_posts(info.context))

    @staticmethod
    def resolve_primed(root, info) -> list:
        return prime_posts(info.context, site_posts(info.context))


@pytest.mark.parametrize("field, fails", [("forgetful", True), ("primed", False)])
def test_a_resolver_that_does_not_prime_fails(make_post, field, fails):
    make_post("One", tags=["a"])
    make_post("Two", tags=["b"])
    schema = graphene.Schema(query=ForgetfulQuery, types=BLOG_TYPES)
    result = schema.execute(
        f"{{ {field} {{ tags {{ name }} }} }}", context_value=RequestFactory().get("/")
    )
    errors = [error.original_error for error in result.errors or []]
    assert [type(error) for error in errors] == ([UnbatchedLoadWarning] * 2 if fails else [])
