"""`agora refresh_expertise`: old evidence decays; --all and --if-empty."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from agora.accounts.models import Skill, SkillClaim
from agora.experts import scoring
from agora.experts.models import Expertise, SkillEndorsement
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = StringIO()
    call_command("refresh_expertise", *args, stdout=out)
    return out.getvalue()


def test_refresh_lets_old_evidence_decay(db):
    skill = Skill.objects.create(name="Kubernetes")
    person, colleague = UserFactory(), UserFactory()
    SkillClaim.objects.create(user=person, skill=skill, level="learning")
    endorsement = SkillEndorsement.objects.create(person=person, skill=skill, endorser=colleague)
    scoring.refresh(person.pk)
    assert Expertise.objects.get(user=person).score == pytest.approx(4.0, rel=1e-3)
    # A year passes (the endorsement's date moves back; no event says so).
    SkillEndorsement.objects.filter(pk=endorsement.pk).update(
        created_at=timezone.now() - timedelta(days=365)
    )
    assert Expertise.objects.get(user=person).score == pytest.approx(4.0, rel=1e-3)
    assert run() == "Refreshed the expertise of 1 people.\n"
    assert Expertise.objects.get(user=person).score == pytest.approx(2.0, rel=1e-3)


def test_all_and_if_empty(db):
    skill = Skill.objects.create(name="Terraform")
    person = UserFactory()
    # A claim written without its event (data from before the experts app).
    SkillClaim.objects.create(user=person, skill=skill, level="expert")
    Expertise.objects.all().delete()
    assert run() == "Refreshed the expertise of 0 people.\n"
    assert not Expertise.objects.exists()
    run("--if-empty")
    assert Expertise.objects.get(user=person).score == pytest.approx(4.0)
    Expertise.objects.filter(user=person).update(score=99)
    assert run("--if-empty") == ""  # scores exist: nothing to do
    assert Expertise.objects.get(user=person).score == 99
    assert "Refreshed the expertise of" in run("--all")
    assert Expertise.objects.get(user=person).score == pytest.approx(4.0)
