"""The expert finder's pages and API: results with reasons, filters, bad input, query counts."""

from __future__ import annotations

import pytest
from django.urls import reverse

from agora.accounts import actions as account_actions
from agora.accounts.models import Skill, SkillClaim, User
from agora.core.events import redeliver_pending
from agora.discussions import actions as talk
from agora.discussions.models import Thread
from agora.experts import actions as expert_actions
from agora.experts import people_index, search_queries
from agora.spaces.models import Space
from tests.factories import UserFactory, add_member, make_space

pytestmark = pytest.mark.django_db

BAD_QUERIES = [
    "",
    "   ",
    "x" * 1000,
    "!!! ??? ...",
    "'; DROP TABLE accounts_user; --",
    '" OR 1=1 --',
    "NEAR(kube",
    "*",
    "-kubernetes",
    "kube*",
    "a:b | c & !d",
    "\x00",
]


@pytest.fixture
def kube_org(db, django_capture_on_commit_callbacks):
    admin = UserFactory(name="Ada Admin", org_role=User.OrgRole.ADMIN)
    k8s = Skill.objects.create(name="Kubernetes")
    Skill.objects.create(name="Helm", parent=k8s)
    strong = UserFactory(name="Kim Kube", profile={"title": "SRE", "department": "Platform"})
    learner = UserFactory(name="Lee Learner", profile={"department": "Platform"})
    with django_capture_on_commit_callbacks(execute=True):
        account_actions.set_skills(
            editor=learner, person=learner, claims=[{"skill": "Kubernetes", "level": "learning"}]
        )
        space = make_space(
            creator=admin, members=(strong, learner), visibility=Space.Visibility.OPEN
        )
        space.skills.add(k8s)
        thread = talk.start_thread(
            author=learner,
            space=space,
            title="Pods restart",
            kind=Thread.Kind.QUESTION,
            skills=[k8s],
        )
        reply = talk.post_reply(author=strong, thread=thread, body="Check the probes.")
        talk.accept_answer(actor=learner, thread=thread, reply=reply)
    redeliver_pending()
    return admin, strong, learner, k8s


def grow(admin: User, count: int) -> None:
    """More people who know Kubernetes, each with an accepted answer."""
    k8s = Skill.objects.get(name="Kubernetes")
    space = Space.objects.filter(skills=k8s).first()
    for n in range(count):
        person = UserFactory(name=f"Kube Person {n}", profile={"department": "Platform"})
        add_member(space, person)
        SkillClaim.objects.create(user=person, skill=k8s, level="expert")
        thread = talk.start_thread(
            author=admin,
            space=space,
            title=f"Question {n}",
            kind=Thread.Kind.QUESTION,
            skills=[k8s],
        )
        talk.accept_answer(
            actor=admin,
            thread=thread,
            reply=talk.post_reply(author=person, thread=thread, body="Answer"),
        )
    redeliver_pending()
    people_index.rebuild()


def test_results_show_why(kube_org, client_of):
    admin, _strong, _learner, _k8s = kube_org
    response = client_of(admin).get(reverse("expert_search"), {"q": "kube"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Kim <mark>Kube</mark>" in html
    assert "1 accepted answer on Kubernetes" in html
    assert html.index("Kim <mark>Kube") < html.index("Lee Learner")


def test_htmx_gets_the_results_fragment(kube_org, client_of):
    admin, *_ = kube_org
    response = client_of(admin).get(
        reverse("expert_search"), {"q": "kubernetes"}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    assert response.content.decode().lstrip().startswith('<div id="expert-results"')


@pytest.mark.parametrize("text", BAD_QUERIES)
def test_bad_queries_get_a_clear_answer(kube_org, client_of, text):
    admin, *_ = kube_org
    response = client_of(admin).get(reverse("expert_search"), {"q": text})
    assert response.status_code in (200, 400)
    api = client_of(admin).get("/api/v1/experts", {"q": text})
    assert api.status_code in (200, 422)


@pytest.mark.parametrize(
    "params",
    [
        {"department": "Nowhere"},
        {"location": "Atlantis"},
        {"time_zone": "Mars/Olympus"},
        {"level": "wizard"},
    ],
)
def test_unknown_filters_are_a_form_error(kube_org, client_of, params):
    admin, *_ = kube_org
    response = client_of(admin).get(reverse("expert_search"), {"q": "kube", **params})
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    api = client_of(admin).get("/api/v1/experts", {"q": "kube", **params})
    assert api.status_code == 422


def test_filters_narrow_the_results(kube_org, client_of):
    admin, *_ = kube_org
    response = client_of(admin).get(
        reverse("expert_search"), {"q": "kubernetes", "level": "learning"}
    )
    html = response.content.decode()
    assert "Lee Learner" in html
    assert "Kim Kube" not in html


def test_api_has_the_same_contract(kube_org, client_of):
    admin, strong, *_ = kube_org
    response = client_of(admin).get("/api/v1/experts", {"q": "k8s kube"})
    assert response.status_code == 200, response.content
    response = client_of(admin).get("/api/v1/experts", {"q": "kubernetes"})
    data = response.json()
    assert data["count"] == 2
    first = data["items"][0]
    assert first["id"] == strong.pk
    assert first["skills"][0]["name"] == "Kubernetes"
    assert first["skills"][0]["accepted_answers"] == 1
    assert first["skills"][0]["reason"] == "1 accepted answer on Kubernetes"
    assert first["availability"] == "available"


def test_skill_page(kube_org, client_of):
    admin, _strong, _learner, k8s = kube_org
    response = client_of(admin).get(reverse("skill_detail", args=[k8s.slug]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Kim Kube" in html
    assert "Learning it" in html
    assert "Lee Learner" in html
    assert "Helm" in html
    assert "Pods restart" in html
    assert client_of(admin).get(reverse("skill_detail", args=["no-such-skill"])).status_code == 404


def test_guests_see_no_one_they_share_no_space_with(kube_org, client_of):
    _admin, *_ = kube_org
    guest = UserFactory(org_role=User.OrgRole.GUEST)
    response = client_of(guest).get(reverse("expert_search"), {"q": "kubernetes"})
    assert "Kim Kube" not in response.content.decode()
    assert client_of(guest).get("/api/v1/experts", {"q": "kubernetes"}).json()["count"] == 0
    skill_page = client_of(guest).get(reverse("skill_detail", args=["kubernetes"]))
    assert "Kim Kube" not in skill_page.content.decode()


def test_search_page_query_count_is_flat(kube_org, client_of, assert_flat_query_count):
    admin, *_ = kube_org
    client = client_of(admin)
    assert_flat_query_count(
        lambda: client.get(reverse("expert_search"), {"q": "kubernetes"}),
        grow=lambda: grow(admin, 25),
    )


def test_skill_page_query_count_is_flat(kube_org, client_of, assert_flat_query_count):
    admin, *_ = kube_org
    client = client_of(admin)
    assert_flat_query_count(
        lambda: client.get(reverse("skill_detail", args=["kubernetes"])),
        grow=lambda: grow(admin, 25),
    )


def test_api_query_count_is_flat(kube_org, client_of, assert_flat_query_count):
    admin, *_ = kube_org
    client = client_of(admin)
    assert_flat_query_count(
        lambda: client.get("/api/v1/experts", {"q": "kubernetes"}),
        grow=lambda: grow(admin, 25),
    )


def test_a_full_expert_says_so_and_names_whom_else_to_ask(kube_org, client_of):
    admin, strong, learner, k8s = kube_org
    strong.profile.request_limit = 1
    strong.profile.save()
    colleague = UserFactory(name="Cal Colleague")
    expert_actions.ask_expert(asker=colleague, expert=strong, title="Probes?", skill=k8s)
    html = client_of(admin).get(reverse("expert_search"), {"q": "kubernetes"}).content.decode()
    hit = html[
        html.index("Kim Kube") : html.index(
            '<li class="search-hit expert-hit">', html.index("Kim Kube")
        )
    ]
    assert "Full: 1 open question" in hit
    assert f'href="{reverse("expert_ask", args=[learner.pk])}?skill={k8s.pk}">Lee Learner' in hit
    assert reverse("expert_ask", args=[strong.pk]) not in html
    items = client_of(admin).get("/api/v1/experts", {"q": "kubernetes"}).json()["items"]
    assert [(item["name"], item["ask_refusal"]) for item in items] == [
        ("Kim Kube", "full"),
        ("Lee Learner", ""),
    ]
    # Nobody asks themselves, nor does a guest ask anyone.
    mine = client_of(strong).get("/api/v1/experts", {"q": "kubernetes"}).json()["items"]
    assert mine[0]["ask_refusal"] == "not_allowed"


def test_the_time_zone_filter_offers_the_zones_people_have(kube_org, client_of):
    admin, _strong, learner, _k8s = kube_org
    account_actions.update_profile(editor=learner, person=learner, time_zone="Asia/Tokyo")
    redeliver_pending()
    response = client_of(admin).get(reverse("expert_search"), {"q": "kubernetes"})
    html = response.content.decode()
    assert '<option value="Asia/Tokyo">Asia/Tokyo</option>' in html
    assert "Pacific/Fiji" not in html
    tokyo = client_of(admin).get(
        reverse("expert_search"), {"q": "kubernetes", "time_zone": "Asia/Tokyo"}
    )
    assert "Lee Learner" in tokyo.content.decode()
    assert "Kim Kube" not in tokyo.content.decode()


def test_capped_search_query_count_is_flat(
    kube_org, client_of, assert_flat_query_count, monkeypatch
):
    """A skill with more holders than are ranked: its strongest and the name
    matches in one statement, the hits in one more, however many hold it."""
    admin, *_ = kube_org
    monkeypatch.setattr(search_queries, "STRONGEST_CANDIDATES", 3)
    grow(admin, 4)
    client = client_of(admin)
    assert client.get(reverse("expert_search"), {"q": "kubernetes"}).context["results"].is_capped
    count = assert_flat_query_count(
        lambda: client.get(reverse("expert_search"), {"q": "kubernetes"}),
        grow=lambda: grow(admin, 25),
    )
    # The session, the viewer, the strongest with the name matches, the hits.
    assert count == 4
