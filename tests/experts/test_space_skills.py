"""Spaces tagged with skills: the form, the page, the API, and facilitators' expertise."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from agora.accounts.models import Skill
from agora.core.models import Event
from agora.experts.models import Expertise
from agora.spaces import actions as space_actions
from agora.spaces.actions import MAX_SPACE_SKILLS
from tests.api.helpers import ApiClient
from tests.factories import UserFactory, make_space

pytestmark = pytest.mark.django_db


@pytest.fixture
def skills(db) -> list[Skill]:
    return [Skill.objects.create(name=name) for name in ("Kubernetes", "Terraform", "Go")]


def test_the_edit_form_tags_a_space_and_its_facilitator_gains_evidence(
    client_of, skills, django_capture_on_commit_callbacks
):
    lead = UserFactory(name="Lena Lead")
    space = make_space(creator=lead, name="Platform guild")
    k8s, terraform, _go = skills
    data = {
        "name": space.name,
        "slug": space.slug,
        "kind": space.kind,
        "visibility": space.visibility,
        "description": "",
        "skills": [k8s.pk, terraform.pk],
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = client_of(lead).post(f"/spaces/{space.slug}/edit/", data)
    assert response.status_code == 302
    assert sorted(space.skills.values_list("name", flat=True)) == ["Kubernetes", "Terraform"]
    event = Event.objects.filter(verb="space.updated").latest("pk")
    assert "skills" in event.data["fields"]
    assert Expertise.objects.get(user=lead, skill=k8s).facilitated_spaces == 1
    page = client_of(lead).get(f"/spaces/{space.slug}/").content.decode()
    assert '<span class="badge badge-skill">Kubernetes</span>' in page
    form = client_of(lead).get(f"/spaces/{space.slug}/edit/").content.decode()
    assert f'<option value="{k8s.pk}" selected>Kubernetes</option>' in form
    # Saving again without changing the tags: no "skills" in the fields.
    with django_capture_on_commit_callbacks(execute=True):
        client_of(lead).post(f"/spaces/{space.slug}/edit/", {**data, "description": "Hi"})
    event = Event.objects.filter(verb="space.updated").latest("pk")
    assert "skills" not in event.data["fields"]
    # Removing the tags removes the evidence.
    with django_capture_on_commit_callbacks(execute=True):
        client_of(lead).post(f"/spaces/{space.slug}/edit/", {**data, "skills": []})
    assert not space.skills.exists()
    assert not Expertise.objects.filter(user=lead, skill=k8s).exists()


def test_bad_tags_are_refused_and_nothing_changes(client_of, skills):
    lead = UserFactory()
    space = make_space(creator=lead, name="Guild")
    data = {"name": "Guild", "slug": space.slug, "kind": space.kind, "visibility": "open"}
    response = client_of(lead).post(f"/spaces/{space.slug}/edit/", {**data, "skills": [999999]})
    assert response.status_code == 400
    assert not space.skills.exists()
    many = [Skill.objects.create(name=f"S{i}").pk for i in range(MAX_SPACE_SKILLS + 1)]
    response = client_of(lead).post(f"/spaces/{space.slug}/edit/", {**data, "skills": many})
    assert response.status_code == 400
    assert "at most 8" in response.content.decode()
    with pytest.raises(ValidationError):
        space_actions.update_space(actor=lead, space=space, skills=["kubernetes"])
    assert not space.skills.exists()


def test_create_form_takes_tags(client_of, skills, admin_user):
    k8s = skills[0]
    response = client_of(admin_user).post(
        "/spaces/new/",
        {"name": "Cloud circle", "kind": "community", "visibility": "open", "skills": [k8s.pk]},
    )
    assert response.status_code == 302
    space = admin_user.memberships.get().space
    assert list(space.skills.all()) == [k8s]


def test_api_creates_patches_and_shows_tags(client_of, skills):
    lead, other = UserFactory(), UserFactory()
    api = ApiClient(client_of(lead))
    k8s, terraform, go = skills
    created = api.post("/spaces", {"name": "Infra", "skills": [terraform.pk, k8s.pk]})
    assert created.status_code == 201
    body = created.json()
    assert [tag["name"] for tag in body["skills"]] == ["Kubernetes", "Terraform"]
    path = f"/spaces/{body['id']}"
    patched = api.send("patch", path, {"skills": [go.pk]})
    assert patched.status_code == 200
    assert [tag["slug"] for tag in patched.json()["skills"]] == [go.slug]
    assert api.send("patch", path, {"skills": [424242]}).status_code == 422
    assert api.send("patch", path, {"skills": ["go"]}).status_code == 422
    assert api.send("patch", path, {"skills": list(range(1, 11))}).status_code == 422
    refused = ApiClient(client_of(other)).send("patch", path, {"skills": []})
    assert refused.status_code == 403
    assert [tag["slug"] for tag in api.get(path).json()["skills"]] == [go.slug]
    listed = api.get("/spaces", scope="mine").json()["items"]
    assert [tag["name"] for tag in listed[0]["skills"]] == ["Go"]
