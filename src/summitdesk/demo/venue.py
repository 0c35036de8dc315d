"""PrepCom-2's venue in the demo: six zones (names in six languages), a gate in and out of
each, the zones of delegates, press and VIPs, secondary passes for the high-level
segment given to three delegations (one handed to a member), and a morning of scans at
the plenary and high-level gates, timed on the meeting's second day."""

import datetime
from zoneinfo import ZoneInfo

from summitdesk.accreditation import checkin
from summitdesk.accreditation.enums import CheckInResult
from summitdesk.accreditation.models import CheckIn
from summitdesk.core.audit import Actor
from summitdesk.core.versions import version_of
from summitdesk.delegations.models import Reply
from summitdesk.meetings.models import Meeting
from summitdesk.venue import gates, passes, zones
from summitdesk.venue.enums import Direction
from summitdesk.venue.models import Passage, SecondaryPass, Zone

MEETING_CODE = "prepcom-2"
#: code, English name, other languages, capacity, main entrance.
ZONES = [
    (
        "main",
        "Main entrance",
        {
            "fr": "Entrée principale",
            "es": "Entrada principal",
            "ar": "المدخل الرئيسي",
            "ru": "Главный вход",
            "zh": "主入口",
        },
        None,
        True,
    ),
    (
        "plenary",
        "Plenary",
        {
            "fr": "Plénière",
            "es": "Plenaria",
            "ar": "الجلسة العامة",
            "ru": "Пленарный зал",
            "zh": "全体会议",
        },
        1200,
        False,
    ),
    (
        "conference",
        "Conference area",
        {
            "fr": "Zone de conférence",
            "es": "Zona de conferencias",
            "ar": "منطقة المؤتمر",
            "ru": "Конференц-зона",
            "zh": "会议区",
        },
        None,
        False,
    ),
    (
        "media",
        "Media centre",
        {
            "fr": "Centre des médias",
            "es": "Centro de prensa",
            "ar": "المركز الإعلامي",
            "ru": "Медиацентр",
            "zh": "媒体中心",
        },
        300,
        False,
    ),
    (
        "hls",
        "High-level segment",
        {
            "fr": "Segment de haut niveau",
            "es": "Segmento de alto nivel",
            "ar": "الجزء الرفيع المستوى",
            "ru": "Сегмент высокого уровня",
            "zh": "高级别会议",
        },
        250,
        False,
    ),
    (
        "bilaterals",
        "Bilateral rooms",
        {
            "fr": "Salles bilatérales",
            "es": "Salas bilaterales",
            "ar": "قاعات الاجتماعات الثنائية",
            "ru": "Комнаты для двусторонних встреч",
            "zh": "双边会谈室",
        },
        60,
        False,
    ),
]
DEFAULTS = {
    "delegate": ["plenary", "conference", "bilaterals"],
    "press": ["conference", "media"],
    "vip": ["plenary", "conference", "media", "hls", "bilaterals"],
}
POOLS = 3
PLENARY_SCANS = 12


def load_venue(*, actor: Actor) -> bool:
    """Load PrepCom-2's venue unless it has zones; True when it was loaded."""
    meeting = Meeting.objects.filter(code=MEETING_CODE).first()
    if meeting is None or Zone.objects.filter(meeting=meeting).exists():
        return False
    by_code: dict[str, Zone] = {}
    for code, name, translations, capacity, main in ZONES:
        by_code[code] = zones.create_zone(
            meeting,
            code=code,
            name=name,
            name_translations=translations,
            capacity=capacity,
            is_main_entrance=main,
            actor=actor,
        )
        for direction, label in ((Direction.IN, "in"), (Direction.OUT, "out")):
            zones.create_gate(
                meeting,
                name=f"{name} {label}",
                zone=by_code[code],
                direction=direction,
                actor=actor,
            )
    for type_code, codes in DEFAULTS.items():
        zones.set_zone_defaults(meeting, type_code, [by_code[c] for c in codes], actor=actor)
    _passes(meeting, by_code["hls"], actor)
    _scans(meeting, by_code, actor)
    return True


def _entered(meeting: Meeting) -> list[int]:
    """Accreditations checked in at PrepCom-2 (their gate scans are re-entries)."""
    return list(
        CheckIn.objects.filter(meeting=meeting, result=CheckInResult.ENTERED)
        .order_by("accreditation_id")
        .values_list("accreditation_id", flat=True)
    )


def _passes(meeting: Meeting, zone: Zone, actor: Actor) -> None:
    entered = set(_entered(meeting))
    replies = (
        Reply.objects.filter(meeting=meeting, delegates__accreditation__in=entered)
        .distinct()
        .order_by("pk")[:POOLS]
    )
    for index, reply in enumerate(replies):
        pool = passes.create_pool(
            reply, zone, size=2, session="Ministerial round table", actor=actor
        )
        members = [m for m in passes.holders(reply) if m.pk in entered]
        if index == 0 and members:
            one = pool.passes.get(number=1)
            passes.assign(
                one.pk, members[0].pk, reply=reply, expected_version=version_of(one), actor=actor
            )


def _scans(meeting: Meeting, by_code: dict[str, Zone], actor: Actor) -> None:
    """A morning at the plenary gate, and the handed pass at the high-level segment."""
    day = (meeting.start_date or datetime.date.today()) + datetime.timedelta(days=1)
    moment = datetime.datetime.combine(
        day, datetime.time(9, 30), ZoneInfo(meeting.time_zone or "UTC")
    )
    before = Passage.objects.filter(meeting=meeting).values_list("pk", flat=True).last() or 0
    desk = "Plenary in"
    door = checkin.desk_actor(None, desk)
    for accreditation_id in _entered(meeting)[:PLENARY_SCANS]:
        scan = gates.scan(
            accreditation_id,
            meeting=meeting,
            desk=desk,
            actor=door,
            zone=by_code["plenary"],
            now=moment,
        )
        if scan.check_in is not None:
            CheckIn.objects.filter(pk=scan.check_in.pk).update(scanned_at=moment)
    handed = SecondaryPass.objects.filter(pool__reply__meeting=meeting).exclude(holder=None).first()
    if handed is not None:
        gates.scan(
            passes.pass_code(handed),
            meeting=meeting,
            desk="High-level segment in",
            actor=checkin.desk_actor(None, "High-level segment in"),
            zone=by_code["hls"],
        )
    Passage.objects.filter(meeting=meeting, pk__gt=before).update(scanned_at=moment)
