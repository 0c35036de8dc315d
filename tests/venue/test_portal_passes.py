"""The focal point's secondary passes page: hand a pass to a member, hand it on, the
cut-off, a stale page, and another delegation's ids answering like an unknown link."""

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from summitdesk.accreditation.models import Accreditation
from summitdesk.core.models import AuditEntry
from summitdesk.core.versions import version_of
from summitdesk.correspondence import reply_links
from summitdesk.venue import passes
from summitdesk.venue.models import SecondaryPass
from tests.accreditation.builders import make_accreditation
from tests.venue.builders import STAFF, Venue, make_venue

pytestmark = pytest.mark.django_db


def delegation(venue: Venue, name: str) -> tuple[str, list[Accreditation], SecondaryPass]:
    """A delegation of two approved members with a pool of 2 passes; its link's URL."""
    ana = make_accreditation(venue.meeting, given="Ana", family=f"{name}one", organisation=name)
    bo = make_accreditation(
        venue.meeting, given="Bo", family=f"{name}two", organisation=f"{name} 2"
    )
    bo.delegate.reply = ana.delegate.reply
    bo.delegate.save(update_fields=["reply"])
    reply = ana.delegate.reply
    pool = passes.create_pool(reply, venue.high_level, size=2, session="Opening", actor=STAFF)
    _link, token = reply_links.issue(reply.organisation, venue.meeting)
    return f"/reply/{token}/passes/", [ana, bo], pool.passes.get(number=1)


def hand(client: Client, url: str, one: SecondaryPass, holder: int | str, **extra: str) -> str:
    one.refresh_from_db()
    data = {"pass": str(one.pk), "holder": str(holder), "version": version_of(one), **extra}
    response = client.post(url, data, follow=True)
    assert response.status_code == 200
    return response.content.decode()


def test_focal_point_hands_a_pass_and_hands_it_on() -> None:
    venue = make_venue()
    url, (ana, bo), one = delegation(venue, "Ruritania")
    client = Client()
    page = client.get(url).content.decode()
    assert "High-level segment" in page and "Opening" in page
    assert "Pass 1" in page and "Ana Ruritaniaone" in page

    assert "Pass 1 is now Ana Ruritaniaone" in hand(client, url, one, ana.pk)
    assert "Pass 1 is now Bo Ruritaniatwo" in hand(client, url, one, bo.pk)
    assert "Pass 1 is back with you." in hand(client, url, one, "")
    assert AuditEntry.objects.filter(action="summitdesk.venue.pass_assigned").count() == 3


def test_stale_page_and_cut_off_change_nothing() -> None:
    venue = make_venue()
    url, (ana, bo), one = delegation(venue, "Ruritania")
    client = Client()
    stale = version_of(one)
    hand(client, url, one, ana.pk)
    page = client.post(
        url, {"pass": one.pk, "holder": bo.pk, "version": stale}, follow=True
    ).content.decode()
    assert "changed since you opened the page" in page
    one.pool.cutoff = timezone.now() - datetime.timedelta(minutes=1)
    one.pool.save()
    assert "cut-off has passed" in hand(client, url, one, bo.pk)
    one.refresh_from_db()
    assert one.holder_id == ana.pk
    assert "can no longer be handed on" in client.get(url).content.decode()
    assert "Choose a pass" in client.post(url, {"pass": "x"}, follow=True).content.decode()


def test_another_delegations_ids_answer_like_an_unknown_link() -> None:
    venue = make_venue()
    url, (_ana, _bo), one = delegation(venue, "Ruritania")
    other_url, (eve, _fay), theirs = delegation(venue, "Borduria")
    client = Client()
    # Borduria's link with Ruritania's pass, and Ruritania's pass given to Borduria's member.
    assert (
        client.post(other_url, {"pass": one.pk, "holder": eve.pk, "version": ""}).status_code == 404
    )
    assert client.post(url, {"pass": one.pk, "holder": eve.pk, "version": ""}).status_code == 404
    page = client.get(other_url).content.decode()
    assert "Ruritania" not in page
    assert not SecondaryPass.objects.exclude(holder=None).exists()
    assert theirs.pool.reply != one.pool.reply
    assert client.get("/reply/forged-token-nobody-has-it-0000/passes/").status_code == 404
