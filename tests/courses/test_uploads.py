"""checked_file: files are recognized by their bytes, never by their names."""

from __future__ import annotations

import io
import re
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from agora.core.uploads import FILE_NOT_ALLOWED, checked_file

PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def _zip(entries: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in entries.items():
            archive.writestr(name, text)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("_case", "name", "data", "content_type", "extension"),
    [
        ("pdf", "notes.pdf", PDF, "application/pdf", "pdf"),
        ("png named .txt", "image.txt", PNG, "image/png", "png"),
        ("jpeg", "photo.jpeg", b"\xff\xd8\xff\xe0" + b"\x00" * 16, "image/jpeg", "jpg"),
        ("gif", "a.gif", b"GIF89a" + b"\x00" * 16, "image/gif", "gif"),
        ("webp", "a.webp", b"RIFF\x10\x00\x00\x00WEBPVP8 ", "image/webp", "webp"),
        ("text", "readme", "Héllo\tworld\n".encode(), "text/plain", "txt"),
        ("csv", "data.csv", b"a,b\n1,2\n", "text/csv", "csv"),
        ("markdown", "notes.md", b"# Title\n", "text/markdown", "md"),
        (
            "docx",
            "essay.docx",
            _zip({"[Content_Types].xml": "<x/>", "word/document.xml": "<x/>"}),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "docx",
        ),
        (
            "ods",
            "sheet.ods",
            _zip({"mimetype": "application/vnd.oasis.opendocument.spreadsheet"}),
            "application/vnd.oasis.opendocument.spreadsheet",
            "ods",
        ),
    ],
)
def test_checked_file_accepts_allowed_kinds(_case, name, data, content_type, extension):
    checked = checked_file(SimpleUploadedFile(name, data), max_bytes=1000)
    assert (checked.content_type, checked.extension, checked.size) == (
        content_type,
        extension,
        len(data),
    )
    assert checked.name == name
    assert checked.content.name.endswith(f".{extension}")
    assert re.fullmatch(rf"[0-9a-f]{{32}}\.{extension}", checked.content.name)
    assert checked.content.read() == data


@pytest.mark.parametrize(
    ("_case", "data"),
    [
        ("exe renamed pdf", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00"),
        ("binary with NUL", b"hello\x00world"),
        ("plain zip", _zip({"a.txt": "x"})),
        ("latin-1 bytes", b"caf\xe9"),
    ],
)
def test_checked_file_refuses_other_content_whatever_its_name(_case, data):
    with pytest.raises(ValidationError) as caught:
        checked_file(SimpleUploadedFile("report.pdf", data), max_bytes=1000)
    assert caught.value.messages == [str(FILE_NOT_ALLOWED)]


def test_checked_file_refuses_large_and_empty_files():
    with pytest.raises(ValidationError) as caught:
        checked_file(SimpleUploadedFile("big.pdf", PDF + b"x" * 100), max_bytes=50)
    assert caught.value.messages == ["The file is too large: the limit is 50\xa0bytes."]
    with pytest.raises(ValidationError) as caught:
        checked_file(SimpleUploadedFile("empty.txt", b""), max_bytes=50)
    assert caught.value.messages == ["The file is empty."]


def test_checked_file_keeps_only_the_last_part_of_a_name():
    checked = checked_file(SimpleUploadedFile("..\\..\\x\u202e.pdf", PDF), max_bytes=1000)
    assert checked.name == "x.pdf"
