import datetime
import io
import json
from pathlib import Path

import pypdf
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from summitdesk.core.enums import Channel
from summitdesk.core.models import AuditEntry
from summitdesk.correspondence.enums import CircularStatus, MailingKind
from summitdesk.correspondence.models import Circular, Mailing, OutboundMessage
from summitdesk.credentials import services
from summitdesk.credentials.enums import DocumentKind, Examined
from summitdesk.directory.enums import Category
from tests.accreditation.builders import STAFF
from tests.credentials.builders import government, received
from tests.delegations.builders import invite, summit

pytestmark = pytest.mark.django_db


def test_the_report_command_writes_the_pdf_csv_and_xlsx(tmp_path: Path) -> None:
    at = summit()
    reply = government(at)
    government(at, "Freedonia")
    services.save_credentials(
        reply,
        services.CredentialsData(received_on=datetime.date.today(), examined=Examined.IN_ORDER),
        actor=STAFF,
    )
    out = io.StringIO()

    call_command(
        "credentials",
        "report",
        "--meeting",
        at.code,
        "--pdf",
        str(tmp_path / "report.pdf"),
        "--csv",
        str(tmp_path / "report.csv"),
        "--xlsx",
        str(tmp_path / "report.xlsx"),
        "--format",
        "json",
        stdout=out,
    )

    summary = json.loads(out.getvalue())
    assert summary["delegations"] == 2
    assert summary["states"]["in_order"] == 1 and summary["states"]["missing"] == 1
    text = pypdf.PdfReader(tmp_path / "report.pdf").pages[0].extract_text()
    assert "Ruritania" in text.replace("\u2068", "").replace("\u2069", "")
    assert "Freedonia" in (tmp_path / "report.csv").read_text(encoding="utf-8-sig")
    assert (tmp_path / "report.xlsx").read_bytes().startswith(b"PK")


def test_the_report_command_refuses_an_unknown_meeting() -> None:
    with pytest.raises(CommandError) as refused:
        call_command("credentials", "report", "--meeting", "nowhere")
    assert refused.value.returncode == 2


def test_send_reminders_reaches_the_delegations_missing_a_document() -> None:
    at = summit()
    lacking, complete = government(at, "Ruritania"), government(at, "Freedonia")
    circular = invite(lacking.organisation, at).circular
    invite(complete.organisation, at)
    Circular.objects.filter(pk=circular.pk).update(status=CircularStatus.DISPATCHED)
    services.set_requirement(
        at, Category.MEMBER_STATE, DocumentKind.NOMINATION_LETTER, required=True, actor=STAFF
    )
    received(complete)
    out = io.StringIO()

    call_command(
        "send_reminders",
        circular.reference,
        "--target",
        "document_missing",
        "--no-follow",
        stdout=out,
        stderr=io.StringIO(),
    )

    assert out.getvalue().splitlines()[0] == (
        "Reminding 1 delegation lacking a required document, invited by DM-1048."
    )
    mailing = Mailing.objects.get()
    assert (mailing.kind, mailing.target) == (MailingKind.REMINDER, "document_missing")
    assert list(OutboundMessage.objects.values_list("organisation_id", flat=True)) == [
        lacking.organisation_id
    ]
    entry = AuditEntry.objects.for_object(circular).get(action="summitdesk.circular.reminded")
    assert (entry.actor_label, entry.channel) == ("send-reminders", Channel.CLI)


def test_send_reminders_with_no_document_missing_exits_1() -> None:
    at = summit()
    complete = government(at, "Freedonia")
    circular = invite(complete.organisation, at).circular
    Circular.objects.filter(pk=circular.pk).update(status=CircularStatus.DISPATCHED)
    services.set_requirement(
        at, Category.MEMBER_STATE, DocumentKind.NOMINATION_LETTER, required=True, actor=STAFF
    )
    received(complete)

    with pytest.raises(CommandError) as refused:
        call_command(
            "send_reminders",
            circular.reference,
            "--target",
            "document_missing",
            "--no-follow",
            stdout=io.StringIO(),
        )

    assert refused.value.returncode == 1
    assert str(refused.value) == "No delegation lacks a required document: nobody to remind."
    assert not Mailing.objects.exists()
