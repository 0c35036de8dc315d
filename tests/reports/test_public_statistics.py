"""The public statistics page: off unless published, numbers only, rate limited, cached."""

from types import SimpleNamespace

import pytest
from django.test import Client
from django.urls import reverse

from summitdesk.core import ratelimit
from summitdesk.core.audit import Actor
from summitdesk.delegations.models import Delegate
from summitdesk.reports.dashboard_views import PUBLIC_LIMIT
from summitdesk.reports.public_statistics import set_public_statistics
from tests.reports.dashboard_data import SURNAME, Known, build

pytestmark = pytest.mark.django_db

ACTOR = Actor.system("tests")


@pytest.fixture
def known() -> Known:
    return build()


@pytest.fixture
def published(known: Known) -> Known:
    set_public_statistics(known.geneva, enabled=True, actor=ACTOR)
    return known


def url(known: Known) -> str:
    return reverse("public:statistics", args=[known.geneva.code])


def test_not_found_until_published(known: Known, client: Client) -> None:
    response = client.get(url(known))

    assert response.status_code == 404


def test_not_found_for_an_unknown_meeting(client: Client) -> None:
    assert client.get("/meetings/nowhere/statistics/").status_code == 404


def test_published_page_shows_the_known_numbers_to_anyone(published: Known, client: Client) -> None:
    response = client.get(url(published))

    page = response.content.decode()
    assert response.status_code == 200
    totals = response.context["dashboard"].totals
    assert (totals.invited, totals.answered, totals.registered) == (12, 7, 30)
    assert (totals.approved, totals.checked_in, totals.chief_executive_heads) == (11, 4, 3)
    assert "58.3%" in page
    assert "75.0% (3 of 4)" in page
    assert "WSIS Geneva phase" in page


def test_published_page_names_nobody(published: Known, client: Client) -> None:
    page = client.get(url(published)).content.decode()

    assert Delegate.objects.filter(family_name__startswith=SURNAME).count() == 37
    assert SURNAME not in page
    assert "Given" not in page
    for organisation in published.organisations.values():
        assert organisation.name not in page
    assert "/reports/" not in page  # no link into the back office
    assert "csrfmiddlewaretoken" not in page


def test_published_page_counts_the_whole_meeting_whatever_the_query(
    published: Known, client: Client
) -> None:
    response = client.get(url(published), {"country": "KE"})

    assert response.context["dashboard"].totals.invited == 12


def test_withdrawing_takes_effect_at_once(published: Known, client: Client) -> None:
    assert client.get(url(published)).status_code == 200

    set_public_statistics(published.geneva, enabled=False, actor=ACTOR)

    assert client.get(url(published)).status_code == 404


def test_page_is_cached_for_a_minute(published: Known, client: Client) -> None:
    first = client.get(url(published))
    Delegate.objects.filter(reply__organisation__country="SN").update(gender="female")

    again = client.get(url(published))

    assert again.content == first.content
    assert again["Cache-Control"] == "public, max-age=60"


def test_each_language_has_its_own_page(published: Known, client: Client) -> None:
    english = client.get(url(published), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    french = client.get(url(published), HTTP_ACCEPT_LANGUAGE="fr").content.decode()

    assert 'lang="en"' in english
    assert 'lang="fr"' in french


def test_language_switcher_answers_in_the_chosen_language_and_keeps_it(
    published: Known, client: Client
) -> None:
    chosen = client.get(f"{url(published)}?lang=fr", HTTP_ACCEPT_LANGUAGE="en")
    page = chosen.content.decode()

    assert '<html lang="fr" dir="ltr">' in page
    assert '<a href="?lang=fr" lang="fr" hreflang="fr" aria-current="true">' in page
    assert '<a href="?lang=ar" lang="ar" hreflang="ar">' in page
    assert chosen["Content-Language"] == "fr"
    assert chosen.cookies["django_language"].value == "fr"
    assert chosen["Cache-Control"] == "max-age=60, private"
    later = client.get(url(published), HTTP_ACCEPT_LANGUAGE="en")
    assert '<html lang="fr" dir="ltr">' in later.content.decode()
    assert "Cookie" in later["Vary"]


def test_language_switcher_ignores_an_unknown_language(published: Known, client: Client) -> None:
    response = client.get(f"{url(published)}?lang=xx", HTTP_ACCEPT_LANGUAGE="en")

    assert '<html lang="en" dir="ltr">' in response.content.decode()
    assert "django_language" not in response.cookies
    assert response["Cache-Control"] == "public, max-age=60"


def test_rate_limited_per_address(
    published: Known, client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    # At the start of a minute: the whole minute to wait.
    monkeypatch.setattr(ratelimit, "time", SimpleNamespace(time=lambda: 1_000_000_020.0))
    for _ in range(PUBLIC_LIMIT):
        assert client.get(url(published)).status_code == 200

    refused = client.get(url(published))
    elsewhere = client.get(url(published), REMOTE_ADDR="203.0.113.9")

    assert refused.status_code == 429
    assert refused["Retry-After"] == "60"
    assert elsewhere.status_code == 200


def test_unpublished_pages_count_against_the_limit_too(known: Known, client: Client) -> None:
    for _ in range(PUBLIC_LIMIT):
        client.get(url(known))

    assert client.get(url(known)).status_code == 429


def test_published_page_counts_participants_by_type(published: Known, client: Client) -> None:
    page = client.get(url(published)).content.decode()

    assert "Registered participants by type" in page
    assert "Observer" in page and "In person" in page
