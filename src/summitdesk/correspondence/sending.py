"""Sending a mailing: the outbox's state machine (enums.MessageState), run by the workers,
and the staff actions on letters that did not simply go.

Each outbox row moves queued -> claimed -> sending -> sent by conditional UPDATEs that name
the state they leave and the worker that holds the row, so whichever workers run, on
whatever hosts, a row advances once and a worker that lost a row (its claim expired and
another took it) notices and leaves it:

1. claim: one UPDATE takes up to `batch` due rows (queued, no retry pending) for a lease;
2. render: the reply link is chosen, the letter written and stored with the email's
   subject, body and Message-ID, in one transaction with the link's hash. The token then
   exists only in that letter and email; a row claimed again later reuses them;
3. sending: committed before the SMTP conversation begins, so that a worker killed from
   here on leaves a row that the sweep shows "in doubt" (the server may have accepted it)
   rather than one sent again silently;
4. sent, with the time.

A worker killed before 3 loses nothing: the claim expires, the sweep (a periodic job) puts
the row back in the queue and enqueues a task to send it. django-tasks-db never restarts
a task whose worker died, which is why the sweep, not the queue, resumes the work.

While one row is stored and sent, a thread of the worker writes the next row's letter (its
token, text and PDF: no query, nothing stored): Typst releases the GIL, so the compiling
fills the time spent waiting for the database and the SMTP server. Nothing of it is kept
before that row reaches step 2 in its turn, so the steps above happen as described.

SMTP failures: a temporary one (4xx, connection lost or refused, timeout) puts the row
back in the queue for a later attempt, after 30 s, 1, 2, 4... minutes; after
SUMMITDESK_MAIL_MAX_ATTEMPTS attempts, or at once for a permanent one (5xx) or an address
that cannot be used, it is failed with the server's message, for staff to see.
"""

import logging
import smtplib
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from datetime import time as day_time
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.mail import EmailMessage, get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.core.validators import validate_email
from django.db import DatabaseError, connections, transaction
from django.db.models import Min, Prefetch, Q
from django.utils import timezone
from django.utils.crypto import get_random_string
from django.utils.translation import gettext as _
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult, get_date_max

from summitdesk.core import audit
from summitdesk.core.audit import Actor
from summitdesk.correspondence import compose, services, tasks
from summitdesk.correspondence.enums import CircularStatus, MailingKind, MessageState
from summitdesk.correspondence.errors import CircularError
from summitdesk.correspondence.letters import Letter, render_letter
from summitdesk.correspondence.models import (
    Circular,
    Mailing,
    OutboundMessage,
    ReplyLink,
)
from summitdesk.directory.enums import PositionRole
from summitdesk.directory.models import Position
from summitdesk.lib import faults
from summitdesk.lib.tokens import hash_token, new_token
from summitdesk.meetings.models import Meeting

logger = logging.getLogger(__name__)

#: Rows a worker claims at once: small enough that its lease covers rendering and sending
#: them all, large enough that claiming costs little per letter.
BATCH = 20
#: Pause before the n-th retry: 30 s, 1 min, 2 min... at most an hour.
BACKOFF_BASE = timedelta(seconds=30)
BACKOFF_CAP = timedelta(hours=1)
#: Reply links stay usable this long after the meeting's last day.
LINK_LIFETIME_AFTER_MEETING = timedelta(days=30)

SYSTEM = Actor.system("send-mailing")

#: States in which a row is still on its way: a mailing is done when it has none.
UNFINISHED = (MessageState.QUEUED, MessageState.CLAIMED, MessageState.SENDING)
#: Rows that go on paper: printed in the postal and fax run.
PRINTABLE = (MessageState.NO_ADDRESS, MessageState.POSTED, MessageState.FAILED)

Clock = Callable[[], datetime]


@dataclass
class SendReport:
    """What one run of send_mailing did (returned by the task, for the logs)."""

    sent: int = 0
    retrying: int = 0
    failed: int = 0
    # Rows another worker took over while this one held them (its claim had expired).
    lost: int = 0
    # Emails no longer wanted when their turn came (see correspondence.messages).
    cancelled: int = 0

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


@dataclass
class SweepReport:
    requeued: int = 0
    in_doubt: int = 0
    tasks_enqueued: int = 0
    circulars_finished: int = 0

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


class Throttle:
    """At most `rate` messages a second from this worker (0: no limit)."""

    def __init__(
        self,
        rate: float,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.interval = 1.0 / rate if rate > 0 else 0.0
        self.clock = clock
        self.sleep = sleep
        self.next_at: float | None = None

    def wait(self) -> None:
        if not self.interval:
            return
        now = self.clock()
        if self.next_at is not None and self.next_at > now:
            self.sleep(self.next_at - now)
            now = self.next_at
        self.next_at = now + self.interval


def lease() -> timedelta:
    return timedelta(seconds=settings.SUMMITDESK_MAIL_LEASE_SECONDS)


def backoff(attempts: int) -> timedelta:
    """The pause after the `attempts`-th failed attempt."""
    return min(BACKOFF_BASE * (1 << min(max(attempts - 1, 0), 16)), BACKOFF_CAP)


def link_expiry(meeting: Meeting) -> datetime | None:
    """Reply links expire 30 days after the meeting's last day (its own time zone)."""
    if meeting.end_date is None:
        return None
    day_after = datetime.combine(
        meeting.end_date + timedelta(days=1), day_time.min, tzinfo=ZoneInfo(meeting.time_zone)
    )
    return day_after + LINK_LIFETIME_AFTER_MEETING


def _of(mailing_id: int | None) -> Q:
    """The rows of the mailing; None: of no mailing (the emails that are not letters)."""
    return Q(mailing__isnull=True) if mailing_id is None else Q(mailing_id=mailing_id)


def _due(now: datetime) -> Q:
    return Q(state=MessageState.QUEUED) & (
        Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
    )


def claim(
    mailing_id: int | None, *, worker_id: str, limit: int, now: datetime
) -> tuple[list[OutboundMessage], bool]:
    """Claim up to `limit` due rows of the mailing (None: of no mailing, the emails that
    are not letters); returns (rows claimed, any were due).

    One conditional UPDATE: rows another worker claimed between the SELECT and the UPDATE
    are no longer queued and so are not taken twice, on SQLite and PostgreSQL alike.
    """
    ids = list(
        OutboundMessage.objects.filter(_due(now), _of(mailing_id))
        .order_by("id")
        .values_list("pk", flat=True)[:limit]
    )
    if not ids:
        return [], False
    OutboundMessage.objects.filter(pk__in=ids, state=MessageState.QUEUED).update(
        state=MessageState.CLAIMED,
        claimed_by=worker_id,
        claimed_until=now + lease(),
        updated_at=now,
    )
    rows = list(
        OutboundMessage.objects.filter(pk__in=ids, state=MessageState.CLAIMED, claimed_by=worker_id)
        .select_related("invitation__organisation", "organisation")
        .prefetch_related(
            Prefetch(
                "invitation__organisation__positions",
                queryset=Position.objects.filter(role=PositionRole.CHIEF_EXECUTIVE).select_related(
                    "person"
                ),
            )
        )
        .order_by("id")
    )
    return rows, True


class SendingError(CircularError):
    """A staff action on a letter refused (its state does not allow it), with a message
    for the person who asked."""


@dataclass(frozen=True)
class Failure:
    permanent: bool
    message: str


def _text(value: bytes | str) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)


def classify(error: BaseException) -> Failure | None:
    """Whether a sending error is permanent, with the server's own words; None when the
    error is not one a mail server or network causes (a bug: better in doubt than resent).
    """
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        # Raised only when every recipient was refused; each with its own reply.
        codes = [code for code, _reply in error.recipients.values()]
        message = "; ".join(
            f"{address}: {code} {_text(reply)}"
            for address, (code, reply) in error.recipients.items()
        )
        return Failure(
            permanent=bool(codes) and all(code >= 500 for code in codes), message=message
        )
    if isinstance(error, smtplib.SMTPResponseException):
        return Failure(
            permanent=error.smtp_code >= 500,
            message=f"{error.smtp_code} {_text(error.smtp_error)}".strip(),
        )
    if isinstance(error, smtplib.SMTPNotSupportedError):
        return Failure(permanent=True, message=str(error))
    if isinstance(error, smtplib.SMTPException | OSError):
        # Disconnected, refused, timed out, TLS: the server or the network, for now. A
        # connection lost after the final "." but before the server's reply could hide an
        # accepted message (RFC 1047); smtplib cannot tell that moment from the others,
        # and the practice of mail software, which this follows, is to try again.
        return Failure(permanent=False, message=str(error) or type(error).__name__)
    if isinstance(error, ValueError):
        # Django refuses, before any SMTP command, an address it cannot encode.
        return Failure(permanent=True, message=_("Invalid address: %(error)s") % {"error": error})
    return None


def address_problem(row: OutboundMessage) -> str:
    """Why the row's addresses cannot be used, or ""."""
    if not row.to:
        return _("No email address to send to.")
    for address in [*row.to, *row.cc]:
        try:
            validate_email(address)
        except ValidationError:
            return _("Invalid email address: %(address)s") % {"address": address}
    return ""


@dataclass(frozen=True)
class _Written:
    """A row's letter, written but not yet stored: its reply link exists nowhere else."""

    token: str
    letter: Letter
    pdf: bytes


class Outbox:
    """One run of a worker over the outbox: one SMTP connection, rows claimed in batches
    and taken through the states of the module's docstring. `prepare` (a letter's or an
    email's) is what differs between the kinds of rows."""

    #: The mailing whose rows this run sends; None: the emails of no mailing.
    mailing_id: int | None = None

    def __init__(self, *, worker_id: str, now: Clock) -> None:
        self.worker_id = worker_id
        self.now = now
        self.report = SendReport()
        self.throttle = Throttle(settings.SUMMITDESK_MAIL_RATE)
        self.connection: BaseEmailBackend = get_connection()
        # Set when the SMTP server cannot be reached, with its reason: the run stops.
        self.unreachable = False
        self.unreachable_message = ""

    def run(self, batch: int) -> None:
        try:
            while not self.unreachable:
                rows, found = claim(
                    self.mailing_id, worker_id=self.worker_id, limit=batch, now=self.now()
                )
                if not found:
                    break
                for index, row in enumerate(rows):
                    faults.point("after-claim")
                    self.process(row, following=rows[index + 1] if index + 1 < len(rows) else None)
                    if self.unreachable:
                        # Not one more connection attempt per letter: the rest of the
                        # batch waits with this one, and the next run tries again.
                        for waiting in rows[index + 1 :]:
                            self.fail(
                                waiting,
                                Failure(permanent=False, message=self.unreachable_message),
                                leaving=(MessageState.CLAIMED,),
                            )
                        break
        finally:
            self.finish()
            self.disconnect()

    def finish(self) -> None:
        """What a run leaves behind when it ends, however it ends."""

    def prepare(
        self, row: OutboundMessage, following: OutboundMessage | None
    ) -> EmailMessage | None:
        """The email of a claimed row, written and stored if it was not yet; None when the
        row is settled otherwise (failed, cancelled, or lost to another worker)."""
        raise NotImplementedError

    # The steps of one row.

    def process(self, row: OutboundMessage, following: OutboundMessage | None = None) -> None:
        try:
            email = self.prepare(row, following)
        except DatabaseError:
            raise
        except Exception as error:  # whatever breaks a letter breaks it for every attempt
            logger.exception("Letter %s could not be written", row.pk)
            message = _("The letter could not be written: %(error)s") % {"error": error}
            self.fail(
                row, Failure(permanent=True, message=message), leaving=(MessageState.CLAIMED,)
            )
            return
        if email is None:
            return
        if not self.connect(row):
            return
        self.throttle.wait()
        if not self.mark_sending(row):
            self.report.lost += 1
            return
        faults.point("before-smtp")
        try:
            self.connection.send_messages([email])
        except Exception as error:
            failure = classify(error)
            # The conversation is in an unknown state: the next letter starts a new one.
            self.disconnect()
            if failure is None:
                raise  # the row stays "sending" and the sweep shows it in doubt
            self.fail(
                row,
                failure,
                leaving=(MessageState.SENDING, MessageState.IN_DOUBT),
                attempted=True,
            )
            return
        faults.point("after-smtp")
        self.mark_sent(row)

    def address_problem(self, row: OutboundMessage) -> str:
        return address_problem(row)

    def refuse_address(self, row: OutboundMessage) -> bool:
        """Fail the row for good when its addresses cannot be used; returns whether it did."""
        problem = self.address_problem(row)
        if problem:
            self.fail(
                row, Failure(permanent=True, message=problem), leaving=(MessageState.CLAIMED,)
            )
        return bool(problem)

    def connect(self, row: OutboundMessage) -> bool:
        """Open the SMTP connection before the row is marked as sending: a server that
        cannot be reached has received nothing, so the row is simply tried again later."""
        try:
            self.connection.open()
        except Exception as error:
            failure = classify(error)
            if failure is None:
                raise
            self.unreachable = True
            self.unreachable_message = failure.message
            # A server that turns us away at the door is unavailable, not refusing the letter.
            self.fail(
                row,
                Failure(permanent=False, message=failure.message),
                leaving=(MessageState.CLAIMED,),
            )
            return False
        return True

    def disconnect(self) -> None:
        try:
            self.connection.close()
        except (smtplib.SMTPException, OSError):
            logger.warning("Closing the SMTP connection failed", exc_info=True)

    def mark_sending(self, row: OutboundMessage) -> bool:
        """Committed before the first SMTP command; False when the row is no longer ours."""
        now = self.now()
        return (
            OutboundMessage.objects.filter(
                pk=row.pk, state=MessageState.CLAIMED, claimed_by=self.worker_id
            ).update(state=MessageState.SENDING, claimed_until=now + lease(), updated_at=now)
            == 1
        )

    def mark_sent(self, row: OutboundMessage) -> None:
        now = self.now()
        # In doubt too: the sweep may have given up on a slow conversation that did end.
        recorded = OutboundMessage.objects.filter(
            pk=row.pk,
            claimed_by=self.worker_id,
            state__in=[MessageState.SENDING, MessageState.IN_DOUBT],
        ).update(
            state=MessageState.SENT,
            sent_at=now,
            claimed_until=None,
            next_attempt_at=None,
            last_error="",
            updated_at=now,
        )
        if recorded:
            self.report.sent += 1
        else:
            logger.warning("Letter %s was sent after staff had taken it over", row.pk)

    def fail(
        self,
        row: OutboundMessage,
        failure: Failure,
        *,
        leaving: Sequence[str],
        attempted: bool = False,
    ) -> None:
        now = self.now()
        attempts = row.attempts + 1 if attempted or not failure.permanent else row.attempts
        final = failure.permanent or attempts >= settings.SUMMITDESK_MAIL_MAX_ATTEMPTS
        updated = OutboundMessage.objects.filter(
            pk=row.pk, claimed_by=self.worker_id, state__in=list(leaving)
        ).update(
            state=MessageState.FAILED if final else MessageState.QUEUED,
            attempts=attempts,
            next_attempt_at=None if final else now + backoff(attempts),
            last_error=failure.message,
            claimed_by="",
            claimed_until=None,
            updated_at=now,
        )
        if not updated:
            self.report.lost += 1
        elif final:
            self.report.failed += 1
        else:
            self.report.retrying += 1


class _Sender(Outbox):
    """One run of send_mailing: one worker, one mailing's letters."""

    def __init__(self, context: compose.MailingContext, *, worker_id: str, now: Clock) -> None:
        super().__init__(worker_id=worker_id, now=now)
        self.context = context
        self.mailing_id = context.mailing.pk
        # The next row's letter, written while this one is stored and sent (see the module).
        self.writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="letter-writer")
        self.written: dict[int, Future[_Written]] = {}

    def finish(self) -> None:
        # Letters written ahead for rows not reached are dropped with their tokens.
        self.writer.shutdown(cancel_futures=True)
        self.written.clear()

    def prepare(
        self, row: OutboundMessage, following: OutboundMessage | None
    ) -> EmailMessage | None:
        if self.refuse_address(row):
            return None
        if row.pdf:
            pdf: bytes | None = self.stored_pdf(row)
            self.write_ahead(following)
        else:
            pdf = self.render(row, following)
        if pdf is None:
            self.report.lost += 1
            return None
        return compose.email_for(row, pdf, connection=self.connection, context=self.context)

    def stored_pdf(self, row: OutboundMessage) -> bytes:
        # Written on an earlier claim: the same letter, with the same link, goes out.
        with row.pdf.open("rb") as stored:
            return bytes(stored.read())

    def write(self, row: OutboundMessage) -> _Written:
        """The row's letter with a new reply link, as a PDF; nothing stored, no query (the
        row comes from `claim` with what the letter needs)."""
        token = new_token()
        letter = compose.letter_for(row, token, self.context)
        return _Written(token=token, letter=letter, pdf=render_letter(letter))

    def _write_in_background(self, row: OutboundMessage) -> _Written:
        try:
            return self.write(row)
        finally:
            connections.close_all()  # this thread's own, should a query have opened one

    def write_ahead(self, row: OutboundMessage | None) -> None:
        """Start writing the letter of `row`, the next to be processed, in the writer thread."""
        if row is None or row.pdf or row.pk in self.written or self.address_problem(row):
            return
        self.written[row.pk] = self.writer.submit(self._write_in_background, row)

    def render(
        self, row: OutboundMessage, following: OutboundMessage | None = None
    ) -> bytes | None:
        """Write the row's letter with a new reply link and store it; None when another
        worker has taken the row meanwhile (then neither letter nor link is kept).

        The token is chosen here, not by reply_links.issue, because the letter must carry
        it before its hash is saved: the hash is written in the transaction that stores the
        letter, so a link exists exactly when a stored letter carries it, and rendering
        holds no database lock (SQLite would serialise every worker's rendering on it).
        The letter may have been written ahead (write_ahead); the next one is started here.
        """
        ahead = self.written.pop(row.pk, None)
        written = ahead.result() if ahead is not None else self.write(row)
        self.write_ahead(following)
        token, letter, pdf = written.token, written.letter, written.pdf
        subject, body = compose.email_text(row, letter, self.context)
        message_id = compose.new_message_id()
        reference = compose.attachment_name(row, self.context).removesuffix(".pdf")
        row.pdf.save(f"{reference}-{get_random_string(12)}.pdf", ContentFile(pdf), save=False)
        now = self.now()
        with transaction.atomic():
            taken = OutboundMessage.objects.filter(
                pk=row.pk, state=MessageState.CLAIMED, claimed_by=self.worker_id
            ).update(
                pdf=row.pdf.name,
                subject=subject,
                body=body,
                message_id=message_id,
                claimed_until=now + lease(),
                updated_at=now,
            )
            if taken:
                ReplyLink.objects.create(
                    organisation_id=row.letter_invitation.organisation_id,
                    meeting=self.context.meeting,
                    invitation_id=row.invitation_id,
                    token_hash=hash_token(token),
                    expires_at=link_expiry(self.context.meeting),
                )
        if not taken:
            row.pdf.delete(save=False)
            return None
        row.subject, row.body, row.message_id = subject, body, message_id
        faults.point("after-render")
        return pdf


def send_mailing(
    mailing_id: int, *, worker_id: str, batch: int = BATCH, now: Clock = timezone.now
) -> SendReport:
    """Send every due letter of the mailing, several workers side by side.

    Side effects: outbox rows advance (see the module's docstring); letters are stored
    and reply links created as they are written; email leaves by the configured backend;
    when rows wait for a retry, a task is enqueued for then; the circular is marked
    dispatched when its letters are all done.
    """
    try:
        context = compose.MailingContext.load(mailing_id)
    except Mailing.DoesNotExist:
        return SendReport()
    sender = _Sender(context, worker_id=worker_id, now=now)
    sender.run(batch)
    schedule_next_run(mailing_id, now(), unreachable=sender.unreachable)
    finish_circular(context.circular)
    return sender.report


def schedule_next_run(mailing_id: int | None, now: datetime, *, unreachable: bool) -> None:
    """Rows waiting for a retry need a task at their time: the queue is told now, since
    no worker polls the outbox itself."""
    if unreachable:
        ensure_task(mailing_id, run_after=now + BACKOFF_BASE)
    elif OutboundMessage.objects.filter(_due(now), _of(mailing_id)).exists():
        ensure_task(mailing_id)  # put back in the queue while this run was ending
    else:
        retry_at = OutboundMessage.objects.filter(
            _of(mailing_id), state=MessageState.QUEUED
        ).aggregate(at=Min("next_attempt_at"))["at"]
        if retry_at is not None:
            ensure_task(mailing_id, run_after=retry_at)


def ensure_task(mailing_id: int | None, *, run_after: datetime | None = None) -> bool:
    """Make sure a task sending the mailing's rows (None: the emails of no mailing) will
    run by `run_after` (or now); returns whether one was enqueued. A task already waiting
    to run by then suffices."""
    send_task, send_outbox = tasks.send_mailing, tasks.send_outbox
    by = run_after or timezone.now()
    waiting = DBTaskResult.objects.filter(
        Q(run_after=get_date_max()) | Q(run_after__lte=by),
        status=TaskResultStatus.READY,
    )
    if mailing_id is None:
        if waiting.filter(task_path=send_outbox.module_path).exists():
            return False
        (send_outbox.using(run_after=run_after) if run_after else send_outbox).enqueue()
        return True
    if waiting.filter(task_path=send_task.module_path, args_kwargs__args__0=mailing_id).exists():
        return False
    (send_task.using(run_after=run_after) if run_after else send_task).enqueue(mailing_id)
    return True


def finish_circular(circular: Circular) -> bool:
    """Mark the circular dispatched once none of its letters is on its way any more
    (sent, failed, in doubt, to post); returns whether this call did it."""
    if OutboundMessage.objects.filter(
        mailing__circular=circular, mailing__kind=MailingKind.LETTER, state__in=UNFINISHED
    ).exists():
        return False
    with transaction.atomic():
        finished = Circular.objects.filter(
            pk=circular.pk, status=CircularStatus.DISPATCHING
        ).update(status=CircularStatus.DISPATCHED, updated_at=timezone.now())
        if finished:
            counts = services.circular_status(circular)
            audit.record(
                circular,
                "summitdesk.circular.sent",
                actor=SYSTEM,
                changes={"status": [CircularStatus.DISPATCHING, CircularStatus.DISPATCHED]},
                note=_(
                    "%(sent)d sent, %(failed)d failed, %(in_doubt)d in doubt, "
                    "%(no_address)d without email"
                )
                % counts,
            )
    return bool(finished)


def sweep(*, now: datetime | None = None) -> SweepReport:
    """The periodic clean-up that makes killed workers' work resume (every minute).

    Expired claims go back to the queue (nothing had left: the stored letter and its link
    are kept for the next attempt); expired conversations become in doubt, for staff to
    confirm or resend; every mailing with due rows gets a task; circulars whose letters
    are all done are marked dispatched.
    """
    now = now or timezone.now()
    report = SweepReport()
    report.requeued = OutboundMessage.objects.filter(
        state=MessageState.CLAIMED, claimed_until__lt=now
    ).update(state=MessageState.QUEUED, claimed_by="", claimed_until=None, updated_at=now)
    stalled = OutboundMessage.objects.filter(state=MessageState.SENDING, claimed_until__lt=now)
    for pk in list(stalled.values_list("pk", flat=True)):
        with transaction.atomic():
            # claimed_by is kept: the worker, if alive after all, may still record it sent.
            if stalled.filter(pk=pk).update(
                state=MessageState.IN_DOUBT,
                last_error=_(
                    "The worker stopped during the SMTP conversation: the server may have "
                    "accepted this letter. Check with the recipient, then confirm or resend."
                ),
                updated_at=now,
            ):
                row = OutboundMessage.objects.get(pk=pk)
                audit.record(
                    row,
                    "summitdesk.message.in_doubt",
                    actor=SYSTEM,
                    changes={"state": [MessageState.SENDING, MessageState.IN_DOUBT]},
                    organisation_id=row.organisation_id,
                )
                report.in_doubt += 1
    due = set(
        OutboundMessage.objects.filter(_due(now)).values_list("mailing_id", flat=True).distinct()
    )
    # The mailings in order, then the emails of no mailing (None).
    for mailing_id in sorted(due, key=lambda pk: (pk is None, pk or 0)):
        with transaction.atomic():
            report.tasks_enqueued += ensure_task(mailing_id)
    for circular in Circular.objects.filter(status=CircularStatus.DISPATCHING):
        report.circulars_finished += finish_circular(circular)
    return report
