"""The credentials register a page at a time: sorted and sized as every long list, its
state filter and organisation search kept from page to page, the same number of queries
whatever the number of delegations."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from summitdesk.core.documents import DocumentState
from summitdesk.core.enums import Role
from summitdesk.credentials.enums import DocumentKind
from summitdesk.credentials.models import Credentials, DocumentRequirement, MandateDocument
from summitdesk.delegations.models import Reply
from summitdesk.directory.enums import Category
from summitdesk.directory.models import Organisation
from summitdesk.lib.text import fold
from summitdesk.meetings.models import Meeting
from tests.credentials.test_pages import client_as
from tests.delegations.builders import summit

pytestmark = pytest.mark.django_db

#: Every fourth government: in order, provisional, not received, received.
FINDINGS = ["in_order", "provisional", None, ""]


@pytest.fixture
def at() -> Meeting:
    meeting = summit()
    DocumentRequirement.objects.create(
        meeting=meeting, category=Category.MEMBER_STATE, kind=DocumentKind.NOMINATION_LETTER
    )
    return meeting


def governments(at: Meeting, start: int, count: int) -> list[Reply]:
    """`count` attending governments (Government 000 on), their credentials in each state
    in turn, the even ones with their nomination letter."""
    organisations = Organisation.objects.bulk_create(
        Organisation(
            name=f"Government {n:03d}",
            category=Category.MEMBER_STATE,
            country="CH",
            language="en",
            name_key=f"government {n:03d}",
            search_text=fold(f"Government {n:03d}"),
        )
        for n in range(start, start + count)
    )
    replies = Reply.objects.bulk_create(
        Reply(organisation=o, meeting=at, state="submitted", attending=True) for o in organisations
    )
    Credentials.objects.bulk_create(
        Credentials(
            reply=r,
            received_on=datetime.date(2026, 7, 1) + datetime.timedelta(days=n % 7),
            form="original",
            issued_by="head_of_state",
            examined=FINDINGS[(start + n) % 4] or "",
        )
        for n, r in enumerate(replies)
        if FINDINGS[(start + n) % 4] is not None
    )
    MandateDocument.objects.bulk_create(
        MandateDocument(
            reply=r,
            kind=DocumentKind.NOMINATION_LETTER,
            file=f"documents/test-{r.pk}.pdf",
            original_name="nomination.pdf",
            media_type="application/pdf",
            size=1000,
            state=DocumentState.ACCEPTED,
        )
        for n, r in enumerate(replies)
        if (start + n) % 2 == 0
    )
    return replies


def url(at: Meeting) -> str:
    return f"/meetings/{at.code}/credentials/"


def names(content: str) -> list[str]:
    return re.findall(r"<bdi>(Government \d+)</bdi></a>", content)


def test_the_register_pages_in_the_organisations_order(at: Meeting) -> None:
    governments(at, 0, 30)
    officer = client_as(Role.CREDENTIALS_OFFICER)

    first = officer.get(url(at), {"per_page": "25"}).content.decode()
    second = officer.get(url(at), {"per_page": "25", "page": "2"}).content.decode()

    assert names(first) == [f"Government {n:03d}" for n in range(25)]
    assert names(second) == [f"Government {n:03d}" for n in range(25, 30)]
    assert "Page 1 of 2" in first and "30 delegations" in first
    assert "All (30)" in first and "Missing (7)" in first  # counts over every page
    # The second page's rows keep their state and missing document.
    assert second.count("Nomination letter") == 3  # 25, 27 and 29 lack it


def test_the_state_filter_and_the_search_are_kept_from_page_to_page(at: Meeting) -> None:
    governments(at, 0, 120)
    officer = client_as(Role.CREDENTIALS_OFFICER)

    provisional = officer.get(url(at), {"state": "provisional", "per_page": "25"})
    content = provisional.content.decode()
    assert names(content) == [f"Government {n:03d}" for n in range(1, 100, 4)]
    assert "30 delegations" in content and "Page 1 of 2" in content
    assert 'href="?state=provisional&amp;per_page=25&amp;page=2"' in content
    page_two = officer.get(url(at), {"state": "provisional", "per_page": "25", "page": "2"})
    assert names(page_two.content.decode()) == [f"Government {n:03d}" for n in range(101, 120, 4)]

    searched = officer.get(url(at), {"q": "government 01", "state": "received"}).content.decode()
    assert names(searched) == ["Government 011", "Government 015", "Government 019"]
    assert 'name="state" value="received"' in searched  # the search form keeps the filter
    # A state's link keeps the search.
    assert 'href="?q=government+01&amp;state=in_order"' in searched


def test_the_register_sorts_by_date_received(at: Meeting) -> None:
    governments(at, 0, 8)
    officer = client_as(Role.CREDENTIALS_OFFICER)

    content = officer.get(url(at), {"sort": "-received"}).content.decode()

    found = names(content)
    assert found[:2] == ["Government 005", "Government 004"]  # received on 6 and 5 July
    assert 'aria-sort="descending"' in content


def test_the_register_takes_as_many_queries_at_any_length(at: Meeting) -> None:
    officer = client_as(Role.CREDENTIALS_OFFICER)
    governments(at, 0, 30)
    officer.get(url(at))  # the session and the caches warm

    def queries(params: dict[str, str]) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert officer.get(url(at), params).status_code == 200
        return len(captured.captured_queries)

    small = [queries({}), queries({"state": "missing"}), queries({"q": "government"})]
    governments(at, 30, 270)
    large = [queries({}), queries({"state": "missing"}), queries({"q": "government"})]

    assert small == large
