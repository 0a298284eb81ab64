"""Show-and-tell videos: posting, replacing, serving with ranges, refusing bad files."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from agora.core.models import Event, Video
from agora.core.uploads import CAPTIONS_NOT_ALLOWED, VIDEO_BROKEN, VIDEO_NOT_ALLOWED
from agora.discussions import actions
from agora.discussions.models import Thread
from tests.factories import make_space
from tests.pages import field_error
from tests.videos import BUILT_MP4, CAPTIONS, captions_upload, needs_ffmpeg, upload

pytestmark = pytest.mark.django_db


def video_url(thread: Thread, part: str = "file") -> str:
    return reverse("thread_video_file", args=[thread.space.slug, thread.pk, part])


@pytest.fixture
def show(space, facilitator, no_ffmpeg) -> Thread:
    """A show-and-tell post with a (hand-built) video and captions, ffmpeg switched off."""
    return actions.start_thread(
        author=facilitator,
        space=space,
        kind=Thread.Kind.SHOW_AND_TELL,
        title="Our river model",
        body="Watch the flood **rise**.",
        video=upload("river.mp4", BUILT_MP4),
        captions=captions_upload(),
        captions_language="en",
    )


def test_a_show_and_tell_post_keeps_its_video_and_captions(show, facilitator):
    video = show.video
    assert (video.name, video.content_type, video.size) == (
        "river.mp4",
        "video/mp4",
        len(BUILT_MP4),
    )
    assert video.file.name.startswith("videos/")
    assert video.captions.read() == CAPTIONS
    assert video.uploader == facilitator
    assert not video.poster  # no ffmpeg here
    assert Event.objects.filter(verb="thread.started").count() == 1


def test_only_show_and_tell_posts_carry_a_video(space, member, no_ffmpeg):
    with pytest.raises(actions.ValidationError) as error:
        actions.start_thread(
            author=member, space=space, title="Q", video=upload("a.mp4", BUILT_MP4)
        )
    assert list(error.value.message_dict) == ["video"]
    assert Thread.objects.exists() is False
    assert Video.objects.exists() is False


def test_the_page_shows_a_labelled_player_with_default_captions(show, client_of, member):
    html = client_of(member).get(show.get_absolute_url()).content.decode()
    assert (
        '<video controls preload="metadata" playsinline aria-label="Video: Our river model"' in html
    )
    assert f'src="{video_url(show)}?v={show.video.pk}"' in html
    assert (
        f'<track kind="captions" src="{video_url(show, "captions")}?v={show.video.pk}" srclang="en"'
        in html
    )
    assert " default>" in html
    assert "poster=" not in html


def test_the_whole_video_and_its_captions_are_served_inline(show, client_of, member):
    client = client_of(member)
    response = client.get(video_url(show))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == BUILT_MP4
    assert response["Content-Type"] == "video/mp4"
    assert response["Accept-Ranges"] == "bytes"
    assert response["Content-Disposition"].startswith("inline")
    assert response["X-Content-Type-Options"] == "nosniff"
    captions = client.get(video_url(show, "captions"))
    assert captions["Content-Type"] == "text/vtt"
    assert b"".join(captions.streaming_content) == CAPTIONS
    assert client.get(video_url(show, "poster")).status_code == 404
    assert client.get(video_url(show, "other")).status_code == 404


@pytest.mark.parametrize(
    ("header", "status", "content_range", "body"),
    [
        ("bytes=0-9", 206, "bytes 0-9/{size}", slice(0, 10)),
        ("bytes=20-", 206, "bytes 20-{last}/{size}", slice(20, None)),
        ("bytes=-16", 206, "bytes {tail}-{last}/{size}", slice(-16, None)),
        ("bytes=5-999999", 206, "bytes 5-{last}/{size}", slice(5, None)),
        ("bytes=999999999-", 416, "bytes */{size}", None),
        ("bytes=-0", 416, "bytes */{size}", None),
        ("bytes=abc", 200, None, slice(None)),
        ("bytes=0-1,4-5", 200, None, slice(None)),
        ("bytes=9-3", 200, None, slice(None)),
    ],
)
def test_ranges(show, client_of, member, header, status, content_range, body):
    size = len(BUILT_MP4)
    response = client_of(member).get(video_url(show), HTTP_RANGE=header)
    assert response.status_code == status
    if content_range is None:
        assert "Content-Range" not in response
    else:
        expected = content_range.format(size=size, last=size - 1, tail=size - 16)
        assert response["Content-Range"] == expected
    if body is not None:
        content = b"".join(response.streaming_content)
        assert content == BUILT_MP4[body]
        assert response["Content-Length"] == str(len(content))


def test_attachments_gain_ranges_too(space, member, client_of):
    pdf = b"%PDF-1.4\n" + b"x" * 100 + b"\n%%EOF\n"
    thread = actions.start_thread(
        author=member, space=space, title="Doc", files=[upload("a.pdf", pdf, "application/pdf")]
    )
    attachment = thread.attachments.get()
    url = reverse("attachment_download", args=[space.slug, thread.pk, attachment.pk])
    response = client_of(member).get(url, HTTP_RANGE="bytes=0-3")
    assert response.status_code == 206
    assert b"".join(response.streaming_content) == b"%PDF"
    assert response["Content-Disposition"].startswith("attachment")


def test_outsiders_of_a_private_space_get_404(facilitator, outsider, client_of, no_ffmpeg):
    space = make_space(creator=facilitator, name="Closed lab", visibility="private")
    thread = actions.start_thread(
        author=facilitator,
        space=space,
        kind=Thread.Kind.SHOW_AND_TELL,
        title="Secret demo",
        video=upload("demo.mp4", BUILT_MP4),
    )
    for part in ("file", "captions", "poster"):
        assert client_of(outsider).get(video_url(thread, part)).status_code == 404
    assert client_of(facilitator).get(video_url(thread)).status_code == 200


def test_deleting_the_post_deletes_its_video(
    show, facilitator, member, client_of, django_capture_on_commit_callbacks
):
    file = show.video.file
    with django_capture_on_commit_callbacks(execute=True):
        actions.delete_thread(actor=facilitator, thread=show)
    assert client_of(member).get(video_url(show)).status_code == 404
    assert Video.objects.exists() is False
    assert file.storage.exists(file.name) is False
    show.refresh_from_db()
    assert (show.is_deleted, show.video) == (True, None)


# --- Bad input through the form --------------------------------------------------------


def post_new(client, space, **files):
    data = {"kind": "show_and_tell", "title": "My clip", "body": "Typed *text*", **files}
    return client.post(reverse("thread_create", args=[space.slug]), data)


@pytest.mark.parametrize(
    ("_case", "files", "field", "message"),
    [
        (
            "text as mp4",
            {"video": upload("a.mp4", b"hello there\n" * 20)},
            "video",
            VIDEO_NOT_ALLOWED,
        ),
        ("exe as mp4", {"video": upload("a.mp4", b"MZ\x90\x00" * 40)}, "video", VIDEO_NOT_ALLOWED),
        ("truncated mp4", {"video": upload("a.mp4", BUILT_MP4[:-20])}, "video", VIDEO_BROKEN),
        (
            "srt captions",
            {
                "video": upload("a.mp4", BUILT_MP4),
                "captions": captions_upload(b"1\n00:00:00,000 --> x\n"),
            },
            "captions",
            CAPTIONS_NOT_ALLOWED,
        ),
    ],
)
def test_bad_files_get_400_with_the_text_kept(
    space, facilitator, client_of, no_ffmpeg, _case, files, field, message
):
    response = post_new(client_of(facilitator), space, **files)
    assert response.status_code == 400
    html = response.content.decode()
    assert field_error(html, f"id_{field}") == str(message)
    assert 'value="My clip"' in html
    assert "Typed *text*" in html
    assert Thread.objects.exists() is False
    assert Video.objects.exists() is False


def test_an_oversized_video_gets_400_with_the_text_kept(
    space, facilitator, client_of, settings, no_ffmpeg
):
    settings.AGORA_MAX_VIDEO_BYTES = 100
    response = post_new(client_of(facilitator), space, video=upload("a.mp4", BUILT_MP4))
    assert response.status_code == 400
    assert field_error(response.content.decode(), "id_video").startswith("The file is too large")
    assert 'value="My clip"' in response.content.decode()


def test_a_body_past_the_video_cap_is_refused_before_it_is_read(
    space, facilitator, client_of, settings
):
    settings.AGORA_MAX_VIDEO_BYTES = 100
    settings.AGORA_MAX_UPLOAD_BYTES = 100
    response = post_new(client_of(facilitator), space, video=upload("a.mp4", b"\x00" * 1000))
    assert response.status_code == 400
    assert Thread.objects.exists() is False


def test_the_form_posts_a_video(space, facilitator, client_of, no_ffmpeg):
    response = post_new(
        client_of(facilitator),
        space,
        video=upload("a.mp4", BUILT_MP4),
        captions=captions_upload(),
        captions_language="fr",
    )
    thread = Thread.objects.get()
    assert response.status_code == 302
    assert (thread.video.size, thread.video.captions_language) == (len(BUILT_MP4), "fr")


# --- Replacing and removing --------------------------------------------------------------


def edit_video(client, thread, **data):
    return client.post(reverse("thread_video", args=[thread.space.slug, thread.pk]), data)


def test_a_refused_replacement_keeps_the_old_video(show, facilitator, client_of):
    old = show.video
    response = edit_video(client_of(facilitator), show, video=upload("b.mp4", b"not a video" * 9))
    assert response.status_code == 400
    assert field_error(response.content.decode(), "id_video") == str(VIDEO_NOT_ALLOWED)
    show.refresh_from_db()
    assert show.video == old
    assert old.file.storage.exists(old.file.name)


def test_a_replacement_swaps_the_file_and_keeps_the_captions(
    show, facilitator, client_of, django_capture_on_commit_callbacks
):
    old = show.video
    new_mp4 = BUILT_MP4[:-72] + (72).to_bytes(4, "big") + b"mdat" + bytes(64)
    with django_capture_on_commit_callbacks(execute=True):
        response = edit_video(client_of(facilitator), show, video=upload("b.mp4", new_mp4))
    assert response.status_code == 302
    show.refresh_from_db()
    assert show.video.pk != old.pk
    assert show.video.name == "b.mp4"
    assert show.video.captions.read() == CAPTIONS
    assert Video.objects.filter(pk=old.pk).exists() is False
    assert old.file.storage.exists(old.file.name) is False
    assert Event.objects.filter(verb="video.attached").count() == 1


def test_new_captions_alone_replace_the_captions(show, facilitator, client_of):
    new = b"WEBVTT\n\n00:00.000 --> 00:01.000\nBonjour\n"
    response = edit_video(
        client_of(facilitator), show, captions=captions_upload(new), captions_language="fr"
    )
    assert response.status_code == 302
    show.refresh_from_db()
    assert (show.video.captions.read(), show.video.captions_language) == (new, "fr")


def test_the_author_removes_the_video(show, facilitator, client_of):
    assert edit_video(client_of(facilitator), show, remove="on").status_code == 302
    show.refresh_from_db()
    assert show.video is None
    assert Video.objects.exists() is False


def test_others_may_not_change_the_video(show, member, client_of):
    assert edit_video(client_of(member), show, remove="on").status_code == 403
    show.refresh_from_db()
    assert show.video is not None


def test_replies_work_like_any_thread(show, member, client_of):
    reply = actions.post_reply(author=member, thread=show, body="Lovely flood")
    html = client_of(member).get(show.get_absolute_url()).content.decode()
    assert reply.body_html in html


# --- Speed ------------------------------------------------------------------------------


def test_thread_page_with_a_video_has_a_flat_query_count(
    show, member, client_of, assert_flat_query_count
):
    client = client_of(member)
    actions.post_reply(author=member, thread=show, body="First")
    assert_flat_query_count(
        lambda: client.get(show.get_absolute_url()),
        grow=lambda: [
            actions.post_reply(author=member, thread=show, body=f"Reply {n}") for n in range(8)
        ],
    )
    with CaptureQueriesContext(connection) as queries:
        client.get(show.get_absolute_url())
    # The video comes with the thread (a join): it costs no query of its own.
    assert not [query for query in queries.captured_queries if 'FROM "core_video"' in query["sql"]]


@needs_ffmpeg
def test_a_real_clip_gets_a_poster_shown_on_the_page(
    space, facilitator, member, client_of, clips, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        thread = actions.start_thread(
            author=facilitator,
            space=space,
            kind=Thread.Kind.SHOW_AND_TELL,
            title="Test card",
            video=upload("card.mp4", clips["mp4"]),
        )
    thread.refresh_from_db()
    assert thread.video.poster
    assert thread.video.duration == pytest.approx(5.0, abs=0.2)
    client = client_of(member)
    html = client.get(thread.get_absolute_url()).content.decode()
    assert f'poster="{video_url(thread, "poster")}?v={thread.video.pk}"' in html
    poster = client.get(video_url(thread, "poster"))
    assert poster["Content-Type"] == "image/jpeg"
    assert b"".join(poster.streaming_content)[:3] == b"\xff\xd8\xff"
