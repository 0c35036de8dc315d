"""Fixed-window rate limits, counted in the database so that every web process and host
shares them (`serve` runs several processes: a count per process would multiply every
limit). Redis is not needed.

Each count is one statement, `INSERT ... ON CONFLICT DO UPDATE SET count = count + 1
RETURNING count`, atomic on PostgreSQL (the row is locked by the upsert) and on SQLite
(writers take the database lock in turn), so concurrent attempts are never lost.
Windows past their end are deleted by the periodic job `purge-rate-counters`.
"""

import datetime
import hashlib
import math
import time
from collections.abc import Mapping

from django.conf import settings
from django.db import connection
from django.utils import timezone

from summitdesk.core.models import RateCounter


def _bucket(key: str, window: int) -> tuple[str, datetime.datetime]:
    """(row key, end of the window) of `key`'s current window of `window` seconds."""
    index = int(time.time() // window)
    digest = hashlib.sha256(f"{key}\x00{window}\x00{index}".encode()).hexdigest()
    ends = datetime.datetime.fromtimestamp((index + 1) * window, tz=datetime.UTC)
    return digest, ends


def seconds_left(window: int) -> int:
    """Seconds until the current window of `window` seconds ends, when a key refused in it
    is counted afresh (at least one)."""
    now = time.time()
    ends = (int(now // window) + 1) * window
    return max(1, math.ceil(ends - now))


def count(key: str, *, window: int) -> int:
    """Attempts counted for `key` in this window."""
    bucket, _ends = _bucket(key, window)
    found = RateCounter.objects.filter(bucket=bucket).values_list("count", flat=True).first()
    return found or 0


def exceeded(key: str, *, limit: int, window: int) -> bool:
    """Whether `limit` attempts for `key` already fell in this window (counts nothing)."""
    return count(key, window=window) >= limit


def hit(key: str, *, limit: int, window: int) -> bool:
    """Count one attempt for `key`; False once more than `limit` fell in this window."""
    bucket, ends = _bucket(key, window)
    table = connection.ops.quote_name(RateCounter._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (bucket, count, expires_at) VALUES (%s, 1, %s) "  # noqa: S608 (the table name is ours)
            f"ON CONFLICT (bucket) DO UPDATE SET count = {table}.count + 1 RETURNING count",
            [bucket, ends],
        )
        row = cursor.fetchone()
    return row is not None and int(row[0]) <= limit


def purge(*, now: datetime.datetime | None = None) -> int:
    """Delete the counts of windows that are over; returns how many."""
    deleted, _by_model = RateCounter.objects.filter(expires_at__lt=now or timezone.now()).delete()
    return deleted


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
