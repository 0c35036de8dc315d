import datetime
import io
import json
from pathlib import Path

import pypdf
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from summitdesk.credentials import services
from summitdesk.credentials.enums import Examined
from tests.accreditation.builders import STAFF
from tests.credentials.builders import government
from tests.delegations.builders import summit

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
