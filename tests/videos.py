"""Video test data: real tiny clips made by ffmpeg (once per session), and hand-built containers.

The hand-built MP4 and WebM pass the container checks but are no real video:
use them with ffprobe switched off (`no_ffmpeg`), for tests that must run
where ffmpeg is not installed.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

HAS_FFMPEG = bool(shutil.which("ffmpeg") and shutil.which("ffprobe"))
# CI installs ffmpeg and sets this: there, a missing ffmpeg fails these tests
# instead of skipping them, so a skip can never hide them.
FFMPEG_REQUIRED = os.environ.get("AGORA_TEST_REQUIRE_FFMPEG") == "1"
needs_ffmpeg = pytest.mark.skipif(
    not HAS_FFMPEG and not FFMPEG_REQUIRED, reason="ffmpeg/ffprobe are not installed"
)

CAPTIONS = (
    b"WEBVTT\n\n"
    b"00:00.000 --> 00:02.500\nHello from the first half\n\n"
    b"00:02.500 --> 00:10.000\nAnd this is the second half\n"
)


def _box(kind: bytes, payload: bytes = b"") -> bytes:
    return (8 + len(payload)).to_bytes(4, "big") + kind + payload


# ftyp, moov, mdat boxes: a whole MP4 container with nothing playable in it.
BUILT_MP4 = (
    _box(b"ftyp", b"isom\x00\x00\x02\x00isomiso2mp41")
    + _box(b"moov", _box(b"mvhd", bytes(100)))
    + _box(b"mdat", bytes(64))
)
# An EBML header with DocType "webm", then a Segment of known size.
BUILT_WEBM = b"\x1a\x45\xdf\xa3\x87\x42\x82\x84webm" + b"\x18\x53\x80\x67\x88" + bytes(8)


def upload(name: str, data: bytes, content_type: str = "video/mp4") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


def captions_upload(data: bytes = CAPTIONS) -> SimpleUploadedFile:
    return SimpleUploadedFile("talk.vtt", data, content_type="text/vtt")


def make_clips(folder: Path) -> dict[str, bytes]:
    """Make a 5-second MP4 (H.264) and a 6-second WebM (VP8) with ffmpeg."""
    ffmpeg = shutil.which("ffmpeg") or "ffmpeg"
    clips = {}
    for kind, seconds, codec in (
        ("mp4", 5, ["-c:v", "libx264", "-pix_fmt", "yuv420p"]),
        ("webm", 6, ["-c:v", "libvpx"]),
    ):
        target = folder / f"clip.{kind}"
        command = [ffmpeg, "-nostdin", "-v", "error", "-y", "-f", "lavfi"]
        command += ["-i", f"testsrc=duration={seconds}:size=160x120:rate=10", *codec, str(target)]
        subprocess.run(command, check=True, timeout=60)
        clips[kind] = target.read_bytes()
    return clips
