"""Fixed personas: an administrator, a registration officer (the secretary) and a viewer;
the demo, loaded once per run; and the unit / integration / browser marker of every test."""

import datetime
import io
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings as django_settings
from django.core.management import call_command
from django.db import connection
from django.test import Client, override_settings
from django.utils import timezone
from pytest_django import DjangoDbBlocker, Settings

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
    """Rate-limit counters live in the cache; each test starts with none."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: Settings) -> None:
    """The production hasher costs a fifth of a second for every staff member a test makes."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


# The demo, loaded once per run -------------------------------------------------------


@dataclass(frozen=True)
class Demo:
    """The demo as `make demo` loads it (PrepCom-2's history included): the command, run
    twice. Read it only: each test reads it in a transaction of its own."""

    today: datetime.date  # the day the command replayed the calendar from
    first: str  # what the first run printed
    second: str  # what the second run printed
    counts: dict[str, int]  # rows of every model after the first run...
    counts_again: dict[str, int]  # ...and after the second
    files: Path  # where the photos and PDFs it made were written


def _counts() -> dict[str, int]:
    return {model._meta.label: model._default_manager.count() for model in apps.get_models()}


class DemoLoader:
    """Loads the demo the first time a test asks for it; `unload` empties the database again
    once the tests reading it are done (see pytest_runtest_teardown below)."""

    def __init__(self, blocker: DjangoDbBlocker, files: Path) -> None:
        self.blocker = blocker
        self.files = files
        self.demo: Demo | None = None

    def load(self) -> Demo:
        if self.demo is not None:
            return self.demo
        # Committed, outside any test's transaction: a test's own would roll it back.
        assert not connection.in_atomic_block
        storages = {
            **django_settings.STORAGES,
            "default": {
                "BACKEND": "django.core.files.storage.FileSystemStorage",
                "OPTIONS": {"location": self.files},
            },
        }
        hashers = ["django.contrib.auth.hashers.MD5PasswordHasher"]
        with (
            self.blocker.unblock(),
            override_settings(STORAGES=storages, PASSWORD_HASHERS=hashers),
        ):
            today = timezone.localdate()
            first, second = io.StringIO(), io.StringIO()
            call_command("load_demo", stdout=first)
            counts = _counts()
            call_command("load_demo", stdout=second)
            self.demo = Demo(
                today, first.getvalue(), second.getvalue(), counts, _counts(), self.files
            )
        return self.demo

    def unload(self) -> None:
        if self.demo is None:
            return
        with self.blocker.unblock():
            call_command("flush", interactive=False, verbosity=0)
        shutil.rmtree(self.files, ignore_errors=True)
        self.demo = None


_DEMO_LOADER = pytest.StashKey[DemoLoader]()


@pytest.fixture(scope="session")
def demo_loader(
    request: pytest.FixtureRequest,
    django_db_setup: None,
    django_db_blocker: DjangoDbBlocker,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[DemoLoader]:
    loader = DemoLoader(django_db_blocker, tmp_path_factory.mktemp("demo-files"))
    request.config.stash[_DEMO_LOADER] = loader
    yield loader
    loader.unload()


@pytest.fixture
def _demo_loaded(demo_loader: DemoLoader) -> Demo:
    return demo_loader.load()


@pytest.fixture
def demo(_demo_loaded: Demo, db: None) -> Demo:
    """The demo, loaded by the first test of the run that asks for it (and again only if a
    test that does not ask for it ran in between: see pytest_collection_modifyitems)."""
    return _demo_loaded


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None) -> Iterator[None]:
    """After the last of a run of tests reading the demo, the next test starts empty."""
    result = yield
    uses_demo = "demo" in getattr(item, "fixturenames", ())
    next_uses_demo = nextitem is not None and "demo" in getattr(nextitem, "fixturenames", ())
    loader = item.config.stash.get(_DEMO_LOADER, None)
    if uses_demo and not next_uses_demo and nextitem is not None and loader is not None:
        loader.unload()
    return result


# Markers -----------------------------------------------------------------------------

# Fixtures that start or reach a real process or server, or read the loaded demo.
INTEGRATION_FIXTURES = {"demo", "smtp", "receiver", "closed_port", "live_server", "worker"}


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Every test is unit, integration or browser (`make test-fast` runs the unit ones).
    The tests reading the demo run one after the other on one xdist worker, so that it is
    loaded once."""
    demo = [item for item in items if "demo" in getattr(item, "fixturenames", ())]
    others = [item for item in items if "demo" not in getattr(item, "fixturenames", ())]
    items[:] = others + demo
    for item in demo:
        item.add_marker(pytest.mark.xdist_group("demo"))
    for item in items:
        if item.get_closest_marker("browser") or item.get_closest_marker("integration"):
            continue
        if INTEGRATION_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.integration)
        else:
            item.add_marker(pytest.mark.unit)
