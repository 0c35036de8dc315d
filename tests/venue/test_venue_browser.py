"""The venue in headless Chromium: the focal point hands a secondary pass on from a phone,
and the plenary gate (the check-in desk page) admits and refuses by zone and date."""

import datetime
from dataclasses import dataclass

import pytest
from playwright.sync_api import Page, expect

from summitdesk.accreditation.models import Accreditation
from summitdesk.core.enums import Role
from summitdesk.correspondence import reply_links
from summitdesk.venue import passes, validity
from summitdesk.venue.models import SecondaryPass
from tests.accreditation.builders import code_of, make_accreditation
from tests.conftest import PHONE, WatchedBrowser, in_thread
from tests.factories import PASSWORD, UserFactory
from tests.venue.builders import STAFF, make_venue, press_accreditation

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@dataclass
class World:
    passes_url: str
    ana: Accreditation
    bo: Accreditation
    press: Accreditation
    later: Accreditation


@pytest.fixture
def world(db: None) -> World:
    venue = make_venue()
    ana = make_accreditation(venue.meeting, given="Ana", family="Ruritan", organisation="Ruritania")
    bo = make_accreditation(venue.meeting, given="Bo", family="Ruritan", organisation="Ruri 2")
    bo.delegate.reply = ana.delegate.reply
    bo.delegate.save(update_fields=["reply"])
    reply = ana.delegate.reply
    pool = passes.create_pool(reply, venue.high_level, size=2, session="Opening", actor=STAFF)
    one = pool.passes.get(number=1)
    SecondaryPass.objects.filter(pk=one.pk).update(holder=ana)
    _link, token = reply_links.issue(reply.organisation, venue.meeting)
    press = press_accreditation(venue.meeting, given="Lois", family="Lane")
    later = make_accreditation(venue.meeting, given="Carl", family="Later", organisation="Late")
    today = datetime.date.today()
    validity.set_validity(
        later,
        valid_from=today + datetime.timedelta(days=1),
        valid_until=today + datetime.timedelta(days=1),
        zones=[venue.plenary],
        actor=STAFF,
    )
    UserFactory(username="door", role=Role.CHECKIN_DESK)
    return World(f"/reply/{token}/passes/", ana, bo, press, later)


def test_focal_point_hands_a_pass_on_from_a_phone(world: World, browser: WatchedBrowser) -> None:
    context = browser.new_context(locale="en-GB", viewport=PHONE, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.goto(world.passes_url)
    expect(page.get_by_role("heading", name="Secondary passes")).to_be_visible()
    expect(page.get_by_label("Pass 1", exact=True)).to_have_value(str(world.ana.pk))

    page.get_by_label("Pass 1", exact=True).select_option(label="Bo Ruritan")
    page.get_by_role("button", name="Save pass 1").click()

    expect(page.get_by_text("Pass 1 is now Bo Ruritan's.")).to_be_visible()
    expect(page.get_by_label("Pass 1", exact=True)).to_have_value(str(world.bo.pk))
    # Nothing wider than the phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert in_thread(lambda: SecondaryPass.objects.get(number=1).holder_id) == world.bo.pk


def test_plenary_gate_admits_and_refuses_by_zone_and_date(
    world: World, browser: WatchedBrowser
) -> None:
    page: Page = browser.new_context(locale="en-GB").new_page()
    page.goto("/")
    page.get_by_label("Username").fill("door")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator("form.signout")).to_be_attached()
    page.goto("/meetings/prepcom-3/check-in/")
    page.get_by_label("This desk").fill("Plenary gate")
    page.get_by_role("button", name="Name the desk").click()
    expect(page.get_by_text("This desk lets people into: Plenary")).to_be_visible()

    def scan(code: str) -> None:
        expect(page.get_by_label("Scan a badge")).to_be_focused()
        page.keyboard.type(code)
        page.keyboard.press("Enter")

    scan(code_of(world.ana))
    expect(page.get_by_role("heading", name="Admitted: Plenary")).to_be_visible()
    expect(page.locator(".checkin-name")).to_have_text("Ana Ruritan")

    scan(code_of(world.press))
    expect(page.get_by_role("heading", name="Refused")).to_be_visible()
    expect(page.locator(".checkin-reason")).to_have_text(
        "Refused: not valid for this zone (Plenary)."
    )
    expect(page.locator(".checkin-told")).to_contain_text("Plénière")

    scan(code_of(world.later))
    expect(page.get_by_role("heading", name="Refused")).to_be_visible()
    expect(page.locator(".checkin-reason")).to_contain_text("not valid today")
