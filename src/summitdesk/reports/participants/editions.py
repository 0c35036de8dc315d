"""Editions of the List of Participants: publishing one, preparing it, and what the public
page shows of it.

Editions: `publish_edition` records an edition and enqueues `prepare_edition`, which
stores the whole list (its pages and its PDF) as it is at that moment; the public page
shows the latest published edition exactly as published. A consent withdrawn later
removes the person from the next edition, not from the one already out: staff see how
many people on the public edition can no longer be listed (`withdrawn_since`) and publish
a new edition to take them off.
"""

import dataclasses
import datetime
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from summitdesk.accreditation.enums import AccreditationStatus
from summitdesk.core import audit
from summitdesk.core.audit import Actor
from summitdesk.core.models import User
from summitdesk.core.permissions import Permission, may
from summitdesk.delegations.models import Delegate
from summitdesk.lib.documents import DocumentError
from summitdesk.meetings.models import Meeting
from summitdesk.reports import figures, participant_index, tasks
from summitdesk.reports.models import (
    Edition,
    EditionEntry,
    EditionKind,
    EditionPage,
    EditionStatus,
)
from summitdesk.reports.participants.document import (
    edition_label,
    list_document,
    meeting_today,
    render_list,
)
from summitdesk.reports.participants.listing import ParticipantList, _delegations, build_list

#: An edition still being prepared after this long lost its worker.
STALLED_AFTER = datetime.timedelta(minutes=15)


class PublishError(Exception):
    """An edition refused, with a message for the person who asked for it."""


def can_publish(user: User | Any) -> bool:
    """The list is a public document: communications officers and administrators publish it
    (`core.permissions`); registration officers prepare the accreditations and read it."""
    return may(user, Permission.PARTICIPANTS_PUBLISH)


def public_edition(meeting: Meeting) -> Edition | None:
    """The edition the public sees: the latest one published."""
    return (
        Edition.objects.filter(meeting=meeting, status=EditionStatus.PUBLISHED)
        .defer("delegate_ids", "contents")
        .order_by("-number")
        .first()
    )


def check_kind(meeting: Meeting, kind: str) -> None:
    """Refuse an edition out of order: a final one needs a provisional one before it, and
    after a final edition only a corrected final one can follow. Editions that failed do
    not count; one being prepared does."""
    if kind not in EditionKind.values:
        raise PublishError(_("Choose a provisional or a final edition."))
    editions = Edition.objects.filter(meeting=meeting).exclude(status=EditionStatus.FAILED)
    if editions.filter(status=EditionStatus.PREPARING).exists():
        raise PublishError(_("An edition is being prepared: wait until it is published."))
    kinds = set(editions.values_list("kind", flat=True))
    if kind == EditionKind.FINAL and EditionKind.PROVISIONAL not in kinds:
        raise PublishError(_("Publish a provisional edition before the final one."))
    if kind == EditionKind.PROVISIONAL and EditionKind.FINAL in kinds:
        raise PublishError(
            _("The final list is out: correct it with a new final edition, not a provisional one.")
        )


def _fail_stalled(meeting: Meeting, *, actor: Actor) -> None:
    """An edition still preparing after STALLED_AFTER lost its worker (killed mid-render):
    mark it failed, so that it no longer blocks the next one."""
    stalled = Edition.objects.filter(
        meeting=meeting,
        status=EditionStatus.PREPARING,
        requested_at__lt=timezone.now() - STALLED_AFTER,
    )
    for edition in stalled:
        edition.status = EditionStatus.FAILED
        edition.stage = ""
        edition.error = _("The worker preparing this edition stopped: publish it again.")
        edition.save(update_fields=["status", "stage", "error"])
        audit.record(
            edition,
            "summitdesk.participants.publish_failed",
            actor=actor,
            changes={"status": [EditionStatus.PREPARING, EditionStatus.FAILED]},
        )


def publish_edition(meeting: Meeting, *, kind: str, actor: Actor) -> Edition:
    """Ask for the list as it stands to be published as the next edition of `meeting`.

    Side effects, in one transaction: an edition `preparing` (numbered, dated today at
    the venue), the audit entry `summitdesk.participants.publish_requested`, and the task
    that prepares it (`prepare_edition`: the whole list read afresh, its PDF rendered,
    too long for a web request at a large summit). Until it is
    done the public page keeps showing the previous edition.
    """
    with transaction.atomic():
        # One publisher at a time per meeting: the row lock orders them.
        Meeting.objects.select_for_update().filter(pk=meeting.pk).first()
        _fail_stalled(meeting, actor=actor)
        check_kind(meeting, kind)
        listed, _hidden, _online = _delegations(meeting)
        if not listed:
            raise PublishError(
                _("Nobody can be listed yet: no approved participant agreed to publication.")
            )
        latest = Edition.objects.filter(meeting=meeting).aggregate(latest=Max("number"))
        edition = Edition.objects.create(
            meeting=meeting,
            kind=kind,
            number=(latest["latest"] or 0) + 1,
            date=meeting_today(meeting),
            language=translation.get_language() or "en",
            stage=_("Waiting for a worker"),
            published_by=actor.user,
        )
        audit.record(
            edition,
            "summitdesk.participants.publish_requested",
            actor=actor,
            changes={"kind": [None, kind], "number": [None, edition.number]},
        )
        tasks.prepare_edition_task.enqueue(edition.pk)
    return edition


def _stage(edition: Edition, stage: str) -> None:
    Edition.objects.filter(pk=edition.pk).update(stage=stage)


def prepare_edition(edition_id: int) -> Edition | None:
    """Read the list afresh, render its PDF and publish edition `edition_id`; returns it,
    or None when it is gone. Idempotent: an edition no longer `preparing` is left alone.

    Side effects: the edition's pages and PDF stored, the edition `published` with the
    audit entry `summitdesk.participants.published`, in one transaction after the render
    (so a long render never holds the database); `failed` with the reason if the list
    became empty or the PDF did not render.
    """
    edition = (
        Edition.objects.select_related("meeting", "published_by").filter(pk=edition_id).first()
    )
    if edition is None or edition.status != EditionStatus.PREPARING:
        return edition
    meeting = edition.meeting
    actor = (
        Actor.staff(edition.published_by)
        if edition.published_by
        else Actor.system("list of participants")
    )
    with translation.override(edition.language):
        try:
            _stage(edition, _("Reading the list"))
            current = build_list(meeting)
            if current.shown == 0:
                raise PublishError(
                    _("Nobody can be listed yet: no approved participant agreed to publication.")
                )
            pages = [current.page_data(n) for n in sorted(current.pages)]
            removed = _removed_since_previous(edition, current)
            _stage(
                edition, _("Rendering the PDF of %(count)s participants") % {"count": current.shown}
            )
            pdf = render_list(
                list_document(
                    meeting,
                    edition=edition_label(edition.kind, edition.number),
                    date=edition.date,
                    not_shown=current.not_shown,
                    pages=pages,
                    removed=removed,
                )
            )
        except (PublishError, DocumentError) as error:
            Edition.objects.filter(pk=edition.pk, status=EditionStatus.PREPARING).update(
                status=EditionStatus.FAILED, stage="", error=str(error)
            )
            return Edition.objects.get(pk=edition.pk)
        _stage(edition, _("Storing the edition"))
        delegate_ids = sorted(_person_ids(current))
        with transaction.atomic():
            edition = Edition.objects.select_for_update().get(pk=edition.pk)
            if edition.status != EditionStatus.PREPARING:
                return edition
            edition.pdf.save(
                f"{meeting.code}-participants-{edition.number}.pdf", ContentFile(pdf), save=False
            )
            edition.status = EditionStatus.PUBLISHED
            edition.stage = ""
            edition.shown = current.shown
            edition.not_shown = current.not_shown
            edition.removed = removed
            edition.contents = [dataclasses.asdict(summary) for summary in current.contents]
            edition.delegate_ids = delegate_ids
            edition.published_at = timezone.now()
            edition.save()
            EditionPage.objects.bulk_create(
                (
                    EditionPage(edition=edition, number=n, data=data)
                    for n, data in enumerate(pages, 1)
                ),
                batch_size=50,
            )
            # The index and search of the public page, from the same pages.
            EditionEntry.objects.bulk_create(
                participant_index.entries(edition, pages), batch_size=2000
            )
            audit.record(
                edition,
                "summitdesk.participants.published",
                actor=actor,
                changes={
                    "kind": [None, edition.kind],
                    "number": [None, edition.number],
                    "shown": [None, current.shown],
                    "not_shown": [None, current.not_shown],
                    "removed": [None, removed],
                },
            )
    return edition


def _person_ids(current: ParticipantList) -> set[int]:
    return {
        person_id
        for delegations in current.pages.values()
        for delegation in delegations
        for person_id in delegation.person_ids
    }


def _removed_since_previous(edition: Edition, current: ParticipantList) -> int:
    """How many people the latest published edition before `edition` listed and `current`
    does not (consent or accreditation withdrawn since, or revoked)."""
    previous = (
        Edition.objects.filter(
            meeting_id=edition.meeting_id, status=EditionStatus.PUBLISHED, number__lt=edition.number
        )
        .order_by("-number")
        .only("delegate_ids")
        .first()
    )
    if previous is None:
        return 0
    return len(set(previous.delegate_ids) - _person_ids(current))


def still_listed(page: dict[str, Any], meeting: Meeting) -> dict[str, Any]:
    """A published page without the people who may no longer be listed (consent withdrawn,
    accreditation no longer approved): the public web page drops them at once, while the
    dated PDF stays as published until the next edition (one query). People of editions
    published before pages carried their ids are kept."""
    ids = [
        person["id"]
        for group in page["groups"]
        for section in group["sections"]
        for delegation in section["delegations"]
        for person in delegation["people"]
        if "id" in person
    ]
    if not ids:
        return page
    listable = set(
        figures.approved_delegates(meeting)
        .filter(figures.CONSENTED, pk__in=ids)
        .values_list("pk", flat=True)
    )
    groups = []
    for group in page["groups"]:
        sections = []
        for section in group["sections"]:
            delegations = []
            for delegation in section["delegations"]:
                people = [
                    p for p in delegation["people"] if p.get("id", 0) in listable or "id" not in p
                ]
                if people:
                    delegations.append({**delegation, "people": people})
            if delegations:
                sections.append({**section, "delegations": delegations})
        if sections:
            groups.append({**group, "sections": sections})
    return {**page, "groups": groups}


def withdrawn_since(edition: Edition) -> int:
    """How many people on `edition` could no longer be listed today (consent withdrawn,
    accreditation no longer approved): a new edition would take them off."""
    gone = Delegate.objects.filter(reply__meeting_id=edition.meeting_id).filter(
        Q(consent_to_publish=False)
        | ~Q(accreditation__status=AccreditationStatus.APPROVED)
        | Q(accreditation__isnull=True)
    )
    return len(set(gone.values_list("id", flat=True)) & set(edition.delegate_ids))
