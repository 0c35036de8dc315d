"""The applicant's side of admission: what the public application page and the
applicant's own link do.

- `window` and `check_eligible` read the process's policy: applications are taken only
  while its window is open, from the categories and stakeholder groups it names (none
  named: any).
- `create_application` records the form as an unconfirmed application and emails the
  address given a link to confirm it (admission.emails); `confirm_email`, done through
  that link, makes it "received": only then do staff see it.
- While the application waits for the applicant (enums.OPEN_TO_APPLICANT) they may
  `correct` it, `add_document` and `remove_document`; `resubmit` answers the
  secretariat's "incomplete" and puts it back under review.
- `resend_link` sends a new link to whoever asks with the address an application gave,
  and says nothing either way (the page answers the same whatever the address).
- `directory_matches` is for staff only: the directory entries an application looks
  like. The applicant is never told whether their organisation is in the directory.
- `purge_unconfirmed` deletes applications whose address was never confirmed.

Every change is audited with the applicant (or the system) as actor.
"""

import datetime
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from functools import partial
from typing import IO, Any

from django.db import transaction
from django.db.models import Q, Sum
from django.db.models.fields.files import FieldFile
from django.utils import timezone
from django.utils.crypto import get_random_string
from django.utils.translation import gettext as _

from summitdesk.admission import emails
from summitdesk.admission.enums import OPEN_TO_APPLICANT, ApplicationStatus
from summitdesk.admission.models import (
    AdmissionPolicy,
    Application,
    ApplicationDocument,
    RequiredDocument,
)
from summitdesk.core import audit, documents
from summitdesk.core.audit import Actor
from summitdesk.core.enums import Channel
from summitdesk.directory.enums import Category, StakeholderGroup
from summitdesk.directory.models import Organisation
from summitdesk.directory.services import likely_duplicates
from summitdesk.lib.text import name_key
from summitdesk.meetings.models import Process

#: What the applicant gives and may correct later (their email address excepted: a new
#: address would need confirming again; they ask the secretariat).
APPLICANT_FIELDS = (
    "name",
    "acronym",
    "category",
    "stakeholder_group",
    "country",
    "address",
    "website",
    "organisation_email",
    "language",
    "purpose",
    "contact_title",
    "contact_given_name",
    "contact_family_name",
    "contact_function",
    "contact_email",
    "contact_phone",
)
CORRECTABLE_FIELDS = tuple(field for field in APPLICANT_FIELDS if field != "contact_email")
#: Days an application may wait for its address to be confirmed before it is deleted.
UNCONFIRMED_DAYS = emails.UNCONFIRMED_DAYS
#: Letters of references: no 0/O, 1/I.
REFERENCE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"

SYSTEM = Actor.system("admission")


class ApplyingError(Exception):
    """What the applicant asked cannot be done; `str()` says why, for them."""


class Window(StrEnum):
    OPEN = "open"
    NOT_YET = "not_yet"
    CLOSED = "closed"


def applicant_actor(application: Application) -> Actor:
    name = " ".join(
        part for part in (application.contact_given_name, application.contact_family_name) if part
    )
    return Actor(user=None, channel=Channel.PORTAL, label=f"applicant {name}".strip())


# The policy


def policy_for(process: Process) -> AdmissionPolicy | None:
    return AdmissionPolicy.objects.filter(process=process).first()


def window(policy: AdmissionPolicy, now: datetime.datetime | None = None) -> Window:
    """Whether `policy` takes applications at `now`: no opening date is open from the
    start, no closing date open until one is set."""
    now = now or timezone.now()
    if policy.opens_at is not None and now < policy.opens_at:
        return Window.NOT_YET
    if policy.closes_at is not None and now >= policy.closes_at:
        return Window.CLOSED
    return Window.OPEN


def eligible_categories(policy: AdmissionPolicy) -> list[Category]:
    """The categories that may apply, in the enum's order (the policy names none: any)."""
    named = set(policy.categories or [])
    return [category for category in Category if not named or category in named]


def eligible_groups(policy: AdmissionPolicy) -> list[StakeholderGroup]:
    named = set(policy.stakeholder_groups or [])
    return [group for group in StakeholderGroup if not named or group in named]


def check_open(policy: AdmissionPolicy, now: datetime.datetime | None = None) -> None:
    state = window(policy, now)
    if state == Window.NOT_YET:
        raise ApplyingError(_("Applications are not open yet."))
    if state == Window.CLOSED:
        raise ApplyingError(_("Applications are closed."))


def check_eligible(policy: AdmissionPolicy, category: str, stakeholder_group: str) -> None:
    if category not in eligible_categories(policy):
        raise ApplyingError(_("Organisations of this category may not apply to this process."))
    if stakeholder_group not in eligible_groups(policy):
        raise ApplyingError(
            _("Organisations of this stakeholder group may not apply to this process.")
        )


def checklist(policy: AdmissionPolicy) -> list[RequiredDocument]:
    return list(policy.required_documents.all())


# Applying


def new_reference() -> str:
    return f"APP-{get_random_string(8, REFERENCE_ALPHABET)}"


@dataclass(frozen=True)
class Upload:
    """A document sent with the form: for the checklist line `requirement_id` (None:
    another document)."""

    file: IO[bytes]
    name: str
    size: int
    requirement_id: int | None


@transaction.atomic
def create_application(
    process: Process,
    data: Mapping[str, Any],
    *,
    uploads: Sequence[Upload] = (),
    now: datetime.datetime | None = None,
) -> Application:
    """A new unconfirmed application of `process` with `data` (APPLICANT_FIELDS, already
    cleaned by the form) and the documents `uploads`; ApplyingError when the window is
    shut or the category or group may not apply, DocumentRefused for a document of the
    wrong kind or size (nothing is then recorded). Queues the email that confirms its
    address and carries its link."""
    policy = policy_for(process)
    if policy is None:
        raise ApplyingError(_("This process takes no applications."))
    check_open(policy, now)
    check_eligible(policy, str(data["category"]), str(data["stakeholder_group"]))
    application = Application(process=process, reference=new_reference())
    for field in APPLICANT_FIELDS:
        if field in data:
            setattr(application, field, data[field])
    application.full_clean(exclude=["reference"])
    while Application.objects.filter(reference=application.reference).exists():
        application.reference = new_reference()
    application.save()
    audit.record(
        application,
        "summitdesk.application.created",
        actor=applicant_actor(application),
        changes={"status": [None, application.status]},
    )
    actor = applicant_actor(application)
    for upload in uploads:
        _store(application, upload, actor=actor)
    emails.queue_confirmation(application)
    return application


@transaction.atomic
def confirm_email(application: Application, *, actor: Actor | None = None) -> bool:
    """The applicant confirmed their address (through the link it received): the
    application is received and staff see it. False when it was confirmed already."""
    updated = Application.objects.filter(
        pk=application.pk, status=ApplicationStatus.UNCONFIRMED
    ).update(
        status=ApplicationStatus.RECEIVED,
        email_confirmed_at=timezone.now(),
        updated_at=timezone.now(),
    )
    if not updated:
        return False
    application.refresh_from_db()
    audit.record(
        application,
        "summitdesk.application.confirmed",
        actor=actor or applicant_actor(application),
        changes={"status": [ApplicationStatus.UNCONFIRMED, ApplicationStatus.RECEIVED]},
    )
    emails.queue_received(application)
    return True


def resend_link(email: str) -> int:
    """Send a new link to `email` for each application that gave it and is not older than
    a decision's time: a confirmed one gets a new link, an unconfirmed one its
    confirmation again. Returns how many emails were queued; the page says the same
    whatever it is."""
    applications = list(
        Application.objects.filter(contact_email__iexact=email.strip()).order_by("pk")
    )
    with transaction.atomic():
        for application in applications:
            if application.status == ApplicationStatus.UNCONFIRMED:
                emails.queue_confirmation(application)
            else:
                emails.queue_link(application)
    return len(applications)


# What the applicant may do while the application waits for them


def check_open_to_applicant(application: Application) -> None:
    if application.status not in OPEN_TO_APPLICANT:
        raise ApplyingError(
            _("The application is with the secretariat and can no longer be changed here.")
        )


@transaction.atomic
def correct(application: Application, data: Mapping[str, Any], *, actor: Actor) -> list[str]:
    """Correct the application's data (CORRECTABLE_FIELDS); returns the fields changed.
    The category and group must still be eligible."""
    locked = Application.objects.select_for_update().get(pk=application.pk)
    check_open_to_applicant(locked)
    policy = policy_for(locked.process)
    if policy is not None:
        check_eligible(
            policy,
            str(data.get("category", locked.category)),
            str(data.get("stakeholder_group", locked.stakeholder_group)),
        )
    changed = []
    for field in CORRECTABLE_FIELDS:
        if field in data and getattr(locked, field) != data[field]:
            setattr(locked, field, data[field])
            changed.append(field)
    if not changed:
        return []
    locked.full_clean()
    locked.save()
    # Names of the fields changed, never their values (personal data stays out of the trail).
    audit.record(
        locked,
        "summitdesk.application.corrected",
        actor=actor,
        note=", ".join(changed),
    )
    application.refresh_from_db()
    return changed


def stored_bytes(application: Application) -> int:
    total = application.documents.aggregate(total=Sum("size"))["total"]
    return int(total or 0)


@transaction.atomic
def add_document(
    application: Application,
    upload: IO[bytes],
    *,
    name: str,
    size: int,
    requirement_id: int | None,
    actor: Actor,
) -> ApplicationDocument:
    """Store an uploaded document for the checklist line `requirement_id` (None: another
    document); raises ApplyingError, or uploads.DocumentRefused (a ValueError) for a file
    of the wrong kind or size, saving nothing."""
    locked = Application.objects.select_for_update().get(pk=application.pk)
    check_open_to_applicant(locked)
    return _store(locked, Upload(upload, name, size, requirement_id), actor=actor)


def _store(application: Application, upload: Upload, *, actor: Actor) -> ApplicationDocument:
    requirement = None
    if upload.requirement_id is not None:
        requirement = RequiredDocument.objects.filter(
            pk=upload.requirement_id, policy__process_id=application.process_id
        ).first()
        if requirement is None:
            raise ApplyingError(_("Choose a document of the list."))
    document = ApplicationDocument(application=application, requirement=requirement)
    documents.store(
        document,
        upload.file,
        name=upload.name,
        size=upload.size,
        already=stored_bytes(application),
    )
    audit.record(
        application,
        "summitdesk.application.document_added",
        actor=actor,
        note=requirement.title if requirement else "",
    )
    return document


@transaction.atomic
def remove_document(application: Application, document_id: int, *, actor: Actor) -> None:
    """Remove one of the application's own documents (another's id finds nothing)."""
    locked = Application.objects.select_for_update().get(pk=application.pk)
    check_open_to_applicant(locked)
    document = ApplicationDocument.objects.filter(pk=document_id, application=locked).first()
    if document is None:
        raise ApplyingError(_("This document is not part of the application."))
    document.delete()
    transaction.on_commit(partial(_delete_files, [document.file]))
    audit.record(
        locked,
        "summitdesk.application.document_removed",
        actor=actor,
        note=document.requirement.title if document.requirement else "",
    )


@transaction.atomic
def resubmit(application: Application, actor: Actor) -> None:
    """The applicant answered the secretariat's request for what was missing: the
    application goes back under review (what was asked stays on record)."""
    updated = Application.objects.filter(
        pk=application.pk, status=ApplicationStatus.INCOMPLETE
    ).update(status=ApplicationStatus.UNDER_REVIEW, updated_at=timezone.now())
    if not updated:
        raise ApplyingError(_("The secretariat has asked for nothing more."))
    audit.record(
        application,
        "summitdesk.application.resubmitted",
        actor=actor,
        changes={"status": [ApplicationStatus.INCOMPLETE, ApplicationStatus.UNDER_REVIEW]},
    )
    application.refresh_from_db()


# What the applicant's page shows


@dataclass(frozen=True)
class ChecklistLine:
    requirement: RequiredDocument | None  # None: the documents sent beside the checklist
    documents: list[ApplicationDocument]

    @property
    def missing(self) -> bool:
        return (
            self.requirement is not None
            and self.requirement.required
            and not any(
                document.state != documents.DocumentState.REFUSED for document in self.documents
            )
        )


def checklist_of(application: Application) -> list[ChecklistLine]:
    """Each line of the process's checklist with the documents sent for it, then the
    others (one line, when there are any)."""
    policy = policy_for(application.process)
    sent = list(application.documents.all())
    lines = []
    for requirement in checklist(policy) if policy else []:
        lines.append(
            ChecklistLine(
                requirement,
                [document for document in sent if document.requirement_id == requirement.pk],
            )
        )
    known = {line.requirement.pk for line in lines if line.requirement}
    others = [document for document in sent if document.requirement_id not in known]
    if others:
        lines.append(ChecklistLine(None, others))
    return lines


# For staff only


def directory_matches(application: Application) -> list[tuple[Organisation, str]]:
    """The directory entries `application` looks like (same name; same acronym and
    country), with the reason: for the secretariat's review, never shown to the applicant."""
    probe = Organisation(
        name=application.name,
        acronym=application.acronym,
        country=application.country,
        name_key=name_key(application.name),
    )
    return likely_duplicates(probe)


# Housekeeping


def _delete_files(files: list[FieldFile]) -> None:
    for file in files:
        file.delete(save=False)


def purge_unconfirmed(now: datetime.datetime | None = None) -> int:
    """Delete the applications whose address was not confirmed within UNCONFIRMED_DAYS,
    with their documents' files; returns how many."""
    cutoff = (now or timezone.now()) - datetime.timedelta(days=UNCONFIRMED_DAYS)
    stale = Application.objects.filter(
        Q(status=ApplicationStatus.UNCONFIRMED) & Q(submitted_at__lt=cutoff)
    )
    count = 0
    for application in stale:
        with transaction.atomic():
            files = [document.file for document in application.documents.all()]
            application.delete()
            transaction.on_commit(partial(_delete_files, files))
        count += 1
    return count
