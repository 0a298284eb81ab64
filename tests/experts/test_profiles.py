"""Skills on profiles: evidence counts, the evidence page, endorsing and hiding."""

from __future__ import annotations

import pytest
from django.urls import reverse

from agora.accounts.models import Skill, SkillClaim
from agora.discussions import actions as talk
from agora.experts import scoring
from agora.experts.models import Expertise, SkillEndorsement
from agora.experts.queries import skill_evidence
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_profile_shows_level_years_counts_and_endorsers(story, client_of, k8s):
    expert, fan = story["expert"], story["fan"]
    page = client_of(fan).get(expert.get_absolute_url()).content.decode()
    assert "Expert" in page
    assert "6 years" in page
    assert "2 accepted answers · 1 endorsed reply · endorsed by 1" in page
    assert reverse("skill_evidence", args=[expert.pk, k8s.slug]) in page
    assert "Fan Fane" in page
    assert "Endorsed by you" in page


def test_evidence_page_lists_what_the_viewer_may_see_and_counts_the_rest(story, client_of, k8s):
    expert, fan, lead = story["expert"], story["fan"], story["lead"]
    url = reverse("skill_evidence", args=[expert.pk, k8s.slug])
    page = client_of(fan).get(url).content.decode()
    assert "Pods restart" in page
    assert "Cluster outage" not in page  # a secret space Fan is not in
    assert "2 more in spaces you" in page  # its accepted answer and endorsed reply
    assert "Fixed our cluster" in page
    # The facilitator sees everything: nothing is left over.
    page = client_of(lead).get(url).content.decode()
    assert "Cluster outage" in page
    assert "more in spaces you" not in page


def test_evidence_adds_up_to_the_stored_score(story, k8s):
    expert, fan = story["expert"], story["fan"]
    evidence = skill_evidence(viewer=fan, person=expert, skill=k8s)
    row = Expertise.objects.get(user=expert, skill=k8s)
    shown = sum(entry.points for entry in evidence.items)
    assert evidence.total == pytest.approx(
        evidence.level_points + shown + evidence.hidden_points, rel=1e-9
    )
    assert evidence.total == pytest.approx(row.score, rel=1e-3)
    assert evidence.level_points == scoring.LEVEL_POINTS["expert"]
    assert len(evidence.items) + evidence.hidden_count == row.evidence_count
    assert evidence.counts["accepted_answers"] == row.accepted_answers == 2


def test_endorse_withdraw_and_the_note(story, client_of, k8s, django_capture_on_commit_callbacks):
    expert, asker = story["expert"], story["asker"]
    client = client_of(asker)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("skill_endorse", args=[expert.pk, k8s.slug]), {"note": "Knows her pods"}
        )
    assert response.status_code == 302
    endorsement = SkillEndorsement.objects.get(endorser=asker, person=expert)
    assert endorsement.note == "Knows her pods"
    assert Expertise.objects.get(user=expert, skill=k8s).endorsements == 2
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("skill_endorsement_withdraw", args=[expert.pk, k8s.slug]))
    assert not SkillEndorsement.objects.filter(endorser=asker).exists()
    assert Expertise.objects.get(user=expert, skill=k8s).endorsements == 1
    # Withdrawing what is not there is a 404, not a 500.
    response = client.post(reverse("skill_endorsement_withdraw", args=[expert.pk, k8s.slug]))
    assert response.status_code == 404


def test_bad_endorsements_get_a_clear_answer_and_change_nothing(story, client_of, k8s):
    expert, asker = story["expert"], story["asker"]
    client = client_of(asker)
    response = client.post(
        reverse("skill_endorse", args=[expert.pk, k8s.slug]), {"note": "x" * 281}, follow=True
    )
    assert response.status_code == 200
    assert "at most 280 characters" in response.content.decode()
    # Oneself: forbidden.
    response = client_of(expert).post(reverse("skill_endorse", args=[expert.pk, k8s.slug]))
    assert response.status_code == 403
    # An unknown skill: 404.
    response = client.post(reverse("skill_endorse", args=[expert.pk, "no-such-skill"]))
    assert response.status_code == 404
    # A skill the person does not list: an error message.
    other = Skill.objects.create(name="Terraform")
    response = client.post(reverse("skill_endorse", args=[expert.pk, other.slug]), follow=True)
    assert "does not list Terraform" in response.content.decode()
    # GET is not allowed.
    assert client.get(reverse("skill_endorse", args=[expert.pk, k8s.slug])).status_code == 405
    assert not SkillEndorsement.objects.filter(endorser__in=[asker, expert]).exists()


def test_only_the_person_hides_and_shows_an_endorsement(
    story, client_of, k8s, django_capture_on_commit_callbacks
):
    expert, fan, asker = story["expert"], story["fan"], story["asker"]
    endorsement = SkillEndorsement.objects.get(endorser=fan)
    url = reverse("endorsement_visibility", args=[expert.pk, endorsement.pk])
    assert client_of(asker).post(url, {"hidden": "1"}).status_code == 403
    assert client_of(fan).post(url, {"hidden": "1"}).status_code == 403
    with django_capture_on_commit_callbacks(execute=True):
        assert client_of(expert).post(url, {"hidden": "1"}).status_code == 302
    endorsement.refresh_from_db()
    assert endorsement.is_hidden is True
    assert Expertise.objects.get(user=expert, skill=k8s).endorsements == 0
    # Others no longer see it; the person sees it marked, with "Show".
    evidence_url = reverse("skill_evidence", args=[expert.pk, k8s.slug])
    assert "Fixed our cluster" not in client_of(asker).get(evidence_url).content.decode()
    own = client_of(expert).get(evidence_url).content.decode()
    assert "Fixed our cluster" in own
    assert ">Show<" in own
    with django_capture_on_commit_callbacks(execute=True):
        client_of(expert).post(url, {"hidden": "0"})
    endorsement.refresh_from_db()
    assert endorsement.is_hidden is False
    assert client_of(expert).post(url, {"hidden": "maybe"}).status_code == 302  # a message
    # Someone else's endorsement id under this person: 404.
    other = UserFactory()
    SkillClaim.objects.create(user=other, skill=k8s)
    theirs = SkillEndorsement.objects.create(person=other, skill=k8s, endorser=fan)
    wrong = reverse("endorsement_visibility", args=[expert.pk, theirs.pk])
    assert client_of(expert).post(wrong, {"hidden": "1"}).status_code == 404


def test_profile_page_query_count_is_flat(story, client_of, k8s, assert_flat_query_count):
    expert, fan = story["expert"], story["fan"]
    client = client_of(fan)

    def grow() -> None:
        space = story["space"]
        for index in range(5):
            skill = Skill.objects.create(name=f"Skill {index}")
            SkillClaim.objects.create(user=expert, skill=skill)
            colleague = UserFactory()
            SkillEndorsement.objects.create(person=expert, skill=skill, endorser=colleague)
            SkillEndorsement.objects.create(person=expert, skill=k8s, endorser=colleague)
            thread = talk.start_thread(
                author=fan, space=space, title=f"Q{index}", kind="question", skills=[skill]
            )
            reply = talk.post_reply(author=expert, thread=thread, body="Answer")
            talk.accept_answer(actor=fan, thread=thread, reply=reply)
        scoring.refresh(expert.pk)

    count = assert_flat_query_count(lambda: client.get(expert.get_absolute_url()), grow=grow)
    assert count == 10  # 9 + the Ask button's open-request count


def test_evidence_page_query_count_is_flat(story, client_of, k8s, assert_flat_query_count):
    expert, fan, asker = story["expert"], story["fan"], story["asker"]
    client = client_of(fan)
    url = reverse("skill_evidence", args=[expert.pk, k8s.slug])

    def grow() -> None:
        space = story["space"]
        for index in range(5):
            colleague = UserFactory()
            SkillEndorsement.objects.create(person=expert, skill=k8s, endorser=colleague, note="ok")
            thread = talk.start_thread(
                author=asker, space=space, title=f"Q{index}", kind="question", skills=[k8s]
            )
            reply = talk.post_reply(author=expert, thread=thread, body="Answer")
            talk.accept_answer(actor=asker, thread=thread, reply=reply)
            talk.react(user=fan, reply=reply, kind="helpful")
        scoring.refresh(expert.pk)

    count = assert_flat_query_count(lambda: client.get(url), grow=grow)
    assert count == 18  # scoring.evidence's six reads, then one per kind of target
