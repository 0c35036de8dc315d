"""The public pages' "too many requests" page says how long to wait, as its Retry-After
does: until the window of the limit that refused ends, in minutes or hours."""

from types import SimpleNamespace

import pytest
from django.test import Client
from django.utils import translation

from summitdesk.core import ratelimit
from summitdesk.lib.public_pages import wait_in_words
from summitdesk.public import join_views
from tests.portal.conftest import Invited
from tests.portal.test_join_requests import ask, join_url

pytestmark = pytest.mark.django_db

#: The start of an hour (and so of a minute) on the clock of the limits.
HOUR_STARTS = 1_000_000_800.0


def clock_at(monkeypatch: pytest.MonkeyPatch, seconds: float) -> None:
    monkeypatch.setattr(ratelimit, "time", SimpleNamespace(time=lambda: HOUR_STARTS + seconds))


def test_a_per_minute_limit_says_about_a_minute(
    acme: Invited, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock_at(monkeypatch, 15)  # 45 seconds of the minute left
    client = Client()
    url = join_url(acme.reply.meeting)
    for _ in range(join_views.PAGE_LIMIT):
        assert client.get(url).status_code == 200

    refused = client.get(url)

    assert (refused.status_code, refused["Retry-After"]) == (429, "45")
    assert "Try again in about 1 minute." in refused.content.decode()


def test_a_per_hour_limit_says_the_minutes_left_in_the_hour(
    acme: Invited, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock_at(monkeypatch, 20 * 60)  # 40 minutes of the hour left
    client = Client()
    meeting = acme.reply.meeting
    for index in range(join_views.SEND_LIMIT_PER_EMAIL):
        assert ask(client, meeting, "Acme Telecom", family_name=f"J{index}").status_code == 200

    refused = ask(client, meeting, "Acme Telecom", family_name="Again")

    content = refused.content.decode()
    assert (refused.status_code, refused["Retry-After"]) == (429, "2400")
    assert "Try again in about 40 minutes." in content
    assert "wait a minute" not in content


@pytest.mark.parametrize(
    ("seconds", "words"),
    [
        (1, "Try again in about 1 minute."),
        (60, "Try again in about 1 minute."),
        (61, "Try again in about 2 minutes."),
        (2400, "Try again in about 40 minutes."),
        (89 * 60, "Try again in about 89 minutes."),
        (90 * 60, "Try again in about 2 hours."),
        (3 * 3600, "Try again in about 3 hours."),
    ],
)
def test_waits_in_words(seconds: int, words: str) -> None:
    with translation.override("en"):
        assert wait_in_words(seconds) == words


def test_seconds_left_is_the_rest_of_the_window(monkeypatch: pytest.MonkeyPatch) -> None:
    clock_at(monkeypatch, 20 * 60 + 0.5)

    assert (ratelimit.seconds_left(60), ratelimit.seconds_left(3600)) == (60, 2400)
