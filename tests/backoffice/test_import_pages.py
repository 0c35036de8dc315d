import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from summitdesk.backoffice import import_forms
from summitdesk.directory.models import ImportJob, ImportJobStatus, Organisation
from tests.confirm import CONFIRMED, confirmation
from tests.tasks import run_queued_tasks

UPLOAD = "/organisations/import/"
GOOD = b"name,category,country\r\nAcme,Member State,CH\r\nZenith,Civil society,FR\r\n"
ONE_BAD = (
    b"name,category,country\r\nAcme,Member State,CH\r\nAtlantis Telecom,Member State,Atlantis\r\n"
)


def upload(
    client: Client, content: bytes, name: str = "orgs.csv", *, preview: bool = True
) -> ImportJob | None:
    """Upload a file; with `preview`, the worker then checks it."""
    response = client.post(UPLOAD, {"file": SimpleUploadedFile(name, content)})
    if response.status_code != 302:
        return None
    job = ImportJob.objects.get()
    assert response["Location"] == f"/organisations/import/{job.pk}/"
    if preview:
        assert run_queued_tasks() == 1
        job.refresh_from_db()
    return job


def test_import_pages_refuse_viewer(viewer_client: Client) -> None:
    responses = [
        viewer_client.get(UPLOAD),
        viewer_client.post(UPLOAD, {"file": SimpleUploadedFile("orgs.csv", GOOD)}),
        viewer_client.get("/organisations/import/template.csv"),
    ]

    assert [response.status_code for response in responses] == [403, 403, 403]
    assert ImportJob.objects.count() == 0


def test_organisation_list_links_to_import_for_editors(
    secretary_client: Client, viewer_client: Client
) -> None:
    link = f'href="{UPLOAD}"'

    assert link in secretary_client.get("/organisations/").content.decode()
    assert link not in viewer_client.get("/organisations/").content.decode()


def test_import_template_downloads_header_and_example(secretary_client: Client) -> None:
    response = secretary_client.get("/organisations/import/template.csv")

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="organisations-template.csv"'
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[0] == (
        "external_id,name,acronym,category,stakeholder_group,sectors,country,language,address,"
        "website,email,ceo_title,ceo_given_name,ceo_family_name,ceo_email,ceo_phone"
    )
    assert len(lines) == 2


def test_import_upload_preview_lists_refused_rows(secretary_client: Client) -> None:
    job = upload(secretary_client, ONE_BAD)
    assert job is not None

    response = secretary_client.get(f"/organisations/import/{job.pk}/")

    page = response.content.decode()
    assert job.status == ImportJobStatus.PREVIEWED
    assert "<td>3</td><td>country</td><td>unknown country &quot;Atlantis&quot;</td>" in page
    assert '<button type="submit" name="mode" value="all" disabled>' in page
    assert "Import only the valid row (1)" in page
    assert Organisation.objects.count() == 0


def test_import_upload_preview_counts_and_duplicates(secretary_client: Client) -> None:
    content = GOOD + b"ACME,Member State,DE\r\n"
    job = upload(secretary_client, content)
    assert job is not None

    response = secretary_client.get(f"/organisations/import/{job.pk}/")

    report = response.context["report"]
    assert (report.total_rows, report.created, report.refused) == (3, 3, 0)
    assert [(flag.row, flag.other_row, flag.reason) for flag in report.duplicates] == [
        (4, 2, "same name")
    ]
    assert '<button type="submit" name="mode" value="all">' in response.content.decode()


def test_import_upload_unreadable_file_shows_why(secretary_client: Client) -> None:
    job = upload(secretary_client, b"external_id,name\r\n", "orgs.xlsx")
    assert job is not None

    response = secretary_client.get(f"/organisations/import/{job.pk}/")

    assert (job.status, bytes(job.content)) == (ImportJobStatus.FAILED, b"")
    assert (
        '<p class="message error" role="alert">This file is not a valid XLSX workbook: save it '
        "again as XLSX or CSV.</p>"
    ) in response.content.decode()
    assert "Refresh" not in response


def test_import_upload_is_checked_by_the_worker_with_progress_on_the_page(
    secretary_client: Client,
) -> None:
    job = upload(secretary_client, ONE_BAD, preview=False)
    assert job is not None
    url = f"/organisations/import/{job.pk}/"

    waiting = secretary_client.get(url)
    ImportJob.objects.filter(pk=job.pk).update(rows_done=3000, started_at=timezone.now())
    reading = secretary_client.get(url)
    ImportJob.objects.filter(pk=job.pk).update(rows_done=500, rows_total=2000)
    checking = secretary_client.get(url)
    early = secretary_client.post(f"{url}confirm/", {"mode": "valid"}, follow=True)
    ran = run_queued_tasks()
    previewed = secretary_client.get(url)

    assert (job.status, waiting["Refresh"]) == (ImportJobStatus.PREVIEWING, "2")
    assert "Waiting for a worker to check the file…" in waiting.content.decode()
    assert "Reading the file: 3,000 rows so far." in reading.content.decode()
    assert "<progress>" in reading.content.decode()
    assert "Checking rows: 500 of 2,000." in checking.content.decode()
    assert '<progress max="2000" value="500">' in checking.content.decode()
    assert "The file is still being checked: wait for its preview." in early.content.decode()
    assert ran == 1
    assert previewed.context["job"].status == ImportJobStatus.PREVIEWED
    assert "Refresh" not in previewed
    assert "Import only the valid row (1)" in previewed.content.decode()
    assert Organisation.objects.count() == 0


def test_import_cancel_while_the_file_is_checked(secretary_client: Client) -> None:
    job = upload(secretary_client, GOOD, preview=False)
    assert job is not None

    response = secretary_client.post(f"/organisations/import/{job.pk}/cancel/", CONFIRMED)

    assert response["Location"] == UPLOAD
    assert ImportJob.objects.count() == 0
    assert run_queued_tasks() == 1  # the preview finds nothing left to check
    assert Organisation.objects.count() == 0


def test_import_upload_refuses_other_files_and_large_ones(
    secretary_client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(import_forms, "MAX_UPLOAD_BYTES", 10)

    other = secretary_client.post(UPLOAD, {"file": SimpleUploadedFile("orgs.pdf", b"%PDF")})
    large = secretary_client.post(UPLOAD, {"file": SimpleUploadedFile("orgs.csv", GOOD)})

    assert other.context["form"].errors == {"file": ["Choose a CSV or XLSX file."]}
    assert large.context["form"].errors == {
        "file": ["This file is larger than 20 MB: split it, or import it from the command line."]
    }


def test_import_confirm_runs_job_and_shows_done(secretary_client: Client) -> None:
    job = upload(secretary_client, GOOD)
    assert job is not None

    confirmed = secretary_client.post(f"/organisations/import/{job.pk}/confirm/", {"mode": "all"})
    queued = secretary_client.get(f"/organisations/import/{job.pk}/")
    ran = run_queued_tasks()
    done = secretary_client.get(f"/organisations/import/{job.pk}/")

    assert confirmed["Location"] == f"/organisations/import/{job.pk}/"
    assert (queued.context["job"].status, queued["Refresh"]) == (ImportJobStatus.QUEUED, "2")
    assert '<progress max="2" value="0">' in queued.content.decode()
    assert ran == 1
    assert done.context["job"].status == ImportJobStatus.DONE
    assert "The import is finished." in done.content.decode()
    assert "Refresh" not in done
    assert sorted(Organisation.objects.values_list("name", flat=True)) == ["Acme", "Zenith"]


def test_import_confirm_only_valid_imports_good_rows(secretary_client: Client) -> None:
    job = upload(secretary_client, ONE_BAD)
    assert job is not None

    refused = secretary_client.post(f"/organisations/import/{job.pk}/confirm/", {"mode": "all"})
    secretary_client.post(f"/organisations/import/{job.pk}/confirm/", {"mode": "valid"})
    run_queued_tasks()

    job.refresh_from_db()
    assert refused.status_code == 302
    assert (job.status, job.only_valid, job.report["created"], job.report["refused"]) == (
        ImportJobStatus.DONE,
        True,
        1,
        1,
    )
    assert list(Organisation.objects.values_list("name", flat=True)) == ["Acme"]


def test_import_confirm_twice_queues_once(secretary_client: Client) -> None:
    job = upload(secretary_client, GOOD)
    assert job is not None
    url = f"/organisations/import/{job.pk}/confirm/"

    secretary_client.post(url, {"mode": "all"})
    again = secretary_client.post(url, {"mode": "all"}, follow=True)

    assert "This import has already been confirmed." in again.content.decode()
    assert run_queued_tasks() == 1


def test_import_cancel_forgets_the_file(secretary_client: Client) -> None:
    job = upload(secretary_client, GOOD)
    assert job is not None
    url = f"/organisations/import/{job.pk}/cancel/"
    assert confirmation(secretary_client.post(url)) == (
        f"Cancel the import of {job.filename}?",
        "The checked file is discarded and nothing is written to the directory.",
        "Cancel the import",
    )
    assert ImportJob.objects.count() == 1

    response = secretary_client.post(url, CONFIRMED)

    assert response["Location"] == UPLOAD
    assert ImportJob.objects.count() == 0
    assert Organisation.objects.count() == 0


def test_import_pages_have_no_inline_script_or_style(secretary_client: Client) -> None:
    job = upload(secretary_client, ONE_BAD)
    assert job is not None

    pages = [
        secretary_client.get(UPLOAD).content.decode(),
        secretary_client.get(f"/organisations/import/{job.pk}/").content.decode(),
    ]

    inline = re.compile(r"<script(?![^>]*\ssrc=)")
    assert [(bool(inline.search(page)), "style=" in page) for page in pages] == [(False, False)] * 2


def test_import_job_page_shows_why_it_failed(secretary_client: Client) -> None:
    job = ImportJob.objects.create(
        filename="orgs.csv", status=ImportJobStatus.FAILED, error="The file is empty."
    )

    response = secretary_client.get(f"/organisations/import/{job.pk}/")

    assert (
        '<p class="message error" role="alert">The file is empty.</p>' in response.content.decode()
    )
