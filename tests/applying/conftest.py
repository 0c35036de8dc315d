"""Fixtures shared by the tests of the applicant's side."""

from pathlib import Path

import pytest
from pytest_django import Settings


@pytest.fixture(autouse=True)
def private_storage(settings: Settings, tmp_path: Path) -> Path:
    """Uploaded documents go to this test's own folder."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "files"},
        },
    }
    settings.SUMMITDESK_BASE_URL = "http://summitdesk.example.org"
    return tmp_path / "files"
