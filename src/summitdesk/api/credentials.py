"""Credentials in the REST API: the register of delegations asked for credentials (read,
one, the change feed) and recording or examining a delegation's credentials.

A delegation is named by its reply's id. Every change goes through
`credentials.services.save_credentials` with the token as actor: the checks and audit
entries of the back office. Mandate documents are listed (kind, state, pages), never
served: their content is read only on the staff pages and through the reply link.
"""

import datetime
from typing import Any

from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from pydantic import field_validator

from summitdesk.api.common import (
    DEFAULT_LIMIT,
    ERRORS,
    WRITE_ERRORS,
    ChangeFeed,
    Id,
    Page,
    actor,
    changes_operation,
    error,
    feed_record,
    one_or_404,
    page_of,
    require_if_match,
    scope,
    stale_as_412,
    with_etag,
)
from summitdesk.api.replies import text
from summitdesk.core import versions
from summitdesk.core.models import AuditEntry
from summitdesk.credentials import queries, services
from summitdesk.credentials.enums import (
    CredentialsForm,
    CredentialsState,
    DocumentKind,
    Examined,
    IssuedBy,
    PowersScope,
    Standing,
)
from summitdesk.credentials.models import Credentials, MandateDocument
from summitdesk.delegations.enums import ATTENDING_STATES
from summitdesk.delegations.models import Reply

router = Router(tags=["credentials"])

OBJECT_TYPES = [Credentials._meta.label_lower, MandateDocument._meta.label_lower]
FEED_ACTIONS = {
    "summitdesk.credentials.recorded": "recorded",
    "summitdesk.credentials.examined": "examined",
    "summitdesk.mandate_document.uploaded": "document_uploaded",
    "summitdesk.mandate_document.removed": "document_removed",
}


class CredentialsOrganisation(Schema):
    id: int
    name: str
    category: str
    country: str


class DocumentOut(Schema):
    id: int
    kind: DocumentKind
    state: str = Field(description="checking, accepted (received) or refused.")
    pages: int | None
    uploaded_at: str


class CredentialsOut(Schema):
    reply: int = Field(description="The delegation's reply id, which names it here.")
    meeting: str
    organisation: CredentialsOrganisation
    state: CredentialsState
    received_on: datetime.date | None
    form: str
    issued_by: str
    issuing_authority: str
    scope: str
    standing: str
    proxy_to: int | None = Field(description="The reply id of the delegation holding its proxy.")
    examined: str
    notes: str
    documents: list[DocumentOut]
    missing_documents: list[DocumentKind]


class CredentialsIn(Schema):
    received_on: datetime.date | None = None
    form: CredentialsForm | None = None
    issued_by: IssuedBy | None = None
    issuing_authority: str = Field("", max_length=200)
    scope: PowersScope | None = None
    standing: Standing | None = None
    proxy_to: Id | None = None
    examined: Examined | None = None
    notes: str = Field("", max_length=2000)

    @field_validator("issuing_authority", "notes")
    @classmethod
    def _plain(cls, value: str) -> str:
        return text(value)


class CredentialsFilter(Schema):
    meeting: str | None = Field(None, max_length=50, description="A meeting's code.")
    state: CredentialsState | None = None

    @field_validator("meeting")
    @classmethod
    def _plain(cls, value: str | None) -> str | None:
        return None if value is None else text(value)


class CredentialsChange(Schema):
    sequence: int
    resource: str
    id: int | str
    action: str
    audit_action: str
    at: str


class CredentialsFeed(ChangeFeed):
    items: list[CredentialsChange]  # type: ignore[assignment]


def _asked() -> QuerySet[Reply]:
    """Attending replies whose meeting asks their category for credentials."""
    replies = queries.with_credentials_state(
        Reply.objects.filter(state__in=ATTENDING_STATES).select_related(
            "organisation", "meeting", "credentials"
        )
    )
    return replies.filter(
        Q(credentials_policy=True)
        | Q(
            credentials_policy__isnull=True,
            organisation__category__in=list(queries.DEFAULT_CATEGORIES),
        )
    )


def represent(reply: Reply) -> dict[str, Any]:
    credentials = getattr(reply, "credentials", None)
    organisation = reply.organisation

    def value(name: str) -> Any:
        return getattr(credentials, name) if credentials is not None else ""

    return {
        "reply": reply.pk,
        "meeting": reply.meeting.code,
        "organisation": {
            "id": organisation.pk,
            "name": organisation.name,
            "category": organisation.category,
            "country": organisation.country,
        },
        "state": queries.annotated_state(reply).value,
        "received_on": credentials.received_on.isoformat()
        if credentials and credentials.received_on
        else None,
        "form": value("form"),
        "issued_by": value("issued_by"),
        "issuing_authority": value("issuing_authority"),
        "scope": value("scope"),
        "standing": value("standing"),
        "proxy_to": credentials.proxy_to_id if credentials else None,
        "examined": value("examined"),
        "notes": value("notes"),
        "documents": [
            {
                "id": document.pk,
                "kind": document.kind,
                "state": document.state,
                "pages": document.pages,
                "uploaded_at": document.uploaded_at.isoformat(),
            }
            for document in queries.documents(reply)
        ],
        "missing_documents": [kind.value for kind in queries.missing_kinds(reply)],
    }


def _one(reply_id: int) -> Reply:
    return one_or_404(
        _asked(), reply_id, _("No delegation asked for credentials with this reply id.")
    )


@router.get("", response={200: Page[CredentialsOut], 304: None, **ERRORS})
@scope("credentials:read")
def list_credentials(
    request: HttpRequest,
    filters: Query[CredentialsFilter],
    cursor: str | None = None,
    limit: int = DEFAULT_LIMIT,
) -> HttpResponse:
    """The delegations asked for credentials (attending replies of the categories each
    meeting asks), in reply id order, page by page."""
    found = _asked()
    if filters.meeting:
        found = found.filter(meeting__code=filters.meeting)
    if filters.state == CredentialsState.NOT_REQUIRED:
        found = found.none()
    elif filters.state == CredentialsState.RECEIVED:
        found = found.filter(credentials__examined="", credentials__received_on__isnull=False)
    elif filters.state == CredentialsState.MISSING:
        found = found.filter(
            Q(credentials__isnull=True)
            | Q(credentials__examined=Examined.MISSING)
            | Q(credentials__examined="", credentials__received_on__isnull=True)
        )
    elif filters.state:
        found = found.filter(credentials__examined=filters.state)
    return page_of(request, found, cursor=cursor, limit=limit, serialize=represent)


@changes_operation(router, OBJECT_TYPES, read_scope="credentials:read", feed=CredentialsFeed)
def credentials_changes(entry: AuditEntry) -> dict[str, Any]:
    """What changed after `since` (the `next_since` of the previous call; 0 at first):
    credentials recorded or examined, mandate documents uploaded or removed. Each record
    names the credentials' or the document's id; read the delegation again by reply id."""
    return feed_record(entry, "credentials", action=FEED_ACTIONS.get(entry.action, "updated"))


@router.get("/{int:reply_id}", response={200: CredentialsOut, 304: None, **ERRORS})
@scope("credentials:read")
def get_credentials(request: HttpRequest, reply_id: Id) -> HttpResponse:
    """One delegation's credentials, with an `ETag` to send as `If-Match` when changing them."""
    return with_etag(request, represent(_one(reply_id)))


@router.put("/{int:reply_id}", response={200: CredentialsOut, **WRITE_ERRORS})
@scope("credentials:write")
def record_credentials(request: HttpRequest, reply_id: Id, body: CredentialsIn) -> HttpResponse:
    """Record what was received of a delegation's credentials and what the examination
    found (every field; those left out are cleared). `If-Match` is required."""
    reply = _one(reply_id)
    require_if_match(request, represent(reply))
    credentials = getattr(reply, "credentials", None)
    data = services.CredentialsData(
        received_on=body.received_on,
        form=body.form or "",
        issued_by=body.issued_by or "",
        issuing_authority=body.issuing_authority,
        scope=body.scope or "",
        standing=body.standing or "",
        proxy_to=body.proxy_to,
        examined=body.examined or "",
        notes=body.notes,
    )
    try:
        with stale_as_412():
            services.save_credentials(
                reply,
                data,
                actor=actor(request),
                expected_version=versions.version_of(credentials) or None,
            )
    except services.CredentialsError as refused:
        error(409, str(refused))
    return with_etag(request, represent(_one(reply_id)))
