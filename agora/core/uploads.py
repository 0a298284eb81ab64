"""Checked uploads: size-limited before storing, checked by content, renamed.

A file's name and declared type come from the user and prove nothing: images
are opened with Pillow, other files (`checked_file`) are recognized by their
first bytes (videos also by their container's structure, and by ffprobe when
it is installed), and the stored name is random. `stored_file_response`
serves a stored upload, with byte ranges (RFC 9110) so that videos seek.
"""

from __future__ import annotations

import io
import json
import logging
import re
import secrets
import shutil
import subprocess
import tempfile
import unicodedata
import zipfile
from collections.abc import Collection, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import PurePosixPath

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, ValidationError
from django.core.files.base import ContentFile, File
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler
from django.db import transaction
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from PIL import Image, ImageOps, UnidentifiedImageError

logger = logging.getLogger(__name__)

IMAGE_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp", "GIF": "gif"}
MAX_PIXELS = 40_000_000  # refuse decompression bombs before decoding
TOO_MANY_PIXELS = _lazy("The image has too many pixels.")


def random_name(prefix: str, extension: str) -> str:
    """Return a storage path under `prefix` that no user chose."""
    return str(PurePosixPath(prefix) / f"{secrets.token_hex(16)}.{extension}")


def checked_image(upload: UploadedFile, *, max_bytes: int, size: int) -> ContentFile:
    """Return `upload` as a square-cropped JPEG or PNG of `size` pixels.

    Raise ValidationError when the file is too large, not an image by its
    content, or too big in pixels. The original bytes are never stored.
    """
    if upload.size is None or upload.size > max_bytes:
        raise ValidationError(
            _("The file is too large: the limit is %(limit)s.")
            % {"limit": filesizeformat(max_bytes)},
            code="too_large",
        )
    try:
        upload.seek(0)
        with Image.open(upload) as probe:
            if probe.format not in IMAGE_FORMATS:
                raise ValidationError(_("Upload a JPEG, PNG, WebP or GIF image."), code="bad_type")
            if probe.width * probe.height > MAX_PIXELS:
                raise ValidationError(TOO_MANY_PIXELS, code="too_large")
            probe.verify()
        upload.seek(0)
        with Image.open(upload) as image:
            image = ImageOps.exif_transpose(image)
            image.load()
            has_alpha = image.mode in ("RGBA", "LA", "P")
            image = ImageOps.fit(image.convert("RGBA" if has_alpha else "RGB"), (size, size))
            buffer = io.BytesIO()
            if has_alpha:
                image.save(buffer, "PNG", optimize=True)
                extension = "png"
            else:
                image.save(buffer, "JPEG", quality=85, optimize=True)
                extension = "jpg"
    except Image.DecompressionBombError as error:
        raise ValidationError(TOO_MANY_PIXELS, code="too_large") from error
    except (UnidentifiedImageError, OSError, SyntaxError) as error:
        raise ValidationError(_("This file is not a valid image."), code="bad_image") from error
    return ContentFile(buffer.getvalue(), name=f"photo.{extension}")


# What `checked_file` accepts: kind → (content type, stored extension).
FILE_KINDS: dict[str, tuple[str, str]] = {
    "pdf": ("application/pdf", "pdf"),
    "png": ("image/png", "png"),
    "jpeg": ("image/jpeg", "jpg"),
    "gif": ("image/gif", "gif"),
    "webp": ("image/webp", "webp"),
    "text": ("text/plain", "txt"),
    "csv": ("text/csv", "csv"),
    "markdown": ("text/markdown", "md"),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
    "pptx": ("application/vnd.openxmlformats-officedocument.presentationml.presentation", "pptx"),
    "odt": ("application/vnd.oasis.opendocument.text", "odt"),
    "ods": ("application/vnd.oasis.opendocument.spreadsheet", "ods"),
    "odp": ("application/vnd.oasis.opendocument.presentation", "odp"),
    "mp4": ("video/mp4", "mp4"),
    "webm": ("video/webm", "webm"),
    "matroska": ("video/x-matroska", "mkv"),
    "vtt": ("text/vtt", "vtt"),
}
# What each use accepts (the `kinds` of `checked_file`).
DOCUMENT_KINDS = frozenset(FILE_KINDS) - {"mp4", "webm", "matroska", "vtt"}
VIDEO_KINDS = frozenset({"mp4", "webm", "matroska"})
CAPTION_KINDS = frozenset({"vtt"})
TEXT_KIND_NAMES = frozenset({"text", "csv", "markdown"})
# Bytes read to tell a file's kind; videos are checked in place, never read whole.
HEAD_BYTES = 64 * 1024
# Office Open XML: the folder of the main part names the kind.
OOXML_FOLDERS = {"word/": "docx", "xl/": "xlsx", "ppt/": "pptx"}
ODF_TYPES = {FILE_KINDS[kind][0]: kind for kind in ("odt", "ods", "odp")}
TEXT_KINDS = {".csv": "csv", ".md": "markdown", ".markdown": "markdown"}
MAX_NAME = 200
FILE_NOT_ALLOWED = _lazy(
    "This kind of file is not accepted. Upload a PDF, an image (PNG, JPEG, GIF, WebP), "
    "plain text, CSV, Markdown, or a Word, Excel, PowerPoint or OpenDocument file."
)
VIDEO_NOT_ALLOWED = _lazy("This is not a video Agora can play. Upload an MP4 or a WebM video.")
VIDEO_BROKEN = _lazy(
    "This video file is damaged or incomplete (was the upload cut short?). "
    "Export it again as MP4 or WebM and upload it once more."
)
CAPTIONS_NOT_ALLOWED = _lazy(
    'Captions must be a WebVTT file: UTF-8 text that starts with the line "WEBVTT".'
)
NOT_ALLOWED = {VIDEO_KINDS: VIDEO_NOT_ALLOWED, CAPTION_KINDS: CAPTIONS_NOT_ALLOWED}


@dataclass(frozen=True)
class CheckedFile:
    """An upload that passed `checked_file`: what to store and what to show."""

    content: File
    name: str  # the uploader's file name, cleaned, for display only
    content_type: str
    extension: str
    size: int
    duration: float | None = None  # seconds, for videos when ffprobe measured it


def _too_large(max_bytes: int) -> ValidationError:
    return ValidationError(
        _("The file is too large: the limit is %(limit)s.") % {"limit": filesizeformat(max_bytes)},
        code="too_large",
    )


def _zip_kind(data: bytes) -> str | None:
    """Return the Office Open XML or ODF kind of a ZIP file, reading only its directory."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = archive.namelist()
            if "mimetype" in names and archive.getinfo("mimetype").file_size < 100:
                declared = archive.read("mimetype").decode("ascii", "replace").strip()
                return ODF_TYPES.get(declared)
            if "[Content_Types].xml" in names:
                for folder, kind in OOXML_FOLDERS.items():
                    if any(name.startswith(folder) for name in names):
                        return kind
    except (zipfile.BadZipFile, OSError, KeyError, ValueError, RuntimeError, EOFError):
        return None
    return None


def _is_text(data: bytes) -> bool:
    """UTF-8 without NUL or other control characters (tabs and line breaks allowed)."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return False
    return not any(unicodedata.category(char) == "Cc" and char not in "\t\n\r\f" for char in text)


def file_kind(data: bytes, name: str = "") -> str | None:
    """Return the kind (a key of FILE_KINDS) of `data` by its bytes, or None.

    The name only tells plain text, CSV and Markdown apart, which have no
    magic bytes; it never makes a file of another kind acceptable.
    """
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if data.startswith((b"GIF87a", b"GIF89a")):
        return "gif"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    if data.startswith(b"PK\x03\x04"):
        return _zip_kind(data)
    if data[4:8] == b"ftyp":
        return "mp4"
    if data.startswith(EBML_MAGIC):
        return _ebml_doc_type(data)
    if data and _is_text(data):
        if _is_webvtt(data):
            return "vtt"
        return TEXT_KINDS.get(PurePosixPath(name.lower()).suffix, "text")
    return None


# --- Video containers and captions ---------------------------------------------------

EBML_MAGIC = b"\x1a\x45\xdf\xa3"
EBML_DOC_TYPE = b"\x42\x82"
MATROSKA_SEGMENT = b"\x18\x53\x80\x67"
MP4_MEDIA_BOXES = {b"moov", b"moof"}
WEBVTT_HEADER = re.compile(rb"\AWEBVTT(?:[ \t\r\n]|\Z)")


def _is_webvtt(data: bytes) -> bool:
    """WebVTT: UTF-8 text whose first line is "WEBVTT" (optionally followed by text)."""
    return bool(WEBVTT_HEADER.match(data.removeprefix(b"\xef\xbb\xbf")))


def _read_vint(data: bytes, at: int) -> tuple[int, int] | None:
    """Read an EBML variable-length integer at `at`: (value, length), or None.

    A value of all ones means "unknown size" and is returned as -1.
    """
    if at >= len(data) or data[at] == 0:
        return None
    first = data[at]
    length = 8 - first.bit_length() + 1
    if at + length > len(data):
        return None
    value = first & (0xFF >> length)
    for byte in data[at + 1 : at + length]:
        value = (value << 8) | byte
    return (-1 if value == (1 << (7 * length)) - 1 else value), length


def _ebml_doc_type(data: bytes) -> str | None:
    """Return "webm" or "matroska" from an EBML header's DocType, else None."""
    size = _read_vint(data, 4)
    if size is None or size[0] < 0:
        return None
    header = data[4 + size[1] : 4 + size[1] + size[0]]
    at = header.find(EBML_DOC_TYPE)
    if at < 0:
        return None
    length = _read_vint(header, at + 2)
    if length is None or length[0] < 0:
        return None
    start = at + 2 + length[1]
    doc_type = header[start : start + length[0]]
    return {b"webm": "webm", b"matroska": "matroska"}.get(doc_type)


def _mp4_is_whole(handle, size: int) -> bool:
    """Walk the top-level boxes of an MP4: they must fill the file exactly and hold the media.

    A truncated upload leaves a last box that claims more bytes than arrived.
    """
    position, seen = 0, set()
    while position < size:
        handle.seek(position)
        header = handle.read(16)
        if len(header) < 8:
            return False
        length, kind = int.from_bytes(header[:4], "big"), header[4:8]
        if length == 1:  # 64-bit size follows
            if len(header) < 16:
                return False
            length = int.from_bytes(header[8:16], "big")
        elif length == 0:  # the box runs to the end of the file
            length = size - position
        if length < 8 or position + length > size:
            return False
        seen.add(kind)
        position += length
    return bool(seen & MP4_MEDIA_BOXES)


def _matroska_is_whole(handle, size: int) -> bool:
    """The Segment after the EBML header must fit in the file (unless its size is unknown)."""
    handle.seek(0)
    data = handle.read(HEAD_BYTES)
    header = _read_vint(data, 4)
    if header is None:
        return False
    at = 4 + header[1] + header[0]
    if data[at : at + 4] != MATROSKA_SEGMENT:
        return False
    segment = _read_vint(data, at + 4)
    if segment is None:
        return False
    return segment[0] < 0 or at + 4 + segment[1] + segment[0] <= size


@contextmanager
def _local_path(upload: File) -> Iterator[str]:
    """Yield a path on disk holding `upload` (its temporary file, or a copy)."""
    path = getattr(upload, "temporary_file_path", None)
    if path is not None:
        yield path()
        return
    with tempfile.NamedTemporaryFile(suffix=".upload") as copy:
        upload.seek(0)
        for chunk in upload.chunks():
            copy.write(chunk)
        copy.flush()
        yield copy.name


def tool_path(setting: str) -> str | None:
    """Return the path of the ffmpeg or ffprobe the settings name, or None when absent."""
    return shutil.which(getattr(settings, setting, "") or "")


def probe_video(path: str) -> dict | None:
    """Return ffprobe's view of the video at `path` ({} when ffprobe is absent).

    Return None when ffprobe finds no decodable video stream in it.
    """
    ffprobe = tool_path("AGORA_FFPROBE")
    if ffprobe is None:
        return {}
    command = [ffprobe, "-v", "error", "-show_entries", "format=duration:stream=codec_type"]
    command += ["-of", "json", "--", path]
    try:
        result = subprocess.run(  # noqa: S603 - a fixed command on our own temporary file
            command, capture_output=True, timeout=settings.AGORA_FFMPEG_TIMEOUT, check=False
        )
        report = json.loads(result.stdout or b"{}")
    except (subprocess.TimeoutExpired, OSError, ValueError) as error:
        logger.warning("ffprobe could not read an upload: %s", error)
        return None
    streams = [stream.get("codec_type") for stream in report.get("streams", [])]
    if result.returncode != 0 or "video" not in streams:
        return None
    return report


def _checked_video(upload: UploadedFile, kind: str, size: int) -> float | None:
    """Raise ValidationError unless the video's container is whole; return its duration."""
    upload.seek(0)
    whole = _mp4_is_whole(upload, size) if kind == "mp4" else _matroska_is_whole(upload, size)
    if not whole:
        raise ValidationError(VIDEO_BROKEN, code="broken")
    with _local_path(upload) as path:
        report = probe_video(path)
    if report is None:
        raise ValidationError(VIDEO_BROKEN, code="broken")
    try:
        return float(report.get("format", {}).get("duration", ""))
    except ValueError:
        return None


def clean_file_name(name: str) -> str:
    """Return the last part of an uploaded file's name, printable and not too long."""
    name = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(char for char in name if unicodedata.category(char)[0] != "C").strip()
    if len(name) > MAX_NAME:
        stem, dot, suffix = name.rpartition(".")
        name = (stem[: MAX_NAME - len(suffix) - 1] + dot + suffix) if dot else name[:MAX_NAME]
    return name or "file"


def checked_file(
    upload: UploadedFile,
    *,
    max_bytes: int,
    prefix: str = "",
    kinds: Collection[str] = DOCUMENT_KINDS,
) -> CheckedFile:
    """Return `upload` checked by its content, ready to store under a random name.

    Accepted are the `kinds` (keys of FILE_KINDS; by default documents: PDF,
    images, text, CSV, Markdown, Office Open XML and OpenDocument files),
    recognized by their first bytes, never by name or declared type: an .exe
    renamed .pdf is refused. Videos (VIDEO_KINDS) must also be whole
    containers, and decodable by ffprobe when it is installed; they are
    stored from the upload itself, never read into memory. Captions
    (CAPTION_KINDS) are WebVTT. Raise ValidationError when the file is too
    large, empty, of another kind or damaged.
    """
    if upload.size is None or upload.size > max_bytes:
        raise _too_large(max_bytes)
    upload.seek(0)
    is_video = bool(VIDEO_KINDS & set(kinds))
    data = upload.read(HEAD_BYTES if is_video else max_bytes + 1)
    if len(data) > max_bytes:
        raise _too_large(max_bytes)
    if not data:
        raise ValidationError(_("The file is empty."), code="empty")
    kind = file_kind(data, upload.name or "")
    if kind == "vtt" and "vtt" not in kinds:
        kind = TEXT_KINDS.get(PurePosixPath((upload.name or "").lower()).suffix, "text")
    if kind not in kinds:
        message = next(
            (text for group, text in NOT_ALLOWED.items() if set(kinds) <= group),
            FILE_NOT_ALLOWED,
        )
        raise ValidationError(message, code="bad_type")
    content_type, extension = FILE_KINDS[kind]
    duration = None
    content: File
    if kind in VIDEO_KINDS:
        duration = _checked_video(upload, kind, upload.size)
        upload.seek(0)
        content = File(upload, name=random_name(prefix, extension))
        size = upload.size
    else:
        content = ContentFile(data, name=random_name(prefix, extension))
        size = len(data)
    return CheckedFile(
        content=content,
        name=clean_file_name(upload.name or ""),
        content_type=content_type,
        extension=extension,
        size=size,
        duration=duration,
    )


# Shown in the browser; every other kind is downloaded (never rendered on our origin).
INLINE_TYPES = {
    "image/png",
    "image/jpeg",
    "image/gif",
    "image/webp",
    "video/mp4",
    "video/webm",
    "video/x-matroska",
    "text/vtt",
}
RANGE_CHUNK = 64 * 1024
BYTE_RANGE = re.compile(r"bytes=(\d*)-(\d*)")


def requested_range(header: str, size: int) -> tuple[int, int] | bool | None:
    """Return the (first, last) bytes a Range header asks of `size` bytes.

    Per RFC 9110 §14.2: None when the header is absent, malformed, or asks
    for several ranges (the whole body is then sent); False when the one
    range asked for starts past the end (416).
    """
    match = BYTE_RANGE.fullmatch(header.strip().replace(" ", ""))
    if match is None:
        return None
    first, last = match.groups()
    if not first and not last:
        return None
    if not first:  # a suffix: the last N bytes
        length = int(last)
        if length == 0:
            return False
        return max(size - length, 0), size - 1
    start = int(first)
    if last and int(last) < start:
        return None
    if start >= size:
        return False
    return start, min(int(last) if last else size - 1, size - 1)


def _read_range(handle, start: int, length: int) -> Iterator[bytes]:
    try:
        handle.seek(start)
        while length > 0:
            chunk = handle.read(min(RANGE_CHUNK, length))
            if not chunk:
                break
            length -= len(chunk)
            yield chunk
    finally:
        handle.close()


def stored_file_response(
    file: FieldFile, *, name: str, content_type: str, request: HttpRequest | None = None
) -> HttpResponse:
    """Serve a checked upload inertly, once the caller has checked who may read it.

    Images, videos and captions show inline; anything else is a download.
    nosniff and a sandboxing CSP keep the browser from running it on our
    origin. Given the `request`, a single byte range is answered with 206
    (416 when it starts past the end; the whole file when the Range header
    is malformed or asks for several ranges), so that players can seek. 404
    if the stored file is gone.
    """
    try:
        handle = file.open("rb")
        size = file.size
    except (FileNotFoundError, OSError) as error:
        raise Http404("No such file.") from error
    wanted = None
    if request is not None and request.method in ("GET", "HEAD"):
        wanted = requested_range(request.headers.get("Range", ""), size)
    response: HttpResponse
    if wanted is None:
        response = FileResponse(
            handle,
            as_attachment=content_type not in INLINE_TYPES,
            filename=name,
            content_type=content_type,
        )
    elif wanted is False:
        handle.close()
        response = HttpResponse(status=416, content_type="text/plain")
        response["Content-Range"] = f"bytes */{size}"
    else:
        start, end = wanted
        response = StreamingHttpResponse(
            _read_range(handle, start, end - start + 1), status=206, content_type=content_type
        )
        response["Content-Range"] = f"bytes {start}-{end}/{size}"
        response["Content-Length"] = str(end - start + 1)
        disposition = FileResponse(
            io.BytesIO(), as_attachment=content_type not in INLINE_TYPES, filename=name
        )
        response["Content-Disposition"] = disposition["Content-Disposition"]
    response["Accept-Ranges"] = "bytes"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, max-age=3600"
    return response


def video_part_response(request: HttpRequest, video, part: str) -> HttpResponse:
    """Serve a `core.Video`'s "file", "poster" or "captions", with ranges; 404 if it has none.

    The caller has checked that the viewer may see what the video belongs to.
    """
    parts = {
        "file": ("file", None, "name"),
        "poster": ("poster", "image/jpeg", "poster.jpg"),
        "captions": ("captions", "text/vtt", "captions.vtt"),
    }
    if video is None or part not in parts:
        raise Http404("No such video.")
    field, content_type, name = parts[part]
    file = getattr(video, field)
    if not file:
        raise Http404("No such file.")
    return stored_file_response(
        file,
        name=video.name if part == "file" else name,
        content_type=content_type or video.content_type,
        request=request,
    )


# The routes (URL names, API ones included) whose forms carry a video: their
# requests may be as large as a video plus the usual uploads. Every other
# request keeps the AGORA_MAX_UPLOAD_BYTES limit.
VIDEO_UPLOAD_URL_NAMES = frozenset(
    {"thread_create", "thread_video", "lesson_edit", "thread_video_upload", "lesson_video_upload"}
)


def upload_limit(request: HttpRequest | None) -> int:
    """Return how many bytes of files `request` may carry."""
    match = getattr(request, "resolver_match", None)
    if match is not None and match.url_name in VIDEO_UPLOAD_URL_NAMES:
        return settings.AGORA_MAX_VIDEO_BYTES + settings.AGORA_MAX_UPLOAD_BYTES
    return settings.AGORA_MAX_UPLOAD_BYTES


class UploadSizeLimitHandler(FileUploadHandler):
    """Stop reading an upload once the request passes its limit (`upload_limit`).

    Listed first in FILE_UPLOAD_HANDLERS, it refuses a huge body before
    Django buffers it in memory or in a temporary file; the request gets a
    400. Per-kind limits (photos, videos) are checked later, with a clear
    message.
    """

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        self.limit = upload_limit(self.request)
        self.received = 0
        if content_length > self.limit:
            raise RequestDataTooBig("The upload is larger than its limit.")

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        # Content-Length can lie (or be absent); count what really arrives.
        self.received += len(raw_data)
        if self.received > self.limit:
            raise RequestDataTooBig("The upload is larger than its limit.")
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None


def delete_after_commit(*files: FieldFile | None) -> None:
    """Remove stored files once the transaction that dropped them commits
    (a rolled-back change keeps them). Empty fields are skipped; a file the
    storage cannot delete is logged, not raised."""
    names = [(file.storage, file.name) for file in files if file]

    def delete() -> None:
        for storage, name in names:
            try:
                storage.delete(name)
            except OSError:
                logger.warning("Could not delete the stored file %s", name)

    if names:
        transaction.on_commit(delete)
