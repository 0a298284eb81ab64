"""Expert requests: asking opens a private conversation, with a cap and suggestions."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from agora.accounts.models import Availability, Profile, Skill, User
from agora.core.models import Event
from agora.discussions import actions as talk
from agora.discussions.models import Thread
from agora.discussions.permissions import access_thread
from agora.experts import actions
from agora.experts.models import Expertise, ExpertRequest
from agora.experts.queries import ask_state, suggested_experts
from agora.notifications.models import Notification
from agora.spaces import actions as space_actions
from agora.spaces.models import Membership, Space
from agora.spaces.permissions import can_view_content, spaces_visible_to
from agora.spaces.queries import space_directory
from tests.experts.helpers import ask, make_expert
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_asking_opens_a_secret_space_for_the_two_with_a_tagged_question(
    asker, expert, k8s, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        request = ask(asker, expert, skill=k8s.pk)
    thread = request.thread
    space = thread.space
    assert (request.status, request.skill, request.asker, request.expert) == (
        ExpertRequest.Status.OPEN,
        k8s,
        asker,
        expert,
    )
    assert (thread.kind, thread.title, thread.author) == (
        Thread.Kind.QUESTION,
        "Pods keep restarting",
        asker,
    )
    assert list(thread.skills.all()) == [k8s]
    assert (space.kind, space.visibility) == (Space.Kind.COMMUNITY, Space.Visibility.SECRET)
    roles = dict(space.memberships.values_list("user_id", "role"))
    assert roles == {asker.pk: Membership.Role.FACILITATOR, expert.pk: Membership.Role.FACILITATOR}
    event = Event.objects.get(verb="expert_request.asked")
    assert (event.target_id, event.space_id, event.data["expert_id"]) == (
        request.pk,
        space.pk,
        expert.pk,
    )
    # The expert hears of it, in the app and (by default) by email.
    note = Notification.objects.get(recipient=expert, kind=Notification.Kind.EXPERT_REQUEST)
    assert note.text == "Ann Asker asked you a question: “Pods keep restarting”"
    assert note.url == thread.get_absolute_url()
    assert [m.to for m in mail.outbox if "asked you a question" in m.subject] == [[expert.email]]
    assert not Notification.objects.filter(recipient=asker).exists()


def test_an_outsider_neither_sees_nor_reaches_the_conversation(asker, expert, k8s):
    request = ask(asker, expert, skill=k8s)
    space = request.thread.space
    outsider, guest = UserFactory(), UserFactory(org_role=User.OrgRole.GUEST)
    for person in (outsider, guest):
        assert not spaces_visible_to(person).filter(pk=space.pk).exists()
        assert not can_view_content(person, space)
        assert not space_directory(viewer=person).filter(pk=space.pk).exists()
        with pytest.raises(Http404):
            access_thread(person, space.slug, request.thread.pk)
    for person in (asker, expert):
        assert can_view_content(person, space)


def test_either_participant_may_invite_someone_who_then_reads_and_replies(asker, expert, k8s):
    request = ask(asker, expert, skill=k8s)
    colleague = UserFactory()
    invitation = actions.invite_to_request(actor=expert, request=request, user=colleague)
    space_actions.accept_invitation(user=colleague, invitation=invitation)
    colleague.__dict__.pop("_space_roles", None)
    assert can_view_content(colleague, request.thread.space)
    reply = talk.post_reply(author=colleague, thread=request.thread, body="Try the probe.")
    assert reply.thread_id == request.thread_id
    with pytest.raises(PermissionDenied):
        actions.invite_to_request(actor=colleague, request=request, email="x@example.test")


@pytest.mark.parametrize(
    ("_case", "profile", "reason"),
    [
        ("not open to questions", {"open_to_questions": False}, "not_open"),
        ("away", {"availability": Availability.AWAY}, "away"),
    ],
)
def test_an_expert_who_does_not_take_questions_is_refused_with_suggestions(
    _case, profile, reason, asker, k8s
):
    closed = make_expert(k8s, name="Cleo Closed", **profile)
    strong = make_expert(k8s, name="Sam Strong")
    Expertise.objects.filter(user=strong).update(score=30.0)
    make_expert(k8s, name="Avi Away", availability=Availability.AWAY)
    with pytest.raises(ValidationError) as refused:
        ask(asker, closed, skill=k8s)
    assert refused.value.code == reason
    assert refused.value.messages[0].endswith("You could ask: Sam Strong.")
    assert not ExpertRequest.objects.exists()
    assert not Space.objects.filter(slug__startswith="question-").exists()


def test_the_cap_refuses_once_full_and_names_the_next_experts(asker, expert, k8s):
    Profile.objects.filter(user=expert).update(request_limit=2)
    expert.refresh_from_db()
    second = make_expert(k8s, name="Nina Next")
    full_too = make_expert(k8s, name="Finn Full", request_limit=1)
    Expertise.objects.filter(user=full_too).update(score=99.0)
    ask(UserFactory(), full_too, skill=k8s)
    ask(asker, expert, skill=k8s)
    ask(UserFactory(), expert)
    state = ask_state(viewer=asker, expert=expert)
    assert (state.allowed, state.reason, state.open_count, state.limit) == (False, "full", 2, 2)
    assert [row.user for row in state.suggestions] == [second]
    with pytest.raises(ValidationError) as refused:
        ask(asker, expert, skill=k8s)
    assert refused.value.messages == [
        "Eve Expert is full: 2 open questions. You could ask: Nina Next."
    ]
    assert ExpertRequest.objects.filter(expert=expert).count() == 2
    # Withdrawing one frees a place.
    actions.withdraw_request(asker=asker, request=ExpertRequest.objects.get(asker=asker))
    assert ask_state(viewer=asker, expert=expert).allowed is True


def test_suggestions_leave_out_people_the_viewer_cannot_see(k8s):
    guest = UserFactory(org_role=User.OrgRole.GUEST)
    make_expert(k8s, name="Hidden Helen")
    assert list(suggested_experts(viewer=guest, skill=k8s)) == []


@pytest.mark.parametrize(
    ("_case", "kwargs", "field"),
    [
        ("empty title", {"title": "   "}, "title"),
        ("huge title", {"title": "x" * 500}, "title"),
        ("huge body", {"body": "x" * 200_000}, "body"),
        ("unknown skill", {"skill": 999_999}, "skill"),
        ("a skill the expert does not have", {"skill": "other"}, "skill"),
    ],
)
def test_bad_questions_are_refused_and_store_nothing(_case, kwargs, field, asker, expert):
    if kwargs.get("skill") == "other":
        kwargs["skill"] = Skill.objects.create(name="Cobol").pk
    arguments = {"title": "A question", "body": "Body", **kwargs}
    with pytest.raises(ValidationError) as refused:
        actions.ask_expert(asker=asker, expert=expert, **arguments)
    assert field in refused.value.message_dict
    assert not ExpertRequest.objects.exists()
    assert not Thread.objects.exists()


def test_nobody_asks_themselves_and_guests_do_not_ask(expert, k8s):
    with pytest.raises(PermissionDenied):
        ask(expert, expert)
    with pytest.raises(PermissionDenied):
        ask(UserFactory(org_role=User.OrgRole.GUEST), expert)
    assert not ExpertRequest.objects.exists()


def test_a_helpful_answer_becomes_evidence_and_the_expert_hears_of_it(
    asker, expert, k8s, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        request = ask(asker, expert, skill=k8s)
        answer = talk.post_reply(
            author=expert, thread=request.thread, body="Check the liveness probe."
        )
    assert Expertise.objects.get(user=expert, skill=k8s).helpful_requests == 0
    with django_capture_on_commit_callbacks(execute=True):
        # Accepting it as well does not count it twice: a request counts once.
        talk.accept_answer(actor=asker, thread=request.thread, reply=answer)
        actions.mark_answered(asker=asker, request=request, helpful=True)
    request.refresh_from_db()
    assert (request.status, request.is_helpful) == (ExpertRequest.Status.ANSWERED, True)
    assert request.answered_at is not None
    row = Expertise.objects.get(user=expert, skill=k8s)
    assert row.helpful_requests == 1
    assert row.accepted_answers == 0
    assert row.score > 4.0 + 7.9
    verbs = list(
        Event.objects.filter(verb__startswith="expert_request.", target_id=request.pk)
        .order_by("pk")
        .values_list("verb", flat=True)
    )
    assert verbs == ["expert_request.asked", "expert_request.answered", "expert_request.rated"]
    told = Notification.objects.filter(recipient=expert, kind=Notification.Kind.REQUEST_ANSWERED)
    assert [n.text for n in told] == [
        "Ann Asker found your answer to “Pods keep restarting” helpful"
    ]

    # Reopening takes the evidence back.
    with django_capture_on_commit_callbacks(execute=True):
        actions.reopen_request(asker=asker, request=request)
    request.refresh_from_db()
    assert (request.status, request.is_helpful, request.answered_at) == ("open", None, None)
    assert Expertise.objects.get(user=expert, skill=k8s).helpful_requests == 0


def test_only_the_asker_closes_rates_reopens_or_withdraws(asker, expert, k8s):
    request = ask(asker, expert, skill=k8s)
    for person in (expert, UserFactory()):
        with pytest.raises(PermissionDenied):
            actions.mark_answered(asker=person, request=request, helpful=True)
        with pytest.raises(PermissionDenied):
            actions.withdraw_request(asker=person, request=request)
    request.refresh_from_db()
    assert (request.status, request.is_helpful) == ("open", None)
    with pytest.raises(ValidationError):
        actions.reopen_request(asker=asker, request=request)
    actions.withdraw_request(asker=asker, request=request)
    with pytest.raises(ValidationError):
        actions.mark_answered(asker=asker, request=request, helpful=True)


def test_rating_later_changes_only_the_rating(asker, expert, k8s):
    request = ask(asker, expert, skill=k8s)
    actions.mark_answered(asker=asker, request=request)
    answered_at = request.answered_at
    actions.mark_answered(asker=asker, request=request, helpful=False)
    request.refresh_from_db()
    assert (request.status, request.is_helpful, request.answered_at) == (
        "answered",
        False,
        answered_at,
    )
    assert Event.objects.filter(verb="expert_request.answered").count() == 1
    rated = Event.objects.get(verb="expert_request.rated")
    assert (rated.data["helpful"], rated.data["with_answer"]) == (False, False)
