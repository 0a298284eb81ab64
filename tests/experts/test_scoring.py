"""Expertise from evidence: each kind counted, recent counting more, kept in step by events."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from agora.accounts import actions as account_actions
from agora.accounts.models import Skill, SkillClaim, User
from agora.discussions import actions as talk
from agora.discussions.models import Thread
from agora.experts import actions, scoring
from agora.experts.models import Expertise, SkillEndorsement
from agora.spaces import actions as space_actions
from tests.factories import UserFactory, make_space

pytestmark = pytest.mark.django_db


@pytest.fixture
def team(db):
    lead = UserFactory(name="Lena Lead")
    asker, expert, fan = UserFactory(), UserFactory(name="Eve Expert"), UserFactory()
    space = make_space(creator=lead, members=(asker, expert, fan))
    return lead, asker, expert, fan, space


def expertise(user: User, skill: Skill) -> Expertise | None:
    return Expertise.objects.filter(user=user, skill=skill).first()


def test_an_accepted_answer_endorsed_and_marked_helpful_counts_each_kind(
    team, k8s, django_capture_on_commit_callbacks
):
    lead, asker, expert, fan, space = team
    with django_capture_on_commit_callbacks(execute=True):
        thread = talk.start_thread(
            author=asker, space=space, title="Pods restart", kind=Thread.Kind.QUESTION, skills=[k8s]
        )
        reply = talk.post_reply(author=expert, thread=thread, body="Check the liveness probe.")
        talk.accept_answer(actor=asker, thread=thread, reply=reply)
        talk.endorse_reply(actor=lead, reply=reply)
        talk.react(user=fan, reply=reply, kind="helpful")
    row = expertise(expert, k8s)
    assert (row.accepted_answers, row.endorsed_replies, row.helpful_reactions) == (1, 1, 1)
    assert row.level == ""
    assert row.score == pytest.approx(10 + 6 + 1, rel=1e-3)
    assert row.evidence_count == 3
    assert expertise(asker, k8s) is None  # asking is not evidence

    # Hiding the reply takes its evidence away; restoring gives it back.
    with django_capture_on_commit_callbacks(execute=True):
        talk.hide_post(actor=lead, post=reply)
    assert expertise(expert, k8s) is None
    with django_capture_on_commit_callbacks(execute=True):
        talk.restore_post(actor=lead, post=reply)
    assert expertise(expert, k8s).accepted_answers == 1

    # Untagging the thread removes the evidence on that skill.
    with django_capture_on_commit_callbacks(execute=True):
        talk.edit_thread(editor=asker, thread=thread, title=thread.title, body="", skills=[])
    assert expertise(expert, k8s) is None


def test_old_evidence_counts_less_and_the_score_is_the_sum_of_its_items(team, k8s):
    lead, asker, expert, fan, _space = team
    SkillClaim.objects.create(user=expert, skill=k8s, level=SkillClaim.Level.EXPERT)
    now = timezone.now()
    for endorser, age in ((asker, 0), (fan, 365), (lead, 730)):
        SkillEndorsement.objects.create(
            person=expert, skill=k8s, endorser=endorser, created_at=now - timedelta(days=age)
        )
    [row] = scoring.refresh(expert.pk)
    assert row.endorsements == 3
    assert row.level == "expert"
    expected = 4 + 4 * (1 + 0.5 + 0.25)
    assert row.score == pytest.approx(expected, rel=1e-3)
    items = scoring.evidence(expert.pk, [k8s.pk])
    assert len(items) == row.evidence_count
    assert row.score == pytest.approx(
        scoring.LEVEL_POINTS["expert"] + sum(i.points(timezone.now()) for i in items), rel=1e-3
    )


def test_a_claim_alone_ranks_below_real_evidence(team, k8s):
    lead, asker, expert, fan, _space = team
    SkillClaim.objects.create(user=asker, skill=k8s, level=SkillClaim.Level.EXPERT)
    SkillClaim.objects.create(user=expert, skill=k8s, level=SkillClaim.Level.LEARNING)
    SkillEndorsement.objects.create(person=expert, skill=k8s, endorser=fan)
    SkillEndorsement.objects.create(person=expert, skill=k8s, endorser=lead)
    scoring.refresh(asker.pk)
    scoring.refresh(expert.pk)
    assert expertise(expert, k8s).score > expertise(asker, k8s).score


def test_facilitating_a_tagged_space_is_evidence(team, k8s, django_capture_on_commit_callbacks):
    lead, _asker, _expert, fan, space = team
    with django_capture_on_commit_callbacks(execute=True):
        space.skills.add(k8s)
        space_actions.update_space(actor=lead, space=space, description="Now about k8s.")
    # The listener refreshes on space.updated; the creator facilitates.
    scoring.refresh(lead.pk)
    assert expertise(lead, k8s).facilitated_spaces == 1
    assert expertise(fan, k8s) is None


def test_endorsements_once_each_hidden_by_the_person_and_never_of_oneself(
    team, k8s, django_capture_on_commit_callbacks
):
    _lead, _asker, expert, fan, _space = team
    with pytest.raises(ValidationError):  # not on their profile
        actions.endorse_skill(endorser=fan, person=expert, skill=k8s)
    SkillClaim.objects.create(user=expert, skill=k8s)
    with django_capture_on_commit_callbacks(execute=True):
        first = actions.endorse_skill(endorser=fan, person=expert, skill=k8s, note="Saved us")
        again = actions.endorse_skill(endorser=fan, person=expert, skill=k8s, note="Twice")
    assert first.pk == again.pk
    assert SkillEndorsement.objects.count() == 1
    assert expertise(expert, k8s).endorsements == 1
    with pytest.raises(PermissionDenied):
        actions.endorse_skill(endorser=expert, person=expert, skill=k8s)
    with pytest.raises(PermissionDenied):
        actions.set_endorsement_hidden(actor=fan, endorsement=first, hidden=True)
    with django_capture_on_commit_callbacks(execute=True):
        actions.set_endorsement_hidden(actor=expert, endorsement=first, hidden=True)
    assert expertise(expert, k8s).endorsements == 0
    with pytest.raises(ValidationError):
        actions.endorse_skill(endorser=fan, person=expert, skill=k8s, note="x" * 281)


def test_merging_skills_moves_every_reference_and_keeps_the_old_name_as_alias(
    team, admin_user, django_capture_on_commit_callbacks
):
    _lead, asker, expert, fan, space = team
    kube = Skill.objects.create(name="Kubernetes")
    dupe = Skill.objects.create(name="Kubernetes (K8s)")
    SkillClaim.objects.create(user=expert, skill=kube, level="expert")
    SkillClaim.objects.create(user=expert, skill=dupe, level="learning")  # clashes: kept row wins
    SkillClaim.objects.create(user=fan, skill=dupe, level="practitioner")
    SkillEndorsement.objects.create(person=fan, skill=dupe, endorser=asker)
    space.skills.add(dupe)
    thread = talk.start_thread(author=asker, space=space, title="Ingress", skills=[dupe])
    child = Skill.objects.create(name="Helm", parent=dupe)
    with pytest.raises(PermissionDenied):
        account_actions.merge_skills(actor=fan, keep=kube, others=[dupe])
    with django_capture_on_commit_callbacks(execute=True):
        account_actions.merge_skills(actor=admin_user, keep=kube, others=[dupe])
    assert not Skill.objects.filter(pk=dupe.pk).exists()
    assert SkillClaim.objects.get(user=expert, skill=kube).level == "expert"
    assert SkillClaim.objects.get(user=fan, skill=kube).level == "practitioner"
    assert SkillEndorsement.objects.get(person=fan).skill == kube
    assert list(space.skills.all()) == [kube]
    assert list(thread.skills.all()) == [kube]
    child.refresh_from_db()
    assert child.parent == kube
    assert account_actions.skill_named("kubernetes (k8s)") == kube
    assert expertise(fan, kube).endorsements == 1


def test_aliases_find_the_skill_and_cannot_clash(admin_user, k8s):
    account_actions.add_skill_alias(actor=admin_user, skill=k8s, name="k8s")
    assert account_actions.find_or_create_skill("K8S") == k8s
    with pytest.raises(ValidationError):
        account_actions.add_skill_alias(actor=admin_user, skill=k8s, name="kubernetes")
    other = Skill.objects.create(name="Docker")
    with pytest.raises(ValidationError):
        account_actions.rename_skill(actor=admin_user, skill=other, name="K8s")
    account_actions.rename_skill(
        actor=admin_user, skill=k8s, name="Kubernetes (container orchestration)"
    )
    assert account_actions.skill_named("Kubernetes") == k8s  # the old name is now an alias
    with pytest.raises(ValidationError):
        account_actions.set_skill_parent(actor=admin_user, skill=k8s, parent=k8s)


def test_every_table_pointing_at_a_skill_is_found_by_merge():
    """`merge_skills` walks Skill's reverse relations; a hidden one ("+") would be missed."""
    hidden = [
        f"{field.related_model.__name__}.{field.field.name}"
        for field in Skill._meta.get_fields(include_hidden=True)
        if field.one_to_many and field.hidden and not field.related_model._meta.auto_created
    ]
    assert hidden == []
