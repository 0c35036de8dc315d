from pathlib import Path

import pytest
from pytest_django import Settings


@pytest.fixture(autouse=True)
def _files(settings: Settings, tmp_path: Path) -> None:
    """Stored documents go to a folder of the test's own."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "files"},
        },
    }
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
