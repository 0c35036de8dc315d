"""From the delegate's phone to the door, in headless Chromium: a delegate opens the link the
accreditation email carried, fills in their passport details and uploads a photo (moving
the crop frame), and sees their accreditation pending; the registration officer approves
it; the badge desk prints the badges (the PDF has the name); the check-in desk scans the
badge's code and sees "Checked in" with the photo, and the live count says 1."""

import datetime
import io
import re
from collections.abc import Iterator
from pathlib import Path

import pypdf
import pytest
from PIL import Image
from playwright.sync_api import ConsoleMessage, Page, expect
from pytest_django import Settings
from pytest_django.live_server_helper import LiveServer

from summitdesk.accreditation import badges
from summitdesk.accreditation.models import Accreditation
from summitdesk.core.audit import Actor
from summitdesk.core.enums import Role
from summitdesk.delegations import services as delegation_services
from summitdesk.delegations.services import DelegateData, PersonData, ReplyData
from summitdesk.meetings.models import Meeting
from tests.conftest import PHONE, Sink, WatchedBrowser, in_thread, smtp_server
from tests.delegations.builders import summit
from tests.factories import PASSWORD, UserFactory
from tests.portal.conftest import Invited, invited
from tests.tasks import run_queued_tasks

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOT = Path("/tmp/summitdesk-delegate.png")  # noqa: S108 - a file for people to look at
STAFF_ACTOR_NAME = "secretariat"


@pytest.fixture
def files(settings: Settings, tmp_path: Path) -> Path:
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "files"},
        },
    }
    return tmp_path / "files"


@pytest.fixture
def delegate_link(db: None, settings: Settings, files: Path) -> Iterator[str]:
    """Acme's reply submitted with one delegate; the path of the link their email carried."""

    settings.SUMMITDESK_BASE_URL = "http://summitdesk.example.org"
    UserFactory(username="sara", role=Role.REGISTRATION_OFFICER)
    UserFactory(username="badges", role=Role.BADGE_DESK)
    UserFactory(username="door", role=Role.CHECKIN_DESK)
    meeting: Meeting = summit()
    acme: Invited = invited(meeting, "Acme Telecom", ceo=("Amina", "Diallo"))
    data = ReplyData(
        attending=True,
        estimated_participants=1,
        focal_point=PersonData(family_name="Doe", given_name="Jane", email="jane@acme.example.org"),
        delegates=[
            DelegateData(
                given_name="Amina",
                family_name="Diallo",
                email="amina@acme.example.org",
                is_head=True,
                protocol_level="chief_executive",
            )
        ],
    )
    delegation_services.save_reply(
        acme.reply, data, submit=True, actor=Actor.system(STAFF_ACTOR_NAME)
    )
    with smtp_server(settings) as sink:
        run_queued_tasks()
        yield link_in(sink, "amina@acme.example.org")


def link_in(sink: Sink, address: str) -> str:
    [received] = [
        r
        for r in sink.received
        if r.rcpt_tos == [address] and "accreditation" in str(r.message["Subject"])
    ]
    body = received.message.get_body(preferencelist=("plain",))
    assert body is not None
    match = re.search(r"https?://[^/\s]+(/accreditation/[A-Za-z0-9_-]+/)", body.get_content())
    assert match is not None
    return match.group(1)


@pytest.fixture
def browser_context(browser: WatchedBrowser, live_server: LiveServer) -> object:
    return browser, live_server.url


def watched(page: Page) -> list[str]:
    """Console errors of `page` (a script refused by the content security policy, say)."""
    problems: list[str] = []

    def seen(message: ConsoleMessage) -> None:
        if message.type == "error" and "favicon" not in str(message.location.get("url", "")):
            problems.append(message.text)

    page.on("console", seen)
    return problems


def sign_in(page: Page, username: str) -> None:
    page.goto("/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    # Signed in, on the role's desk (backoffice/landing.py).
    expect(page.locator("form.signout")).to_be_attached()  # in the menu, closed on a phone


def pdf_text(content: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(content))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def test_delegate_completes_officer_approves_badge_printed_desk_checks_in(
    delegate_link: str, browser_context: tuple[object, str], tmp_path: Path
) -> None:
    browser, base_url = browser_context
    picture = tmp_path / "selfie.png"
    Image.new("RGB", (1200, 1600), (40, 110, 190)).save(picture, "PNG")

    # The delegate, on a phone.
    phone = browser.new_context(  # type: ignore[attr-defined]
        base_url=base_url, locale="en-GB", viewport=PHONE, is_mobile=True, has_touch=True
    )
    page = phone.new_page()
    page.set_default_timeout(15_000)
    problems = watched(page)
    page.goto(delegate_link)
    expect(page.get_by_role("heading", level=1)).to_have_text("Amina Diallo")
    expect(page.locator("#accreditation-status")).to_contain_text("Pending")
    expect(page.locator("#missing")).to_contain_text("photo")
    page.get_by_label("Given name(s) as in the passport").fill("Amina")
    page.get_by_label("Family name as in the passport").fill("Diallo")
    page.get_by_label("Nationality").select_option("SN")
    page.get_by_label("Date of birth").fill("1980-04-02")
    page.get_by_label("Passport or identity card number").fill("A1234567")
    expiry = datetime.date.today() + datetime.timedelta(days=5 * 365)
    page.get_by_label("Expiry date of the document").fill(expiry.isoformat())
    page.get_by_label("I agree that my name appears").check()
    expect(page.get_by_label("Take a photo with the camera")).to_have_attribute("capture", "user")
    page.get_by_label("Or choose a picture file").set_input_files(str(picture))
    expect(page.locator("#crop-editor")).to_be_visible()
    expect(page.locator("#framing")).to_be_hidden()
    expect(page.locator("#id_crop_width")).to_have_value("1200")
    expect(page.locator("#id_crop_height")).to_have_value("1543")
    page.locator("#crop-zoom").fill("60")
    expect(page.locator("#id_crop_width")).to_have_value("720")
    page.locator(".crop-frame").focus()
    page.keyboard.press("ArrowUp")
    width = int(page.locator("#id_crop_width").input_value())
    height = int(page.locator("#id_crop_height").input_value())
    assert abs(width / height - 35 / 45) < 0.01
    page.screenshot(path=str(SCREENSHOT), full_page=True)
    page.get_by_role("button", name="Save").click()

    expect(page.locator(".messages")).to_contain_text("Your changes are saved.")
    expect(page.locator("#accreditation-status")).to_contain_text("Pending")
    expect(page.locator("#accreditation-status")).to_contain_text("Nothing is missing")
    photo = page.get_by_role("img", name="The current photo")
    expect(photo).to_be_visible()
    page.wait_for_function("() => document.querySelector('#current-photo').complete")
    assert photo.evaluate("node => node.naturalWidth") == 700
    assert problems == []
    phone.close()

    staff = browser.new_context(base_url=base_url, locale="en-GB")  # type: ignore[attr-defined]
    page = staff.new_page()
    page.set_default_timeout(15_000)
    problems = watched(page)

    # The registration officer approves.
    sign_in(page, "sara")
    page.goto("/meetings/geneva-2003/accreditations/")
    page.get_by_label("Choose Amina Diallo").check()
    page.get_by_role("button", name="Approve selected").click()
    page.get_by_role("button", name="Approve 1").click()
    expect(page.locator(".messages")).to_contain_text("1 of 1 accreditations are now approved.")
    page.get_by_role("button", name="Sign out").click()

    # The badge desk prints the badges.
    sign_in(page, "badges")
    page.goto("/meetings/geneva-2003/badges/")
    page.get_by_role("button", name="Print badges").click()
    assert in_thread(run_queued_tasks) >= 1
    page.reload()
    expect(page.get_by_text("The badges are printed.")).to_be_visible()
    pdf_link = page.locator("a[download]").filter(has_text=".pdf").first
    response = page.request.get(str(pdf_link.get_attribute("href")))
    assert response.ok
    assert "Amina Diallo" in pdf_text(response.body()) or "DIALLO" in pdf_text(response.body())
    page.get_by_role("button", name="Sign out").click()

    # The check-in desk scans the badge.
    accreditation = in_thread(lambda: Accreditation.objects.select_related("meeting").get())
    code = badges.badge_code(accreditation)
    sign_in(page, "door")
    page.goto("/meetings/geneva-2003/check-in/")
    page.get_by_label("This desk").fill("Main entrance")
    page.get_by_role("button", name="Name the desk").click()
    page.get_by_label("Scan a badge").fill(code)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Checked in")).to_be_visible()
    expect(page.locator(".checkin-name")).to_have_text("Amina Diallo")
    desk_photo = page.get_by_role("img", name="Photo of Amina Diallo")
    expect(desk_photo).to_be_visible()
    page.wait_for_function("() => [...document.images].every(image => image.complete)")
    assert desk_photo.evaluate("node => node.naturalWidth") == 700
    expect(page.locator("[data-field=entered]")).to_have_text("1")
    assert problems == []
    staff.close()


def test_without_javascript_the_centred_crop_is_kept_and_can_be_adjusted(
    delegate_link: str, browser_context: tuple[object, str], tmp_path: Path
) -> None:
    browser, base_url = browser_context
    picture = tmp_path / "portrait.jpg"
    Image.new("RGB", (900, 1600), (200, 160, 120)).save(picture, "JPEG")
    context = browser.new_context(  # type: ignore[attr-defined]
        base_url=base_url, locale="ar", viewport=PHONE, is_mobile=True, java_script_enabled=False
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{delegate_link}?lang=ar")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    page.goto(f"{delegate_link}?lang=en")
    expect(page.locator("#crop-editor")).to_be_hidden()

    page.get_by_label("Or choose a picture file").set_input_files(str(picture))
    page.get_by_role("button", name="Save").click()

    expect(page.locator(".messages")).to_contain_text("Your changes are saved.")
    expect(page.get_by_role("img", name="The current photo")).to_be_visible()
    page.get_by_text("Adjust the crop").click()
    page.get_by_label("Closer").check()
    page.get_by_label("At the top").check()
    page.get_by_label("Or choose a picture file").set_input_files(str(picture))
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".messages")).to_contain_text("Your changes are saved.")
    context.close()


def test_officer_withdraws_after_a_confirmation_without_javascript(
    delegate_link: str, browser_context: tuple[object, str]
) -> None:
    browser, base_url = browser_context
    staff = browser.new_context(  # type: ignore[attr-defined]
        base_url=base_url, locale="en-GB", java_script_enabled=False
    )
    page = staff.new_page()
    page.set_default_timeout(15_000)
    problems = watched(page)
    accreditation = in_thread(lambda: Accreditation.objects.get())
    sign_in(page, "sara")
    page.goto(f"/accreditations/{accreditation.pk}/")

    withdraw = page.get_by_role("button", name="Withdraw…")
    assert withdraw.evaluate("node => getComputedStyle(node).backgroundColor") == "rgb(164, 22, 26)"
    withdraw.click()

    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Withdraw the accreditation of Amina Diallo (Acme Telecom)?"
    )
    expect(page.get_by_text("This cannot be undone.")).to_be_visible()
    page.get_by_role("link", name="Go back").click()
    expect(page.locator(".status")).to_have_text("Pending")

    page.get_by_role("button", name="Withdraw…").click()
    page.get_by_role("button", name="Withdraw the accreditation").click()

    expect(page.locator(".messages")).to_contain_text("The accreditation is now withdrawn.")
    expect(page.locator(".status")).to_have_text("Withdrawn")
    assert in_thread(lambda: Accreditation.objects.get().status) == "withdrawn"
    assert problems == []
    staff.close()
