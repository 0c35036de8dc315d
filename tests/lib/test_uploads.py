"""Uploaded documents: recognised by content in the request, opened under limits in a
child process, served only as downloads."""

import io
from pathlib import Path

import pypdf
import pytest
from PIL import Image

from summitdesk.lib import uploads


def pdf_bytes(pages: int = 1, *, password: str = "") -> bytes:
    writer = pypdf.PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=200, height=200)
    if password:
        writer.encrypt(password)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def png_bytes(size: tuple[int, int] = (20, 10)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, "white").save(out, format="PNG")
    return out.getvalue()


def check(content: bytes, already: int = 0) -> str:
    return uploads.check_upload(io.BytesIO(content), size=len(content), already=already)


def test_the_kind_comes_from_the_content_not_the_name() -> None:
    assert check(pdf_bytes()) == "application/pdf"
    assert check(png_bytes()) == "image/png"
    assert check(b"\xff\xd8\xff\xe0" + b"0" * 20) == "image/jpeg"
    with pytest.raises(uploads.DocumentRefused, match="PDF, a JPEG or a PNG"):
        check(b"<html><script>alert(1)</script></html>")
    with pytest.raises(uploads.DocumentRefused, match="PDF, a JPEG or a PNG"):
        check(b"PK\x03\x04 a word document")


def test_sizes_are_refused_before_anything_is_read() -> None:
    with pytest.raises(uploads.DocumentRefused, match="empty"):
        check(b"")
    big = io.BytesIO(b"%PDF-")
    with pytest.raises(uploads.DocumentRefused, match="10 MB"):
        uploads.check_upload(big, size=uploads.MAX_DOCUMENT_BYTES + 1)
    with pytest.raises(uploads.DocumentRefused, match="50 MB in all"):
        check(pdf_bytes(), already=uploads.MAX_TOTAL_BYTES - 10)


def write(tmp_path: Path, content: bytes) -> Path:
    path = tmp_path / "document"
    path.write_bytes(content)
    return path


def test_a_readable_pdf_and_image_are_accepted_with_their_pages(tmp_path: Path) -> None:
    assert uploads.inspect(write(tmp_path, pdf_bytes(3)), "application/pdf").pages == 3
    assert uploads.inspect(write(tmp_path, png_bytes()), "image/png").pages == 1


def test_damaged_encrypted_and_bomb_documents_are_refused(tmp_path: Path) -> None:
    with pytest.raises(uploads.DocumentRefused, match="damaged"):
        uploads.inspect(write(tmp_path, b"%PDF-1.7\n garbage"), "application/pdf")
    with pytest.raises(uploads.DocumentRefused, match="password"):
        uploads.inspect(write(tmp_path, pdf_bytes(password="x")), "application/pdf")
    with pytest.raises(uploads.DocumentRefused, match="damaged"):
        uploads.inspect(write(tmp_path, png_bytes((9000, 9000))), "image/png")


def test_a_file_that_keeps_the_parser_busy_is_stopped_by_the_cpu_limit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(uploads, "_CHILD", "while True:\n    pass\n")
    monkeypatch.setattr(uploads, "CPU_SECONDS", 1)
    with pytest.raises(uploads.DocumentRefused, match="could not be read"):
        uploads.inspect(write(tmp_path, pdf_bytes()), "application/pdf")


def test_a_document_is_served_as_a_download_that_the_browser_does_not_render() -> None:
    response = uploads.attachment(
        io.BytesIO(b"%PDF-"), filename="statutes.pdf", media="application/pdf"
    )
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
