"""Documents follow the event log: post, edit, hide, delete, publish, rename."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from agora.core.events import deliver
from agora.core.models import Event
from agora.courses import actions as course_actions
from agora.discussions import actions
from agora.search.models import SearchDocument
from agora.search.queries import search
from agora.spaces import actions as space_actions
from tests.factories import UserFactory, add_member

pytestmark = pytest.mark.django_db


def _words(viewer, text):
    results = search(viewer=viewer, text=text)
    return [(hit.kind, hit.document.object_id) for hit in results[: len(results)]]


def test_an_edited_reply_is_found_by_its_new_words_once_the_listener_ran(space, member):
    thread = actions.start_thread(author=member, space=space, title="Charts", body="Bars?")
    reply = actions.post_reply(author=member, thread=thread, body="Pie charts mislead")
    for event in Event.objects.order_by("pk"):
        deliver(event.pk)
    assert _words(member, "pie") == [("reply", reply.pk)]

    actions.edit_reply(editor=member, reply=reply, body="Waffle plots are kinder")
    edited = Event.objects.get(verb="reply.edited")
    assert _words(member, "waffle") == []  # not yet delivered
    deliver(edited.pk)
    assert _words(member, "waffle") == [("reply", reply.pk)]
    assert _words(member, "pie") == []


def test_delivery_on_commit_indexes_at_once(space, member, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        thread = actions.start_thread(author=member, space=space, title="Sparklines", body="")
    assert _words(member, "sparklines") == [("thread", thread.pk)]


def test_running_a_listener_twice_changes_nothing(space, member, index):
    thread = actions.start_thread(author=member, space=space, title="Histograms", body="Bins")
    index()
    before = list(SearchDocument.objects.values_list("kind", "object_id", "title", "body"))
    event = Event.objects.get(verb="thread.started")
    Event.objects.filter(pk=event.pk).update(delivered_at=None, delivered_to=[])
    deliver(event.pk)
    deliver(event.pk)
    after = list(SearchDocument.objects.values_list("kind", "object_id", "title", "body"))
    assert after == before
    assert SearchDocument.objects.filter(kind="thread", object_id=thread.pk).count() == 1


def test_hidden_then_restored_post(space, member, facilitator, find):
    other = UserFactory(name="Olga Other")
    add_member(space, other)
    thread = actions.start_thread(author=member, space=space, title="Boxplots", body="")
    actions.hide_post(actor=facilitator, post=thread)
    assert find(other, "boxplots") == []
    assert find(member, "boxplots") == [("thread", thread.pk)]  # its author
    assert find(facilitator, "boxplots") == [("thread", thread.pk)]  # a moderator
    actions.restore_post(actor=facilitator, post=thread)
    assert find(other, "boxplots") == [("thread", thread.pk)]


def test_deleted_posts_leave_no_document(space, member, find):
    thread = actions.start_thread(author=member, space=space, title="Scatter", body="")
    reply = actions.post_reply(author=member, thread=thread, body="Dots everywhere")
    assert find(member, "dots") == [("reply", reply.pk)]
    actions.delete_reply(actor=member, reply=reply)
    actions.delete_thread(actor=member, thread=thread)
    assert find(member, "dots") == []
    assert find(member, "scatter") == []
    assert not SearchDocument.objects.filter(kind__in=["thread", "reply"]).exists()


def test_a_renamed_space_is_found_by_its_new_name(space, facilitator, find):
    space_actions.update_space(actor=facilitator, space=space, name="Quilting Circle")
    assert find(facilitator, "quilting") == [("space", space.pk)]
    assert find(facilitator, "club") == []


def test_lessons_follow_publishing_and_new_cohorts(find):
    staff = UserFactory(name="Stef Staff", org_role="staff")
    learner = UserFactory(name="Lou Learner")
    course = course_actions.create_course(actor=staff, title="Maps", summary="")
    first = course_actions.add_cohort(actor=staff, course=course, name="First cohort")
    add_member(first.space, learner)
    lesson = course_actions.create_lesson(actor=staff, course=course, title="Choropleths")
    assert find(learner, "choropleths") == []  # a draft
    assert find(staff, "choropleths") == [("lesson", lesson.pk)]
    course_actions.publish_lesson(actor=staff, lesson=lesson)
    assert find(learner, "choropleths") == [("lesson", lesson.pk)]
    second = course_actions.add_cohort(actor=staff, course=course, name="Second cohort")
    find(staff, "x")
    spaces = set(
        SearchDocument.objects.filter(kind="lesson", object_id=lesson.pk).values_list(
            "space_id", flat=True
        )
    )
    assert spaces == {first.space_id, second.space_id}


def test_rebuild_command_indexes_what_exists(space, member):
    actions.start_thread(author=member, space=space, title="Treemaps", body="")
    assert not SearchDocument.objects.filter(kind="thread").exists()  # nothing delivered
    call_command("rebuild_search_index", if_empty=False)
    assert _words(member, "treemaps") != []
    count = SearchDocument.objects.count()
    call_command("rebuild_search_index", if_empty=True)
    assert SearchDocument.objects.count() == count


def test_setup_indexes_the_demo():
    call_command("setup", verbosity=0)
    from agora.accounts.models import User

    learner = User.objects.get(email="member@demo.agora.test")
    titles = [hit.document.title for hit in search(viewer=learner, text="chart")[0:20]]
    assert "Week 3 prompt: a chart that misled you" in titles
    # The outside guest finds things only in the two spaces they were invited to.
    guest = User.objects.get(email="guest@demo.agora.test")
    theirs = set(guest.memberships.values_list("space_id", flat=True))
    found = {hit.document.space_id for hit in search(viewer=guest, text="chart")[0:50]}
    assert found
    assert found <= theirs
