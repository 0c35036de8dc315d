"""`summitdesk admission list|decide` (references on the line or in a file)."""

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from summitdesk.admission.enums import ApplicationStatus
from summitdesk.admission.models import Admission, Application
from summitdesk.core.models import AuditEntry
from tests.admission.builders import application, prepcom

pytestmark = pytest.mark.django_db
S = ApplicationStatus


def run(*args: str) -> str:
    out = StringIO()
    call_command("admission", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_decide_from_the_line_and_a_file_then_list(tmp_path: Path) -> None:
    meeting = prepcom()
    first = application(meeting.process, status=S.RECOMMENDED)
    second = application(meeting.process, status=S.RECOMMENDED)
    third = application(meeting.process, status=S.NOT_RECOMMENDED)
    listed = tmp_path / "admit.txt"
    listed.write_text(f"# PrepCom-3 decision\n{second.reference}\n")

    printed = run(
        "decide",
        "--meeting",
        meeting.code,
        "--admit",
        first.reference,
        "--admit-file",
        str(listed),
        "--not-admit",
        third.reference,
        "--reasons",
        "Out of scope",
    )

    assert "2 admitted, 1 not admitted" in printed
    assert Admission.objects.count() == 2
    assert (
        AuditEntry.objects.filter(action="summitdesk.application.decided", channel="cli").count()
        == 3
    )
    lines = run("list", "--process", meeting.process.code, "--status", "admitted").splitlines()
    assert sorted(line.split("\t")[0] for line in lines) == sorted(
        [first.reference, second.reference]
    )


def test_a_refused_decision_records_nothing_and_exits_1() -> None:
    meeting = prepcom()
    first = application(meeting.process, status=S.RECOMMENDED)
    third = application(meeting.process, status=S.RECOMMENDED)

    with pytest.raises(CommandError, match="reasons") as error:
        run(
            "decide",
            "--meeting",
            meeting.code,
            "--admit",
            first.reference,
            "--not-admit",
            third.reference,
        )

    assert error.value.returncode == 1
    assert not Application.objects.filter(status=S.ADMITTED).exists()
    with pytest.raises(CommandError, match="No meeting") as usage:
        run("decide", "--meeting", "nowhere", "--admit", first.reference)
    assert usage.value.returncode == 2


def test_the_admitted_export_from_the_command_line(tmp_path: Path) -> None:
    meeting = prepcom()
    first = application(meeting.process, status=S.RECOMMENDED, name="Exported Alliance")
    run("decide", "--meeting", meeting.code, "--admit", first.reference)
    out = tmp_path / "admitted.csv"

    call_command(
        "export",
        "admission-admitted",
        "--process",
        meeting.process.code,
        "--out",
        str(out),
        stdout=StringIO(),
        stderr=StringIO(),
    )

    assert "Exported Alliance" in out.read_text(encoding="utf-8-sig")
