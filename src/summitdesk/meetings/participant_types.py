"""A meeting's participant types: the ten defaults every meeting starts with, and the
staff's changes to them (names in six languages, order, section of the List of
Participants, whether they count against the organisation's limit, badge colour and label).

Which type a person has is the delegations app's to say (delegations.participant_types).
"""

from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver

from summitdesk.core import audit
from summitdesk.core.audit import Actor
from summitdesk.meetings.models import Meeting, ParticipantType


@dataclass(frozen=True)
class Default:
    code: str
    name: str
    translations: dict[str, str]
    list_section: int
    counts_against_limit: bool
    badge_colour: str
    badge_label: str


DELEGATE = "delegate"
OBSERVER = "observer"
PRESS = "press"

#: The types every meeting starts with, in their order.
DEFAULTS = (
    Default(
        DELEGATE,
        "Delegate",
        {"fr": "Délégué", "es": "Delegado", "ar": "مندوب", "ru": "Делегат", "zh": "代表"},
        1,
        True,
        "#1f4e79",
        "DELEGATE",
    ),
    Default(
        "overflow",
        "Overflow",
        {
            "fr": "Salle annexe",
            "es": "Sala adicional",
            "ar": "القاعة الإضافية",
            "ru": "Дополнительный зал",
            "zh": "分会场",
        },
        2,
        True,
        "#5b7fa6",
        "OVERFLOW",
    ),
    Default(
        OBSERVER,
        "Observer",
        {
            "fr": "Observateur",
            "es": "Observador",
            "ar": "مراقب",
            "ru": "Наблюдатель",
            "zh": "观察员",
        },
        3,
        True,
        "#2e7d32",
        "OBSERVER",
    ),
    Default(
        PRESS,
        "Press",
        {"fr": "Presse", "es": "Prensa", "ar": "الصحافة", "ru": "Пресса", "zh": "新闻界"},
        4,
        False,
        "#c62828",
        "PRESS",
    ),
    Default(
        "technical-staff",
        "Technical staff",
        {
            "fr": "Personnel technique",
            "es": "Personal técnico",
            "ar": "الموظفون التقنيون",
            "ru": "Технический персонал",
            "zh": "技术人员",
        },
        5,
        False,
        "#6d4c41",
        "TECHNICAL",
    ),
    Default(
        "host-country",
        "Host country",
        {
            "fr": "Pays hôte",
            "es": "País anfitrión",
            "ar": "البلد المضيف",
            "ru": "Принимающая страна",
            "zh": "东道国",
        },
        6,
        False,
        "#00838f",
        "HOST COUNTRY",
    ),
    Default(
        "security",
        "Security",
        {"fr": "Sécurité", "es": "Seguridad", "ar": "الأمن", "ru": "Охрана", "zh": "安保"},
        7,
        False,
        "#37474f",
        "SECURITY",
    ),
    Default(
        "secretariat",
        "Secretariat",
        {
            "fr": "Secrétariat",
            "es": "Secretaría",
            "ar": "الأمانة",
            "ru": "Секретариат",
            "zh": "秘书处",
        },
        8,
        False,
        "#4527a0",
        "SECRETARIAT",
    ),
    Default(
        "temporary-pass",
        "Temporary pass",
        {
            "fr": "Laissez-passer temporaire",
            "es": "Pase temporal",
            "ar": "تصريح مؤقت",
            "ru": "Временный пропуск",
            "zh": "临时通行证",
        },
        9,
        False,
        "#9e9e9e",
        "TEMPORARY",
    ),
    Default(
        "vip",
        "VIP",
        {"fr": "VIP", "es": "VIP", "ar": "كبار الشخصيات", "ru": "VIP", "zh": "贵宾"},
        0,
        True,
        "#b8860b",
        "VIP",
    ),
)

#: What staff may change about a type (its code stays: exports and the API name it).
TYPE_FIELDS = (
    "name",
    "name_translations",
    "position",
    "list_section",
    "counts_against_limit",
    "badge_colour",
    "badge_label",
)


def seed(meeting: Meeting) -> list[ParticipantType]:
    """Give `meeting` the default types it lacks (by code); returns those created."""
    have = set(meeting.participant_types.values_list("code", flat=True))
    missing = [
        ParticipantType(
            meeting=meeting,
            code=default.code,
            name=default.name,
            name_translations=dict(default.translations),
            position=position,
            list_section=default.list_section,
            counts_against_limit=default.counts_against_limit,
            badge_colour=default.badge_colour,
            badge_label=default.badge_label,
        )
        for position, default in enumerate(DEFAULTS)
        if default.code not in have
    ]
    return ParticipantType.objects.bulk_create(missing)


@receiver(post_save, sender=Meeting, dispatch_uid="seed_participant_types")
def _seed_new_meeting(sender: type[Meeting], instance: Meeting, created: bool, **_: Any) -> None:
    # Every way a meeting is made (the back office, the API, the demo, a fixture) gets them.
    if created:
        seed(instance)


@transaction.atomic
def save_type(
    participant_type: ParticipantType, data: dict[str, Any], *, actor: Actor
) -> dict[str, list[Any]]:
    """Change a participant type (TYPE_FIELDS only); audited on its meeting."""
    before = audit.snapshot(participant_type, TYPE_FIELDS)
    for name, value in data.items():
        if name in TYPE_FIELDS:
            setattr(participant_type, name, value)
    changes = audit.diff(before, audit.snapshot(participant_type, TYPE_FIELDS))
    if changes:
        participant_type.full_clean()
        participant_type.save()
        audit.record(
            participant_type.meeting,
            "summitdesk.meeting.participant_type_changed",
            actor=actor,
            changes={f"{participant_type.code}: {name}": pair for name, pair in changes.items()},
        )
    return changes
