"""Checked uploads: size-limited before storing, checked by content, renamed.

A file's name and declared type come from the user and prove nothing: the
bytes are opened with Pillow, and the stored name is random.
"""

from __future__ import annotations

import io
import secrets
from pathlib import PurePosixPath

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler
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
