"""What every API operation shares: the token check, scopes, the actor of its writes,
the error body, cursor pagination, ETag/If-Match and the change feed.

Routers in the other api modules stay thin: they parse, call these and the domain
services, and serialise.
"""

import hashlib
import json
import math
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps
from typing import Annotated, Any, Generic, NoReturn, TypeVar

from django.conf import settings
from django.core import signing
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Model, QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja.security import HttpBearer
from pydantic import Field

from summitdesk.api import tokens
from summitdesk.api.models import ApiToken
from summitdesk.core import ratelimit, versions
from summitdesk.core.audit import Actor
from summitdesk.core.changes import assign_sequences, latest_sequence
from summitdesk.core.enums import Channel
from summitdesk.core.models import AuditEntry
from summitdesk.lib.ids import MAX_ID

T = TypeVar("T")
M = TypeVar("M", bound=Model)

#: Requests per token per minute, unless SUMMITDESK_API_RATE_LIMIT says otherwise.
DEFAULT_RATE_LIMIT = 600
RATE_WINDOW = 60
#: Tokens that match nothing, per address and minute, before that address must wait.
FAILED_TOKENS = 30
DEFAULT_LIMIT = 100
MAX_LIMIT = 500
CURSOR_SALT = "summitdesk.api.cursor"

#: An id in a path, a filter or a body: a number beyond what the database holds is
#: refused (422) before it reaches a query, and the OpenAPI document states the bounds.
Id = Annotated[int, Field(ge=1, le=MAX_ID)]
#: A change feed's `since`: a sequence number, bounded like an id.
Since = Annotated[int, Field(ge=0, le=MAX_ID)]


def stated(default: Any = ..., **schema: Any) -> Any:
    """A field whose JSON Schema states `schema` (maxLength, enum, pattern, format...):
    limits that the form or service behind the operation enforces with its own messages,
    stated from the same sources (the models' lengths, the enums, the country table), so
    that the OpenAPI document describes what is accepted."""
    return Field(default, json_schema_extra=schema)


#: A text that must hold something besides spaces (a required form field).
NOT_BLANK = "\\S"


def optional(format: str, max_length: int) -> dict[str, Any]:
    """The schema of a field that is empty or a value of `format` (email, uri)."""
    return {"maxLength": max_length, "anyOf": [{"format": format}, {"maxLength": 0}]}


# Errors


class FieldError(Schema):
    field: str
    message: str


class ErrorBody(Schema):
    """Every refusal: what went wrong, and for input errors which field and why."""

    detail: str
    errors: list[FieldError] = []


class ApiError(Exception):
    """Raised by `error`; main.py's handler answers it with the common body."""

    def __init__(
        self,
        status: int,
        detail: str,
        errors: dict[str, list[str]] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.errors = errors or {}
        self.headers = headers or {}

    def body(self) -> dict[str, Any]:
        return error_body(self.detail, self.errors)


def error_body(detail: str, errors: dict[str, list[str]] | None = None) -> dict[str, Any]:
    return {
        "detail": detail,
        "errors": [
            {"field": field, "message": str(message)}
            for field, messages in (errors or {}).items()
            for message in messages
        ],
    }


def error(
    status: int,
    detail: str,
    errors: dict[str, list[str]] | None = None,
    headers: dict[str, str] | None = None,
) -> NoReturn:
    """Refuse the request with the common error body (raises; never returns)."""
    raise ApiError(status, detail, errors, headers)


def error_response(exc: ApiError) -> HttpResponse:
    response = HttpResponse(
        json.dumps(exc.body(), ensure_ascii=False),
        status=exc.status,
        content_type="application/json",
    )
    for name, value in exc.headers.items():
        response[name] = value
    return response


#: The responses every authenticated operation may give, for the OpenAPI document.
ERRORS: dict[int, type[Schema]] = {
    400: ErrorBody,
    401: ErrorBody,
    403: ErrorBody,
    404: ErrorBody,
    422: ErrorBody,
    429: ErrorBody,
}
WRITE_ERRORS: dict[int, type[Schema]] = {**ERRORS, 409: ErrorBody, 412: ErrorBody, 428: ErrorBody}


# Authentication, scopes, actor


def rate_limit() -> int:
    return int(getattr(settings, "SUMMITDESK_API_RATE_LIMIT", DEFAULT_RATE_LIMIT))


class TokenAuth(HttpBearer):
    """`Authorization: Bearer sd_<prefix>_<secret>`; sets `request.api_token`."""

    def authenticate(self, request: HttpRequest, token: str) -> ApiToken | None:
        api_token = tokens.authenticate(token.strip())
        if api_token is None:
            # A valid token is never held up by someone else guessing from its address.
            address = f"api-token-failed:{ratelimit.client_ip(request.META)}"
            if not ratelimit.hit(address, limit=FAILED_TOKENS, window=RATE_WINDOW):
                _too_many(_("Too many unknown tokens from this address"))
            return None
        if not ratelimit.hit(f"api-token:{api_token.pk}", limit=rate_limit(), window=RATE_WINDOW):
            _too_many(_("Too many requests with this token"))
        request.api_token = api_token  # type: ignore[attr-defined]
        return api_token


def _too_many(reason: str) -> NoReturn:
    retry_after = max(1, math.ceil(RATE_WINDOW - time.time() % RATE_WINDOW))
    error(
        429,
        _("%(reason)s: try again in %(seconds)d seconds.")
        % {"reason": reason, "seconds": retry_after},
        headers={"Retry-After": str(retry_after)},
    )


def api_token(request: HttpRequest) -> ApiToken:
    token = getattr(request, "api_token", None)
    if not isinstance(token, ApiToken):
        error(401, _("Send a valid API token: Authorization: Bearer <token>."))
    return token


Operation = Callable[..., Any]


def scope(name: str) -> Callable[[Operation], Operation]:
    """The operation needs a token with scope `name` (403 naming it otherwise).

    Put it below the router's decorator; the scope is added to the operation's
    description, which the OpenAPI document and the docs page show.
    """

    def decorator(view: Operation) -> Operation:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
            if not api_token(request).allows(name):
                error(
                    403,
                    _("This token lacks the scope %(scope)s.") % {"scope": name},
                    {"scope": [name]},
                )
            return view(request, *args, **kwargs)

        doc = (view.__doc__ or "").strip()
        wrapped.__doc__ = f"{doc}\n\nRequired scope: `{name}`".strip()
        wrapped.required_scope = name  # type: ignore[attr-defined]
        return wrapped

    return decorator


def actor(request: HttpRequest) -> Actor:
    """The token, as the actor of the audit entries the request's changes write."""
    token = api_token(request)
    return Actor(user=None, channel=Channel.API, label=f"API token {token.name}")


def one_or_404(rows: QuerySet[M], pk: int, message: str) -> M:
    """The row of `rows` with this id; 404 with `message` (which names the kind) if none."""
    found = rows.filter(pk=pk).first()
    if found is None:
        error(404, message)
    return found


# Cursor pagination


class Page(Schema, Generic[T]):
    items: list[T]
    next_cursor: str | None = None


def check_limit(limit: int) -> int:
    if not 1 <= limit <= MAX_LIMIT:
        error(
            422,
            _("The limit must be between 1 and %(max)d.") % {"max": MAX_LIMIT},
            {"limit": [_("Between 1 and %(max)d.") % {"max": MAX_LIMIT}]},
        )
    return limit


def make_cursor(after_id: int) -> str:
    return signing.dumps({"after": after_id}, salt=CURSOR_SALT)


def read_cursor(cursor: str) -> int:
    try:
        value = signing.loads(cursor, salt=CURSOR_SALT)
        after = value["after"]
        if not isinstance(after, int):
            raise TypeError(after)
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        error(
            400,
            _("This cursor is not one the API gave: start again without a cursor."),
            {"cursor": [_("Not a cursor from a previous page.")]},
        )
    return after


def paginate(
    queryset: QuerySet[Any],
    *,
    cursor: str | None,
    limit: int,
    serialize: Callable[[Any], dict[str, Any]],
) -> dict[str, Any]:
    """One page of `queryset` in id order, after `cursor`; `next_cursor` None on the last.

    Keyset on the id: rows added or removed meanwhile never make a walk repeat or skip
    the others, however long it takes.
    """
    check_limit(limit)
    rows = queryset.order_by("id")
    if cursor:
        rows = rows.filter(id__gt=read_cursor(cursor))
    page: list[Model] = list(rows[: limit + 1])
    more = len(page) > limit
    page = page[:limit]
    return {
        "items": [serialize(row) for row in page],
        "next_cursor": make_cursor(int(page[-1].pk)) if more else None,
    }


# ETag / If-Match


def etag_of(data: dict[str, Any]) -> str:
    """A strong ETag of the representation `data` (the same data, the same tag)."""
    canonical = json.dumps(data, sort_keys=True, cls=DjangoJSONEncoder, separators=(",", ":"))
    return '"' + hashlib.sha256(canonical.encode()).hexdigest()[:32] + '"'


def _tags(header: str) -> list[str]:
    return [tag.strip().removeprefix("W/") for tag in header.split(",") if tag.strip()]


def with_etag(
    request: HttpRequest, response_data: dict[str, Any], *, status: int = 200
) -> HttpResponse:
    """The JSON response with its ETag; 304 when If-None-Match already names it."""
    tag = etag_of(response_data)
    if status == 200 and tag in _tags(request.headers.get("If-None-Match", "")):
        response = HttpResponse(status=304)
    else:
        response = HttpResponse(
            json.dumps(response_data, cls=DjangoJSONEncoder, ensure_ascii=False),
            status=status,
            content_type="application/json",
        )
    response["ETag"] = tag
    return response


def require_if_match(request: HttpRequest, current: dict[str, Any]) -> None:
    """Updates must name the version they change: 428 without If-Match, 412 when stale."""
    header = request.headers.get("If-Match", "")
    if not header:
        error(
            428,
            _("Send If-Match with the ETag of the version you are changing."),
            {"If-Match": [_("Required on updates.")]},
        )
    tags = _tags(header)
    if "*" not in tags and etag_of(current) not in tags:
        _stale()


def _stale() -> NoReturn:
    error(
        412,
        _("It changed since you read it: read it again, then send the new ETag."),
        {"If-Match": [_("Does not match the current version.")]},
    )


def version_matched(request: HttpRequest, current: dict[str, Any], row: versions.Versioned) -> str:
    """The version of `row` that the client's If-Match names (`current` is `row` as the
    API shows it): 428 without If-Match, 412 when the tag is another representation's.
    Pass it to the service as `expected_version`: the service compares it again under
    the row's lock, and `stale_as_412` answers its `Conflict` as this check does."""
    require_if_match(request, current)
    return versions.version_of(row)


@contextmanager
def stale_as_412() -> Iterator[None]:
    """A service's `versions.Conflict` answered 412, as a stale If-Match is."""
    try:
        yield
    except versions.Conflict:
        _stale()


# Change feed

#: How audit actions read in a feed, by their last word.
FEED_ACTIONS = {
    "created": "created",
    "changed": "updated",
    "updated": "updated",
    "merged": "merged",
    "deleted": "deleted",
    "removed": "deleted",
    "revoked": "revoked",
}


def feed_action(audit_action: str) -> str:
    """created, updated, deleted, merged, revoked, ... from e.g. summitdesk.person.changed."""
    last = audit_action.rsplit(".", 1)[-1]
    return FEED_ACTIONS.get(last, last)


def feed_record(
    entry: AuditEntry, resource: str, *, object_id: str | None = None, action: str | None = None
) -> dict[str, Any]:
    """One record of a change feed for the audit entry `entry`."""
    identifier = object_id if object_id is not None else entry.object_id
    return {
        "sequence": entry.sequence,
        "resource": resource,
        "id": int(identifier) if identifier.isdigit() else identifier,
        "action": action or feed_action(entry.action),
        "audit_action": entry.action,
        "at": entry.created_at.isoformat(),
    }


def feed_record_leaving(
    entry: AuditEntry, resource: str, *, actions: dict[str, str], field: str
) -> dict[str, Any]:
    """A feed record whose action is read in `actions` (else `updated`), with the value of
    `field` the change left (None when the change did not touch it)."""
    change = entry.changes.get(field)
    return feed_record(entry, resource, action=actions.get(entry.action, "updated")) | {
        field: change[1] if isinstance(change, list) and len(change) == 2 else None
    }


class ChangeRecord(Schema):
    sequence: int
    resource: str
    id: int | str
    action: str
    audit_action: str
    at: str


class ChangeFeed(Schema):
    items: list[ChangeRecord]
    next_since: int


def change_feed(
    object_types: list[str],
    *,
    since: int,
    limit: int,
    represent: Callable[[AuditEntry], dict[str, Any]],
) -> dict[str, Any]:
    """The changes to `object_types` (model labels) after sequence `since`, in order.

    Read up to the highest sequence given when the request began: when fewer than
    `limit` records are left, `next_since` is that sequence, so a reader does not scan
    the other resources' changes again, and misses nothing committed later.
    """
    check_limit(limit)
    if since < 0:
        error(422, _("since must be 0 or more."), {"since": [_("0 or more.")]})
    assign_sequences()
    upto = latest_sequence()
    entries = list(
        AuditEntry.objects.filter(
            object_type__in=object_types, sequence__gt=since, sequence__lte=upto
        ).order_by("sequence")[:limit]
    )
    items = [represent(entry) for entry in entries]
    full = len(entries) == limit
    last = entries[-1].sequence if entries and full else max(since, upto)
    return {"items": items, "next_since": last}


Represent = Callable[[AuditEntry], dict[str, Any]]


def changes_operation(
    router: Router,
    object_types: list[str],
    *,
    read_scope: str,
    feed: type[Schema] = ChangeFeed,
    etag: bool = True,
) -> Callable[[Represent], Operation]:
    """Make the decorated function, which turns one audit entry into a feed record, the
    `GET /changes` of `router`: the `change_feed` of `object_types`, with an ETag unless
    `etag` is false (then the answer is checked against `feed` on the way out).

    The operation takes the function's name, module and docstring, from which the OpenAPI
    document draws its operation id, summary and description.
    """

    def decorator(represent: Represent) -> Operation:
        def changes(request: HttpRequest, since: Since = 0, limit: int = DEFAULT_LIMIT) -> Any:
            found = change_feed(object_types, since=since, limit=limit, represent=represent)
            return with_etag(request, found) if etag else found

        changes.__name__ = represent.__name__
        changes.__qualname__ = represent.__qualname__
        changes.__module__ = represent.__module__
        changes.__doc__ = represent.__doc__
        return router.get("/changes", response={200: feed, **ERRORS})(scope(read_scope)(changes))

    return decorator


def page_of(
    request: HttpRequest,
    rows: QuerySet[Any],
    *,
    cursor: str | None,
    limit: int,
    serialize: Callable[[Any], dict[str, Any]],
) -> HttpResponse:
    """A list operation's answer: one `paginate` page of `rows`, with its ETag."""
    return with_etag(request, paginate(rows, cursor=cursor, limit=limit, serialize=serialize))
