"""The List of Participants: who is listed (approved and consenting only), in which order
(groups, categories, delegations with accents folded, head first), editions (provisional
then final, kept as published), the staff pages and the public page for every persona,
escaping in HTML and PDF, the rate limit, and a query count that does not grow."""

import datetime
import io
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace
from typing import Any, cast

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult
from pypdf import PdfReader
from pytest_django import Settings

from summitdesk.accreditation import services as accreditation_services
from summitdesk.accreditation.enums import AccreditationStatus as Status
from summitdesk.accreditation.models import Accreditation
from summitdesk.core import ratelimit
from summitdesk.core.audit import Actor
from summitdesk.core.enums import Channel, Role
from summitdesk.core.models import AuditEntry, User
from summitdesk.delegations.enums import ReplyState
from summitdesk.delegations.models import Delegate, Reply
from summitdesk.directory.enums import Category, StakeholderGroup
from summitdesk.meetings.models import Meeting
from summitdesk.reports import participant_index, participant_views, participants_urls
from summitdesk.reports.models import Edition, EditionKind, EditionPage, EditionStatus
from summitdesk.reports.participants import document, editions, listing
from summitdesk.reports.participants.editions import PublishError
from tests.conftest import signed_in
from tests.factories import MeetingFactory, OrganisationFactory, UserFactory
from tests.tasks import drop_queued_emails, run_queued_tasks

pytestmark = pytest.mark.django_db

STAFF = Actor.system("communications", Channel.BACKOFFICE)


@pytest.fixture(autouse=True)
def _files(settings: Settings, tmp_path: Path) -> None:
    """Edition PDFs go to a folder of the test's own."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "files"},
        },
    }


# Builders

# (title, given name, family name, function, head, consent, status)
Row = tuple[str, str, str, str, bool, bool, str]


def person(
    family: str,
    *,
    given: str = "",
    title: str = "",
    function: str = "",
    head: bool = False,
    consent: bool = True,
    status: str = Status.APPROVED,
) -> Row:
    return (title, given, family, function, head, consent, status)


def delegation(
    at: Meeting,
    name: str,
    rows: list[Row],
    *,
    country: str = "CH",
    category: str = Category.SECTOR_MEMBER,
    group: str = StakeholderGroup.PRIVATE_SECTOR,
) -> Reply:
    """An organisation's submitted reply naming `rows`, each with an accreditation."""
    organisation = OrganisationFactory(
        name=name, country=country, category=category, stakeholder_group=group
    )
    reply = Reply.objects.create(
        organisation=organisation, meeting=at, state=ReplyState.SUBMITTED, attending=True
    )
    for position, (title, given, family, function, head, consent, status) in enumerate(rows):
        delegate = Delegate.objects.create(
            reply=reply,
            position=position,
            is_head=head,
            title=title,
            given_name=given,
            family_name=family,
            function=function,
            consent_to_publish=consent,
        )
        reason = "Not eligible." if status == Status.REJECTED else ""
        Accreditation.objects.create(delegate=delegate, meeting=at, status=status, reason=reason)
    return reply


def government(at: Meeting, name: str, country: str, rows: list[Row]) -> Reply:
    return delegation(
        at,
        name,
        rows,
        country=country,
        category=Category.MEMBER_STATE,
        group=StakeholderGroup.GOVERNMENTS,
    )


@pytest.fixture
def meeting() -> Meeting:
    return MeetingFactory(code="geneva-2003", title="World Summit, first phase", city="Geneva")


@pytest.fixture
def summit(meeting: Meeting) -> Meeting:
    """A small meeting: governments (accents, Chinese, Arabic), companies, civil society."""
    government(meeting, "Ministère de l'économie numérique", "CI", [person("Kouassi", given="Awa")])
    government(meeting, "Ministry of ICT", "CU", [person("Pérez", given="Ana")])
    government(meeting, "Ministry of Communications", "CO", [person("Gómez", given="Luis")])
    government(
        meeting,
        "Ministry of Industry and Information Technology",
        "CN",
        [person("王", given="小明", function="副部长", head=True), person("李", given="娜")],
    )
    government(
        meeting,
        "Ministry of Communications and Information Technology",
        "EG",
        [
            person("الحسن", given="محمد", function="وزير", head=True),
            person("Haddad", given="Amina", consent=False),
        ],
    )
    # Two Swiss government bodies: one delegation, "Switzerland".
    government(meeting, "Federal Office of Communications", "CH", [person("Meier", given="Urs")])
    government(
        meeting,
        "Federal Department of Foreign Affairs",
        "CH",
        [person("Keller", given="Eva", title="H.E. Ms", function="Ambassador", head=True)],
    )
    delegation(meeting, "Orange", [person("Martin", given="Paul")], country="FR")
    delegation(
        meeting,
        "Ericsson",
        [
            person("Svensson", given="Lars", function="Director"),
            person("Berg", given="Karin", function="Vice President"),
            person("Lindqvist", given="Sara", title="Dr", function="CEO", head=True),
        ],
        country="SE",
    )
    delegation(meeting, "Électricité de France", [person("Durand", given="Léa")], country="FR")
    delegation(
        meeting,
        "Association Zéro Fracture",
        [person("Diallo", given="Moussa")],
        category=Category.CIVIL_SOCIETY,
        group=StakeholderGroup.CIVIL_SOCIETY,
        country="SN",
    )
    delegation(
        meeting,
        "Ростелеком",
        [
            person("Иванова", given="Мария", head=True),
            person("Pending", status=Status.PENDING),
            person("Rejected", status=Status.REJECTED),
            person("Withdrawn", status=Status.WITHDRAWN),
            person("Revoked", status=Status.REVOKED),
            person("Silent", consent=False),
        ],
        country="RU",
    )
    return meeting


def names(data: dict[str, Any]) -> list[tuple[str, str, str, list[str]]]:
    """(group, section, delegation, [names]) of page data."""
    return [
        (group["title"], section["title"], d["name"], [p["name"] for p in d["people"]])
        for group in data["groups"]
        for section in group["sections"]
        for d in section["delegations"]
    ]


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def publish(at: Meeting, kind: str) -> Edition:
    """Publish an edition as staff do, and let the worker prepare it."""
    edition = editions.publish_edition(at, kind=kind, actor=STAFF)
    run_queued_tasks()
    edition.refresh_from_db()
    return edition


def stored(edition: Edition) -> bytes:
    with edition.pdf.open("rb") as file:
        return file.read()


def comms() -> User:
    return UserFactory(username="comms", role=Role.COMMUNICATIONS)


# Building the list


def test_list_groups_sections_and_delegations_in_order_with_accents_folded(
    summit: Meeting,
) -> None:
    current = listing.build_list(summit)

    assert names(current.page_data(1)) == [
        ("Governments", "Member State", "China", ["小明 王", "娜 李"]),
        ("Governments", "Member State", "Colombia", ["Luis Gómez"]),
        ("Governments", "Member State", "Côte d'Ivoire", ["Awa Kouassi"]),
        ("Governments", "Member State", "Cuba", ["Ana Pérez"]),
        ("Governments", "Member State", "Egypt", ["محمد الحسن"]),
        ("Governments", "Member State", "Switzerland", ["H.E. Ms Eva Keller", "Urs Meier"]),
        ("Private sector", "Sector Member", "Électricité de France", ["Léa Durand"]),
        (
            "Private sector",
            "Sector Member",
            "Ericsson",
            ["Dr Sara Lindqvist", "Lars Svensson", "Karin Berg"],
        ),
        ("Private sector", "Sector Member", "Orange", ["Paul Martin"]),
        ("Private sector", "Sector Member", "Ростелеком", ["Мария Иванова"]),
        ("Civil society", "Civil society", "Association Zéro Fracture", ["Moussa Diallo"]),
    ]
    assert (current.shown, current.not_shown) == (15, 2)


#: A delegate in person, whose note is empty (their type goes without saying).
PLAIN = {"note": "", "online": False}


def test_list_puts_the_head_first_with_function_and_mark(summit: Meeting) -> None:
    data = listing.build_list(summit).page_data(1)
    ericsson = data["groups"][1]["sections"][0]["delegations"][1]

    ids = dict(Delegate.objects.values_list("family_name", "pk"))
    assert ericsson["people"] == [
        {
            "name": "Dr Sara Lindqvist",
            "function": "CEO",
            "head": True,
            "id": ids["Lindqvist"],
            **PLAIN,
        },
        {
            "name": "Lars Svensson",
            "function": "Director",
            "head": False,
            "id": ids["Svensson"],
            **PLAIN,
        },
        {
            "name": "Karin Berg",
            "function": "Vice President",
            "head": False,
            "id": ids["Berg"],
            **PLAIN,
        },
    ]


def test_list_counts_only_approved_people_and_only_consenting_ones_are_shown(
    meeting: Meeting,
) -> None:
    delegation(
        meeting,
        "Orange",
        [
            person("Listed"),
            person("Private", consent=False),
            person("Pending", status=Status.PENDING),
            person("Rejected", status=Status.REJECTED),
            person("Withdrawn", status=Status.WITHDRAWN),
            person("Revoked", status=Status.REVOKED),
            person("Pending private", status=Status.PENDING, consent=False),
        ],
    )
    delegation(meeting, "Nobody consents", [person("Hidden", consent=False)])

    current = listing.build_list(meeting)

    assert names(current.page_data(1)) == [
        ("Private sector", "Sector Member", "Orange", ["Listed"])
    ]
    assert (current.shown, current.not_shown) == (1, 2)
    assert current.not_shown_line == "2 participants are not shown (no consent to publication)."


def test_list_of_another_meeting_is_not_mixed_in(summit: Meeting) -> None:
    other = MeetingFactory(code="tunis-2005")
    delegation(other, "Orange", [person("Elsewhere")])

    current = listing.build_list(other)

    assert names(current.page_data(1)) == [
        ("Private sector", "Sector Member", "Orange", ["Elsewhere"])
    ]
    assert "Elsewhere" not in json.dumps(listing.build_list(summit).page_data(1))


def test_list_takes_two_queries_whatever_its_size(meeting: Meeting) -> None:
    delegation(meeting, "Orange", [person("One")])
    with CaptureQueriesContext(connection) as small:
        listing.build_list(meeting)
        listing.build_list(meeting, page=1)
    for number in range(30):
        delegation(meeting, f"Company {number}", [person(f"P{n}") for n in range(4)])

    cache.clear()  # the builder above writes no audit entry: read the order afresh
    with CaptureQueriesContext(connection) as large:
        listing.build_list(meeting)
        listing.build_list(meeting, page=1)

    # Each also reads the meeting's participant types (the notes beside the names).
    assert len(large) == len(small) == 2 + 3 + 2


def test_one_page_reuses_the_order_until_the_audit_trail_moves(meeting: Meeting) -> None:
    delegation(meeting, "Orange", [person("Martin"), person("Newcomer", status=Status.PENDING)])
    listing.build_list(meeting, page=1)
    with CaptureQueriesContext(connection) as reused:
        listing.build_list(meeting, page=1)
    newcomer = Accreditation.objects.get(delegate__family_name="Newcomer")

    accreditation_services.transition(newcomer, Status.APPROVED, actor=STAFF)
    current = listing.build_list(meeting, page=1)

    # The newest audit entry, the participant types, then the people of the page.
    assert len(reused) == 3
    assert names(current.page_data(1)) == [
        ("Private sector", "Sector Member", "Orange", ["Martin", "Newcomer"])
    ]
    assert current.shown == 2


def test_one_page_drops_at_once_who_withdrew_consent(meeting: Meeting) -> None:
    delegation(meeting, "Orange", [person("Martin")])
    delegation(meeting, "Ericsson", [person("Berg")])
    listing.build_list(meeting, page=1)

    Delegate.objects.filter(family_name="Berg").update(consent_to_publish=False)  # no audit
    current = listing.build_list(meeting, page=1)

    assert names(current.page_data(1)) == [
        ("Private sector", "Sector Member", "Orange", ["Martin"])
    ]


def test_list_pages_never_cut_a_delegation(
    meeting: Meeting, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(listing, "PAGE_SIZE", 3)
    delegation(meeting, "Alpha", [person("A1"), person("A2")])
    delegation(meeting, "Beta", [person("B1"), person("B2")])
    delegation(meeting, "Gamma", [person("G1")])

    current = listing.build_list(meeting)
    second = listing.build_list(meeting, page=2)

    assert [(s.first, s.last, s.people) for s in current.contents] == [
        ("Alpha", "Alpha", 2),
        ("Beta", "Gamma", 3),
    ]
    assert names(second.page_data(2)) == [
        ("Private sector", "Sector Member", "Beta", ["B1", "B2"]),
        ("Private sector", "Sector Member", "Gamma", ["G1"]),
    ]
    assert names(listing.build_list(meeting, page=9).page_data(9)) == []


# Publishing editions


def test_publish_stores_the_list_as_previewed_with_its_pdf(summit: Meeting) -> None:
    preview = listing.build_list(summit)

    edition = publish(summit, EditionKind.PROVISIONAL)

    assert (edition.kind, edition.number, edition.shown, edition.not_shown) == (
        "provisional",
        1,
        15,
        2,
    )
    assert edition.date == document.meeting_today(summit)
    assert [page.data for page in EditionPage.objects.filter(edition=edition)] == [
        preview.page_data(1)
    ]
    text = pdf_text(stored(edition))
    assert "List of Participants" in text
    assert "Provisional list, edition 1" in text
    assert "World Summit, first phase" in text
    assert "Ericsson" in text and "Dr Sara Lindqvist" in text
    assert "小明 王" in text
    assert "Мария Иванова" in text
    assert "2 participants are not shown (no consent to publication)." in text
    assert [(e.action, e.changes) for e in AuditEntry.objects.order_by("id")] == [
        (
            "summitdesk.participants.publish_requested",
            {"kind": [None, "provisional"], "number": [None, 1]},
        ),
        (
            "summitdesk.participants.published",
            {
                "kind": [None, "provisional"],
                "number": [None, 1],
                "shown": [None, 15],
                "not_shown": [None, 2],
                "removed": [None, 0],
            },
        ),
    ]


def test_pdf_renders_every_script_without_missing_fonts(
    summit: Meeting, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level("WARNING", logger="summitdesk.lib.documents"):
        content = document.preview_pdf(summit)

    assert content.startswith(b"%PDF")
    assert caplog.records == []
    fonts = {
        str(font.get("/BaseFont"))
        for page in PdfReader(io.BytesIO(content)).pages
        for font in cast(Any, page["/Resources"])["/Font"].values()
    }
    assert any("NotoSansArabic" in name for name in fonts)
    assert any("NotoSansCJK" in name for name in fonts)
    assert "Preview (not published)" in pdf_text(content)


def test_people_without_consent_are_absent_from_page_snapshot_and_pdf(
    summit: Meeting, client: Client
) -> None:
    edition = publish(summit, EditionKind.PROVISIONAL)

    page = client.get("/meetings/geneva-2003/participants/")
    snapshot = json.dumps([p.data for p in edition.list_pages.all()], ensure_ascii=False)
    text = pdf_text(stored(edition))

    for private in ("Haddad", "Silent", "Pending", "Rejected", "Withdrawn", "Revoked"):
        assert private not in page.content.decode()
        assert private not in snapshot
        assert private not in text
    assert "2 participants are not shown (no consent to publication)." in page.content.decode()


def test_final_edition_needs_a_provisional_one_first(summit: Meeting) -> None:
    with pytest.raises(PublishError) as refused:
        publish(summit, EditionKind.FINAL)

    assert str(refused.value) == "Publish a provisional edition before the final one."

    assert Edition.objects.count() == 0
    assert AuditEntry.objects.count() == 0


def test_editions_go_provisional_then_final_and_the_latest_is_public(summit: Meeting) -> None:
    first = publish(summit, EditionKind.PROVISIONAL)
    second = publish(summit, EditionKind.PROVISIONAL)
    final = publish(summit, EditionKind.FINAL)

    assert [(e.number, e.kind) for e in (first, second, final)] == [
        (1, "provisional"),
        (2, "provisional"),
        (3, "final"),
    ]
    assert editions.public_edition(summit) == final
    assert "Final list, edition 3" in pdf_text(stored(final))
    with pytest.raises(PublishError, match="The final list is out"):
        publish(summit, EditionKind.PROVISIONAL)
    corrected = publish(summit, EditionKind.FINAL)
    assert (corrected.number, corrected.kind) == (4, "final")


def test_public_page_keeps_the_previous_edition_while_the_next_is_prepared(
    summit: Meeting, client: Client
) -> None:
    publish(summit, EditionKind.PROVISIONAL)
    delegation(summit, "Latecomer Ltd", [person("Late")])

    preparing = editions.publish_edition(summit, kind=EditionKind.FINAL, actor=STAFF)
    during = client.get("/meetings/geneva-2003/participants/").content.decode()
    with pytest.raises(PublishError) as refused:
        editions.publish_edition(summit, kind=EditionKind.FINAL, actor=STAFF)
    run_queued_tasks()
    after = client.get("/meetings/geneva-2003/participants/").content.decode()

    assert (preparing.status, preparing.number) == (EditionStatus.PREPARING, 2)
    assert "Provisional list, edition 1" in during and "Latecomer" not in during
    assert str(refused.value) == "An edition is being prepared: wait until it is published."
    assert "Final list, edition 2" in after and "Latecomer Ltd" in after


def test_edition_fails_clearly_when_the_list_emptied_before_the_worker_ran(
    meeting: Meeting, client: Client
) -> None:
    delegation(meeting, "Orange", [person("Martin")])
    edition = editions.publish_edition(meeting, kind=EditionKind.PROVISIONAL, actor=STAFF)
    Delegate.objects.update(consent_to_publish=False)

    run_queued_tasks()
    edition.refresh_from_db()

    assert (edition.status, edition.error) == (
        EditionStatus.FAILED,
        "Nobody can be listed yet: no approved participant agreed to publication.",
    )
    assert EditionPage.objects.count() == 0
    assert client.get("/meetings/geneva-2003/participants/").status_code == 404
    assert editions.prepare_edition(edition.pk) == edition  # left alone
    with pytest.raises(PublishError) as refused:
        editions.publish_edition(meeting, kind=EditionKind.FINAL, actor=STAFF)
    assert str(refused.value) == "Publish a provisional edition before the final one."


def test_an_edition_whose_worker_stopped_no_longer_blocks_the_next(summit: Meeting) -> None:
    stalled = editions.publish_edition(summit, kind=EditionKind.PROVISIONAL, actor=STAFF)
    DBTaskResult.objects.all().delete()  # the worker died with it
    Edition.objects.filter(pk=stalled.pk).update(
        requested_at=timezone.now() - datetime.timedelta(minutes=16)
    )

    edition = publish(summit, EditionKind.PROVISIONAL)
    stalled.refresh_from_db()

    assert (stalled.status, stalled.error) == (
        EditionStatus.FAILED,
        "The worker preparing this edition stopped: publish it again.",
    )
    assert (edition.number, edition.status) == (2, EditionStatus.PUBLISHED)
    assert editions.public_edition(summit) == edition


def test_preparing_an_edition_twice_changes_nothing(summit: Meeting) -> None:
    edition = publish(summit, EditionKind.PROVISIONAL)
    entries = AuditEntry.objects.count()

    again = editions.prepare_edition(edition.pk)

    assert again is not None and again.published_at == edition.published_at
    assert EditionPage.objects.filter(edition=edition).count() == 1
    assert AuditEntry.objects.count() == entries
    assert editions.prepare_edition(987654) is None


def test_publishing_an_empty_list_is_refused(meeting: Meeting) -> None:
    delegation(meeting, "Orange", [person("Private", consent=False)])

    with pytest.raises(PublishError, match="Nobody can be listed yet"):
        publish(meeting, EditionKind.PROVISIONAL)

    assert Edition.objects.count() == 0


def test_unknown_kind_is_refused(summit: Meeting) -> None:
    with pytest.raises(PublishError) as refused:
        publish(summit, "draft")

    assert str(refused.value) == "Choose a provisional or a final edition."
    assert Edition.objects.count() == 0


def test_consent_withdrawn_after_publishing_leaves_the_web_page_at_once(
    summit: Meeting, client: Client, admin_client: Client
) -> None:
    edition = publish(summit, EditionKind.PROVISIONAL)
    martin = Delegate.objects.get(family_name="Martin")

    accreditation_services.set_consent(martin, False, actor=STAFF)

    page = client.get("/meetings/geneva-2003/participants/").content.decode()
    assert "Paul Martin" not in page
    assert "Lars Svensson" in page
    # The dated PDF stays as published.
    assert "Paul Martin" in pdf_text(stored(edition))
    assert editions.withdrawn_since(edition) == 1
    editions_page = admin_client.get("/meetings/geneva-2003/list-of-participants/editions/")
    assert (
        "1 person on the public edition can no longer be listed" in editions_page.content.decode()
    )

    second = publish(summit, EditionKind.PROVISIONAL)

    page = client.get("/meetings/geneva-2003/participants/").content.decode()
    line = "1 participant listed in the previous edition is no longer listed."
    assert "Paul Martin" not in page
    assert "3 participants are not shown (no consent to publication)." in page
    assert line in page
    assert second.removed == 1
    assert line in " ".join(pdf_text(stored(second)).split())
    assert "Paul Martin" not in pdf_text(stored(second))


def test_accreditation_withdrawn_after_publishing_leaves_the_web_page_at_once(
    summit: Meeting, client: Client
) -> None:
    edition = publish(summit, EditionKind.PROVISIONAL)
    accreditation = Accreditation.objects.get(delegate__family_name="Durand")

    accreditation_services.withdraw(accreditation, reason="Cannot travel.", actor=STAFF)

    page = client.get("/meetings/geneva-2003/participants/").content.decode()
    assert "Léa Durand" not in page
    # Its delegation had nobody else: the heading goes too.
    assert "Électricité de France" not in page
    assert "Léa Durand" in pdf_text(stored(edition))
    assert "no longer listed" not in page


def test_first_edition_says_nothing_of_removals(summit: Meeting, client: Client) -> None:
    edition = publish(summit, EditionKind.PROVISIONAL)

    assert edition.removed == 0
    assert (
        "no longer listed" not in client.get("/meetings/geneva-2003/participants/").content.decode()
    )


def test_revoked_after_publishing_is_counted_for_staff(summit: Meeting) -> None:
    edition = publish(summit, EditionKind.PROVISIONAL)
    accreditation = Accreditation.objects.get(delegate__family_name="Durand")

    accreditation_services.transition(accreditation, Status.REVOKED, reason="Left.", actor=STAFF)

    assert editions.withdrawn_since(edition) == 1


# Escaping


def test_markup_in_names_prints_literally_in_html_and_pdf(meeting: Meeting, client: Client) -> None:
    delegation(
        meeting,
        "<b>Bold</b> Ltd",
        [
            person("<script>alert(1)</script>", given="Eve", head=True),
            person('#panic("x")', given="Mallory", function="*strong* $x$ [link]"),
        ],
    )
    edition = publish(meeting, EditionKind.PROVISIONAL)

    page = client.get("/meetings/geneva-2003/participants/").content.decode()
    text = pdf_text(stored(edition))

    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<script>" not in page
    assert "&lt;b&gt;Bold&lt;/b&gt; Ltd" in page
    assert "Eve <script>alert(1)</script>" in text
    assert 'Mallory #panic("x")' in text
    assert "*strong* $x$ [link]" in text
    assert "<b>Bold</b> Ltd" in text


# Pages and permissions


@dataclass(frozen=True)
class Sample:
    meeting: Meeting
    edition: Edition


@pytest.fixture
def sample(summit: Meeting) -> Sample:
    edition = publish(summit, EditionKind.PROVISIONAL)
    AuditEntry.objects.all().delete()
    return Sample(summit, edition)


Kwargs = Callable[[Sample], dict[str, Any]]


def _code(s: Sample) -> dict[str, Any]:
    return {"code": s.meeting.code}


READ_PAGES: list[tuple[str, Kwargs]] = [
    ("participants:preview", _code),
    ("participants:preview-pdf", _code),
    ("participants:editions", _code),
    ("participants:edition-pdf", lambda s: {"code": s.meeting.code, "number": 1}),
]
PUBLISH_PAGES: list[tuple[str, Kwargs]] = [("participants:publish", _code)]
PUBLIC_PAGES: list[tuple[str, Kwargs]] = [
    ("participants:public", _code),
    ("participants:public-pdf", _code),
]
URL_NAMES = {
    name.removeprefix("participants:") for name, _ in READ_PAGES + PUBLISH_PAGES + PUBLIC_PAGES
}


def test_every_participants_url_is_covered_by_a_permission_test() -> None:
    names = {getattr(pattern, "name", "") for pattern in participants_urls.urlpatterns}

    assert names == URL_NAMES


@pytest.mark.parametrize(("name", "kwargs"), READ_PAGES + PUBLISH_PAGES)
def test_staff_pages_send_anonymous_visitors_to_sign_in(
    client: Client, sample: Sample, name: str, kwargs: Kwargs
) -> None:
    url = reverse(name, kwargs=kwargs(sample))

    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"] == f"/sign-in/?next={url}"


@pytest.mark.parametrize(("name", "kwargs"), READ_PAGES)
def test_staff_read_pages_open_to_viewer(
    viewer_client: Client, sample: Sample, name: str, kwargs: Kwargs
) -> None:
    response = viewer_client.get(reverse(name, kwargs=kwargs(sample)))
    response.close()  # a FileResponse holds its file open until closed

    assert response.status_code == 200


@pytest.mark.parametrize("role", [Role.VIEWER, Role.REGISTRATION_OFFICER, Role.BADGE_DESK])
def test_publishing_refused_to_roles_that_do_not_publish(sample: Sample, role: Role) -> None:
    client = signed_in(UserFactory(role=role))
    url = reverse("participants:publish", kwargs=_code(sample))

    assert client.get(url).status_code == 403
    assert client.post(url, {"kind": "provisional"}).status_code == 403
    assert Edition.objects.count() == 1
    assert AuditEntry.objects.count() == 0


def test_communications_officer_publishes_through_the_confirmation(sample: Sample) -> None:
    client = signed_in(comms())
    url = reverse("participants:publish", kwargs=_code(sample))

    confirmation = client.get(url)
    response = client.post(url, {"kind": "final"}, follow=True)

    assert confirmation.status_code == 200
    assert "15 participants will be listed." in confirmation.content.decode()
    assert response.redirect_chain == [
        ("/meetings/geneva-2003/list-of-participants/editions/", 302)
    ]
    assert (
        "Final list, edition 2 is being prepared: it replaces the public edition as soon as "
        "its PDF is ready." in response.content.decode()
    )
    assert "Being prepared" in response.content.decode()
    run_queued_tasks()
    final = Edition.objects.get(number=2)
    assert (final.kind, final.status) == ("final", EditionStatus.PUBLISHED)
    assert final.published_by == User.objects.get(username="comms")
    assert [(e.action, e.actor) for e in AuditEntry.objects.order_by("id")] == [
        ("summitdesk.participants.publish_requested", final.published_by),
        ("summitdesk.participants.published", final.published_by),
    ]


def test_administrator_publishes_and_a_refusal_is_shown(
    admin_client: Client, meeting: Meeting
) -> None:
    url = reverse("participants:publish", kwargs={"code": meeting.code})
    delegation(meeting, "Orange", [person("Martin")])

    refused = admin_client.post(url, {"kind": "final"})
    published = admin_client.post(url, {"kind": "provisional"})

    assert refused.status_code == 400
    assert "Publish a provisional edition before the final one." in refused.content.decode()
    assert published.status_code == 302
    assert list(Edition.objects.values_list("number", "kind")) == [(1, "provisional")]


def test_public_page_is_404_before_anything_is_published(summit: Meeting, client: Client) -> None:
    assert client.get("/meetings/geneva-2003/participants/").status_code == 404
    assert client.get("/meetings/geneva-2003/participants.pdf").status_code == 404
    assert client.get("/meetings/nowhere/participants/").status_code == 404


def test_public_page_shows_the_latest_edition_as_published(sample: Sample, client: Client) -> None:
    delegation(sample.meeting, "Latecomer Ltd", [person("Late")])

    page = client.get("/meetings/geneva-2003/participants/")
    pdf = client.get("/meetings/geneva-2003/participants.pdf")

    body = page.content.decode()
    assert page.status_code == 200
    assert "Provisional list, edition 1" in body
    assert "H.E. Ms Eva Keller" in body and "Ambassador" in body
    assert "Late" not in body
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    assert b"".join(pdf.streaming_content) == stored(sample.edition)  # type: ignore[attr-defined]
    pdf.close()


def test_public_page_shows_no_personal_data_beyond_the_list(sample: Sample, client: Client) -> None:
    Delegate.objects.update(email="secret@example.org", nationality="ZZ")

    body = client.get("/meetings/geneva-2003/participants/").content.decode()

    assert "secret@example.org" not in body
    assert "Lindqvist" in body


def test_preview_and_public_page_show_the_same_list(
    sample: Sample, viewer_client: Client, client: Client
) -> None:
    preview = viewer_client.get("/meetings/geneva-2003/list-of-participants/")
    public = client.get("/meetings/geneva-2003/participants/")

    assert preview.context["page"] == public.context["page"]
    start, end = '<section class="participants">', "</section>"

    def listed(body: str) -> str:
        return body[body.index(start) : body.rindex(end)]

    assert listed(preview.content.decode()) == listed(public.content.decode())


def test_public_pages_follow_the_edition_pages(
    meeting: Meeting, client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(listing, "PAGE_SIZE", 2)
    delegation(meeting, "Alpha", [person("A1"), person("A2")])
    delegation(meeting, "Beta", [person("B1")])
    publish(meeting, EditionKind.PROVISIONAL)

    second = client.get("/meetings/geneva-2003/participants/", {"page": "2"}).content.decode()

    assert "B1" in second and "A1" not in second
    assert "Page 2 of 2" in second
    assert client.get("/meetings/geneva-2003/participants/", {"page": "3"}).status_code == 404
    assert client.get("/meetings/geneva-2003/participants/", {"page": "x"}).status_code == 200


def test_preview_of_a_long_list_offers_the_page_shown_as_pdf(
    meeting: Meeting, viewer_client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(listing, "PAGE_SIZE", 1)
    monkeypatch.setattr(document, "PREVIEW_PDF_PAGES", 1)
    delegation(meeting, "Alpha", [person("Aalto")])
    delegation(meeting, "Beta", [person("Berg")])
    url = "/meetings/geneva-2003/list-of-participants/"

    page = viewer_client.get(url, {"page": "2"}).content.decode()
    pdf = viewer_client.get(f"{url}preview.pdf", {"page": "2"})

    assert f'href="{url}preview.pdf?page=2"' in page
    assert pdf["Content-Type"] == "application/pdf"
    text = pdf_text(pdf.content)
    assert "Berg" in text and "Aalto" not in text
    assert "Preview (not published)" in text


def test_public_page_is_rate_limited(
    sample: Sample, client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    # At the start of a minute: the whole minute to wait.
    monkeypatch.setattr(ratelimit, "time", SimpleNamespace(time=lambda: 1_000_000_020.0))
    for _ in range(participant_views.PUBLIC_LIMIT):
        assert client.get("/meetings/geneva-2003/participants/").status_code == 200

    refused = client.get("/meetings/geneva-2003/participants.pdf")

    assert refused.status_code == 429
    assert refused["Retry-After"] == "60"


def test_pages_make_as_many_queries_for_a_longer_list(
    sample: Sample, viewer_client: Client, client: Client
) -> None:
    def counts() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as preview:
            viewer_client.get("/meetings/geneva-2003/list-of-participants/")
        with CaptureQueriesContext(connection) as public:
            client.get("/meetings/geneva-2003/participants/")
        return len(preview), len(public)

    before = counts()
    for number in range(20):
        delegation(sample.meeting, f"Company {number}", [person(f"P{n}") for n in range(3)])
    publish(sample.meeting, EditionKind.PROVISIONAL)

    assert counts() == before


def test_meeting_page_links_to_the_list(viewer_client: Client, meeting: Meeting) -> None:
    body = viewer_client.get(f"/meetings/{meeting.code}/").content.decode()

    assert 'href="/meetings/geneva-2003/list-of-participants/"' in body


def test_edition_queued_under_the_old_task_path_is_still_prepared_after_an_upgrade(
    summit: Meeting,
) -> None:
    # An earlier version defined the task in reports/participant_tasks.py, and the queue
    # stores each task by its import path: this is the row it wrote.
    drop_queued_emails()  # the fixture's own, not what this is about
    edition = editions.publish_edition(summit, kind=EditionKind.PROVISIONAL, actor=STAFF)
    queued = DBTaskResult.objects.get()
    assert queued.task_path == "summitdesk.reports.tasks.prepare_edition_task"
    DBTaskResult.objects.filter(pk=queued.pk).update(
        task_path="summitdesk.reports.participant_tasks.prepare_edition_task"
    )

    assert run_queued_tasks() == 1
    edition.refresh_from_db()
    assert (edition.status, edition.error) == (EditionStatus.PUBLISHED, "")
    queued.refresh_from_db()
    assert queued.status == TaskResultStatus.SUCCESSFUL


# The public list's index and search


def public(client: Client, **query: str) -> str:
    return client.get("/meetings/geneva-2003/participants/", query).content.decode()


def test_public_index_lists_sections_with_pages_and_initial_letters(
    summit: Meeting, client: Client
) -> None:
    edition = publish(summit, EditionKind.PROVISIONAL)

    page = public(client)

    assert [(s.group, s.title, s.page) for s in participant_index.sections(edition)] == [
        ("Governments", "Member State", 1),
        ("Private sector", "Sector Member", 1),
        ("Civil society", "Civil society", 1),
    ]
    # Countries and organisations under their first letter, accents folded, any script.
    cyrillic_er = "\u0420"  # Ростелеком
    assert participant_index.letters(edition) == ["A", "C", "E", "O", "S", cyrillic_er]
    assert '<a href="?letter=C">C</a>' in page
    assert '<a href="?page=1">Member State</a>' in page


def test_public_letter_lists_its_countries_and_organisations(
    summit: Meeting, client: Client
) -> None:
    publish(summit, EditionKind.PROVISIONAL)

    page = public(client, letter="E")

    assert "Countries and organisations: E" in page
    # Egypt (a government) and two companies, accents folded in the order.
    assert page.index("Egypt") < page.index("Électricité de France") < page.index("Ericsson")
    assert "Lars Svensson" not in page  # the letter's list, not the pages


def test_public_search_finds_people_and_delegations_folded(summit: Meeting, client: Client) -> None:
    publish(summit, EditionKind.PROVISIONAL)

    assert '<a href="?page=1" dir="auto">Ana Pérez</a>, <span dir="auto">Cuba</span>' in public(
        client, q="PEREZ"
    )
    found = public(client, q="electricite")
    assert '<a href="?page=1" dir="auto">Électricité de France</a>' in found
    assert "Léa Durand" not in found  # names are searched, not the delegation of each
    assert "Мария Иванова" in public(client, q="иванова")
    assert "小明" in public(client, q="王")


def test_public_search_leaves_out_who_may_no_longer_be_listed(
    summit: Meeting, client: Client
) -> None:
    publish(summit, EditionKind.PROVISIONAL)
    accreditation_services.set_consent(
        Delegate.objects.get(family_name="Martin"), False, actor=STAFF
    )

    page = public(client, q="martin")

    assert "Paul Martin" not in page
    assert "Nobody on this list matches." in page
    assert "Haddad" not in public(client, q="haddad")  # never consented: never indexed


@pytest.mark.parametrize(
    "hostile",
    ["%", "_", "' OR 1=1 --", "<script>alert(1)</script>", "\x00", "a" * 5000, "e " * 3000],
)
def test_public_search_of_hostile_or_huge_input_is_bounded_and_escaped(
    summit: Meeting, client: Client, hostile: str
) -> None:
    publish(summit, EditionKind.PROVISIONAL)

    with CaptureQueriesContext(connection) as queries:
        response = client.get("/meetings/geneva-2003/participants/", {"q": hostile})

    content = response.content.decode()
    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in content
    assert len(response.context.get("query", "")) <= participant_index.QUERY_CHARS
    assert len(response.context.get("results", [])) <= participant_index.RESULTS
    assert len(queries) <= 12


def test_public_search_results_are_capped_and_say_so(meeting: Meeting, client: Client) -> None:
    delegation(
        meeting,
        "Big Delegation",
        [
            person(f"Same{number:03}", given="Ann")
            for number in range(participant_index.RESULTS + 5)
        ],
    )
    publish(meeting, EditionKind.PROVISIONAL)

    response = client.get("/meetings/geneva-2003/participants/", {"q": "ann same"})

    assert len(response.context["results"]) == participant_index.RESULTS
    assert "Only the first 50 matches are shown" in response.content.decode()


def test_public_search_is_rate_limited_with_the_page(summit: Meeting, client: Client) -> None:
    publish(summit, EditionKind.PROVISIONAL)
    url = "/meetings/geneva-2003/participants/"

    for number in range(participant_views.PUBLIC_LIMIT):
        assert client.get(url, {"q": f"name {number}"}).status_code == 200

    # Searches and pages share the one bucket: the next of either is refused.
    assert client.get(url, {"q": "martin"}).status_code == 429
    assert client.get(url).status_code == 429


# The editions page follows its task


def test_editions_page_follows_an_edition_being_prepared(
    summit: Meeting, admin_client: Client
) -> None:
    url = "/meetings/geneva-2003/list-of-participants/editions/"
    edition = editions.publish_edition(summit, kind=EditionKind.PROVISIONAL, actor=STAFF)
    Edition.objects.filter(pk=edition.pk).update(stage="Rendering the PDF of 14 participants")

    during = admin_client.get(url)

    content = during.content.decode()
    assert during["Refresh"] == str(participant_views.REFRESH_SECONDS)
    assert "Edition 1 (Provisional) is being prepared" in content
    assert '<p role="status">Rendering the PDF of 14 participants…</p>' in content
    assert "<progress" in content

    run_queued_tasks()
    after = admin_client.get(url)

    assert "Refresh" not in after
    assert "is being prepared" not in after.content.decode()


def test_editions_page_without_editions_says_where_to_start(
    meeting: Meeting, admin_client: Client
) -> None:
    page = admin_client.get("/meetings/geneva-2003/list-of-participants/editions/")

    content = page.content.decode()
    assert "Nothing is published yet. Start with the preview" in content
    assert 'href="/meetings/geneva-2003/list-of-participants/">Open the preview</a>' in content
    assert "Refresh" not in page


def test_list_notes_type_online_and_affiliation_and_counts_online_apart(meeting: Meeting) -> None:
    reply = delegation(
        meeting, "Orange", [person("Martin", head=True), person("Presse"), person("Remote")]
    )
    press = meeting.participant_types.get(code="press")
    Delegate.objects.filter(reply=reply, family_name="Presse").update(
        participant_type=press, affiliation="Le Temps", relationship="invited_guest"
    )
    Delegate.objects.filter(reply=reply, family_name="Remote").update(online=True)

    plain = listing.build_list(meeting)
    Meeting.objects.filter(pk=meeting.pk).update(list_shows_affiliation=True)
    meeting.refresh_from_db()
    with_affiliation = listing.build_list(meeting)

    notes = {p.name: p.note for d in plain.pages[1] for p in d.people}
    assert notes == {"Martin": "", "Presse": "Press", "Remote": "online only"}
    assert plain.online == 1 and plain.shown == 3
    notes = {p.name: p.note for d in with_affiliation.pages[1] for p in d.people}
    assert notes["Presse"] == "Press · Le Temps · Invited guest"
    # In person first by their type's section, those online only last.
    assert [p.name for p in with_affiliation.pages[1][0].people] == ["Martin", "Presse", "Remote"]
