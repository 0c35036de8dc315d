"""The check-in desk and the photo page in headless Chromium: a USB scanner typing into the
focused field, the camera (a fake one showing a badge's QR code), and the crop frame."""

import io
from dataclasses import dataclass
from pathlib import Path

import pytest
from PIL import Image
from playwright.sync_api import ConsoleMessage, Page, expect
from pytest_django import Settings

from summitdesk.accreditation import photos
from summitdesk.accreditation.models import Accreditation
from summitdesk.core.audit import Actor
from summitdesk.core.enums import Role
from tests.accreditation.builders import code_of, make_accreditation, qr_png
from tests.conftest import CHROMIUM_ARGS, PHONE, WatchedBrowser
from tests.factories import PASSWORD, MeetingFactory, UserFactory

SCREENSHOT = Path("/tmp/summitdesk-checkin-desk.png")  # noqa: S108 - a file for people to look at

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@dataclass
class Door:
    meeting_code: str
    accreditation: Accreditation
    code: str
    camera_video: Path


def mjpeg_of(code: str, folder: Path) -> Path:
    """A fake camera: an MJPEG file whose every frame shows the badge's QR code."""
    qr = io.BytesIO()
    qr.write(qr_png(code))
    frame = Image.new("RGB", (640, 480), (255, 255, 255))
    symbol = Image.open(qr).convert("RGB")
    frame.paste(symbol, ((640 - symbol.width) // 2, (480 - symbol.height) // 2))
    buffer = io.BytesIO()
    frame.save(buffer, "JPEG", quality=90)
    path = folder / "camera.mjpeg"
    path.write_bytes(buffer.getvalue() * 10)
    return path


@pytest.fixture
def door(db: None, settings: Settings, tmp_path: Path) -> Door:
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "files"},
        },
    }
    UserFactory(username="door", role=Role.CHECKIN_DESK)
    UserFactory(username="sara", role=Role.REGISTRATION_OFFICER)
    meeting = MeetingFactory(code="prepcom-3", title="PrepCom-3", time_zone="Europe/Zurich")
    accreditation = make_accreditation(meeting)
    code = code_of(accreditation)
    return Door(meeting.code, accreditation, code, mjpeg_of(code, tmp_path))


@pytest.fixture
def chromium_args(door: Door) -> list[str]:
    return [
        *CHROMIUM_ARGS,
        "--use-fake-ui-for-media-stream",
        "--use-fake-device-for-media-stream",
        f"--use-file-for-fake-video-capture={door.camera_video}",
    ]


@pytest.fixture
def page(door: Door, browser: WatchedBrowser) -> Page:
    context = browser.new_context(locale="en-GB")
    context.grant_permissions(["camera"])
    return context.new_page()


def sign_in(page: Page, username: str) -> list[str]:
    problems: list[str] = []

    def seen(message: ConsoleMessage) -> None:
        if message.type == "error" and "favicon" not in str(message.location.get("url", "")):
            problems.append(message.text)

    page.on("console", seen)
    page.goto("/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    # Signed in, on the role's desk (backoffice/landing.py).
    expect(page.locator("form.signout")).to_be_attached()  # in the menu, closed on a phone
    return problems


def test_desk_scanner_types_code_then_second_scan_is_reentry(page: Page, door: Door) -> None:
    problems = sign_in(page, "door")
    page.goto(f"/meetings/{door.meeting_code}/check-in/")
    page.get_by_label("This desk").fill("Desk 2")
    page.get_by_role("button", name="Name the desk").click()

    # A USB scanner: keystrokes into whatever has the focus, then Enter.
    expect(page.get_by_label("Scan a badge")).to_be_focused()
    page.keyboard.type(door.code)
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", name="Checked in")).to_be_visible()
    expect(page.locator(".checkin-name")).to_have_text("Amina Diallo")
    expect(page.locator("[data-field=entered]")).to_have_text("1")
    expect(page.get_by_label("Scan a badge")).to_be_focused()
    page.keyboard.type(door.code)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Re-entry")).to_be_visible()
    expect(page.locator(".checkin-reason")).to_contain_text("Already checked in at ")
    expect(page.locator(".checkin-reason")).to_contain_text(", desk Desk 2.")
    expect(page.locator("[data-field=entered]")).to_have_text("1")
    page.screenshot(path=str(SCREENSHOT), full_page=True)
    assert problems == []


def test_desk_camera_reads_badge_and_checks_in(page: Page, door: Door) -> None:
    problems = sign_in(page, "door")
    page.goto(f"/meetings/{door.meeting_code}/check-in/")
    page.get_by_label("This desk").fill("Camera desk")
    page.get_by_role("button", name="Name the desk").click()

    page.get_by_role("button", name="Use the camera").click()

    expect(page.get_by_role("heading", name="Checked in")).to_be_visible(timeout=20_000)
    expect(page.locator(".checkin-name")).to_have_text("Amina Diallo")
    assert problems == []


def test_photo_crop_frame_fills_fields_and_saves(page: Page, door: Door, tmp_path: Path) -> None:
    problems = sign_in(page, "sara")
    picture = tmp_path / "portrait.jpg"
    Image.new("RGB", (1200, 900), (30, 120, 200)).save(picture, "JPEG")
    page.goto(f"/accreditations/{door.accreditation.pk}/photo/")
    expect(page.locator("#photo-crop")).to_be_hidden()

    page.get_by_label("Photo (JPEG or PNG)").set_input_files(str(picture))

    expect(page.locator("#photo-box")).to_be_visible()
    expect(page.get_by_label("Height")).to_have_value("900")
    expect(page.get_by_label("Width")).to_have_value("700")
    expect(page.get_by_label("From the left")).to_have_value("250")
    page.locator("#photo-box").focus()
    page.keyboard.press("ArrowRight")
    expect(page.get_by_label("From the left")).to_have_value("262")
    page.keyboard.press("Shift+ArrowUp")
    expect(page.get_by_label("Height")).to_have_value("888")
    page.screenshot(path="/tmp/summitdesk-photo-crop.png", full_page=True)  # noqa: S108
    page.get_by_role("button", name="Save the photo").click()

    expect(page.get_by_text("The photo is saved.")).to_be_visible()
    image = page.get_by_role("img", name="Photo of Amina Diallo")
    expect(image).to_be_visible()
    page.wait_for_function("() => document.querySelector('.photo-current img').complete")
    assert image.evaluate("node => node.naturalWidth") == 700
    assert problems == []


@pytest.fixture
def awa(door: Door) -> Accreditation:
    """Amina gets a photo; Awa Diallo, badge 00007, has none."""

    buffer = io.BytesIO()
    Image.new("RGB", (700, 900), (200, 120, 40)).save(buffer, "JPEG")
    photos.save_photo(door.accreditation, buffer.getvalue(), None, actor=Actor.system("test"))
    awa = make_accreditation(
        door.accreditation.meeting, given="Awa", family="Diallo", organisation="Orange"
    )
    Accreditation.objects.filter(pk=awa.pk).update(badge_number="00007")
    return awa


@pytest.fixture
def phone(browser: WatchedBrowser, awa: Accreditation) -> Page:
    context = browser.new_context(locale="en-GB", viewport=PHONE, is_mobile=True, has_touch=True)
    return context.new_page()


def expect_card_first(page: Page) -> None:
    """The result card is the first thing under the (compact) header, on the first screen."""
    page.wait_for_load_state("load")
    assert page.evaluate("window.scrollY") == 0
    card = page.locator(".checkin-result").bounding_box()
    header = page.locator("header.top").bounding_box()
    title = page.get_by_role("heading", level=1).bounding_box()
    assert card is not None and header is not None and title is not None
    assert header["height"] < 70
    assert header["y"] + header["height"] <= card["y"] < header["y"] + header["height"] + 40
    assert card["y"] < title["y"]
    assert card["y"] + card["height"] < PHONE["height"]


def test_desk_on_a_phone_search_photo_card_first_undo_badge_number_amber(
    phone: Page, door: Door
) -> None:
    page = phone
    problems = sign_in(page, "door")

    # The menu is a button on a phone.
    expect(page.get_by_role("link", name="Directory", exact=True)).to_be_hidden()
    page.get_by_text("Menu", exact=True).click()
    expect(page.get_by_role("link", name="Directory", exact=True)).to_be_visible()
    page.get_by_text("Menu", exact=True).click()
    expect(page.get_by_role("link", name="Directory", exact=True)).to_be_hidden()

    page.goto(f"/meetings/{door.meeting_code}/check-in/")
    page.get_by_label("This desk").fill("Phone")
    page.get_by_role("button", name="Name the desk").click()

    # A name: each person with the photo of the badge, or amber without one.
    page.get_by_label("Name, organisation or badge number").fill("diallo")
    page.get_by_role("button", name="Search").click()
    thumbnail = page.get_by_role("img", name="Photo of Amina Diallo")
    expect(thumbnail).to_be_visible()
    page.wait_for_function("() => [...document.images].every(image => image.complete)")
    assert thumbnail.evaluate("node => node.naturalWidth") == 350
    awa_item = page.locator(".checkin-found li").filter(has_text="Awa Diallo")
    expect(awa_item).to_contain_text("No photo")
    expect(awa_item).to_contain_text("Check an identity document")
    page.screenshot(path="/tmp/summitdesk-checkin-phone-search.png", full_page=True)  # noqa: S108

    # Admitted by name: the card comes first, green, with the photo.
    page.get_by_role("button", name="Check in Amina Diallo").click()
    expect(page.get_by_role("heading", name="Checked in")).to_be_visible()
    expect(page.locator(".checkin-result")).not_to_have_class("checkin-check-identity")
    expect(page.get_by_role("img", name="Photo of Amina Diallo")).to_be_visible()
    expect(page.locator("[data-field=entered]")).to_have_text("1")
    expect_card_first(page)

    # Undone, after a confirmation: the count goes back down.
    page.get_by_text("Undo this admission").click()
    page.get_by_role("button", name="Yes, undo the admission").click()
    expect(page.locator(".messages")).to_contain_text(
        "Admission undone: Amina Diallo is no longer counted as checked in."
    )
    expect(page.locator("[data-field=entered]")).to_have_text("0")
    expect(page.locator(".checkin-result")).to_have_count(0)

    # A badge number typed by hand; no photo: admitted, amber, a document to check.
    page.get_by_label("Scan a badge").fill("00 007")
    page.get_by_label("Scan a badge").press("Enter")
    expect(page.get_by_role("heading", name="Checked in")).to_be_visible()
    expect(page.locator(".checkin-name")).to_have_text("Awa Diallo")
    expect(page.locator(".checkin-result")).to_have_class(
        "checkin-result checkin-entered checkin-check-identity"
    )
    expect(page.locator(".checkin-idcheck")).to_have_text(
        "Check an identity document: there is no photo of this person."
    )
    assert (
        page.locator(".checkin-result").evaluate("node => getComputedStyle(node).borderTopColor")
        == "rgb(138, 90, 0)"
    )
    expect(page.locator("[data-field=entered]")).to_have_text("1")
    expect_card_first(page)
    page.screenshot(path="/tmp/summitdesk-checkin-phone.png", full_page=True)  # noqa: S108
    assert problems == []


def test_menu_is_open_on_a_wide_screen(page: Page, door: Door) -> None:
    problems = sign_in(page, "door")

    expect(page.get_by_role("link", name="Directory", exact=True)).to_be_visible()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    expect(page.get_by_text("Menu", exact=True)).to_be_hidden()
    assert problems == []
