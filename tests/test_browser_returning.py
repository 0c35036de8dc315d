"""Returning delegations on a phone, in headless Chromium: the focal point starts
PrepCom-3's reply from the delegation to PrepCom-2, drops one name and submits; a returning
delegate opens their own link and confirms they are coming, reusing their photo."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from pytest_django import Settings

from summitdesk.accreditation.models import Accreditation
from summitdesk.delegations.models import Delegate
from tests.conftest import PHONE, WatchedBrowser, in_thread
from tests.delegations.returning_builders import Process3, build, delegate_link

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOT = Path("/tmp/summitdesk-returning-delegate.png")  # noqa: S108


@pytest.fixture(autouse=True)
def _files(settings: Settings, tmp_path: Path) -> None:
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "files"},
        },
    }


@pytest.fixture
def wsis(db: None, _files: None) -> Process3:
    return build()


@pytest.fixture
def page(wsis: Process3, browser: WatchedBrowser) -> Page:
    context = browser.new_context(locale="en-GB", viewport=PHONE, is_mobile=True, has_touch=True)
    return context.new_page()


def returning_rows(wsis: Process3) -> list[tuple[str, bool, bool]]:
    return [
        (d.family_name, d.returning_from_id is not None, d.confirmed_at is not None)
        for d in Delegate.objects.filter(reply=wsis.reply).order_by("position")
    ]


def test_focal_point_copies_the_delegation_and_a_delegate_confirms_on_a_phone(
    wsis: Process3, page: Page
) -> None:
    page.goto(wsis.url)
    page.get_by_role("link", name="Start from an earlier meeting").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Start from an earlier meeting")
    dmitri = page.get_by_role("checkbox", name=re.compile("Dmitri Volkov"))
    expect(dmitri).to_be_checked()
    dmitri.uncheck()
    page.get_by_role("button", name="Copy the people ticked").click()

    expect(page.locator(".messages")).to_contain_text("3 people come again from prepcom-2")
    focal_point = page.get_by_role("region", name="Designated focal point")
    focal_point.get_by_label("Given name").fill("Fay")
    focal_point.get_by_label("Family name").fill("Focal")
    focal_point.get_by_label("Email").fill("fay@acme.example.org")
    page.get_by_role("button", name="Submit reply").click()
    expect(page.locator(".messages")).to_contain_text("your reply is submitted")
    assert in_thread(lambda: returning_rows(wsis)) == [
        ("Diallo", True, False),
        ("Müller", True, False),
        ("Senior", True, False),
    ]

    amina = in_thread(lambda: Delegate.objects.get(reply=wsis.reply, family_name="Diallo"))
    page.goto(in_thread(lambda: delegate_link(amina)))
    expect(page.get_by_role("heading", name="Are you coming?")).to_be_visible()
    page.get_by_label("Reuse my photo from PrepCom-2").check()
    page.get_by_role("button", name="I confirm that I am coming").click()

    expect(page.locator(".messages")).to_contain_text("you are coming, with your earlier photo")
    expect(page.locator("#current-photo")).to_be_visible()
    expect(page.locator("#returning")).to_contain_text("You confirmed that you are coming")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"]
    page.screenshot(path=str(SCREENSHOT), full_page=True)

    assert in_thread(lambda: returning_rows(wsis))[0] == ("Diallo", True, True)
    assert in_thread(lambda: bool(Accreditation.objects.get(delegate=amina).photo))
