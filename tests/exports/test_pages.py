"""Exports from the back office: direct downloads, large exports as jobs with progress and a
download kept for a week, who may see which job, and the audit trail."""

import csv
import datetime
import io
from typing import Any

import openpyxl
import pytest
from django.core.files.storage import default_storage
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from summitdesk.core.enums import Role
from summitdesk.core.models import AuditEntry, User
from summitdesk.exports import services, urls, writers
from summitdesk.exports.models import ExportJob, ExportStatus
from summitdesk.exports.tasks import purge_expired_exports
from tests.conftest import signed_in
from tests.exports.conftest import World
from tests.factories import UserFactory
from tests.tasks import run_queued_tasks

#: Every URL of the exports app, each covered by a permission test below.
URL_NAMES = {"export", "job", "job-status", "job-download", "job-list"}

ACCREDITATIONS = reverse("exports:export", args=["accreditations"]) + "?meeting=wsis-2026"


def content(response: Any) -> bytes:
    """A streamed response's content; reading it to the end closes its file."""
    return b"".join(response.streaming_content)


def read_csv(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


@pytest.fixture
def officer(db: None) -> User:
    return UserFactory(username="officer", role=Role.REGISTRATION_OFFICER)


@pytest.fixture
def large(monkeypatch: pytest.MonkeyPatch) -> None:
    """Exports of more than two rows count as large."""
    monkeypatch.setattr(services, "DIRECT_MAX_ROWS", 2)


def test_every_exports_url_is_covered_by_a_permission_test() -> None:
    assert {getattr(pattern, "name", None) for pattern in urls.urlpatterns} == URL_NAMES


@pytest.mark.parametrize(
    "url",
    [
        ACCREDITATIONS,
        reverse("exports:job-list"),
        reverse("exports:job", args=[1]),
        reverse("exports:job-status", args=[1]),
        reverse("exports:job-download", args=[1]),
    ],
)
def test_export_pages_send_anonymous_visitors_to_sign_in(client: Client, url: str) -> None:
    response = client.post(url) if url == ACCREDITATIONS else client.get(url)

    assert response.status_code == 302
    assert response["Location"].startswith("/sign-in/?next=")


def test_small_csv_export_streams_with_the_filters_of_the_list(
    world: World, viewer_client: Client, viewer: User
) -> None:
    response = viewer_client.post(
        f"{ACCREDITATIONS}&status=approved&region=europe&page=2", {"format": "csv"}
    )

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith(
        'attachment; filename="accreditations-wsis-2026-'
    )
    assert response["Cache-Control"] == "private, no-store"
    rows = read_csv(content(response))
    assert [row[15] for row in rows[1:]] == ["Müller"]
    job = ExportJob.objects.get()
    assert (job.status, job.total, job.created_by, job.identity) == (
        ExportStatus.DELIVERED, 1, viewer, False,
    )  # fmt: skip
    entry = AuditEntry.objects.get(action="summitdesk.export.created")
    assert (entry.actor, entry.object_id) == (viewer, str(job.pk))
    assert entry.changes == {
        "kind": [None, "accreditations"],
        "format": [None, "csv"],
        "filters": [None, {"meeting": ["wsis-2026"], "region": ["europe"], "status": ["approved"]}],
        "identity": [None, False],
        "rows": [None, 1],
    }
    assert (
        entry.note == "accreditations, csv, 1 rows; meeting=wsis-2026 region=europe status=approved"
    )


def test_viewer_gets_no_identity_columns_and_officer_does(
    world: World, viewer_client: Client, officer: User
) -> None:
    as_viewer = read_csv(content(viewer_client.post(ACCREDITATIONS, {"format": "csv"})))
    as_officer = read_csv(content(signed_in(officer).post(ACCREDITATIONS, {"format": "csv"})))

    assert "Identity document number" not in as_viewer[0]
    assert not any("X1234567" in row for row in as_viewer)
    assert as_officer[0][-2] == "Identity document number"
    assert as_officer[3][-2] == "X1234567"


def test_small_xlsx_export_is_a_workbook(world: World, viewer_client: Client) -> None:
    url = reverse("exports:export", args=["organisations"]) + "?region=africa&region=arab-states"

    response = viewer_client.post(url, {"format": "xlsx"})

    assert response.status_code == 200
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    sheet: Any = openpyxl.load_workbook(io.BytesIO(content(response))).active
    assert [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)] == [
        "=Egyptian Telecom", "Sonatel",
    ]  # fmt: skip
    assert (sheet["B2"].quotePrefix, sheet["B3"].quotePrefix) == (True, False)


def test_xlsx_export_beyond_a_sheets_rows_is_refused_before_writing(
    world: World, viewer_client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(writers, "XLSX_MAX_ROWS", 2)  # the header and one row
    url = reverse("exports:export", args=["organisations"]) + "?region=africa&region=arab-states"

    refused = viewer_client.post(url, {"format": "xlsx"})
    as_csv = viewer_client.post(url, {"format": "csv"})

    assert refused.status_code == 400
    assert (
        "An XLSX sheet holds at most 1 rows under its header; this export has more. "
        "Narrow the filters or choose CSV."
    ) in refused.content.decode()
    assert as_csv.status_code == 200
    assert list(ExportJob.objects.values_list("format", flat=True)) == ["csv"]


def test_delegates_export_from_a_circulars_tracker(world: World, viewer_client: Client) -> None:
    url = reverse("exports:export", args=["delegates"])
    query = f"?meeting=wsis-2026&circular={world.circular.pk}&state=attending&region=africa"

    response = viewer_client.post(url + query, {"format": "csv"})

    assert [row[12] for row in read_csv(content(response))[1:]] == ["Diop"]


@pytest.mark.parametrize(
    ("query", "data", "message"),
    [
        ("?meeting=wsis-2026&status=lost", {"format": "csv"}, "Unknown status lost; choose from"),
        ("?meeting=atlantis", {"format": "csv"}, "No meeting with the code atlantis."),
        ("?meeting=wsis-2026", {"format": "pdf"}, "Choose the format: CSV or XLSX."),
    ],
)
def test_bad_export_request_says_why_and_records_nothing(
    world: World, viewer_client: Client, query: str, data: dict[str, str], message: str
) -> None:
    url = reverse("exports:export", args=["accreditations"]) + query

    response = viewer_client.post(url, data)

    assert response.status_code == 400
    assert message in response.content.decode()
    assert ExportJob.objects.count() == 0
    assert AuditEntry.objects.count() == 0


def test_unknown_kind_is_not_found(world: World, viewer_client: Client) -> None:
    response = viewer_client.post(reverse("exports:export", args=["people"]), {"format": "csv"})

    assert response.status_code == 404


def test_export_is_refused_on_get(world: World, viewer_client: Client) -> None:
    assert viewer_client.get(ACCREDITATIONS + "&format=csv").status_code == 405


def test_job_grown_beyond_a_sheets_rows_fails_with_the_message(
    world: World, officer: User, large: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    signed_in(officer).post(ACCREDITATIONS + "&status=approved", {"format": "xlsx"})
    monkeypatch.setattr(writers, "XLSX_MAX_ROWS", 3)  # rows were added since it was counted

    assert run_queued_tasks() == 1

    job = ExportJob.objects.get()
    assert (job.status, job.file, job.error) == (
        ExportStatus.FAILED,
        "",
        "An XLSX sheet holds at most 2 rows under its header; this export has more. "
        "Narrow the filters or choose CSV.",
    )


def test_large_export_becomes_a_job_with_progress_and_a_download(
    world: World, officer: User, large: None
) -> None:
    client = signed_in(officer)

    response = client.post(ACCREDITATIONS + "&status=approved", {"format": "xlsx"})

    job = ExportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("exports:job", args=[job.pk])
    assert (job.status, job.total, job.done, job.identity) == (ExportStatus.QUEUED, 3, 0, True)
    page = client.get(response["Location"])
    assert page["Refresh"] == "5"
    assert "Waiting for a worker" in page.content.decode()
    assert client.get(reverse("exports:job-status", args=[job.pk])).json() == {
        "status": "queued", "handled": 0, "total": 3, "percent": 0, "done": False,
    }  # fmt: skip

    assert run_queued_tasks() == 1

    job.refresh_from_db()
    assert (job.status, job.done, job.total) == (ExportStatus.DONE, 3, 3)
    assert job.expires_at > timezone.now() + datetime.timedelta(days=6)
    assert client.get(reverse("exports:job-status", args=[job.pk])).json() == {
        "status": "done", "handled": 3, "total": 3, "percent": 100, "done": True,
    }  # fmt: skip
    page = client.get(reverse("exports:job", args=[job.pk]))
    assert "Refresh" not in page
    assert reverse("exports:job-download", args=[job.pk]) in page.content.decode()
    download = client.get(reverse("exports:job-download", args=[job.pk]))
    assert download.status_code == 200
    assert download["Content-Disposition"] == f'attachment; filename="{job.filename}"'
    sheet: Any = openpyxl.load_workbook(io.BytesIO(content(download))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert [row[15] for row in rows[1:]] == ["+Hassan", "Diop", "Müller"]
    assert rows[3][27] == "X1234567"
    assert job.filename in client.get(reverse("exports:job-list")).content.decode()


def test_anothers_job_does_not_exist_for_you_but_does_for_an_administrator(
    world: World, officer: User, viewer_client: Client, admin_client: Client, large: None
) -> None:
    signed_in(officer).post(ACCREDITATIONS, {"format": "csv"})
    run_queued_tasks()
    job = ExportJob.objects.get()

    for name in ("exports:job", "exports:job-status", "exports:job-download"):
        assert viewer_client.get(reverse(name, args=[job.pk])).status_code == 404, name
        response = admin_client.get(reverse(name, args=[job.pk]))
        assert response.status_code == 200, name
        assert response.streaming == (name == "exports:job-download")
        if response.streaming:
            content(response)
    assert job.filename not in viewer_client.get(reverse("exports:job-list")).content.decode()
    assert job.filename in admin_client.get(reverse("exports:job-list")).content.decode()


def test_expired_jobs_are_purged_with_their_files(world: World, officer: User, large: None) -> None:
    client = signed_in(officer)
    client.post(ACCREDITATIONS, {"format": "csv"})
    run_queued_tasks()
    job = ExportJob.objects.get()
    assert default_storage.exists(job.file)

    purge_expired_exports.enqueue()
    run_queued_tasks()
    assert ExportJob.objects.count() == 1  # not yet expired

    ExportJob.objects.update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    assert client.get(reverse("exports:job-download", args=[job.pk])).status_code == 404
    assert (
        "This export has expired"
        in client.get(reverse("exports:job", args=[job.pk])).content.decode()
    )
    purge_expired_exports.enqueue()
    run_queued_tasks()

    assert ExportJob.objects.count() == 0
    assert not default_storage.exists(job.file)
    assert AuditEntry.objects.filter(action="summitdesk.export.purged").count() == 1
    assert client.get(reverse("exports:job", args=[job.pk])).status_code == 404


def test_a_job_whose_meeting_is_gone_fails_with_the_reason(
    world: World, officer: User, large: None
) -> None:
    signed_in(officer).post(ACCREDITATIONS, {"format": "csv"})
    job = ExportJob.objects.get()
    ExportJob.objects.update(filters={"meeting": ["renamed"]})

    run_queued_tasks()

    job.refresh_from_db()
    assert (job.status, job.error, job.file) == (
        ExportStatus.FAILED, "No meeting with the code renamed.", "",
    )  # fmt: skip


def test_a_stalled_job_is_queued_again(world: World, officer: User, large: None) -> None:
    signed_in(officer).post(ACCREDITATIONS, {"format": "csv"})
    run_queued_tasks()
    job = ExportJob.objects.get()
    old_file = job.file
    ExportJob.objects.update(
        status=ExportStatus.RUNNING, started_at=timezone.now() - datetime.timedelta(hours=1)
    )

    assert services.requeue_stalled_exports() == 1
    run_queued_tasks()

    job.refresh_from_db()
    assert job.status == ExportStatus.DONE
    assert job.file != old_file
    assert not default_storage.exists(old_file)


@pytest.mark.parametrize(
    ("page", "kwargs", "kind"),
    [
        ("backoffice:organisation-list", {}, "organisations"),
        ("backoffice:tracker-meeting", {"code": "wsis-2026"}, "replies"),
        ("backoffice:tracker-meeting", {"code": "wsis-2026"}, "delegates"),
        ("backoffice:accreditation-list", {"code": "wsis-2026"}, "accreditations"),
    ],
)
def test_list_pages_offer_an_export_with_their_filters(
    world: World, viewer_client: Client, page: str, kwargs: dict[str, str], kind: str
) -> None:
    response = viewer_client.get(reverse(page, kwargs=kwargs) + "?category=member_state")

    action = reverse("exports:export", args=[kind])
    html = response.content.decode()
    assert f'action="{action}?' in html
    start = html.index(f'action="{action}?')
    assert "category=member_state" in html[start : html.index(">", start)]
