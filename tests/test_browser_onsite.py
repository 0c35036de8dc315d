"""The on-site desks in headless Chromium: the Nigerian delegation's focal point books a
pickup slot on a phone; a walk-in gets a badge at the registration desk, photographed with
the desk's camera (Chromium's fake one) in four screens."""

import io
from pathlib import Path

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader
from pytest_django import Settings

from summitdesk.accreditation import services as accreditation_services
from summitdesk.accreditation.enums import AccreditationStatus
from summitdesk.core.enums import Role
from summitdesk.meetings.models import Meeting
from summitdesk.onsite.models import PickupBooking, WalkIn
from tests.accreditation.builders import STAFF, accreditations, members, submitted_reply
from tests.conftest import CHROMIUM_ARGS, PHONE, WatchedBrowser, in_thread
from tests.delegations.builders import summit
from tests.factories import PASSWORD, UserFactory
from tests.onsite.builders import camera_jpeg, first_day_slots
from tests.portal.conftest import Invited, invited

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def meeting(db: None, settings: Settings, tmp_path: Path) -> Meeting:
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "files"},
        },
    }
    return summit(time_zone="Africa/Lagos")


@pytest.fixture
def nigeria(meeting: Meeting) -> Invited:
    found = invited(meeting, "Nigeria", ceo=("Bola", "Adeyemi"))
    submitted_reply(found.organisation, meeting, members(14, prefix="Nigeria"))
    for accreditation in accreditations(found.reply):
        accreditation_services.transition(accreditation, AccreditationStatus.APPROVED, actor=STAFF)
    first_day_slots(meeting, capacity=4)
    UserFactory(username="desk", role=Role.BADGE_DESK)
    return found


@pytest.fixture
def chromium_args(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    """The desk camera: Chromium's fake device playing frames of a camera picture from a
    file (its built-in pattern may give no frame on a busy machine)."""
    camera = tmp_path_factory.mktemp("camera") / "desk.mjpeg"
    camera.write_bytes(camera_jpeg(640, 480) * 10)
    return [
        *CHROMIUM_ARGS,
        "--use-fake-ui-for-media-stream",
        "--use-fake-device-for-media-stream",
        f"--use-file-for-fake-video-capture={camera}",
    ]


def test_focal_point_books_a_pickup_slot_on_a_phone(
    nigeria: Invited, browser: WatchedBrowser
) -> None:
    page = browser.new_context(
        locale="en-GB", viewport=PHONE, is_mobile=True, has_touch=True
    ).new_page()

    page.goto(nigeria.url)
    page.get_by_role("link", name="Badge pickup").click()
    expect(page.locator("#pickup-badges")).to_have_text("14 badges are ready for your delegation.")
    page.get_by_label("08:30").check()
    page.get_by_role("button", name="Book this time").click()

    expect(page.get_by_text("Your pickup slot is booked.")).to_be_visible()
    expect(page.locator("#pickup-booked")).to_contain_text("08:30")
    booked = in_thread(
        lambda: list(PickupBooking.objects.values_list("reply__organisation__name", flat=True))
    )
    assert booked == ["Nigeria"]


def test_walk_in_gets_a_badge_with_the_desk_camera(
    meeting: Meeting, nigeria: Invited, browser: WatchedBrowser
) -> None:
    context = browser.new_context(locale="en-GB")
    context.grant_permissions(["camera"])
    page = context.new_page()
    page.goto("/")
    page.get_by_label("Username").fill("desk")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator("form.signout")).to_be_attached()
    code = meeting.code

    # 1. Register, on the focal point's letter.
    page.goto(f"/meetings/{code}/walk-ins/new/")
    page.get_by_label("Organisation").select_option(label="Nigeria")
    page.get_by_label("Given name").fill("Chidi")
    page.get_by_label("Family name").fill("Eze")
    page.get_by_label("The focal point's letter").check()
    page.get_by_role("button", name="Register and take the photo").click()
    # 2. The desk camera, once its picture shows.
    expect(page.get_by_role("heading", name="Photo of Chidi Eze")).to_be_visible()
    page.wait_for_function("() => document.getElementById('walk-in-video').videoWidth > 0")
    page.get_by_role("button", name="Take the photo").click()
    # 3. Approve and print (the photo is checked and cropped first: slower on a busy machine).
    expect(page.get_by_role("heading", name="Approve Chidi Eze")).to_be_visible(timeout=20_000)
    page.get_by_role("button", name="Approve and print the badge").click()
    # 4. The badge.
    expect(page.locator("#walk-in-done")).to_contain_text("Chidi Eze is approved: badge")
    href = page.locator("#walk-in-badge").get_attribute("href")
    assert href is not None
    pdf = page.request.get(href)

    assert pdf.headers["content-type"] == "application/pdf"
    assert "Eze" in PdfReader(io.BytesIO(pdf.body())).pages[0].extract_text()
    walk_in = in_thread(lambda: WalkIn.objects.select_related("accreditation").get())
    assert walk_in.accreditation.photo
    assert walk_in.accreditation.status == AccreditationStatus.APPROVED
