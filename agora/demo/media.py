"""The demo's video: a 5-second test-card clip made by ffmpeg at `agora setup`, with captions.

Nothing is shipped in the repository: without ffmpeg, the show-and-tell
post is made without a video and a log line says why.
"""

from __future__ import annotations

import logging
import subprocess
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

from agora.core.uploads import tool_path

logger = logging.getLogger(__name__)

CAPTIONS = """\
WEBVTT

00:00.000 --> 00:02.500
This is the test card of our team's first chart video.

00:02.500 --> 00:05.000
Watch the colour bars: each one is a number we checked twice.
"""


def demo_clip() -> dict[str, SimpleUploadedFile] | None:
    """Return a fresh `video` and `captions` upload for the demo, or None without ffmpeg."""
    ffmpeg = tool_path("AGORA_FFMPEG")
    if ffmpeg is None:
        logger.warning("No ffmpeg (AGORA_FFMPEG=%s): the demo has no video.", settings.AGORA_FFMPEG)
        return None
    with tempfile.TemporaryDirectory(prefix="agora-demo-") as folder:
        target = Path(folder) / "test-card.webm"
        command = [ffmpeg, "-nostdin", "-v", "error", "-y", "-f", "lavfi"]
        command += ["-i", "testsrc=duration=5:size=320x240:rate=25", "-c:v", "libvpx"]
        command += ["-b:v", "300k", str(target)]
        try:
            subprocess.run(  # noqa: S603 - a fixed command writing our own file
                command, check=True, capture_output=True, timeout=settings.AGORA_FFMPEG_TIMEOUT
            )
        except (OSError, subprocess.SubprocessError) as error:
            logger.warning(
                "ffmpeg could not make the demo video (%s): the demo has no video.", error
            )
            return None
        data = target.read_bytes()
    return {
        "video": SimpleUploadedFile("test-card.webm", data, content_type="video/webm"),
        "captions": SimpleUploadedFile("test-card.vtt", CAPTIONS.encode(), content_type="text/vtt"),
    }
