"""A person asks to join a delegation on a phone, in headless Chromium: finds the
organisation on the meeting's public page, gives their details, confirms their email
address with the link the test SMTP server received, and the focal point accepts the
request in the portal: the person is a delegate with an accreditation."""

import re

import pytest
from django.test import Client
from playwright.sync_api import Page, expect

from summitdesk.accreditation.models import Accreditation
from summitdesk.meetings.models import Meeting
from tests.conftest import PHONE, Sink, WatchedBrowser, in_thread
from tests.delegations.builders import summit
from tests.portal.conftest import JANE, Invited, invited, posted
from tests.tasks import run_queued_tasks

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def meeting(db: None) -> Meeting:
    return summit()


@pytest.fixture
def acme(meeting: Meeting) -> Invited:
    """Acme has replied, with a focal point and a delegation of two."""
    organisation = invited(meeting, "Acme Telecom", ceo=("Amina", "Diallo"))
    response = Client().post(
        organisation.url,
        posted(
            action="submit",
            estimate=2,
            focal_point={**JANE, "email": "jane@acme.example.org"},
            members=[("Amina", "Diallo", "CEO"), ("Bruno", "Costa", "Adviser")],
        ),
    )
    assert response.status_code == 302
    return organisation


@pytest.fixture
def page(acme: Invited, browser: WatchedBrowser) -> Page:
    context = browser.new_context(locale="en-GB", viewport=PHONE, is_mobile=True, has_touch=True)
    return context.new_page()


def test_a_person_asks_to_join_on_a_phone_and_the_focal_point_accepts(
    acme: Invited, meeting: Meeting, smtp: Sink, page: Page
) -> None:
    in_thread(run_queued_tasks)  # the reply's own emails
    smtp.received.clear()
    page.goto(f"/join/{meeting.code}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Ask to join a delegation")
    page.get_by_label("Name of the organisation").fill("Acme Telecom")
    page.get_by_role("button", name="Search").click()
    page.get_by_role("link", name="Ask to join").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("Acme Telecom")
    page.get_by_label("Given name").fill("Paula")
    page.get_by_label("Family name").fill("Joiner")
    page.get_by_label("Function").fill("Adviser")
    page.get_by_label("Email").fill("paula@example.net")
    page.get_by_label("Nationality").select_option("CH")
    page.get_by_label("Affiliation").fill("University of Geneva")
    page.get_by_label("Relationship to the organisation").select_option("consultant")
    page.get_by_role("button", name="Send my request").click()
    expect(page.get_by_role("status")).to_contain_text("We sent a link to paula@example.net")

    in_thread(run_queued_tasks)
    [email] = [r for r in smtp.received if "paula@example.net" in r.rcpt_tos]
    body = email.message.get_body(preferencelist=("plain",))
    assert body is not None
    match = re.search(r"https?://[^/\s]+(/join/confirm/[A-Za-z0-9_-]+/)", body.get_content())
    assert match is not None
    page.goto(match.group(1))
    page.get_by_role("button", name="Yes, send my request").click()
    expect(page.get_by_role("status")).to_contain_text("Your email address is confirmed")

    # The focal point opens the portal and accepts.
    page.goto(acme.url)
    page.locator("#join-requests-link").click()
    expect(page.locator("#join-request-1, article.join-request")).to_contain_text(
        "University of Geneva"
    )
    page.get_by_role("button", name="Accept Paula Joiner").click()
    expect(page.locator(".messages")).to_contain_text(
        "Paula Joiner is now a member of your delegation."
    )

    def accredited() -> list[str]:
        return list(
            Accreditation.objects.filter(delegate__family_name="Joiner").values_list(
                "status", flat=True
            )
        )

    assert in_thread(accredited) == ["pending"]
