"""Requests to join a delegation in the REST API: read them (list, one, the change feed),
with the scope `join_requests:read`. Deciding stays with the focal point (portal) and the
secretariat (back office): a request is decided by people who know the delegation.

Unconfirmed requests (the email address not yet confirmed) are never shown: nobody but
the person who wrote them has seen them yet.
"""

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from pydantic import field_validator

from summitdesk.api.common import (
    DEFAULT_LIMIT,
    ERRORS,
    MAX_LIMIT,
    ChangeRecord,
    Id,
    Page,
    changes_operation,
    feed_record_leaving,
    one_or_404,
    page_of,
    scope,
    with_etag,
)
from summitdesk.api.replies import text
from summitdesk.core.models import AuditEntry
from summitdesk.delegations.enums import JoinRequestStatus
from summitdesk.delegations.models import JoinRequest

router = Router(tags=["join requests"])

OBJECT_TYPE = JoinRequest._meta.label_lower
FEED_ACTIONS = {
    "summitdesk.join_request.received": "created",
    "summitdesk.join_request.accepted": "accepted",
    "summitdesk.join_request.declined": "declined",
    "summitdesk.join_request.withdrawn": "withdrawn",
}


class JoinRequestOrganisation(Schema):
    id: int
    name: str


class JoinRequestOut(Schema):
    id: int
    meeting: str = Field(description="The meeting's code.")
    organisation: JoinRequestOrganisation
    status: JoinRequestStatus
    given_name: str
    family_name: str
    function: str
    email: str
    nationality: str
    affiliation: str
    relationship: str
    possible_duplicate: bool = Field(
        description="The person may already be accredited to the meeting: staff check."
    )
    delegate: int | None = Field(description="The delegate they became, once accepted.")
    created_at: str
    decided_at: str | None


class JoinRequestFilter(Schema):
    id: list[Id] | None = Field(None, max_length=MAX_LIMIT, description="Only these ids.")
    meeting: str | None = Field(None, max_length=50, description="A meeting's code.")
    status: JoinRequestStatus | None = None
    organisation: Id | None = Field(None, description="An organisation's id.")

    @field_validator("meeting")
    @classmethod
    def _plain(cls, value: str | None) -> str | None:
        return None if value is None else text(value)


class JoinRequestChange(ChangeRecord):
    status: str | None = Field(None, description="The status the change left.")


class JoinRequestFeed(Schema):
    items: list[JoinRequestChange]
    next_since: int


def _join_requests() -> QuerySet[JoinRequest]:
    return JoinRequest.objects.exclude(status=JoinRequestStatus.UNCONFIRMED).select_related(
        "meeting", "organisation"
    )


def represent(request: JoinRequest) -> dict[str, Any]:
    return {
        "id": request.pk,
        "meeting": request.meeting.code,
        "organisation": {"id": request.organisation_id, "name": request.organisation.name},
        "status": request.status,
        "given_name": request.given_name,
        "family_name": request.family_name,
        "function": request.function,
        "email": request.email,
        "nationality": request.nationality,
        "affiliation": request.affiliation,
        "relationship": request.relationship,
        "possible_duplicate": request.possible_duplicate,
        "delegate": request.delegate_id,
        "created_at": request.created_at.isoformat(),
        "decided_at": request.decided_at.isoformat() if request.decided_at else None,
    }


@router.get("", response={200: Page[JoinRequestOut], 304: None, **ERRORS})
@scope("join_requests:read")
def list_join_requests(
    request: HttpRequest,
    filters: Query[JoinRequestFilter],
    cursor: str | None = None,
    limit: int = DEFAULT_LIMIT,
) -> HttpResponse:
    """Requests to join delegations (their email confirmed), in id order, page by page."""
    found = _join_requests()
    if filters.id:
        found = found.filter(pk__in=filters.id)
    if filters.meeting:
        found = found.filter(meeting__code=filters.meeting)
    if filters.status:
        found = found.filter(status=filters.status)
    if filters.organisation is not None:
        found = found.filter(organisation=filters.organisation)
    return page_of(request, found, cursor=cursor, limit=limit, serialize=represent)


@changes_operation(
    router, [OBJECT_TYPE], read_scope="join_requests:read", feed=JoinRequestFeed, etag=False
)
def join_request_changes(entry: AuditEntry) -> dict[str, Any]:
    """What changed after `since` (the `next_since` of the previous call; 0 at first): a
    request received (its email confirmed), accepted, declined or withdrawn."""
    return feed_record_leaving(entry, "join_requests", actions=FEED_ACTIONS, field="status")


@router.get("/{int:request_id}", response={200: JoinRequestOut, 304: None, **ERRORS})
@scope("join_requests:read")
def get_join_request(request: HttpRequest, request_id: Id) -> HttpResponse:
    """One request to join a delegation."""
    found = one_or_404(_join_requests(), request_id, _("No request to join with this id."))
    return with_etag(request, represent(found))
