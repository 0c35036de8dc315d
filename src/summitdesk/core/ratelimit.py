"""Fixed-window rate limits kept in the cache (Redis when several processes serve)."""

import time
from collections.abc import Mapping

from django.conf import settings
from django.core.cache import cache


def _bucket(key: str, window: int) -> str:
    return f"ratelimit:{key}:{int(time.time() // window)}"


def exceeded(key: str, *, limit: int, window: int) -> bool:
    """Whether `limit` attempts for `key` already fell in this window (counts nothing)."""
    count: int = cache.get(_bucket(key, window), 0)
    return count >= limit


def hit(key: str, *, limit: int, window: int) -> bool:
    """Count one attempt for `key`; False once more than `limit` fell in this window."""
    bucket = _bucket(key, window)
    cache.add(bucket, 0, timeout=window + 1)
    try:
        count = cache.incr(bucket)
    except ValueError:  # expired between add and incr
        cache.set(bucket, 1, timeout=window + 1)
        count = 1
    return count <= limit


def client_ip(request_meta: Mapping[str, str]) -> str:
    """The address a request came from, the key of per-visitor limits.

    Behind the proxy that `BEHIND_TLS_PROXY` trusts, every request arrives from the
    proxy: the visitor is the last address the proxy appended to X-Forwarded-For (the
    ones before it are whatever the client claimed). Otherwise the socket's address.
    """
    if settings.BEHIND_TLS_PROXY:
        forwarded = request_meta.get("HTTP_X_FORWARDED_FOR", "")
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if hops:
            return hops[-1]
    return request_meta.get("REMOTE_ADDR", "unknown")
