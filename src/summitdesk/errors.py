"""The refusal, not-found and server-error pages, inside the application's frame.

Staff signed in get the staff frame (their menu) on staff addresses; everyone else, and
every address of the portal, the delegate page and the public pages, gets the public
frame, which shows nothing but the page's own words. Each page says why and leads back:
to the role's landing page (/ sends each role to its desk) or the home page.

The server-error page is rendered from its template alone: no request context, no
database, no session (any of which may be what broke)."""

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseServerError
from django.shortcuts import render
from django.template import loader
from django.urls import Resolver404, resolve
from django.utils import translation
from django.utils.translation import gettext as _

from summitdesk.api.common import ApiError, error_response
from summitdesk.core.permissions import DESCRIPTIONS, Permission, role_of

#: Addresses for people who are not staff: a staff member there sees the public frame too.
PUBLIC_PREFIXES = ("/reply/", "/accreditation/")
#: URL namespaces of pages strangers may open.
PUBLIC_NAMESPACES = {"public"}
PUBLIC_VIEWS = {"participants:public", "participants:public-pdf"}


def _is_public_address(path: str) -> bool:
    if path.startswith(PUBLIC_PREFIXES):
        return True
    try:
        match = resolve(path)
    except Resolver404:
        return False
    return match.namespace in PUBLIC_NAMESPACES or match.view_name in PUBLIC_VIEWS


def _staff_frame(request: HttpRequest) -> bool:
    user = getattr(request, "user", None)
    return role_of(user) is not None and not _is_public_address(request.path)


def _api_error(request: HttpRequest, status: int, message: str) -> HttpResponse | None:
    if not request.path.startswith("/api/"):
        return None
    return error_response(ApiError(status, message))


def _page(request: HttpRequest, status: int, context: dict[str, object]) -> HttpResponse:
    staff = _staff_frame(request)
    context = {
        **context,
        "frame": "base.html" if staff else "public/base.html",
        "staff": staff,
        "status": status,
    }
    return render(request, "errors/error.html", context, status=status)


def _language(request: HttpRequest) -> str:
    """The language asked for with ?lang= (the public frame's switcher), else the one
    LocaleMiddleware chose."""
    asked = request.GET.get("lang", "")
    known = {code for code, _name in settings.LANGUAGES}
    return asked if asked in known else (translation.get_language() or settings.LANGUAGE_CODE)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    with translation.override(_language(request)):
        return _refusal(request, exception)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    with translation.override(_language(request)):
        return _not_found(request)


def _refusal(request: HttpRequest, exception: Exception | None) -> HttpResponse:
    api = _api_error(request, 403, _("Your token may not do this."))
    if api is not None:
        return api
    role = role_of(getattr(request, "user", None))
    lacking = [
        str(DESCRIPTIONS[each])
        for each in (exception.args if isinstance(exception, PermissionDenied) else ())
        if isinstance(each, Permission)
    ]
    context: dict[str, object] = {
        "heading": _("Not allowed"),
        "reason": (
            _("Your role, %(role)s, does not allow this page.") % {"role": role.label}
            if role is not None
            else _("You may not open this page.")
        ),
        # What the page needs, for staff only: the table is no secret to them.
        "lacking": lacking if role is not None else [],
        "advice": _("If your work needs it, ask an administrator to change your role."),
    }
    return _page(request, 403, context)


def _not_found(request: HttpRequest) -> HttpResponse:
    api = _api_error(request, 404, _("Not found."))
    if api is not None:
        return api
    context: dict[str, object] = {
        "heading": _("Page not found"),
        "reason": _("There is no page at this address, or what it showed has been removed."),
        "advice": _(
            "Check the address. If you followed a link from a letter or an email, ask the "
            "secretariat for a new one."
        ),
    }
    return _page(request, 404, context)


def server_error(request: HttpRequest) -> HttpResponse:
    """The page for an unexpected error: the template alone, no context processors."""
    try:
        return HttpResponseServerError(loader.get_template("errors/500.html").render())
    except Exception:  # the last answer left: plain words
        return HttpResponseServerError(
            "Server error: something went wrong on our side. Try again in a moment.",
            content_type="text/plain; charset=utf-8",
        )
