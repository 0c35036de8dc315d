"""A meeting's information pack: documents and web links, what DM-1048 sent on CD-ROM.

Invitees reach it from their letter, without signing in; documents are served through a
view (never from a public media path) and as one ZIP.
"""

import io
import re
import zipfile
from pathlib import Path

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max

from summitdesk.core import audit
from summitdesk.core.audit import Actor
from summitdesk.meetings.models import Meeting, PackItem

_UNSAFE = re.compile(r"[^\w.\- ]+")


def _next_position(meeting: Meeting) -> int:
    last = meeting.pack_items.aggregate(last=Max("position"))["last"]
    return 0 if last is None else last + 1


@transaction.atomic
def add_document(
    meeting: Meeting, *, title: str, language: str, upload: UploadedFile[bytes], actor: Actor
) -> PackItem:
    """Store `upload` (Django storage) as a document of the pack."""
    item = PackItem(
        meeting=meeting, title=title, language=language, position=_next_position(meeting)
    )
    item.document.save(download_name(title, upload.name or ""), upload, save=False)
    item.full_clean()
    item.save()
    audit.record(
        meeting,
        "summitdesk.meeting.pack_item_added",
        actor=actor,
        note=f"{title} ({language or 'all languages'})",
    )
    return item


@transaction.atomic
def add_link(meeting: Meeting, *, title: str, language: str, url: str, actor: Actor) -> PackItem:
    item = PackItem(
        meeting=meeting,
        title=title,
        language=language,
        url=url,
        position=_next_position(meeting),
    )
    item.full_clean()
    item.save()
    audit.record(
        meeting, "summitdesk.meeting.pack_item_added", actor=actor, note=f"{title} <{url}>"
    )
    return item


@transaction.atomic
def remove_item(item: PackItem, *, actor: Actor) -> None:
    """Remove an item; its stored document is deleted once the removal is committed."""
    name = item.document.name if item.document else ""
    storage = item.document.storage
    meeting = item.meeting
    item.delete()
    audit.record(meeting, "summitdesk.meeting.pack_item_removed", actor=actor, note=item.title)
    if name:
        transaction.on_commit(lambda: storage.delete(name))


def download_name(title: str, original: str) -> str:
    """A file name for a document: its title, made safe, with the uploaded file's extension."""
    stem = _UNSAFE.sub("", title).strip().replace(" ", "-")[:80] or "document"
    return f"{stem}{Path(original).suffix.lower()}"


def pack_zip(items: list[PackItem]) -> bytes:
    """The documents of `items` in one ZIP, a folder per language ("all" for any)."""
    buffer = io.BytesIO()
    used: set[str] = set()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for item in items:
            if not item.document:
                continue
            name = f"{item.language or 'all'}/{download_name(item.title, item.document.name or '')}"
            stem, suffix = Path(name).with_suffix(""), Path(name).suffix
            count = 1
            while name in used:
                count += 1
                name = f"{stem}-{count}{suffix}"
            used.add(name)
            with item.document.open("rb") as document:
                archive.writestr(name, document.read())
    return buffer.getvalue()
