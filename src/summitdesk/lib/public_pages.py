"""What every page a stranger can reach without signing in shares: a limit per address,
and the language switcher.

Public pages answer an address that asks too often with the same 429 page, which says
how long to wait, and a `Retry-After` (`too_many_requests`), each page with a bucket of
its own so that one page's readers never use up another's.

A language chosen with `?lang=fr` (the switcher's links, as on the portal) answers in it
and is kept in Django's language cookie, which LocaleMiddleware reads on the next page:
a cookie rather than the portal's session, so that strangers get no session row.
"""

import math
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils import translation
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.translation import ngettext

from summitdesk.core import ratelimit

View = Callable[..., HttpResponseBase]
#: Codes a visitor may type for a language the pages have under another code.
LANGUAGE_ALIASES = {"zh": "zh-hans"}


def chosen_language(request: HttpRequest) -> str | None:
    """The language asked for with ?lang=, when the pages have it."""
    asked = request.GET.get("lang", "")
    asked = LANGUAGE_ALIASES.get(asked, asked)
    return asked if asked in {code for code, _name in settings.LANGUAGES} else None


def wait_in_words(seconds: int) -> str:
    """ "Try again in about 40 minutes": the wait rounded up to a minute, in hours from
    ninety minutes on."""
    minutes = max(1, math.ceil(seconds / 60))
    if minutes < 90:
        return ngettext(
            "Try again in about %(count)d minute.", "Try again in about %(count)d minutes.", minutes
        ) % {"count": minutes}
    hours = round(minutes / 60)
    return ngettext(
        "Try again in about %(count)d hour.", "Try again in about %(count)d hours.", hours
    ) % {"count": hours}


def too_many_requests(request: HttpRequest, window: int) -> HttpResponse:
    """The 429 page of a limit of `window` seconds just refused: it says how long until
    the window ends, and so does `Retry-After` (in seconds)."""
    wait = ratelimit.seconds_left(window)
    response = render(
        request, "public/too_many_requests.html", {"wait": wait_in_words(wait)}, status=429
    )
    response["Retry-After"] = str(wait)
    return response


def rate_limited(bucket: str, *, limit: int, window: int) -> Callable[[View], View]:
    """Refuse (429) an address that asked more than `limit` times in `window` seconds
    for pages of `bucket`."""

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            language = chosen_language(request) or translation.get_language()
            with translation.override(language):
                response = answer(request, *args, **kwargs)
            if language and language == chosen_language(request):
                response.set_cookie(
                    settings.LANGUAGE_COOKIE_NAME,
                    language,
                    max_age=settings.LANGUAGE_COOKIE_AGE,
                    samesite="Lax",
                    secure=settings.SESSION_COOKIE_SECURE,
                    httponly=True,
                )
                # A shared cache must not hand this visitor's cookie to the next one.
                patch_cache_control(response, private=True)
            response["Content-Language"] = language or settings.LANGUAGE_CODE
            patch_vary_headers(response, ["Cookie", "Accept-Language"])
            return response

        def answer(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            key = f"{bucket}:{ratelimit.client_ip(request.META)}"
            if not ratelimit.hit(key, limit=limit, window=window):
                return too_many_requests(request, window)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
