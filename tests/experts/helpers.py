"""Helpers of the expert-request tests (pages, actions and API)."""

from __future__ import annotations

from agora.accounts.models import Skill, SkillClaim, User
from agora.experts import actions
from agora.experts.models import Expertise, ExpertRequest
from tests.factories import UserFactory


def make_expert(skill: Skill, name: str = "Eve Expert", **profile) -> User:
    """Someone who claims `skill` as an expert, with the expertise that gives."""
    expert = UserFactory(name=name, profile=profile)
    SkillClaim.objects.create(user=expert, skill=skill, level=SkillClaim.Level.EXPERT)
    Expertise.objects.create(user=expert, skill=skill, level="expert", score=4.0)
    return expert


def ask(
    asker: User, expert: User, skill=None, title="Pods keep restarting", body="Why?"
) -> ExpertRequest:
    return actions.ask_expert(asker=asker, expert=expert, skill=skill, title=title, body=body)
