"""The officer's lists in headless Chromium. The accreditation list: sorting by a column
from its heading (aria-sort follows), choosing the whole page from the heading's box, then
every matching accreditation across the pages from the banner, and approving them all as
a background task whose page shows the progress. The reply list: the same choice of every
matching organisation, reminded through a mailing whose page follows its preparation by a
background task, then the sending."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from summitdesk.accreditation.enums import AccreditationStatus as Status
from summitdesk.accreditation.models import Accreditation
from summitdesk.core.enums import Role
from summitdesk.correspondence.models import OutboundMessage
from summitdesk.delegations.enums import ReplyState
from summitdesk.directory.enums import Category
from tests.accreditation.builders import make_accreditations, meeting
from tests.conftest import WatchedBrowser, in_thread
from tests.delegations.conftest import invite, make_circular, reply
from tests.factories import PASSWORD, OrganisationFactory, UserFactory
from tests.tasks import run_queued_tasks

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOT = Path("/tmp/summitdesk-lists-select-all.png")  # noqa: S108 - a file for people to look at


@pytest.fixture
def thirty_pending(db: None) -> None:
    UserFactory(username="sara", role=Role.REGISTRATION_OFFICER)
    at = meeting()
    make_accreditations(
        at,
        [("Ann", f"Member {n:02d}") for n in range(30)],
        category=Category.SECTOR_MEMBER,
        organisation_name="Orange",
        status=Status.PENDING,
    )
    make_accreditations(
        at,
        [("Ben", "State")],
        category=Category.MEMBER_STATE,
        organisation_name="Ministry",
        status=Status.PENDING,
    )


def test_officer_sorts_then_approves_every_matching_accreditation(
    thirty_pending: None, browser: WatchedBrowser
) -> None:
    page = browser.new_context(locale="en-GB").new_page()
    page.goto("/")
    page.get_by_label("Username").fill("sara")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto("/meetings/geneva-2003/accreditations/?category=sector_member&per_page=25")

    # Sort by delegate, then the other way.
    organisation = page.get_by_role("columnheader", name="Organisation")
    expect(organisation).to_have_attribute("aria-sort", "ascending")
    page.get_by_role("link", name="Delegate (sort ascending)").click()
    delegate = page.get_by_role("columnheader", name="Delegate")
    expect(delegate).to_have_attribute("aria-sort", "ascending")
    expect(page.locator("tbody tr").first).to_contain_text("Ann Member 00")
    page.get_by_role("link", name="Delegate (sort descending)").click()
    expect(delegate).to_have_attribute("aria-sort", "descending")
    expect(organisation).not_to_have_attribute("aria-sort", "ascending")
    expect(page.locator("tbody tr").first).to_contain_text("Ann Member 29")
    expect(page.locator("tbody tr")).to_have_count(25)

    # The page, then every matching accreditation.
    banner = page.locator("[data-select-all-banner]")
    expect(banner).to_be_hidden()
    page.get_by_label("Choose every accreditation on this page").check()
    expect(banner).to_contain_text("All 25 accreditations on this page are selected.")
    page.get_by_label("Choose Ann Member 10").uncheck()
    expect(banner).to_be_hidden()
    page.get_by_label("Choose Ann Member 10").check()
    page.get_by_role("button", name="Select all 30 matching accreditations").click()
    expect(banner).to_contain_text("All 30 matching accreditations are selected, on every page.")
    page.screenshot(path=str(SCREENSHOT), full_page=True)
    page.get_by_role("button", name="Approve selected").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Approve 30 accreditations?")
    page.get_by_role("button", name="Approve 30").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Approving 30 accreditations to World Summit, first phase"
    )
    expect(page.get_by_role("status")).to_contain_text("Waiting for a worker to start")
    assert in_thread(run_queued_tasks) >= 1
    page.reload()
    expect(page.get_by_text("Done.")).to_be_visible()

    approved = in_thread(
        lambda: sorted(
            Accreditation.objects.filter(status=Status.APPROVED).values_list(
                "delegate__family_name", flat=True
            )
        )
    )
    assert approved == [f"Member {n:02d}" for n in range(30)]


@pytest.fixture
def thirty_invited(db: None) -> int:
    """Thirty sector members invited by DM-1048, four of them attending; and one academia."""
    UserFactory(username="sara", role=Role.REGISTRATION_OFFICER)
    at = meeting()
    circular = make_circular(at, "DM-1048")
    for n in range(30):
        organisation = OrganisationFactory(name=f"Sector {n:02d}", category=Category.SECTOR_MEMBER)
        invite(circular, organisation)
        if n < 4:
            reply(organisation, at, ReplyState.SUBMITTED, estimate=1)
    invite(circular, OrganisationFactory(name="University", category=Category.ACADEMIA))
    return int(circular.pk)


def test_officer_reminds_every_matching_organisation_of_the_reply_list(
    thirty_invited: int, browser: WatchedBrowser
) -> None:
    page = browser.new_context(locale="en-GB").new_page()
    page.goto("/")
    page.get_by_label("Username").fill("sara")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto(f"/circulars/{thirty_invited}/replies/?category=sector_member&per_page=25")

    banner = page.locator("[data-select-all-banner]")
    expect(banner).to_be_hidden()
    page.get_by_label("Choose every organisation on this page").check()
    expect(banner).to_contain_text("All 25 rows on this page are selected.")
    page.get_by_role("button", name="Select all 30 matching").click()
    expect(banner).to_contain_text("All 30 matching rows are selected, on every page.")
    page.get_by_role("button", name="Remind selected").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Remind 26 organisations?")
    page.get_by_role("button", name="Send 26 reminders").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("DM-1048: Reminder mailing")
    expect(page.get_by_text("Preparing the reminders: 0 of 26 written.")).to_be_visible()
    assert in_thread(run_queued_tasks) >= 1
    page.reload()
    expect(page.get_by_text("Preparing the reminders")).to_have_count(0)

    reminded = in_thread(
        lambda: sorted(OutboundMessage.objects.values_list("organisation__name", flat=True))
    )
    assert reminded == [f"Sector {n:02d}" for n in range(4, 30)]
