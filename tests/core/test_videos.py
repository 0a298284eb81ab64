"""Videos in the core: content checks, byte ranges, the upload cap, the poster task."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import RequestFactory

from agora.core.models import Video
from agora.core.tasks import make_video_poster
from agora.core.uploads import (
    CAPTION_KINDS,
    CAPTIONS_NOT_ALLOWED,
    VIDEO_BROKEN,
    VIDEO_KINDS,
    VIDEO_NOT_ALLOWED,
    checked_file,
    requested_range,
    upload_limit,
)
from agora.core.videos import check_video_upload, store_video
from agora.demo.media import demo_clip
from tests.videos import BUILT_MP4, BUILT_WEBM, CAPTIONS, captions_upload, needs_ffmpeg, upload

EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" * 8


def check_video(name: str, data: bytes, max_bytes: int = 10_000_000):
    return checked_file(upload(name, data), max_bytes=max_bytes, prefix="videos", kinds=VIDEO_KINDS)


def refusal(name: str, data: bytes, **kwargs) -> list[str]:
    with pytest.raises(ValidationError) as error:
        check_video(name, data, **kwargs)
    return error.value.messages


# --- Content checks -----------------------------------------------------------------


@needs_ffmpeg
def test_real_clips_pass_and_are_measured(clips):
    mp4 = check_video("talk.mp4", clips["mp4"])
    webm = check_video("talk.webm", clips["webm"])
    assert (mp4.content_type, mp4.extension, mp4.size) == ("video/mp4", "mp4", len(clips["mp4"]))
    assert mp4.duration == pytest.approx(5.0, abs=0.2)
    assert (webm.content_type, webm.extension) == ("video/webm", "webm")
    assert webm.duration == pytest.approx(6.0, abs=0.2)
    assert mp4.content.name.startswith("videos/")
    assert "talk" not in mp4.content.name


@needs_ffmpeg
@pytest.mark.parametrize("kind", ["mp4", "webm"])
def test_truncated_clips_are_refused(clips, kind):
    data = clips[kind]
    assert refusal(f"cut.{kind}", data[: len(data) // 2]) == [str(VIDEO_BROKEN)]


@needs_ffmpeg
def test_ffprobe_refuses_a_container_with_no_video_in_it():
    assert refusal("empty.mp4", BUILT_MP4) == [str(VIDEO_BROKEN)]


def test_without_ffprobe_whole_containers_pass_by_their_structure(no_ffmpeg):
    assert check_video("a.mp4", BUILT_MP4).duration is None
    assert check_video("a.webm", BUILT_WEBM).content_type == "video/webm"


def test_without_ffprobe_a_truncated_container_is_still_refused(no_ffmpeg):
    assert refusal("a.mp4", BUILT_MP4[:-10]) == [str(VIDEO_BROKEN)]
    assert refusal("a.webm", BUILT_WEBM[:-3]) == [str(VIDEO_BROKEN)]
    # An ftyp box alone: no media in it.
    assert refusal("a.mp4", BUILT_MP4[:28]) == [str(VIDEO_BROKEN)]


@pytest.mark.parametrize(
    ("_case", "name", "data"),
    [
        ("text named .mp4", "talk.mp4", b"just some text, honestly\n" * 10),
        ("exe named .mp4", "talk.mp4", EXE),
        ("pdf named .webm", "talk.webm", b"%PDF-1.4\n%%EOF\n"),
        ("Matroska header of another doc type", "x.mkv", b"\x1a\x45\xdf\xa3\x84\x42\x82\x81x"),
    ],
)
def test_files_that_are_no_video_are_refused_whatever_their_name(_case, name, data):
    assert refusal(name, data) == [str(VIDEO_NOT_ALLOWED)]


def test_oversized_and_empty_videos_are_refused(no_ffmpeg):
    assert refusal("a.mp4", BUILT_MP4, max_bytes=100)[0].startswith("The file is too large")
    assert refusal("a.mp4", b"") == ["The file is empty."]


@pytest.mark.parametrize(
    ("_case", "data", "accepted"),
    [
        ("plain header", CAPTIONS, True),
        ("header with a title and a BOM", b"\xef\xbb\xbfWEBVTT - Talk\n\n", True),
        ("SubRip", b"1\n00:00:00,000 --> 00:00:01,000\nHi\n", False),
        ("WEBVTTX is not the header", b"WEBVTTX\n", False),
        ("not UTF-8", b"WEBVTT\n\n00:00.000 --> 00:01.000\n\xff\xfe\n", False),
        ("binary", EXE, False),
    ],
)
def test_captions_must_be_webvtt(_case, data, accepted):
    if accepted:
        checked = checked_file(captions_upload(data), max_bytes=10_000, kinds=CAPTION_KINDS)
        assert (checked.content_type, checked.extension) == ("text/vtt", "vtt")
    else:
        with pytest.raises(ValidationError) as error:
            checked_file(captions_upload(data), max_bytes=10_000, kinds=CAPTION_KINDS)
        assert error.value.messages == [str(CAPTIONS_NOT_ALLOWED)]


def test_captions_are_size_limited(settings):
    settings.AGORA_MAX_CAPTION_BYTES = 20
    with pytest.raises(ValidationError) as error:
        check_video_upload(video=None, captions=captions_upload())
    assert list(error.value.message_dict) == ["captions"]
    assert error.value.message_dict["captions"][0].startswith("The file is too large")


def test_a_vtt_attachment_is_still_plain_text():
    checked = checked_file(SimpleUploadedFile("notes.vtt", CAPTIONS), max_bytes=10_000)
    assert checked.content_type == "text/plain"


def test_documents_refuse_videos(no_ffmpeg):
    with pytest.raises(ValidationError):
        checked_file(upload("a.mp4", BUILT_MP4), max_bytes=10_000)


def test_a_bad_language_code_is_refused_with_the_field_named():
    with pytest.raises(ValidationError) as error:
        check_video_upload(video=None, captions=captions_upload(), captions_language="<b>")
    assert list(error.value.message_dict) == ["captions_language"]


# --- Byte ranges (RFC 9110) ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("bytes=0-99", (0, 99)),
        ("bytes=10-", (10, 999)),
        ("bytes=990-5000", (990, 999)),
        ("bytes=-10", (990, 999)),
        ("bytes=-5000", (0, 999)),
        ("bytes=999999999-", False),
        ("bytes=1000-", False),
        ("bytes=-0", False),
        ("", None),
        ("bytes=abc", None),
        ("bytes=5-2", None),
        ("bytes=0-1,5-6", None),
        ("items=0-10", None),
        ("bytes=-", None),
    ],
)
def test_requested_range(header, expected):
    assert requested_range(header, 1000) == expected


# --- The upload cap ---------------------------------------------------------------------


def test_only_video_routes_may_carry_a_video_sized_body(settings):
    settings.AGORA_MAX_UPLOAD_BYTES = 1000
    settings.AGORA_MAX_VIDEO_BYTES = 5000

    class Match:
        def __init__(self, url_name: str) -> None:
            self.url_name = url_name

    request = RequestFactory().post("/")
    assert upload_limit(request) == 1000
    request.resolver_match = Match("reply_create")
    assert upload_limit(request) == 1000
    request.resolver_match = Match("thread_create")
    assert upload_limit(request) == 6000


# --- Posters ----------------------------------------------------------------------------


def stored_video(data: bytes) -> Video:
    checked = check_video_upload(video=upload("talk.mp4", data), captions=captions_upload())
    return store_video(checked=checked, uploader=None)


@needs_ffmpeg
def test_the_poster_task_stores_a_jpeg_frame(db, clips, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        video = stored_video(clips["mp4"])
    video.refresh_from_db()
    assert video.poster.name.startswith("posters/")
    assert video.poster.read()[:3] == b"\xff\xd8\xff"
    assert video.captions.read() == CAPTIONS
    assert video.captions_language == "en"


@needs_ffmpeg
def test_without_ffmpeg_the_video_has_no_poster(db, clips, settings, caplog):
    video = stored_video(clips["mp4"])
    settings.AGORA_FFMPEG = "/nonexistent/ffmpeg"
    with caplog.at_level("INFO", logger="agora.core.videos"):
        assert make_video_poster.call(video_id=video.pk) is False
    video.refresh_from_db()
    assert not video.poster
    assert "No ffmpeg" in caplog.text


def test_a_failing_ffmpeg_leaves_no_poster(db, no_ffmpeg, settings):
    video = stored_video(BUILT_MP4)
    settings.AGORA_FFMPEG = "false"  # exists, exits 1
    assert make_video_poster.call(video_id=video.pk) is False
    video.refresh_from_db()
    assert not video.poster


def test_the_poster_task_of_a_deleted_video_does_nothing(db):
    assert make_video_poster.call(video_id=987654) is False


# --- The demo clip ------------------------------------------------------------------------


def test_the_demo_has_no_clip_without_ffmpeg(no_ffmpeg, caplog):
    with caplog.at_level("WARNING", logger="agora.demo.media"):
        assert demo_clip() is None
    assert "No ffmpeg" in caplog.text


@needs_ffmpeg
def test_the_demo_clip_passes_the_checks():
    clip = demo_clip()
    checked = check_video_upload(**clip)
    assert checked.video.content_type == "video/webm"
    assert checked.video.duration == pytest.approx(5.0, abs=0.2)
    assert checked.captions.content_type == "text/vtt"
