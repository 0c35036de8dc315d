"""The demo's applications: every state, PrepCom-2's decision taken, a second run idle."""

from pathlib import Path

import pytest
from pytest_django import Settings

from summitdesk.admission.enums import AdmissionStatus, ApplicationStatus
from summitdesk.admission.models import Admission, Application
from summitdesk.correspondence.audience import Audience
from summitdesk.correspondence.models import OutboundMessage
from summitdesk.demo.admission import load_admission
from summitdesk.directory.enums import PositionRole
from summitdesk.directory.models import Position
from tests.admission.builders import STAFF, prepcom

pytestmark = pytest.mark.django_db


def test_the_demo_has_every_state_and_a_decision_taken(settings: Settings, tmp_path: Path) -> None:
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path},
        },
    }
    meeting = prepcom("prepcom-2")

    assert load_admission(meeting.process, actor=STAFF) == 13
    assert load_admission(meeting.process, actor=STAFF) == 0

    statuses = set(Application.objects.values_list("status", flat=True))
    assert statuses == set(ApplicationStatus.values)
    admitted = Admission.objects.filter(meeting=meeting)
    assert admitted.count() == 4  # new entries: this directory is empty
    assert admitted.filter(status=AdmissionStatus.SUSPENDED).count() == 1
    for admission in admitted:
        assert Position.objects.filter(
            organisation=admission.organisation, role=PositionRole.FOCAL_POINT
        ).exists()
    assert Audience(admitted_to=[meeting.process.code]).organisations().count() == 3
    assert not OutboundMessage.objects.exists()  # the applicants' emails: never sent
