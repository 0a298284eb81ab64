"""Checked uploads: size-limited before storing, checked by content, renamed.

A file's name and declared type come from the user and prove nothing: the
bytes are opened with Pillow, and the stored name is random.
"""

from __future__ import annotations

import io
import secrets
from pathlib import PurePosixPath

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

IMAGE_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp", "GIF": "gif"}
MAX_PIXELS = 40_000_000  # refuse decompression bombs before decoding


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
                raise ValidationError(_("The image has too many pixels."), code="too_large")
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
    except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError) as error:
        raise ValidationError(_("This file is not a valid image."), code="bad_image") from error
    return ContentFile(buffer.getvalue(), name=f"photo.{extension}")
