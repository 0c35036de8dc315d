"""Fixtures shared by the correspondence tests."""

from collections.abc import Iterator
from dataclasses import dataclass, field
from email.message import EmailMessage as MimeMessage
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.smtp import SMTP, Envelope, Session
from pytest_django import Settings

from tests.conftest import started_smtp
from tests.correspondence.builders import parsed


@pytest.fixture(autouse=True)
def _files(settings: Settings, tmp_path: Path) -> None:
    """Stored letters go to a folder of the test's own."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "files"},
        },
    }


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    content: bytes

    @property
    def message(self) -> MimeMessage:
        return parsed(self.content)


@dataclass
class Sink:
    """An SMTP server's handler: keeps what it accepts. It answers `replies` (e.g. "451
    ...") to the first messages instead, and `refused` addresses' RCPT with their reply."""

    received: list[Received] = field(default_factory=list)
    replies: list[str] = field(default_factory=list)
    refused: dict[str, str] = field(default_factory=dict)
    conversations: int = 0

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: Any
    ) -> str:
        if address in self.refused:
            return self.refused[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        self.conversations += 1
        if self.replies:
            return self.replies.pop(0)
        content = envelope.original_content or b""
        self.received.append(Received(str(envelope.mail_from), list(envelope.rcpt_tos), content))
        return "250 Message accepted for delivery"

    def by_recipient(self) -> dict[str, list[Received]]:
        found: dict[str, list[Received]] = {}
        for received in self.received:
            found.setdefault(received.message["To"], []).append(received)
        return found


@pytest.fixture
def smtp(settings: Settings) -> Iterator[Sink]:
    """A real SMTP server on 127.0.0.1, and Django's SMTP backend pointed at it."""
    sink = Sink()
    controller = started_smtp(sink)
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = controller.port
    settings.EMAIL_USE_TLS = False
    settings.DEFAULT_FROM_EMAIL = "SummitDesk <no-reply@summitdesk.example.org>"
    try:
        yield sink
    finally:
        controller.stop()
        controller.loop.close()
