"""Badge print runs: background task, chunks, files, re-runs; the pages; the command;
visa support letters."""

import datetime
import io
import zipfile
from decimal import Decimal
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult
from pypdf import PdfReader

from summitdesk.accreditation import print_runs, visa
from summitdesk.accreditation.badges import BadgeError, badge_code, reissue_badge, render_badges
from summitdesk.accreditation.enums import AccreditationStatus, PrintRunStatus
from summitdesk.accreditation.models import Accreditation, PrintRun
from summitdesk.core.audit import Actor
from summitdesk.core.enums import Role
from summitdesk.core.models import User
from summitdesk.meetings.models import Meeting
from tests.accreditation.builders import make_accreditations
from tests.conftest import signed_in
from tests.factories import MeetingFactory, UserFactory
from tests.tasks import drop_queued_emails, run_queued_tasks

ACTOR = Actor.system("test")


@pytest.fixture
def meeting(db: None) -> Meeting:
    return MeetingFactory(
        code="wsis-geneva",
        title="World Summit on the Information Society",
        start_date=datetime.date(2003, 12, 10),
        end_date=datetime.date(2003, 12, 12),
    )


@pytest.fixture
def ten(meeting: Meeting) -> list[Accreditation]:
    names = [(f"Given{index}", f"Family{index:02d}") for index in range(10)]
    return make_accreditations(meeting, names)


@pytest.fixture
def badge_desk(db: None) -> User:
    return UserFactory(username="badges", role=Role.BADGE_DESK)


def page_count(name: str) -> int:
    with default_storage.open(name, "rb") as file:
        return len(PdfReader(io.BytesIO(file.read())).pages)


def test_run_in_chunks_gives_pdfs_and_a_zip(meeting: Meeting, ten: list[Accreditation]) -> None:
    run = print_runs.start_print_run(meeting, [item.pk for item in ten], actor=ACTOR)
    assert run.status == PrintRunStatus.QUEUED and run.total == 10
    with mock.patch.object(print_runs, "CHUNK_SIZE", 4):
        assert run_queued_tasks() == 1
    run.refresh_from_db()
    assert run.status == PrintRunStatus.DONE
    assert (run.done, run.total) == (10, 10)
    assert run.finished_at is not None
    names = [Path(name).name for name in run.files]
    stem = f"badges-wsis-geneva-{run.pk}"
    assert names == [f"{stem}-1.pdf", f"{stem}-2.pdf", f"{stem}-3.pdf", f"{stem}.zip"]
    # Under a folder nobody can guess.
    folder = Path(run.files[0]).parent
    assert folder.parent == Path(print_runs.FOLDER) and len(folder.name) >= 32
    assert [page_count(name) for name in run.files[:3]] == [4, 4, 2]
    with default_storage.open(run.files[3], "rb") as file:
        archive = zipfile.ZipFile(io.BytesIO(file.read()))
    assert archive.namelist() == names[:3]
    # In order: family names sorted as chosen.
    first = PdfReader(io.BytesIO(archive.read(names[0]))).pages[0].extract_text()
    assert "Family00" in first and ten[0].badge_number in first
    # Printed, not checked in: the status stays as it was.
    for accreditation in Accreditation.objects.all():
        assert accreditation.badge_printed_version == 1
        assert accreditation.badge_printed_at is not None
        assert accreditation.status == AccreditationStatus.APPROVED
        assert not accreditation.check_ins.exists()


def test_done_run_is_left_alone(meeting: Meeting, ten: list[Accreditation]) -> None:
    run = print_runs.create_print_run(meeting, [item.pk for item in ten], actor=ACTOR)
    print_runs.run_print_run(run.pk)
    run.refresh_from_db()
    files = list(run.files)
    assert len(files) == 2  # one PDF, and the ZIP
    with mock.patch.object(print_runs, "render_badges") as render:
        again = print_runs.run_print_run(run.pk)
    render.assert_not_called()
    assert again is not None and again.files == files and again.status == PrintRunStatus.DONE
    assert all(default_storage.exists(name) for name in files)


def test_crashed_run_restarts_cleanly(meeting: Meeting, ten: list[Accreditation]) -> None:
    run = print_runs.create_print_run(meeting, [item.pk for item in ten], actor=ACTOR)
    real_render = render_badges
    calls = 0

    def crash_on_second(items: list[Accreditation], **layout: Any) -> bytes:
        nonlocal calls
        calls += 1
        if calls == 2:
            raise RuntimeError("worker died")
        return real_render(items, **layout)

    with (
        mock.patch.object(print_runs, "CHUNK_SIZE", 5),
        mock.patch.object(print_runs, "render_badges", crash_on_second),
        pytest.raises(RuntimeError),
    ):
        print_runs.run_print_run(run.pk)
    run.refresh_from_db()
    assert run.status == PrintRunStatus.FAILED and "worker died" in run.error
    assert run.done == 5 and len(run.files) == 1
    # Nothing counts as printed until the whole run is.
    assert not Accreditation.objects.filter(badge_printed_version__gt=0).exists()
    left_behind = run.files[0]
    # As if the worker had died instead: the row still says printing.
    PrintRun.objects.filter(pk=run.pk).update(status=PrintRunStatus.RUNNING)
    with mock.patch.object(print_runs, "CHUNK_SIZE", 5):
        print_runs.run_print_run(run.pk)
    run.refresh_from_db()
    assert run.status == PrintRunStatus.DONE and run.error == ""
    assert [page_count(name) for name in run.files[:2]] == [5, 5]
    assert not default_storage.exists(left_behind)
    assert left_behind not in run.files


def test_only_approved_badges_are_printed(meeting: Meeting, ten: list[Accreditation]) -> None:
    [pending] = make_accreditations(
        meeting, [("Pending", "Person")], status=AccreditationStatus.PENDING, first_number=90
    )
    other = MeetingFactory()
    [elsewhere] = make_accreditations(other, [("Other", "Meeting")], first_number=95)
    with pytest.raises(BadgeError):
        print_runs.create_print_run(meeting, [pending.pk, elsewhere.pk], actor=ACTOR)
    run = print_runs.create_print_run(meeting, [ten[0].pk, pending.pk, ten[1].pk], actor=ACTOR)
    assert run.accreditation_ids == [ten[0].pk, ten[1].pk]
    # Revoked after the run was started: left out of the print.
    Accreditation.objects.filter(pk=ten[1].pk).update(
        status=AccreditationStatus.REVOKED, badge_version=2
    )
    print_runs.run_print_run(run.pk)
    run.refresh_from_db()
    assert page_count(run.files[0]) == 1
    assert Accreditation.objects.get(pk=ten[1].pk).badge_printed_version == 0


def test_reprint_prints_the_new_version(meeting: Meeting, ten: list[Accreditation]) -> None:
    target = ten[3]
    reissue_badge(target, actor=ACTOR)
    run = print_runs.create_print_run(meeting, [target.pk], actor=ACTOR)
    print_runs.run_print_run(run.pk)
    target.refresh_from_db()
    assert (target.badge_version, target.badge_printed_version) == (2, 2)
    selection = print_runs.unprinted(print_runs.printable_accreditations(meeting))
    assert target.pk not in set(selection.values_list("pk", flat=True))


# Pages ---------------------------------------------------------------------------------


def test_badge_desk_prints_and_downloads(
    meeting: Meeting, ten: list[Accreditation], badge_desk: User
) -> None:
    client = signed_in(badge_desk)
    assert client.get(reverse("backoffice:badge-meetings")).status_code == 200
    url = reverse("backoffice:badge-print", args=[meeting.code])
    page = client.get(url)
    assert page.status_code == 200
    response = client.post(url, {"which": "unprinted"})
    run = PrintRun.objects.get()
    assert response["Location"] == reverse("backoffice:print-run", args=[run.pk])
    waiting = client.get(response["Location"])
    assert waiting["Refresh"] == "2"
    assert b"<progress" in waiting.content
    assert run_queued_tasks() == 1
    done = client.get(response["Location"])
    assert "Refresh" not in done
    pdf_url = reverse("backoffice:print-run-file", args=[run.pk, 0])
    zip_url = reverse("backoffice:print-run-file", args=[run.pk, 1])
    assert pdf_url.encode() in done.content and zip_url.encode() in done.content
    download = client.get(pdf_url)
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert b"".join(download.streaming_content).startswith(b"%PDF")  # type: ignore[attr-defined]
    archive = client.get(zip_url)
    assert archive["Content-Type"] == "application/zip"
    content = b"".join(archive.streaming_content)  # type: ignore[attr-defined]
    assert zipfile.ZipFile(io.BytesIO(content)).testzip() is None
    assert client.get(reverse("backoffice:print-run-file", args=[run.pk, 2])).status_code == 404
    # All printed now: "not yet printed" finds nothing to start.
    again = client.post(url, {"which": "unprinted"}, follow=True)
    assert PrintRun.objects.count() == 1
    assert b"None of the chosen" in again.content


def test_viewer_and_check_in_desk_are_refused(
    meeting: Meeting, ten: list[Accreditation], viewer_client: Client
) -> None:
    run = print_runs.create_print_run(meeting, [ten[0].pk], actor=ACTOR)
    print_runs.run_print_run(run.pk)
    checkin = signed_in(UserFactory(username="door", role=Role.CHECKIN_DESK))
    urls = [
        reverse("backoffice:badge-meetings"),
        reverse("backoffice:badge-print", args=[meeting.code]),
        reverse("backoffice:print-run", args=[run.pk]),
        reverse("backoffice:print-run-file", args=[run.pk, 0]),
        reverse("backoffice:print-run-file", args=[run.pk, 1]),
    ]
    for client in (viewer_client, checkin):
        for url in urls:
            assert client.get(url).status_code == 403, url
        reprint = reverse("backoffice:badge-reprint", args=[ten[0].pk])
        assert client.post(reprint).status_code == 403
        by_number = reverse("backoffice:badge-reprint-number", args=[meeting.code])
        assert client.post(by_number, {"badge_number": ten[0].badge_number}).status_code == 403
        assert client.post(urls[1], {"which": "all"}).status_code == 403
    assert Client().get(urls[3]).status_code == 302  # to sign-in
    assert PrintRun.objects.count() == 1


def test_reprint_page_bumps_version_and_starts_a_run(
    meeting: Meeting, ten: list[Accreditation], admin_client: Client
) -> None:
    response = admin_client.post(
        reverse("backoffice:badge-reprint", args=[ten[0].pk]), {"reason": "lost"}
    )
    run = PrintRun.objects.get()
    assert response["Location"] == reverse("backoffice:print-run", args=[run.pk])
    assert run.accreditation_ids == [ten[0].pk]
    assert Accreditation.objects.get(pk=ten[0].pk).badge_version == 2
    by_number = reverse("backoffice:badge-reprint-number", args=[meeting.code])
    admin_client.post(by_number, {"badge_number": ten[1].badge_number, "reason": "damaged"})
    assert Accreditation.objects.get(pk=ten[1].pk).badge_version == 2
    assert PrintRun.objects.count() == 2
    missing = admin_client.post(by_number, {"badge_number": "99999"}, follow=True)
    assert b"No badge with the number 99999" in missing.content
    assert PrintRun.objects.count() == 2


# Command line --------------------------------------------------------------------------


def test_print_badges_command_writes_files(
    meeting: Meeting, ten: list[Accreditation], tmp_path: Path
) -> None:
    out = tmp_path / "out"
    stdout = io.StringIO()
    call_command("print_badges", "--meeting", meeting.code, "--out", str(out), stdout=stdout)
    run = PrintRun.objects.get()
    stem = f"badges-wsis-geneva-{run.pk}"
    assert sorted(path.name for path in out.iterdir()) == [f"{stem}.pdf", f"{stem}.zip"]
    assert len(PdfReader(out / f"{stem}.pdf").pages) == 10
    assert "10 badges printed" in stdout.getvalue()
    # Nothing left to print with --only-unprinted: exit 0, no run.
    stdout = io.StringIO()
    call_command(
        "print_badges",
        "--meeting",
        meeting.code,
        "--out",
        str(out),
        "--only-unprinted",
        stdout=stdout,
    )
    assert "No badges to print" in stdout.getvalue()
    assert PrintRun.objects.count() == 1


def test_print_badges_command_prints_six_to_a_sheet(
    meeting: Meeting, ten: list[Accreditation], tmp_path: Path
) -> None:
    call_command(
        "print_badges",
        "--meeting",
        meeting.code,
        "--out",
        str(tmp_path),
        "--layout",
        "a4-6",
        "--offset-top",
        "-1.5",
        "--offset-left",
        "2",
        stdout=io.StringIO(),
    )
    run = PrintRun.objects.get()
    assert (run.layout, run.offset_top, run.offset_left) == ("a4-6", Decimal("-1.5"), Decimal(2))
    reader = PdfReader(tmp_path / f"badges-wsis-geneva-{run.pk}.pdf")
    assert len(reader.pages) == 2  # ten badges, six a sheet
    assert [round(float(side) * 25.4 / 72) for side in reader.pages[0].mediabox[2:]] == [210, 297]


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (
            ["--layout", "a4-6", "--offset-top", "9.5"],
            "The top offset must be between -9 and 9 mm for A4: six badges of 99 x 93 mm "
            "(pre-cut stock).",
        ),
        (["--offset-left", "two"], "--offset-left takes millimetres, such as 1.5"),
        (["--offset-left", "0.25"], "--offset-left takes millimetres, such as 1.5"),
    ],
)
def test_print_badges_command_refuses_bad_offsets(
    meeting: Meeting, ten: list[Accreditation], tmp_path: Path, arguments: list[str], message: str
) -> None:
    with pytest.raises(CommandError) as refused:
        call_command("print_badges", "--meeting", meeting.code, "--out", str(tmp_path), *arguments)
    assert refused.value.returncode == 2
    assert str(refused.value).startswith(message)
    assert not PrintRun.objects.exists()


def test_print_form_takes_a_layout_and_refuses_bad_offsets(
    meeting: Meeting, ten: list[Accreditation], badge_desk: User
) -> None:
    client = signed_in(badge_desk)
    url = reverse("backoffice:badge-print", args=[meeting.code])
    refused = client.post(
        url, {"which": "all", "layout": "a4-4", "offset_top": "0", "offset_left": "6"}
    )
    assert refused.status_code == 400
    assert (
        b"The left offset must be between -5 and 5 mm for A4: four badges of 100 x 140 mm."
        in refused.content
    )
    odd = client.post(url, {"which": "all", "layout": "a3", "offset_top": "x"})
    assert odd.status_code == 400 and not PrintRun.objects.exists()
    client.post(url, {"which": "all", "layout": "a4-4", "offset_top": "-8.5", "offset_left": "5"})
    run = PrintRun.objects.get()
    assert (run.layout, run.offset_top, run.offset_left) == ("a4-4", Decimal("-8.5"), Decimal(5))
    assert run_queued_tasks() == 1
    run.refresh_from_db()
    assert [page_count(name) for name in run.files[:1]] == [3]  # ten badges, four a sheet
    page = client.get(reverse("backoffice:print-run", args=[run.pk]))
    assert b"A4: four badges of 100 x 140 mm; offsets -8.5 mm down, 5.0 mm right" in page.content


def test_print_badges_command_exit_codes(meeting: Meeting, tmp_path: Path) -> None:
    with pytest.raises(CommandError) as unknown:
        call_command("print_badges", "--meeting", "nope", "--out", str(tmp_path))
    assert unknown.value.returncode == 2
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(CommandError) as bad_out:
        call_command("print_badges", "--meeting", meeting.code, "--out", str(blocker / "sub"))
    assert bad_out.value.returncode == 2
    make_accreditations(meeting, [("A", "B")])
    with (
        mock.patch.object(print_runs, "render_badges", side_effect=RuntimeError("boom")),
        pytest.raises(CommandError) as failed,
    ):
        call_command("print_badges", "--meeting", meeting.code, "--out", str(tmp_path))
    assert failed.value.returncode == 1


# Visa support letters ------------------------------------------------------------------


def test_visa_letter(meeting: Meeting, ten: list[Accreditation], secretary_client: Client) -> None:
    accreditation = ten[0]
    Accreditation.objects.filter(pk=accreditation.pk).update(
        passport_given_name="Amina Fatima",
        passport_family_name="HADDAD",
        document_number="A1234567",
        date_of_birth=datetime.date(1980, 5, 17),
    )
    accreditation.delegate.nationality = "EG"
    accreditation.delegate.save()
    url = reverse("backoffice:visa-letter-pdf", args=[accreditation.pk])
    response = secretary_client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = PdfReader(io.BytesIO(response.content)).pages[0].extract_text()
    for expected in (
        "HADDAD",
        "Amina Fatima",
        "A1234567",
        "Egypt",
        "World Summit on the Information Society",
        "10 December 2003",
        "12 December 2003",
        "Geneva",
        visa.DEFAULT_SIGNATORY_NAME,
    ):
        assert expected in text, expected
    assert "WSIS-GENEVA/VISA/00001" in text
    # The door's code is not in a letter that goes to embassies.
    assert badge_code(accreditation) not in text.replace("\n", "")


def test_visa_letter_refused(
    meeting: Meeting, ten: list[Accreditation], secretary_client: Client, viewer_client: Client
) -> None:
    url = reverse("backoffice:visa-letter-pdf", args=[ten[0].pk])
    page = reverse("backoffice:accreditation-detail", args=[ten[0].pk])
    no_passport = secretary_client.get(url, follow=True)  # the page says why
    assert no_passport.redirect_chain == [(page, 302)]
    assert (
        "Not yet: the passport names and document number are needed for a visa support letter."
        in no_passport.content.decode()
    )
    assert url not in no_passport.content.decode()
    Accreditation.objects.filter(pk=ten[0].pk).update(
        passport_family_name="HADDAD",
        document_number="A1234567",
        status=AccreditationStatus.PENDING,
    )
    not_approved = secretary_client.get(url, follow=True)
    assert not_approved.redirect_chain == [(page, 302)]
    assert "A visa support letter is only for an approved delegate." in (
        not_approved.content.decode()
    )
    Accreditation.objects.filter(pk=ten[0].pk).update(status=AccreditationStatus.APPROVED)
    assert secretary_client.get(url).status_code == 200
    assert viewer_client.get(url).status_code == 403


@pytest.mark.integration
def test_large_runs_render_in_child_processes(meeting: Meeting, ten: list[Accreditation]) -> None:
    run = print_runs.create_print_run(meeting, [item.pk for item in ten], actor=ACTOR)
    with (
        mock.patch.object(print_runs, "CHILD_PROCESS_FROM", 1),
        mock.patch.object(print_runs, "CHUNK_SIZE", 6),
        mock.patch.object(print_runs, "render_badges", side_effect=AssertionError("in-process")),
    ):
        print_runs.run_print_run(run.pk)
    run.refresh_from_db()
    assert run.status == PrintRunStatus.DONE
    assert [page_count(name) for name in run.files[:2]] == [6, 4]
    with default_storage.open(run.files[0], "rb") as file:
        text = PdfReader(io.BytesIO(file.read())).pages[5].extract_text()
    assert "Family05" in text


def test_stalled_run_is_enqueued_again(meeting: Meeting, ten: list[Accreditation]) -> None:
    run = print_runs.create_print_run(meeting, [item.pk for item in ten], actor=ACTOR)
    assert print_runs.requeue_stalled_runs() == 0  # recent: left to its worker
    PrintRun.objects.filter(pk=run.pk).update(
        status=PrintRunStatus.RUNNING,
        done=3,
        created_at=timezone.now() - datetime.timedelta(hours=1),
    )
    assert print_runs.requeue_stalled_runs() == 1
    assert run_queued_tasks() == 1
    run.refresh_from_db()
    assert run.status == PrintRunStatus.DONE and run.done == 10
    assert print_runs.requeue_stalled_runs() == 0


def test_failed_run_can_be_tried_again(
    meeting: Meeting, ten: list[Accreditation], badge_desk: User, viewer_client: Client
) -> None:
    client = signed_in(badge_desk)
    run = print_runs.create_print_run(meeting, [item.pk for item in ten], actor=ACTOR)
    retry = reverse("backoffice:print-run-retry", args=[run.pk])
    client.post(retry)
    assert run_queued_tasks() == 0  # not failed: nothing enqueued
    with (
        mock.patch.object(print_runs, "render_badges", side_effect=RuntimeError("paper jam")),
        pytest.raises(RuntimeError),
    ):
        print_runs.run_print_run(run.pk)
    page = client.get(reverse("backoffice:print-run", args=[run.pk]))
    assert b"paper jam" in page.content and retry.encode() in page.content
    assert viewer_client.post(retry).status_code == 403
    assert client.post(retry).status_code == 302
    assert run_queued_tasks() == 1
    run.refresh_from_db()
    assert run.status == PrintRunStatus.DONE and run.error == ""
    assert Accreditation.objects.filter(badge_printed_version=1).count() == 10


# Badge pages whose refusals are tested above (the back office's coverage test reads this).
URL_NAMES = {
    "badge-meetings",
    "badge-print",
    "badge-reprint",
    "badge-reprint-number",
    "print-run",
    "print-run-file",
    "print-run-retry",
    "visa-letter-pdf",
    # Refusals tested in test_badge_templates.
    "badge-template-upload",
    "badge-template-remove",
}


def test_run_queued_under_the_old_task_path_still_prints_after_an_upgrade(
    meeting: Meeting, ten: list[Accreditation]
) -> None:
    # An earlier version defined the task in accreditation/print_tasks.py, and the queue
    # stores each task by its import path: this is the row it wrote.
    drop_queued_emails()  # the fixture's own, not what this is about
    run = print_runs.start_print_run(meeting, [item.pk for item in ten], actor=ACTOR)
    queued = DBTaskResult.objects.get()
    assert queued.task_path == "summitdesk.accreditation.tasks.print_badges_task"
    DBTaskResult.objects.filter(pk=queued.pk).update(
        task_path="summitdesk.accreditation.print_tasks.print_badges_task"
    )

    assert run_queued_tasks() == 1
    run.refresh_from_db()
    assert (run.status, run.done, run.total) == (PrintRunStatus.DONE, 10, 10)
    queued.refresh_from_db()
    assert queued.task_path == "summitdesk.accreditation.print_tasks.print_badges_task"
    assert queued.status == TaskResultStatus.SUCCESSFUL
