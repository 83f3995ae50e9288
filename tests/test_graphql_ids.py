"""IDs from clients: anything that is not a 64-bit id in ASCII digits is answered as not found,
on every database, never with an internal error."""

import pytest

from cms_blog.models import Comment
from tests.factories import make_comment
from tests.graphql_support import data_of

BAD_IDS = [
    "²",  # a Unicode digit that int() refuses
    "٣",  # an Arabic-Indic digit that int() reads as 3
    "99999999999999999999999",  # past 64 bits: SQLite raises OverflowError
    str(2**63),  # one past the largest id a database holds
    pytest.param("9" * 5000, id="5000-nines"),  # more digits than int() converts
    "0",  # ids start at 1
    "-1",  # negative
    " 1",  # padded
    "1.0",  # not an integer
    "",  # empty
    "abc",  # not a number
]

ADD = """
mutation ($input: AddCommentInput!) {
  addComment(input: $input) { status errors { field messages } }
}
"""


@pytest.fixture
def post(make_post):
    post = make_post("Here")
    make_comment(post, body="Hi")
    return post


@pytest.mark.parametrize("bad_id", [*BAD_IDS, str(2**63 - 1)])  # and the largest id: no such post
def test_post_and_comments_of_a_bad_id_are_not_found(client, post, bad_id):
    query = "query ($id: ID!) { post(id: $id) { id } comments(postId: $id) { id } }"
    assert data_of(client, query, {"id": bad_id}) == {"post": None, "comments": []}


def test_a_good_id_is_found_as_a_string_or_a_number(client, post):
    query = "query ($id: ID!) { post(id: $id) { title } comments(postId: $id) { body } }"
    found = {"post": {"title": "Here"}, "comments": [{"body": "Hi"}]}
    assert data_of(client, query, {"id": str(post.pk)}) == found
    assert data_of(client, query, {"id": post.pk}) == found


@pytest.mark.parametrize("field", ["postId", "parentId"])
@pytest.mark.parametrize("bad_id", BAD_IDS)
def test_add_comment_refuses_a_bad_id(client, post, field, bad_id):
    values = {"postId": str(post.pk), "authorName": "Ann", "authorEmail": "ann@example.com"}
    variables = {"input": values | {"body": "Nice", field: bad_id}}
    result = data_of(client, ADD, variables)["addComment"]
    assert result == {
        "status": None,
        "errors": [{"field": field, "messages": ["Enter a valid id."]}],
    }
    assert Comment.objects.count() == 1
