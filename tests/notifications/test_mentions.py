"""@handles: made from names, edited on the profile, rendered as links, offered as one types."""

from __future__ import annotations

import pytest

from agora.accounts.actions import update_profile
from agora.accounts.models import User
from agora.core.markdown import find_mentions, render_markdown
from agora.discussions.mentions import cook
from agora.spaces.models import Space
from tests.factories import UserFactory, add_member, make_space

pytestmark = pytest.mark.django_db


def test_handles_are_made_from_names_with_a_number_when_taken():
    first = UserFactory(name="Ada Lovelace")
    second = UserFactory(name="Ada  Lovelace")
    third = User.objects.create_user("ada3@example.test", name="Ada Lovelace")
    odd = UserFactory(name="李小龍")
    accented = UserFactory(name="Zoë Ñúñez-O'Brien")

    assert [first.handle, second.handle, third.handle] == [
        "ada-lovelace",
        "ada-lovelace2",
        "ada-lovelace3",
    ]
    assert odd.handle == "person"
    assert accented.handle == "zoe-nunez-obrien"


def test_a_handle_can_be_changed_on_the_profile_form(client_of, member):
    UserFactory(name="Taken Person")
    from tests.accounts.test_views import profile_data

    client = client_of(member)
    response = client.post(
        "/settings/profile/", profile_data(member, **{"account-handle": "@Mia_M"})
    )
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.handle == "mia_m"

    for value, message in (
        ("taken-person", "Someone already has this handle; choose another."),
        ("no spaces", "Use lowercase letters, digits, - and _ only"),
        ("-dash", "Use lowercase letters, digits, - and _ only"),
        ("", "This field is required."),
    ):
        response = client.post(
            "/settings/profile/", profile_data(member, **{"account-handle": value})
        )
        assert response.status_code == 400
        html = response.content.decode()
        assert message in html
        assert f'name="account-handle" value="{value}"' in html or value == ""
    member.refresh_from_db()
    assert member.handle == "mia_m"


def test_update_profile_checks_handles(member):
    UserFactory(name="Taken Person")
    with pytest.raises(Exception) as error:
        update_profile(editor=member, person=member, handle="taken-person")
    assert error.value.message_dict == {
        "handle": ["Someone already has this handle; choose another."]
    }


def test_the_profile_shows_the_handle(client_of, member):
    html = client_of(member).get(f"/people/{member.pk}/").content.decode()
    assert '<span aria-hidden="true">@</span>mia-member</p>' in html


def test_markdown_links_known_mentions_outside_code_and_addresses():
    people = {"ada": ("/people/1/", "Ada")}
    html = render_markdown(
        "@ada, `@ada`, ada@example.org, [@ada](https://x.org), @adam\n\n    @ada",
        mentions=people,
    )

    assert html.count('href="/people/1/"') == 1
    assert "<code>@ada</code>" in html
    assert "@adam" in html
    assert find_mentions("@Ada and @bob-2 but not `@carl` or x@dan or @-no") == ["ada", "bob-2"]
    assert render_markdown("@ada") == "<p>@ada</p>\n"


def test_cook_names_the_newly_mentioned_people_but_not_the_author(member, learner):
    gone = UserFactory(name="Gone Person", is_active=False)

    cooked = cook(
        f"@{learner.handle} @{member.handle} @{gone.handle} @nobody",
        author=member,
        previous="",
    )
    assert cooked.mentioned == [learner.pk]
    assert cooked.html.count("<a ") == 2
    assert (
        cook(f"again @{learner.handle}", author=member, previous=f"@{learner.handle}").mentioned
        == []
    )


# --- Autocomplete ------------------------------------------------------------------------


def test_mention_search_puts_members_of_the_space_first(client_of, space, member, facilitator):
    outside = UserFactory(name="Maria Outside")
    inside = UserFactory(name="Mira Inside")
    add_member(space, inside)

    response = client_of(facilitator).get("/people/mention/", {"q": "@M", "space": "data-club"})

    people = response.json()["people"]
    assert [(p["name"], p["handle"], p["in_space"]) for p in people] == [
        ("Mia Member", "mia-member", True),
        ("Mira Inside", "mira-inside", True),
        ("Maria Outside", "maria-outside", False),
    ]
    assert people[0]["url"] == f"/people/{member.pk}/"
    assert outside.pk == people[2]["id"]


def test_mention_search_matches_later_names_and_stops_at_eight(client_of, member):
    for n in range(10):
        UserFactory(name=f"Kim Lovelace{n}")

    people = client_of(member).get("/people/mention/", {"q": "love"}).json()["people"]

    assert len(people) == 8
    assert client_of(member).get("/people/mention/", {"q": ""}).json() == {"people": []}


def test_mention_search_shows_guests_only_people_they_share_a_space_with(
    client_of, guest, facilitator, member
):
    room = make_space(creator=facilitator, name="Room", visibility=Space.Visibility.SECRET)
    add_member(room, guest)

    people = client_of(guest).get("/people/mention/", {"q": "f", "space": "room"}).json()
    assert [p["name"] for p in people["people"]] == ["Fay Facilitator"]
    assert client_of(guest).get("/people/mention/", {"q": "mia"}).json() == {"people": []}


def test_mention_search_query_count_is_flat(client_of, member, space, assert_flat_query_count):
    client = client_of(member)

    assert_flat_query_count(
        lambda: client.get("/people/mention/", {"q": "p", "space": "data-club"}),
        grow=lambda: [add_member(space, UserFactory(name=f"Pat {n}")) for n in range(12)],
        limit=4,
    )


def test_reply_and_thread_boxes_offer_mentions(client_of, member, thread):
    html = client_of(member).get(thread.get_absolute_url()).content.decode()
    assert 'data-mention-url="/people/mention/"' in html
    html = client_of(member).get("/spaces/data-club/threads/new/").content.decode()
    assert 'data-mention-url="/people/mention/"' in html
    assert '<script src="/static/agora/mention.js" defer></script>' in html
