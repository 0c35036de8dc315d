"""Accreditations in the REST API: read (list, one, the change feed), approve and reject.

Every change goes through `accreditation.services.transition` with the token as actor, so
the API follows exactly the rules of the back office (the moves allowed, the reason a
rejection needs, the organisation's limit) and writes the same audit entries.

What the API never shows (see docs/api.md): identity document data (passport names, date
of birth, document number and expiry: no scope gives them, an integrator needs none of
them) and the badge's QR code (it opens the door: a reader of the API could print
working badges). The badge number and version are shown: a gate compares the version.
"""

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from pydantic import field_validator

from summitdesk.accreditation import services
from summitdesk.accreditation.enums import AccreditationStatus
from summitdesk.accreditation.models import Accreditation
from summitdesk.api.common import (
    DEFAULT_LIMIT,
    ERRORS,
    MAX_LIMIT,
    WRITE_ERRORS,
    ChangeRecord,
    Id,
    Page,
    actor,
    changes_operation,
    error,
    feed_record_leaving,
    one_or_404,
    page_of,
    scope,
    stale_as_412,
    version_matched,
    with_etag,
)
from summitdesk.api.replies import text
from summitdesk.core.models import AuditEntry
from summitdesk.delegations import returning
from summitdesk.directory.enums import Category
from summitdesk.lib.countries import REGIONS, countries_in_region

router = Router(tags=["accreditations"])

OBJECT_TYPE = Accreditation._meta.label_lower
#: The feed's action for each audit action (anything else about an accreditation: updated).
FEED_ACTIONS = {
    "summitdesk.accreditation.created": "created",
    "summitdesk.accreditation.substitute_named": "created",
    "summitdesk.accreditation.approved": "approved",
    "summitdesk.accreditation.rejected": "rejected",
    "summitdesk.accreditation.withdrawn": "withdrawn",
    "summitdesk.accreditation.revoked": "revoked",
    "summitdesk.accreditation.reconsidered": "reconsidered",
}


class AccreditationOrganisation(Schema):
    id: int
    name: str
    acronym: str
    category: str
    country: str
    region: str = Field(description="The region of its country (empty when unknown).")


class AccreditationDelegate(Schema):
    id: int
    title: str
    given_name: str
    family_name: str
    function: str
    nationality: str
    is_head: bool
    returning_from: str | None = Field(
        description="A returning delegate: the code of the earlier meeting they were copied from."
    )
    confirmed: bool | None = Field(
        description="Whether a returning delegate confirmed through their own link (null when "
        "not returning)."
    )


class AccreditationBadge(Schema):
    number: str | None = Field(description="Unique per meeting; given at the first approval.")
    version: int = Field(description="Raised on every (re)issue: an older badge is refused.")
    printed_version: int = Field(description="The version last printed (0: never printed).")


class AccreditationOut(Schema):
    id: int
    meeting: str = Field(description="The meeting's code.")
    status: AccreditationStatus
    reason: str = Field(description="Why it was rejected, revoked or withdrawn.")
    delegate: AccreditationDelegate
    organisation: AccreditationOrganisation
    badge: AccreditationBadge
    created_at: str


class AccreditationFilter(Schema):
    id: list[Id] | None = Field(
        None,
        max_length=MAX_LIMIT,
        description="Only these ids (repeat the parameter): read again what a change "
        "feed named, in one request.",
    )
    meeting: str | None = Field(None, max_length=50, description="A meeting's code.")
    status: AccreditationStatus | None = None
    organisation: Id | None = Field(None, description="An organisation's id.")
    category: Category | None = None
    region: str | None = Field(None, description=f"One of: {', '.join(REGIONS)}.")

    @field_validator("meeting", "region")
    @classmethod
    def _plain(cls, value: str | None) -> str | None:
        return None if value is None else text(value)


class RejectionIn(Schema):
    reason: str = Field(
        min_length=1, max_length=2000, description="Sent to the delegate and the focal point."
    )

    @field_validator("reason")
    @classmethod
    def _plain(cls, value: str) -> str:
        return text(value)


class BulkApprovalIn(Schema):
    ids: list[Id] = Field(min_length=1, max_length=MAX_LIMIT, description="Accreditation ids.")


class BulkRefusal(Schema):
    id: int
    message: str


class BulkApprovalOut(Schema):
    approved: int
    refused: list[BulkRefusal] = Field(description="Those not approved, and why.")


class AccreditationChange(ChangeRecord):
    status: str | None = Field(
        None, description="The status the change left (null when the status did not change)."
    )


class AccreditationFeed(Schema):
    items: list[AccreditationChange]
    next_since: int


#: The columns `represent` reads (identity data and photos are never even loaded).
SHOWN = (
    "meeting__code",
    "status",
    "reason",
    "badge_number",
    "badge_version",
    "badge_printed_version",
    "created_at",
    "updated_at",  # its version, compared by `transition`
    "delegate__title",
    "delegate__given_name",
    "delegate__family_name",
    "delegate__function",
    "delegate__nationality",
    "delegate__is_head",
    "delegate__confirmed_at",
    "delegate__returning_from__reply__meeting__code",
    "delegate__reply__organisation__name",
    "delegate__reply__organisation__acronym",
    "delegate__reply__organisation__category",
    "delegate__reply__organisation__country",
)


def _accreditations() -> QuerySet[Accreditation]:
    return Accreditation.objects.select_related(
        "meeting", "delegate__reply__organisation", "delegate__returning_from__reply__meeting"
    ).only(*SHOWN)


def represent(accreditation: Accreditation) -> dict[str, Any]:
    """The accreditation as the API shows it (and as its ETag is computed)."""
    delegate = accreditation.delegate
    organisation = delegate.reply.organisation
    return {
        "id": accreditation.pk,
        "meeting": accreditation.meeting.code,
        "status": accreditation.status,
        "reason": accreditation.reason,
        "delegate": {
            "id": delegate.pk,
            "title": delegate.title,
            "given_name": delegate.given_name,
            "family_name": delegate.family_name,
            "function": delegate.function,
            "nationality": delegate.nationality,
            "is_head": delegate.is_head,
            **returning.summary(delegate),
        },
        "organisation": {
            "id": organisation.pk,
            "name": organisation.name,
            "acronym": organisation.acronym,
            "category": organisation.category,
            "country": organisation.country,
            "region": organisation.region,
        },
        "badge": {
            "number": accreditation.badge_number or None,
            "version": accreditation.badge_version,
            "printed_version": accreditation.badge_printed_version,
        },
        "created_at": accreditation.created_at.isoformat(),
    }


def _one(accreditation_id: int) -> Accreditation:
    return one_or_404(_accreditations(), accreditation_id, _("No accreditation with this id."))


@router.get("", response={200: Page[AccreditationOut], 304: None, **ERRORS})
@scope("accreditations:read")
def list_accreditations(
    request: HttpRequest,
    filters: Query[AccreditationFilter],
    cursor: str | None = None,
    limit: int = DEFAULT_LIMIT,
) -> HttpResponse:
    """Accreditations in id order, page by page (follow `next_cursor`)."""
    found = _accreditations()
    if filters.id:
        found = found.filter(pk__in=filters.id)
    if filters.meeting:
        found = found.filter(meeting__code=filters.meeting)
    if filters.status:
        found = found.filter(status=filters.status)
    if filters.organisation is not None:
        found = found.filter(delegate__reply__organisation=filters.organisation)
    if filters.category:
        found = found.filter(delegate__reply__organisation__category=filters.category)
    if filters.region:
        if filters.region not in REGIONS:
            error(
                422,
                _("Unknown region."),
                {"region": [_("Choose one of: %(regions)s.") % {"regions": ", ".join(REGIONS)}]},
            )
        found = found.filter(
            delegate__reply__organisation__country__in=countries_in_region(filters.region)
        )
    # Rendered here, not checked again against the schema by ninja: twice as fast.
    return page_of(request, found, cursor=cursor, limit=limit, serialize=represent)


@changes_operation(
    router, [OBJECT_TYPE], read_scope="accreditations:read", feed=AccreditationFeed, etag=False
)
def accreditation_changes(entry: AuditEntry) -> dict[str, Any]:
    """What changed after `since` (the `next_since` of the previous call; 0 at first), in
    the order the changes became visible. Withdrawals and revocations are records too."""
    return feed_record_leaving(entry, "accreditations", actions=FEED_ACTIONS, field="status")


@router.get("/{int:accreditation_id}", response={200: AccreditationOut, 304: None, **ERRORS})
@scope("accreditations:read")
def get_accreditation(request: HttpRequest, accreditation_id: Id) -> HttpResponse:
    """One accreditation, with an `ETag` to send as `If-Match` when approving or rejecting."""
    return with_etag(request, represent(_one(accreditation_id)))


def _move(request: HttpRequest, accreditation_id: int, to: str, reason: str = "") -> HttpResponse:
    accreditation = _one(accreditation_id)
    # `transition` locks the accreditation and refuses it if it changed after this read.
    version = version_matched(request, represent(accreditation), accreditation)
    try:
        with stale_as_412():
            services.transition(
                accreditation, to, reason=reason, actor=actor(request), expected_version=version
            )
    except services.AccreditationError as refused:
        error(409, str(refused))
    return with_etag(request, represent(_one(accreditation_id)))


@router.post("/{int:accreditation_id}/approve", response={200: AccreditationOut, **WRITE_ERRORS})
@scope("accreditations:write")
def approve(request: HttpRequest, accreditation_id: Id) -> HttpResponse:
    """Approve (a pending accreditation): issues a new badge version, within the
    organisation's limit. `If-Match` with the accreditation's ETag is required."""
    return _move(request, accreditation_id, AccreditationStatus.APPROVED)


@router.post("/{int:accreditation_id}/reject", response={200: AccreditationOut, **WRITE_ERRORS})
@scope("accreditations:write")
def reject(request: HttpRequest, accreditation_id: Id, rejection: RejectionIn) -> HttpResponse:
    """Reject, with the reason the delegate and the focal point receive. An approved
    accreditation's badge is refused from then on. `If-Match` is required."""
    reason = rejection.reason.strip()
    if not reason:
        error(422, _("Give the reason."), {"reason": [_("The reason cannot be blank.")]})
    return _move(request, accreditation_id, AccreditationStatus.REJECTED, reason)


@router.post("/approve", response={200: BulkApprovalOut, **WRITE_ERRORS})
@scope("accreditations:write")
def approve_many(request: HttpRequest, approval: BulkApprovalIn) -> dict[str, Any]:
    """Approve many accreditations, each completely or not at all (one refused does not
    stop the others), as the back office's bulk approval does. No `If-Match`: each one is
    checked against the rules as it stands (an accreditation approved meanwhile is
    refused, not approved twice). Unknown ids are refused too."""
    ids = list(dict.fromkeys(approval.ids))
    report = services.bulk_transition(ids, AccreditationStatus.APPROVED, actor=actor(request))
    unknown = set(ids) - set(Accreditation.objects.filter(pk__in=ids).values_list("pk", flat=True))
    refused = [{"id": pk, "message": message} for pk, message in report.refused.items()]
    refused += [{"id": pk, "message": _("No accreditation with this id.")} for pk in unknown]
    return {"approved": report.moved, "refused": sorted(refused, key=lambda item: item["id"])}
