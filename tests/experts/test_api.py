"""Endorsements and evidence over the API, under the same rules as the pages."""

from __future__ import annotations

import pytest

from agora.experts.models import Expertise, SkillEndorsement
from tests.api.helpers import NOT_FOUND, ApiClient, iso

pytestmark = pytest.mark.django_db


@pytest.fixture
def api_of(client_of):
    return lambda user: ApiClient(client_of(user))


def test_endorse_change_note_and_withdraw(story, k8s, api_of, django_capture_on_commit_callbacks):
    expert, asker = story["expert"], story["asker"]
    api = api_of(asker)
    path = f"/people/{expert.pk}/skills/{k8s.slug}/endorsements"
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(path, {"note": "Knows her pods"})
    assert response.status_code == 201
    endorsement = SkillEndorsement.objects.get(endorser=asker)
    assert response.json() == {
        "id": endorsement.pk,
        "person_id": expert.pk,
        "skill": "Kubernetes",
        "skill_slug": k8s.slug,
        "endorser_id": asker.pk,
        "endorser_name": "Asa Asker",
        "note": "Knows her pods",
        "is_hidden": False,
        "created_at": iso(endorsement.created_at),
    }
    assert Expertise.objects.get(user=expert, skill=k8s).endorsements == 2
    again = api.post(path, {"note": "Really knows them"})
    assert again.status_code == 200
    assert again.json()["note"] == "Really knows them"
    assert SkillEndorsement.objects.filter(endorser=asker).count() == 1
    listed = api.get(path).json()
    assert [e["endorser_name"] for e in listed] == ["Asa Asker", "Fan Fane"]
    with django_capture_on_commit_callbacks(execute=True):
        assert api.send("delete", path).status_code == 204
    assert Expertise.objects.get(user=expert, skill=k8s).endorsements == 1
    assert api.send("delete", path).status_code == 404


def test_bad_endorsements_are_4xx(story, k8s, api_of):
    expert, asker = story["expert"], story["asker"]
    path = f"/people/{expert.pk}/skills/{k8s.slug}/endorsements"
    too_long = api_of(asker).post(path, {"note": "x" * 281})
    assert too_long.status_code == 422
    assert "note" in too_long.json()["errors"]
    own = api_of(expert).post(path, {})
    assert own.status_code == 403
    assert own.json()["code"] == "forbidden"
    unknown = api_of(asker).post(f"/people/{expert.pk}/skills/nope/endorsements", {})
    assert unknown.status_code == 404
    assert unknown.json() == NOT_FOUND
    odd = api_of(asker).post(f"/people/{expert.pk}/skills/%20%3B/endorsements", {})
    assert odd.status_code in (404, 422)
    extra = api_of(asker).post(path, {"note": "", "weight": 10})
    assert extra.status_code == 422
    nobody = api_of(asker).post(f"/people/999999/skills/{k8s.slug}/endorsements", {})
    assert nobody.status_code == 404
    assert not SkillEndorsement.objects.filter(endorser__in=[asker, expert]).exists()


def test_hide_and_show_by_the_person_only(story, k8s, api_of, django_capture_on_commit_callbacks):
    expert, fan, asker = story["expert"], story["fan"], story["asker"]
    endorsement = SkillEndorsement.objects.get(endorser=fan)
    path = f"/people/{expert.pk}/endorsements/{endorsement.pk}"
    assert api_of(asker).send("patch", path, {"is_hidden": True}).status_code == 403
    assert api_of(expert).send("patch", path, {"is_hidden": "yes"}).status_code == 422
    with django_capture_on_commit_callbacks(execute=True):
        response = api_of(expert).send("patch", path, {"is_hidden": True})
    assert response.status_code == 200
    assert response.json()["is_hidden"] is True
    assert Expertise.objects.get(user=expert, skill=k8s).endorsements == 0
    listed = f"/people/{expert.pk}/skills/{k8s.slug}/endorsements"
    assert api_of(asker).get(listed).json() == []
    assert [e["is_hidden"] for e in api_of(expert).get(listed).json()] == [True]


def test_evidence_read_keeps_what_the_caller_cannot_see(story, k8s, api_of):
    expert, fan, lead = story["expert"], story["fan"], story["lead"]
    path = f"/people/{expert.pk}/skills/{k8s.slug}/evidence"
    body = api_of(fan).get(path).json()
    assert body["level"] == "expert"
    assert body["years"] == 6
    assert body["counts"]["accepted_answers"] == 2
    assert body["counts"]["endorsed_replies"] == 1
    assert body["hidden_count"] == 2
    assert sorted(item["kind"] for item in body["items"]) == ["accepted_answers", "endorsements"]
    titles = {item["thread_title"] for item in body["items"]}
    assert "Cluster outage" not in titles
    assert "Pods restart" in titles
    total = body["level_points"] + body["hidden_points"] + sum(i["points"] for i in body["items"])
    assert body["score"] == pytest.approx(total)
    row = Expertise.objects.get(user=expert, skill=k8s)
    assert body["score"] == pytest.approx(row.score, rel=1e-3)
    full = api_of(lead).get(path).json()
    assert full["hidden_count"] == 0
    assert len(full["items"]) == row.evidence_count
    assert api_of(fan).get(f"/people/{expert.pk}/skills/nope/evidence").status_code == 404
