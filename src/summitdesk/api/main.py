"""The API object: `/api/v1/`, its token check and the one error body for every refusal.

Each resource's router is added here with one line.
"""

import copy
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.utils import translation
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.openapi.schema import OpenAPISchema

from summitdesk.api import (
    accreditations,
    applications,
    checkins,
    circulars,
    credentials,
    directory,
    join_requests,
    meetings,
    pickups,
    replies,
    venue,
    webhooks,
)
from summitdesk.api.common import ApiError, TokenAuth, error_response


class SummitDeskApi(NinjaAPI):
    """The API; its OpenAPI document is built once per path prefix and language in a
    process (it is the same until the code changes), and each caller gets its own copy."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._documents: dict[tuple[str, str | None], OpenAPISchema] = {}

    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> OpenAPISchema:
        if path_prefix is None:
            path_prefix = self.get_root_path(path_params or {})
        key = (path_prefix, translation.get_language())
        if key not in self._documents:
            self._documents[key] = super().get_openapi_schema(path_prefix=path_prefix)
        document: OpenAPISchema = copy.deepcopy(self._documents[key])
        return document


api = SummitDeskApi(
    title="SummitDesk API",
    version="1",
    description=(
        "Organisations, people, meetings, circulars, replies and accreditations of a "
        "summit. Send `Authorization: Bearer <token>`; each operation names the scope "
        "it needs. Lists are paged with `cursor`; updates need `If-Match`."
    ),
    urls_namespace="api",
    docs_url=None,
    auth=TokenAuth(),
)


@api.exception_handler(ApiError)
def _api_error(request: HttpRequest, exc: ApiError) -> HttpResponse:
    return error_response(exc)


@api.exception_handler(AuthenticationError)
def _unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    response = error_response(
        ApiError(
            401,
            _(
                "Send a valid API token: Authorization: Bearer <token>. "
                "It may have expired or been revoked."
            ),
        )
    )
    response["WWW-Authenticate"] = 'Bearer realm="api"'
    return response


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return error_response(ApiError(exc.status_code, str(exc)))


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return error_response(ApiError(404, _("Not found.")))


def _field(location: Any) -> str:
    # ("body", "payload", "name") -> "name"; ("query", "limit") -> "limit"
    parts = [str(part) for part in location]
    if parts and parts[0] == "body":
        parts = parts[2:] if len(parts) > 2 else ["body"]
    elif parts and parts[0] in ("query", "path", "header", "form"):
        parts = parts[1:]
    return ".".join(parts) or "body"


@api.exception_handler(ValidationError)
def _invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    errors: dict[str, list[str]] = {}
    for problem in exc.errors:
        errors.setdefault(_field(problem.get("loc", ())), []).append(str(problem.get("msg", "")))
    return error_response(ApiError(422, _("Some fields are not valid."), errors))


api.add_router("/organisations", directory.organisations)
api.add_router("/people", directory.people)
api.add_router("/meetings", meetings.meetings)
api.add_router("/circulars", circulars.circulars)
api.add_router("/invitations", replies.invitations)
api.add_router("/replies", replies.replies)
api.add_router("/accreditations", accreditations.router)
api.add_router("/credentials", credentials.router)
api.add_router("/check-ins", checkins.router)
api.add_router("/join-requests", join_requests.router)
api.add_router("/venue", venue.router)
api.add_router("/pickups", pickups.router)
api.add_router("/webhooks", webhooks.router)
api.add_router("/applications", applications.applications)
api.add_router("/admissions", applications.admissions)
