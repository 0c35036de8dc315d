import datetime
import os
import subprocess
import sys
import threading
import time
from pathlib import Path
from types import SimpleNamespace
from typing import Any
from urllib.parse import quote

import pytest
from django.db import connections
from django.test import override_settings

import summitdesk
from summitdesk.core import ratelimit
from summitdesk.core.models import RateCounter
from summitdesk.core.ratelimit import client_ip

BEHIND_PROXY = {"REMOTE_ADDR": "10.0.0.2", "HTTP_X_FORWARDED_FOR": "6.6.6.6, 203.0.113.7"}


def test_client_ip_without_proxy_is_the_socket_address() -> None:
    with override_settings(BEHIND_TLS_PROXY=False):
        assert client_ip(BEHIND_PROXY) == "10.0.0.2"


def test_client_ip_behind_trusted_proxy_is_the_hop_the_proxy_appended() -> None:
    with override_settings(BEHIND_TLS_PROXY=True):
        assert client_ip(BEHIND_PROXY) == "203.0.113.7"


def test_client_ip_behind_proxy_without_header_falls_back_to_socket() -> None:
    with override_settings(BEHIND_TLS_PROXY=True):
        assert client_ip({"REMOTE_ADDR": "10.0.0.2"}) == "10.0.0.2"


# Counts shared by every process


def test_hit_allows_the_limit_then_refuses(db: None) -> None:
    results = [ratelimit.hit("k", limit=3, window=60) for _ in range(5)]

    assert results == [True, True, True, False, False]
    assert ratelimit.count("k", window=60) == 5
    assert ratelimit.exceeded("k", limit=5, window=60) is True
    assert ratelimit.exceeded("other", limit=1, window=60) is False


def test_counts_are_kept_without_the_key_in_clear(db: None) -> None:
    ratelimit.hit("signin-account:amina", limit=3, window=60)

    [row] = RateCounter.objects.all()
    assert "amina" not in row.bucket
    assert (len(row.bucket), row.count) == (64, 1)


def test_a_new_window_starts_afresh(db: None, monkeypatch: pytest.MonkeyPatch) -> None:
    clock = SimpleNamespace(time=lambda: 1_000_000_020.0)
    monkeypatch.setattr(ratelimit, "time", clock)
    assert [ratelimit.hit("k", limit=1, window=60) for _ in range(2)] == [True, False]

    clock.time = lambda: 1_000_000_080.0

    assert ratelimit.hit("k", limit=1, window=60) is True


@pytest.mark.django_db(transaction=True)
def test_the_limit_holds_across_connections_counting_at_once() -> None:
    """Two web processes are two database connections: every attempt of both is counted
    once, none lost to a race, and the limit is the limit of both together."""
    allowed: list[bool] = []
    errors: list[BaseException] = []
    start = threading.Barrier(4)

    def process() -> None:
        try:
            start.wait()
            for _ in range(25):
                allowed.append(ratelimit.hit("shared", limit=60, window=600))
        except BaseException as error:  # reported below, in the test's thread
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=process) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert ratelimit.count("shared", window=600) == 100
    assert allowed.count(True) == 60


@pytest.mark.django_db(transaction=True)
def test_a_count_made_by_another_connection_limits_this_one() -> None:
    """What another web process counted limits this one, as each process's own cache
    never did."""

    def other_process() -> None:
        try:
            ratelimit.hit("pair", limit=2, window=60)
            ratelimit.hit("pair", limit=2, window=60)
        finally:
            connections.close_all()

    thread = threading.Thread(target=other_process)
    thread.start()
    thread.join()

    assert ratelimit.exceeded("pair", limit=2, window=60) is True
    assert ratelimit.hit("pair", limit=2, window=60) is False


def _database_url(settings_dict: dict[str, Any]) -> str:
    """The URL of the test database, for a process started by the test."""
    if settings_dict["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{settings_dict['NAME']}"
    user = quote(settings_dict["USER"] or "")
    password = f":{quote(settings_dict['PASSWORD'])}" if settings_dict["PASSWORD"] else ""
    host, port = settings_dict["HOST"] or "127.0.0.1", settings_dict["PORT"] or 5432
    return f"postgres://{user}{password}@{host}:{port}/{settings_dict['NAME']}"


@pytest.mark.django_db(transaction=True)
def test_another_process_counts_into_the_same_window(monkeypatch: pytest.MonkeyPatch) -> None:
    """`serve` runs two processes: what one counts, the other sees."""
    monkeypatch.setattr(ratelimit, "time", time)  # the other process reads the real clock
    assert [ratelimit.hit("pair", limit=3, window=600) for _ in range(2)] == [True, True]
    env = os.environ | {
        "DATABASE_URL": _database_url(connections["default"].settings_dict),
        "PYTHONPATH": str(Path(summitdesk.__file__).resolve().parents[1]),
        "DJANGO_SETTINGS_MODULE": "summitdesk.settings",
    }
    code = (
        "import django; django.setup(); from summitdesk.core import ratelimit; "
        "print([ratelimit.hit('pair', limit=3, window=600) for _ in range(2)])"
    )

    other = subprocess.run(  # noqa: S603 (this interpreter, fixed arguments)
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60
    )

    assert (other.returncode, other.stdout.strip()) == (0, "[True, False]"), other.stderr
    assert ratelimit.count("pair", window=600) == 4
    assert ratelimit.hit("pair", limit=3, window=600) is False


def test_purge_deletes_windows_that_are_over(db: None) -> None:
    ratelimit.hit("short", limit=5, window=60)
    ratelimit.hit("long", limit=5, window=3600)
    short_ends = min(RateCounter.objects.values_list("expires_at", flat=True))

    deleted = ratelimit.purge(now=short_ends + datetime.timedelta(seconds=1))

    # Only the minute's window is over, unless the hour ends with that same minute.
    hour_over = short_ends.minute == 0
    assert deleted == (2 if hour_over else 1)
    assert ratelimit.count("long", window=3600) == (0 if hour_over else 1)
