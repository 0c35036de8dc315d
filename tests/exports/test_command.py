"""`summitdesk export`: options, files, exit codes and messages."""

import csv
import io
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from django.core.management import CommandError, call_command

from summitdesk.cli import main
from summitdesk.core.enums import Channel
from summitdesk.core.models import AuditEntry
from summitdesk.exports import writers
from summitdesk.exports.models import ExportJob, ExportStatus
from tests.exports.conftest import World


def export(*args: str) -> str:
    out = io.StringIO()
    call_command("export", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def read_csv(path: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_text("utf-8-sig"), newline="")))


def test_export_approved_delegates_of_three_regions_to_excel(world: World, tmp_path: Path) -> None:
    target = tmp_path / "security.xlsx"

    printed = export(
        "accreditations", "--meeting", "wsis-2026", "--format", "xlsx", "--out", str(target),
        "--status", "approved", "--region", "europe", "--region", "africa,asia-pacific",
    )  # fmt: skip

    assert printed == f"2 rows written to {target}\n"
    sheet: Any = openpyxl.load_workbook(target).active
    rows = list(sheet.iter_rows(values_only=True))
    assert [(row[5], row[15], row[27]) for row in rows[1:]] == [
        ("Sonatel", "Diop", None),
        ("Swiss Federal Office of Communications", "Müller", "X1234567"),  # identity included
    ]
    job = ExportJob.objects.get()
    assert (job.status, job.total, job.created_by, job.identity) == (
        ExportStatus.DELIVERED, 2, None, True,
    )  # fmt: skip
    entry = AuditEntry.objects.get(action="summitdesk.export.created")
    assert (entry.channel, entry.actor_label) == (Channel.CLI, "export")
    assert not list(tmp_path.glob(".*partial"))


def test_export_organisations_without_a_meeting_as_csv(world: World, tmp_path: Path) -> None:
    target = tmp_path / "organisations.csv"

    printed = export("organisations", "--out", str(target), "--sector", "ITU-D")

    assert printed == f"1 rows written to {target}\n"
    assert [row[1] for row in read_csv(target)] == ["Organisation", "Sonatel"]


def test_export_replies_by_state(world: World, tmp_path: Path) -> None:
    target = tmp_path / "silent.csv"

    export("replies", "--meeting", "wsis-2026", "--out", str(target), "--status", "silent")

    assert [row[1] for row in read_csv(target)[1:]] == ["NTT"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["accreditations", "--meeting", "nope"], "No meeting with the code nope."),
        (["delegates"], "An export of delegates needs a meeting."),
        (["accreditations", "--meeting", "wsis-2026", "--region", "mars"],
         "Unknown region mars;"),
        (["accreditations", "--meeting", "wsis-2026", "--country", "Narnia"],
         "Unknown country Narnia;"),
        (["organisations", "--status", "approved"],
         "The filter status does not apply to organisations."),
        (["organisations", "--organisation", "12"],
         "The filter organisation does not apply to organisations."),
        (["replies", "--meeting", "wsis-2026", "--status", "approved"], "Unknown state approved;"),
    ],
)  # fmt: skip
def test_bad_options_exit_with_2_and_a_clear_message(
    world: World, tmp_path: Path, args: list[str], message: str
) -> None:
    target = tmp_path / "out.csv"

    with pytest.raises(CommandError) as raised:
        export(*args, "--out", str(target))

    assert raised.value.returncode == 2
    assert str(raised.value).startswith(message)
    assert not target.exists()
    assert ExportJob.objects.count() == 0


def test_xlsx_beyond_a_sheets_rows_exits_with_2_before_writing(
    world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(writers, "XLSX_MAX_ROWS", 2)  # the header and one row
    target = tmp_path / "out.xlsx"

    with pytest.raises(CommandError) as raised:
        export("organisations", "--format", "xlsx", "--out", str(target))

    assert raised.value.returncode == 2
    assert str(raised.value) == (
        "An XLSX sheet holds at most 1 rows under its header; this export has more. "
        "Narrow the filters or choose CSV."
    )
    assert not target.exists()
    assert ExportJob.objects.count() == 0


def test_unwritable_out_exits_with_2(world: World, tmp_path: Path) -> None:
    with pytest.raises(CommandError) as raised:
        export("organisations", "--out", str(tmp_path / "missing" / "out.csv"))

    assert raised.value.returncode == 2
    assert str(raised.value) == f"Cannot write to {tmp_path / 'missing' / 'out.csv'}."


def test_failure_while_writing_exits_with_1_and_leaves_no_file(
    world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object, **kwargs: object) -> int:
        raise OSError("disk full")

    monkeypatch.setitem(writers.WRITERS, "csv", broken)
    target = tmp_path / "out.csv"

    with pytest.raises(CommandError) as raised:
        export("organisations", "--out", str(target))

    assert raised.value.returncode == 1
    assert str(raised.value) == "The export failed: disk full"
    assert list(tmp_path.iterdir()) == []


def test_usage_errors_of_the_console_script_exit_with_2(
    world: World, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as raised:
        main(["summitdesk", "export", "people", "--out", str(tmp_path / "x.csv")])

    assert raised.value.code == 2
    assert "invalid choice: 'people'" in capsys.readouterr().err
