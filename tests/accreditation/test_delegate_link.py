"""Delegates' own links and the accreditation emails, through a real SMTP server: the link
issued when a delegate with an address is accredited (the token only in the email), the
secretariat re-issuing it, the decision and reminder emails in the organisation's language
(English, French, Spanish; English where the text does not exist)."""

import datetime
import re

import pytest
from django.test import Client
from django.utils import timezone, translation
from django.utils.translation import gettext
from django_tasks_db.models import DBTaskResult
from pytest_django import Settings

from summitdesk.accreditation import delegate_links, emails, services
from summitdesk.accreditation.enums import AccreditationStatus as Status
from summitdesk.accreditation.models import Accreditation, DelegateLink
from summitdesk.accreditation.services import AccreditationError
from summitdesk.core.audit import Actor
from summitdesk.core.enums import Channel
from summitdesk.core.models import AuditEntry
from summitdesk.correspondence.enums import MessageState
from summitdesk.correspondence.models import OutboundMessage
from summitdesk.delegations import services as delegation_services
from summitdesk.delegations.models import Delegate
from summitdesk.delegations.services import DelegateData, PersonData, ReplyData
from summitdesk.directory.enums import Category, Language
from summitdesk.directory.models import Organisation
from summitdesk.lib import tokens
from tests.accreditation.builders import meeting, members, submitted_reply
from tests.confirm import CONFIRMED, confirmation
from tests.conftest import Received, Sink, free_port
from tests.factories import OrganisationFactory
from tests.portal.builders import plain
from tests.tasks import drop_queued_emails, run_queued_tasks

pytestmark = pytest.mark.django_db

STAFF = Actor.system("secretary", Channel.BACKOFFICE)
LINK = re.compile(r"http://testserver/accreditation/([\w-]+)/")


@pytest.fixture(autouse=True)
def _base_url(settings: Settings) -> None:
    settings.SUMMITDESK_BASE_URL = "http://testserver"


def organisation(language: str = Language.ENGLISH) -> Organisation:
    return OrganisationFactory(name="Orange", category=Category.SECTOR_MEMBER, language=language)


def accredited(
    language: str = Language.ENGLISH, *, code: str = "geneva-2003"
) -> list[Accreditation]:
    """The pending accreditation of a submitted reply naming one delegate; the tasks it
    enqueued are dropped."""
    reply = submitted_reply(organisation(language), meeting(code=code), members(1))
    return list(Accreditation.objects.filter(delegate__reply=reply).order_by("delegate__position"))


def by_subject(smtp: Sink) -> dict[str, Received]:
    return {str(received.message["Subject"]): received for received in smtp.received}


def subject(received: Received) -> str:
    """The decoded subject (a folded encoded subject comes back with a leading space)."""
    return str(received.message["Subject"]).strip()


def french(msgid: str) -> str:
    """`msgid` as the French catalogue has it: the emails' French comes from there."""
    with translation.override("fr"):
        text = gettext(msgid)
    assert text != msgid, msgid
    return text


def token_in(text: str) -> str:
    found = LINK.search(text)
    assert found is not None, text
    return found.group(1)


# The link


def test_submitting_a_reply_sends_each_delegate_with_an_address_their_own_link(
    smtp: Sink,
) -> None:
    reply_organisation = organisation()
    named = [*members(2), DelegateData(family_name="Noaddress", given_name="Ned")]
    reply = delegation_services.reply_for(reply_organisation, meeting())
    delegation_services.save_reply(
        reply,
        ReplyData(
            attending=True,
            estimated_participants=3,
            focal_point=PersonData(family_name="Focal", email="focal@example.org"),
            delegates=named,
        ),
        submit=True,
        actor=STAFF,
    )
    run_queued_tasks()

    links = [r for r in smtp.received if "Complete your accreditation" in r.message["Subject"]]
    assert sorted(r.rcpt_tos[0] for r in links) == ["member0@example.org", "member1@example.org"]
    received = next(r for r in links if r.rcpt_tos == ["member0@example.org"])
    message = received.message
    assert message["Subject"] == "Complete your accreditation: World Summit, first phase"
    assert message["Content-Language"] == "en"
    text = plain(message)
    assert "Dear \u2068Ann Member 0\u2069," in text  # isolated for direction
    assert "This link is personal: do not forward it." in text
    token = token_in(text)
    # Only the hash is stored, and the link opens the delegate's page.
    assert not DelegateLink.objects.filter(token_hash=token).exists()
    link = DelegateLink.objects.get(token_hash=tokens.hash_token(token))
    assert link.accreditation.delegate.email == "member0@example.org"
    assert link.expires_at is not None
    page = Client().get(f"/accreditation/{token}/")
    assert page.status_code == 200 and "Ann Member 0" in page.content.decode()
    assert AuditEntry.objects.filter(action="summitdesk.accreditation.link_issued").count() == 2


def test_reissued_link_replaces_the_old_one(smtp: Sink) -> None:
    [accreditation] = accredited()
    _link, old = delegate_links.issue(accreditation, actor=STAFF)

    services.reissue_delegate_link(accreditation, actor=STAFF)
    assert Client().get(f"/accreditation/{old}/").status_code == 404  # at once, before sending
    run_queued_tasks()

    [received] = smtp.received
    new = token_in(plain(received.message))
    assert new != old
    assert Client().get(f"/accreditation/{new}/").status_code == 200
    entry = AuditEntry.objects.get(action="summitdesk.accreditation.link_reissued")
    assert entry.actor_label == "secretary"


def test_reissue_is_refused_without_an_address_or_once_withdrawn() -> None:
    [accreditation] = accredited()
    Delegate.objects.filter(pk=accreditation.delegate_id).update(email="")
    with pytest.raises(AccreditationError, match="no email address"):
        services.reissue_delegate_link(accreditation, actor=STAFF)

    [other] = accredited(code="tunis-2005")
    services.transition(other, Status.WITHDRAWN, actor=STAFF)
    with pytest.raises(AccreditationError, match="no longer in the delegation"):
        services.reissue_delegate_link(other, actor=STAFF)
    assert not DBTaskResult.objects.exists()


def test_expired_link_is_not_found() -> None:
    [accreditation] = accredited()
    link, token = delegate_links.issue(accreditation, actor=STAFF)
    DelegateLink.objects.filter(pk=link.pk).update(
        expires_at=timezone.now() - datetime.timedelta(seconds=1)
    )

    assert Client().get(f"/accreditation/{token}/").status_code == 404


def test_link_email_is_in_french_for_a_french_organisation(smtp: Sink) -> None:
    [accreditation] = accredited(Language.FRENCH)

    emails.queue_delegate_links([accreditation])
    run_queued_tasks()

    [received] = smtp.received
    message = received.message
    meeting = "World Summit, first phase"
    expected = french("Complete your accreditation: %(meeting)s") % {"meeting": meeting}
    assert subject(received) == " ".join(expected.split())
    assert message["Content-Language"] == "fr"
    text = plain(message)
    assert french("Dear %(name)s,") % {"name": "\u2068Ann Member 0\u2069"} in text
    personal = french(
        "This link is personal: do not forward it. Your focal point can also complete these "
        "details for you."
    )
    assert personal in text and personal.startswith("Ce lien est personnel")
    assert "- numéro du document d'identité\n" in text
    token_in(text)


def test_substitute_gets_their_own_link(smtp: Sink) -> None:
    [accreditation] = accredited()
    services.transition(accreditation, Status.APPROVED, actor=STAFF)
    drop_queued_emails()

    services.substitute(
        accreditation,
        DelegateData(family_name="Newcomer", given_name="Nina", email="nina@example.org"),
        actor=STAFF,
    )
    run_queued_tasks()

    assert ["nina@example.org"] in [received.rcpt_tos for received in smtp.received]


# Decisions and reminders


def test_approval_in_french_with_badge_collection_instructions(smtp: Sink) -> None:
    [accreditation] = accredited(Language.FRENCH)

    services.transition(accreditation, Status.APPROVED, actor=STAFF)
    run_queued_tasks()

    [received] = smtp.received
    assert received.rcpt_tos == ["member0@example.org", "focal@example.org"]
    message = received.message
    assert subject(received) == "Accréditation approuvée : Ann Member 0, World Summit, first phase"
    text = plain(message)
    assert french("Your badge number: %(badge_number)s") % {"badge_number": "000001"} in text
    collecting = french(
        "Collecting your badge: come in person to the badge desk at the venue, with the "
        "identity document (passport or national identity card) whose details you gave. The "
        "badge is handed to you alone; it is personal and must be worn visibly at all times in "
        "the conference area."
    )
    assert collecting in text
    opening = french(
        "The badge desk is open from %(collection_from)s and throughout the meeting."
    ).partition("%(collection_from)s")[0]
    assert opening.startswith("L") and opening in text


def test_rejection_in_spanish_gives_the_reason(smtp: Sink) -> None:
    [accreditation] = accredited(Language.SPANISH)

    services.transition(accreditation, Status.REJECTED, reason="No es miembro.", actor=STAFF)
    run_queued_tasks()

    [received] = smtp.received
    assert subject(received).startswith("Acreditación no aprobada: Ann Member 0")
    assert "Motivo:\nNo es miembro.\n" in plain(received.message)


def test_approval_in_english_says_where_and_when(smtp: Sink) -> None:
    [accreditation] = accredited()

    services.transition(accreditation, Status.APPROVED, actor=STAFF)
    run_queued_tasks()

    text = plain(smtp.received[0].message)
    assert "identity document (passport or national identity card)" in text
    assert "The badge desk is open from " in text


def test_missing_data_reminder_carries_the_delegates_new_link(smtp: Sink) -> None:
    [accreditation] = accredited(Language.FRENCH)
    _link, old = delegate_links.issue(accreditation, actor=STAFF)

    assert services.remind_missing_data(accreditation.meeting, actor=STAFF) == 1
    run_queued_tasks()

    [received] = smtp.received
    assert received.rcpt_tos == ["member0@example.org", "focal@example.org"]
    assert subject(received) == (
        "Accréditation : informations manquantes pour Ann Member 0, World Summit, first phase"
    )
    text = plain(received.message)
    assert "- prénom(s) comme dans le passeport\n" in text and "- photo\n" in text
    new = token_in(text)
    assert Client().get(f"/accreditation/{new}/").status_code == 200
    assert Client().get(f"/accreditation/{old}/").status_code == 404


def test_untranslated_language_falls_back_to_english(smtp: Sink, settings: Settings) -> None:
    settings.LOCALE_PATHS = []  # No catalogue: Russian is untranslated.
    [accreditation] = accredited(Language.RUSSIAN)

    services.transition(accreditation, Status.REJECTED, reason="Not a member.", actor=STAFF)
    run_queued_tasks()

    message = smtp.received[0].message
    assert message["Content-Language"] == "en"
    assert message["Subject"].startswith("Accreditation not approved:")


def test_officer_sends_a_new_link_from_the_accreditation_page(
    secretary_client: Client, smtp: Sink
) -> None:
    [accreditation] = accredited()
    detail = f"/accreditations/{accreditation.pk}/"
    assert "Send a new link to the delegate…" in secretary_client.get(detail).content.decode()

    asked = secretary_client.post(f"{detail}link/")
    assert confirmation(asked) == (
        f"Send a new link to {accreditation.delegate} at member0@example.org?",
        "Every earlier link of this delegate stops working at once.",
        "Send a new link",
    )
    assert not DBTaskResult.objects.exists()
    response = secretary_client.post(f"{detail}link/", CONFIRMED, follow=True)

    assert "A new link is on its way to member0@example.org" in response.content.decode()
    run_queued_tasks()
    [received] = smtp.received
    assert received.rcpt_tos == ["member0@example.org"]
    assert Client().get(f"/accreditation/{token_in(plain(received.message))}/").status_code == 200


def test_officer_is_told_why_a_link_cannot_be_sent(secretary_client: Client) -> None:
    [accreditation] = accredited()
    Delegate.objects.filter(pk=accreditation.delegate_id).update(email="")

    response = secretary_client.post(
        f"/accreditations/{accreditation.pk}/link/", CONFIRMED, follow=True
    )

    assert "The delegate has no email address" in response.content.decode()
    assert not DBTaskResult.objects.exists()


def test_a_failed_send_keeps_the_earlier_link(settings: Settings) -> None:
    [accreditation] = accredited()
    _link, old = delegate_links.issue(accreditation, actor=STAFF)
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", free_port()  # nobody listens

    emails.queue_delegate_links([accreditation])
    run_queued_tasks()

    assert Client().get(f"/accreditation/{old}/").status_code == 200
    assert DelegateLink.objects.filter(accreditation=accreditation).count() == 1
    [row] = OutboundMessage.objects.all()
    assert (row.state, row.attempts, row.body) == (MessageState.QUEUED, 1, "")
