"""A chief executive's assistant answers the letter on a phone, in headless Chromium: opens
the reply link, attends, names the focal point and a delegation of ten, saves a draft; the
focal point comes back with their own link (from the email the test SMTP server received),
adds a name, submits, and the confirmation arrives. And an organisation that declines."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from summitdesk.meetings.models import Meeting
from tests.conftest import PHONE, Sink, WatchedBrowser, in_thread
from tests.delegations.builders import summit
from tests.portal.conftest import Invited, invited
from tests.tasks import run_queued_tasks

# Files for people to look at.
REPLY_SCREENSHOT = Path("/tmp/summitdesk-portal.png")  # noqa: S108
ARABIC_SCREENSHOT = Path("/tmp/summitdesk-portal-ar.png")  # noqa: S108

TEN = [
    ("Amina", "Diallo", "Chief Executive Officer"),
    ("Bruno", "Costa", "Senior Vice-President"),
    ("Carla", "Moreau", "Senior Vice-President, Regulation"),
    ("Dmitri", "Volkov", "Adviser"),
    ("Elena", "Petrova", "Adviser"),
    ("Farid", "Haddad", "Adviser"),
    ("Grace", "Mensah", "Adviser"),
    ("Hiroshi", "Tanaka", "Adviser"),
    ("Ingrid", "Larsen", "Adviser"),
    ("Jorge", "Ruiz", "Adviser"),
]

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def meeting(db: None) -> Meeting:
    return summit()


@pytest.fixture
def acme(meeting: Meeting) -> Invited:
    return invited(meeting, "Acme Telecom", ceo=("Amina", "Diallo"))


@pytest.fixture
def borealis(meeting: Meeting) -> Invited:
    return invited(meeting, "Borealis Networks", ceo=("Bjorn", "Berg"))


@pytest.fixture
def page(acme: Invited, borealis: Invited, browser: WatchedBrowser) -> Page:
    # The data is made before the browser starts (the fixtures above).
    context = browser.new_context(locale="en-GB", viewport=PHONE, is_mobile=True, has_touch=True)
    return context.new_page()


def fill_member(page: Page, number: int, given: str, family: str, function: str) -> None:
    row = page.get_by_role("group", name=f"Member {number}", exact=True)
    row.get_by_label("Given name").fill(given)
    row.get_by_label("Family name").fill(family)
    row.get_by_label("Function").fill(function)


def link_in(sink: Sink, address: str) -> str:
    """The reply link's path in the email `address` received."""
    [received] = [r for r in sink.received if address in r.rcpt_tos]
    body = received.message.get_body(preferencelist=("plain",))
    assert body is not None
    match = re.search(r"https?://[^/\s]+(/reply/[A-Za-z0-9_-]+/)", body.get_content())
    assert match is not None
    return match.group(1)


def test_assistant_drafts_on_a_phone_and_the_focal_point_submits_from_their_own_link(
    acme: Invited,
    smtp: Sink,
    page: Page,
) -> None:
    page.goto(acme.url)
    expect(page.get_by_role("heading", level=1)).to_have_text("Acme Telecom")
    # Opening the link changes nothing (mail scanners fetch links too); the first
    # interaction with the form tells the server, with a POST carrying the CSRF token.
    expect(page.locator("#reply-state")).to_have_text("Not opened")
    assert in_thread(lambda: acme.reply.state) == "not_opened"

    with page.expect_response(lambda response: response.url.endswith("/opened/")) as told:
        page.get_by_label("Yes, we will attend").check()
    assert told.value.status == 204
    assert in_thread(lambda: acme.reply.state) == "opened"
    focal_point = page.get_by_role("region", name="Designated focal point")
    focal_point.get_by_label("Title").fill("Ms")
    focal_point.get_by_label("Given name").fill("Jane")
    focal_point.get_by_label("Family name").fill("Doe")
    focal_point.get_by_label("Function").fill("Head of external relations")
    focal_point.get_by_label("Email").fill("jane.doe@acme.example.org")
    focal_point.get_by_label("Phone").fill("+41 22 730 51 11")
    page.get_by_label("Estimated number of participants").fill("10")
    for _added in range(7):
        page.get_by_role("button", name="Add more rows").click()
    expect(page.locator("fieldset.member")).to_have_count(10)
    for number, (given, family, function) in enumerate(TEN, start=1):
        fill_member(page, number, given, family, function)
    first = page.get_by_role("group", name="Member 1", exact=True)
    first.get_by_label("Head of delegation").check()
    first.get_by_label("Protocol level").select_option("chief_executive")
    first.get_by_label("May appear on the published List of Participants").check()
    page.get_by_role("button", name="Save draft").click()

    expect(page.locator(".messages")).to_contain_text(
        "Your draft is saved. Come back with the same link to complete it."
    )
    expect(page.locator("#reply-state")).to_have_text("Draft")

    # The focal point's own link, issued by the queued task and emailed.
    assert in_thread(run_queued_tasks) == 1
    own_link = link_in(smtp, "jane.doe@acme.example.org")
    assert own_link != acme.url

    page.goto(own_link)
    expect(page.locator("dl.facts")).to_contain_text("Ms Jane Doe")
    expect(page.locator("fieldset.member")).to_have_count(13)
    fill_member(page, 11, "Kofi", "Boateng", "Adviser")
    page.get_by_role("button", name="Submit reply").click()

    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("The estimate (10) is lower than the 11 people named.")
    page.get_by_label("Estimated number of participants").fill("11")
    page.get_by_role("button", name="Submit reply").click()

    expect(page.locator(".messages")).to_contain_text(
        "Thank you: your reply is submitted. A confirmation is on its way by email."
    )
    expect(page.locator("#reply-state")).to_have_text("Submitted")
    page.screenshot(path=str(REPLY_SCREENSHOT), full_page=False)

    assert in_thread(run_queued_tasks) == 1
    [confirmation] = [r for r in smtp.received if "Reply received" in r.message["Subject"]]
    assert confirmation.rcpt_tos == ["jane.doe@acme.example.org", "ceo@acme.example.org"]
    assert confirmation.message["Subject"] == (
        "Reply received: Acme Telecom, World Summit on the Information Society, first phase"
    )
    [attachment] = list(confirmation.message.iter_attachments())
    assert attachment.get_content_type() == "application/pdf"

    page.goto(own_link + "?lang=ar")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    page.screenshot(path=str(ARABIC_SCREENSHOT), full_page=False)


def test_organisation_declines_with_a_reason_on_a_phone(
    borealis: Invited,
    smtp: Sink,
    page: Page,
) -> None:
    page.goto(borealis.url)
    reason = page.get_by_label("Reason for declining (optional)")
    expect(reason).to_be_hidden()

    page.get_by_label("No, we cannot attend").check()
    expect(reason).to_be_visible()
    expect(page.get_by_role("region", name="Delegation")).to_be_hidden()
    reason.fill("Our board meets that week.")
    page.get_by_role("button", name="Submit reply").click()

    expect(page.locator(".messages")).to_contain_text(
        "Your answer is recorded: your organisation declines."
    )
    expect(page.locator("#reply-state")).to_have_text("Declined")
    assert in_thread(run_queued_tasks) == 1
    [confirmation] = smtp.received
    assert confirmation.rcpt_tos == ["ceo@borealis.example.org"]
