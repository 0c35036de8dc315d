"""Dispatching a circular against a real SMTP server (aiosmtpd, started by the test):
messages, headers, attachments, retries, rejections, the sweep, staff actions, reminders,
reply links, the local outbox, the postal run."""

import datetime
import io
from email.message import EmailMessage as MimeMessage
from typing import Any
from zoneinfo import ZoneInfo

import pypdf
import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from pytest_django import Settings

from summitdesk.core.enums import Channel
from summitdesk.core.models import AuditEntry
from summitdesk.core.periodic import registered_jobs, run_due_jobs
from summitdesk.correspondence import compose, mailbox, outbox, reply_links, sending, services
from summitdesk.correspondence.enums import CircularStatus, MailingKind, MessageState
from summitdesk.correspondence.models import (
    Circular,
    Invitation,
    MailboxMessage,
    Mailing,
    OutboundMessage,
    ReplyLink,
)
from summitdesk.directory.enums import PositionRole
from summitdesk.directory.models import Organisation, Position
from tests.conftest import Sink, free_port
from tests.correspondence.builders import (
    SCRIPT_NAME,
    STAFF,
    dm1048,
    html_part,
    organisation,
    text_part,
)
from tests.tasks import run_queued_tasks

pytestmark = pytest.mark.django_db


class Clock:
    """A settable `now` for send_mailing, so that retries come due without waiting."""

    def __init__(self) -> None:
        self.now = timezone.now()

    def __call__(self) -> datetime.datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += datetime.timedelta(seconds=seconds)


def pdf_words(pdf: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def attachment(message: MimeMessage) -> tuple[str, bytes]:
    [part] = list(message.iter_attachments())
    content = part.get_payload(decode=True)
    assert isinstance(content, bytes)
    return str(part.get_filename()), content


def stored(row: OutboundMessage) -> bytes:
    """The row's stored letter."""
    with row.pdf.open("rb") as letter:
        return bytes(letter.read())


def row_of(org: Organisation, kind: str = MailingKind.LETTER) -> OutboundMessage:
    return OutboundMessage.objects.get(invitation__organisation=org, mailing__kind=kind)


def dispatched(orgs: list[Organisation], **changes: Any) -> tuple[Circular, Mailing]:
    circular = dm1048(orgs, **changes)
    return circular, services.dispatch_circular(circular, actor=STAFF)


def send(mailing: Mailing, clock: Clock | None = None) -> sending.SendReport:
    return sending.send_mailing(mailing.pk, worker_id="worker-1", now=clock or timezone.now)


# Dispatching


def test_dispatch_circular_sends_one_letter_per_organisation_with_email(smtp: Sink) -> None:
    orgs = [
        organisation("Ghana Telecommunications", acronym="GT", country="GH", address="Accra"),
        organisation("شركة الواحة للاتصالات", language="ar", country="SA", address="الرياض"),
        organisation("华信通信集团", acronym="HX", language="zh", country="CN", address="北京"),
        organisation("Ростелеком", language="ru", country="RU", address="Москва"),
        organisation(SCRIPT_NAME, acronym="XSS"),
        organisation("Télécoms sans courriel", email=False, country="SN", address="Dakar"),
    ]
    without_email = orgs[-1]
    circular, _mailing = dispatched(orgs)

    ran = run_queued_tasks()

    assert ran == services.SENDING_TASKS
    by_recipient = smtp.by_recipient()
    assert sorted(by_recipient) == sorted(f"ceo-{org.pk}@example.org" for org in orgs[:-1])
    assert [len(received) for received in by_recipient.values()] == [1] * 5
    for org in orgs[:-1]:
        row = row_of(org)
        [received] = by_recipient[f"ceo-{org.pk}@example.org"]
        message = received.message
        assert row.state == MessageState.SENT
        assert received.rcpt_tos == [f"ceo-{org.pk}@example.org", f"focal-{org.pk}@example.org"]
        assert received.mail_from == "no-reply@summitdesk.example.org"
        assert message["Cc"] == f"focal-{org.pk}@example.org"
        assert message["From"] == "SummitDesk <no-reply@summitdesk.example.org>"
        assert message["Reply-To"] == "wsis@itu.int"
        assert message["Subject"] == (
            "World Summit on the Information Society (WSIS), Geneva, Switzerland, "
            "10-12 December 2003"
        )
        assert message["Message-ID"] == row.message_id
        assert message["X-SummitDesk-Reference"] == "DM-1048"
        assert text_part(message) == row.body
        filename, pdf = attachment(message)
        assert filename == f"DM-1048-{org.acronym or org.pk}.pdf"
        assert pdf == stored(row)
        link = reply_links.find(token_of(row))
        assert link is not None
        assert link.organisation_id == org.pk
        url = reply_links.reply_url(token_of(row))
        words = pdf_words(pdf)
        assert url in words
        if org.language != "ar":  # extracted Arabic is garbled even when the page is right
            assert org.name in words
    html = html_part(by_recipient[f"ceo-{orgs[4].pk}@example.org"][0].message)
    assert "&lt;script&gt;alert(1)&lt;/script&gt; #panic(&quot;x&quot;)" in html
    assert "<script>" not in html
    assert row_of(without_email).state == MessageState.NO_ADDRESS
    assert ReplyLink.objects.count() == 5
    assert len({row.message_id for row in OutboundMessage.objects.all()} - {""}) == 5
    circular.refresh_from_db()
    assert circular.status == CircularStatus.DISPATCHED
    assert list(AuditEntry.objects.for_object(circular).values_list("action", flat=True)) == [
        "summitdesk.circular.sent",
        "summitdesk.circular.dispatched",
    ]


def test_dispatch_circular_cyrillic_and_chinese_names_print_in_the_letter(smtp: Sink) -> None:
    orgs = [
        organisation("Ростелеком", language="ru", country="RU", address="Москва"),
        organisation("华信通信集团", language="zh", country="CN", address="北京"),
    ]
    dispatched(orgs)

    run_queued_tasks()

    for org in orgs:
        [received] = smtp.by_recipient()[f"ceo-{org.pk}@example.org"]
        _name, pdf = attachment(received.message)
        assert org.name in pdf_words(pdf)
        assert org.name in text_part(received.message)


def test_dispatch_circular_with_mailbox_backend_keeps_messages_in_the_outbox(
    settings: Settings,
) -> None:
    settings.EMAIL_BACKEND = "summitdesk.correspondence.mailbox.MailboxBackend"
    orgs = [organisation("Ghana Telecom", acronym="GT"), organisation("Swisscom", acronym="SC")]
    _circular, mailing = dispatched(orgs)

    run_queued_tasks()

    kept = list(MailboxMessage.objects.order_by("id"))
    assert [message.recipients for message in kept] == [
        [f"ceo-{org.pk}@example.org", f"focal-{org.pk}@example.org"] for org in orgs
    ]
    assert [message.message_id for message in kept] == [row_of(org).message_id for org in orgs]
    read = mailbox.read(kept[0])
    assert read.text == row_of(orgs[0]).body
    assert "Ghana Telecom" in read.html
    [letter] = read.attachments
    assert (letter.filename, letter.content_type) == ("DM-1048-GT.pdf", "application/pdf")
    assert letter.content == stored(row_of(orgs[0]))
    assert services.circular_status(mailing.circular)["sent"] == 2


def test_send_mailing_twice_sends_nothing_more(smtp: Sink) -> None:
    _circular, mailing = dispatched([organisation("Ghana Telecom")])
    send(mailing)

    report = send(mailing)

    assert report == sending.SendReport()
    assert len(smtp.received) == 1


def test_claim_rows_taken_by_one_worker_are_not_taken_by_another() -> None:
    orgs = [organisation(f"Organisation {number}") for number in range(3)]
    _circular, mailing = dispatched(orgs)
    now = timezone.now()

    first, _ = sending.claim(mailing.pk, worker_id="a", limit=2, now=now)
    second, _ = sending.claim(mailing.pk, worker_id="b", limit=2, now=now)
    third, found = sending.claim(mailing.pk, worker_id="c", limit=2, now=now)

    assert [row.letter_invitation.organisation for row in first] == orgs[:2]
    assert [row.letter_invitation.organisation for row in second] == orgs[2:]
    assert (third, found) == ([], False)


# SMTP failures


def test_send_mailing_temporary_failures_are_retried_then_sent_once(smtp: Sink) -> None:
    org = organisation("Ghana Telecom")
    circular, mailing = dispatched([org])
    smtp.replies = ["451 4.3.0 Try again later", "451 4.3.0 Try again later"]
    clock = Clock()

    first = send(mailing, clock)
    row = row_of(org)
    assert (row.state, row.attempts, row.last_error) == (
        MessageState.QUEUED,
        1,
        "451 4.3.0 Try again later",
    )
    assert row.next_attempt_at == clock.now + datetime.timedelta(seconds=30)
    too_soon = send(mailing, clock)
    clock.advance(30)
    second = send(mailing, clock)
    clock.advance(60)
    third = send(mailing, clock)

    row.refresh_from_db()
    assert (first.retrying, too_soon.retrying, second.retrying, third.sent) == (1, 0, 1, 1)
    assert (row.state, row.attempts, row.last_error) == (MessageState.SENT, 2, "")
    assert smtp.conversations == 3
    assert len(smtp.received) == 1
    circular.refresh_from_db()
    assert circular.status == CircularStatus.DISPATCHED


def test_send_mailing_temporary_failure_enqueues_a_task_for_the_retry(smtp: Sink) -> None:
    org = organisation("Ghana Telecom")
    _circular, mailing = dispatched([org])
    DBTaskResult.objects.all().delete()  # as if the dispatch's tasks had run
    smtp.replies = ["421 4.7.0 Too many connections"]

    send(mailing)

    [task] = DBTaskResult.objects.all()
    assert task.task_path == "summitdesk.correspondence.tasks.send_mailing"
    assert task.args_kwargs == {"args": [mailing.pk], "kwargs": {}}
    assert task.run_after == row_of(org).next_attempt_at


def test_send_mailing_permanent_rejection_fails_at_once_without_retry(smtp: Sink) -> None:
    org = organisation("Ghana Telecom")
    circular, mailing = dispatched([org])
    smtp.replies = ["554 5.7.1 Message rejected as spam"]
    clock = Clock()

    report = send(mailing, clock)
    clock.advance(3600)
    send(mailing, clock)

    row = row_of(org)
    assert report.failed == 1
    assert (row.state, row.attempts, row.next_attempt_at) == (MessageState.FAILED, 1, None)
    assert row.last_error == "554 5.7.1 Message rejected as spam"
    assert smtp.conversations == 1
    assert smtp.received == []
    circular.refresh_from_db()
    assert circular.status == CircularStatus.DISPATCHED
    assert services.circular_status(circular)["failed"] == 1


def test_send_mailing_recipient_refused_permanently_fails_with_the_servers_words(
    smtp: Sink,
) -> None:
    org = organisation("Ghana Telecom", focal_point=False)
    _circular, mailing = dispatched([org])
    smtp.refused = {f"ceo-{org.pk}@example.org": "550 5.1.1 No such user"}

    send(mailing)

    row = row_of(org)
    assert row.state == MessageState.FAILED
    assert row.last_error == f"ceo-{org.pk}@example.org: 550 5.1.1 No such user"


def test_send_mailing_refused_copy_still_sends_to_the_chief_executive(smtp: Sink) -> None:
    org = organisation("Ghana Telecom")
    _circular, mailing = dispatched([org])
    smtp.refused = {f"focal-{org.pk}@example.org": "550 5.1.1 No such user"}

    send(mailing)

    assert row_of(org).state == MessageState.SENT
    assert [received.rcpt_tos for received in smtp.received] == [[f"ceo-{org.pk}@example.org"]]


def test_send_mailing_after_max_attempts_fails_with_the_last_message(
    smtp: Sink, settings: Settings
) -> None:
    settings.SUMMITDESK_MAIL_MAX_ATTEMPTS = 3
    org = organisation("Ghana Telecom")
    _circular, mailing = dispatched([org])
    smtp.replies = ["452 4.2.2 Mailbox full"] * 10
    clock = Clock()

    for _attempt in range(5):
        send(mailing, clock)
        clock.advance(3600)

    row = row_of(org)
    assert (row.state, row.attempts) == (MessageState.FAILED, 3)
    assert row.last_error == "452 4.2.2 Mailbox full"
    assert smtp.conversations == 3


def test_send_mailing_unreachable_server_queues_the_batch_for_later(settings: Settings) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", free_port()  # nobody listens
    orgs = [organisation("Ghana Telecom"), organisation("Swisscom")]
    _circular, mailing = dispatched(orgs)
    DBTaskResult.objects.all().delete()
    clock = Clock()

    report = send(mailing, clock)

    rows = [row_of(org) for org in orgs]
    assert report.retrying == 2
    assert [(row.state, row.attempts) for row in rows] == [(MessageState.QUEUED, 1)] * 2
    assert all("Connection refused" in row.last_error for row in rows)
    assert all(row.pdf for row in rows[:1])  # the first was written before connecting
    [task] = DBTaskResult.objects.all()
    assert task.run_after == clock.now + datetime.timedelta(seconds=30)


def test_send_mailing_invalid_address_fails_without_a_conversation(smtp: Sink) -> None:
    org = organisation("Ghana Telecom")
    _circular, mailing = dispatched([org])
    OutboundMessage.objects.filter(invitation__organisation=org).update(to=["not an address"])

    send(mailing)

    row = row_of(org)
    assert (row.state, row.last_error) == (
        MessageState.FAILED,
        "Invalid email address: not an address",
    )
    assert smtp.conversations == 0
    assert ReplyLink.objects.count() == 0


def test_send_mailing_letter_that_cannot_be_written_fails_with_the_reason(smtp: Sink) -> None:
    org = organisation("Ghana Telecom")
    circular, mailing = dispatched([org])
    circular.texts.all().delete()

    send(mailing)

    row = row_of(org)
    assert row.state == MessageState.FAILED
    assert row.last_error == (
        "The letter could not be written: Circular DM-1048 has no text in English, nor in en."
    )
    assert smtp.conversations == 0


def test_throttle_spaces_messages_by_the_rate() -> None:
    moments: list[float] = []
    now = [100.0]

    def sleep(seconds: float) -> None:
        now[0] += seconds

    throttle = sending.Throttle(4.0, clock=lambda: now[0], sleep=sleep)
    for _message in range(3):
        throttle.wait()
        moments.append(now[0])

    assert moments == [100.0, 100.25, 100.5]


def test_send_mailing_with_a_rate_waits_between_messages(
    smtp: Sink, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.SUMMITDESK_MAIL_RATE = 20.0
    orgs = [organisation(f"Organisation {number}") for number in range(3)]
    _circular, mailing = dispatched(orgs)
    send(mailing)  # warm: the first render loads the fonts

    started = datetime.datetime.now()
    OutboundMessage.objects.update(state=MessageState.QUEUED)
    send(mailing)

    assert datetime.datetime.now() - started >= datetime.timedelta(seconds=0.1)
    assert len(smtp.received) == 6


# The sweep: killed workers


def test_sweep_expired_sending_is_in_doubt_and_expired_claim_is_queued_again() -> None:
    orgs = [organisation("Claimed"), organisation("Sending"), organisation("Fresh")]
    _circular, mailing = dispatched(orgs)
    past = timezone.now() - datetime.timedelta(seconds=1)
    future = timezone.now() + datetime.timedelta(minutes=1)
    OutboundMessage.objects.filter(invitation__organisation=orgs[0]).update(
        state=MessageState.CLAIMED, claimed_by="dead", claimed_until=past
    )
    OutboundMessage.objects.filter(invitation__organisation=orgs[1]).update(
        state=MessageState.SENDING, claimed_by="dead", claimed_until=past
    )
    OutboundMessage.objects.filter(invitation__organisation=orgs[2]).update(
        state=MessageState.SENDING, claimed_by="alive", claimed_until=future
    )
    DBTaskResult.objects.all().delete()

    report = sending.sweep()

    assert (report.requeued, report.in_doubt, report.tasks_enqueued) == (1, 1, 1)
    assert [row_of(org).state for org in orgs] == [
        MessageState.QUEUED,
        MessageState.IN_DOUBT,
        MessageState.SENDING,
    ]
    assert row_of(orgs[1]).last_error.startswith("The worker stopped during the SMTP conversation")
    [entry] = AuditEntry.objects.filter(action="summitdesk.message.in_doubt")
    assert (entry.organisation_id, entry.changes) == (
        orgs[1].pk,
        {"state": ["sending", "in_doubt"]},
    )
    [task] = DBTaskResult.objects.all()
    assert task.args_kwargs == {"args": [mailing.pk], "kwargs": {}}


def test_sweep_with_a_task_waiting_enqueues_no_other() -> None:
    _circular, _mailing = dispatched([organisation("Ghana Telecom")])

    report = sending.sweep()

    assert report.tasks_enqueued == 0
    assert DBTaskResult.objects.count() == services.SENDING_TASKS


def test_sweep_finishes_a_circular_whose_last_letter_is_in_doubt() -> None:
    org = organisation("Ghana Telecom")
    circular, _mailing = dispatched([org])
    OutboundMessage.objects.update(
        state=MessageState.SENDING, claimed_until=timezone.now() - datetime.timedelta(seconds=1)
    )

    report = sending.sweep()

    circular.refresh_from_db()
    assert report.circulars_finished == 1
    assert circular.status == CircularStatus.DISPATCHED


def test_send_mailing_claim_expired_and_retaken_leaves_the_row_to_the_new_holder(
    smtp: Sink,
) -> None:
    org = organisation("Ghana Telecom")
    _circular, mailing = dispatched([org])
    now = timezone.now()
    sending.claim(mailing.pk, worker_id="slow", limit=5, now=now - datetime.timedelta(hours=1))
    sending.sweep(now=now)
    [row], _found = sending.claim(mailing.pk, worker_id="fast", limit=5, now=now)

    slow = sending._Sender(
        compose.MailingContext.load(mailing.pk), worker_id="slow", now=timezone.now
    )
    slow.process(row)

    assert slow.report.lost == 1
    assert row_of(org).state == MessageState.CLAIMED
    assert row_of(org).pdf.name == ""
    assert smtp.received == []
    assert ReplyLink.objects.count() == 0


# Staff actions


def in_doubt(org: Organisation) -> OutboundMessage:
    OutboundMessage.objects.filter(invitation__organisation=org).update(
        state=MessageState.IN_DOUBT, claimed_by="dead"
    )
    return row_of(org)


def test_confirm_sent_in_doubt_letter_is_recorded_sent() -> None:
    org = organisation("Ghana Telecom")
    _circular, _mailing = dispatched([org])

    outbox.confirm_sent(in_doubt(org), actor=STAFF)

    row = row_of(org)
    assert row.state == MessageState.SENT
    assert row.sent_at is not None
    [entry] = AuditEntry.objects.filter(action="summitdesk.message.confirmed_sent")
    assert (entry.actor_label, entry.channel, entry.changes) == (
        "secretary",
        Channel.BACKOFFICE,
        {"state": ["in_doubt", "sent"]},
    )


def test_resend_in_doubt_letter_sends_the_same_letter_again(smtp: Sink) -> None:
    org = organisation("Ghana Telecom")
    _circular, mailing = dispatched([org])
    send(mailing)
    first = row_of(org)

    outbox.resend(in_doubt(org), actor=STAFF)
    run_queued_tasks()

    row = row_of(org)
    assert row.state == MessageState.SENT
    assert [received.message["Message-ID"] for received in smtp.received] == [
        first.message_id,
        first.message_id,
    ]
    assert attachment(smtp.received[1].message)[1] == attachment(smtp.received[0].message)[1]
    assert ReplyLink.objects.count() == 1
    assert AuditEntry.objects.filter(action="summitdesk.message.resent").count() == 1


def test_resend_letter_not_in_doubt_is_refused() -> None:
    org = organisation("Ghana Telecom")
    _circular, _mailing = dispatched([org])

    with pytest.raises(sending.SendingError, match="is Queued, not in doubt"):
        outbox.resend(row_of(org), actor=STAFF)

    assert AuditEntry.objects.filter(action="summitdesk.message.resent").count() == 0


def test_retry_failed_letter_goes_to_the_corrected_address(smtp: Sink) -> None:
    org = organisation("Ghana Telecom", focal_point=False)
    _circular, mailing = dispatched([org])
    smtp.refused = {f"ceo-{org.pk}@example.org": "550 5.1.1 No such user"}
    send(mailing)
    ceo = Position.objects.get(organisation=org, role=PositionRole.CHIEF_EXECUTIVE).person
    ceo.email = "amina.diallo@example.org"
    ceo.save()

    outbox.retry(row_of(org), actor=STAFF)
    run_queued_tasks()

    row = row_of(org)
    assert (row.state, row.to, row.attempts) == (
        MessageState.SENT,
        ["amina.diallo@example.org"],
        0,
    )
    assert [received.rcpt_tos for received in smtp.received] == [["amina.diallo@example.org"]]
    [entry] = AuditEntry.objects.filter(action="summitdesk.message.retried")
    assert entry.changes == {
        "state": ["failed", "queued"],
        "to": [[f"ceo-{org.pk}@example.org"], ["amina.diallo@example.org"]],
    }


def test_mark_posted_letter_without_email_records_how() -> None:
    org = organisation("Télécoms sans courriel", email=False)
    _circular, _mailing = dispatched([org])

    outbox.mark_posted(row_of(org), how="fax", actor=STAFF)

    row = row_of(org)
    assert row.state == MessageState.POSTED
    [entry] = AuditEntry.objects.filter(action="summitdesk.message.posted")
    assert entry.changes == {"state": ["no_address", "posted"], "how": [None, "fax"]}
    assert services.circular_status(row.letter_mailing.circular)["posted"] == 1


def test_mark_posted_sent_letter_is_refused() -> None:
    org = organisation("Ghana Telecom")
    _circular, mailing = dispatched([org])
    send(mailing)

    with pytest.raises(sending.SendingError, match="is Sent: it cannot be marked as posted"):
        outbox.mark_posted(row_of(org), how="post", actor=STAFF)


def test_combined_pdf_prints_letters_without_email_with_live_links() -> None:
    orgs = [
        organisation("Télécoms du Sahel", email=False, country="ML", address="Bamako"),
        organisation("Congo Télécom", email=False, country="CG", address="Brazzaville"),
    ]
    _circular, _mailing = dispatched(orgs)
    rows = [row_of(org) for org in orgs]

    first = outbox.combined_pdf(rows)
    again = outbox.combined_pdf(rows)

    reader = pypdf.PdfReader(io.BytesIO(first))
    assert len(reader.pages) == 2
    words = pdf_words(first)
    for row in rows:
        row.refresh_from_db()
        token = token_of(row)
        link = reply_links.find(token)
        assert link is not None
        assert link.organisation_id == row.letter_invitation.organisation_id
        assert reply_links.reply_url(token) in words
        assert row.letter_invitation.organisation.name in words
        assert row.state == MessageState.NO_ADDRESS
    assert ReplyLink.objects.count() == 2  # printing again reuses the links
    assert pdf_words(again) == words


def test_combined_pdf_letter_going_by_email_is_refused() -> None:
    org = organisation("Ghana Telecom")
    _circular, _mailing = dispatched([org])

    with pytest.raises(sending.SendingError, match="goes by email"):
        outbox.combined_pdf([row_of(org)])


def test_letter_pdf_is_the_stored_letter_of_the_invitation(smtp: Sink) -> None:
    org, other = organisation("Ghana Telecom"), organisation("Swisscom")
    _circular, mailing = dispatched([org, other])
    invitation = Invitation.objects.get(organisation=org)
    assert outbox.letter_pdf(invitation) is None

    send(mailing)

    assert outbox.letter_pdf(invitation) == stored(row_of(org))
    assert outbox.letter_pdf(invitation) != stored(row_of(other))


# Reply links and reminders


def token_of(row: OutboundMessage) -> str:
    token = compose.token_in(row.body)
    assert token is not None
    return token


def test_send_reminders_carry_a_new_link_and_the_old_one_stays_valid(smtp: Sink) -> None:
    replied, silent = organisation("Replied"), organisation("Silent")
    circular, mailing = dispatched([replied, silent])
    send(mailing)
    circular.refresh_from_db()
    Invitation.objects.filter(organisation=replied).update(replied_at=timezone.now())

    assert services.reminder_count(circular) == 1
    reminders = services.send_reminders(circular, actor=STAFF)
    run_queued_tasks()

    letter, reminder = row_of(silent), row_of(silent, MailingKind.REMINDER)
    assert list(reminders.messages.values_list("invitation__organisation", flat=True)) == [
        silent.pk
    ]
    assert token_of(reminder) != token_of(letter)
    assert reply_links.find(token_of(letter)) is not None
    assert reply_links.find(token_of(reminder)) is not None
    message = smtp.by_recipient()[f"ceo-{silent.pk}@example.org"][1].message
    assert message["Subject"] == (
        "Reminder: World Summit on the Information Society (WSIS), Geneva, Switzerland, "
        "10-12 December 2003 (Ref. DM-1048 of 9 July 2003)"
    )
    assert message["In-Reply-To"] == letter.message_id
    assert reply_links.reply_url(token_of(reminder)) in pdf_words(attachment(message)[1])
    assert services.circular_status(circular, reminders)["sent"] == 1


def test_reissue_reply_link_revokes_the_earlier_links(smtp: Sink) -> None:
    org = organisation("Ghana Telecom")
    _circular, mailing = dispatched([org])
    send(mailing)
    sent_token = token_of(row_of(org))
    invitation = Invitation.objects.get(organisation=org)

    token = outbox.reissue_reply_link(invitation, actor=STAFF)

    assert reply_links.find(sent_token) is None
    link = reply_links.find(token)
    assert link is not None
    assert (link.organisation_id, link.invitation_id) == (org.pk, invitation.pk)
    # 30 days after the meeting's last day, midnight in Geneva.
    end = invitation.circular.meeting.end_date
    assert end is not None
    assert link.expires_at == datetime.datetime.combine(
        end + datetime.timedelta(days=31), datetime.time(), tzinfo=ZoneInfo("Europe/Zurich")
    )
    [entry] = AuditEntry.objects.filter(action="summitdesk.reply_link.reissued")
    assert (entry.organisation_id, entry.note) == (org.pk, "1 earlier links revoked")


# The periodic sweep, as the workers run it


def test_sweep_outbox_runs_every_minute_in_the_workers() -> None:
    org = organisation("Ghana Telecom")
    _circular, _mailing = dispatched([org])
    DBTaskResult.objects.all().delete()
    OutboundMessage.objects.update(
        state=MessageState.CLAIMED,
        claimed_by="dead",
        claimed_until=timezone.now() - datetime.timedelta(seconds=1),
    )
    jobs = {job.name: job for job in registered_jobs()}

    started = run_due_jobs(timezone.now(), jobs=[jobs["sweep-outbox"]])
    ran = run_queued_tasks()

    assert jobs["sweep-outbox"].every == datetime.timedelta(minutes=1)
    assert (started, ran) == (["sweep-outbox"], 2)  # the sweep, then the sending it enqueued
    assert row_of(org).state == MessageState.SENT
