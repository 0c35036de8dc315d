"""Every kind of page passes axe-core's accessibility rules, in English and in Arabic: staff
lists and details, the reply portal of a focal point, a delegate's page and the public
pages, on the demo's data (names in several scripts, long lists, right-to-left Arabic).

One server and one Chromium serve the whole module (the demo is loaded once, read only):
each page kind is one test. axe-core is the npm package pinned in package-lock.json and
installed by `npm ci` (`make node_modules`), never copied into the repository; it is put in
the page with Playwright's `evaluate`, which the page's content security policy does not
govern, so the console watcher still reports anything the policy refuses.

`make test` runs a few page kinds (SMOKE); `make axe` (`pytest --axe-every-page`) runs all.
"""

import datetime
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import BrowserContext, Page
from pytest_django import DjangoDbBlocker
from pytest_django.live_server_helper import LiveServer

from summitdesk.accreditation.models import Accreditation, DelegateLink
from summitdesk.admission.models import Application
from summitdesk.core.models import User
from summitdesk.correspondence import reply_links
from summitdesk.correspondence.models import Circular
from summitdesk.credentials.models import Credentials
from summitdesk.delegations.enums import JoinRequestStatus
from summitdesk.delegations.models import JoinRequest, Reply
from summitdesk.demo import venue as demo_venue
from summitdesk.demo.load import PASSWORD
from summitdesk.directory.models import Organisation
from summitdesk.lib import tokens
from summitdesk.lib.localized import localized
from summitdesk.meetings.models import Meeting
from summitdesk.reports.models import Edition, EditionStatus
from summitdesk.venue.models import Zone
from tests.conftest import (
    CHROMIUM,
    CHROMIUM_ARGS,
    PHONE,
    DemoLoader,
    WatchedBrowser,
    required_tool,
)

AXE = Path(__file__).resolve().parent.parent / "node_modules" / "axe-core" / "axe.min.js"
#: Files for people to look at: the screen of each page checked.
SCREENSHOTS = Path("/tmp/summitdesk-axe")  # noqa: S108
LANGUAGES = ["en", "ar"]
#: What a context says it reads; the portal and delegate pages take ?lang= too.
LOCALES = {"en": "en-GB", "ar": "ar"}

# The mark makes pytest-django create the test database; the fixture below stops it from
# opening a transaction around each test, which would hold SQLite's write lock while the
# server's thread writes (sessions, rate counts).
pytestmark = [pytest.mark.browser, pytest.mark.django_db]


@pytest.fixture(autouse=True)
def _django_db_marker() -> None:
    """In place of pytest-django's: no transaction per test (the database is the loaded
    demo, read only, opened for the whole module by `demo_site`)."""


@dataclass
class DemoSite:
    """The demo served over HTTP, with paths to one page of each kind and Chromium, and
    the names the portal's pages show (the organisation's, the meeting's)."""

    browser: WatchedBrowser
    paths: dict[str, str]
    names: dict[str, str]
    contexts: dict[tuple[str, str], BrowserContext] = field(default_factory=dict)

    def context(self, who: str, language: str) -> BrowserContext:
        """One context per reader and language, signed in once for staff; portal readers
        are on a phone."""
        key = (who, language)
        if key not in self.contexts:
            options: dict[str, Any] = {"locale": LOCALES[language]}
            if who == "visitor":
                options.update(viewport=PHONE, is_mobile=True, has_touch=True)
            context = self.browser.new_context(**options)
            if who == "staff":
                page = context.new_page()
                page.goto(reverse("backoffice:login"))
                page.locator("input[name=username]").fill("admin")
                page.locator("input[name=password]").fill(PASSWORD)
                page.locator("form button[type=submit]").click()
                page.wait_for_url(lambda url: "sign-in" not in url)
                page.close()
            self.contexts[key] = context
        return self.contexts[key]


def _with_credentials(meeting: Meeting) -> Reply:
    """A delegation of `meeting` whose credentials the demo recorded."""
    entry = Credentials.objects.filter(reply__meeting=meeting).order_by("pk").first()
    assert entry is not None, "the demo records credentials"
    return entry.reply


def _paths() -> tuple[dict[str, str], dict[str, str], list[Any]]:
    """A path for each page kind, on the demo's busiest meeting; and the links made for it
    (deleted afterwards: the demo is read only)."""
    meeting = (
        Meeting.objects.filter(participant_editions__status=EditionStatus.PUBLISHED)
        .order_by("start_date")
        .first()
    )
    assert meeting is not None, "the demo publishes a List of Participants"
    edition = Edition.objects.filter(meeting=meeting).order_by("-number").first()
    accreditation = (
        Accreditation.objects.filter(meeting=meeting)
        .select_related("delegate__reply__organisation")
        .order_by("pk")
        .first()
    )
    assert accreditation is not None and edition is not None
    reply: Reply = accreditation.delegate.reply
    organisation: Organisation = reply.organisation
    person = organisation.positions.order_by("pk").first()
    circular = Circular.objects.filter(meeting=meeting).order_by("pk").first()
    assert circular is not None and person is not None
    admin = User.objects.get(username="admin")
    # A reply link and a delegate link, as the letters and emails carry them.
    reply_link, reply_token = reply_links.issue(organisation, meeting)
    delegate_token = "axe-delegate-token-for-the-accessibility-tests-0001"
    delegate_link = DelegateLink.objects.create(
        accreditation=accreditation,
        token_hash=tokens.hash_token(delegate_token),
        expires_at=reply_link.expires_at,
    )
    # A confirmed request to join, whose link is its person's page.
    join_token = "axe-join-request-token-for-the-accessibility-tests-01"
    join_request = JoinRequest.objects.create(
        meeting=meeting,
        organisation=organisation,
        given_name="Paula",
        family_name="Joiner",
        email="paula.joiner@example.net",
        status=JoinRequestStatus.PENDING,
        token_hash=tokens.hash_token(join_token),
        token_expires_at=timezone.now() + datetime.timedelta(days=30),
    )
    code = meeting.code
    paths = {
        # Staff: lists
        "overview": reverse("backoffice:home"),
        "organisations": reverse("backoffice:organisation-list") + "?q=a",
        "meetings": reverse("backoffice:meeting-list"),
        "circulars": reverse("backoffice:circular-list"),
        "accreditations": reverse("backoffice:accreditation-list", args=[code]),
        "reply tracker": reverse("backoffice:tracker-meeting", args=[code]),
        "join requests": reverse("backoffice:join-request-list", args=[code]),
        "mailbox": reverse("backoffice:mailbox-list"),
        "staff": reverse("backoffice:staff-list"),
        "duplicates": reverse("backoffice:duplicate-list"),
        "badges": reverse("backoffice:badge-print", args=[code]),
        "check-in desk": reverse("backoffice:checkin-desk", args=[code]),
        "pickup queue": reverse("backoffice:pickup-queue", args=[code]),
        "walk-in": reverse("backoffice:walk-in-new", args=[code]),
        "dashboard": reverse("dashboard:meeting", args=[code]),
        "participants preview": reverse("participants:preview", args=[code]),
        # Staff: details and forms
        "organisation": reverse("backoffice:organisation-detail", args=[organisation.pk]),
        "organisation form": reverse("backoffice:organisation-edit", args=[organisation.pk]),
        "meeting": reverse("backoffice:meeting-detail", args=[code]),
        "participant type form": reverse("backoffice:participant-type-create", args=[code]),
        "circular": reverse("backoffice:circular-detail", args=[circular.pk]),
        "reply": reverse("backoffice:reply-detail", args=[organisation.pk, code]),
        "accreditation": reverse("backoffice:accreditation-detail", args=[accreditation.pk]),
        "admin": reverse("backoffice:staff-edit", args=[admin.pk]),
        # The venue (its demo is PrepCom-2's): the page, and a zone's page to edit it
        "venue": reverse("backoffice:venue", args=[demo_venue.MEETING_CODE]),
        "venue zone": reverse(
            "backoffice:venue-zone",
            args=[
                demo_venue.MEETING_CODE,
                Zone.objects.filter(meeting__code=demo_venue.MEETING_CODE, code="plenary")[0].pk,
            ],
        ),
        "credentials register": reverse("backoffice:credentials-register", args=[code]),
        "credentials": reverse(
            "backoffice:credentials-detail", args=[code, _with_credentials(meeting).pk]
        ),
        # Admission: the review queue, an application, the admitted, the public list
        "applications": reverse("backoffice:application-list", args=[meeting.process.code]),
        "application": reverse(
            "backoffice:application-detail",
            args=[Application.objects.filter(status="recommended").order_by("pk")[0].pk],
        ),
        "admitted organisations": reverse("backoffice:admitted-list", args=[meeting.process.code]),
        "admitted list": reverse("public:admission-admitted", args=[meeting.process.code]),
        # The reply portal (a focal point), a delegate's own page and the focal point's
        # view of it, on a phone
        "portal": reverse("portal:reply", args=[reply_token]),
        "portal delegation": reverse("portal:delegation", args=[reply_token]),
        "portal documents": reverse("portal:documents", args=[reply_token]),
        "portal join requests": reverse("portal:join-requests", args=[reply_token]),
        "portal pickup": reverse("portal:pickup", args=[reply_token]),
        "portal walk-ins": reverse("portal:walk-ins", args=[reply_token]),
        "delegate": reverse("delegate:page", args=[delegate_token]),
        "delegate from reply": reverse(
            "delegate:focal-point", args=[reply_token, accreditation.delegate_id]
        ),
        "link not valid": reverse("portal:reply", args=["no-such-link"]),
        # Public pages
        "statistics": reverse("public:statistics", args=[code]),
        "participants": reverse("participants:public", args=[code]),
        "information pack": reverse("public:information-pack", args=[code]),
        "apply for admission": reverse("apply:apply", args=[meeting.process.code]),
        "join": reverse("public:join", args=[code]) + "?q=telecom",
        "join request page": reverse("public:join-confirm", args=[join_token]),
    }
    # The meeting as the Arabic page names it (its title in Arabic, from the demo).
    names = {"organisation": organisation.name, "meeting": localized(meeting, "title", "ar")}
    return paths, names, [reply_link, delegate_link, join_request]


VISITOR_PAGES = {
    "portal",
    "portal delegation",
    "portal documents",
    "portal join requests",
    "join",
    "join request page",
    "portal pickup",
    "portal walk-ins",
    "delegate",
    "delegate from reply",
    "link not valid",
    "statistics",
    "participants",
    "information pack",
    "admitted list",
    "apply for admission",
}
PAGE_KINDS = [
    "overview",
    "organisations",
    "meetings",
    "circulars",
    "accreditations",
    "reply tracker",
    "join requests",
    "mailbox",
    "staff",
    "duplicates",
    "badges",
    "check-in desk",
    "pickup queue",
    "walk-in",
    "venue",
    "venue zone",
    "dashboard",
    "participants preview",
    "organisation",
    "organisation form",
    "meeting",
    "participant type form",
    "circular",
    "admin",
    "reply",
    "accreditation",
    "credentials register",
    "credentials",
    "applications",
    "application",
    "admitted organisations",
    *sorted(VISITOR_PAGES),
]
#: What `make test` checks; `make axe` checks every kind.
SMOKE = {("organisations", "en"), ("portal", "ar"), ("participants", "ar"), ("delegate", "en")}


@pytest.fixture(scope="module")
def demo_site(demo_loader: DemoLoader, django_db_blocker: DjangoDbBlocker) -> Iterator[DemoSite]:
    """The demo, a server over it in a thread, and Chromium, for the whole module. The
    database stays open to the server's thread meanwhile; the tests themselves only browse."""
    required_tool(CHROMIUM, "install Debian's chromium package")
    demo = demo_loader.load()
    storages = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": demo.files},
        },
    }
    with django_db_blocker.unblock(), override_settings(STORAGES=storages):
        paths, names, made = _paths()
        server = LiveServer("localhost:0")
        server._live_server_modified_settings.enable()
        browser = WatchedBrowser(CHROMIUM, list(CHROMIUM_ARGS), server.url)
        try:
            yield DemoSite(browser, paths, names)
        finally:
            browser.close()
            server._live_server_modified_settings.disable()
            server.stop()
            for link in made:
                link.delete()


@pytest.fixture(scope="module")
def axe_source() -> str:
    return required_tool(AXE, "run `make node_modules` (npm ci)").read_text()


def violations(page: Page, axe_source: str) -> list[dict[str, Any]]:
    """axe-core's violations on the page as it stands, every rule axe runs by default."""
    page.evaluate(axe_source)
    result: dict[str, Any] = page.evaluate(
        "async () => await axe.run(document, {resultTypes: ['violations']})"
    )
    found: list[dict[str, Any]] = result["violations"]
    return found


def readable(found: list[dict[str, Any]]) -> str:
    """One paragraph per rule broken: what, how serious, where (up to five elements)."""
    lines = []
    for violation in found:
        lines.append(
            f"- {violation['id']} ({violation['impact']}): {violation['help']}"
            f" [{len(violation['nodes'])} element(s)] {violation['helpUrl']}"
        )
        for node in violation["nodes"][:5]:
            summary = node.get("failureSummary", "").replace("\n", " ")
            lines.append(f"    {' > '.join(map(str, node['target']))}: {summary}")
            lines.append(f"      {node['html'][:160]}")
    return "\n".join(lines)


def cases() -> list[Any]:
    every = [(kind, language) for kind in PAGE_KINDS for language in LANGUAGES]
    return [
        pytest.param(
            kind,
            language,
            id=f"{kind}-{language}".replace(" ", "-"),
            marks=() if (kind, language) in SMOKE else (pytest.mark.every_page,),
        )
        for kind, language in every
    ]


@pytest.mark.parametrize(("kind", "language"), cases())
def test_page_has_no_accessibility_violation(
    demo_site: DemoSite, axe_source: str, kind: str, language: str
) -> None:
    if kind not in demo_site.paths:
        pytest.fail(f"the demo has no {kind} page")
    who = "visitor" if kind in VISITOR_PAGES else "staff"
    path = demo_site.paths[kind]
    if who == "visitor":
        path += ("&" if "?" in path else "?") + f"lang={language}"
    page = demo_site.context(who, language).new_page()
    try:
        response = page.goto(path)
        assert response is not None
        expected = 404 if kind == "link not valid" else 200
        assert response.status == expected, f"{path} answered {response.status}"
        assert page.locator("html").get_attribute("lang") == language
        found = violations(page, axe_source)
        SCREENSHOTS.mkdir(exist_ok=True)
        page.screenshot(path=SCREENSHOTS / f"{kind.replace(' ', '-')}-{language}.png")
    finally:
        page.close()
    problems, demo_site.browser.problems[:] = list(demo_site.browser.problems), []
    assert not found, f"axe-core found on {kind} ({language}, {path}):\n{readable(found)}"
    assert problems == [], f"the browser reported errors: {problems}"


def test_names_keep_their_direction_on_an_arabic_phone(demo_site: DemoSite) -> None:
    """The organisation's and the meeting's English names in the Arabic delegate page are
    each isolated (<bdi>): the separator between them stays between them, instead of the
    meeting's first words joining the organisation's name."""
    page = demo_site.context("visitor", "ar").new_page()
    try:
        page.goto(demo_site.paths["delegate"] + "?lang=ar")
        assert page.locator("html").get_attribute("dir") == "rtl"
        lead = page.locator(".lead")
        assert lead.locator("bdi").all_inner_texts() == [
            demo_site.names["organisation"],
            demo_site.names["meeting"],
        ]
        # Each name is laid out left to right inside the right-to-left line.
        assert lead.locator("bdi").first.evaluate("e => getComputedStyle(e).direction") == "ltr"
        page.goto(demo_site.paths["portal"] + "?lang=ar")
        assert (
            page.get_by_role("heading", level=1).locator("bdi").inner_text()
            == (demo_site.names["organisation"])
        )
        SCREENSHOTS.mkdir(exist_ok=True)
        page.screenshot(path=SCREENSHOTS / "names-portal-ar.png")
    finally:
        page.close()
    assert demo_site.browser.problems == []
