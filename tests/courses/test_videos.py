"""Lesson videos: instructors attach, replace and remove them; learners watch them."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from agora.core.models import Video
from agora.core.uploads import CAPTIONS_NOT_ALLOWED, VIDEO_NOT_ALLOWED
from agora.courses import actions
from agora.discussions.actions import post_reply
from tests.factories import UserFactory, add_member
from tests.pages import field_error
from tests.videos import BUILT_MP4, CAPTIONS, captions_upload, upload

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_ffmpeg")]


def edit(client, lesson, **data):
    data = {"title": lesson.title, "content": "Kept *content*", "external_url": "", **data}
    return client.post(reverse("lesson_edit", args=[lesson.course.slug, lesson.pk]), data)


def video_url(lesson, part: str = "file") -> str:
    return reverse("lesson_video_file", args=[lesson.course.slug, lesson.pk, part])


@pytest.fixture
def with_video(instructor, lesson):
    return actions.update_lesson(
        actor=instructor,
        lesson=lesson,
        video=upload("intro.mp4", BUILT_MP4),
        captions=captions_upload(),
        captions_language="en",
    )


def test_the_edit_form_attaches_a_video_with_captions(client_of, instructor, lesson):
    response = edit(
        client_of(instructor),
        lesson,
        video=upload("intro.mp4", BUILT_MP4),
        captions=captions_upload(),
    )
    assert response.status_code == 302
    lesson.refresh_from_db()
    assert (lesson.video.name, lesson.video.captions.read()) == ("intro.mp4", CAPTIONS)
    assert lesson.content == "Kept *content*"


def test_the_lesson_page_plays_it_for_learners(client_of, cohort, learner, with_video):
    lesson = with_video
    client = client_of(learner)
    html = client.get(
        reverse("lesson_detail", args=[cohort.space.slug, lesson.pk])
    ).content.decode()
    assert f'src="{video_url(lesson)}?v={lesson.video.pk}"' in html
    assert (
        f'<track kind="captions" src="{video_url(lesson, "captions")}?v={lesson.video.pk}"' in html
    )
    response = client.get(video_url(lesson), HTTP_RANGE="bytes=0-7")
    assert response.status_code == 206
    assert response["Content-Range"] == f"bytes 0-7/{len(BUILT_MP4)}"
    assert b"".join(response.streaming_content) == BUILT_MP4[:8]


def test_outsiders_and_drafts_get_404(client_of, instructor, course, learner, cohort):
    draft = actions.create_lesson(actor=instructor, course=course, title="Draft", publish=False)
    actions.update_lesson(actor=instructor, lesson=draft, video=upload("d.mp4", BUILT_MP4))
    assert client_of(learner).get(video_url(draft)).status_code == 404
    assert client_of(UserFactory()).get(video_url(draft)).status_code == 404
    assert client_of(instructor).get(video_url(draft)).status_code == 200


@pytest.mark.parametrize(
    ("files", "field", "message"),
    [
        ({"video": upload("a.mp4", b"plain text, not a video\n" * 5)}, "video", VIDEO_NOT_ALLOWED),
        ({"captions": captions_upload(b"<html>")}, "captions", CAPTIONS_NOT_ALLOWED),
    ],
)
def test_a_refused_file_keeps_the_old_video_and_the_typed_text(
    client_of, instructor, with_video, files, field, message
):
    lesson = with_video
    old = lesson.video
    response = edit(client_of(instructor), lesson, **files)
    assert response.status_code == 400
    html = response.content.decode()
    assert field_error(html, f"id_{field}") == str(message)
    assert "Kept *content*" in html
    lesson.refresh_from_db()
    assert lesson.video == old
    assert lesson.content != "Kept *content*"
    assert old.file.storage.exists(old.file.name)


def test_instructors_remove_the_video(client_of, instructor, with_video):
    assert edit(client_of(instructor), with_video, remove_video="on").status_code == 302
    with_video.refresh_from_db()
    assert with_video.video is None
    assert Video.objects.exists() is False


def test_learners_may_not_edit_the_video(client_of, learner, with_video):
    assert edit(client_of(learner), with_video, remove_video="on").status_code in (403, 404)
    with_video.refresh_from_db()
    assert with_video.video is not None


def test_lesson_page_with_a_video_has_a_flat_query_count(
    client_of, instructor, cohort, learner, with_video, assert_flat_query_count
):
    lesson = with_video
    (prompt,) = actions.add_prompt(actor=instructor, lesson=lesson, title="Seen the flood?")
    people = UserFactory.create_batch(6)
    for person in people:
        add_member(cohort.space, person)

    def replies(count: int) -> None:
        for index in range(count):
            post_reply(author=people[index % 6], thread=prompt.thread, body=f"Reply {index}")

    replies(2)
    client = client_of(learner)
    url = reverse("lesson_detail", args=[cohort.space.slug, lesson.pk])
    count = assert_flat_query_count(lambda: client.get(url), grow=lambda: replies(12))
    with CaptureQueriesContext(connection) as queries:
        html = client.get(url).content.decode()
    assert 'aria-label="Video: ' in html
    assert len(queries) == count
    assert not [query for query in queries.captured_queries if 'FROM "core_video"' in query["sql"]]
