"""No page writes a date or time in the framework's default format ("Dec. 7, 2026, 5:01
p.m."), and the times it shows name their zone: staff pages reached from the home page of
the demo, as an administrator, and an organisation's reply pages."""

import re
from collections import deque
from html.parser import HTMLParser
from urllib.parse import urldefrag, urlsplit

from django.test import Client

from summitdesk.core.enums import Role
from summitdesk.correspondence import reply_links
from summitdesk.delegations.models import Reply
from tests.conftest import Demo
from tests.factories import UserFactory

#: How Django writes a date or time when no format is given ("Dec. 7, 2026, 5:01 p.m.").
DJANGO_DEFAULT = re.compile(r"\b[ap]\.m\.|\b[A-Z][a-z]{2}\. \d{1,2}, \d{4}|\bnoon\b|\bmidnight\b")
#: A time of day as the pages write it, and what must follow it: a zone in brackets.
TIME = re.compile(r"\b\d{1,2}:\d{2}(?::\d{2})?\b(?! \([A-Za-z_]+(?:/[A-Za-z_+-]+)*\))")
#: Pages crawled at most: every kind of staff page is within this many of the home page.
MOST = 160
SKIPPED = re.compile(r"\.(pdf|csv|xlsx|zip|png|jpg|svg|json|typ)$|/sign-out/|/api/|/static/")


class Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        href = dict(attrs).get("href")
        if tag == "a" and href:
            self.found.append(href)


def text_of(html: str) -> str:
    """What a reader sees: no markup, no script, no attribute values."""
    html = re.sub(r"<(script|style|template)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def crawl(client: Client, start: str) -> dict[str, str]:
    """The HTML pages reachable from `start`, breadth first, by path."""
    seen: dict[str, str] = {}
    queue = deque([start])
    while queue and len(seen) < MOST:
        path = queue.popleft()
        if path in seen or SKIPPED.search(path):
            continue
        response = client.get(path)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            seen[path] = ""
            continue
        html = response.content.decode()
        seen[path] = html
        parser = Links()
        parser.feed(html)
        for href in parser.found:
            target = urldefrag(href)[0]
            parts = urlsplit(target)
            if parts.scheme or parts.netloc or not target.startswith("/"):
                continue
            queue.append(target)
    return seen


def problems(pages: dict[str, str]) -> list[str]:
    found = []
    for path, html in pages.items():
        text = text_of(html)
        found += [f"{path}: {match.group(0)!r}" for match in DJANGO_DEFAULT.finditer(text)]
        for match in TIME.finditer(text):
            context = text[max(0, match.start() - 40) : match.end() + 20]
            found.append(f"{path}: time without its zone: {context!r}")
    return found


def test_staff_pages_write_dates_in_one_format_and_name_the_zone(demo: Demo) -> None:
    client = Client()
    client.force_login(UserFactory(role=Role.ADMINISTRATOR))

    pages = crawl(client, "/")

    assert len([html for html in pages.values() if html]) > 60
    assert problems(pages) == []


def test_reply_pages_write_dates_in_one_format_and_name_the_zone(demo: Demo) -> None:
    reply = Reply.objects.filter(submitted_at__isnull=False).select_related(
        "organisation", "meeting"
    )[0]
    _link, token = reply_links.issue(reply.organisation, reply.meeting)
    client = Client()

    # In English: the organisation's own language may be another.
    paths = (
        f"/reply/{token}/?lang=en",
        f"/reply/{token}/submitted/",
        f"/reply/{token}/delegation/",
    )
    pages = {path: client.get(path).content.decode() for path in paths}

    assert "Submitted" in text_of(pages[paths[0]])
    assert problems(pages) == []
