"""Uploaded documents kept by the application (an application's statutes, a delegation's
credentials): the fields every such model shares, storing one in the request, and the
background task that opens it (lib.uploads explains the two steps).

A model of documents inherits `StoredDocument`; its app calls `store` from its service
and nothing else: the inspection task is queued when the upload's transaction commits,
and a document is shown as "being checked" until it has run. Only an accepted document
counts as received.
"""

import shutil
import tempfile
from pathlib import Path
from typing import IO

from django.apps import apps
from django.core.files import File
from django.db import models, transaction
from django.utils.translation import gettext_lazy as _
from django_tasks import task

from summitdesk.lib import uploads
from summitdesk.lib.tokens import new_token


class DocumentState(models.TextChoices):
    CHECKING = "checking", _("Being checked")
    ACCEPTED = "accepted", _("Received")
    REFUSED = "refused", _("Refused")


class StoredDocument(models.Model):
    file = models.FileField(_("file"), upload_to="documents/", max_length=200)
    original_name = models.CharField(_("file name"), max_length=255)
    media_type = models.CharField(max_length=40)
    size = models.PositiveIntegerField(_("size in bytes"))
    pages = models.PositiveIntegerField(null=True, blank=True)
    state = models.CharField(
        _("state"), max_length=16, choices=DocumentState.choices, default=DocumentState.CHECKING
    )
    refusal = models.CharField(_("why it was refused"), max_length=200, blank=True)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True

    @property
    def download_name(self) -> str:
        stem = Path(self.original_name).stem[:80] or "document"
        return f"{stem}.{uploads.extension(self.media_type)}"


def store(
    document: StoredDocument, upload: IO[bytes], *, name: str, size: int, already: int = 0
) -> None:
    """Check `upload` (lib.uploads.check_upload: raises DocumentRefused, saving nothing),
    then save `document` with it under a name nobody can guess, and queue its inspection
    for when the transaction commits."""
    media = uploads.check_upload(upload, size=size, already=already)
    document.media_type = media
    document.size = size
    document.original_name = Path(name).name[:255] or "document"
    document.state = DocumentState.CHECKING
    document.file.save(f"{new_token()}.{uploads.extension(media)}", File(upload), save=False)
    document.save()
    label = document._meta.label_lower
    transaction.on_commit(lambda: inspect_document.enqueue(label, document.pk))


def inspect_stored(document: StoredDocument) -> None:
    """Open the stored file under the limits and record what was found."""
    with tempfile.NamedTemporaryFile(suffix="." + uploads.extension(document.media_type)) as copy:
        with document.file.open("rb") as source:
            shutil.copyfileobj(source, copy)
        copy.flush()
        try:
            facts = uploads.inspect(Path(copy.name), document.media_type)
        except uploads.DocumentRefused as refused:
            document.state, document.refusal, document.pages = (
                DocumentState.REFUSED,
                str(refused),
                None,
            )
        else:
            document.state, document.refusal, document.pages = (
                DocumentState.ACCEPTED,
                "",
                facts.pages,
            )
    type(document)._default_manager.filter(pk=document.pk).update(
        state=document.state, refusal=document.refusal, pages=document.pages
    )


@task()
def inspect_document(model_label: str, pk: int) -> dict[str, str]:
    """The background step of `store`: a document deleted meanwhile is left alone, and one
    already inspected is not opened again (a task run twice repeats nothing)."""
    model = apps.get_model(model_label)
    document = model.objects.filter(pk=pk, state=DocumentState.CHECKING).first()
    if document is None:
        return {"state": "gone"}
    inspect_stored(document)
    return {"state": document.state}
