"""Editing and deleting a zone or a gate on the venue pages: names in six languages,
capacity, a gate's zone and direction; deleting asks first, and is refused, saying why,
while scans, gates, passes or accreditations refer to it. Every change audited. (The
role-by-role access of these pages is in test_pages, with the other venue pages.)"""

import pytest
from django.test import Client

from summitdesk.accreditation.models import CheckIn
from summitdesk.core.enums import Role
from summitdesk.core.models import AuditEntry
from summitdesk.venue import passes, validity, zones
from summitdesk.venue.enums import Direction
from summitdesk.venue.models import Gate, Zone
from tests.accreditation.builders import code_of, make_accreditation
from tests.conftest import signed_in
from tests.factories import UserFactory
from tests.venue.builders import STAFF, make_venue

pytestmark = pytest.mark.django_db


def test_officer_renames_a_zone_in_six_languages_and_changes_its_capacity(
    secretary_client: Client,
) -> None:
    venue = make_venue()
    url = f"/meetings/prepcom-3/venue/zones/{venue.plenary.pk}/"
    assert url in secretary_client.get("/meetings/prepcom-3/venue/").content.decode()
    page = secretary_client.get(url).content.decode()
    assert 'value="Plénière"' in page and 'value="500"' in page

    bad = secretary_client.post(url, {"name": "", "capacity": "0"})
    assert bad.status_code == 400
    saved = secretary_client.post(
        url,
        {
            "name": "Plenary hall",
            "capacity": "",
            "name_fr": "Salle plénière",
            "name_ar": "القاعة العامة",
            "name_zh": "全体会议厅",
        },
    )
    assert saved.status_code == 302
    venue.plenary.refresh_from_db()
    assert (venue.plenary.name, venue.plenary.capacity, venue.plenary.code) == (
        "Plenary hall",
        None,
        "plenary",
    )
    assert venue.plenary.name_translations == {
        "fr": "Salle plénière",
        "ar": "القاعة العامة",
        "zh": "全体会议厅",
    }
    entry = AuditEntry.objects.get(action="summitdesk.venue.zone_changed")
    assert entry.changes["name"] == ["Plenary", "Plenary hall"]
    assert entry.changes["capacity"] == [500, None]


def test_officer_moves_and_renames_a_gate(secretary_client: Client) -> None:
    venue = make_venue()
    gate = Gate.objects.get(name="HLS gate")
    url = f"/meetings/prepcom-3/venue/gates/{gate.pk}/"
    taken = secretary_client.post(
        url, {"name": "Plenary gate", "zone": venue.media.pk, "direction": "out"}
    )
    assert taken.status_code == 400
    assert "already has a gate with this name" in taken.content.decode()
    other = make_venue(code="prepcom-4")
    foreign = secretary_client.post(
        url, {"name": "Media door", "zone": other.media.pk, "direction": "in"}
    )
    assert foreign.status_code == 400  # not a choice: another meeting's zone
    moved = secretary_client.post(
        url, {"name": "Media door", "zone": venue.media.pk, "direction": "out"}
    )
    assert moved.status_code == 302
    gate.refresh_from_db()
    assert (gate.name, gate.zone, gate.direction) == ("Media door", venue.media, Direction.OUT)
    entry = AuditEntry.objects.get(action="summitdesk.venue.gate_changed")
    assert entry.changes == {
        "name": ["HLS gate", "Media door"],
        "zone": ["hls", "media"],
        "direction": ["in", "out"],
    }


def test_deleting_an_unused_zone_and_gate_asks_first(secretary_client: Client) -> None:
    venue = make_venue()
    spare = zones.create_zone(venue.meeting, name="Spare room", actor=STAFF)
    delete = f"/meetings/prepcom-3/venue/zones/{spare.pk}/delete/"
    assert (
        delete
        in secretary_client.get(f"/meetings/prepcom-3/venue/zones/{spare.pk}/").content.decode()
    )

    asked = secretary_client.post(delete)
    page = asked.content.decode()
    assert asked.status_code == 200
    assert "Delete the zone Spare room?" in page and 'class="destructive"' in page
    assert "It cannot be restored." in page
    assert Zone.objects.filter(pk=spare.pk).exists()
    done = secretary_client.post(delete, {"confirmed": "yes"})
    assert done["Location"] == "/meetings/prepcom-3/venue/"
    assert not Zone.objects.filter(pk=spare.pk).exists()
    assert AuditEntry.objects.filter(action="summitdesk.venue.zone_deleted").count() == 1

    gate = Gate.objects.get(name="HLS exit")
    gate_delete = f"/meetings/prepcom-3/venue/gates/{gate.pk}/delete/"
    assert "Delete the gate HLS exit?" in secretary_client.post(gate_delete).content.decode()
    secretary_client.post(gate_delete, {"confirmed": "yes"})
    assert not Gate.objects.filter(pk=gate.pk).exists()
    assert AuditEntry.objects.filter(action="summitdesk.venue.gate_deleted").count() == 1
    assert secretary_client.get(delete).status_code == 405


def test_zone_or_gate_in_use_is_refused_saying_why(secretary_client: Client) -> None:
    venue = make_venue()
    # The media centre: a participant type's zone, an accreditation's own, a pass pool.
    ana = make_accreditation(venue.meeting, given="Ana")
    passes.create_pool(ana.delegate.reply, venue.media, size=1, actor=STAFF)
    validity.set_validity(ana, valid_from=None, valid_until=None, zones=[venue.media], actor=STAFF)
    page = secretary_client.get(f"/meetings/prepcom-3/venue/zones/{venue.media.pk}/").content
    assert "secondary passes" in page.decode()
    refused = secretary_client.post(
        f"/meetings/prepcom-3/venue/zones/{venue.media.pk}/delete/",
        {"confirmed": "yes"},
        follow=True,
    )
    text = refused.content.decode()
    assert (
        "Media centre cannot be deleted: it has secondary passes, participant types&#x27; "
        "zones and accreditations&#x27; own zones. Rename it instead." in text
    )
    # Scans at the plenary's gate: neither the zone nor the gate goes.
    door = signed_in_desk()
    door.post("/meetings/prepcom-3/check-in/", {"desk": "Plenary gate"})
    door.post("/meetings/prepcom-3/check-in/", {"code": code_of(ana)})
    assert CheckIn.objects.filter(desk="Plenary gate").exists()
    gate = Gate.objects.get(name="Plenary gate")
    gate_page = secretary_client.get(f"/meetings/prepcom-3/venue/gates/{gate.pk}/").content
    assert "scans were recorded at it" in gate_page.decode()
    gate_refused = secretary_client.post(
        f"/meetings/prepcom-3/venue/gates/{gate.pk}/delete/", {"confirmed": "yes"}, follow=True
    )
    assert "Plenary gate cannot be deleted: scans were recorded at it." in (
        gate_refused.content.decode()
    )
    with pytest.raises(
        zones.VenueError, match="recorded scans, gates and participant types' zones"
    ):
        zones.delete_zone(venue.plenary, actor=STAFF)
    with pytest.raises(zones.VenueError, match="the other zones, which need a main entrance"):
        zones.delete_zone(venue.entrance, actor=STAFF)
    assert Zone.objects.count() == 4 and Gate.objects.filter(pk=gate.pk).exists()
    assert not AuditEntry.objects.filter(action__endswith="_deleted").exists()


def test_another_meetings_zone_or_gate_is_not_found(secretary_client: Client) -> None:
    make_venue()
    other = make_venue(code="prepcom-4")
    gate = Gate.objects.filter(meeting=other.meeting).first()
    assert gate is not None
    assert (
        secretary_client.get(f"/meetings/prepcom-3/venue/zones/{other.media.pk}/").status_code
        == 404
    )
    assert secretary_client.get(f"/meetings/prepcom-3/venue/gates/{gate.pk}/").status_code == 404
    gone = secretary_client.post(
        f"/meetings/prepcom-3/venue/zones/{other.media.pk}/delete/", {"confirmed": "yes"}
    )
    assert gone.status_code == 404
    assert Zone.objects.filter(pk=other.media.pk).exists()


def signed_in_desk() -> Client:
    return signed_in(UserFactory(username="door", role=Role.CHECKIN_DESK))
