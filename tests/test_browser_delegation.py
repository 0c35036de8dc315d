"""A focal point manages the delegation's accreditations on a phone, in headless Chromium:
from the reply page to the delegation page, withdraws a delegate after the confirmation
step, and asks the secretariat for more delegates than the limit allows."""

from pathlib import Path

import pytest
from django.db.models import QuerySet
from playwright.sync_api import Page, expect

from summitdesk.accreditation import services
from summitdesk.accreditation.enums import AccreditationStatus as Status
from summitdesk.accreditation.models import Accreditation, DelegateLimit, LimitException
from summitdesk.directory.enums import Category
from summitdesk.meetings.models import Meeting
from tests.conftest import PHONE, WatchedBrowser, in_thread
from tests.delegations.builders import summit
from tests.portal.builders import STAFF, submit
from tests.portal.conftest import Invited, invited

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOT = Path("/tmp/summitdesk-portal-delegation.png")  # noqa: S108


@pytest.fixture
def meeting(db: None) -> Meeting:
    return summit()


@pytest.fixture
def acme(meeting: Meeting) -> Invited:
    """Acme's reply submitted with three delegates, two approved; Sector Members may have
    two approved at this meeting."""
    acme = invited(meeting, "Acme Telecom", ceo=("Amina", "Diallo"))
    submit(acme)
    for family_name in ("Acmeceo", "Müller"):
        accreditation = Accreditation.objects.get(delegate__family_name=family_name)
        services.transition(accreditation, Status.APPROVED, actor=STAFF)
    DelegateLimit.objects.create(meeting=meeting, category=Category.SECTOR_MEMBER, limit=2)
    return acme


@pytest.fixture
def page(acme: Invited, browser: WatchedBrowser) -> Page:
    context = browser.new_context(locale="en-GB", viewport=PHONE, is_mobile=True, has_touch=True)
    return context.new_page()


def statuses() -> list[tuple[str, str]]:
    rows: QuerySet[Accreditation, tuple[str, str]] = Accreditation.objects.order_by(
        "delegate__position"
    ).values_list("delegate__family_name", "status")
    return list(rows)


def test_focal_point_withdraws_a_delegate_and_asks_for_more_on_a_phone(
    acme: Invited, page: Page
) -> None:
    page.goto(acme.url)
    page.get_by_role("link", name="Manage the delegation's accreditations").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Your delegation")
    expect(page.locator("#limit-text")).to_contain_text(
        "2 delegates at most for a Sector Member; 3 named."
    )
    card = page.locator("article", has=page.get_by_role("heading", name="Bruno Müller"))
    expect(card).to_contain_text("Approved")
    card.get_by_role("link", name="Withdraw Bruno Müller").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Withdraw Bruno Müller?")
    page.get_by_label("Reason (optional)").fill("Cannot travel")
    page.get_by_role("button", name="Yes, withdraw Bruno Müller").click()

    expect(page.locator(".messages")).to_contain_text(
        "Bruno Müller is withdrawn from the delegation."
    )
    expect(page.get_by_role("region", name="No longer in the delegation")).to_contain_text(
        "Withdrawn"
    )

    page.get_by_text("Ask the secretariat for more delegates").click()
    page.get_by_label("Delegates wanted in all").fill("4")
    page.get_by_label("Why you need them").fill("Two ministers join the delegation")
    page.get_by_role("button", name="Send the request").click()

    expect(page.locator(".messages")).to_contain_text(
        "Your request is sent: the secretariat will decide on it."
    )
    expect(page.locator("#exception-status")).to_contain_text(
        "Your request for 4 delegates in all is waiting for the secretariat."
    )
    # Nothing wider than the phone's screen.
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"]
    page.screenshot(path=str(SCREENSHOT), full_page=True)

    assert in_thread(statuses) == [
        ("Acmeceo", Status.APPROVED),
        ("Müller", Status.WITHDRAWN),
        ("Senior", Status.PENDING),
    ]
    requests = in_thread(lambda: list(LimitException.objects.values_list("requested", "reason")))
    assert requests == [(4, "Two ministers join the delegation")]
