"""The skills vocabulary in the Django admin: aliases, parents, renames and merges
go through the actions."""

from __future__ import annotations

import pytest

from agora.accounts.models import Skill, SkillAlias, SkillClaim
from agora.core.models import Event
from agora.experts.models import SkillEndorsement
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/accounts/skill/"


def change_data(skill: Skill, *, aliases: list[SkillAlias] = (), **changes) -> dict:
    data = {
        "name": skill.name,
        "parent": str(skill.parent_id or ""),
        "aliases-TOTAL_FORMS": str(len(aliases) + 1),
        "aliases-INITIAL_FORMS": str(len(aliases)),
        "aliases-MIN_NUM_FORMS": "0",
        "aliases-MAX_NUM_FORMS": "1000",
    }
    for index, alias in enumerate(aliases):
        data[f"aliases-{index}-id"] = str(alias.pk)
        data[f"aliases-{index}-skill"] = str(skill.pk)
        data[f"aliases-{index}-name"] = alias.name
    data[f"aliases-{len(aliases)}-skill"] = str(skill.pk)
    data[f"aliases-{len(aliases)}-name"] = ""
    data.update(changes)
    return data


def test_renaming_keeps_the_old_name_as_an_alias(client_of, admin_user):
    skill = Skill.objects.create(name="K8s")
    url = f"{CHANGELIST}{skill.pk}/change/"
    response = client_of(admin_user).post(url, change_data(skill, name="Kubernetes"))
    assert response.status_code == 302, response.content.decode()[:3000]
    skill.refresh_from_db()
    assert skill.name == "Kubernetes"
    assert list(skill.aliases.values_list("name", flat=True)) == ["K8s"]
    assert Event.objects.filter(verb="skill.renamed", data__old="K8s").count() == 1


def test_a_name_taken_by_another_skill_or_alias_is_refused(client_of, admin_user):
    skill = Skill.objects.create(name="Python")
    other = Skill.objects.create(name="Machine learning")
    SkillAlias.objects.create(skill=other, name="ML")
    url = f"{CHANGELIST}{skill.pk}/change/"
    response = client_of(admin_user).post(url, change_data(skill, name="ml"))
    assert response.status_code == 200
    assert "already names the skill Machine learning" in response.content.decode()
    skill.refresh_from_db()
    assert skill.name == "Python"


def test_aliases_inline_add_and_remove_through_the_actions(client_of, admin_user):
    skill = Skill.objects.create(name="Kubernetes")
    url = f"{CHANGELIST}{skill.pk}/change/"
    data = change_data(skill)
    data["aliases-0-name"] = "k8s"
    assert client_of(admin_user).post(url, data).status_code == 302
    [alias] = skill.aliases.all()
    assert alias.name == "k8s"
    assert Event.objects.filter(verb="skill.alias_added").count() == 1
    data = change_data(skill, aliases=[alias])
    data["aliases-0-DELETE"] = "on"
    assert client_of(admin_user).post(url, data).status_code == 302
    assert not skill.aliases.exists()
    assert Event.objects.filter(verb="skill.alias_removed").count() == 1


def test_parent_is_set_through_the_action_and_never_a_loop(client_of, admin_user):
    cloud = Skill.objects.create(name="Cloud")
    k8s = Skill.objects.create(name="Kubernetes")
    client = client_of(admin_user)
    client.post(f"{CHANGELIST}{k8s.pk}/change/", change_data(k8s, parent=str(cloud.pk)))
    k8s.refresh_from_db()
    assert k8s.parent == cloud
    assert Event.objects.filter(verb="skill.moved").count() == 1
    response = client.post(
        f"{CHANGELIST}{cloud.pk}/change/", change_data(cloud, parent=str(k8s.pk)), follow=True
    )
    assert response.status_code == 200
    assert "cannot sit under itself" in response.content.decode()
    cloud.refresh_from_db()
    assert cloud.parent is None


def test_merge_asks_which_skill_to_keep_then_moves_everything(
    client_of, admin_user, django_capture_on_commit_callbacks
):
    kube = Skill.objects.create(name="Kubernetes")
    dupe = Skill.objects.create(name="Kubernetes (k8s)")
    person, colleague = UserFactory(), UserFactory()
    SkillClaim.objects.create(user=person, skill=dupe, level="expert")
    SkillEndorsement.objects.create(person=person, skill=dupe, endorser=colleague)
    client = client_of(admin_user)
    selected = {"action": "merge_selected", "_selected_action": [kube.pk, dupe.pk]}
    page = client.post(CHANGELIST, selected)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Keep this skill" in html
    assert Skill.objects.count() == 2  # nothing merged before the choice
    # No choice: the page again, nothing merged.
    again = client.post(CHANGELIST, {**selected, "apply": "1"})
    assert again.status_code == 200
    assert Skill.objects.count() == 2
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(CHANGELIST, {**selected, "apply": "1", "keep": str(kube.pk)})
    assert done.status_code == 302
    assert list(Skill.objects.values_list("name", flat=True)) == ["Kubernetes"]
    assert SkillClaim.objects.get(user=person).skill == kube
    assert SkillEndorsement.objects.get(person=person).skill == kube
    assert list(kube.aliases.values_list("name", flat=True)) == ["Kubernetes (k8s)"]
    assert Event.objects.filter(verb="skill.merged").count() == 1


def test_merge_needs_two_skills_and_a_kept_one_among_them(client_of, admin_user):
    kube = Skill.objects.create(name="Kubernetes")
    dupe = Skill.objects.create(name="K8s cluster")
    stranger = Skill.objects.create(name="Excel")
    client = client_of(admin_user)
    response = client.post(
        CHANGELIST, {"action": "merge_selected", "_selected_action": [kube.pk]}, follow=True
    )
    assert "Select at least two skills" in response.content.decode()
    response = client.post(
        CHANGELIST,
        {
            "action": "merge_selected",
            "_selected_action": [kube.pk, dupe.pk],
            "apply": "1",
            "keep": str(stranger.pk),
        },
    )
    assert response.status_code == 200
    assert Skill.objects.count() == 3


def test_members_cannot_reach_the_vocabulary_admin(client_of, member):
    response = client_of(member).get(CHANGELIST)
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
