"""The secretariat's side of admission: reviewing applications, recording the decisions
meetings take on them, and the admitted organisations' standing afterwards.

An application staff see (its email address confirmed) moves through the review
(`review`: under review, incomplete with what is missing, recommended, not recommended
with reasons, deferred) until a meeting of its process decides (`decide`, `decide_many`):
admitted or not admitted, against the meeting that took the decision. Admitting makes the
directory entry (or completes the one staff chose as the same body) with the applicant as
its focal point, and an `Admission` row. Admitted organisations may be suspended or
withdrawn (with a reason) and reinstated; a process may review them every few months
(`remind_reviews`). Applications not admitted are deleted, with their documents, on the
identity data's retention schedule (`purge_applications`).

Every function is atomic and writes one audit entry per change.
"""

import calendar
import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from summitdesk.admission import emails, review_emails
from summitdesk.admission.enums import DECIDED, AdmissionStatus, ApplicationStatus
from summitdesk.admission.models import Admission, Application, ApplicationDocument
from summitdesk.core import audit
from summitdesk.core.audit import Actor
from summitdesk.core.models import AuditEntry
from summitdesk.directory import services as directory_services
from summitdesk.directory.enums import OrganisationStatus, PositionRole
from summitdesk.directory.models import Organisation, Person, Position
from summitdesk.meetings.models import Meeting

S = ApplicationStatus

#: Where staff may move an application from each status while reviewing it.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    S.RECEIVED: (S.UNDER_REVIEW, S.INCOMPLETE),
    S.INCOMPLETE: (S.UNDER_REVIEW, S.INCOMPLETE),
    S.UNDER_REVIEW: (S.INCOMPLETE, S.RECOMMENDED, S.NOT_RECOMMENDED, S.DEFERRED),
    S.RECOMMENDED: (S.UNDER_REVIEW, S.NOT_RECOMMENDED, S.DEFERRED),
    S.NOT_RECOMMENDED: (S.UNDER_REVIEW, S.RECOMMENDED, S.DEFERRED),
    S.DEFERRED: (S.UNDER_REVIEW, S.RECOMMENDED, S.NOT_RECOMMENDED),
}
#: What a meeting may decide on: the applications the secretariat has reviewed.
DECIDABLE = (S.RECOMMENDED, S.NOT_RECOMMENDED, S.DEFERRED)
#: Statuses the applicant is told of (with their link), as admission.emails tells them.
TOLD = emails.TOLD
#: Statuses staff see: every application whose email address is confirmed.
STAFF_STATUSES = tuple(status for status in S if status != S.UNCONFIRMED)

APPLICATION_FIELDS = ("status", "missing", "reasons", "decision_meeting", "decided_on")
ADMISSION_FIELDS = ("status", "status_reason", "next_review_on")


class ReviewError(Exception):
    """A review step or decision refused, with a message for the person who asked."""


def tell_applicant(application: Application) -> None:
    """The applicant's email about the new status (admission.emails decides which statuses
    are told), queued in the transaction that changed it."""
    emails.queue_status_email(application)


def retention_days() -> int:
    """The identity data's retention (accreditation.services.retention_days reads the
    same setting; admission sits below accreditation and cannot import it)."""
    return int(getattr(settings, "SUMMITDESK_IDENTITY_RETENTION_DAYS", 30))


def staff_applications() -> "QuerySet[Application]":
    """The applications staff see: those whose email address is confirmed."""
    return Application.objects.exclude(status=S.UNCONFIRMED)


def _told(application: Application) -> None:
    if application.status in TOLD:
        tell_applicant(application)


def _locked(application: Application) -> Application:
    return Application.objects.select_for_update().get(pk=application.pk)


def _refuse_unreviewable(application: Application) -> None:
    if application.status == S.UNCONFIRMED:
        raise ReviewError(
            _("This application's email address is not confirmed yet: it cannot be reviewed.")
        )
    if application.status in DECIDED:
        raise ReviewError(_("This application has already been decided."))


@transaction.atomic
def review(
    application: Application,
    *,
    to: str,
    actor: Actor,
    missing: str = "",
    reasons: str = "",
) -> Application:
    """Move `application` to the review status `to`: incomplete needs `missing` (told to
    the applicant), not recommended needs `reasons`. Raises ReviewError."""
    application = _locked(application)
    _refuse_unreviewable(application)
    if to not in TRANSITIONS.get(application.status, ()):
        raise ReviewError(
            _("An application %(before)s cannot become %(after)s.")
            % {
                "before": S(application.status).label.lower(),
                "after": S(to).label.lower() if to in S.values else to[:40],
            }
        )
    missing, reasons = missing.strip(), reasons.strip()
    if to == S.INCOMPLETE and not missing:
        raise ReviewError(_("Say what is missing: the applicant is told."))
    if to == S.NOT_RECOMMENDED and not reasons:
        raise ReviewError(_("Give the reasons for not recommending it."))
    before = audit.snapshot(application, APPLICATION_FIELDS)
    application.status = to
    application.missing = missing if to == S.INCOMPLETE else ""
    application.reasons = reasons if to in (S.NOT_RECOMMENDED, S.DEFERRED) else ""
    application.save()
    audit.record(
        application,
        "summitdesk.application.reviewed",
        actor=actor,
        changes=audit.diff(before, audit.snapshot(application, APPLICATION_FIELDS)),
        organisation_id=application.organisation_id,
    )
    _told(application)
    return application


# Duplicates


def _as_organisation(application: Application) -> Organisation:
    """An unsaved directory entry with the application's data."""
    organisation = Organisation(
        name=application.name,
        acronym=application.acronym,
        category=application.category,
        stakeholder_group=application.stakeholder_group,
        country=application.country,
        language=application.language,
        address=application.address,
        email=application.organisation_email,
        website=application.website,
    )
    directory_services.refresh_search_fields(organisation)
    return organisation


def duplicate_candidates(application: Application) -> list[tuple[Organisation, str]]:
    """Directory entries that look like the applicant (same name, or same acronym and
    country), with the reason: staff choose the one that is the same body, if any."""
    return directory_services.likely_duplicates(_as_organisation(application))


@transaction.atomic
def choose_entry(
    application: Application, organisation: Organisation | None, *, actor: Actor
) -> Application:
    """Record that `application` is from the existing directory entry `organisation`
    (None: a new body, its entry made on admission)."""
    application = _locked(application)
    _refuse_unreviewable(application)
    if organisation is not None and organisation.status == OrganisationStatus.MERGED:
        raise ReviewError(_("That directory entry was merged into another: choose that one."))
    before = audit.snapshot(application, ("organisation",))
    application.organisation = organisation
    application.save(update_fields=["organisation", "updated_at"])
    audit.record(
        application,
        "summitdesk.application.entry_chosen",
        actor=actor,
        changes=audit.diff(before, audit.snapshot(application, ("organisation",))),
        organisation_id=organisation.pk if organisation else None,
    )
    return application


# Decisions


def _add_months(day: datetime.date, months: int) -> datetime.date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )


def _next_review(application: Application, day: datetime.date) -> datetime.date | None:
    policy = getattr(application.process, "admission_policy", None)
    months = policy.review_every_months if policy is not None else None
    return _add_months(day, months) if months else None


def _refuse_undecidable(application: Application, meeting: Meeting) -> None:
    if application.status == S.UNCONFIRMED:
        raise ReviewError(
            _("%(reference)s: the email address is not confirmed; it cannot be decided.")
            % {"reference": application.reference}
        )
    if application.status in DECIDED:
        raise ReviewError(
            _("%(reference)s has already been decided.") % {"reference": application.reference}
        )
    if application.status not in DECIDABLE:
        raise ReviewError(
            _("%(reference)s has not been reviewed yet (recommended or not, or deferred).")
            % {"reference": application.reference}
        )
    if meeting.process_id != application.process_id:
        raise ReviewError(
            _("%(reference)s applied to another process than this meeting's.")
            % {"reference": application.reference}
        )


def _directory_entry(application: Application, *, actor: Actor) -> Organisation:
    """The chosen existing entry (its empty fields completed), or a new one."""
    made = _as_organisation(application)
    chosen = application.organisation
    if chosen is None:
        return directory_services.create_organisation(
            {
                name: getattr(made, name)
                for name in (
                    "name",
                    "acronym",
                    "category",
                    "stakeholder_group",
                    "country",
                    "language",
                    "address",
                    "email",
                    "website",
                )
            },
            actor=actor,
        )
    while chosen.merged_into_id is not None:  # merged since it was chosen
        chosen = Organisation.objects.get(pk=chosen.merged_into_id)
    empty = {
        name: getattr(made, name)
        for name in ("acronym", "address", "email", "website")
        if not getattr(chosen, name) and getattr(made, name)
    }
    if empty:
        directory_services.update_organisation(chosen, empty, actor=actor)
    return chosen


def _focal_point(application: Application, organisation: Organisation, *, actor: Actor) -> None:
    """The applicant becomes the entry's focal point (the same person if already there)."""
    email = application.contact_email.strip().lower()
    known = Position.objects.filter(
        organisation=organisation, person__email__iexact=email
    ).select_related("person")
    person = known[0].person if known else Person()
    data = {
        "title": application.contact_title,
        "given_name": application.contact_given_name,
        "family_name": application.contact_family_name,
        "email": application.contact_email,
        "phone": application.contact_phone,
    }
    if person.pk is not None:
        data = {name: value for name, value in data.items() if value}
    directory_services.save_person(person, data, organisation=organisation, actor=actor)
    directory_services.assign_position(
        organisation,
        person,
        role=PositionRole.FOCAL_POINT,
        function=application.contact_function[:200],
        actor=actor,
    )


def _admit(
    application: Application, meeting: Meeting, day: datetime.date, *, actor: Actor
) -> Admission:
    organisation = _directory_entry(application, actor=actor)
    _focal_point(application, organisation, actor=actor)
    application.organisation = organisation
    admission = Admission.objects.filter(process=application.process, organisation=organisation)
    existing = admission.select_for_update().first()
    if existing is not None:
        # Already admitted under another application: the standing is the process's.
        audit.record(
            existing,
            "summitdesk.admission.confirmed",
            actor=actor,
            note=f"{application.reference} {meeting.code}",
            organisation_id=organisation.pk,
        )
        return existing
    created = Admission.objects.create(
        process=application.process,
        organisation=organisation,
        application=application,
        meeting=meeting,
        admitted_on=day,
        next_review_on=_next_review(application, day),
    )
    audit.record(
        created,
        "summitdesk.admission.created",
        actor=actor,
        changes=audit.diff({}, audit.snapshot(created, ("status", "meeting", "admitted_on"))),
        organisation_id=organisation.pk,
    )
    return created


def _decide_one(
    application: Application,
    *,
    meeting: Meeting,
    admit: bool,
    reasons: str,
    day: datetime.date,
    actor: Actor,
) -> Application:
    before = audit.snapshot(application, APPLICATION_FIELDS)
    if admit:
        _admit(application, meeting, day, actor=actor)
    application.status = S.ADMITTED if admit else S.NOT_ADMITTED
    application.reasons = "" if admit else reasons
    application.missing = ""
    application.decision_meeting = meeting
    application.decided_on = day
    application.save()
    audit.record(
        application,
        "summitdesk.application.decided",
        actor=actor,
        changes=audit.diff(before, audit.snapshot(application, APPLICATION_FIELDS)),
        organisation_id=application.organisation_id,
    )
    _told(application)
    return application


@transaction.atomic
def decide(
    application: Application,
    *,
    meeting: Meeting,
    admit: bool,
    actor: Actor,
    reasons: str = "",
    decided_on: datetime.date | None = None,
) -> Application:
    """Record `meeting`'s decision on `application`: admitted (directory entry, focal
    point, admission) or not admitted (`reasons` required). Raises ReviewError."""
    application = _locked(application)
    _refuse_undecidable(application, meeting)
    reasons = reasons.strip()
    if not admit and not reasons:
        raise ReviewError(_("Give the reasons for not admitting it."))
    day = decided_on or meeting.end_date or timezone.localdate()
    return _decide_one(
        application, meeting=meeting, admit=admit, reasons=reasons, day=day, actor=actor
    )


@dataclass
class Decisions:
    """What `decide_many` did."""

    admitted: list[Application] = field(default_factory=list)
    not_admitted: list[Application] = field(default_factory=list)


@transaction.atomic
def decide_many(
    meeting: Meeting,
    *,
    admit: Sequence[str] = (),
    not_admit: Sequence[str] = (),
    reasons: str = "",
    actor: Actor,
    decided_on: datetime.date | None = None,
) -> Decisions:
    """Record `meeting`'s decision on the applications of these references, all or none:
    any unknown reference, one named twice, or one that cannot be decided refuses the
    whole decision (ReviewError naming every problem)."""
    admit = [reference.strip() for reference in admit if reference.strip()]
    not_admit = [reference.strip() for reference in not_admit if reference.strip()]
    wanted = admit + not_admit
    if not wanted:
        raise ReviewError(_("Name at least one application."))
    problems: list[str] = []
    twice = sorted({reference for reference in wanted if wanted.count(reference) > 1})
    if twice:
        problems.append(_("Named twice: %(references)s.") % {"references": ", ".join(twice)})
    reasons = reasons.strip()
    if not_admit and not reasons:
        problems.append(_("Give the reasons for not admitting them."))
    found = {
        application.reference: application
        for application in Application.objects.select_for_update()
        .filter(reference__in=wanted)
        .select_related("process")
    }
    unknown = [reference for reference in wanted if reference not in found]
    if unknown:
        problems.append(
            _("No application has the reference %(references)s.")
            % {"references": ", ".join(reference[:40] for reference in unknown[:20])}
        )
    for application in found.values():
        try:
            _refuse_undecidable(application, meeting)
        except ReviewError as refused:
            problems.append(str(refused))
    if problems:
        raise ReviewError(" ".join(problems))
    day = decided_on or meeting.end_date or timezone.localdate()
    done = Decisions()
    for reference in admit:
        done.admitted.append(
            _decide_one(
                found[reference], meeting=meeting, admit=True, reasons="", day=day, actor=actor
            )
        )
    for reference in not_admit:
        done.not_admitted.append(
            _decide_one(
                found[reference],
                meeting=meeting,
                admit=False,
                reasons=reasons,
                day=day,
                actor=actor,
            )
        )
    return done


# Standing of admitted organisations


def _change_standing(
    admission: Admission, status: str, reason: str, action: str, *, actor: Actor, note: str = ""
) -> Admission:
    admission = Admission.objects.select_for_update().get(pk=admission.pk)
    before = audit.snapshot(admission, ADMISSION_FIELDS)
    admission.status = status
    admission.status_reason = reason
    admission.save()
    audit.record(
        admission,
        action,
        actor=actor,
        changes=audit.diff(before, audit.snapshot(admission, ADMISSION_FIELDS)),
        organisation_id=admission.organisation_id,
        note=reason or note,
    )
    return admission


@transaction.atomic
def suspend(admission: Admission, *, reason: str, actor: Actor) -> Admission:
    """Suspend an admitted organisation: it leaves the "admitted" audiences and may not
    reply; approved accreditations stay unless staff revoke them."""
    return _leave(admission, AdmissionStatus.SUSPENDED, reason, actor=actor)


@transaction.atomic
def withdraw(admission: Admission, *, reason: str, actor: Actor) -> Admission:
    """Withdraw an organisation's admission (suspended or not), as `suspend` does."""
    return _leave(admission, AdmissionStatus.WITHDRAWN, reason, actor=actor)


def _leave(admission: Admission, status: str, reason: str, *, actor: Actor) -> Admission:
    reason = reason.strip()
    if not reason:
        raise ReviewError(_("Give the reason: it is recorded and shown to staff."))
    admission = Admission.objects.select_for_update().get(pk=admission.pk)
    if admission.status == status:
        raise ReviewError(
            _("This organisation is already %(status)s.")
            % {"status": AdmissionStatus(status).label.lower()}
        )
    if admission.status == AdmissionStatus.WITHDRAWN:
        raise ReviewError(_("This admission was withdrawn: reinstate it first."))
    action = f"summitdesk.admission.{status}"
    return _change_standing(admission, status, reason, action, actor=actor)


@transaction.atomic
def reinstate(admission: Admission, *, actor: Actor, note: str = "") -> Admission:
    """An organisation suspended or withdrawn is admitted again."""
    admission = Admission.objects.select_for_update().get(pk=admission.pk)
    if admission.status == AdmissionStatus.ADMITTED:
        raise ReviewError(_("This organisation is admitted: nothing to reinstate."))
    changed = _change_standing(
        admission,
        AdmissionStatus.ADMITTED,
        "",
        "summitdesk.admission.reinstated",
        actor=actor,
        note=note.strip(),
    )
    return changed


def standing_closed(organisation_id: int, process_id: int) -> Admission | None:
    """The organisation's admission to the process if suspended or withdrawn, else None."""
    return (
        Admission.objects.filter(organisation_id=organisation_id, process_id=process_id)
        .exclude(status=AdmissionStatus.ADMITTED)
        .first()
    )


# Periodic review


def due_for_review(today: datetime.date) -> "QuerySet[Admission]":
    return Admission.objects.filter(
        status=AdmissionStatus.ADMITTED, next_review_on__isnull=False, next_review_on__lte=today
    )


@transaction.atomic
def remind_reviews(*, today: datetime.date | None = None, actor: Actor) -> int:
    """Once per admission and review date: an audit entry (staff see the admission as due
    on their page) and an email to its focal points (admission.review_emails). Returns how
    many were reminded."""
    today = today or timezone.localdate()
    reminded = 0
    for admission in due_for_review(today).select_related("organisation", "process"):
        note = f"review due {admission.next_review_on.isoformat()}"  # type: ignore[union-attr]
        already = AuditEntry.objects.filter(
            object_type="admission.admission",
            object_id=str(admission.pk),
            action="summitdesk.admission.review_reminded",
            note=note,
        ).exists()
        if already:
            continue
        audit.record(
            admission,
            "summitdesk.admission.review_reminded",
            actor=actor,
            organisation_id=admission.organisation_id,
            note=note,
        )
        review_emails.queue_review_due(admission)
        reminded += 1
    return reminded


@transaction.atomic
def mark_reviewed(
    admission: Admission, *, actor: Actor, today: datetime.date | None = None
) -> Admission:
    """Staff reviewed the admission: the next review is set by the process's policy."""
    admission = Admission.objects.select_for_update().select_related("process").get(pk=admission.pk)
    policy = getattr(admission.process, "admission_policy", None)
    months = policy.review_every_months if policy is not None else None
    if not months:
        raise ReviewError(_("This process does not review admitted organisations."))
    before = audit.snapshot(admission, ADMISSION_FIELDS)
    admission.next_review_on = _add_months(today or timezone.localdate(), months)
    admission.save()
    audit.record(
        admission,
        "summitdesk.admission.reviewed",
        actor=actor,
        changes=audit.diff(before, audit.snapshot(admission, ADMISSION_FIELDS)),
        organisation_id=admission.organisation_id,
    )
    return admission


# Retention


def purgeable(now: datetime.datetime | None = None) -> "QuerySet[Application]":
    """Applications past retention: not admitted, decided more than the retention period
    ago. (Those never confirmed go sooner: admission.applying.purge_unconfirmed.)"""
    now = now or timezone.now()
    days = datetime.timedelta(days=retention_days())
    return Application.objects.filter(status=S.NOT_ADMITTED, decided_on__lt=now.date() - days)


@transaction.atomic
def purge_applications(*, now: datetime.datetime | None = None, actor: Actor) -> int:
    """Delete the applications past retention with their documents (their files removed
    from storage once the deletion commits); one audit entry each, naming the reference
    only. Returns how many."""
    due = list(purgeable(now).order_by("pk"))
    if not due:
        return 0
    documents = list(ApplicationDocument.objects.filter(application__in=due))
    counts = {application.pk: 0 for application in due}
    for document in documents:
        counts[document.application_id] += 1
    entries = [
        audit.entry(
            application,
            "summitdesk.application.purged",
            actor=actor,
            changes={"documents": [counts[application.pk], 0]},
            organisation_id=application.organisation_id,
            note=application.reference,
        )
        for application in due
    ]
    # The trail keeps each application's reference, not the name it gave.
    for each, application in zip(entries, due, strict=True):
        each.object_repr = application.reference
        AuditEntry.objects.for_object(application).update(object_repr=application.reference)
    AuditEntry.objects.bulk_create(entries)
    files = [document.file.name for document in documents if document.file.name]
    Application.objects.filter(pk__in=[a.pk for a in due]).delete()
    storage = ApplicationDocument._meta.get_field("file").storage
    transaction.on_commit(lambda: _delete_files(storage, files))
    return len(due)


def _delete_files(storage: Any, names: Iterable[str]) -> None:
    for name in names:
        storage.delete(name)
