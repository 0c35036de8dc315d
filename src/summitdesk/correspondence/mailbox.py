"""The local outbox: an email backend that keeps messages in the database instead of
sending them (the demo, development, a machine without an SMTP server).

Each message is stored whole (`MailboxMessage.raw`, the bytes an SMTP server would have
received), so that what staff read in the app, attachments included, is what would have
gone out. `read` parses one back for the page that shows it.
"""

import email
import email.policy
from collections.abc import Sequence
from dataclasses import dataclass
from email.message import EmailMessage as MimeMessage
from email.message import MIMEPart
from typing import Any, cast

from django.core.mail import EmailMessage
from django.core.mail.backends.base import BaseEmailBackend

from summitdesk.correspondence.models import MailboxMessage

SUBJECT_LENGTH = MailboxMessage._meta.get_field("subject").max_length or 300


class MailboxBackend(BaseEmailBackend):
    """Stores every message in MailboxMessage; set EMAIL_BACKEND to this dotted path.

    One row per message with at least one recipient, as an SMTP backend sends only those.
    Errors (a message that cannot be serialised, a database failure) raise unless the
    backend was made with fail_silently.
    """

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        rows = []
        try:
            for message in email_messages:
                recipients = message.recipients()
                if not recipients:
                    continue
                mime = message.message()
                rows.append(
                    MailboxMessage(
                        sender=str(message.from_email),
                        recipients=list(recipients),
                        subject=str(message.subject).replace("\n", " ")[:SUBJECT_LENGTH],
                        message_id=str(mime["Message-ID"] or ""),
                        # As an SMTP server receives it. Django's MIME classes take
                        # `linesep`; the stubs know only the standard library's.
                        raw=mime.as_bytes(linesep="\r\n"),  # type: ignore[call-arg]
                    )
                )
            MailboxMessage.objects.bulk_create(rows)
        except Exception:
            if not self.fail_silently:
                raise
            return 0
        return len(rows)


@dataclass(frozen=True)
class Attachment:
    filename: str
    content_type: str
    content: bytes


@dataclass(frozen=True)
class ReadMessage:
    """One stored message, parsed: its headers, its two bodies and its attachments."""

    headers: dict[str, str]
    text: str
    html: str
    attachments: list[Attachment]


def parse(message: MailboxMessage) -> MimeMessage:
    """The stored message as a standard library email message (modern policy)."""
    raw = bytes(cast(Any, message.raw))  # a memoryview on PostgreSQL, bytes on SQLite
    return email.message_from_bytes(raw, policy=email.policy.default)


def read(message: MailboxMessage) -> ReadMessage:
    """What the outbox page shows: headers, the text and HTML bodies, the attachments."""
    mime = parse(message)
    text_part = mime.get_body(preferencelist=("plain",))
    html_part = mime.get_body(preferencelist=("html",))
    attachments = []
    for part in mime.iter_attachments():
        content = part.get_payload(decode=True)
        attachments.append(
            Attachment(
                filename=part.get_filename() or "",
                content_type=part.get_content_type(),
                content=content if isinstance(content, bytes) else b"",
            )
        )
    return ReadMessage(
        headers={name: unfolded(str(value)) for name, value in mime.items()},
        text=_body(text_part),
        html=_body(html_part),
        attachments=attachments,
    )


def unfolded(value: str) -> str:
    """A header's value on one line: a long header is folded over lines when sent, and a
    header folded right after its name keeps the fold's blank at the start once decoded."""
    return " ".join(value.split())


def _body(part: MIMEPart | None) -> str:
    # Stored with the CRLF line ends of SMTP; shown with Python's own.
    return str(part.get_content()).replace("\r\n", "\n") if part is not None else ""
