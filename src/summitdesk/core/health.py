"""`GET /health/`: whether this web process can serve, for a load balancer's checks.

It answers 200 when the database and the cache both answer, else 503, with a small JSON
body naming each as "ok" or "unreachable" (never an error message, a host name or a
setting). It is cheap (one `SELECT 1` and one cache round trip), opens no session, sets no
cookie, is not rate limited (a load balancer asks every second from one address) and is
never cached.
"""

import logging

from django.core.cache import cache
from django.db import DatabaseError, connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

logger = logging.getLogger("summitdesk.health")

CACHE_KEY = "summitdesk:health"


def database_reachable() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return bool(cursor.fetchone() == (1,))
    except DatabaseError:
        logger.warning("Health check: the database is unreachable", exc_info=True)
        return False


def cache_reachable() -> bool:
    try:
        cache.set(CACHE_KEY, 1, timeout=30)
        return bool(cache.get(CACHE_KEY) == 1)
    except Exception:
        # The Redis client raises its own errors (connection refused, timeout...), not
        # Django's; any of them means this process cannot use its cache.
        logger.warning("Health check: the cache is unreachable", exc_info=True)
        return False


@never_cache
@require_safe
def health(request: HttpRequest) -> JsonResponse:
    checks = {
        "database": "ok" if database_reachable() else "unreachable",
        "cache": "ok" if cache_reachable() else "unreachable",
    }
    healthy = all(state == "ok" for state in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "unavailable", **checks}, status=200 if healthy else 503
    )
