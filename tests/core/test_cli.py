"""The `summitdesk` console script as a shell script sees it: help pages that name the
commands as typed, exit codes a script can trust, JSON that parses."""

import json
from pathlib import Path

import pytest

from summitdesk.cli import SUMMARIES, first_sentence, main
from tests.factories import MeetingFactory

#: SummitDesk's commands, as docs/cli.md documents them.
COMMANDS = [
    "import-organisations",
    "dispatch-circular",
    "circular-status",
    "send-reminders",
    "print-badges",
    "export",
    "create-api-token",
    "revoke-api-token",
    "admission",
    "load-demo",
    "translations",
    "serve",
    "worker",
]
DOCS = Path(__file__).resolve().parents[2] / "docs" / "cli.md"


def summitdesk(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """Run the console script; returns (exit code, stdout, stderr)."""
    try:
        main(["summitdesk", *args])
    except SystemExit as exit_:
        code = exit_.code if isinstance(exit_.code, int) else 1
    else:
        code = 0
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_main_help_lists_summitdesk_commands_first_with_their_summary(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, _ = summitdesk(capsys, "--help")

    assert code == 0
    ours = out.index("SummitDesk commands:")
    assert ours < out.index("Django's commands")
    lines = out[ours:].splitlines()
    for name in COMMANDS:
        [line] = [line for line in lines if line.strip().startswith(f"{name} ")]
        assert str(SUMMARIES[name]) in line
    assert "import_organisations" not in out
    assert "migrate" in out


@pytest.mark.parametrize("name", COMMANDS)
def test_command_help_names_the_command_as_typed(
    capsys: pytest.CaptureFixture[str], name: str
) -> None:
    code, out, _ = summitdesk(capsys, name, "--help")

    assert code == 0
    assert out.startswith(f"usage: summitdesk {name} ")
    assert "Exit codes" in out


def test_help_subcommand_and_underscored_names_work_too(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, _ = summitdesk(capsys, "help", "print-badges")
    assert (code, out.split()[:3]) == (0, ["usage:", "summitdesk", "print-badges"])

    code, out, _ = summitdesk(capsys, "print_badges", "--help")
    assert code == 0


def test_unknown_command_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = summitdesk(capsys, "import-organisation", "x.csv")

    assert code == 2
    assert err == "Unknown command: 'import-organisation'. Type 'summitdesk help' for usage.\n"


@pytest.mark.parametrize("name", COMMANDS)
def test_unknown_option_is_a_usage_error(capsys: pytest.CaptureFixture[str], name: str) -> None:
    code, _, err = summitdesk(capsys, name, "--no-such-option")

    assert code == 2
    assert f"summitdesk {name}: error:" in err


@pytest.mark.parametrize(
    ("args", "missing"),
    [
        (["import-organisations"], "file"),
        (["dispatch-circular"], "reference"),
        (["circular-status"], "reference"),
        (["send-reminders"], "reference"),
        (["print-badges"], "--meeting"),
        (["export", "organisations"], "--out"),
        (["create-api-token", "--name", "Security"], "--scopes"),
    ],
)
def test_missing_arguments_are_usage_errors(
    capsys: pytest.CaptureFixture[str], args: list[str], missing: str
) -> None:
    code, _, err = summitdesk(capsys, *args)

    assert code == 2
    assert "the following arguments are required" in err
    assert missing in err


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["dispatch-circular", "DM-9999"], "No circular has the reference DM-9999."),
        (["send-reminders", "DM-9999"], "No circular has the reference DM-9999."),
        (["circular-status", "DM-9999", "--format", "json"], "No circular has the reference"),
        (["print-badges", "--meeting", "nowhere-2099"], "No meeting with the code nowhere-2099."),
        (["create-api-token", "--name", "Security", "--scopes", "badges:eat"], "badges:eat"),
    ],
)
def test_unknown_things_exit_2_with_a_clear_message(
    capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    code, out, err = summitdesk(capsys, *args)

    assert code == 2
    assert message in err
    assert out == ""


@pytest.mark.django_db
def test_export_unknown_meeting_exits_2(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    out_file = tmp_path / "delegates.csv"

    code, _, err = summitdesk(
        capsys, "export", "accreditations", "--meeting", "nowhere-2099", "--out", str(out_file)
    )

    assert code == 2
    assert "nowhere-2099" in err
    assert not out_file.exists()


@pytest.mark.django_db
def test_import_unreadable_file_exits_2_with_json(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, out, err = summitdesk(
        capsys, "import-organisations", str(tmp_path / "missing.csv"), "--format", "json"
    )

    assert code == 2
    assert json.loads(out) == {
        "filename": "missing.csv",
        "error": json.loads(out)["error"],
        "exit_code": 2,
    }
    assert "Cannot read" in err


@pytest.mark.django_db
def test_import_json_report_parses_and_partial_exits_3(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    sheet = tmp_path / "overnight.csv"
    sheet.write_text(
        "external_id,name,acronym,category,country\r\n"
        "R-1,Radio One,R1,Member State,CH\r\n"
        "R-2,,R2,Member State,XX\r\n",
        encoding="utf-8",
    )

    code, out, _ = summitdesk(
        capsys, "import-organisations", str(sheet), "--only-valid", "--format", "json"
    )

    report = json.loads(out)
    assert code == 3
    assert (report["created"], report["refused"], report["exit_code"]) == (1, 1, 3)
    assert report["errors"]


@pytest.mark.django_db
def test_print_badges_json_with_nothing_to_print(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    meeting = MeetingFactory(code="geneva-2003")

    code, out, _ = summitdesk(
        capsys,
        "print-badges",
        "--meeting",
        meeting.code,
        "--out",
        str(tmp_path),
        "--format",
        "json",
    )

    assert code == 0
    assert json.loads(out) == {
        "meeting": "geneva-2003",
        "print_run": None,
        "badges": 0,
        "files": [],
    }


def test_first_sentence_is_short() -> None:
    assert first_sentence("Print things. Then more.") == "Print things."
    assert len(first_sentence("word " * 40)) == 80


def test_docs_cover_every_command_and_exit_code() -> None:
    text = DOCS.read_text(encoding="utf-8")

    for name in COMMANDS:
        assert f"## `summitdesk {name}" in text
    for code in ("| 0 |", "| 1 |", "| 2 |", "| 3 |"):
        assert code in text
