"""Building blocks shared by every app's API schemas.

`In` is the base of every input schema: unknown fields are refused, and text
that no database can store (NUL characters) is refused with a field error
instead of failing deep inside a query. `Id` and `PathId` are database ids
in a body and in a URL. `ErrorOut` is the one error shape of the API.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from django.db.models import TextChoices
from ninja import Field, File, Path, Schema, UploadedFile
from pydantic import ConfigDict, Strict, WithJsonSchema, field_validator

# Ids are positive 64-bit integers on every supported database. Numbers in
# JSON bodies are strict: `true` or `"3"` is not an id.
MAX_ID = 2**63 - 1
Id = Annotated[int, Strict(), Field(ge=1, le=MAX_ID)]
# An id in a URL: anything else is a 422 before any query runs (a huge number
# would overflow the database's integers in a foreign-key lookup).
PathId = Annotated[int, Path(ge=1, le=MAX_ID)]

NUL_CHARACTER = "Null characters are not allowed."


def choice(choices: type[TextChoices]) -> Any:
    """Return the type of a field holding one of `choices`, inlined in the OpenAPI.

    Django's nested choices share short names (`Space.Status`,
    `Invitation.Status`), which would collide as OpenAPI components.
    """
    return Annotated[choices, WithJsonSchema({"type": "string", "enum": list(choices.values)})]


def check_text(value: str) -> str:
    """Return `value` if a database can store it; else raise ValueError.

    PostgreSQL refuses NUL characters in text. (Lone surrogates, the other
    unstorable text, pydantic refuses by itself.)
    """
    if "\x00" in value:
        raise ValueError(NUL_CHARACTER)
    return value


class In(Schema):
    """Base of input schemas: no unknown fields, only storable text."""

    model_config = ConfigDict(extra="forbid")

    @field_validator("*", mode="after")
    @classmethod
    def _storable_text(cls, value: Any) -> Any:
        if isinstance(value, str):
            return check_text(value)
        if isinstance(value, list):
            for item in value:
                if isinstance(item, str):
                    check_text(item)
        return value


class ErrorOut(Schema):
    """Every error: a sentence, a stable code, and messages per field."""

    detail: str = Field(description="A sentence for people.")
    code: str = Field(description="A stable code for programs, e.g. `not_found`, `invalid`.")
    errors: dict[str, list[str]] = Field(
        description="Messages per field (`__all__` for the request as a whole)."
    )


def _without_default(schema: dict[str, Any]) -> None:
    schema.pop("default", None)


def Omittable(**constraints: Any) -> Any:
    """A field of a patch: it may be left out, but not sent as null."""
    return Field(default=None, json_schema_extra=_without_default, **constraints)


# An optional file of a multipart body (`File[UploadedFile] | None` would lose the marker).
OptionalFile = Annotated[UploadedFile | None, File(None)]


class VideoUploadIn(In):
    """The form fields sent with a video upload (multipart)."""

    captions_language: str = Field(
        default="", max_length=16, description="A language code such as en, fr or pt-BR."
    )


class VideoOut(Schema):
    """A video of a show-and-tell thread or a lesson; its addresses check the caller's rights."""

    name: str = Field(description="The uploader's file name, cleaned.")
    content_type: str = Field(description="video/mp4, video/webm or video/x-matroska.")
    size: int = Field(description="Bytes.")
    duration: float | None = Field(description="Seconds, when ffprobe measured it.")
    url: str = Field(description="The video; answers HTTP range requests (206).")
    poster_url: str | None = Field(description="A JPEG frame, once ffmpeg has taken it.")
    captions_url: str | None = Field(description="WebVTT captions, when uploaded.")
    captions_language: str | None


def video_out(video: Any, url: Callable[[str], str]) -> dict[str, Any] | None:
    """Return the VideoOut fields of a `core.Video` (or None); `url(part)` gives an address."""
    if video is None:
        return None
    version = f"?v={video.pk}"
    return {
        "name": video.name,
        "content_type": video.content_type,
        "size": video.size,
        "duration": video.duration,
        "url": url("file") + version,
        "poster_url": url("poster") + version if video.poster else None,
        "captions_url": url("captions") + version if video.captions else None,
        "captions_language": video.captions_language or None if video.captions else None,
    }
