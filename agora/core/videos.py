"""Videos of show-and-tell posts and lessons: check, store, replace, poster.

The feature actions (discussions, courses) call these inside their own
transaction and record their own events. Everything is checked before
anything is written, so a refused replacement keeps the old video; files of
a replaced or removed video are deleted from storage only once the
transaction commits.
"""

from __future__ import annotations

import logging
import re
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from agora.core.models import Video
from agora.core.uploads import (
    CAPTION_KINDS,
    VIDEO_KINDS,
    CheckedFile,
    checked_file,
    delete_after_commit,
    random_name,
    tool_path,
)

logger = logging.getLogger(__name__)

LANGUAGE_TAG = re.compile(r"[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8}){0,3}")
BAD_LANGUAGE = _("Give the captions' language as a code such as en, fr or pt-BR.")
CAPTIONS_NEED_VIDEO = _("Captions go with a video: upload the video too.")
POSTER_SECONDS = 1.0


@dataclass(frozen=True)
class CheckedVideo:
    """What a form or the API sent, checked: a new video and/or new captions."""

    video: CheckedFile | None
    captions: CheckedFile | None
    captions_language: str


def check_video_upload(
    *,
    video: UploadedFile | None,
    captions: UploadedFile | None = None,
    captions_language: str = "",
) -> CheckedVideo:
    """Check a video and its captions before anything is stored.

    Raise ValidationError keyed by field ("video", "captions",
    "captions_language") with every problem found.
    """
    errors: dict[str, list[str]] = {}
    checked_video = checked_captions = None
    if video is not None:
        try:
            checked_video = checked_file(
                video, max_bytes=settings.AGORA_MAX_VIDEO_BYTES, prefix="videos", kinds=VIDEO_KINDS
            )
        except ValidationError as error:
            errors["video"] = error.messages
    if captions is not None:
        try:
            checked_captions = checked_file(
                captions,
                max_bytes=settings.AGORA_MAX_CAPTION_BYTES,
                prefix="captions",
                kinds=CAPTION_KINDS,
            )
        except ValidationError as error:
            errors["captions"] = error.messages
    language = (captions_language or "").strip()
    if language and not LANGUAGE_TAG.fullmatch(language):
        errors["captions_language"] = [str(BAD_LANGUAGE)]
    if errors:
        raise ValidationError(errors)
    return CheckedVideo(
        video=checked_video,
        captions=checked_captions,
        captions_language=language or settings.LANGUAGE_CODE,
    )


def store_video(*, checked: CheckedVideo, uploader, current: Video | None = None) -> Video | None:
    """Store what `checked` holds; return the video the owner should now point at.

    A new video replaces `current` (whose row and files go); new captions
    alone replace `current`'s captions. Enqueue the poster task for a new
    video once the transaction commits.
    """
    if checked.video is None:
        if checked.captions is None:
            return current
        if current is None:
            raise ValidationError({"captions": [str(CAPTIONS_NEED_VIDEO)]})
        delete_after_commit(current.captions)
        current.captions.save(checked.captions.content.name, checked.captions.content, save=False)
        current.captions_language = checked.captions_language
        current.save(update_fields=["captions", "captions_language"])
        return current
    video = Video(
        uploader=uploader,
        name=checked.video.name,
        content_type=checked.video.content_type,
        size=checked.video.size,
        duration=checked.video.duration,
    )
    video.file.save(checked.video.content.name, checked.video.content, save=False)
    if checked.captions is not None:
        video.captions.save(checked.captions.content.name, checked.captions.content, save=False)
        video.captions_language = checked.captions_language
    elif current is not None and current.captions:
        # A new cut of the same talk keeps its captions unless new ones came.
        video.captions.save(
            random_name("captions", "vtt"), ContentFile(current.captions.read()), save=False
        )
        video.captions_language = current.captions_language
    video.save()
    if current is not None:
        discard_video(current)
    from agora.core.tasks import make_video_poster  # tasks.py imports this module

    transaction.on_commit(lambda: make_video_poster.enqueue(video_id=video.pk))
    return video


def discard_video(video: Video) -> None:
    """Delete a video's row now and its files once the transaction commits."""
    delete_after_commit(video.file, video.poster, video.captions)
    video.delete()


def take_poster(video: Video) -> bool:
    """Store a JPEG frame of `video` as its poster with ffmpeg; return whether it worked.

    Without ffmpeg, or when it fails or runs past AGORA_FFMPEG_TIMEOUT, the
    video keeps no poster (the player shows its first frame or nothing).
    """
    ffmpeg = tool_path("AGORA_FFMPEG")
    if ffmpeg is None:
        logger.info(
            "No ffmpeg (AGORA_FFMPEG=%s): video %s gets no poster.", settings.AGORA_FFMPEG, video.pk
        )
        return False
    seconds = POSTER_SECONDS if (video.duration or 0) > 2 * POSTER_SECONDS else 0
    with tempfile.TemporaryDirectory(prefix="agora-poster-") as folder:
        source = Path(folder) / "video"
        target = Path(folder) / "poster.jpg"
        try:
            with video.file.open("rb") as stored, source.open("wb") as copy:
                for chunk in stored.chunks():
                    copy.write(chunk)
            command = [ffmpeg, "-nostdin", "-v", "error", "-y", "-ss", str(seconds)]
            command += ["-i", str(source), "-frames:v", "1", "-vf", "scale='min(1280,iw)':-2"]
            command += ["-f", "image2", "-c:v", "mjpeg", str(target)]
            result = subprocess.run(  # noqa: S603 - a fixed command on our own files
                command,
                capture_output=True,
                timeout=settings.AGORA_FFMPEG_TIMEOUT,
                check=False,
            )
        except (OSError, subprocess.TimeoutExpired) as error:
            logger.warning("ffmpeg could not take a poster of video %s: %s", video.pk, error)
            return False
        if result.returncode != 0 or not target.exists() or target.stat().st_size == 0:
            logger.warning(
                "ffmpeg could not take a poster of video %s: %s",
                video.pk,
                result.stderr.decode("utf-8", "replace")[-500:],
            )
            return False
        old = video.poster.name if video.poster else ""
        video.poster.save(
            random_name("posters", "jpg"), ContentFile(target.read_bytes()), save=False
        )
    Video.objects.filter(pk=video.pk).update(poster=video.poster.name)
    if old:
        video.poster.storage.delete(old)
    return True
