"""The applicant's emails over real SMTP: the confirmation with the link that opens the
application, the new link asked for, "received", and the review's news told by
`queue_status_email` (what is missing, the reasons), each cancelled once out of date."""

import re

import pytest
from django.test import Client

from summitdesk.admission import applicant_links, applying, emails
from summitdesk.admission.enums import ApplicationStatus
from summitdesk.admission.models import Application
from summitdesk.correspondence.enums import MessageState
from summitdesk.correspondence.models import OutboundMessage
from summitdesk.correspondence.withholding import WITHHELD, withhold_links
from tests.applying.builders import application, policy
from tests.conftest import Received, Sink
from tests.tasks import drop_queued_emails, run_queued_tasks

pytestmark = pytest.mark.django_db

LINK = re.compile(r"https?://[^/\s]+(/application/[A-Za-z0-9_-]+/)")


def text_of(received: Received) -> str:
    body = received.message.get_body(preferencelist=("plain",))
    assert body is not None
    return str(body.get_content())


def link_of(received: Received) -> str:
    match = LINK.search(text_of(received))
    assert match is not None
    return match.group(1)


def test_the_confirmation_link_opens_the_application_and_confirms_it(smtp: Sink) -> None:
    made = application(policy(), language="en")
    run_queued_tasks()

    [received] = smtp.received
    assert received.rcpt_tos == ["awa@riscn.example.org"]
    assert "Confirm your application" in str(received.message["Subject"])
    assert made.reference in text_of(received)
    assert "7 days" in text_of(received)
    path = link_of(received)
    client = Client()
    assert client.get(path).status_code == 200
    client.post(path + "confirm/")
    run_queued_tasks()

    assert [str(each.message["Subject"]) for each in smtp.received][1].startswith(
        "Application received"
    )
    assert made.reference in text_of(smtp.received[1])
    assert "/application/lost-link/" in text_of(smtp.received[1])


def test_a_new_link_replaces_the_one_sent_before(smtp: Sink) -> None:
    made = application(policy(), language="en")
    run_queued_tasks()
    first = link_of(smtp.received[0])
    applying.confirm_email(made)
    applying.resend_link("awa@riscn.example.org")
    run_queued_tasks()

    [new] = [each for each in smtp.received if "Your link" in str(each.message["Subject"])]
    assert Client().get(first).status_code == 404
    assert Client().get(link_of(new)).status_code == 200


def test_the_confirmation_is_not_sent_once_confirmed(smtp: Sink) -> None:
    made = application(policy())
    applying.confirm_email(made)
    run_queued_tasks()

    kinds = dict(OutboundMessage.objects.values_list("kind", "state"))
    assert kinds["application_confirmation"] == MessageState.CANCELLED
    assert kinds["application_received"] == MessageState.SENT


@pytest.mark.parametrize(
    ("status", "field", "text", "subject"),
    [
        (ApplicationStatus.INCOMPLETE, "missing", "The 2024 annual report.", "incomplete"),
        (
            ApplicationStatus.NOT_RECOMMENDED,
            "reasons",
            "Not active in the field.",
            "not recommended",
        ),
        (ApplicationStatus.RECOMMENDED, "", "", "is recommended"),
        (ApplicationStatus.ADMITTED, "", "", "is admitted"),
        (ApplicationStatus.NOT_ADMITTED, "reasons", "Outside the scope.", "not admitted"),
    ],
)
def test_the_review_tells_the_applicant_with_a_link(
    smtp: Sink, status: str, field: str, text: str, subject: str
) -> None:
    made = application(policy(), language="en")
    applying.confirm_email(made)
    drop_queued_emails()
    changes = {"status": status, **({field: text} if field else {})}
    Application.objects.filter(pk=made.pk).update(**changes)
    made.refresh_from_db()

    emails.queue_status_email(made)
    run_queued_tasks()

    [received] = smtp.received
    assert subject in str(received.message["Subject"])
    assert text in text_of(received)
    token = applicant_links.token_in(text_of(received))
    assert token is not None and applicant_links.is_live(token)


def test_news_out_of_date_when_written_is_not_sent(smtp: Sink) -> None:
    made = application(policy())
    applying.confirm_email(made)
    drop_queued_emails()
    Application.objects.filter(pk=made.pk).update(status=ApplicationStatus.RECOMMENDED)
    made.refresh_from_db()
    emails.queue_status_email(made)
    Application.objects.filter(pk=made.pk).update(status=ApplicationStatus.ADMITTED)

    run_queued_tasks()

    assert smtp.received == []
    assert OutboundMessage.objects.get().state == MessageState.CANCELLED


def test_statuses_the_applicant_is_not_told_queue_nothing() -> None:
    made = application(policy())
    drop_queued_emails()
    Application.objects.filter(pk=made.pk).update(status=ApplicationStatus.UNDER_REVIEW)
    made.refresh_from_db()

    emails.queue_status_email(made)

    assert not OutboundMessage.objects.exists()


def test_staff_read_an_applicants_email_in_the_mail_log(smtp: Sink, admin_client: Client) -> None:
    application(policy(), language="en")
    run_queued_tasks()
    row = OutboundMessage.objects.get()

    listing = admin_client.get("/mail-log/")
    message = admin_client.get(f"/mail-log/{row.pk}/")

    assert listing.status_code == message.status_code == 200
    assert "awa@riscn.example.org" in listing.content.decode()
    assert "Confirm your application" in message.content.decode()


def test_roles_reading_mail_without_links_see_the_applicants_link_withheld(smtp: Sink) -> None:
    application(policy(), language="en")
    run_queued_tasks()
    row = OutboundMessage.objects.get()

    withheld = withhold_links(row.body)

    assert applicant_links.token_in(row.body) is not None
    assert applicant_links.token_in(withheld) is None
    assert WITHHELD in withheld
