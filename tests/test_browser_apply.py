"""On a phone, in French: a civil-society network of Abidjan finds the process's "apply for
admission" page, fills it in, attaches its statutes and annual report, confirms its email
address through the link the email carried, and follows its application on its page."""

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import expect
from pytest_django import Settings

from summitdesk.admission.enums import ApplicationStatus
from summitdesk.admission.models import AdmissionPolicy, Application
from tests.applying.builders import pdf_bytes, png_bytes, policy
from tests.conftest import PHONE, Sink, WatchedBrowser, in_thread, smtp_server
from tests.tasks import run_queued_tasks

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOT = Path("/tmp/summitdesk-apply.png")  # noqa: S108 - a file for people to look at
LINK = re.compile(r"https?://[^/\s]+(/application/[A-Za-z0-9_-]+/)")


@pytest.fixture
def open_policy(settings: Settings, tmp_path: Path) -> Iterator[tuple[AdmissionPolicy, Sink]]:
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "files"},
        },
    }
    settings.SUMMITDESK_BASE_URL = "http://summitdesk.example.org"
    with smtp_server(settings) as sink:
        yield policy(), sink


def test_a_network_applies_in_french_on_a_phone_and_follows_its_application(
    open_policy: tuple[AdmissionPolicy, Sink], browser: WatchedBrowser, tmp_path: Path
) -> None:
    made_policy, sink = open_policy
    statutes, report, _board = made_policy.required_documents.all()
    (tmp_path / "statuts.pdf").write_bytes(pdf_bytes())
    (tmp_path / "rapport-annuel.png").write_bytes(png_bytes())

    phone = browser.new_context(locale="fr-FR", viewport=PHONE, is_mobile=True, has_touch=True)
    page = phone.new_page()
    page.goto("/processes/wsis/apply/?lang=fr")
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    page.locator("[name=name]").fill("Réseau ivoirien de la société civile pour le numérique")
    page.locator("[name=acronym]").fill("RISCN")
    page.locator("[name=category]").select_option("civil_society")
    page.locator("[name=stakeholder_group]").select_option("civil_society")
    page.locator("[name=country]").select_option("CI")
    expect(page.locator("[name=language]")).to_have_value("fr")
    page.locator("[name=purpose]").fill("Accès au numérique pour tous en Côte d'Ivoire.")
    page.locator("[name=contact_given_name]").fill("Awa")
    page.locator("[name=contact_family_name]").fill("Kouassi")
    page.locator("[name=contact_email]").fill("awa@riscn.example.org")
    page.locator(f"[name=document_{statutes.pk}]").set_input_files(str(tmp_path / "statuts.pdf"))
    page.locator(f"[name=document_{report.pk}]").set_input_files(
        str(tmp_path / "rapport-annuel.png")
    )
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.locator("form.apply-form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/processes/wsis/apply/sent/$"))

    assert in_thread(run_queued_tasks) >= 1  # the documents' inspection, the email
    [received] = sink.received
    assert received.rcpt_tos == ["awa@riscn.example.org"]
    body = received.message.get_body(preferencelist=("plain",))
    assert body is not None
    match = LINK.search(body.get_content())
    assert match is not None

    page.goto(match.group(1))
    expect(page.locator("#application-status")).to_have_class(re.compile("status-unconfirmed"))
    page.locator("#application-status button[type=submit]").click()
    expect(page.locator("#application-status")).to_have_class(re.compile("status-received"))
    expect(page.locator("#documents")).to_contain_text("statuts.pdf")
    expect(page.locator("#documents")).to_contain_text("rapport-annuel.png")
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.screenshot(path=str(SCREENSHOT), full_page=True)
    phone.close()

    application = in_thread(lambda: Application.objects.get())
    assert application.status == ApplicationStatus.RECEIVED
    assert application.language == "fr"
    assert in_thread(lambda: application.documents.count()) == 2
