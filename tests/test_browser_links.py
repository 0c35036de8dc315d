"""Each role lands on its desk after signing in, and the refusal and not-found pages show
the application's frame with a way back, in headless Chromium."""

import datetime
import os
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from summitdesk.core.enums import Role
from tests.conftest import WatchedBrowser
from tests.factories import PASSWORD, MeetingFactory, UserFactory

#: Where the journey leaves screenshots for people to look at.
SHOTS = Path(os.environ.get("SUMMITDESK_SCREENSHOTS", "/tmp/summitdesk-links"))  # noqa: S108

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LANDINGS = [
    (Role.ADMINISTRATOR, "/", "Overview"),
    (Role.REGISTRATION_OFFICER, "/", "Overview"),
    (Role.BADGE_DESK, "/badges/", "Badges"),
    (Role.CHECKIN_DESK, "/meetings/summit/check-in/", "Check-in: World Summit"),
    (Role.COMMUNICATIONS, "/reports/", "Participation reports"),
    (Role.VIEWER, "/", "Overview"),
]


@pytest.fixture
def staff(db: None) -> None:
    today = timezone.localdate()
    MeetingFactory(
        code="summit",
        title="World Summit",
        start_date=today,
        end_date=today + datetime.timedelta(2),
    )
    MeetingFactory(
        code="prepcom",
        title="PrepCom",
        start_date=today + datetime.timedelta(40),
        end_date=today + datetime.timedelta(42),
    )
    for role, _url, _heading in LANDINGS:
        UserFactory(username=role.value, role=role)


def sign_in(page: Page, username: str) -> None:
    page.goto("/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def shot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"links-{name}.png"), full_page=True)


def test_each_role_lands_on_its_desk(staff: None, browser: WatchedBrowser) -> None:
    for role, url, heading in LANDINGS:
        page = browser.new_context(locale="en-GB").new_page()

        sign_in(page, role.value)

        expect(page.get_by_role("heading", level=1, name=heading)).to_be_visible()
        assert page.url.endswith(url), (role, page.url)
        shot(page, f"landing-{role.value}")
        page.context.close()


def test_refusal_and_missing_pages_show_the_frame_and_a_way_back(
    staff: None, browser: WatchedBrowser
) -> None:
    page = browser.new_context(locale="en-GB").new_page()
    sign_in(page, Role.VIEWER.value)

    refused = page.goto("/staff/")

    assert refused is not None and refused.status == 403
    expect(page.get_by_role("heading", level=1, name="Not allowed")).to_be_visible()
    expect(page.get_by_text("Your role, Viewer, does not allow this page.")).to_be_visible()
    # The staff frame: on a wide screen the menu is open.
    expect(
        page.get_by_role("navigation", name="Main").get_by_role("link", name="Directory")
    ).to_be_visible()
    shot(page, "403-viewer")

    missing = page.goto("/meetings/no-such-meeting/")

    assert missing is not None and missing.status == 404
    expect(page.get_by_role("heading", level=1, name="Page not found")).to_be_visible()
    shot(page, "404-staff")
    page.get_by_role("link", name="Back to your start page").click()
    expect(page.get_by_role("heading", level=1, name="Overview")).to_be_visible()

    visitor = browser.new_context(locale="en-GB").new_page()
    missing = visitor.goto("/reply/no-such-link/delegation/1/nowhere/")

    assert missing is not None and missing.status == 404
    expect(visitor.get_by_role("heading", level=1, name="Page not found")).to_be_visible()
    expect(visitor.get_by_role("navigation", name="Main")).to_have_count(0)
    expect(visitor.get_by_role("navigation", name="Language")).to_be_visible()
    shot(visitor, "404-visitor")
    visitor.get_by_role("link", name="Go to the home page").click()
    expect(visitor.get_by_role("heading", name="Sign in")).to_be_visible()
