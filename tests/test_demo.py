import datetime
import re

import pytest
from django.core.management import call_command
from django.test import Client
from pytest_django.fixtures import Settings

from summitdesk.admission.models import Admission
from summitdesk.core.enums import Role
from summitdesk.core.models import AuditEntry, User
from summitdesk.correspondence.enums import CircularStatus
from summitdesk.correspondence.models import Circular
from summitdesk.demo.load import load_demo
from summitdesk.directory.enums import Category, PositionRole, StakeholderGroup
from summitdesk.directory.models import Organisation, Person, Position
from summitdesk.directory.queries import DirectoryFilter, search_organisations
from summitdesk.lib.text import fold
from summitdesk.meetings.enums import MeetingStatus
from summitdesk.meetings.models import Meeting, Process
from tests.conftest import Demo

TODAY = datetime.date(2026, 3, 2)
LETTER_DATE = datetime.date(2003, 7, 9)

SCRIPTS = {
    "arabic": re.compile(r"[\u0600-\u06ff]"),
    "chinese": re.compile(r"[\u4e00-\u9fff]"),
    "cyrillic": re.compile(r"[\u0400-\u04ff]"),
    "accented": re.compile(r"[\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f]"),
}


@pytest.fixture(autouse=True)
def _fast_passwords(settings: Settings) -> None:
    """The demo sets three passwords; the default hasher is slow on purpose."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def _without_history(monkeypatch: pytest.MonkeyPatch) -> None:
    """PrepCom-2's history (tests/test_demo_history.py) takes seconds: left out of the tests
    that load the demo themselves."""
    monkeypatch.setattr("summitdesk.demo.load.load_history", lambda *args, **kwargs: None)


def replayed(historical: datetime.date, today: datetime.date = TODAY) -> datetime.date:
    return today + (historical - LETTER_DATE)


def test_load_demo_replays_the_letter_calendar_from_today(demo: Demo) -> None:
    process = Process.objects.get(code="wsis")
    meetings = {meeting.code: meeting for meeting in Meeting.objects.all()}

    assert process.replay_offset_days == (demo.today - LETTER_DATE).days
    assert f"replay the WSIS calendar {(demo.today - LETTER_DATE).days} days later" in demo.first
    assert sorted(meetings) == [
        "bamako",
        "bavaro",
        "beirut",
        "bishkek",
        "bucharest",
        "geneva-2003",
        "moscow",
        "prepcom-1",
        "prepcom-2",
        "prepcom-3",
        "tokyo",
    ]
    geneva = meetings["geneva-2003"]
    assert (geneva.start_date, geneva.end_date) == (
        demo.today + (datetime.date(2003, 12, 10) - LETTER_DATE),
        demo.today + (datetime.date(2003, 12, 12) - LETTER_DATE),
    )
    assert process.historical(geneva.start_date) == datetime.date(2003, 12, 10)
    assert meetings["prepcom-3"].start_date == demo.today + datetime.timedelta(days=68)
    assert (meetings["prepcom-1"].start_date, meetings["prepcom-1"].end_date) == (
        replayed(datetime.date(2002, 7, 1), demo.today),
        replayed(datetime.date(2002, 7, 5), demo.today),
    )
    assert (meetings["prepcom-2"].start_date, meetings["prepcom-2"].end_date) == (
        replayed(datetime.date(2003, 2, 17), demo.today),
        replayed(datetime.date(2003, 2, 28), demo.today),
    )


def test_load_demo_leaves_dates_the_letter_does_not_give_empty(demo: Demo) -> None:
    undated = Meeting.objects.filter(
        code__in=["bamako", "bucharest", "tokyo", "bavaro", "beirut", "bishkek", "moscow"]
    )

    assert [(m.start_date, m.end_date) for m in undated] == [(None, None)] * 7
    assert list(Meeting.objects.exclude(registration_opens_at=None)) == []
    bavaro = Meeting.objects.get(code="bavaro")
    assert (bavaro.city, bavaro.country, bavaro.time_zone) == (
        "Bávaro",
        "DO",
        "America/Santo_Domingo",
    )


def test_load_demo_marks_past_meetings_held_and_the_summit_open(demo: Demo) -> None:
    statuses = dict(Meeting.objects.values_list("code", "status"))

    assert statuses.pop("geneva-2003") == MeetingStatus.REGISTRATION_OPEN
    assert statuses.pop("prepcom-3") == MeetingStatus.REGISTRATION_OPEN
    assert set(statuses.values()) == {MeetingStatus.HELD}


def test_load_demo_names_the_process_and_every_meeting_in_the_six_languages(
    demo: Demo,
) -> None:
    process = Process.objects.get(code="wsis")
    titles = dict(Meeting.objects.values_list("code", "title_translations"))

    assert process.name_translations["fr"] == "Sommet mondial sur la société de l'information"
    assert sorted(process.name_translations) == ["ar", "es", "fr", "ru", "zh"]
    assert all(sorted(each) == ["ar", "es", "fr", "ru", "zh"] for each in titles.values())
    assert titles["geneva-2003"]["ar"] == "القمة العالمية لمجتمع المعلومات، المرحلة الأولى"
    assert titles["beirut"]["fr"] == "Conférence régionale préparatoire du SMSI, Beyrouth"
    assert titles["prepcom-3"]["zh"] == "信息社会世界峰会筹备委员会第三次会议（PrepCom-3）"  # noqa: RUF001
    assert titles["moscow"]["ru"] == "Субрегиональная конференция ВВУИО, Москва"


def test_load_demo_creates_about_a_thousand_organisations(demo: Demo) -> None:
    organisations = Organisation.objects.all()

    assert organisations.count() == 1000
    assert demo.first.startswith("Demo loaded: 1000 organisations, ")
    assert set(organisations.values_list("category", flat=True)) == set(Category.values)
    assert set(organisations.values_list("language", flat=True)) == {
        "ar",
        "en",
        "es",
        "fr",
        "ru",
        "zh",
    }
    regions = {organisation.region for organisation in organisations}
    assert regions == {"africa", "americas", "arab-states", "asia-pacific", "cis", "europe"}
    assert organisations.filter(external_id="demo-0001").exists()
    assert organisations.filter(external_id="demo-1000").exists()
    assert organisations.filter(search_text="").exists() is False


def test_load_demo_gives_each_category_its_stakeholder_group(demo: Demo) -> None:
    pairs = set(Organisation.objects.values_list("category", "stakeholder_group"))

    assert pairs == {
        (Category.MEMBER_STATE, StakeholderGroup.GOVERNMENTS),
        (Category.SECTOR_MEMBER, StakeholderGroup.PRIVATE_SECTOR),
        (Category.ASSOCIATE, StakeholderGroup.PRIVATE_SECTOR),
        (Category.BUSINESS_ENTITY, StakeholderGroup.PRIVATE_SECTOR),
        (Category.ACADEMIA, StakeholderGroup.CIVIL_SOCIETY),
        (Category.CIVIL_SOCIETY, StakeholderGroup.CIVIL_SOCIETY),
        (Category.INTERNATIONAL_ORGANISATION, StakeholderGroup.INTERNATIONAL_ORGANISATIONS),
        (Category.MEDIA, StakeholderGroup.PRIVATE_SECTOR),
    }


def test_load_demo_gives_sector_memberships_to_members_and_associates(demo: Demo) -> None:
    members = Organisation.objects.filter(category__in=[Category.SECTOR_MEMBER, Category.ASSOCIATE])
    others = Organisation.objects.exclude(category__in=[Category.SECTOR_MEMBER, Category.ASSOCIATE])

    assert all(organisation.sectors for organisation in members)
    assert [o for o in others if o.sectors] == []


def test_load_demo_writes_names_in_every_script_in_every_category(demo: Demo) -> None:
    found = {
        (category, script)
        for name, category in Organisation.objects.values_list("name", "category")
        for script, pattern in SCRIPTS.items()
        if pattern.search(name)
    }

    assert found == {(category, script) for category in Category.values for script in SCRIPTS}


def test_load_demo_gives_every_organisation_a_chief_executive(demo: Demo) -> None:
    chiefs = Position.objects.filter(role=PositionRole.CHIEF_EXECUTIVE)
    focal_points = Position.objects.filter(role=PositionRole.FOCAL_POINT).count()
    without_email = Organisation.objects.filter(email="")

    assert chiefs.count() == 1000
    # About 300 in the directory, about 150 more named by PrepCom-2's replies (the history).
    assert 400 <= focal_points <= 500
    assert 20 <= without_email.count() <= 60
    assert list(without_email.exclude(address="")) == []
    assert {title for title in Person.objects.values_list("title", flat=True)} == {
        "Mr",
        "Ms",
        "Dr",
        "H.E.",
    }
    emails = Person.objects.exclude(email="").values_list("email", flat=True)
    assert [email for email in emails if not email.endswith(".example.org")] == []
    assert [
        email
        for email in Organisation.objects.exclude(email="").values_list("email", flat=True)
        if not email.endswith(".example.org")
    ] == []


def test_load_demo_writes_one_audit_entry_per_organisation(demo: Demo) -> None:
    entries = AuditEntry.objects.filter(action="summitdesk.organisation.created")

    assert entries.count() == 1000
    assert set(entries.values_list("actor_label", "channel")) == {("load-demo", "cli")}
    assert entries.filter(organisation=None).exists() is False


def test_load_demo_creates_one_staff_member_per_role(demo: Demo) -> None:
    staff = {user.username: user for user in User.objects.all()}

    assert {name: user.role for name, user in staff.items()} == {
        "admin": Role.ADMINISTRATOR,
        "officer": Role.REGISTRATION_OFFICER,
        "badges": Role.BADGE_DESK,
        "doors": Role.CHECKIN_DESK,
        "comms": Role.COMMUNICATIONS,
        "viewer": Role.VIEWER,
        "credentials": Role.CREDENTIALS_OFFICER,
    }
    assert all(user.check_password("summitdesk-demo") for user in staff.values())


def test_load_demo_twice_adds_nothing(demo: Demo) -> None:
    counts = [
        model.objects.count()
        for model in (Organisation, Person, Position, Meeting, Process, User, AuditEntry)
    ]

    second = load_demo(today=demo.today + datetime.timedelta(days=3))

    assert second.already_loaded is True
    assert second.replay_offset_days == (demo.today - LETTER_DATE).days
    assert [
        model.objects.count()
        for model in (Organisation, Person, Position, Meeting, Process, User, AuditEntry)
    ] == counts
    assert Meeting.objects.get(code="prepcom-3").start_date == replayed(
        datetime.date(2003, 9, 15), demo.today
    )


@pytest.mark.integration  # loads the demo itself
def test_load_demo_is_the_same_every_time(db: None, _without_history: None) -> None:
    load_demo(today=TODAY)
    first = list(Organisation.objects.order_by("external_id").values_list("external_id", "name"))
    Admission.objects.all().delete()  # they protect the organisations admitted
    Organisation.objects.all().delete()

    load_demo(today=TODAY)

    assert (
        list(Organisation.objects.order_by("external_id").values_list("external_id", "name"))
        == first
    )


def test_search_without_accents_finds_accented_demo_names(demo: Demo) -> None:
    found = search_organisations(DirectoryFilter(q="telecommunications"))
    names = [organisation.name for organisation in found]

    assert len([name for name in names if "Télécommunications" in name]) >= 1
    assert [name for name in names if "telecommunications" not in fold(name)] == []


def test_search_in_cyrillic_ignores_case_in_demo_names(demo: Demo) -> None:
    cyrillic = Organisation.objects.filter(name__contains="Министерство").first()
    assert cyrillic is not None

    found = search_organisations(DirectoryFilter(q="МИНИСТЕРСТВО СВЯЗИ"))

    assert cyrillic in found


@pytest.mark.integration  # loads the demo itself
def test_load_demo_command_prints_the_sign_in(
    db: None, _without_history: None, capsys: pytest.CaptureFixture[str]
) -> None:
    call_command("load_demo")
    call_command("load_demo")

    output = capsys.readouterr().out
    assert "Demo loaded: 1000 organisations, 11 meetings and 7 staff accounts created." in output
    assert "The demo is already loaded: nothing was added." in output
    assert "http://127.0.0.1:8000/" in output
    assert "  officer / summitdesk-demo  (Registration officer)" in output
    assert output.count("Circular DM-1048 is ready to dispatch to its audience") == 2


@pytest.mark.integration  # loads the demo itself
def test_load_demo_command_says_when_dm1048_is_already_dispatched(
    db: None, _without_history: None, capsys: pytest.CaptureFixture[str]
) -> None:
    call_command("load_demo")
    Circular.objects.filter(reference="DM-1048").update(status=CircularStatus.DISPATCHED)
    capsys.readouterr()

    call_command("load_demo")

    output = capsys.readouterr().out
    assert "Circular DM-1048 is already dispatched: open Circulars, then DM-1048" in output
    assert "ready to dispatch" not in output


def test_demo_staff_sign_in_and_see_the_directory(demo: Demo) -> None:
    client = Client()

    signed_in = client.login(username="viewer", password="summitdesk-demo")
    response = client.get("/organisations/", {"q": "ministere"})

    assert signed_in is True
    assert response.status_code == 200
    ministries = Organisation.objects.filter(name__startswith="Ministère").count()
    assert ministries >= 20
    assert response.context["page"].paginator.count == ministries
