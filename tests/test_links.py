"""Every link leads somewhere: signed in as each role of the demo, follow every same-origin
link and GET form of the pages reachable from the role's landing page, and check that no
answer is a refusal, a missing page or a server error, and that no POST form shown leads to
a refusal. Also: where each role lands, and the error pages in the application's frame."""

from collections import Counter, deque
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urljoin, urlsplit, urlunsplit

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.urls import Resolver404, resolve
from pytest_django import Settings

from summitdesk.core.models import User
from summitdesk.core.permissions import may
from tests.conftest import Demo

#: Pages visited per role at most, and per kind of page (see Crawl.kind): about 60 to 90
#: pages per role in the demo, a few seconds each.
PAGES_PER_ROLE = 400
PAGES_PER_KIND = 1
BROKEN = {403, 404, 500}
#: Query fields that change how a list is shown, not what it holds: a list filtered and
#: sorted is of the filtered list's kind (each list's own sort links are a kind of their own).
MODIFIERS = {"sort", "fresh"}


SUBMITS = {"submit", "image"}


class LinkParser(HTMLParser):
    """The targets of a page's links and GET forms, and the actions of its POST forms that
    show a button (a form around a list, with no button for the role, shows no action)."""

    def __init__(self) -> None:
        super().__init__()
        self.gets: list[str] = []
        self.posts: list[str] = []
        self._form: tuple[str, str] | None = None  # (method, action) of the open form

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if tag == "a" and values.get("href"):
            self.gets.append(values["href"])
        elif tag == "form":
            method = values.get("method", "get").lower()
            self._form = (method, values.get("action", ""))
        elif self._form is not None and (
            (tag == "button" and values.get("type", "submit") in SUBMITS)
            or (tag == "input" and values.get("type", "") in SUBMITS)
        ):
            method, action = self._form
            (self.posts if method == "post" else self.gets).append(action)
            self._form = None  # each form counts once

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None


@dataclass
class Crawl:
    client: Client
    user: User
    broken: list[str] = field(default_factory=list)
    visited: list[str] = field(default_factory=list)
    kinds: Counter[str] = field(default_factory=Counter)

    def local(self, page: str, href: str) -> str | None:
        """`href` on `page` as a path and query, when it leads into the application."""
        parts = urlsplit(urljoin(f"http://testserver{page}", href))
        ours = {"testserver", urlsplit(django_settings.SUMMITDESK_BASE_URL).netloc}
        if parts.scheme not in ("http", "https") or parts.netloc not in ours:
            return None
        return urlunsplit(("", "", parts.path, parts.query, ""))

    def kind(self, url: str) -> str:
        """The view a URL opens, with the names of its query's fields: the same page of
        another record, or another page of a list, is of the same kind."""
        parts = urlsplit(url)
        try:
            name = resolve(parts.path).view_name
        except Resolver404:
            name = parts.path
        fields = {field for field, _value in parse_qsl(parts.query)} - {"page"}
        if fields - MODIFIERS:  # a filtered list, sorted or counted afresh: the filter's kind
            fields -= MODIFIERS
        return f"{name}?{'&'.join(sorted(fields))}" if fields else name

    def check_post(self, page: str, action: str) -> None:
        """A POST form shown leads to a view the role may use (checked, not submitted)."""
        target = self.local(page, action)
        if target is None:
            return
        path = urlsplit(target).path
        try:
            view = resolve(path).func
        except Resolver404:
            self.broken.append(f"POST {path} (on {page}): no such address")
            return
        needed = getattr(view, "permissions", ())
        if not all(may(self.user, each) for each in needed):
            self.broken.append(f"POST {path} (on {page}): refused to {self.user.role}")

    def run(self, *starts: str) -> None:
        seen = set(starts)
        queue = deque((start, "sign-in") for start in starts)
        while queue and len(self.visited) < PAGES_PER_ROLE:
            url, source = queue.popleft()
            kind = self.kind(url)
            if self.kinds[kind] >= PAGES_PER_KIND:
                continue
            self.kinds[kind] += 1
            self.visited.append(url)
            response = self.client.get(url)
            if response.status_code in BROKEN:
                self.broken.append(f"{response.status_code} {url} (linked from {source})")
                continue
            targets: list[str] = []
            if response.status_code in (301, 302, 303):
                targets = [response["Location"]]
            elif response.get("Content-Type", "").startswith("text/html"):
                parser = LinkParser()
                parser.feed(response.content.decode())
                targets = parser.gets
                for action in parser.posts:
                    self.check_post(url, action)
            if response.streaming:  # a download: read to the end, which closes its file
                b"".join(response.streaming_content)  # type: ignore[attr-defined]
            for href in targets:
                target = self.local(url, href)
                if target is not None and target not in seen:
                    seen.add(target)
                    queue.append((target, url))


@pytest.fixture
def demo_files(demo: Demo, settings: Settings) -> Demo:
    """The demo, with the files it wrote (photos, editions) where the pages look for them."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": demo.files},
        },
    }
    return demo


#: Pages each role's walk must have reached (so that a menu gone missing, or a landing
#: page that leads nowhere, cannot make the walk pass by walking less).
REACHED = {
    "admin": {
        "backoffice:staff-edit",
        "backoffice:meeting-detail",
        "backoffice:checkin-desk",
        "backoffice:venue",
        "backoffice:venue-occupancy",
        "backoffice:badge-print",
        "backoffice:accreditation-detail",
        "backoffice:circular-preview-html",
        "backoffice:join-request-list",
        "portal:reply",  # the reply link of the circular's preview
        "backoffice:application-detail",
        "backoffice:admitted-list",
    },
    "officer": {
        "backoffice:accreditation-detail",
        "backoffice:photo-upload",
        "backoffice:circular-preview-html",
        "backoffice:pickup-slots",
        "backoffice:walk-in-new",
        "portal:reply",
        "backoffice:application-detail",
        "backoffice:application-document",
        "backoffice:admitted-list",
    },
    "badges": {
        "backoffice:badge-meetings",
        "backoffice:badge-print",
        "backoffice:meeting-detail",
        "backoffice:pickup-queue",
        "backoffice:pickup-hand-over",
    },
    "doors": {
        "backoffice:check-in-choice",
        "backoffice:checkin-desk",
        "backoffice:meeting-detail",
        "backoffice:venue-occupancy",
    },
    "comms": {"dashboard:index", "dashboard:meeting", "participants:editions"},
    "viewer": {
        "backoffice:home",
        "backoffice:accreditation-detail",
        "backoffice:reply-detail",
        "backoffice:application-detail",
        "backoffice:admitted-list",
    },
    "credentials": {
        "backoffice:credentials-index",
        "backoffice:credentials-register",
        "backoffice:credentials-detail",
        "backoffice:credentials-edit",
        "backoffice:credentials-report-pdf",
        "backoffice:mandate-document",
    },
}
#: Where each role's walk starts besides its landing page: the meeting of the demo's
#: history, from its menu; the credentials officer reaches only its register.
STARTS = {"credentials": ("/", "/meetings/prepcom-2/credentials/")}


@pytest.mark.parametrize("username", list(REACHED))
def test_no_link_shown_to_a_role_is_refused_missing_or_broken(
    demo_files: Demo, username: str
) -> None:
    user = User.objects.get(username=username)
    client = Client()
    client.force_login(user)
    crawl = Crawl(client, user)

    # The landing page, and the meeting of the demo's history (replies, accreditations,
    # badges, check-ins, List of Participants), which every role reaches from its menu.
    crawl.run(*STARTS.get(username, ("/", "/meetings/prepcom-2/")))

    assert crawl.broken == []
    assert REACHED[username] - {kind.partition("?")[0] for kind in crawl.kinds} == set()
    assert len(crawl.visited) >= (8 if username == "credentials" else 50)
