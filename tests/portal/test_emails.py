"""The emails a reply sends (delegations.tasks), through a real SMTP server: the
confirmation with its PDF summary, and a newly named focal point's own link."""

import io
import re

import pypdf
import pytest
from django.test import Client
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from summitdesk.core.audit import Actor
from summitdesk.core.enums import Channel
from summitdesk.correspondence import reply_links
from summitdesk.correspondence.models import OutboundMessage, ReplyLink
from summitdesk.correspondence.sending import link_expiry
from summitdesk.delegations import services, tasks
from summitdesk.delegations.models import Reply
from summitdesk.directory.models import Person
from tests.conftest import Sink
from tests.portal.builders import plain, submit_from_portal
from tests.portal.conftest import DELEGATION, Invited, posted
from tests.tasks import run_queued_tasks

pytestmark = pytest.mark.django_db


def pdf_words(content: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(content))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def test_submitting_sends_the_confirmation_with_the_summary_and_the_focal_points_link(
    acme: Invited, smtp: Sink
) -> None:
    submit_from_portal(acme)

    assert run_queued_tasks() == 1  # the outbox's: both emails

    by_subject = {received.message["Subject"]: received for received in smtp.received}
    assert sorted(by_subject) == [
        "Reply received: Acme Telecom, World Summit on the Information Society, first phase",
        "Your personal link to reply for Acme Telecom",
    ]
    confirmation = by_subject[
        "Reply received: Acme Telecom, World Summit on the Information Society, first phase"
    ]
    message = confirmation.message
    assert confirmation.mail_from == "no-reply@summitdesk.example.org"
    assert confirmation.rcpt_tos == ["jane.doe@example.org", "ceo@acme.example.org"]
    assert message["To"] == "jane.doe@example.org, ceo@acme.example.org"
    assert message["Reply-To"] == "wsis@itu.int"
    text = plain(message)
    assert (
        # Names isolated for direction (FSI ... PDI), as <bdi> in the HTML part.
        "We have received the reply of \u2068Acme Telecom\u2069 to the invitation to "
        "\u2068World Summit on the Information Society, first phase\u2069."
    ) in text
    assert "Designated focal point: Ms Jane Doe\n" in text
    assert "Estimated number of participants: 6 (6 named)\n" in text
    assert "Head of delegation: Amina Acmeceo (Chief executive)\n" in text
    assert "6 people named in the delegation.\n" in text
    assert "until 12 September 2099, 18:00 (Europe/Zurich)" in text
    [attachment] = list(message.iter_attachments())
    reply = Reply.objects.get(organisation=acme.organisation)
    assert attachment.get_filename() == f"reply-geneva-2003-{reply.pk}.pdf"
    assert attachment.get_content_type() == "application/pdf"
    content = attachment.get_payload(decode=True)
    assert isinstance(content, bytes)
    words = pdf_words(content)
    for given, family, _function in DELEGATION:
        assert f"{given} {family}" in words


def test_focal_point_link_email_carries_a_personal_link_that_opens_the_reply(
    acme: Invited, smtp: Sink
) -> None:
    submit_from_portal(acme)
    run_queued_tasks()

    [received] = [
        r
        for r in smtp.received
        if r.rcpt_tos == ["jane.doe@example.org"] and "link" in r.message["Subject"]
    ]
    text = plain(received.message)
    assert text.startswith(
        "Dear \u2068Ms Jane Doe\u2069,\n\nYou have been named focal point of \u2068Acme Telecom"
        "\u2069 for \u2068World Summit on the Information Society, first phase\u2069; your "
        "personal link:\nhttp://127.0.0.1:8000/reply/"
    )
    match = re.search(r"http://127\.0\.0\.1:8000/reply/([A-Za-z0-9_-]+)/", text)
    assert match is not None
    link = reply_links.find(match.group(1))
    assert link is not None
    person = Person.objects.get(email="jane.doe@example.org")
    assert (link.organisation_id, link.person_id) == (acme.organisation.pk, person.pk)
    assert link.expires_at == link_expiry(acme.reply.meeting)
    assert link.expires_at is not None and link.expires_at > timezone.now()
    html = Client().get(f"/reply/{match.group(1)}/").content.decode()
    assert "<dt>Link of</dt><dd><bdi>Ms Jane Doe</bdi></dd>" in html


def test_declining_sends_the_confirmation_to_the_chief_executive(acme: Invited, smtp: Sink) -> None:
    data = posted(action="submit", attending="no", decline_reason="Board meeting.")
    Client().post(acme.url, data)

    assert run_queued_tasks() == 1

    [received] = smtp.received
    assert received.rcpt_tos == ["ceo@acme.example.org"]
    assert "Your organisation declines the invitation.\nReason: Board meeting.\n" in plain(
        received.message
    )


def test_focal_point_link_is_not_sent_to_someone_no_longer_focal_point(
    acme: Invited, smtp: Sink
) -> None:
    reply = acme.reply
    jane = services.PersonData(given_name="Jane", family_name="Doe", email="jane@example.org")
    kofi = services.PersonData(given_name="Kofi", family_name="Mensah", email="kofi@example.org")
    actor = Actor(user=None, channel=Channel.PORTAL, label="test")
    services.save_reply(reply, services.ReplyData(focal_point=jane), submit=False, actor=actor)
    services.save_reply(reply, services.ReplyData(focal_point=kofi), submit=False, actor=actor)

    run_queued_tasks()

    assert [r.rcpt_tos for r in smtp.received] == [["kofi@example.org"]]
    assert ReplyLink.objects.filter(person__isnull=False).count() == 1


def test_emails_of_a_reply_that_is_gone_are_cancelled(acme: Invited, smtp: Sink) -> None:
    submit_from_portal(acme)
    OutboundMessage.objects.update(about_id=123456)

    run_queued_tasks()

    assert smtp.received == []
    assert sorted(OutboundMessage.objects.values_list("kind", "state", "last_error")) == [
        ("focal_point_link", "cancelled", "The reply is gone."),
        ("reply_confirmation", "cancelled", "The reply is gone."),
    ]


def test_tasks_an_older_version_enqueued_put_their_emails_in_the_outbox(
    acme: Invited, smtp: Sink
) -> None:
    submit_from_portal(acme)
    OutboundMessage.objects.all().delete()
    DBTaskResult.objects.all().delete()
    reply = Reply.objects.get(organisation=acme.organisation)
    assert reply.focal_point_id is not None

    tasks.send_reply_confirmation.enqueue(reply.pk)
    tasks.send_focal_point_link.enqueue(reply.pk, reply.focal_point_id)
    tasks.send_focal_point_link.enqueue(reply.pk, reply.focal_point_id + 1000)
    run_queued_tasks()

    assert sorted(r.rcpt_tos for r in smtp.received) == [
        ["jane.doe@example.org"],
        ["jane.doe@example.org", "ceo@acme.example.org"],
    ]
    assert tasks.send_reply_confirmation.call(123456) == {"queued": 0}
