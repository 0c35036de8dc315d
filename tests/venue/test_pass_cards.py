"""Secondary pass cards: staff print a delegation's cards (or one pool's) as a PDF; the
focal point downloads their own delegation's from the portal, never another's; names
with Typst or HTML markup characters print as they are written."""

import io
from pathlib import Path

import pytest
from django.test import Client
from pypdf import PdfReader
from pytest_django import Settings

from summitdesk.core.models import AuditEntry
from summitdesk.correspondence import reply_links
from summitdesk.delegations.models import Reply
from summitdesk.venue import passes, zones
from summitdesk.venue.models import PassCardRun, SecondaryPassPool
from tests.accreditation.builders import make_accreditation
from tests.tasks import run_queued_tasks
from tests.venue.builders import STAFF, Venue, make_venue

pytestmark = pytest.mark.django_db

HOSTILE = '*Bold* _x_ #panic("no") $1+1$ <b>&amp; [a](b) \\ @ref // c'


def pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def pools_of(venue: Venue, organisation: str) -> tuple[Reply, SecondaryPassPool, SecondaryPassPool]:
    reply = make_accreditation(venue.meeting, organisation=organisation).delegate.reply
    hls = passes.create_pool(reply, venue.high_level, size=2, session="Opening", actor=STAFF)
    plenary = passes.create_pool(reply, venue.plenary, size=1, actor=STAFF)
    return reply, hls, plenary


def codes(*pools: SecondaryPassPool) -> list[str]:
    return [passes.pass_code(one) for pool in pools for one in pool.passes.order_by("number")]


def test_staff_print_a_delegations_cards_with_codes_and_names(secretary_client: Client) -> None:
    venue = make_venue()
    reply, hls, plenary = pools_of(venue, "Ruritania")
    url = f"/meetings/prepcom-3/venue/passes/{reply.pk}/cards.pdf"

    response = secretary_client.get(url)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert len(PdfReader(io.BytesIO(response.content)).pages) == 3
    for code in codes(hls, plenary):
        assert code in text
    for name in ("PrepCom-3", "High-level segment", "Opening", "Plenary", "Ruritania"):
        assert name in text
    assert "Pass 2 of 2" in text
    entry = AuditEntry.objects.get(action="summitdesk.venue.pass_cards_printed")
    assert entry.changes == {"cards": [None, 3], "pool": [None, None]}

    one_pool = pdf_text(secretary_client.get(f"{url}?pool={plenary.pk}").content)
    assert codes(plenary)[0] in one_pool and codes(hls)[0] not in one_pool
    assert "cards.pdf" in secretary_client.get("/meetings/prepcom-3/venue/").content.decode()


def test_cards_speak_the_delegations_language() -> None:
    venue = make_venue()
    reply, _hls, plenary = pools_of(venue, "Ruritanie")
    organisation = reply.organisation
    organisation.language = "fr"
    organisation.save(update_fields=["language"])
    _link, token = reply_links.issue(organisation, venue.meeting)
    text = pdf_text(Client().get(f"/reply/{token}/passes/cards.pdf?pool={plenary.pk}").content)
    assert "Plénière" in text


def test_staff_cards_of_another_meeting_or_pool_are_not_found(secretary_client: Client) -> None:
    venue = make_venue()
    other = make_venue(code="prepcom-4")
    reply, _hls, _plenary = pools_of(venue, "Ruritania")
    _theirs, their_pool, _ = pools_of(other, "Borduria")
    url = f"/meetings/prepcom-3/venue/passes/{reply.pk}/cards.pdf"
    assert (
        secretary_client.get(f"/meetings/prepcom-4/venue/passes/{reply.pk}/cards.pdf").status_code
        == 404
    )
    assert secretary_client.get(f"{url}?pool={their_pool.pk}").status_code == 404
    assert secretary_client.get(f"{url}?pool=x").status_code == 404
    empty = make_accreditation(venue.meeting, organisation="Nopass").delegate.reply
    assert (
        secretary_client.get(f"/meetings/prepcom-3/venue/passes/{empty.pk}/cards.pdf").status_code
        == 404
    )
    assert not AuditEntry.objects.filter(action="summitdesk.venue.pass_cards_printed").exists()


def test_focal_point_downloads_their_own_cards_only() -> None:
    venue = make_venue()
    reply, hls, plenary = pools_of(venue, "Ruritania")
    theirs, their_pool, _ = pools_of(venue, "Borduria")
    _link, token = reply_links.issue(reply.organisation, venue.meeting)
    _link, their_token = reply_links.issue(theirs.organisation, venue.meeting)
    client = Client()
    assert "cards.pdf" in client.get(f"/reply/{token}/passes/").content.decode()

    own = client.get(f"/reply/{token}/passes/cards.pdf")
    assert own.status_code == 200
    text = pdf_text(own.content)
    assert all(code in text for code in codes(hls, plenary))
    assert not any(code in text for code in codes(their_pool))
    # Borduria's link asking for Ruritania's pool answers like an unknown link.
    forged = client.get(f"/reply/{their_token}/passes/cards.pdf?pool={hls.pk}")
    assert forged.status_code == 404
    assert forged["Content-Type"].startswith("text/html")
    assert client.get(f"/reply/{their_token}/passes/cards.pdf?pool=zz").status_code == 404
    assert client.get("/reply/forged-token-nobody-has-it-0000/passes/cards.pdf").status_code == 404
    printed = AuditEntry.objects.filter(action="summitdesk.venue.pass_cards_printed")
    assert list(printed.values_list("organisation_id", flat=True)) == [reply.organisation_id]


def test_hostile_names_print_as_written(secretary_client: Client) -> None:
    venue = make_venue()
    zone = zones.create_zone(venue.meeting, name=f"Room {HOSTILE}"[:100], code="room", actor=STAFF)
    reply = make_accreditation(venue.meeting, organisation=HOSTILE).delegate.reply
    pool = passes.create_pool(reply, zone, size=1, session=HOSTILE, actor=STAFF)
    response = secretary_client.get(f"/meetings/prepcom-3/venue/passes/{reply.pk}/cards.pdf")
    assert response.status_code == 200
    text = pdf_text(response.content)
    assert text.count(HOSTILE) >= 3  # the zone, the session, the delegation
    assert codes(pool)[0] in text


def test_every_card_of_a_meeting_printed_in_the_background(
    secretary_client: Client, settings: Settings, tmp_path: Path
) -> None:
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "files"},
        },
    }
    venue = make_venue()
    _reply, hls, plenary = pools_of(venue, "Ruritania")
    theirs, their_pool, _ = pools_of(venue, "Ruritanie")
    theirs.organisation.language = "fr"
    theirs.organisation.save(update_fields=["language"])
    other = make_venue(code="prepcom-4")
    _elsewhere, foreign_pool, _ = pools_of(other, "Borduria")

    started = secretary_client.post("/meetings/prepcom-3/venue/passes/cards/")
    run = PassCardRun.objects.get()
    page_url = f"/meetings/prepcom-3/venue/passes/cards/{run.pk}/"
    assert started["Location"] == page_url
    waiting = secretary_client.get(page_url)
    assert waiting["Refresh"] and "Printing the cards" in waiting.content.decode()
    run_queued_tasks()

    done = secretary_client.get(page_url)
    assert "Refresh" not in done and "The cards are printed." in done.content.decode()
    download = secretary_client.get(f"{page_url}pass-cards.pdf")
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment")
    text = pdf_text(b"".join(download.streaming_content))  # type: ignore[attr-defined]
    assert all(code in text for code in codes(hls, plenary, their_pool))
    assert not any(code in text for code in codes(foreign_pool))
    assert "Plénière" in text and "Plenary" in text  # Ruritanie's card, and Ruritania's
    run.refresh_from_db()
    assert (run.status, run.total) == ("done", 6)
    assert AuditEntry.objects.filter(action="summitdesk.venue.pass_card_run_started").count() == 1
    # Another meeting's address for the run is not found.
    assert (
        secretary_client.get(f"/meetings/prepcom-4/venue/passes/cards/{run.pk}/").status_code == 404
    )


def test_a_meeting_without_passes_prints_no_cards(secretary_client: Client) -> None:
    make_venue()
    refused = secretary_client.post("/meetings/prepcom-3/venue/passes/cards/", follow=True)
    assert "No secondary passes have been given for this meeting." in refused.content.decode()
    assert not PassCardRun.objects.exists()


@pytest.mark.parametrize(("language", "name"), [("ar", "الجمهورية"), ("zh", "中国代表团")])
def test_cards_print_in_arabic_and_chinese(
    secretary_client: Client, language: str, name: str
) -> None:
    venue = make_venue()
    reply, hls, plenary = pools_of(venue, name)
    reply.organisation.language = language
    reply.organisation.save(update_fields=["language"])
    response = secretary_client.get(f"/meetings/prepcom-3/venue/passes/{reply.pk}/cards.pdf")
    assert response.status_code == 200
    text = pdf_text(response.content)
    assert all(code in text for code in codes(hls, plenary))
