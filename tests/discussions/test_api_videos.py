"""The video API: multipart upload and removal on show-and-tell threads and lessons."""

from __future__ import annotations

import pytest
from django.test import Client

from agora.core.models import Video
from agora.courses import actions as course_actions
from agora.discussions import actions
from agora.discussions.models import Thread
from tests.api.helpers import API, ApiClient
from tests.factories import UserFactory
from tests.videos import BUILT_MP4, captions_upload, upload

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_ffmpeg")]


@pytest.fixture
def api_of():
    def make(user) -> ApiClient:
        client = Client()
        client.force_login(user)
        return ApiClient(client)

    return make


@pytest.fixture
def show(space, member) -> Thread:
    return actions.start_thread(
        author=member, space=space, kind=Thread.Kind.SHOW_AND_TELL, title="My model"
    )


def test_upload_a_video_with_captions_and_read_it_back(api_of, show, member, learner):
    response = api_of(member).client.post(
        f"{API}/threads/{show.pk}/video",
        {
            "video": upload("m.mp4", BUILT_MP4),
            "captions": captions_upload(),
            "captions_language": "de",
        },
    )
    assert response.status_code == 200, response.json()
    video = Video.objects.get()
    base = f"/spaces/data-club/threads/{show.pk}/video"
    expected = {
        "name": "m.mp4",
        "content_type": "video/mp4",
        "size": len(BUILT_MP4),
        "duration": None,
        "url": f"{base}/file/?v={video.pk}",
        "poster_url": None,
        "captions_url": f"{base}/captions/?v={video.pk}",
        "captions_language": "de",
    }
    assert response.json()["video"] == expected
    assert api_of(learner).get(f"/threads/{show.pk}").json()["video"] == expected
    listing = api_of(learner).get(f"/spaces/{show.space_id}/threads").json()
    assert listing["items"][0]["video"] == expected


def test_bad_files_are_422_and_keep_the_old_video(api_of, show, member):
    client = api_of(member).client
    client.post(f"{API}/threads/{show.pk}/video", {"video": upload("m.mp4", BUILT_MP4)})
    old = Video.objects.get()
    response = client.post(
        f"{API}/threads/{show.pk}/video", {"video": upload("m.mp4", b"text, not video\n" * 4)}
    )
    assert response.status_code == 422
    assert list(response.json()["errors"]) == ["video"]
    response = client.post(f"{API}/threads/{show.pk}/video", {"captions": captions_upload(b"nope")})
    assert response.status_code == 422
    assert list(response.json()["errors"]) == ["captions"]
    show.refresh_from_db()
    assert show.video == old


def test_others_may_not_upload_and_the_author_removes(api_of, show, member, learner):
    response = api_of(learner).client.post(
        f"{API}/threads/{show.pk}/video", {"video": upload("m.mp4", BUILT_MP4)}
    )
    assert response.status_code == 403
    assert Video.objects.exists() is False
    api_of(member).client.post(
        f"{API}/threads/{show.pk}/video", {"video": upload("m.mp4", BUILT_MP4)}
    )
    response = api_of(member).client.delete(f"{API}/threads/{show.pk}/video")
    assert response.status_code == 200
    assert response.json()["video"] is None
    assert Video.objects.exists() is False


def test_outsiders_of_a_private_space_get_404(api_of, facilitator, no_ffmpeg):
    from tests.factories import make_space

    space = make_space(creator=facilitator, name="Closed lab", visibility="private")
    thread = actions.start_thread(
        author=facilitator, space=space, kind=Thread.Kind.SHOW_AND_TELL, title="Demo"
    )
    response = api_of(UserFactory()).client.post(
        f"{API}/threads/{thread.pk}/video", {"video": upload("m.mp4", BUILT_MP4)}
    )
    assert response.status_code == 404


def test_lesson_video_upload_and_removal(api_of, facilitator, member):
    from agora.accounts.models import User

    instructor = UserFactory(org_role=User.OrgRole.STAFF)
    course = course_actions.create_course(actor=instructor, title="Rivers")
    lesson = course_actions.create_lesson(actor=instructor, course=course, title="Floods")
    client = api_of(instructor).client
    response = client.post(
        f"{API}/lessons/{lesson.pk}/video",
        {"video": upload("f.mp4", BUILT_MP4), "captions": captions_upload()},
    )
    assert response.status_code == 200
    video = response.json()["video"]
    assert (
        video["url"]
        == f"/courses/{course.slug}/lessons/{lesson.pk}/video/file/?v={Video.objects.get().pk}"
    )
    assert video["captions_language"] == "en"
    assert (
        api_of(member)
        .client.post(f"{API}/lessons/{lesson.pk}/video", {"video": upload("f.mp4", BUILT_MP4)})
        .status_code
        == 404
    )
    response = client.delete(f"{API}/lessons/{lesson.pk}/video")
    assert response.json()["video"] is None


def test_only_video_routes_take_a_body_past_the_upload_cap(api_of, show, member, settings):
    settings.AGORA_MAX_UPLOAD_BYTES = 100  # smaller than the video
    client = api_of(member).client
    response = client.post(f"{API}/threads/{show.pk}/video", {"video": upload("m.mp4", BUILT_MP4)})
    assert response.status_code == 200
    response = client.post(
        f"{API}/threads/{show.pk}/attachments", {"files": [upload("m.pdf", b"%PDF-" + bytes(300))]}
    )
    assert response.status_code == 400
    # Within the body's cap but above the video's: a clear 422.
    settings.AGORA_MAX_UPLOAD_BYTES = 2000
    settings.AGORA_MAX_VIDEO_BYTES = len(BUILT_MP4) - 1
    response = client.post(f"{API}/threads/{show.pk}/video", {"video": upload("m.mp4", BUILT_MP4)})
    assert response.status_code == 422
    assert response.json()["errors"]["video"][0].startswith("The file is too large")
