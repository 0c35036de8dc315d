"""Who a participant is: their type (the meeting's participant types, by default the one
of their organisation's category), their protocol level and the order of precedence.

One place decides each: `type_of` a delegate's type, `head_level` a delegation's level,
`precedence_key` / `by_precedence` the order of every list sorted by precedence (the
protocol list, the List of Participants' high-level section).
"""

from collections.abc import Iterable, Mapping
from typing import Any

from django.db import transaction
from django.db.models import (
    Case,
    CharField,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Lower

from summitdesk.core import audit
from summitdesk.core.audit import Actor
from summitdesk.delegations.data import ReplyData
from summitdesk.delegations.enums import HIGH_LEVELS, ProtocolLevel
from summitdesk.delegations.models import Delegate
from summitdesk.directory.enums import Category
from summitdesk.meetings.models import Meeting, ParticipantType
from summitdesk.meetings.participant_types import DELEGATE, OBSERVER, PRESS

#: The type a delegate has when staff gave none: by their organisation's category.
DEFAULT_BY_CATEGORY: Mapping[str, str] = {
    Category.MEMBER_STATE: DELEGATE,
    Category.SECTOR_MEMBER: DELEGATE,
    Category.ASSOCIATE: DELEGATE,
    Category.ACADEMIA: DELEGATE,
    Category.BUSINESS_ENTITY: DELEGATE,
    Category.CIVIL_SOCIETY: OBSERVER,
    Category.INTERNATIONAL_ORGANISATION: OBSERVER,
    Category.MEDIA: PRESS,
}


def default_code(category: str) -> str:
    return DEFAULT_BY_CATEGORY.get(category, DELEGATE)


def types_of(meeting: Meeting | int) -> dict[str, ParticipantType]:
    """The meeting's participant types by code, in their order."""
    return {t.code: t for t in ParticipantType.objects.filter(meeting=meeting)}


def type_of(
    delegate: Delegate, types: Mapping[str, ParticipantType] | None = None
) -> ParticipantType | None:
    """The delegate's participant type: the one staff set, else the default of their
    organisation's category (None only for a meeting whose types were removed). `types`
    (`types_of` the meeting) saves a query per delegate in a list."""
    if delegate.participant_type_id is not None:
        if types is not None:
            for candidate in types.values():
                if candidate.pk == delegate.participant_type_id:
                    return candidate
        return delegate.participant_type
    reply = delegate.reply
    found = types if types is not None else types_of(reply.meeting_id)
    return found.get(default_code(reply.organisation.category))


def type_code(category_column: str = "reply__organisation__category", prefix: str = "") -> Case:
    """The code of a delegate's type as an SQL expression (rows reached through `prefix`,
    e.g. "delegate__"): the type set, else the default of the category."""
    whens = [
        When(**{f"{prefix}participant_type__isnull": False}, then=f"{prefix}participant_type__code")
    ]
    whens += [
        When(**{f"{prefix}{category_column}": category}, then=Value(code))
        for category, code in DEFAULT_BY_CATEGORY.items()
    ]
    return Case(*whens, default=Value(DELEGATE))


def counts_against_limit(meeting: Meeting, category: str, prefix: str = "delegate__") -> Q:
    """The delegates (reached through `prefix`) of an organisation of `category` whose type
    counts against its limit; online participants take no seat and never count."""
    default = types_of(meeting).get(default_code(category))
    counted = Q(**{f"{prefix}participant_type__counts_against_limit": True})
    if default is None or default.counts_against_limit:
        counted |= Q(**{f"{prefix}participant_type__isnull": True})
    return counted & Q(**{f"{prefix}online": False})


def head_level(data: ReplyData) -> str:
    """The delegation's level: its head's protocol level ("" without head or level)."""
    return next((d.protocol_level for d in data.delegates if d.is_head), "")


def level_label(level: str) -> str:
    return str(ProtocolLevel(level).label) if level in ProtocolLevel.values else ""


#: Rank of each level: the lower, the earlier in the order of precedence.
RANK = {level.value: rank for rank, level in enumerate(ProtocolLevel)}


def precedence_key(level: str, is_head: bool, family_name: str, given_name: str) -> tuple[Any, ...]:
    """The order of precedence: by protocol level (no level last), heads of delegation
    before their members at the same level, then by name."""
    return (RANK.get(level, len(RANK)), not is_head, family_name.casefold(), given_name.casefold())


def precedence_rank(prefix: str = "") -> Case:
    """`precedence_key`'s first part as an SQL expression, to sort a queryset."""
    return Case(
        *[
            When(**{f"{prefix}protocol_level": level}, then=Value(rank))
            for level, rank in RANK.items()
        ],
        default=Value(len(RANK)),
        output_field=IntegerField(),
    )


def by_precedence(delegates: QuerySet[Delegate]) -> QuerySet[Delegate]:
    """`delegates` in the order of precedence (as `precedence_key`)."""
    return delegates.annotate(precedence=precedence_rank()).order_by(
        "precedence", "-is_head", Lower("family_name"), Lower("given_name"), "pk"
    )


def sorted_by_precedence(delegates: Iterable[Delegate]) -> list[Delegate]:
    return sorted(
        delegates,
        key=lambda d: precedence_key(d.protocol_level, d.is_head, d.family_name, d.given_name),
    )


#: The delegates a protocol list names.
HIGH_LEVEL = Q(protocol_level__in=HIGH_LEVELS)


def type_name(prefix: str = "") -> Case:
    """The name (in English) of a delegate's type as an SQL expression, for exports: the
    type set, else the meeting's type of the category's default code."""

    def named(code: str) -> Subquery:
        return Subquery(
            ParticipantType.objects.filter(
                meeting=OuterRef(f"{prefix}reply__meeting"), code=code
            ).values("name")[:1]
        )

    whens = [
        When(
            **{f"{prefix}participant_type__isnull": False},
            then=F(f"{prefix}participant_type__name"),
        )
    ]
    whens += [
        When(**{f"{prefix}reply__organisation__category": category}, then=named(code))
        for category, code in DEFAULT_BY_CATEGORY.items()
    ]
    return Case(*whens, default=named(DELEGATE), output_field=CharField())


def people_with_type(participant_type: ParticipantType) -> int:
    """How many delegates of the type's meeting have it, set by staff or as the default of
    their organisation's category (their accreditations are theirs: one each at most)."""
    return (
        Delegate.objects.filter(reply__meeting=participant_type.meeting_id)
        .annotate(type_code=type_code())
        .filter(type_code=participant_type.code)
        .count()
    )


class TypeInUse(Exception):
    """The participant type still has people: `count` of them."""

    def __init__(self, count: int) -> None:
        super().__init__(count)
        self.count = count


@transaction.atomic
def delete_type(participant_type: ParticipantType, *, actor: Actor) -> None:
    """Delete a meeting's participant type no delegate has (else TypeInUse with how many
    have it); audited on its meeting."""
    locked = ParticipantType.objects.select_for_update().get(pk=participant_type.pk)
    count = people_with_type(locked)
    if count:
        raise TypeInUse(count)
    gone = audit.snapshot(locked, ("name", "position", "list_section", "badge_label"))
    locked.delete()
    audit.record(
        locked.meeting,
        "summitdesk.meeting.participant_type_deleted",
        actor=actor,
        changes={f"{locked.code}: {name}": [value, None] for name, value in gone.items()},
    )
