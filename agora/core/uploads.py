"""Checked uploads: size-limited before storing, checked by content, renamed.

A file's name and declared type come from the user and prove nothing: images
are opened with Pillow, other files (`checked_file`) are recognized by their
first bytes, and the stored name is random.
"""

from __future__ import annotations

import io
import secrets
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import PurePosixPath

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import Storage
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler
from django.db import transaction
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from PIL import Image, ImageOps, UnidentifiedImageError

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
}
# Office Open XML: the folder of the main part names the kind.
OOXML_FOLDERS = {"word/": "docx", "xl/": "xlsx", "ppt/": "pptx"}
ODF_TYPES = {FILE_KINDS[kind][0]: kind for kind in ("odt", "ods", "odp")}
TEXT_KINDS = {".csv": "csv", ".md": "markdown", ".markdown": "markdown"}
MAX_NAME = 200
FILE_NOT_ALLOWED = _lazy(
    "This kind of file is not accepted. Upload a PDF, an image (PNG, JPEG, GIF, WebP), "
    "plain text, CSV, Markdown, or a Word, Excel, PowerPoint or OpenDocument file."
)


@dataclass(frozen=True)
class CheckedFile:
    """An upload that passed `checked_file`: what to store and what to show."""

    content: ContentFile
    name: str  # the uploader's file name, cleaned, for display only
    content_type: str
    extension: str
    size: int


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
    if data and _is_text(data):
        return TEXT_KINDS.get(PurePosixPath(name.lower()).suffix, "text")
    return None


def clean_file_name(name: str) -> str:
    """Return the last part of an uploaded file's name, printable and not too long."""
    name = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(char for char in name if unicodedata.category(char)[0] != "C").strip()
    if len(name) > MAX_NAME:
        stem, dot, suffix = name.rpartition(".")
        name = (stem[: MAX_NAME - len(suffix) - 1] + dot + suffix) if dot else name[:MAX_NAME]
    return name or "file"


def checked_file(upload: UploadedFile, *, max_bytes: int, prefix: str = "") -> CheckedFile:
    """Return `upload` checked by its content, ready to store under a random name.

    Accepted kinds are FILE_KINDS (PDF, images, text, CSV, Markdown, Office
    Open XML and OpenDocument files), recognized by their first bytes, never
    by name or declared type: an .exe renamed .pdf is refused. Raise
    ValidationError when the file is too large, empty, or of another kind.
    """
    if upload.size is None or upload.size > max_bytes:
        raise _too_large(max_bytes)
    upload.seek(0)
    data = upload.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise _too_large(max_bytes)
    if not data:
        raise ValidationError(_("The file is empty."), code="empty")
    kind = file_kind(data, upload.name or "")
    if kind is None:
        raise ValidationError(FILE_NOT_ALLOWED, code="bad_type")
    content_type, extension = FILE_KINDS[kind]
    return CheckedFile(
        content=ContentFile(data, name=random_name(prefix, extension)),
        name=clean_file_name(upload.name or ""),
        content_type=content_type,
        extension=extension,
        size=len(data),
    )


# Shown in the browser; every other kind is downloaded (never rendered on our origin).
INLINE_TYPES = {"image/png", "image/jpeg", "image/gif", "image/webp"}


def stored_file_response(file: FieldFile, *, name: str, content_type: str) -> FileResponse:
    """Serve a checked upload inertly, once the caller has checked who may read it.

    Images show inline; anything else is a download. nosniff and a sandboxing
    CSP keep the browser from running it on our origin. 404 if the stored
    file is gone.
    """
    try:
        handle = file.open("rb")
    except (FileNotFoundError, OSError) as error:
        raise Http404("No such file.") from error
    response = FileResponse(
        handle,
        as_attachment=content_type not in INLINE_TYPES,
        filename=name,
        content_type=content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, max-age=3600"
    return response


class UploadSizeLimitHandler(FileUploadHandler):
    """Stop reading an upload once the request passes AGORA_MAX_UPLOAD_BYTES.

    Listed first in FILE_UPLOAD_HANDLERS, it refuses a huge body before
    Django buffers it in memory or in a temporary file; the request gets a
    400. Per-kind limits (photos) are checked later, with a clear message.
    """

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        self.limit = settings.AGORA_MAX_UPLOAD_BYTES
        self.received = 0
        if content_length > self.limit:
            raise RequestDataTooBig("The upload is larger than AGORA_MAX_UPLOAD_BYTES.")

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        # Content-Length can lie (or be absent); count what really arrives.
        self.received += len(raw_data)
        if self.received > self.limit:
            raise RequestDataTooBig("The upload is larger than AGORA_MAX_UPLOAD_BYTES.")
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None


def delete_after_commit(storage: Storage, *names: str) -> None:
    """Remove stored files once the transaction that dropped them commits
    (a rolled-back change keeps them). Empty names are skipped."""
    kept = [name for name in names if name]
    if kept:
        transaction.on_commit(lambda: [storage.delete(name) for name in kept])
