"""Fixtures of the expert tests: a small story of evidence around the skill `k8s`
(the skill, its expert and who asks are in tests/conftest.py, shared with the API tests)."""

from __future__ import annotations

import pytest

from agora.accounts.models import SkillClaim
from agora.discussions import actions as talk
from agora.discussions.models import Thread
from agora.experts import scoring
from agora.experts.models import SkillEndorsement
from agora.spaces.models import Space
from tests.factories import UserFactory, make_space


@pytest.fixture
def story(k8s, django_capture_on_commit_callbacks):
    """Eve claims Kubernetes; she answered a question in an open space and one in
    a secret space; Lena (the facilitator) endorsed her reply; Fan endorses her."""
    lead = UserFactory(name="Lena Lead")
    asker, expert, fan = (
        UserFactory(name="Asa Asker"),
        UserFactory(name="Eve Expert"),
        UserFactory(name="Fan Fane"),
    )
    SkillClaim.objects.create(user=expert, skill=k8s, level=SkillClaim.Level.EXPERT, years=6)
    open_space = make_space(creator=lead, name="Platform", members=(asker, expert, fan))
    secret = make_space(
        creator=lead,
        name="Incident room",
        members=(asker, expert),
        visibility=Space.Visibility.SECRET,
    )
    with django_capture_on_commit_callbacks(execute=True):
        for space, title in ((open_space, "Pods restart"), (secret, "Cluster outage")):
            thread = talk.start_thread(
                author=asker, space=space, title=title, kind=Thread.Kind.QUESTION, skills=[k8s]
            )
            reply = talk.post_reply(author=expert, thread=thread, body="Check the probes.")
            talk.accept_answer(actor=asker, thread=thread, reply=reply)
        talk.endorse_reply(actor=lead, reply=reply)
    SkillEndorsement.objects.create(
        person=expert, skill=k8s, endorser=fan, note="Fixed our cluster"
    )
    scoring.refresh(expert.pk)
    return {"lead": lead, "asker": asker, "expert": expert, "fan": fan, "space": open_space}
