"""Forms that say what they need, on a phone, in headless Chromium: a focal point submits
too early, lands on the error summary (first on the screen, focused, the title saying
"Error:"), then holds four seats without names and reads the summary of the reply; a staff
member chooses their time zone and reads the reply's times in it, labelled."""

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from summitdesk.core.enums import Role
from summitdesk.core.models import User
from summitdesk.meetings.models import Meeting
from tests.conftest import PHONE, WatchedBrowser
from tests.delegations.builders import summit
from tests.factories import PASSWORD, UserFactory
from tests.portal.conftest import Invited, invited

pytestmark = pytest.mark.django_db(transaction=True)

#: Files for people to look at.
SHOTS = Path("/tmp/summitdesk-forms")  # noqa: S108
ERROR_SHOT = SHOTS / "forms-reply-error.png"
SUBMITTED_SHOT = SHOTS / "forms-reply-submitted.png"
STAFF_SHOT = SHOTS / "forms-staff-times.png"


@pytest.fixture
def meeting(db: None) -> Meeting:
    return summit()


@pytest.fixture
def acme(meeting: Meeting) -> Invited:
    return invited(meeting, "Acme Telecom", ceo=("Amina", "Diallo"))


@pytest.fixture
def officer(db: None) -> User:
    return UserFactory(username="omar", role=Role.REGISTRATION_OFFICER)


@pytest.fixture
def page(acme: Invited, officer: User, browser: WatchedBrowser) -> Page:
    # The data is made before the browser starts (the fixtures above).
    context = browser.new_context(locale="en-GB", viewport=PHONE, is_mobile=True, has_touch=True)
    return context.new_page()


def shoot(page: Page, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(path), full_page=False)


def test_failed_reply_shows_its_errors_first_then_seats_are_held_without_names(
    acme: Invited, officer: User, page: Page
) -> None:
    page.goto(acme.url)
    expect(page).to_have_title("Reply of Acme Telecom")
    # What a submission needs is marked.
    expect(page.get_by_label("Estimated number of participants")).to_have_attribute(
        "aria-required", "true"
    )
    expect(page.locator("#field-attending legend")).to_have_text(
        "Will your organisation attend? (required)"
    )

    page.get_by_label("Yes, we will attend").check()
    page.get_by_role("button", name="Submit reply").click()

    summary = page.locator("#error-summary")
    expect(page).to_have_title("Error: Reply of Acme Telecom")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Estimate the number of participants.")
    expect(summary).to_contain_text("Name the designated focal point.")
    expect(summary).not_to_contain_text("head of delegation")
    # First on the screen: at the top of the viewport, above the page's heading.
    box = summary.bounding_box()
    heading = page.get_by_role("heading", level=1).bounding_box()
    assert box is not None and heading is not None
    assert box["y"] < 60
    assert box["y"] < heading["y"]
    shoot(page, ERROR_SHOT)

    focal_point = page.get_by_role("region", name="Designated focal point")
    focal_point.get_by_label("Given name").fill("Jane")
    focal_point.get_by_label("Family name").fill("Doe")
    focal_point.get_by_label("Email").fill("jane.doe@acme.example.org")
    page.get_by_label("Estimated number of participants").fill("4")
    page.get_by_role("button", name="Submit reply").click()

    expect(page).to_have_title("Reply of Acme Telecom")
    expect(page.locator(".messages")).to_contain_text("Thank you: your reply is submitted.")
    expect(page.locator("#reply-summary")).to_contain_text(
        "No names yet: 4 seats are held. Add the names with the same link when you know them."
    )
    expect(page.locator("#reply-form")).to_have_count(0)
    expect(page.locator("#reply-state")).to_have_text("Submitted")
    page.locator("#reply-summary").scroll_into_view_if_needed()
    shoot(page, SUBMITTED_SHOT)

    # The form is one tap away.
    page.get_by_role("link", name="Change the reply").click()
    expect(page.locator("#reply-form")).to_be_visible()

    # A staff member in Tokyo reads the reply's times in their own zone, which is named.
    page.goto("/sign-in/")
    page.get_by_label("Username").fill(officer.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto("/account/settings/")
    page.get_by_label("Time zone of the times shown").select_option("Asia/Tokyo")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".messages")).to_contain_text("Your settings are saved.")
    page.goto(f"/organisations/{acme.organisation.pk}/replies/geneva-2003/")
    facts = page.locator("dl.facts").first
    expect(facts).to_contain_text("(Asia/Tokyo)")
    facts.get_by_text("First submitted").scroll_into_view_if_needed()
    shoot(page, STAFF_SHOT)
