"""The three long lists (a meeting's accreditations, the directory, a meeting's replies):
sorting by each sortable column, unknown sort keys, the page-size choice with hostile
values, queries that do not grow with the rows, the headings' aria-sort, and empty states
that say where to start."""

import re
from collections.abc import Callable

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from summitdesk.accreditation.enums import AccreditationStatus as Status
from summitdesk.accreditation.models import Accreditation
from summitdesk.delegations.enums import ReplyState
from summitdesk.delegations.models import Delegate, Reply
from summitdesk.directory.enums import Category, StakeholderGroup
from summitdesk.directory.models import Organisation
from summitdesk.meetings.models import Meeting
from tests.accreditation.builders import meeting as make_meeting
from tests.delegations.conftest import invite, make_circular, reply
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

ACCREDITATIONS = "/meetings/geneva-2003/accreditations/"
DIRECTORY = "/organisations/"
REPLIES = "/meetings/geneva-2003/replies/"


def _accreditation(
    at: Meeting,
    organisation: str,
    category: str,
    given: str,
    family: str,
    status: str,
    badge: str,
) -> Accreditation:
    org = OrganisationFactory(name=organisation, category=category)
    made = Reply.objects.create(organisation=org, meeting=at)
    delegate = Delegate.objects.create(reply=made, given_name=given, family_name=family)
    return Accreditation.objects.create(
        delegate=delegate,
        meeting=at,
        status=status,
        reason="Not eligible" if status == Status.REJECTED else "",
        badge_number=badge,
        badge_version=1 if badge else 0,
    )


@pytest.fixture
def three_accreditations() -> Meeting:
    at = make_meeting()
    _accreditation(at, "Orange", Category.SECTOR_MEMBER, "Zoe", "Adams", Status.APPROVED, "00002")
    _accreditation(at, "Bharti", Category.MEMBER_STATE, "Ann", "Young", Status.PENDING, "")
    _accreditation(at, "Canal", Category.ACADEMIA, "Li", "Mbeki", Status.REJECTED, "00001")
    return at


def families(response: object) -> list[str]:
    return [a.delegate.family_name for a in response.context["page"].object_list]  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("", ["Young", "Mbeki", "Adams"]),  # by organisation: Bharti, Canal, Orange
        ("organisation", ["Young", "Mbeki", "Adams"]),
        ("-organisation", ["Adams", "Mbeki", "Young"]),
        ("delegate", ["Adams", "Mbeki", "Young"]),
        ("-delegate", ["Young", "Mbeki", "Adams"]),
        ("category", ["Mbeki", "Young", "Adams"]),  # academia, member state, sector member
        ("status", ["Adams", "Young", "Mbeki"]),  # approved, pending, rejected
        ("-status", ["Mbeki", "Young", "Adams"]),
        ("badge", ["Young", "Mbeki", "Adams"]),  # none, 00001, 00002
        ("-badge", ["Adams", "Mbeki", "Young"]),
    ],
)
def test_accreditation_list_sorts_by_each_column(
    viewer_client: Client, three_accreditations: Meeting, sort: str, expected: list[str]
) -> None:
    response = viewer_client.get(ACCREDITATIONS, {"sort": sort} if sort else {})

    assert response.status_code == 200
    assert families(response) == expected


@pytest.mark.parametrize(
    "sort",
    ["reason", "-document_number", "delegate__passport_family_name", "completeness", "--status"],
)
def test_accreditation_list_ignores_unknown_sort_keys(
    viewer_client: Client, three_accreditations: Meeting, sort: str
) -> None:
    response = viewer_client.get(ACCREDITATIONS, {"sort": sort})

    assert response.status_code == 200
    assert families(response) == ["Young", "Mbeki", "Adams"]
    assert response.context["listing"].sort == "organisation"


def test_equal_values_keep_their_order_by_id(viewer_client: Client) -> None:
    at = make_meeting()
    made = [
        _accreditation(at, f"Org {n}", Category.ACADEMIA, "Ann", "Same", Status.PENDING, "")
        for n in range(4)
    ]

    ascending = viewer_client.get(ACCREDITATIONS, {"sort": "status"})
    descending = viewer_client.get(ACCREDITATIONS, {"sort": "-status"})

    ids = [a.pk for a in made]
    assert [a.pk for a in ascending.context["page"].object_list] == ids
    assert [a.pk for a in descending.context["page"].object_list] == ids[::-1]


def test_sorted_heading_says_its_direction_and_links_to_the_other(
    viewer_client: Client, three_accreditations: Meeting
) -> None:
    page = viewer_client.get(ACCREDITATIONS, {"status": "pending"}).content.decode()
    reversed_page = viewer_client.get(ACCREDITATIONS, {"sort": "-organisation"}).content.decode()

    assert re.findall(r'aria-sort="(\w+)"', page) == ["ascending"]
    assert 'href="?status=pending&amp;sort=-organisation"' in page
    assert 'href="?status=pending&amp;sort=delegate"' in page
    assert re.findall(r'aria-sort="(\w+)"', reversed_page) == ["descending"]
    assert 'href="?sort=organisation"' in reversed_page


@pytest.fixture
def three_organisations() -> list[Organisation]:
    return [
        OrganisationFactory(
            name="Zeta Telecom",
            category=Category.SECTOR_MEMBER,
            stakeholder_group=StakeholderGroup.CIVIL_SOCIETY,
            country="CH",
        ),
        OrganisationFactory(
            name="Alpha Ministry",
            category=Category.MEMBER_STATE,
            stakeholder_group=StakeholderGroup.GOVERNMENTS,
            country="SN",
        ),
        OrganisationFactory(
            name="Mu University",
            category=Category.ACADEMIA,
            stakeholder_group=StakeholderGroup.PRIVATE_SECTOR,
            country="BR",
        ),
    ]


def names(response: object) -> list[str]:
    return [o.name for o in response.context["page"].object_list]  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("", ["Alpha Ministry", "Mu University", "Zeta Telecom"]),
        ("-name", ["Zeta Telecom", "Mu University", "Alpha Ministry"]),
        ("category", ["Mu University", "Alpha Ministry", "Zeta Telecom"]),
        ("stakeholder_group", ["Zeta Telecom", "Alpha Ministry", "Mu University"]),
        ("country", ["Mu University", "Zeta Telecom", "Alpha Ministry"]),  # BR, CH, SN
        ("-country", ["Alpha Ministry", "Zeta Telecom", "Mu University"]),
        ("sectors", ["Alpha Ministry", "Mu University", "Zeta Telecom"]),  # not sortable
        ("email", ["Alpha Ministry", "Mu University", "Zeta Telecom"]),  # not a column
    ],
)
def test_directory_sorts_by_each_sortable_column(
    viewer_client: Client, three_organisations: list[Organisation], sort: str, expected: list[str]
) -> None:
    response = viewer_client.get(DIRECTORY, {"sort": sort} if sort else {})

    assert response.status_code == 200
    assert names(response) == expected


@pytest.fixture
def three_invited(three_organisations: list[Organisation]) -> Meeting:
    at = make_meeting()
    circular = make_circular(at, "DM-1048")
    for organisation in three_organisations:
        invite(circular, organisation)
    reply(three_organisations[0], at, ReplyState.SUBMITTED, estimate=3)
    return at


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("", ["Alpha Ministry", "Mu University", "Zeta Telecom"]),
        ("-organisation", ["Zeta Telecom", "Mu University", "Alpha Ministry"]),
        ("category", ["Mu University", "Alpha Ministry", "Zeta Telecom"]),
        ("country", ["Mu University", "Zeta Telecom", "Alpha Ministry"]),
        ("-country", ["Alpha Ministry", "Zeta Telecom", "Mu University"]),
        ("state", ["Alpha Ministry", "Mu University", "Zeta Telecom"]),  # not sortable
    ],
)
def test_reply_list_sorts_by_each_sortable_column(
    viewer_client: Client, three_invited: Meeting, sort: str, expected: list[str]
) -> None:
    response = viewer_client.get(REPLIES, {"sort": sort} if sort else {})

    assert response.status_code == 200
    assert [row.organisation.name for row in response.context["rows"]] == expected


@pytest.mark.parametrize(("url", "default"), [(DIRECTORY, 50), (ACCREDITATIONS, 100)])
@pytest.mark.parametrize("size", [25, 50, 100, 200])
def test_page_size_offered_is_used(
    viewer_client: Client, three_accreditations: Meeting, url: str, default: int, size: int
) -> None:
    response = viewer_client.get(url, {"per_page": str(size)})

    assert response.context["page"].paginator.per_page == size
    assert f'<option value="{size}" selected>{size}</option>' in response.content.decode()


@pytest.mark.parametrize("url", [ACCREDITATIONS, DIRECTORY, REPLIES])
@pytest.mark.parametrize("asked", ["0", "-1", "24", "201", "100000", "1e3", "50.0", "abc", " "])
def test_page_size_not_offered_keeps_the_default_and_says_so(
    viewer_client: Client, three_invited: Meeting, url: str, asked: str
) -> None:
    response = viewer_client.get(url, {"per_page": asked})

    assert response.status_code == 200
    default = 100 if url == ACCREDITATIONS else 50
    assert response.context["page"].paginator.per_page == default
    if asked.strip():
        assert (
            f"“{asked}” rows per page is not offered: showing {default}."
            in response.content.decode()
        )


def test_page_size_refused_text_is_escaped(viewer_client: Client) -> None:
    response = viewer_client.get(DIRECTORY, {"per_page": "<b>9</b>"})

    assert response.status_code == 200
    assert "“&lt;b&gt;9&lt;/b&gt;” rows per page is not offered" in response.content.decode()


@pytest.mark.parametrize(("page", "shown"), [("abc", 1), ("-1", 2), ("999999", 2), ("2", 2)])
def test_hostile_page_numbers_show_a_page(viewer_client: Client, page: str, shown: int) -> None:
    for n in range(30):
        OrganisationFactory(name=f"Org {n:02d}")

    response = viewer_client.get(DIRECTORY, {"per_page": "25", "page": page})

    assert response.status_code == 200
    assert response.context["page"].number == shown


def test_page_size_and_sort_carry_over_to_the_next_page(viewer_client: Client) -> None:
    for n in range(30):
        OrganisationFactory(name=f"Org {n:02d}")

    first = viewer_client.get(DIRECTORY, {"per_page": "25", "sort": "-name"})
    second = viewer_client.get(DIRECTORY, {"per_page": "25", "sort": "-name", "page": "2"})

    assert 'href="?per_page=25&amp;sort=-name&amp;page=2"' in first.content.decode()
    assert names(second) == [f"Org {n:02d}" for n in (4, 3, 2, 1, 0)]


def _count_queries(client: Client, url: str, add: Callable[[int], None]) -> tuple[int, int]:
    add(10)
    with CaptureQueriesContext(connection) as ten:
        assert client.get(url).status_code == 200
    add(40)
    with CaptureQueriesContext(connection) as fifty:
        assert client.get(url).status_code == 200
    return len(ten), len(fifty)


def test_accreditation_list_queries_do_not_grow(secretary_client: Client) -> None:
    at = make_meeting()
    made = iter(range(1000))

    def add(count: int) -> None:
        for _ in range(count):
            n = next(made)
            category = [Category.ACADEMIA, Category.MEMBER_STATE][n % 2]
            _accreditation(at, f"Org {n}", category, "Ann", f"F{n}", Status.PENDING, "")

    ten, fifty = _count_queries(secretary_client, f"{ACCREDITATIONS}?sort=category", add)

    assert ten == fifty


def test_directory_queries_do_not_grow(viewer_client: Client) -> None:
    def add(count: int) -> None:
        for _ in range(count):
            OrganisationFactory()

    ten, fifty = _count_queries(viewer_client, f"{DIRECTORY}?sort=country", add)

    assert ten == fifty


def test_reply_list_queries_do_not_grow(viewer_client: Client) -> None:
    at = make_meeting()
    circular = make_circular(at, "DM-1048")

    def add(count: int) -> None:
        for n in range(count):
            organisation = OrganisationFactory(country=["CH", "SN", "BR"][n % 3])
            invite(circular, organisation)
            if n % 2:
                reply(organisation, at, ReplyState.SUBMITTED, estimate=2, delegates=2)

    ten, fifty = _count_queries(viewer_client, f"{REPLIES}?sort=-country", add)

    assert ten == fifty


@pytest.mark.parametrize(
    ("query", "joins_the_reply"),
    [
        ({}, False),
        ({"sort": "-country", "category": "academia"}, False),
        ({"state": "silent"}, True),  # the state is the reply's
    ],
)
def test_reply_list_pages_ids_without_sorting_invitations_or_joining_replies(
    viewer_client: Client, three_invited: Meeting, query: dict[str, str], joins_the_reply: bool
) -> None:
    with CaptureQueriesContext(connection) as captured:
        response = viewer_client.get(REPLIES, query)

    ids = [
        q["sql"]
        for q in captured.captured_queries
        if q["sql"].startswith('SELECT "directory_organisation"."id" AS "pk"')
    ]
    assert response.status_code == 200
    assert len(ids) == 1
    # The invitations' own order (by circular) would sort every invitation in the
    # subquery, each page, for nothing: at 100,000 rows on disk. Asked per organisation
    # (EXISTS), the page is read in the name's order and stops when full.
    assert ids[0].count("ORDER BY") == 1
    assert "EXISTS(SELECT" in ids[0]
    assert ("delegations_reply" in ids[0]) == joins_the_reply


# Empty states


def test_empty_directory_says_where_to_start(
    secretary_client: Client, viewer_client: Client
) -> None:
    officer = secretary_client.get(DIRECTORY).content.decode()
    viewer = viewer_client.get(DIRECTORY).content.decode()

    assert "The directory is empty. Start by adding an organisation" in officer
    assert 'href="/organisations/new/"' in officer
    assert 'href="/organisations/import/"' in officer
    assert "The directory is empty: the secretariat adds or imports" in viewer
    assert 'href="/organisations/new/"' not in viewer


def test_directory_search_without_result_offers_every_organisation(
    viewer_client: Client, three_organisations: list[Organisation]
) -> None:
    page = viewer_client.get(DIRECTORY, {"q": "nothing like this"}).content.decode()

    assert "No organisation matches this search." in page
    assert '<a href="/organisations/">Show every organisation</a>' in page


def test_empty_accreditation_list_says_where_they_come_from(viewer_client: Client) -> None:
    make_meeting()

    page = viewer_client.get(ACCREDITATIONS).content.decode()

    assert "No accreditation yet: one opens for each delegate an organisation names" in page
    assert '<a href="/meetings/geneva-2003/replies/">Start from the replies</a>' in page


def test_filtered_accreditation_list_without_result_offers_them_all(
    viewer_client: Client, three_accreditations: Meeting
) -> None:
    page = viewer_client.get(ACCREDITATIONS, {"status": "revoked"}).content.decode()

    assert "No accreditation matches these filters." in page
    assert f'<a href="{ACCREDITATIONS}">Show every accreditation</a>' in page


def test_reply_list_of_a_meeting_without_circular_points_to_the_circulars(
    viewer_client: Client,
) -> None:
    make_meeting()

    page = viewer_client.get(REPLIES).content.decode()

    assert "No circular about this meeting has been sent yet" in page
    assert '<a href="/circulars/">Start from the circulars</a>' in page


@pytest.mark.parametrize(
    ("filters", "count"),
    [
        ({}, 3),
        ({"status": "pending"}, 1),
        ({"status": "revoked"}, 0),
        ({"status": "approved", "category": Category.ACADEMIA}, 0),
        ({"category": Category.ACADEMIA}, 1),
        ({"organisation": "canal"}, 1),
        ({"status": "nonsense"}, 3),  # an invalid filter shows every accreditation
    ],
)
def test_accreditation_list_counts_what_it_shows(
    viewer_client: Client, three_accreditations: Meeting, filters: dict[str, str], count: int
) -> None:
    response = viewer_client.get(ACCREDITATIONS, filters)

    assert response.context["page"].paginator.count == count
    assert len(response.context["page"].object_list) == count


def _orgs(first: int, last: int, step: int = 1) -> list[str]:
    return [f"Org {n:03d}" for n in range(first, last + step, step)]


@pytest.mark.parametrize(
    ("sort", "page", "expected"),
    [
        ("name", "1", _orgs(0, 24)),
        ("name", "3", _orgs(50, 74)),  # the middle: read forwards
        ("name", "4", _orgs(75, 99)),  # the second half: read from the end
        ("name", "5", _orgs(100, 109)),
        ("-name", "2", _orgs(84, 60, -1)),
        ("-name", "4", _orgs(34, 10, -1)),
        ("-name", "5", _orgs(9, 0, -1)),
        ("category", "4", _orgs(75, 99)),  # one category: by id
        ("-category", "5", _orgs(9, 0, -1)),
    ],
)
def test_every_page_holds_its_rows_in_order_from_either_end(
    viewer_client: Client, sort: str, page: str, expected: list[str]
) -> None:
    for n in range(110):
        OrganisationFactory(name=f"Org {n:03d}", category=Category.ACADEMIA)

    response = viewer_client.get(DIRECTORY, {"sort": sort, "page": page, "per_page": "25"})

    assert response.status_code == 200
    assert names(response) == expected
