"""The venue's staff pages: configuring zones, gates, defaults and pools; occupancy; one
accreditation's valid dates and zones; the check-in desk as a gate."""

import datetime

import pytest
from django.test import Client

from summitdesk.accreditation.models import CheckIn
from summitdesk.backoffice import urls as backoffice_urls
from summitdesk.core.enums import Role
from summitdesk.core.permissions import GRANTS, Permission
from summitdesk.delegations.enums import ReplyState
from summitdesk.delegations.models import Reply
from summitdesk.venue import passes, validity, zones
from summitdesk.venue.models import Gate, PassCardRun, SecondaryPassPool, Zone, ZoneDefault
from tests.accreditation.builders import code_of, make_accreditation
from tests.conftest import signed_in
from tests.factories import MeetingFactory, UserFactory
from tests.venue.builders import STAFF, make_venue, press_accreditation

pytestmark = pytest.mark.django_db


def test_officer_configures_the_venue(secretary_client: Client) -> None:
    meeting = MeetingFactory(code="prepcom-3")
    url = "/meetings/prepcom-3/venue/"
    assert "No zones yet" in secretary_client.get(url).content.decode()

    response = secretary_client.post(
        url,
        {"zone": "", "zone-name": "Plenary", "zone-capacity": "300", "zone-name_fr": "Plénière"},
    )
    assert response.status_code == 302
    plenary = Zone.objects.get(meeting=meeting)
    assert (plenary.code, plenary.capacity, plenary.name_translations) == (
        "plenary",
        300,
        {"fr": "Plénière"},
    )
    again = secretary_client.post(url, {"zone": "", "zone-name": "Plenary"})
    assert again.status_code == 400
    assert "already has a zone with this code" in again.content.decode()

    secretary_client.post(
        url,
        {"gate": "", "gate-name": "Gate A", "gate-zone": plenary.pk, "gate-direction": "in"},
    )
    assert Gate.objects.get().zone == plenary
    secretary_client.post(
        url,
        {"defaults": "", "defaults-participant_type_code": "press", "defaults-zones": []},
    )
    secretary_client.post(
        url,
        {
            "defaults": "",
            "defaults-participant_type_code": "delegate",
            "defaults-zones": [plenary.pk],
        },
    )
    assert list(ZoneDefault.objects.values_list("participant_type_code", flat=True)) == ["delegate"]

    accreditation = make_accreditation(meeting)
    Reply.objects.filter(pk=accreditation.delegate.reply_id).update(state=ReplyState.SUBMITTED)
    response = secretary_client.post(
        url,
        {
            "pool": "",
            "pool-reply": accreditation.delegate.reply_id,
            "pool-zone": plenary.pk,
            "pool-size": "3",
            "pool-session": "Opening",
        },
    )
    assert response.status_code == 302
    assert SecondaryPassPool.objects.get().passes.count() == 3
    bad = secretary_client.post(url, {"pool": "", "pool-reply": "x", "pool-size": "0"})
    assert bad.status_code == 400
    assert SecondaryPassPool.objects.count() == 1


def test_occupancy_page_and_dashboard_tile() -> None:
    venue = make_venue()
    door = UserFactory(username="door", role=Role.CHECKIN_DESK)
    client = signed_in(door)
    client.post("/meetings/prepcom-3/check-in/", {"desk": "Plenary gate"})
    client.post(
        "/meetings/prepcom-3/check-in/", {"code": code_of(make_accreditation(venue.meeting))}
    )
    page = client.get("/meetings/prepcom-3/venue/occupancy/").content.decode()
    assert 'data-zone="plenary"' in page
    assert '<strong class="occupancy-inside">1</strong>' in page
    tile = client.get("/reports/meetings/prepcom-3/").content.decode()
    assert "Inside the venue now" in tile
    comms = signed_in(UserFactory(username="comms", role=Role.COMMUNICATIONS))
    assert "Inside the venue now" not in comms.get("/reports/meetings/prepcom-3/").content.decode()


def test_validity_page_sets_dates_and_zones(secretary_client: Client) -> None:
    venue = make_venue()
    press = press_accreditation(venue.meeting)
    url = f"/accreditations/{press.pk}/validity/"
    page = secretary_client.get(url).content.decode()
    assert "participant type “press”" in page
    assert f'min="{venue.meeting.start_date}"' in page
    assert f'max="{venue.meeting.end_date}"' in page
    first, last = venue.meeting.start_date, venue.meeting.end_date
    assert first is not None and last is not None
    bad = secretary_client.post(url, {"valid_from": last.isoformat(), "valid_until": first})
    assert bad.status_code == 400
    assert "comes after" in bad.content.decode()
    outside = secretary_client.post(
        url, {"valid_from": first - datetime.timedelta(days=1), "valid_until": last}
    )
    assert outside.status_code == 400
    assert "within the meeting&#x27;s dates" in outside.content.decode()
    ok = secretary_client.post(
        url, {"valid_from": first, "valid_until": last, "zones": [venue.plenary.pk]}
    )
    assert ok.status_code == 302
    found = validity.validity_of(press)
    assert (found.valid_from, found.zone_ids) == (first, frozenset({venue.plenary.pk}))


def test_desk_named_as_a_gate_refuses_by_zone_and_says_it_in_the_holders_language() -> None:
    venue = make_venue()
    client = signed_in(UserFactory(username="door", role=Role.CHECKIN_DESK))
    desk = "/meetings/prepcom-3/check-in/"
    client.post(desk, {"desk": "Plenary gate"})
    assert "This desk lets people into: <bdi>Plenary</bdi>" in client.get(desk).content.decode()
    press = press_accreditation(venue.meeting)
    response = client.post(desk, {"code": code_of(press)}, follow=True)
    page = response.content.decode()
    assert "Refused: not valid for this zone (Plenary)." in page
    assert 'lang="fr"' in page and "Plénière" in page
    assert CheckIn.objects.get().result == "refused"
    client.post(desk, {"desk": "Plenary exit"})
    page = client.post(desk, {"code": code_of(press)}, follow=True).content.decode()
    assert "Left" in page


#: The back-office pages this module tests role by role (tests/backoffice/test_directory_pages
#: checks that every back-office page is in some module's URL_NAMES).
URL_NAMES = {
    "venue",
    "venue-occupancy",
    "venue-validity",
    "venue-pass-cards",
    "venue-zone",
    "venue-zone-delete",
    "venue-gate",
    "venue-gate-delete",
    "venue-card-runs",
    "venue-card-run",
    "venue-card-run-file",
}


def test_url_names_are_this_modules_pages() -> None:
    assert {
        pattern.name
        for pattern in backoffice_urls.urlpatterns
        if str(pattern.name).startswith("venue")
    } == URL_NAMES


@pytest.mark.parametrize("role", list(Role))
def test_each_role_reaches_the_venue_pages_as_the_permission_table_says(role: Role) -> None:
    venue = make_venue()
    press = press_accreditation(venue.meeting)
    reply = press.delegate.reply
    passes.create_pool(reply, venue.media, size=1, actor=STAFF)
    client = signed_in(UserFactory(username=f"user-{role}", role=role))
    pages = {
        "/meetings/prepcom-3/venue/": Permission.VENUE_MANAGE,
        "/meetings/prepcom-3/venue/occupancy/": Permission.OCCUPANCY_READ,
        f"/accreditations/{press.pk}/validity/": Permission.VENUE_MANAGE,
        f"/meetings/prepcom-3/venue/passes/{reply.pk}/cards.pdf": Permission.VENUE_MANAGE,
    }
    gate = Gate.objects.get(name="HLS exit")
    spare = zones.create_zone(venue.meeting, name="Spare", actor=STAFF)
    run = PassCardRun.objects.create(meeting=venue.meeting, total=1)
    pages[f"/meetings/prepcom-3/venue/passes/cards/{run.pk}/"] = Permission.VENUE_MANAGE
    pages[f"/meetings/prepcom-3/venue/zones/{venue.high_level.pk}/"] = Permission.VENUE_MANAGE
    pages[f"/meetings/prepcom-3/venue/gates/{gate.pk}/"] = Permission.VENUE_MANAGE
    for url, permission in pages.items():
        expected = 200 if permission in GRANTS[role] else 403
        assert client.get(url).status_code == expected, (url, role)
    # Deleting (asked first: nothing is deleted by these posts).
    for url in (
        f"/meetings/prepcom-3/venue/zones/{spare.pk}/delete/",
        f"/meetings/prepcom-3/venue/gates/{gate.pk}/delete/",
    ):
        expected = 200 if Permission.VENUE_MANAGE in GRANTS[role] else 403
        assert client.post(url).status_code == expected, (url, role)
    # Starting a print of every card, and a run's file (404 until it is done).
    start = client.post("/meetings/prepcom-3/venue/passes/cards/")
    assert start.status_code == (302 if Permission.VENUE_MANAGE in GRANTS[role] else 403), role
    file = client.get(f"/meetings/prepcom-3/venue/passes/cards/{run.pk}/pass-cards.pdf")
    assert file.status_code == (404 if Permission.VENUE_MANAGE in GRANTS[role] else 403), role
    assert Gate.objects.filter(pk=gate.pk).exists() and Zone.objects.filter(pk=spare.pk).exists()
