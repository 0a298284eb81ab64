"""The page shape of every API list, from sync and async views alike."""

from __future__ import annotations

from asgiref.sync import async_to_sync

from agora.accounts.models import User
from agora.api.pagination import PageQuery, Pages
from tests.factories import UserFactory


def test_sync_and_async_lists_give_the_same_page(db):
    people = [UserFactory(name=name) for name in ("Ann", "Bob", "Cy")]
    queryset = User.objects.order_by("name")
    pages = Pages(page_size=20)
    query = PageQuery(page=2, page_size=2)
    sync = pages.paginate_queryset(queryset, query, request=None)
    from_async = async_to_sync(pages.apaginate_queryset)(queryset, query, request=None)
    for result in (sync, from_async):
        assert {**result, "items": list(result["items"])} == {
            "count": 3,
            "page": 2,
            "page_size": 2,
            "items": [people[2]],
        }


def test_the_default_page_size_is_the_lists_own(db):
    UserFactory.create_batch(3)
    result = Pages(page_size=2).paginate_queryset(User.objects.order_by("pk"), PageQuery(), None)
    assert (result["count"], result["page"], result["page_size"], len(result["items"])) == (
        3,
        1,
        2,
        2,
    )
