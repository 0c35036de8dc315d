"""What every page a stranger can reach without signing in shares: a limit per address.

Public pages answer an address that asks too often with the same 429 page and a
`Retry-After`, each page with a bucket of its own so that one page's readers never use
up another's.
"""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import render

from summitdesk.core import ratelimit

View = Callable[..., HttpResponseBase]


def rate_limited(bucket: str, *, limit: int, window: int) -> Callable[[View], View]:
    """Refuse (429) an address that asked more than `limit` times in `window` seconds
    for pages of `bucket`."""

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            key = f"{bucket}:{ratelimit.client_ip(request.META)}"
            if not ratelimit.hit(key, limit=limit, window=window):
                response = render(request, "public/too_many_requests.html", status=429)
                response["Retry-After"] = str(window)
                return response
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
