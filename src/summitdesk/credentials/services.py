"""Mandate documents and credentials: every change goes through these functions, each
atomic with one audit entry (`summitdesk.mandate_document.*`, `summitdesk.credentials.*`,
`summitdesk.meeting.document_requirement_set`, `summitdesk.meeting.credentials_policy_set`).

- Documents are checked in the request (size, kind by content) and inspected by a worker
  (`core.documents.store`); only an accepted one counts as received.
- `approval_blockers` is what accreditation.services.transition asks before approving.
- `save_credentials` records the receipt and the examination of a delegation's credentials,
  under its version (`core.versions`), with an audit entry for each of the two.
"""

import datetime
from dataclasses import dataclass
from typing import IO, Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from summitdesk.core import audit, versions
from summitdesk.core.audit import Actor
from summitdesk.core.documents import store
from summitdesk.credentials import queries
from summitdesk.credentials.enums import (
    CredentialsForm,
    DocumentKind,
    Examined,
    IssuedBy,
    PowersScope,
    Standing,
)
from summitdesk.credentials.models import (
    Credentials,
    CredentialsPolicy,
    DocumentRequirement,
    MandateDocument,
)
from summitdesk.delegations.enums import ATTENDING_STATES
from summitdesk.delegations.models import Reply
from summitdesk.directory.enums import Category
from summitdesk.lib.locales import join_list
from summitdesk.lib.uploads import DocumentRefused as DocumentRefused
from summitdesk.meetings.models import Meeting


class CredentialsError(Exception):
    """A change refused, with a message for the person who asked for it."""


# What a meeting requires


@transaction.atomic
def set_requirement(
    meeting: Meeting,
    category: str,
    kind: str,
    *,
    required: bool,
    approval_waits: bool = False,
    actor: Actor,
) -> DocumentRequirement | None:
    """Require (or no longer require) `kind` from `meeting`'s delegations of `category`."""
    if category not in Category.values or kind not in DocumentKind.values:
        raise CredentialsError(_("Unknown category or kind of document."))
    current = DocumentRequirement.objects.filter(meeting=meeting, category=category, kind=kind)
    before = {
        "required": current.exists(),
        "approval_waits": current.filter(approval_waits=True).exists(),
    }
    after = {"required": required, "approval_waits": required and approval_waits}
    if before == after:
        return current.first()
    requirement = None
    if required:
        requirement, _created = DocumentRequirement.objects.update_or_create(
            meeting=meeting,
            category=category,
            kind=kind,
            defaults={"approval_waits": approval_waits},
        )
    else:
        current.delete()
    audit.record(
        meeting,
        "summitdesk.meeting.document_requirement_set",
        actor=actor,
        changes=audit.diff(before, after),
        note=f"{kind} from {category}",
    )
    return requirement


@transaction.atomic
def set_credentials_policy(
    meeting: Meeting, category: str, *, required: bool, actor: Actor
) -> None:
    """Ask (or stop asking) `meeting`'s delegations of `category` for credentials."""
    if category not in Category.values:
        raise CredentialsError(_("Unknown category."))
    before = category in queries.categories_needing_credentials(meeting)
    if before == required:
        return
    CredentialsPolicy.objects.update_or_create(
        meeting=meeting, category=category, defaults={"required": required}
    )
    audit.record(
        meeting,
        "summitdesk.meeting.credentials_policy_set",
        actor=actor,
        changes={"credentials_required": [before, required]},
        note=category,
    )


# Mandate documents


@transaction.atomic
def upload_document(
    reply: Reply,
    kind: str,
    upload: IO[bytes],
    *,
    name: str,
    size: int,
    by_staff: bool,
    actor: Actor,
) -> MandateDocument:
    """Keep `upload` as `reply`'s document of `kind`; raises DocumentRefused (a bad file,
    too big, over 50 MB for the reply) or CredentialsError, saving nothing."""
    if kind not in DocumentKind.values:
        raise CredentialsError(_("Choose the kind of document."))
    reply = Reply.objects.select_for_update().select_related("organisation").get(pk=reply.pk)
    document = MandateDocument(
        reply=reply, kind=kind, uploaded_by_staff=by_staff, uploaded_by=actor.name[:200]
    )
    store(document, upload, name=name, size=size, already=queries.held_bytes(reply))
    audit.record(
        document,
        "summitdesk.mandate_document.uploaded",
        actor=actor,
        changes=audit.diff({}, {"kind": kind, "name": document.original_name, "size": size}),
        organisation_id=reply.organisation_id,
    )
    return document


@transaction.atomic
def remove_document(document: MandateDocument, *, actor: Actor) -> None:
    organisation_id = document.reply.organisation_id
    audit.record(
        document,
        "summitdesk.mandate_document.removed",
        actor=actor,
        changes=audit.diff({"kind": document.kind, "name": document.original_name}, {}),
        organisation_id=organisation_id,
    )
    file = document.file
    document.delete()
    transaction.on_commit(lambda: file.delete(save=False))


def approval_blockers(reply: Reply) -> list[DocumentKind]:
    """The documents approval of `reply`'s accreditations waits for and that are missing."""
    return queries.missing_kinds(reply, approval_waits=True)


def approval_refusal(reply: Reply) -> str:
    """Why approval of `reply`'s accreditations must wait; "" when it need not."""
    lacking = approval_blockers(reply)
    if not lacking:
        return ""
    return _(
        "This meeting approves a delegation's accreditations only once its documents are "
        "received; missing: %(documents)s."
    ) % {"documents": join_list([str(kind.label).lower() for kind in lacking])}


# Credentials


@dataclass(frozen=True)
class CredentialsData:
    """What the register holds of a delegation's credentials (empty strings: not given)."""

    received_on: datetime.date | None = None
    form: str = ""
    issued_by: str = ""
    issuing_authority: str = ""
    scope: str = ""
    standing: str = ""
    proxy_to: int | None = None
    examined: str = ""
    notes: str = ""


RECEIPT = ("received_on", "form", "issued_by", "issuing_authority", "scope", "standing", "proxy_to")
EXAMINATION = ("examined", "notes")


def data_of(credentials: Credentials | None) -> CredentialsData:
    if credentials is None:
        return CredentialsData()
    return CredentialsData(
        **{
            name: getattr(credentials, name) for name in RECEIPT + EXAMINATION if name != "proxy_to"
        },
        proxy_to=credentials.proxy_to_id,
    )


def problems(reply: Reply, data: CredentialsData) -> dict[str, str]:
    """What is wrong with `data` for `reply`, by field ("" for the whole)."""
    found: dict[str, str] = {}
    for name, choices in (
        ("form", CredentialsForm),
        ("issued_by", IssuedBy),
        ("scope", PowersScope),
        ("standing", Standing),
        ("examined", Examined),
    ):
        value = getattr(data, name)
        if value and value not in choices.values:
            found[name] = _("Choose one of the values offered.")
    if data.received_on and data.received_on > timezone.localdate():
        found["received_on"] = _("The credentials cannot have been received in the future.")
    if data.issued_by == IssuedBy.OTHER and not data.issuing_authority.strip():
        found["issuing_authority"] = _("Name the authority that issued them.")
    if len(data.issuing_authority) > 200:
        found["issuing_authority"] = _("At most 200 characters.")
    if data.examined in (Examined.IN_ORDER, Examined.PROVISIONAL, Examined.NOT_IN_ORDER) and (
        not data.received_on
    ):
        found["received_on"] = _("Record when the credentials were received before examining them.")
    if data.proxy_to is not None:
        if data.proxy_to == reply.pk:
            found["proxy_to"] = _("A delegation cannot transfer its powers to itself.")
        elif not Reply.objects.filter(
            pk=data.proxy_to, meeting_id=reply.meeting_id, state__in=ATTENDING_STATES
        ).exists():
            found["proxy_to"] = _("Choose another delegation attending the same meeting.")
    return found


@transaction.atomic
def save_credentials(
    reply: Reply,
    data: CredentialsData,
    *,
    actor: Actor,
    expected_version: str | None = None,
) -> Credentials:
    """Record what the register holds of `reply`'s credentials. Raises CredentialsError
    (the delegation is not asked for credentials, or `data` is wrong: nothing saved) or
    versions.Conflict (someone saved since `expected_version`). Writes
    `summitdesk.credentials.recorded` when the receipt changed and
    `summitdesk.credentials.examined` when the examination did."""
    reply = (
        Reply.objects.select_for_update().select_related("organisation", "meeting").get(pk=reply.pk)
    )
    if not queries.needs_credentials(reply):
        raise CredentialsError(
            _("This meeting does not ask %(category)s delegations for credentials.")
            % {"category": Category(reply.organisation.category).label}
        )
    found = problems(reply, data)
    if found:
        raise CredentialsError(" ".join(dict.fromkeys(found.values())))
    credentials = Credentials.objects.select_for_update().filter(reply=reply).first()
    if credentials is not None:
        versions.check(credentials, expected_version)
    elif expected_version:
        raise versions.Conflict("", timezone.now(), "")
    else:
        credentials = Credentials(reply=reply)
    names: tuple[str, ...] = RECEIPT + EXAMINATION
    fields = [name if name != "proxy_to" else "proxy_to_id" for name in names]
    existed = credentials.pk is not None
    before = audit.snapshot(credentials, fields)
    values: dict[str, Any] = {
        name: getattr(data, name if name != "proxy_to_id" else "proxy_to") for name in fields
    }
    values["issuing_authority"] = (
        data.issuing_authority.strip() if data.issued_by == IssuedBy.OTHER else ""
    )
    values["notes"] = data.notes.strip()
    for name, value in values.items():
        setattr(credentials, name, value)
    credentials.save()
    changed = audit.diff(before, audit.snapshot(credentials, fields))
    receipt = {k: v for k, v in changed.items() if k not in EXAMINATION}
    examination = {k: v for k, v in changed.items() if k in EXAMINATION}
    if receipt or not existed:
        audit.record(
            credentials,
            "summitdesk.credentials.recorded",
            actor=actor,
            changes=receipt,
            organisation_id=reply.organisation_id,
        )
    if examination:
        audit.record(
            credentials,
            "summitdesk.credentials.examined",
            actor=actor,
            changes=examination,
            organisation_id=reply.organisation_id,
        )
    return credentials
