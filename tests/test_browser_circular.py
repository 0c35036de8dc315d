"""An officer's circular, from draft to dispatched, in headless Chromium with a real worker.

The worker is `summitdesk worker` in its own process, against this test's database and with
the local mailbox as mail backend: the letters are rendered and "sent" as in the demo while
the progress page follows them.
"""

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import Page, expect

from summitdesk.core.enums import Role
from summitdesk.directory.enums import Category, StakeholderGroup
from summitdesk.meetings.models import Meeting
from tests.conftest import WatchedBrowser
from tests.factories import (
    PASSWORD,
    MeetingFactory,
    OrganisationFactory,
    PositionFactory,
    UserFactory,
)

# Files for people to look at.
CIRCULAR_SCREENSHOT = Path("/tmp/summitdesk-circular.png")  # noqa: S108
PROGRESS_SCREENSHOT = Path("/tmp/summitdesk-progress.png")  # noqa: S108
#: The worker's first letter loads the fonts: allow for it on a slow machine, and for the
#: suite's other processes sharing its two cores (seen: 90 s were not always enough).
SENDING_TIMEOUT = 240_000

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def geneva(db: None) -> Meeting:
    """An officer, a meeting and four organisations: three Sector Members (one without any
    email address) and a civil society one."""
    UserFactory(
        username="omar", first_name="Omar", last_name="Officer", role=Role.REGISTRATION_OFFICER
    )
    meeting = MeetingFactory(
        code="geneva-2003",
        title="World Summit on the Information Society, first phase",
        time_zone="Europe/Zurich",
    )
    OrganisationFactory(name="Acme Telecom", email="info@acme.example.org")
    PositionFactory(
        organisation=OrganisationFactory(name="Ростелеком", country="RU", language="ru"),
        person__email="ceo@rt.example.org",
    )
    OrganisationFactory(name="Delta Cables")
    OrganisationFactory(
        name="Civil Voices",
        category=Category.CIVIL_SOCIETY,
        stakeholder_group=StakeholderGroup.CIVIL_SOCIETY,
        email="civil@example.org",
    )
    return meeting


def database_url() -> str:
    """The URL of this test's database, for a process of its own."""
    database = settings.DATABASES["default"]
    if database["ENGINE"] == "django.db.backends.sqlite3":
        return f"sqlite:///{database['NAME']}"
    user = database.get("USER") or ""
    password = database.get("PASSWORD") or ""
    credentials = f"{user}:{password}@" if password else f"{user}@" if user else ""
    host = database.get("HOST") or "127.0.0.1"
    port = database.get("PORT") or 5432
    return f"postgres://{credentials}{host}:{port}/{database['NAME']}"


@pytest.fixture
def worker(geneva: Meeting, tmp_path: Path) -> Iterator[subprocess.Popen[bytes]]:
    """`summitdesk worker` against the test database, mail kept in the local mailbox."""
    environment = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "EMAIL_HOST": "",  # the local mailbox, not SMTP
        "SUMMITDESK_VAR_DIR": str(tmp_path / "var"),  # its letters, away from the project's
    }
    # This interpreter and the project's own CLI.
    log = tmp_path / "worker.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "summitdesk.cli",
                "worker",
                "--interval",
                "0.5",
                "--skip-checks",
            ],
            env=environment,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
        yield process
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
    # Shown by pytest when the test failed: what the worker said.
    print(log.read_text(errors="replace"))


@pytest.fixture
def page(geneva: Meeting, browser: WatchedBrowser) -> Page:
    # The data is made before the browser starts: Playwright's sync API runs an event loop
    # in this thread, where Django refuses database queries (see tests/test_browser.py).
    return browser.new_context(locale="en-GB").new_page()


def sign_in(page: Page) -> None:
    page.goto("/")
    page.get_by_label("Username").fill("omar")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Overview")).to_be_visible()


def draft_circular(page: Page, meeting: Meeting) -> None:
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Circulars").click()
    page.get_by_role("link", name="New circular").click()
    page.get_by_label("Reference").fill("DM-1048")
    page.get_by_label("Date of the letter").fill("2003-07-09")
    page.get_by_label("Meeting").select_option(
        label=f"{meeting.title} ({meeting.code}, {meeting.time_zone})"
    )
    page.get_by_label("Letterhead:", exact=True).fill(
        "International Telecommunication Union\nPlace des Nations\nCH-1211 Geneva 20, Switzerland"
    )
    page.get_by_role("textbox", name="Addressees:", exact=True).fill(
        "CEOs of ITU Sector Members and Accredited Business Sector Entities"
    )
    # By accessible name: a required field's visible "(required)" is not part of it.
    page.get_by_role("textbox", name="Contact:", exact=True).fill("WSIS Executive Secretariat")
    page.get_by_label("E-mail:", exact=True).fill("wsis-contact@example.org")
    page.get_by_role("textbox", name="Signatory:", exact=True).fill("Yoshio UTSUMI")
    page.get_by_role("textbox", name="Signatory's titles:", exact=True).fill(
        "Secretary-General, International Telecommunication Union (ITU)\n"
        "Chairman, High-Level Summit Organizing Committee (HLSOC)"
    )
    page.get_by_label("Reply form").check()
    page.get_by_label("Information pack").check()
    page.get_by_label("Reply deadline: date").fill("2003-09-12")
    page.get_by_label("Reply deadline: time").fill("18:00")
    page.get_by_label("Subject (English)").fill(
        "World Summit on the Information Society (WSIS)\nGeneva, Switzerland, 10-12 December 2003"
    )
    page.get_by_label("Body (English)").fill(
        "The first phase of the World Summit on the Information Society will take place in "
        "Geneva from 10-12 December 2003.\n\nWe invite {{ organisation }} to be represented "
        "at the highest level."
    )
    page.get_by_role("button", name="Save the draft").click()
    expect(page.locator(".messages")).to_have_text("Circular created. Now choose who receives it.")


def test_officer_drafts_and_dispatches_a_circular_and_follows_it_to_the_end(
    geneva: Meeting, worker: subprocess.Popen[bytes], page: Page
) -> None:
    sign_in(page)
    draft_circular(page, geneva)

    page.get_by_label("Sector Member").check()
    page.get_by_role("button", name="Save the audience").click()
    expect(page.locator(".messages")).to_have_text("Audience saved.")
    expect(page.locator("p.summary")).to_have_text(
        "This will go to 3 organisations, 1 of which has no email address "
        "(it will get it by post or fax)."
    )

    page.get_by_role("link", name="Back to the circular").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("DM-1048")
    to_check = page.get_by_role("region", name="To check before dispatch")
    expect(to_check).to_contain_text(
        "1 organisation has no email and no postal address: its letter can only be faxed, "
        "or not sent at all."
    )
    expect(page.get_by_text("Ready to dispatch: no problem found.")).to_have_count(0)
    expect(page.locator("dl.facts").first).to_contain_text(
        "12 September 2003, 18:00 (Europe/Zurich)"
    )
    page.screenshot(path=str(CIRCULAR_SCREENSHOT), full_page=True)

    page.get_by_role("link", name="Preview as an organisation").click()
    page.get_by_role("link", name="Preview for Acme Telecom").click()
    expect(page.locator("pre.email-text")).to_contain_text(
        "We invite Acme Telecom to be represented at the highest level."
    )
    page.get_by_role("link", name="Back to the circular").click()
    page.get_by_role("link", name="Dispatch…").click()
    expect(page.get_by_text("Send DM-1048 to 3 organisations?")).to_be_visible()
    expect(page.get_by_text("2 by email now, 1 without email to post or fax.")).to_be_visible()
    page.get_by_role("button", name="Send DM-1048").click()  # the browser asks for the tick
    expect(page.get_by_role("heading", level=1)).to_have_text("Dispatch DM-1048")
    page.get_by_label("I have checked these points and want to send as it is.").check()
    page.get_by_role("button", name="Send DM-1048").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("DM-1048: Letter mailing")
    bar = page.locator("progress#mailing-bar")
    expect(bar).to_have_attribute("max", "3")
    expect(page.get_by_text("Done: every letter has been handled.")).to_be_visible(
        timeout=SENDING_TIMEOUT
    )
    expect(bar).to_have_attribute("value", "3")
    assert bar.evaluate("bar => [bar.value, bar.max]") == [3, 3]
    expect(page.locator('[data-count="sent"]')).to_have_text("2")
    expect(page.locator('[data-count="no_address"]')).to_have_text("1")
    expect(page.get_by_role("region", name="Without email: by post or fax")).to_contain_text(
        "Delta Cables"
    )
    page.screenshot(path=str(PROGRESS_SCREENSHOT), full_page=True)

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Mailbox").click()
    expect(page.get_by_text("2 messages", exact=True)).to_be_visible()
