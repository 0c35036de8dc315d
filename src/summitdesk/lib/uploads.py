"""Documents people upload (an applicant's statutes, a delegation's credentials): PDF, JPEG
or PNG, recognised by their content, never by their name or the browser's word.

Two steps, so that no request spends seconds on a hostile file:

- `check_upload`, in the request: the size and the first bytes only.
- `inspect`, in a background task: the file is opened by a child process under a CPU
  time and memory limit (`python -I -c ...`), which reads every page of a PDF and decodes
  an image; a file that loops, bombs or crashes the parser is refused, and the child's
  death takes nothing with it.

`attachment` serves a stored document: always as a download, never rendered by the
browser in the application's origin.
"""

import json
import resource
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from django.http import FileResponse, HttpRequest
from django.utils.translation import gettext_lazy as _

#: Largest document accepted, and the most one application may hold in all.
MAX_DOCUMENT_BYTES = 10 * 1024 * 1024
MAX_TOTAL_BYTES = 50 * 1024 * 1024
#: Room for the form fields and multipart framing around the files of an upload.
FORM_OVERHEAD = 64 * 1024
#: What the inspecting child may spend: seconds of CPU, bytes of memory, wall seconds.
CPU_SECONDS = 5
MEMORY_BYTES = 1 << 30
WALL_SECONDS = 20
#: Most pages and pixels a document may have.
MAX_PAGES = 500
MAX_PIXELS = 50_000_000

#: First bytes of each kind accepted, with its media type and file extension.
KINDS: dict[bytes, tuple[str, str]] = {
    b"%PDF-": ("application/pdf", "pdf"),
    b"\xff\xd8\xff": ("image/jpeg", "jpg"),
    b"\x89PNG\r\n\x1a\n": ("image/png", "png"),
}
ACCEPT = ",".join(
    [".pdf", ".jpg", ".jpeg", ".png", *(media for media, _extension in KINDS.values())]
)


class DocumentRefused(ValueError):
    """A file that is not a document this application keeps; `str()` says why, for the
    person who sent it."""


@dataclass(frozen=True)
class Facts:
    """What inspection found: pages of a PDF (1 for an image)."""

    pages: int


def media_type(head: bytes) -> str:
    """The media type of a file starting with `head`, or DocumentRefused."""
    for signature, (media, _extension) in KINDS.items():
        if head.startswith(signature):
            return media
    raise DocumentRefused(_("The file must be a PDF, a JPEG or a PNG document."))


def extension(media: str) -> str:
    return next(ext for kind, ext in KINDS.values() if kind == media)


def body_too_large(request: HttpRequest, limit: int, *, overhead: int = FORM_OVERHEAD) -> bool:
    """Whether the request announces more than `limit` bytes of files and their form, or
    no sensible length (checked before Django reads the upload, so that a huge body is
    never spooled to disk)."""
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return True
    return length < 0 or length > limit + overhead


def check_upload(file: IO[bytes], *, size: int, already: int = 0) -> str:
    """In the request: the media type of an uploaded `file` of `size` bytes, or
    DocumentRefused (empty, too large, over what the application may hold with the
    `already` bytes it has, or not a PDF, JPEG or PNG by its content)."""
    if size <= 0:
        raise DocumentRefused(_("The file is empty."))
    if size > MAX_DOCUMENT_BYTES:
        raise DocumentRefused(_("The file is larger than 10 MB; send a smaller copy."))
    if already + size > MAX_TOTAL_BYTES:
        raise DocumentRefused(
            _("Documents may take 50 MB in all; remove one or send smaller copies.")
        )
    file.seek(0)
    head = file.read(16)
    file.seek(0)
    return media_type(head)


def _limit_child() -> None:  # pragma: no cover - runs in the child, before exec
    resource.setrlimit(resource.RLIMIT_CPU, (CPU_SECONDS, CPU_SECONDS))
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_BYTES, MEMORY_BYTES))


# The child: reads the file named by argv[1] as the kind in argv[2], prints its facts as
# JSON or exits non-zero. Runs isolated (-I): nothing of the project is imported.
_CHILD = """
import json, sys, warnings
path, kind, max_pages, max_pixels = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
if kind == "application/pdf":
    import pypdf
    reader = pypdf.PdfReader(path, strict=False)
    if reader.is_encrypted:
        print(json.dumps({"refused": "encrypted"})); sys.exit(0)
    pages = len(reader.pages)
    if pages > max_pages:
        print(json.dumps({"refused": "pages"})); sys.exit(0)
    for page in reader.pages:
        page.extract_text()
    print(json.dumps({"pages": pages}))
else:
    from PIL import Image
    Image.MAX_IMAGE_PIXELS = max_pixels
    warnings.simplefilter("error", Image.DecompressionBombWarning)
    with Image.open(path, formats=["JPEG" if kind == "image/jpeg" else "PNG"]) as image:
        image.load()
    print(json.dumps({"pages": 1}))
"""

_REFUSALS = {
    "encrypted": _("The PDF is protected by a password; send it without one."),
    "pages": _("The PDF has more than 500 pages."),
}


def inspect(path: Path, media: str) -> Facts:
    """In a worker: open the stored file at `path` in a limited child process; its facts,
    or DocumentRefused when it cannot be read within the limits."""
    try:
        done = subprocess.run(  # noqa: S603 - our own interpreter and program text
            [sys.executable, "-I", "-c", _CHILD, str(path), media, str(MAX_PAGES), str(MAX_PIXELS)],
            capture_output=True,
            timeout=WALL_SECONDS,
            preexec_fn=_limit_child,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise DocumentRefused(_("The document could not be read in time.")) from None
    if done.returncode != 0:
        raise DocumentRefused(_("The document could not be read; it may be damaged."))
    try:
        answer = json.loads(done.stdout)
    except ValueError:
        raise DocumentRefused(_("The document could not be read; it may be damaged.")) from None
    if "refused" in answer:
        raise DocumentRefused(_REFUSALS[answer["refused"]])
    return Facts(pages=int(answer["pages"]))


def attachment(file: IO[bytes], *, filename: str, media: str) -> FileResponse:
    """A stored document as a download: its media type as inspected, never sniffed or
    rendered by the browser, and no script even if it were."""
    response = FileResponse(file, as_attachment=True, filename=filename, content_type=media)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response
