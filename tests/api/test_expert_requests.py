"""The expert-request endpoints: the same rules as the pages."""

from __future__ import annotations

import pytest

from agora.accounts.models import Profile, User
from agora.experts.models import ExpertRequest
from tests.api.helpers import NOT_FOUND
from tests.experts.helpers import ask, make_expert
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_api_ask_list_and_mark_answered(api_of, asker, expert, k8s):
    api = api_of(asker)
    created = api.post(
        "/experts/requests",
        {"expert": expert.pk, "title": "Pods keep restarting", "body": "Why?", "skill": k8s.pk},
    )
    assert created.status_code == 201, created.json()
    body = created.json()
    request = ExpertRequest.objects.get()
    assert body["id"] == request.pk
    assert (body["status"], body["is_helpful"], body["title"]) == (
        "open",
        None,
        "Pods keep restarting",
    )
    assert body["expert"] == {"id": expert.pk, "name": "Eve Expert"}
    assert body["skill"] == {"id": k8s.pk, "name": "Kubernetes"}
    assert body["url"] == request.thread.get_absolute_url()
    listed = api.get("/experts/requests?box=asked").json()
    assert (listed["count"], [item["id"] for item in listed["items"]]) == (1, [request.pk])
    assert api_of(expert).get("/experts/requests?box=asked").json()["count"] == 0
    assert api_of(expert).get("/experts/requests?box=received").json()["count"] == 1
    refused = api_of(expert).post(f"/experts/requests/{request.pk}/answered", {"helpful": True})
    assert refused.status_code == 403
    answered = api.post(f"/experts/requests/{request.pk}/answered", {"helpful": True})
    assert answered.status_code == 200
    assert (answered.json()["status"], answered.json()["is_helpful"]) == ("answered", True)


def test_api_outsiders_get_404_for_someone_elses_request(api_of, asker, expert, k8s):
    request = ask(asker, expert, skill=k8s)
    outsider = api_of(UserFactory())
    assert outsider.get(f"/experts/requests/{request.pk}").json() == NOT_FOUND
    answered = outsider.post(f"/experts/requests/{request.pk}/answered", {"helpful": True})
    assert answered.status_code == 404
    assert outsider.get("/experts/requests").json()["count"] == 0


@pytest.mark.parametrize(
    ("_case", "data", "field"),
    [
        ("empty title", {"title": "  "}, "title"),
        ("huge body", {"body": "x" * 60_000}, "body"),
        ("unknown skill", {"skill": 999_999}, "skill"),
        ("skill as a string", {"skill": "1"}, "skill"),
        ("unknown field", {"priority": "high"}, "priority"),
    ],
)
def test_api_bad_input_is_a_422_by_field(_case, data, field, api_of, asker, expert):
    response = api_of(asker).post("/experts/requests", {"expert": expert.pk, "title": "T", **data})
    assert response.status_code == 422
    assert field in response.json()["errors"]
    assert not ExpertRequest.objects.exists()


def test_api_refuses_a_full_expert_with_suggestions_and_oneself(api_of, asker, expert, k8s):
    Profile.objects.filter(user=expert).update(request_limit=1)
    make_expert(k8s, name="Nina Next")
    ask(UserFactory(), expert, skill=k8s)
    full = api_of(asker).post("/experts/requests", {"expert": expert.pk, "title": "T"})
    assert full.status_code == 422
    assert full.json()["code"] == "full"
    assert full.json()["detail"] == "Eve Expert is full: 1 open question. You could ask: Nina Next."
    me = api_of(asker).post("/experts/requests", {"expert": asker.pk, "title": "T"})
    assert me.status_code == 403
    guest = UserFactory(org_role=User.OrgRole.GUEST)
    hidden = api_of(guest).post("/experts/requests", {"expert": expert.pk, "title": "T"})
    assert hidden.status_code == 422
    assert hidden.json()["errors"] == {"expert": ["There is nobody with this id that you can see."]}
