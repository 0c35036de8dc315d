"""The periodic purge of unconfirmed applications is registered and runs as a task; the
demo's WSIS takes applications with the WSIS checklist."""

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from summitdesk.admission.applying import UNCONFIRMED_DAYS, Window, window
from summitdesk.admission.models import AdmissionPolicy, Application
from summitdesk.admission.tasks import purge_unconfirmed_applications
from summitdesk.core.periodic import registered_jobs
from tests.applying.builders import application, policy
from tests.conftest import Demo
from tests.tasks import run_queued_tasks


@pytest.mark.django_db
def test_the_purge_is_a_periodic_job_that_deletes_stale_applications() -> None:
    assert "purge-unconfirmed-applications" in {job.name for job in registered_jobs()}
    stale = application(policy())
    Application.objects.filter(pk=stale.pk).update(
        submitted_at=timezone.now() - datetime.timedelta(days=UNCONFIRMED_DAYS + 1)
    )
    run_queued_tasks()

    purge_unconfirmed_applications.enqueue()
    run_queued_tasks()

    assert not Application.objects.exists()


def test_the_demo_process_takes_applications_with_the_wsis_checklist(demo: Demo) -> None:
    wsis = AdmissionPolicy.objects.select_related("process").get()
    assert window(wsis) == Window.OPEN
    titles = list(wsis.required_documents.values_list("title", flat=True))
    assert titles == [
        "Purpose, programmes and activities",
        "Annual reports with financial statements",
        "Governing body and membership",
        "Constitution or by-laws",
    ]
    page = Client().get(f"/processes/{wsis.process.code}/apply/?lang=fr")
    assert page.status_code == 200
    assert "Statuts ou règlement intérieur" in page.content.decode()
