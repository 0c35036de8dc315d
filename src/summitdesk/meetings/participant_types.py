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
from django.utils import translation
from django.utils.translation import gettext_noop

from summitdesk.core import audit
from summitdesk.core.audit import Actor
from summitdesk.lib.localized import TRANSLATED_LANGUAGES
from summitdesk.meetings.models import Meeting, ParticipantType


@dataclass(frozen=True)
class Default:
    code: str
    #: A msgid: the other languages come from the catalogues (`names_in_other_languages`).
    name: str
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
        gettext_noop("Delegate"),
        1,
        True,
        "#1f4e79",
        "DELEGATE",
    ),
    Default(
        "overflow",
        gettext_noop("Overflow"),
        2,
        True,
        "#5b7fa6",
        "OVERFLOW",
    ),
    Default(
        OBSERVER,
        gettext_noop("Observer"),
        3,
        True,
        "#2e7d32",
        "OBSERVER",
    ),
    Default(
        PRESS,
        gettext_noop("Press"),
        4,
        False,
        "#c62828",
        "PRESS",
    ),
    Default(
        "technical-staff",
        gettext_noop("Technical staff"),
        5,
        False,
        "#6d4c41",
        "TECHNICAL",
    ),
    Default(
        "host-country",
        gettext_noop("Host country"),
        6,
        False,
        "#00838f",
        "HOST COUNTRY",
    ),
    Default(
        "security",
        gettext_noop("Security"),
        7,
        False,
        "#37474f",
        "SECURITY",
    ),
    Default(
        "secretariat",
        gettext_noop("Secretariat"),
        8,
        False,
        "#4527a0",
        "SECRETARIAT",
    ),
    Default(
        "temporary-pass",
        gettext_noop("Temporary pass"),
        9,
        False,
        "#9e9e9e",
        "TEMPORARY",
    ),
    Default(
        "vip",
        gettext_noop("VIP"),
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


def names_in_other_languages(name: str) -> dict[str, str]:
    """A default type's name in the five other languages, as the catalogues have it (a
    language without a translation shows the English name: nothing is stored for it)."""
    found = {}
    for language in TRANSLATED_LANGUAGES:
        with translation.override("zh-hans" if language == "zh" else language):
            text = translation.gettext(name)
        if text != name:
            found[language] = text
    return found


def seed(meeting: Meeting) -> list[ParticipantType]:
    """Give `meeting` the default types it lacks (by code); returns those created."""
    have = set(meeting.participant_types.values_list("code", flat=True))
    missing = [
        ParticipantType(
            meeting=meeting,
            code=default.code,
            name=default.name,
            name_translations=names_in_other_languages(default.name),
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


#: What staff give a new type: its code (fixed from then on) and what they may change.
NEW_TYPE_FIELDS = ("code", *TYPE_FIELDS)


@transaction.atomic
def add_type(meeting: Meeting, data: dict[str, Any], *, actor: Actor) -> ParticipantType:
    """A new participant type for `meeting` (NEW_TYPE_FIELDS); audited on the meeting."""
    participant_type = ParticipantType(
        meeting=meeting, **{name: value for name, value in data.items() if name in NEW_TYPE_FIELDS}
    )
    participant_type.full_clean()
    participant_type.save()
    audit.record(
        meeting,
        "summitdesk.meeting.participant_type_added",
        actor=actor,
        changes={
            f"{participant_type.code}: {name}": [None, value]
            for name, value in audit.snapshot(participant_type, NEW_TYPE_FIELDS).items()
        },
    )
    return participant_type
