"""Profile photos: size-limited before storing, checked by content, resized, renamed."""

from __future__ import annotations

import io
import random
import re
import struct
import zlib
from pathlib import Path

import pytest
from django.core.exceptions import RequestDataTooBig, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from agora.accounts.models import Profile
from agora.core.models import Event
from agora.core.uploads import UploadSizeLimitHandler, checked_image

pytestmark = pytest.mark.django_db

PHOTO_URL = reverse("photo_edit")
RED, BLUE = (255, 0, 0), (0, 0, 255)
STORED_NAME = re.compile(r"^photos/[0-9a-f]{32}\.(jpg|png)$")
NOT_AN_IMAGE = "This file is not a valid image."


def image_bytes(
    fmt: str = "JPEG",
    size: tuple[int, int] = (400, 200),
    *,
    mode: str = "RGB",
    exif_orientation: int | None = None,
    noise: bool = False,
) -> bytes:
    """Return an image whose left half is red and right half blue."""
    image = Image.new(mode, size, RED if mode == "RGB" else (*RED, 255))
    right = Image.new(
        mode, (size[0] - size[0] // 2, size[1]), BLUE if mode == "RGB" else (*BLUE, 128)
    )
    image.paste(right, (size[0] // 2, 0))
    if noise:  # incompressible, so the file is as large as its pixels
        data = random.Random(7).randbytes(size[0] * size[1] * len(mode))
        image = Image.frombytes(mode, size, data)
    buffer = io.BytesIO()
    options = {}
    if exif_orientation is not None:
        exif = Image.Exif()
        exif[0x0112] = exif_orientation  # Orientation
        exif[0x010F] = "Camera Maker"  # Make
        options["exif"] = exif
    image.save(buffer, fmt, **options)
    return buffer.getvalue()


def png_header_only(width: int, height: int) -> bytes:
    """Return a PNG that declares `width` x `height` pixels but holds none."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b""))
        + chunk(b"IEND", b"")
    )


def upload(content: bytes, name: str = "me.jpg", content_type: str = "image/jpeg"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def stored_files(media_root: Path) -> list[str]:
    if not media_root.exists():
        return []
    return sorted(str(p.relative_to(media_root)) for p in media_root.rglob("*") if p.is_file())


def close_to(pixel: tuple[int, ...], colour: tuple[int, int, int]) -> bool:
    return all(abs(a - b) <= 40 for a, b in zip(pixel[:3], colour, strict=True))


@pytest.fixture
def post_photo(client_of, member, django_capture_on_commit_callbacks):
    client = client_of(member)

    def post(file: SimpleUploadedFile):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(PHOTO_URL, {"photo": file})

    return post


def photo_of(user) -> Profile:
    return Profile.objects.get(user=user)


# --- Accepted photos ---------------------------------------------------------------


def test_jpeg_is_resized_to_256_square_and_stored_under_a_random_name(post_photo, member, settings):
    response = post_photo(upload(image_bytes("JPEG"), name="holiday-selfie.jpg"))

    assert response.status_code == 302
    assert response["Location"] == reverse("profile_edit")
    profile = photo_of(member)
    assert STORED_NAME.match(profile.photo.name)
    assert "holiday" not in profile.photo.name
    assert stored_files(settings.MEDIA_ROOT) == [profile.photo.name]
    with Image.open(settings.MEDIA_ROOT / profile.photo.name) as stored:
        assert (stored.format, stored.size, stored.mode) == ("JPEG", (256, 256), "RGB")
    assert Event.objects.filter(verb="profile.photo_changed", actor=member).count() == 1


def test_png_with_transparency_stays_png(post_photo, member, settings):
    response = post_photo(upload(image_bytes("PNG", mode="RGBA"), "me.png", "image/png"))

    assert response.status_code == 302
    name = photo_of(member).photo.name
    assert name.endswith(".png")
    with Image.open(settings.MEDIA_ROOT / name) as stored:
        assert (stored.format, stored.size, stored.mode) == ("PNG", (256, 256), "RGBA")
        assert (stored.getpixel((20, 128))[3], stored.getpixel((235, 128))[3]) == (255, 128)


def test_content_decides_not_the_file_name_or_declared_type(post_photo, member, settings):
    response = post_photo(upload(image_bytes("PNG"), name="photo.txt", content_type="text/plain"))

    assert response.status_code == 302
    name = photo_of(member).photo.name
    assert STORED_NAME.match(name)
    with Image.open(settings.MEDIA_ROOT / name) as stored:
        assert stored.size == (256, 256)


def test_exif_orientation_is_applied_and_metadata_dropped(post_photo, member, settings):
    # Orientation 6: the camera held sideways; viewers rotate 90° clockwise,
    # which puts the stored left (red) half on top.
    post_photo(upload(image_bytes("JPEG", exif_orientation=6)))

    with Image.open(settings.MEDIA_ROOT / photo_of(member).photo.name) as stored:
        assert close_to(stored.getpixel((128, 20)), RED)
        assert close_to(stored.getpixel((128, 235)), BLUE)
        assert dict(stored.getexif()) == {}


def test_without_exif_the_image_is_not_rotated(post_photo, member, settings):
    post_photo(upload(image_bytes("JPEG")))

    with Image.open(settings.MEDIA_ROOT / photo_of(member).photo.name) as stored:
        assert close_to(stored.getpixel((20, 128)), RED)
        assert close_to(stored.getpixel((235, 128)), BLUE)


def test_a_hostile_file_name_never_reaches_storage(post_photo, member, settings):
    response = post_photo(upload(image_bytes("JPEG"), name="../../../etc/passwd.jpg"))

    assert response.status_code == 302
    name = photo_of(member).photo.name
    assert STORED_NAME.match(name)
    assert stored_files(settings.MEDIA_ROOT) == [name]


def test_replacing_a_photo_deletes_the_old_file(post_photo, member, settings):
    post_photo(upload(image_bytes("JPEG")))
    first = photo_of(member).photo.name

    post_photo(upload(image_bytes("PNG", mode="RGBA"), "second.png", "image/png"))

    second = photo_of(member).photo.name
    assert second != first
    assert stored_files(settings.MEDIA_ROOT) == [second]


def test_removing_the_photo_deletes_the_file(
    client_of, member, settings, post_photo, django_capture_on_commit_callbacks
):
    post_photo(upload(image_bytes("JPEG")))

    with django_capture_on_commit_callbacks(execute=True):
        response = client_of(member).post(PHOTO_URL, {"remove": "on"})

    assert response.status_code == 302
    assert photo_of(member).photo.name == ""
    assert stored_files(settings.MEDIA_ROOT) == []


# --- Refused uploads ------------------------------------------------------------------


@pytest.fixture
def existing_photo(post_photo, member) -> str:
    post_photo(upload(image_bytes("JPEG")))
    return photo_of(member).photo.name


def assert_refused(response, message: str, member, settings, existing: str) -> None:
    assert response.status_code == 400
    assert response.context["form"].errors == {"photo": [message]}
    assert photo_of(member).photo.name == existing
    assert stored_files(settings.MEDIA_ROOT) == [existing]
    assert Event.objects.filter(verb="profile.photo_changed").count() == 1


def test_too_large_a_file_is_refused_before_anything_is_stored(
    post_photo, member, settings, existing_photo
):
    settings.AGORA_MAX_PHOTO_BYTES = 50_000
    big = image_bytes("PNG", size=(300, 300), noise=True)
    assert len(big) > 50_000

    response = post_photo(upload(big, "big.png", "image/png"))

    assert_refused(
        response,
        "The file is too large: the limit is 48.8\xa0KB.",
        member,
        settings,
        existing_photo,
    )


def test_a_text_file_named_png_is_refused(post_photo, member, settings, existing_photo):
    response = post_photo(
        upload(b"just some words, not a picture\n" * 20, "notes.png", "image/png")
    )

    assert_refused(response, NOT_AN_IMAGE, member, settings, existing_photo)


def test_a_truncated_png_is_refused(post_photo, member, settings, existing_photo):
    whole = image_bytes("PNG", size=(300, 300), noise=True)

    response = post_photo(upload(whole[: len(whole) // 2], "cut.png", "image/png"))

    assert_refused(response, NOT_AN_IMAGE, member, settings, existing_photo)


def test_an_svg_with_script_is_refused(post_photo, member, settings, existing_photo):
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'

    response = post_photo(upload(svg, "me.png", "image/png"))

    assert_refused(response, NOT_AN_IMAGE, member, settings, existing_photo)


def test_an_image_format_outside_the_list_is_refused(post_photo, member, settings, existing_photo):
    response = post_photo(upload(image_bytes("BMP"), "me.bmp", "image/bmp"))

    assert_refused(
        response, "Upload a JPEG, PNG, WebP or GIF image.", member, settings, existing_photo
    )


@pytest.mark.parametrize(
    "side",
    [8_000, 20_000],
    ids=["over-our-limit", "over-pillows-bomb-limit"],
)
def test_a_decompression_bomb_is_refused_without_decoding(
    post_photo, member, settings, existing_photo, side
):
    # A header claiming side x side pixels (64 or 400 megapixels) over a few bytes.
    bomb = png_header_only(side, side)
    assert len(bomb) < 100

    response = post_photo(upload(bomb, "bomb.png", "image/png"))

    assert_refused(response, "The image has too many pixels.", member, settings, existing_photo)


# --- checked_image on its own ---------------------------------------------------------


def test_checked_image_returns_a_square_jpeg_with_a_neutral_name():
    result = checked_image(upload(image_bytes("JPEG"), "x.jpg"), max_bytes=10**6, size=64)

    assert result.name == "photo.jpg"
    with Image.open(io.BytesIO(result.read())) as image:
        assert (image.format, image.size) == ("JPEG", (64, 64))


def test_checked_image_refuses_by_size_before_opening():
    not_even_an_image = upload(b"x" * 1001, "x.jpg")

    with pytest.raises(ValidationError) as raised:
        checked_image(not_even_an_image, max_bytes=1000, size=64)

    assert raised.value.code == "too_large"


# --- The whole request is capped before Django buffers it ------------------------------


def test_an_upload_over_the_request_cap_gets_400_and_nothing_is_buffered(
    post_photo, member, settings, existing_photo
):
    settings.AGORA_MAX_UPLOAD_BYTES = 100_000
    settings.AGORA_MAX_PHOTO_BYTES = 10 * 1024 * 1024
    big = image_bytes("PNG", size=(300, 300), noise=True)
    assert len(big) > 100_000

    response = post_photo(upload(big, "big.png", "image/png"))

    assert response.status_code == 400
    assert "400.html" in [t.name for t in response.templates]
    assert photo_of(member).photo.name == existing_photo
    assert stored_files(settings.MEDIA_ROOT) == [existing_photo]


def test_the_cap_counts_bytes_even_when_content_length_understates_them(settings):
    settings.AGORA_MAX_UPLOAD_BYTES = 1000
    handler = UploadSizeLimitHandler()
    handler.handle_raw_input(None, {}, 10, b"boundary")
    assert handler.receive_data_chunk(b"x" * 600, 0) == b"x" * 600

    with pytest.raises(RequestDataTooBig):
        handler.receive_data_chunk(b"x" * 600, 600)
