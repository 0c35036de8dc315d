"""Fixed personas: an administrator, a registration officer (the secretary) and a viewer;
the demo, loaded once per run; headless Chromium, watched for errors; and the unit /
integration / browser marker of every test."""

import asyncio
import datetime
import errno
import io
import os
import shutil
import socket
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage as MimeMessage
from pathlib import Path
from types import SimpleNamespace
from typing import Any, TypeVar

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session
from django.apps import apps
from django.conf import settings as django_settings
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test import Client, override_settings
from django.utils import timezone, translation
from PIL import Image
from playwright.sync_api import (
    Browser,
    BrowserContext,
    ConsoleMessage,
    Playwright,
    Response,
    ViewportSize,
    WebError,
    sync_playwright,
)
from pytest_django import DjangoDbBlocker, Settings
from pytest_django.live_server_helper import LiveServer

from summitdesk.core import ratelimit
from summitdesk.core.enums import Role
from summitdesk.core.models import User
from tests.factories import UserFactory


@pytest.fixture(autouse=True)
def _no_language_left_active() -> None:
    """Each test starts with no language active, as a new process does: a request in
    French earlier on the same worker (a staff member's own language, `?lang=fr`) leaves
    French active in the thread, and a command run next would print in French."""
    translation.deactivate()


@pytest.fixture(autouse=True)
def _rate_windows_hold_still(monkeypatch: pytest.MonkeyPatch) -> None:
    """Rate limits count in fixed windows of the clock (core/ratelimit.py): a test whose
    requests straddled a minute's turn would see its count start again. Within one test the
    windows hold still (a test that moves the clock patches it again)."""
    now = time.time()
    monkeypatch.setattr(ratelimit, "time", SimpleNamespace(time=lambda: now))


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

    cache.clear()


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: Settings) -> None:
    """The production hasher costs a fifth of a second for every staff member a test makes."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


# Servers on ports of 127.0.0.1 ---------------------------------------------------------


def free_port() -> int:
    """A port nobody listens on at the moment (the system picks it)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def started_smtp(handler: object) -> Controller:
    """An aiosmtpd server for `handler` on a free port of 127.0.0.1, started. The port is
    probed, then bound: another process (another xdist worker, say) may take it in between,
    so a bind refused for that is tried again on another port."""
    for attempt in range(5):
        loop = asyncio.new_event_loop()
        controller = Controller(handler, hostname="127.0.0.1", port=free_port(), loop=loop)
        try:
            controller.start()
        except OSError as error:
            loop.close()
            if error.errno != errno.EADDRINUSE or attempt == 4:
                raise
            continue
        return controller
    raise AssertionError("unreachable")


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    content: bytes

    @property
    def message(self) -> MimeMessage:
        parsed = message_from_bytes(self.content, policy=policy.default)
        assert isinstance(parsed, MimeMessage)
        return parsed


@dataclass
class Sink:
    """An SMTP server's handler: keeps what it accepts. It answers `replies` (e.g. "451
    ...") to the first messages instead, and `refused` addresses' RCPT with their reply."""

    received: list[Received] = field(default_factory=list)
    replies: list[str] = field(default_factory=list)
    refused: dict[str, str] = field(default_factory=dict)
    conversations: int = 0

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: Any
    ) -> str:
        if address in self.refused:
            return self.refused[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        self.conversations += 1
        if self.replies:
            return self.replies.pop(0)
        content = envelope.original_content or b""
        self.received.append(Received(str(envelope.mail_from), list(envelope.rcpt_tos), content))
        return "250 Message accepted for delivery"

    def by_recipient(self) -> dict[str, list[Received]]:
        found: dict[str, list[Received]] = {}
        for received in self.received:
            found.setdefault(received.message["To"], []).append(received)
        return found


@contextmanager
def smtp_server(settings: Settings) -> Iterator[Sink]:
    """A real SMTP server on 127.0.0.1, and Django's SMTP backend pointed at it."""
    sink = Sink()
    controller = started_smtp(sink)
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = controller.port
    settings.EMAIL_USE_TLS = False
    settings.DEFAULT_FROM_EMAIL = "SummitDesk <no-reply@summitdesk.example.org>"
    try:
        yield sink
    finally:
        controller.stop()
        controller.loop.close()


@pytest.fixture
def smtp(settings: Settings) -> Iterator[Sink]:
    with smtp_server(settings) as sink:
        yield sink


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
def _demo_loaded(demo_loader: DemoLoader, request: pytest.FixtureRequest) -> Demo:
    # Under `--dist loadgroup`, pytest-xdist names each test of a group after it; a pytest
    # it cannot do that with scatters the demo's tests over every worker, each loading the
    # demo again and again (pyproject.toml pins a pytest it works with).
    if getattr(request.config.option, "loadgroup", False):
        assert request.node.nodeid.endswith("@demo"), "pytest-xdist did not group this test"
    return demo_loader.load()


@pytest.fixture
def demo(_demo_loaded: Demo, db: None) -> Demo:
    """The demo, loaded by the first test of the run that asks for it (and again only if a
    test that does not ask for it ran in between: see pytest_collection_modifyitems)."""
    return _demo_loaded


#: Fixtures that read the loaded demo: `demo`, and the module-scoped `demo_site` of the
#: browser tests that share one browser and one server over the demo (tests/test_browser_axe.py).
DEMO_FIXTURES = {"demo", "demo_site"}


def reads_demo(item: pytest.Item | None) -> bool:
    return item is not None and bool(DEMO_FIXTURES & set(getattr(item, "fixturenames", ())))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None) -> Iterator[None]:
    """After the last of a run of tests reading the demo, the next test starts empty."""
    result = yield
    uses_demo = reads_demo(item)
    next_uses_demo = reads_demo(nextitem)
    loader = item.config.stash.get(_DEMO_LOADER, None)
    if uses_demo and not next_uses_demo and nextitem is not None and loader is not None:
        loader.unload()
    return result


# Headless Chromium -------------------------------------------------------------------

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PHONE: ViewportSize = {"width": 390, "height": 844}
# What a page loads for itself: none of it may fail.
SUBRESOURCES = {"script", "stylesheet", "image", "font", "media"}


def required_tool(path: Path, install: str) -> Path:
    """`path`, a file a browser test needs; its absence skips the test, except on CI where
    it must be there (`install` says how to get it)."""
    if not path.exists():
        if os.environ.get("CI") == "true":
            pytest.fail(f"{path} is missing: {install}")
        pytest.skip(f"{path} is missing ({install})")
    return path


PDFTOPPM = Path("/usr/bin/pdftoppm")


def ink_lines(
    pdf: bytes, area: tuple[float, float, float, float], *, page: int = 1, dpi: int = 150
) -> list[tuple[int, int]]:
    """The lines of ink on `page` of `pdf` as poppler's pdftoppm draws it: (top, bottom)
    pixel rows of each run of rows holding a dark pixel within `area` (left, top, right,
    bottom, as fractions of the page). Two lines of text that touch are one run."""
    tool = required_tool(PDFTOPPM, "install Debian's poppler-utils package")
    drawn = subprocess.run(  # noqa: S603 -- a fixed tool, arguments of our own
        [str(tool), "-r", str(dpi), "-f", str(page), "-l", str(page), "-gray", "-png", "-"],
        input=pdf,
        capture_output=True,
        check=True,
    ).stdout
    image = Image.open(io.BytesIO(drawn)).convert("L")
    left, top, right, bottom = (
        round(area[0] * image.width),
        round(area[1] * image.height),
        round(area[2] * image.width),
        round(area[3] * image.height),
    )
    pixels = image.crop((left, top, right, bottom)).load()
    assert pixels is not None
    width, height = right - left, bottom - top
    lines: list[tuple[int, int]] = []
    start: int | None = None
    for y in range(height + 1):
        inked = y < height and any(int(pixels[x, y]) < 160 for x in range(width))  # type: ignore[arg-type]
        if inked and start is None:
            start = y
        elif not inked and start is not None:
            lines.append((top + start, top + y))
            start = None
    return lines


@pytest.fixture
def chromium() -> Path:
    """Debian's Chromium; its absence skips the journey, except on CI where it must be there."""
    return required_tool(CHROMIUM, "install Debian's chromium package")


@pytest.fixture
def chromium_args() -> list[str]:
    """Chromium's command line; a module overrides this fixture to add to it."""
    return list(CHROMIUM_ARGS)


class WatchedBrowser:
    """Chromium for one test, started by the first `new_context` call: after the test's data
    is made, since Playwright's sync API runs an event loop in the test's thread, where
    Django refuses database queries (and a connection opened anyway would never be closed).

    Every context it opens is watched: a console error (a script or style refused by the
    content security policy among them), an uncaught exception in a page, or a script,
    style, image, font or media file that failed to load is recorded in `problems`, and
    the `browser` fixture fails the test if any is left there."""

    def __init__(self, executable: Path, args: list[str], base_url: str) -> None:
        self.executable = executable
        self.args = args
        self.base_url = base_url
        self.problems: list[str] = []
        self._playwright: Playwright | None = None
        self._browser: Browser | None = None

    def new_context(self, **options: Any) -> BrowserContext:
        if self._browser is None:
            self._playwright = sync_playwright().start()
            self._browser = self._playwright.chromium.launch(
                executable_path=str(self.executable), args=self.args
            )
        options.setdefault("base_url", self.base_url)
        context = self._browser.new_context(**options)
        context.set_default_timeout(15_000)
        context.on("console", self._console)
        context.on("weberror", self._web_error)
        context.on("response", self._response)
        return context

    def _console(self, message: ConsoleMessage) -> None:
        # "Failed to load resource" is left to _response, which knows what failed: a page
        # may answer 400 or 403 on purpose, and tests check those answers themselves.
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            self.problems.append(f"console error: {message.text}")

    def _response(self, response: Response) -> None:
        kind = response.request.resource_type
        if kind in SUBRESOURCES and response.status >= 400 and "favicon" not in response.url:
            self.problems.append(f"{kind} {response.url} answered {response.status}")

    def _web_error(self, error: WebError) -> None:
        self.problems.append(f"uncaught exception: {error.error.message}")

    def close(self) -> None:
        if self._browser is not None:
            self._browser.close()
        if self._playwright is not None:
            self._playwright.stop()


T = TypeVar("T")


def in_thread(function: Callable[[], T]) -> T:
    """Run `function` in a thread of its own: Playwright's sync API runs an event loop in
    the test's thread, where Django refuses database queries (see WatchedBrowser)."""
    values: list[T] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            values.append(function())
        except BaseException as error:  # re-raised in the test's thread
            errors.append(error)
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    if errors:
        raise errors[0]
    return values[0]


@pytest.fixture
def browser(
    chromium: Path, chromium_args: list[str], live_server: LiveServer
) -> Iterator[WatchedBrowser]:
    """Chromium against the live server; the test fails on any console error or uncaught
    exception in its pages (a test that provokes one on purpose removes it from
    `browser.problems`)."""
    watched = WatchedBrowser(chromium, chromium_args, live_server.url)
    try:
        yield watched
    finally:
        watched.close()
    assert watched.problems == [], f"the browser reported errors: {watched.problems}"


# Markers -----------------------------------------------------------------------------

# Fixtures that start or reach a real process or server, or read the loaded demo.
INTEGRATION_FIXTURES = {"demo", "smtp", "receiver", "closed_port", "live_server", "worker"}
BROWSER_FIXTURES = {"browser", "chromium"}


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--axe-every-page",
        action="store_true",
        help="check every page kind with axe-core (`make axe`), not only the few of `make test`",
    )


@pytest.hookimpl(tryfirst=True)  # before pytest-xdist looks for the xdist_group marks added here
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Every test is unit, integration or browser (`make test-fast` runs the unit ones).
    The tests reading the demo run one after the other on one xdist worker, so that it is
    loaded once. The tests marked every_page are left to `--axe-every-page` (`make axe`)."""
    if not config.getoption("--axe-every-page"):
        left = [item for item in items if item.get_closest_marker("every_page")]
        if left:
            config.hook.pytest_deselected(items=left)
            items[:] = [item for item in items if not item.get_closest_marker("every_page")]
    demo = [item for item in items if reads_demo(item)]
    others = [item for item in items if not reads_demo(item)]
    items[:] = others + demo
    for item in demo:
        item.add_marker(pytest.mark.xdist_group("demo"))
    for item in items:
        if item.get_closest_marker("browser") or item.get_closest_marker("integration"):
            continue
        if BROWSER_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.browser)
        elif INTEGRATION_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.integration)
        else:
            item.add_marker(pytest.mark.unit)
