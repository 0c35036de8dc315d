from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation
from django.utils.cache import patch_cache_control
from django.utils.http import urlencode

from summitdesk.lib import dates

Handler = Callable[[HttpRequest], HttpResponse]

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
        "form-action 'self'",
    ]
)


def content_security_policy(get_response: Handler) -> Handler:
    """Only our own scripts and styles run: no inline script, no CDN."""

    def middleware(request: HttpRequest) -> HttpResponse:
        response = get_response(request)
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        return response

    return middleware


#: The HTML pages anyone may read and that proxies may keep (by URL name): every other
#: HTML page is a staff page, or a personal link's, and is never stored anywhere.
PUBLIC_PAGES = {
    "public:statistics",
    "public:information-pack",
    "participants:public",
}


def no_store(get_response: Handler) -> Handler:
    """Staff pages (and the portal's) carry `Cache-Control: no-store`, whatever the view
    set: a shared computer's browser or a proxy must not keep what a signed-in person saw.
    One rule for every page, so a new page cannot forget it."""

    def middleware(request: HttpRequest) -> HttpResponse:
        response = get_response(request)
        if not response.get("Content-Type", "").startswith("text/html"):
            return response
        match = getattr(request, "resolver_match", None)
        if match is not None and match.view_name in PUBLIC_PAGES:
            return response
        if "no-store" not in response.get("Cache-Control", ""):
            patch_cache_control(response, no_store=True)
        return response

    return middleware


SECOND_FACTOR_SESSION_KEY = "summitdesk_second_factor_verified"


def needs_second_factor(request: HttpRequest) -> bool:
    user = request.user
    if not user.is_authenticated or request.session.get(SECOND_FACTOR_SESSION_KEY):
        return False
    return bool(
        user.has_second_factor
        or user.second_factor_required
        or settings.SUMMITDESK_REQUIRE_SECOND_FACTOR
    )


def second_factor(get_response: Handler) -> Handler:
    """A signed-in staff member who owes a second factor sees nothing else until given."""

    def middleware(request: HttpRequest) -> HttpResponse:
        if needs_second_factor(request):
            allowed = {
                reverse("backoffice:second-factor"),
                reverse("backoffice:enrol-second-factor"),
                reverse("backoffice:logout"),
            }
            if request.path not in allowed and not request.path.startswith(settings.STATIC_URL):
                # Keep where the person was going, as the sign-in page does.
                target = reverse("backoffice:second-factor")
                return redirect(f"{target}?{urlencode({'next': request.get_full_path()})}")
        return get_response(request)

    return middleware


#: The pages that are not staff pages (by the start of their URL name): a staff member's
#: personal settings do not apply to what organisations, delegates and the public read.
NOT_STAFF_PAGES = ("public:", "portal:", "delegate:", "api:", "participants:public")


class PersonalSettings:
    """A signed-in staff member's language and time zone (their Settings page), made
    current for each of their requests to a staff page: the language before the browser's,
    the time zone before each meeting's (lib/dates.py)."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            return self.get_response(request)
        finally:
            dates.activate_personal_zone(None)

    def process_view(
        self,
        request: HttpRequest,
        view: Callable[..., HttpResponse],
        args: tuple[Any, ...],
        kwargs: dict[str, Any],
    ) -> None:
        user = request.user
        match = request.resolver_match
        if (
            not user.is_authenticated
            or match is None
            or match.view_name.startswith(NOT_STAFF_PAGES)
        ):
            return
        language = getattr(user, "language", "")
        if language:
            translation.activate(language)
            request.LANGUAGE_CODE = language
        dates.activate_personal_zone(getattr(user, "time_zone", "") or None)
