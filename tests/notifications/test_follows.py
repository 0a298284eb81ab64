"""Following threads and spaces: the actions and the toggle buttons."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from agora.discussions import actions
from agora.discussions.models import Follow
from agora.spaces.models import Space
from tests.factories import make_space

pytestmark = pytest.mark.django_db


def follows() -> list[tuple]:
    return sorted(Follow.objects.values_list("user__name", "thread__title", "space__name"))


def test_follow_and_unfollow_are_idempotent(thread, space, learner):
    actions.follow_thread(user=learner, thread=thread)
    actions.follow_thread(user=learner, thread=thread)
    actions.follow_space(user=learner, space=space)
    actions.follow_space(user=learner, space=space)
    assert Follow.objects.filter(user=learner).count() == 2

    actions.unfollow_thread(user=learner, thread=thread)
    actions.unfollow_thread(user=learner, thread=thread)
    actions.unfollow_space(user=learner, space=space)
    assert Follow.objects.filter(user=learner).exists() is False


def test_only_readers_may_follow(facilitator, outsider):
    private = make_space(creator=facilitator, name="Club", visibility=Space.Visibility.PRIVATE)
    thread = actions.start_thread(author=facilitator, space=private, title="Plans")

    with pytest.raises(PermissionDenied):
        actions.follow_thread(user=outsider, thread=thread)
    with pytest.raises(PermissionDenied):
        actions.follow_space(user=outsider, space=private)
    assert Follow.objects.exists() is False


def test_anyone_in_the_organization_may_follow_an_open_space(space, outsider):
    actions.follow_space(user=outsider, space=space)
    assert follows() == [("Otto Outsider", None, "Data Club")]


def test_the_thread_page_has_a_follow_toggle(client_of, thread, member, learner):
    follow_url = f"/spaces/data-club/threads/{thread.pk}/follow/"
    html = client_of(learner).get(thread.get_absolute_url()).content.decode()
    assert f'action="{follow_url}"' in html
    assert '<input type="hidden" name="follow" value="1">' in html
    assert ">Follow thread</button>" in html

    # The author follows the thread they started (once its event is delivered).
    html = client_of(member).get(thread.get_absolute_url()).content.decode()
    assert ">Unfollow thread</button>" in html


def test_following_a_thread_without_javascript(client_of, thread, learner):
    client = client_of(learner)
    url = f"/spaces/data-club/threads/{thread.pk}/follow/"

    response = client.post(url, {"follow": "1"}, follow=True)

    assert response.redirect_chain == [(thread.get_absolute_url(), 302)]
    html = response.content.decode()
    assert "You will be told of new posts here." in html
    assert ">Unfollow thread</button>" in html
    assert Follow.objects.filter(user=learner, thread=thread).exists()

    client.post(url, {"follow": "0"})
    assert Follow.objects.filter(user=learner, thread=thread).exists() is False


def test_following_a_space_with_htmx_swaps_the_button(client_of, space, learner):
    client = client_of(learner)
    html = client.get("/spaces/data-club/threads/").content.decode()
    assert ">Follow space</button>" in html

    response = client.post("/spaces/data-club/follow/", {"follow": "1"}, HTTP_HX_REQUEST="true")

    html = response.content.decode()
    assert html.startswith('<form method="post" action="/spaces/data-club/follow/"')
    assert ">Unfollow space</button>" in html
    assert follows() == [("Lou Learner", None, "Data Club")]
    assert ">Unfollow space</button>" in client.get("/spaces/data-club/threads/").content.decode()


def test_follow_toggle_refuses_bad_input_and_unreadable_things(
    client_of, thread, facilitator, outsider
):
    secret = make_space(creator=facilitator, name="Board", visibility=Space.Visibility.SECRET)
    private = make_space(creator=facilitator, name="Club", visibility=Space.Visibility.PRIVATE)
    client = client_of(outsider)

    bad = client.post(f"/spaces/data-club/threads/{thread.pk}/follow/", {"follow": "yes"})
    assert bad.status_code == 400
    assert client.post(f"/spaces/{secret.slug}/follow/", {"follow": "1"}).status_code == 404
    assert client.post(f"/spaces/{private.slug}/follow/", {"follow": "1"}).status_code == 403
    assert client.get(f"/spaces/{private.slug}/follow/").status_code == 405
    assert Follow.objects.filter(user=outsider).exists() is False
