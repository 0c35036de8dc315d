"""Records in headless Chromium: the mail log searched by organisation and a message read
with the one link SummitDesk issued clickable; the public List of Participants' index and
search, on a phone."""

from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from summitdesk.accreditation.enums import AccreditationStatus
from summitdesk.accreditation.models import Accreditation
from summitdesk.core.audit import Actor
from summitdesk.core.enums import Role
from summitdesk.correspondence import reply_links
from summitdesk.correspondence.enums import MessageKind, MessageState
from summitdesk.correspondence.models import OutboundMessage
from summitdesk.delegations.enums import ReplyState
from summitdesk.delegations.models import Delegate, Reply
from summitdesk.directory.enums import Category, StakeholderGroup
from summitdesk.meetings.models import Meeting
from summitdesk.reports.models import EditionKind
from summitdesk.reports.participants import editions
from tests.conftest import PHONE, WatchedBrowser
from tests.factories import PASSWORD, MeetingFactory, OrganisationFactory, UserFactory

# Files for people to look at.
MAIL_LOG_SHOT = Path("/tmp/summitdesk-mail-log.png")  # noqa: S108
MESSAGE_SHOT = Path("/tmp/summitdesk-mail-message.png")  # noqa: S108
LIST_SHOT = Path("/tmp/summitdesk-list-index.png")  # noqa: S108

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def mail(db: None) -> str:
    """An officer, three organisations' emails; Acmé's carries a live reply link (returned)
    and, in its text, an address its organisation wrote."""
    UserFactory(
        username="amina", first_name="Amina", last_name="Diallo", role=Role.REGISTRATION_OFFICER
    )
    meeting = MeetingFactory(code="geneva-2003")
    acme = OrganisationFactory(name="Acmé Télécom", acronym="ACME")
    beta = OrganisationFactory(name="Beta Networks")
    _link, token = reply_links.issue(acme, meeting)
    url = reply_links.reply_url(token)
    rows = [
        (
            acme,
            "focal@acme.example",
            "Your reply link",
            f"Dear Ana,\n\nReply here: {url}\n\nYour comment: see https://acme.example/about\n",
        ),
        (beta, "ceo@beta.example", "Your reply is received", "Thank you."),
        (beta, "ceo@beta.example", "Accreditation approved", "Welcome."),
    ]
    for organisation, to, subject, body in rows:
        OutboundMessage.objects.create(
            kind=MessageKind.REPLY_CONFIRMATION,
            organisation=organisation,
            to=[to],
            subject=subject,
            body=body,
            state=MessageState.SENT,
            sent_at=timezone.now(),
            message_id=f"<{subject.replace(' ', '.')}@summitdesk.example>",
        )
    return url


def sign_in(page: Page, username: str) -> None:
    page.goto("/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Overview")).to_be_visible()


def test_officer_searches_the_mail_log_and_follows_only_summitdesks_link(
    mail: str, browser: WatchedBrowser
) -> None:
    page = browser.new_context(locale="en-GB").new_page()
    sign_in(page, "amina")

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Mail log").click()
    expect(page.get_by_text("3 messages", exact=True)).to_be_visible()
    page.get_by_label("Organisation").fill("acme telecom")
    page.get_by_role("button", name="Search").click()

    expect(page.get_by_text("1 message", exact=True)).to_be_visible()
    expect(page.locator("table.mail-log tbody tr")).to_have_count(1)
    page.screenshot(path=str(MAIL_LOG_SHOT), full_page=True)
    page.get_by_role("link", name="Your reply link").click()

    text = page.locator("pre.email-body")
    expect(text.get_by_role("link", name=mail)).to_have_attribute("href", mail)
    expect(text).to_contain_text("https://acme.example/about")
    expect(text.get_by_role("link")).to_have_count(1)  # the organisation's address stays text
    page.screenshot(path=str(MESSAGE_SHOT), full_page=True)

    page.goto("/mail-log/?subject=%25%27+OR+1%3D1")
    expect(page.get_by_text("No message matches this search.")).to_be_visible()


@pytest.fixture
def published(db: None) -> Meeting:
    """A meeting with governments, companies and civil society on a published edition."""
    meeting = MeetingFactory(
        code="geneva-2003", title="World Summit on the Information Society", city="Geneva"
    )
    government = (Category.MEMBER_STATE, StakeholderGroup.GOVERNMENTS)
    company = (Category.SECTOR_MEMBER, StakeholderGroup.PRIVATE_SECTOR)
    civil = (Category.CIVIL_SOCIETY, StakeholderGroup.CIVIL_SOCIETY)
    people = [
        ("Ministry of ICT", "CU", *government, "Ana", "Pérez"),
        ("Federal Office", "CH", *government, "Urs", "Meier"),
        ("Ministry", "EG", *government, "Amina", "Haddad"),
        ("Ericsson", "SE", *company, "Lars", "Svensson"),
        ("Électricité de France", "FR", *company, "Léa", "Durand"),
        ("Orange", "FR", *company, "Paul", "Martin"),
        ("Association Zéro Fracture", "SN", *civil, "Moussa", "Diallo"),
    ]
    for name, country, category, group, given, family in people:
        organisation = OrganisationFactory(
            name=name, country=country, category=category, stakeholder_group=group
        )
        reply = Reply.objects.create(
            organisation=organisation, meeting=meeting, state=ReplyState.SUBMITTED, attending=True
        )
        delegate = Delegate.objects.create(
            reply=reply, position=0, given_name=given, family_name=family, consent_to_publish=True
        )
        Accreditation.objects.create(
            delegate=delegate, meeting=meeting, status=AccreditationStatus.APPROVED
        )
    edition = editions.publish_edition(
        meeting, kind=EditionKind.PROVISIONAL, actor=Actor.system("test")
    )
    editions.prepare_edition(edition.pk)
    return meeting


def test_visitor_on_a_phone_browses_the_list_by_letter_and_searches_it(
    published: Meeting, browser: WatchedBrowser
) -> None:
    page = browser.new_context(locale="en-GB", viewport=PHONE).new_page()
    page.goto("/meetings/geneva-2003/participants/")

    index = page.get_by_role("navigation", name="Index")
    expect(index.get_by_role("link", name="Member State")).to_be_visible()
    expect(index.get_by_role("link", name="E", exact=True)).to_be_visible()
    page.screenshot(path=str(LIST_SHOT), full_page=True)

    index.get_by_role("link", name="E", exact=True).click()
    letter = page.get_by_role("region", name="Countries and organisations: E")
    expect(letter.get_by_role("link")).to_have_text(
        ["Egypt", "Électricité de France", "Ericsson", "Back to the whole list"]
    )

    page.get_by_label("Find a participant, a country or an organisation").fill("PEREZ")
    page.get_by_role("button", name="Search").click()
    results = page.get_by_role("region", name="Search: “PEREZ”")
    expect(results.get_by_role("link", name="Ana Pérez")).to_be_visible()
    results.get_by_role("link", name="Ana Pérez").click()
    expect(page.get_by_text("Ana Pérez")).to_be_visible()

    page.get_by_label("Find a participant, a country or an organisation").fill("<script>%")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_text("Nobody on this list matches.")).to_be_visible()
