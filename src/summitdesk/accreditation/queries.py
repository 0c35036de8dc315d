"""Reading accreditations for staff pages: the officer's list, one accreditation's page,
the limits of a meeting. A fixed number of queries whatever the size of the data."""

from dataclasses import dataclass

from django.db.models import Count, F, Q, QuerySet

from summitdesk.accreditation import completeness
from summitdesk.accreditation.enums import AccreditationStatus as Status
from summitdesk.accreditation.models import Accreditation, DelegateLimit, LimitException
from summitdesk.core.models import AuditEntry
from summitdesk.directory.enums import Category
from summitdesk.lib.text import fold
from summitdesk.meetings.models import Meeting


@dataclass(frozen=True)
class ListFilter:
    status: str = ""
    organisation: str = ""  # a number (the organisation's id) or part of its name or acronym
    category: str = ""
    ready: bool = False  # only those that lack nothing for a badge


def accreditation_list(meeting: Meeting, given: ListFilter) -> QuerySet[Accreditation]:
    """The accreditations of `meeting` matching `given`, by organisation then name."""
    found = Accreditation.objects.filter(meeting=meeting).select_related(
        "delegate__reply__organisation", "meeting"
    )
    if given.status:
        found = found.filter(status=given.status)
    if given.ready:
        found = found.filter(completeness.READY)
    if given.category:
        found = found.filter(delegate__reply__organisation__category=given.category)
    text = given.organisation.strip()
    if text.isdigit():
        found = found.filter(delegate__reply__organisation=int(text))
    elif text:
        found = found.filter(delegate__reply__organisation__search_text__contains=fold(text))
    return found.order_by(
        "delegate__reply__organisation__name", "delegate__family_name", "delegate__given_name", "pk"
    )


@dataclass(frozen=True)
class StatusCount:
    status: str
    label: str
    count: int


def status_counts(meeting: Meeting) -> list[StatusCount]:
    """How many accreditations of `meeting` there are in each status (every status given)."""
    counts = dict(
        Accreditation.objects.filter(meeting=meeting)
        .order_by()  # the default ordering would join meeting and delegate for nothing
        .values_list("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    return [
        StatusCount(status=value, label=str(label), count=counts.get(value, 0))
        for value, label in Status.choices
    ]


def count_from(counts: list[StatusCount], given: ListFilter) -> int | None:
    """How many accreditations `given` selects, read from the meeting's `counts` when it
    narrows by status alone (or not at all); None when only counting can tell."""
    if given.organisation.strip() or given.category or given.ready:
        return None
    return sum(c.count for c in counts if not given.status or c.status == given.status)


def history(accreditation: Accreditation) -> list[AuditEntry]:
    """The audit entries of the accreditation and of its delegate, newest first."""
    about = Q(object_type=Accreditation._meta.label_lower, object_id=str(accreditation.pk)) | Q(
        object_type="delegations.delegate", object_id=str(accreditation.delegate_id)
    )
    return list(AuditEntry.objects.filter(about).select_related("actor").order_by("-pk")[:200])


@dataclass(frozen=True)
class LimitRow:
    category: str
    label: str
    limit: int | None


def limit_rows(meeting: Meeting) -> list[LimitRow]:
    limits = dict(DelegateLimit.objects.filter(meeting=meeting).values_list("category", "limit"))
    return [
        LimitRow(category=value, label=str(label), limit=limits.get(value))
        for value, label in Category.choices
    ]


def exceptions(meeting: Meeting) -> QuerySet[LimitException]:
    """The exception requests of `meeting`: those waiting first, then the latest decided."""
    return (
        LimitException.objects.filter(meeting=meeting)
        .select_related("organisation")
        .order_by(F("decided_at").desc(nulls_first=True), "-created_at")
    )


def meetings_with_counts() -> QuerySet[Meeting]:
    """Every meeting, in date order, with its `pending` and `approved` accreditations."""
    return Meeting.objects.in_calendar_order().annotate(
        pending=Count("accreditations", filter=Q(accreditations__status=Status.PENDING)),
        approved=Count("accreditations", filter=Q(accreditations__status=Status.APPROVED)),
    )
