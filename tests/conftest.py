"""Fixed personas: an administrator, a registration officer (the secretary) and a viewer."""

import pytest
from django.test import Client
from pytest_django import Settings

from summitdesk.core.enums import Role
from summitdesk.core.models import User
from tests.factories import UserFactory


@pytest.fixture
def administrator(db: None) -> User:
    return UserFactory(username="admin", role=Role.ADMINISTRATOR)


@pytest.fixture
def secretary(db: None) -> User:
    """A registration officer: may change the directory."""
    return UserFactory(username="secretary", role=Role.REGISTRATION_OFFICER, first_name="Sara")


@pytest.fixture
def viewer(db: None) -> User:
    """May read everything in the back office, change nothing."""
    return UserFactory(username="viewer", role=Role.VIEWER)


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def secretary_client(secretary: User) -> Client:
    return signed_in(secretary)


@pytest.fixture
def viewer_client(viewer: User) -> Client:
    return signed_in(viewer)


@pytest.fixture
def admin_client(administrator: User) -> Client:
    return signed_in(administrator)


@pytest.fixture(autouse=True)
def _clear_cache() -> None:
    """Cached figures and pages do not pass from one test to the next. (Rate-limit counts
    live in the database, which every test starts afresh.)"""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: Settings) -> None:
    """The production hasher costs a fifth of a second for every staff member a test makes."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
