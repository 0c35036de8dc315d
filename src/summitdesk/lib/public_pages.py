"""What every page a stranger can reach without signing in shares: a limit per address,
and the language switcher.

Public pages answer an address that asks too often with the same 429 page and a
`Retry-After`, each page with a bucket of its own so that one page's readers never use
up another's.

A language chosen with `?lang=fr` (the switcher's links, as on the portal) answers in it
and is kept in Django's language cookie, which LocaleMiddleware reads on the next page:
a cookie rather than the portal's session, so that strangers get no session row.
"""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils import translation
from django.utils.cache import patch_cache_control, patch_vary_headers

from summitdesk.core import ratelimit

View = Callable[..., HttpResponseBase]
#: Codes a visitor may type for a language the pages have under another code.
LANGUAGE_ALIASES = {"zh": "zh-hans"}


def chosen_language(request: HttpRequest) -> str | None:
    """The language asked for with ?lang=, when the pages have it."""
    asked = request.GET.get("lang", "")
    asked = LANGUAGE_ALIASES.get(asked, asked)
    return asked if asked in {code for code, _name in settings.LANGUAGES} else None


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
                response = render(request, "public/too_many_requests.html", status=429)
                response["Retry-After"] = str(window)
                return response
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
