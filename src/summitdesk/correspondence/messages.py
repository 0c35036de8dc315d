"""Every email that is not a circular's letter goes through the same outbox as the letters
(models.OutboundMessage, sending.py): a reply's confirmation, a focal point's or a
delegate's link, an accreditation decision, a reminder of missing details.

The app that owns an email composes it (delegations.emails, accreditation.emails) and
registers its `Kind` here; a service puts the email in the outbox with `queue`, in the
transaction that makes it necessary. A worker then claims the row and asks the kind to
write it: the subject, body, recipients and attachment are stored with a Message-ID, and
the personal link the body carries (if any) is saved, by its hash, in that same
transaction, exactly as a letter's reply link is. From there the row goes sending -> sent
(or in doubt) like a letter, and a row claimed again later sends what was stored.

The stored body is therefore the only place a link's token exists: it is what staff
re-send, so that the recipient gets the same link again while it works. When it no longer
works (revoked, replaced, expired), staff are offered a new email with a new link
instead: `Kind.link_alive` tells which.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.mail import EmailMessage
from django.core.mail.backends.base import BaseEmailBackend
from django.db import models, transaction
from django.utils import timezone
from django.utils.crypto import get_random_string

from summitdesk.correspondence import compose
from summitdesk.correspondence.enums import MessageKind, MessageState
from summitdesk.correspondence.models import OutboundMessage
from summitdesk.correspondence.sending import (
    BATCH,
    Clock,
    Outbox,
    SendReport,
    ensure_task,
    lease,
    schedule_next_run,
)
from summitdesk.directory.models import Person
from summitdesk.lib import faults


@dataclass(frozen=True)
class Attachment:
    name: str
    content: bytes


@dataclass(frozen=True)
class Composed:
    """An email as its kind wrote it, before it is stored."""

    subject: str
    body: str
    to: list[str]
    language: str
    reply_to: list[str] = field(default_factory=list)
    attachment: Attachment | None = None
    # Saves the hash of the link `body` carries (revoking earlier ones, as the kind wants),
    # in the transaction that stores the body: the link exists exactly when a stored email
    # carries it.
    store_link: Callable[[], object] | None = None


@dataclass(frozen=True)
class Cancelled:
    """The email is not wanted any more (what it was about is gone or changed): why."""

    reason: str


@dataclass(frozen=True)
class Kind:
    compose: Callable[[OutboundMessage], Composed | Cancelled]
    # Whether the personal link a stored body carries still opens what it should; None for
    # a kind whose emails carry no link.
    link_alive: Callable[[str], bool] | None = None


KINDS: dict[str, Kind] = {}


def register(kind: MessageKind, spec: Kind) -> None:
    """Called by the app that composes `kind`, when its emails module is imported."""
    KINDS[kind] = spec


def kind_of(row: OutboundMessage) -> Kind:
    if row.kind not in KINDS:
        raise LookupError(f"No composer registered for {row.kind!r} emails")
    return KINDS[row.kind]


def draft(
    kind: MessageKind,
    *,
    organisation_id: int | None,
    about: models.Model,
    person: Person | None = None,
    params: dict[str, object] | None = None,
) -> OutboundMessage:
    """An outbox row for an email of `kind` about `about`, not saved: see `queue`."""
    return OutboundMessage(
        kind=kind,
        organisation_id=organisation_id,
        about_type=about._meta.label_lower,
        about_id=about.pk,
        person=person,
        params=params or {},
    )


def queue(rows: list[OutboundMessage]) -> list[OutboundMessage]:
    """Put the emails of `rows` (see `draft`) in the outbox; a worker writes and sends them.

    Call it in the transaction that makes the emails necessary: the rows and the task that
    sends them are saved with the change, or none is.
    """
    if not rows:
        return []
    created = OutboundMessage.objects.bulk_create(rows)
    ensure_task(None)
    return created


def email_of(row: OutboundMessage, connection: BaseEmailBackend | None = None) -> EmailMessage:
    """The email of a written row: its stored text, with the HTML made from it."""
    email = compose.LetterEmail(
        subject=row.subject,
        body=row.body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=list(row.to),
        cc=list(row.cc),
        reply_to=list(row.reply_to) or None,
        headers={"Message-ID": row.message_id, "Content-Language": row.language},
        connection=connection,
    )
    email.attach_alternative(
        compose.html_body(row.body, subject=row.subject, language=row.language), "text/html"
    )
    if row.pdf:
        with row.pdf.open("rb") as stored:
            email.attach(row.attachment_name, bytes(stored.read()), "application/pdf")
    return email


def link_alive(row: OutboundMessage) -> bool:
    """Whether the link the row's stored email carries still works (True without one)."""
    spec = KINDS.get(row.kind)
    if spec is None or spec.link_alive is None or not row.body:
        return True
    return spec.link_alive(row.body)


def carries_link(row: OutboundMessage) -> bool:
    spec = KINDS.get(row.kind)
    return spec is not None and spec.link_alive is not None


class _MessageSender(Outbox):
    """One run of send_messages: the emails of no mailing, each written by its kind."""

    def prepare(
        self, row: OutboundMessage, following: OutboundMessage | None
    ) -> EmailMessage | None:
        # Nothing is written while the server cannot be reached: a kind that replaces a
        # link would otherwise kill the one the recipient has, for an email not sent.
        if not self.connect(row):
            return None
        if not row.message_id and not self.write(row):
            return None
        if self.refuse_address(row):
            return None
        return email_of(row, self.connection)

    def write(self, row: OutboundMessage) -> bool:
        """Have the row's kind write it and store it with its link; False when it was
        cancelled or another worker has taken it meanwhile."""
        written = kind_of(row).compose(row)
        now = self.now()
        mine = OutboundMessage.objects.filter(
            pk=row.pk, state=MessageState.CLAIMED, claimed_by=self.worker_id
        )
        if isinstance(written, Cancelled):
            if mine.update(
                state=MessageState.CANCELLED,
                last_error=written.reason,
                claimed_by="",
                claimed_until=None,
                updated_at=now,
            ):
                self.report.cancelled += 1
            else:
                self.report.lost += 1
            return False
        subject_length = OutboundMessage._meta.get_field("subject").max_length or 300
        subject = " ".join(written.subject.split())[:subject_length]  # one line
        to = list(dict.fromkeys(address for address in written.to if address))
        if written.attachment:
            name = f"{written.attachment.name.removesuffix('.pdf')}-{get_random_string(12)}.pdf"
            row.pdf.save(name, ContentFile(written.attachment.content), save=False)
        message_id = compose.new_message_id()
        with transaction.atomic():
            taken = mine.update(
                subject=subject,
                body=written.body,
                to=to,
                reply_to=written.reply_to,
                language=written.language,
                pdf=row.pdf.name or "",
                attachment_name=written.attachment.name if written.attachment else "",
                message_id=message_id,
                claimed_until=now + lease(),
                updated_at=now,
            )
            if taken and written.store_link is not None:
                written.store_link()
        if not taken:
            if row.pdf:
                row.pdf.delete(save=False)
            self.report.lost += 1
            return False
        row.subject, row.body, row.to, row.message_id = subject, written.body, to, message_id
        row.reply_to, row.language = written.reply_to, written.language
        row.attachment_name = written.attachment.name if written.attachment else ""
        faults.point("after-render")
        return True


def send_messages(*, worker_id: str, batch: int = BATCH, now: Clock = timezone.now) -> SendReport:
    """Write and send every due email of no mailing, several workers side by side.

    Side effects: outbox rows advance (see sending.py); emails are stored and their links
    saved as they are written; email leaves by the configured backend; when rows wait for
    a retry, a task is enqueued for then.
    """
    sender = _MessageSender(worker_id=worker_id, now=now)
    sender.run(batch)
    schedule_next_run(None, now(), unreachable=sender.unreachable)
    return sender.report
