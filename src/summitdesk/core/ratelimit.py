"""Fixed-window rate limits kept in the cache (Redis when several processes serve)."""

import time

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


def client_ip(request_meta: dict[str, str]) -> str:
    return request_meta.get("REMOTE_ADDR", "unknown")
