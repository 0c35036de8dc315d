"""From application to invitation, on a phone in French: a civil-society network applies
with its statutes, the registration officer asks for the missing list of board members,
the applicant adds it through the link the secretariat's email carried and sends the
application back, PrepCom-3's decision admits it, and a circular to the organisations
admitted to the WSIS, dispatched afterwards, reaches it. The staff's steps go through
their pages (Django's test client, signed in as a registration officer)."""

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.test import Client
from playwright.sync_api import expect
from pytest_django import Settings

from summitdesk.admission.enums import ApplicationStatus
from summitdesk.admission.models import Admission, AdmissionPolicy, Application
from summitdesk.core.audit import Actor
from summitdesk.core.enums import Role
from summitdesk.correspondence import services as correspondence
from summitdesk.correspondence.models import Invitation
from summitdesk.directory.enums import PositionRole
from summitdesk.directory.models import Position
from summitdesk.meetings.models import Meeting
from tests.applying.builders import pdf_bytes, policy
from tests.conftest import PHONE, Sink, WatchedBrowser, in_thread, smtp_server
from tests.correspondence.builders import dm1048
from tests.factories import MeetingFactory, UserFactory
from tests.tasks import run_queued_tasks

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LINK = re.compile(r"https?://[^/\s]+(/application/[A-Za-z0-9_-]+/)")
APPLICANT = "awa@riscn.example.org"
GENERAL = "contact@riscn.example.org"


@pytest.fixture
def world(settings: Settings, tmp_path: Path) -> Iterator[tuple[AdmissionPolicy, Meeting, Sink]]:
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "files"},
        },
    }
    settings.SUMMITDESK_BASE_URL = "http://summitdesk.example.org"
    with smtp_server(settings) as sink:
        made = policy()
        meeting = MeetingFactory(process=made.process, code="prepcom-3", title="PrepCom-3")
        yield made, meeting, sink


def last_link(sink: Sink, to: str) -> str:
    """The path of the applicant's link in the latest email to `to`."""
    for received in reversed(sink.received):
        if to in received.rcpt_tos:
            body = received.message.get_body(preferencelist=("plain",))
            assert body is not None
            found = LINK.search(body.get_content())
            if found:
                return found.group(1)
    raise AssertionError(f"no email with a link to {to}")


def test_an_applicant_is_admitted_and_reached_by_the_next_circular(
    world: tuple[AdmissionPolicy, Meeting, Sink], browser: WatchedBrowser, tmp_path: Path
) -> None:
    made_policy, meeting, sink = world
    statutes, _report, board = made_policy.required_documents.all()
    (tmp_path / "statuts.pdf").write_bytes(pdf_bytes())
    (tmp_path / "conseil.pdf").write_bytes(pdf_bytes())
    officer = Client()
    officer.force_login(UserFactory(role=Role.REGISTRATION_OFFICER))

    # The network applies on a phone, with its statutes only, and confirms its address.
    phone = browser.new_context(locale="fr-FR", viewport=PHONE, is_mobile=True, has_touch=True)
    page = phone.new_page()
    page.goto("/processes/wsis/apply/?lang=fr")
    page.locator("[name=name]").fill("Réseau ivoirien de la société civile pour le numérique")
    page.locator("[name=acronym]").fill("RISCN")
    page.locator("[name=category]").select_option("civil_society")
    page.locator("[name=stakeholder_group]").select_option("civil_society")
    page.locator("[name=country]").select_option("CI")
    page.locator("[name=organisation_email]").fill(GENERAL)
    page.locator("[name=purpose]").fill("Accès au numérique pour tous en Côte d'Ivoire.")
    page.locator("[name=contact_given_name]").fill("Awa")
    page.locator("[name=contact_family_name]").fill("Kouassi")
    page.locator("[name=contact_email]").fill(APPLICANT)
    page.locator(f"[name=document_{statutes.pk}]").set_input_files(str(tmp_path / "statuts.pdf"))
    page.locator("form.apply-form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/processes/wsis/apply/sent/$"))
    in_thread(run_queued_tasks)
    page.goto(last_link(sink, APPLICANT))
    page.locator("#application-status button[type=submit]").click()
    expect(page.locator("#application-status")).to_have_class(re.compile("status-received"))
    application = in_thread(lambda: Application.objects.get())

    # The officer asks for the list of board members; the applicant is emailed.
    asked = in_thread(
        lambda: officer.post(
            f"/admission/applications/{application.pk}/review/",
            {"to": "incomplete", "missing": "La liste des membres du conseil."},
        )
    )
    assert asked.status_code == 302
    in_thread(run_queued_tasks)

    # The applicant opens the email's link on the phone, adds the list and sends it back.
    page.goto(last_link(sink, APPLICANT))
    expect(page.locator("#missing")).to_contain_text("La liste des membres du conseil.")
    page.locator("form.document-form [name=requirement]").select_option(str(board.pk))
    page.locator("form.document-form [name=file]").set_input_files(str(tmp_path / "conseil.pdf"))
    page.locator("form.document-form button[type=submit]").click()
    expect(page.locator("#documents")).to_contain_text("conseil.pdf")
    page.locator("#application-status button[type=submit]").click()
    expect(page.locator("#application-status")).to_have_class(re.compile("status-under_review"))
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    in_thread(run_queued_tasks)  # the new document's inspection

    # The officer recommends it, and records PrepCom-3's decision to admit it.
    def decide() -> None:
        url = f"/admission/applications/{application.pk}/"
        assert officer.post(f"{url}review/", {"to": "recommended"}).status_code == 302
        decided = officer.post(
            f"/admission/{meeting.process.code}/decide/",
            {"meeting": meeting.pk, "admit": application.reference},
        )
        assert decided.status_code == 302, decided.content.decode()[:2000]

    in_thread(decide)
    in_thread(run_queued_tasks)
    page.goto(last_link(sink, APPLICANT))
    expect(page.locator("#application-status")).to_have_class(re.compile("status-admitted"))
    phone.close()

    # A circular to the organisations admitted to the WSIS, dispatched afterwards.
    def dispatch() -> Admission:
        admission = Admission.objects.select_related("organisation").get()
        focal = Position.objects.get(
            organisation=admission.organisation, role=PositionRole.FOCAL_POINT
        )
        assert focal.person.email == APPLICANT
        circular = dm1048(
            [], meeting=meeting, audience={"admitted_to": [meeting.process.code]}, french=True
        )
        correspondence.dispatch_circular(circular, actor=Actor.system("tests"))
        return admission

    admission = in_thread(dispatch)
    in_thread(run_queued_tasks)

    invitation = in_thread(lambda: Invitation.objects.get())
    assert invitation.organisation_id == admission.organisation_id
    letters = [received for received in sink.received if GENERAL in received.rcpt_tos]
    assert len(letters) == 1 and APPLICANT in letters[0].rcpt_tos  # the focal point in copy
    assert in_thread(lambda: Application.objects.get().status) == ApplicationStatus.ADMITTED
