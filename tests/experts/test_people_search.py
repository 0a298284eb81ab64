"""People search: words, prefixes, aliases, typos, ranking by evidence, filters, visibility."""

from __future__ import annotations

import pytest
from django.db import connection

from agora.accounts import actions as account_actions
from agora.accounts.models import Skill, SkillClaim, User
from agora.core.events import redeliver_pending
from agora.discussions import actions as talk
from agora.discussions.models import Thread
from agora.experts import actions as expert_actions
from agora.experts import people_index, search_queries
from agora.experts.models import NameVariant, PersonDocument
from agora.experts.search_queries import (
    PeopleFilters,
    edit_distance_at_most_one,
    rank_person,
    search_people,
)
from agora.spaces import actions as space_actions
from agora.spaces.models import Space
from tests.factories import UserFactory, make_space

pytestmark = pytest.mark.django_db


def found(viewer: User, text: str, **filters) -> list[str]:
    results = search_people(viewer=viewer, text=text, filters=PeopleFilters(**filters))
    return [hit.name for hit in results[: len(results)]]


@pytest.fixture
def org(db, django_capture_on_commit_callbacks):
    """A small organization, set up through actions and indexed by the listeners."""
    admin = UserFactory(name="Ada Admin", org_role=User.OrgRole.ADMIN)
    k8s = Skill.objects.create(name="Kubernetes")
    account_actions.add_skill_alias(actor=admin, skill=k8s, name="k8s")
    ml = Skill.objects.create(name="Machine Learning")
    account_actions.add_skill_alias(actor=admin, skill=ml, name="ML")
    people = {
        "strong": UserFactory(
            name="Margaret Hamilton",
            profile={"title": "Site reliability engineer", "department": "Platform"},
        ),
        "claimer": UserFactory(
            name="Clive Claimer",
            profile={"title": "Software engineer", "department": "Platform"},
        ),
        "writer": UserFactory(
            name="Wanda Writer",
            profile={"title": "Technical writer", "department": "Docs", "location": "Lyon"},
        ),
        "scientist": UserFactory(
            name="Sam Scientist",
            profile={"title": "Data scientist", "department": "Research", "availability": "away"},
        ),
    }
    with django_capture_on_commit_callbacks(execute=True):
        account_actions.set_skills(
            editor=people["claimer"],
            person=people["claimer"],
            claims=[{"skill": "Kubernetes", "level": "expert"}],
        )
        account_actions.set_skills(
            editor=people["strong"],
            person=people["strong"],
            claims=[{"skill": "Kubernetes", "level": "practitioner"}],
        )
        account_actions.set_skills(
            editor=people["scientist"],
            person=people["scientist"],
            claims=[{"skill": "Machine Learning", "level": "expert"}],
        )
        account_actions.update_profile(
            editor=people["writer"],
            person=people["writer"],
            bio="I write guides about k8s clusters and operators.",
        )
        space = make_space(
            creator=admin,
            members=tuple(people.values()),
            visibility=Space.Visibility.OPEN,
        )
        for n in range(3):
            thread = talk.start_thread(
                author=people["writer"],
                space=space,
                title=f"Pods crash {n}",
                kind=Thread.Kind.QUESTION,
                skills=[k8s],
            )
            reply = talk.post_reply(
                author=people["strong"], thread=thread, body="Raise the memory limit."
            )
            talk.accept_answer(actor=people["writer"], thread=thread, reply=reply)
        expert_actions.endorse_skill(endorser=people["writer"], person=people["strong"], skill=k8s)
    redeliver_pending()
    return admin, people, space


def test_every_active_person_has_one_document(org):
    admin, people, _space = org
    # Accounts record no event when created: a person is indexed at their
    # first profile edit, skills change, post or space joined, or a rebuild.
    assert set(PersonDocument.objects.values_list("user_id", flat=True)) == {
        person.pk for person in people.values()
    }
    assert people_index.rebuild() == User.objects.filter(is_active=True).count() == 5
    people_index.index_person(admin.pk)  # twice: nothing more
    assert PersonDocument.objects.count() == 5
    document = PersonDocument.objects.get(user=people["strong"])
    assert "Kubernetes k8s" in document.skills
    assert "Pods crash" in document.work


def test_strong_evidence_ranks_above_a_bare_claim(org):
    admin, _people, _space = org
    names = found(admin, "kubernetes")
    assert names[:2] == ["Margaret Hamilton", "Clive Claimer"]
    results = search_people(viewer=admin, text="kubernetes")
    top = results[0]
    assert [skill.skill.name for skill in top.skills] == ["Kubernetes"]
    assert top.skills[0].reason == "3 accepted answers on Kubernetes, endorsed by 1"
    claimer = results[1]
    assert claimer.skills[0].reason == "Kubernetes: expert (claimed, no evidence yet)"


def test_prefix_alias_and_several_words(org):
    admin, _people, _space = org
    assert found(admin, "kube")[:2] == ["Margaret Hamilton", "Clive Claimer"]
    # "k8s" is an alias: it matches the skill, and Wanda's bio says "k8s".
    assert set(found(admin, "k8s")) == {"Margaret Hamilton", "Clive Claimer", "Wanda Writer"}
    assert found(admin, "software engineer kubernetes") == ["Clive Claimer"]
    # Words such as "of" and "the" are left out, as PostgreSQL leaves them out.
    assert found(admin, "the software engineer of kubernetes") == ["Clive Claimer"]
    assert found(admin, "ml") == ["Sam Scientist"]
    assert found(admin, "machine learning") == ["Sam Scientist"]


def test_one_typo_in_a_name_is_forgiven(org):
    admin, _people, _space = org
    assert found(admin, "Hamiltn") == ["Margaret Hamilton"]
    assert found(admin, "margaret hamitlon") == ["Margaret Hamilton"]
    assert found(admin, "Hmltn") == []
    assert NameVariant.objects.filter(token="hamilton").exists()


def test_edit_distance():
    assert edit_distance_at_most_one("hamilton", "hamiltn")
    assert edit_distance_at_most_one("jones", "jnoes")
    assert edit_distance_at_most_one("jones", "janes")
    assert not edit_distance_at_most_one("jones", "jonas1")
    assert not edit_distance_at_most_one("jones", "sejon")


def test_filters(org):
    admin, _people, _space = org
    assert found(admin, "engineer", department="platform") == [
        "Margaret Hamilton",
        "Clive Claimer",
    ]
    assert found(admin, "writer", location="lyon") == ["Wanda Writer"]
    assert found(admin, "kubernetes", level=SkillClaim.Level.EXPERT) == ["Clive Claimer"]
    assert found(admin, "engineer", level=SkillClaim.Level.EXPERT) == []


def test_away_ranks_lower():
    assert rank_person(text=2, expertise=10, endorsements=1, availability="away") < rank_person(
        text=2, expertise=10, endorsements=1, availability="busy"
    )
    assert rank_person(text=2, expertise=10, endorsements=1, availability="busy") < rank_person(
        text=2, expertise=10, endorsements=1, availability="available"
    )


def test_a_profile_edit_is_found_once_its_event_is_delivered(
    org, django_capture_on_commit_callbacks
):
    admin, people, _space = org
    assert found(admin, "zymurgy") == []
    with django_capture_on_commit_callbacks(execute=True):
        account_actions.update_profile(
            editor=people["claimer"], person=people["claimer"], interests="zymurgy, brewing"
        )
    assert found(admin, "zymurgy") == ["Clive Claimer"]


def test_guests_see_only_people_sharing_a_space_and_match_no_posts(org):
    admin, people, _space = org
    guest = UserFactory(name="Gus Guest", org_role=User.OrgRole.GUEST)
    assert found(guest, "kubernetes") == []
    other = make_space(creator=admin, members=(guest, people["writer"]))
    assert other.pk
    assert found(guest, "writer") == ["Wanda Writer"]
    # Members match on posts in open spaces; guests never do.
    assert "Wanda Writer" in found(admin, "pods crash")
    assert found(guest, "pods crash") == []


def test_inactive_people_are_not_found(org, django_capture_on_commit_callbacks):
    admin, people, _space = org
    User.objects.filter(pk=people["claimer"].pk).update(is_active=False)
    assert "Clive Claimer" not in found(admin, "kubernetes")


def test_vocabulary_events_rewrite_the_holders(org, django_capture_on_commit_callbacks):
    admin, _people, _space = org
    k8s = Skill.objects.get(name="Kubernetes")
    assert found(admin, "kates") == []
    with django_capture_on_commit_callbacks(execute=True):
        account_actions.add_skill_alias(actor=admin, skill=k8s, name="kates")
    assert set(found(admin, "kates")) == {"Margaret Hamilton", "Clive Claimer"}
    with django_capture_on_commit_callbacks(execute=True):
        account_actions.rename_skill(actor=admin, skill=k8s, name="Kubernetes Engine")
    assert "Engine" in PersonDocument.objects.get(user__name="Clive Claimer").skills


def test_when_capped_the_strongest_on_the_skill_are_still_ranked(
    org, settings, django_capture_on_commit_callbacks
):
    admin, people, space = org
    k8s = Skill.objects.get(name="Kubernetes")
    newcomer = UserFactory(name="Zoe Zed")  # the newest: last in index order
    with django_capture_on_commit_callbacks(execute=True):
        space_actions.join_space(user=newcomer, space=space)
        for n in range(5):
            thread = talk.start_thread(
                author=people["writer"],
                space=space,
                title=f"Ingress {n}",
                kind=Thread.Kind.QUESTION,
                skills=[k8s],
            )
            reply = talk.post_reply(author=newcomer, thread=thread, body="Use a gateway.")
            talk.accept_answer(actor=people["writer"], thread=thread, reply=reply)
    assert found(admin, "kubernetes")[0] == "Zoe Zed"
    settings.AGORA_SEARCH_MAX_CANDIDATES = 1
    results = search_people(viewer=admin, text="kubernetes")
    assert results.is_capped is True
    assert results[0].name == "Zoe Zed"


def test_a_skill_with_many_holders_ranks_its_strongest_beside_name_matches(
    org, monkeypatch, django_capture_on_commit_callbacks
):
    """One skill's words, held by more people than are ranked: the strongest
    holders who match, and people whose name matches; nobody else."""
    admin, _people, _space = org
    monkeypatch.setattr(search_queries, "STRONGEST_CANDIDATES", 2)
    named = UserFactory(name="Ana Kuberski")
    with django_capture_on_commit_callbacks(execute=True):
        account_actions.update_profile(editor=named, person=named, bio="No skills listed yet.")
    redeliver_pending()
    results = search_people(viewer=admin, text="kube")
    names = [hit.name for hit in results[: len(results)]]
    assert results.is_capped is True
    assert names == ["Margaret Hamilton", "Clive Claimer", "Ana Kuberski"]
    assert "Wanda Writer" not in names  # k8s in her bio only: below every holder
    # The evidence read with the strongest is what the hits show.
    assert results[0].skills[0].expertise.accepted_answers == 3
    # A word the skill does not hold is checked in each holder's text.
    assert found(admin, "kubernetes platform") == ["Margaret Hamilton", "Clive Claimer"]
    assert found(admin, "k8s lyon") == ["Wanda Writer"]


def test_accents_are_folded_on_both_databases(org, django_capture_on_commit_callbacks):
    admin, _people, _space = org
    tomas = UserFactory(name="Tomás Núñez", profile={"title": "Ingeniera de café"})
    with django_capture_on_commit_callbacks(execute=True):
        account_actions.update_profile(editor=tomas, person=tomas, bio="Sécurité réseau.")
    redeliver_pending()
    assert found(admin, "tomas") == ["Tomás Núñez"]
    assert found(admin, "Tomás nunez") == ["Tomás Núñez"]
    assert found(admin, "securite") == ["Tomás Núñez"]
    assert found(admin, "Tomaz") == ["Tomás Núñez"]  # a typo, beside an accent
    hit = search_people(viewer=admin, text="tomas")[0]
    assert hit.name_html == "<mark>Tomás</mark> Núñez"
    # Where the word was found counts: in the name, not merely "somewhere".
    assert search_people(viewer=admin, text="nunez")[0].rank == pytest.approx(
        search_people(viewer=admin, text="Núñez")[0].rank
    )


def test_a_common_word_still_ranks_the_people_named_so(org, settings):
    """More people match than are ranked: one far down the index whose name
    holds the word is ranked too, first (a name weighs the most)."""
    admin, _people, _space = org
    for n in range(4):
        UserFactory(name=f"Person {n}", profile={"title": "Platform engineer"})
    named = UserFactory(name="Engineer Bloggs", profile={"title": "Designer"})
    people_index.rebuild()
    settings.AGORA_SEARCH_MAX_CANDIDATES = 2
    results = search_people(viewer=admin, text="engineer")
    assert results.is_capped is True
    assert results[0].id == named.pk
    assert len(results) == 3  # the first two matches, and the one named so


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's GIN indexes")
def test_the_people_index_keeps_no_pending_list_on_postgresql():
    """Searches would read a GIN index's whole pending list (up to 4 MB) on
    every keystroke: the people index's indexes take each change at once."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname, reloptions FROM pg_class WHERE relname = ANY(%s) ORDER BY relname",
            [["experts_people_name_vector", "experts_people_vector"]],
        )
        found = cursor.fetchall()
    assert found == [
        ("experts_people_name_vector", ["fastupdate=off"]),
        ("experts_people_vector", ["fastupdate=off"]),
    ]
