"""Loading the demo: the WSIS process of circular DM-1048, replayed from today.

The day the demo is loaded plays 9 July 2003, the date of the letter, and every date the
letter gives keeps its distance from it: PrepCom-3 is about two months ahead, the Geneva
phase about five. Dates the letter does not give (the regional conferences') stay empty.
"""

import datetime
from dataclasses import dataclass, field

from django.db import transaction

from summitdesk.core import audit
from summitdesk.core.audit import Actor
from summitdesk.core.enums import Channel, Role
from summitdesk.core.models import AuditEntry, User
from summitdesk.core.services import save_staff
from summitdesk.correspondence.models import Circular
from summitdesk.demo.admission import load_admission
from summitdesk.demo.admission_policy import load_admission_policy
from summitdesk.demo.circular import REFERENCE as CIRCULAR_REFERENCE
from summitdesk.demo.circular import load_circular
from summitdesk.demo.credentials import load_credentials
from summitdesk.demo.generate import OrganisationSpec, generate_directory
from summitdesk.demo.history import HistorySummary, load_history
from summitdesk.demo.join_requests import load_join_requests
from summitdesk.demo.participants import load_participants
from summitdesk.demo.pickup import load_pickup
from summitdesk.demo.returning import load_returning
from summitdesk.demo.titles import MEETING_TITLES
from summitdesk.demo.titles import PROCESS_NAME as PROCESS_NAMES
from summitdesk.demo.venue import load_venue
from summitdesk.directory.enums import PositionRole
from summitdesk.directory.models import Organisation, Person, Position
from summitdesk.directory.services import ORGANISATION_FIELDS, refresh_search_fields
from summitdesk.meetings.enums import MeetingKind, MeetingStatus
from summitdesk.meetings.models import Meeting, Process
from summitdesk.meetings.services import save_meeting, save_process

LETTER_DATE = datetime.date(2003, 7, 9)
SEED = 1048
ORGANISATION_COUNT = 1000
EXTERNAL_ID_PREFIX = "demo-"
PASSWORD = "summitdesk-demo"  # noqa: S105 -- a demo, printed for anyone to sign in with
ACTOR = Actor.system("load-demo", Channel.CLI)

PROCESS_CODE = "wsis"
PROCESS_NAME = "World Summit on the Information Society"


@dataclass(frozen=True)
class MeetingSpec:
    code: str
    title: str
    kind: MeetingKind
    city: str
    country: str
    time_zone: str
    status: MeetingStatus
    start: datetime.date | None = None  # historical dates, as the letter gives them
    end: datetime.date | None = None


def _date(month: int, day: int, year: int = 2003) -> datetime.date:
    return datetime.date(year, month, day)


# The letter speaks of the regional and sub-regional conferences and the first two PrepComs
# as held; it invites to PrepCom-3 and to the Summit, whose registration is open.
MEETINGS = [
    *(
        MeetingSpec(
            code=code,
            title=f"WSIS regional preparatory conference, {city}",
            kind=MeetingKind.REGIONAL_CONFERENCE,
            city=city,
            country=country,
            time_zone=zone,
            status=MeetingStatus.HELD,
        )
        for code, city, country, zone in [
            ("bamako", "Bamako", "ML", "Africa/Bamako"),
            ("bucharest", "Bucharest", "RO", "Europe/Bucharest"),
            ("tokyo", "Tokyo", "JP", "Asia/Tokyo"),
            ("bavaro", "Bávaro", "DO", "America/Santo_Domingo"),
            ("beirut", "Beirut", "LB", "Asia/Beirut"),
        ]
    ),
    *(
        MeetingSpec(
            code=code,
            title=f"WSIS sub-regional conference, {city}",
            kind=MeetingKind.SUBREGIONAL_CONFERENCE,
            city=city,
            country=country,
            time_zone=zone,
            status=MeetingStatus.HELD,
        )
        for code, city, country, zone in [
            ("bishkek", "Bishkek", "KG", "Asia/Bishkek"),
            ("moscow", "Moscow", "RU", "Europe/Moscow"),
        ]
    ),
    *(
        MeetingSpec(
            code=f"prepcom-{number}",
            title=f"WSIS Preparatory Committee, {ordinal} meeting (PrepCom-{number})",
            kind=MeetingKind.PREPCOM,
            city="Geneva",
            country="CH",
            time_zone="Europe/Zurich",
            status=status,
            start=start,
            end=end,
        )
        for number, ordinal, start, end, status in [
            (1, "first", _date(7, 1, 2002), _date(7, 5, 2002), MeetingStatus.HELD),
            (2, "second", _date(2, 17), _date(2, 28), MeetingStatus.HELD),
            # About ten weeks ahead: registration would be open by now.
            (3, "third", _date(9, 15), _date(9, 26), MeetingStatus.REGISTRATION_OPEN),
        ]
    ),
    MeetingSpec(
        code="geneva-2003",
        title="World Summit on the Information Society, first phase",
        kind=MeetingKind.SUMMIT_PHASE,
        city="Geneva",
        country="CH",
        time_zone="Europe/Zurich",
        status=MeetingStatus.REGISTRATION_OPEN,
        start=_date(12, 10),
        end=_date(12, 12),
    ),
]

STAFF = [
    ("admin", Role.ADMINISTRATOR, "Ada", "Administrator"),
    ("officer", Role.REGISTRATION_OFFICER, "Omar", "Officer"),
    ("badges", Role.BADGE_DESK, "Bea", "Badges"),
    ("doors", Role.CHECKIN_DESK, "Dan", "Doors"),
    ("comms", Role.COMMUNICATIONS, "Carla", "Comms"),
    ("viewer", Role.VIEWER, "Vera", "Viewer"),
    ("credentials", Role.CREDENTIALS_OFFICER, "Cora", "Credentials"),
]


@dataclass
class DemoSummary:
    replay_offset_days: int
    process_created: bool = False
    meetings_created: list[str] = field(default_factory=list)
    organisations_created: int = 0
    organisations_existing: int = 0
    staff_created: list[str] = field(default_factory=list)
    circular_created: bool = False
    # DM-1048's status after the run: a draft until staff dispatch it.
    circular_status: str = ""
    # PrepCom-2 as it went, when this run loaded it (see demo.history).
    history: HistorySummary | None = None

    @property
    def already_loaded(self) -> bool:
        """Nothing was added: everything was there from an earlier run."""
        return not (
            self.process_created
            or self.meetings_created
            or self.organisations_created
            or self.staff_created
            or self.circular_created
            or self.history
        )


@transaction.atomic
def load_demo(*, today: datetime.date) -> DemoSummary:
    """Load the demo, with `today` playing 9 July 2003; a second run adds only what is missing.

    Side effects: creates the WSIS process, its 11 meetings, about 1,000 organisations with
    their chief executives and some focal points, and seven staff accounts (one per role),
    each with one audit entry; then PrepCom-2's past (invitations, replies, accreditations,
    check-ins, a provisional List of Participants: see demo.history). What exists already
    (by code, external ID or user name) is left as it is, including the replay offset
    chosen on the first run.
    """
    process, created = _load_process(today)
    assert process.replay_offset_days is not None  # set on creation, never cleared
    summary = DemoSummary(replay_offset_days=process.replay_offset_days, process_created=created)
    summary.meetings_created = _load_meetings(process)
    summary.organisations_created, summary.organisations_existing = load_organisations(
        generate_directory(ORGANISATION_COUNT, seed=SEED)
    )
    summary.staff_created = _load_staff()
    summary.circular_created = load_circular(process, actor=ACTOR)
    summary.circular_status = Circular.objects.get(reference=CIRCULAR_REFERENCE).status
    summary.history = load_history(process, actor=ACTOR)
    load_returning(actor=ACTOR)
    load_credentials(actor=ACTOR)
    load_admission_policy(process, actor=ACTOR, today=today)
    load_join_requests(actor=ACTOR)
    load_venue(actor=ACTOR)
    load_pickup(actor=ACTOR)
    load_participants(actor=ACTOR)
    load_admission(process, actor=ACTOR)
    return summary


def _load_process(today: datetime.date) -> tuple[Process, bool]:
    offset = (today - LETTER_DATE).days
    process, created = Process.objects.get_or_create(
        code=PROCESS_CODE,
        defaults={
            "name": PROCESS_NAME,
            "name_translations": PROCESS_NAMES,
            "description": "Replayed from circular DM-1048 of 9 July 2003.",
            "replay_offset_days": offset,
        },
    )
    if created:
        audit.record(
            process,
            "summitdesk.process.created",
            actor=ACTOR,
            changes=audit.diff(
                {},
                audit.snapshot(
                    process, ("code", "name", "name_translations", "replay_offset_days")
                ),
            ),
        )
    if not created and not process.name_translations and process.name == PROCESS_NAME:
        save_process(process, {"name_translations": PROCESS_NAMES}, actor=ACTOR)
    if not created and process.replay_offset_days is None:
        # A process of that code made by hand: replay from today without touching its data.
        process.replay_offset_days = offset
    return process, created


def _load_meetings(process: Process) -> list[str]:
    existing = set(Meeting.objects.values_list("code", flat=True))
    offset = datetime.timedelta(days=process.replay_offset_days or 0)
    created = []
    for spec in MEETINGS:
        if spec.code in existing:
            _name_in_six_languages(Meeting.objects.get(code=spec.code), process)
            continue
        save_meeting(
            Meeting(),
            {
                "process": process,
                "code": spec.code,
                "title": spec.title,
                "title_translations": MEETING_TITLES.get(spec.code, {}),
                "kind": spec.kind,
                "city": spec.city,
                "country": spec.country,
                "time_zone": spec.time_zone,
                "start_date": spec.start + offset if spec.start else None,
                "end_date": spec.end + offset if spec.end else None,
                "status": spec.status,
            },
            actor=ACTOR,
        )
        created.append(spec.code)
    return created


def _name_in_six_languages(meeting: Meeting, process: Process) -> None:
    """A demo meeting loaded before its title was translated gets the translations; one
    that staff translated, or made by hand, keeps its own."""
    if (
        meeting.process_id == process.pk
        and not meeting.title_translations
        and meeting.code in MEETING_TITLES
    ):
        save_meeting(meeting, {"title_translations": MEETING_TITLES[meeting.code]}, actor=ACTOR)


def load_organisations(specs: list[OrganisationSpec]) -> tuple[int, int]:
    """Save the organisations not there yet, in bulk; returns (created, already there)."""
    existing = set(
        Organisation.objects.filter(external_id__startswith=EXTERNAL_ID_PREFIX).values_list(
            "external_id", flat=True
        )
    )
    missing = [spec for spec in specs if spec.external_id not in existing]
    organisations = [spec.organisation() for spec in missing]
    for organisation in organisations:
        refresh_search_fields(organisation)
    # PostgreSQL and SQLite (3.35+) return the primary keys of rows created in bulk.
    Organisation.objects.bulk_create(organisations, batch_size=500)

    people: list[Person] = []
    positions: list[Position] = []
    for spec, organisation in zip(missing, organisations, strict=True):
        held = [(spec.chief_executive, PositionRole.CHIEF_EXECUTIVE)]
        if spec.focal_point is not None:
            held.append((spec.focal_point, PositionRole.FOCAL_POINT))
        for person_spec, role in held:
            person = person_spec.person()
            people.append(person)
            positions.append(
                Position(
                    organisation=organisation,
                    person=person,
                    role=role,
                    function=person_spec.function,
                )
            )
    Person.objects.bulk_create(people, batch_size=500)
    # bulk_create takes each person's new primary key from the instance it refers to.
    Position.objects.bulk_create(positions, batch_size=500)

    AuditEntry.objects.bulk_create(
        [
            audit.entry(
                organisation,
                "summitdesk.organisation.created",
                actor=ACTOR,
                changes=audit.diff({}, audit.snapshot(organisation, ORGANISATION_FIELDS)),
                organisation_id=organisation.pk,
                note="Demo data",
            )
            for organisation in organisations
        ],
        batch_size=500,
    )
    return len(organisations), len(specs) - len(missing)


def _load_staff() -> list[str]:
    existing = set(
        User.objects.filter(username__in=[row[0] for row in STAFF]).values_list(
            "username", flat=True
        )
    )
    created = []
    for username, role, first_name, last_name in STAFF:
        if username in existing:
            continue
        user = User(
            username=username,
            role=role,
            first_name=first_name,
            last_name=last_name,
            email=f"{username}@secretariat.example.org",
        )
        user.set_password(PASSWORD)
        save_staff(user, before={}, actor=ACTOR)
        created.append(username)
    return created
