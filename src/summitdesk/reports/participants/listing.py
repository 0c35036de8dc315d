"""The List of Participants: who is listed, in which order, cut into pages.

Who is listed: the delegates whose accreditation to the meeting is approved AND who
consented to publication (`Delegate.consent_to_publish`, given in the reply or changed at
accreditation). Pending, rejected, withdrawn and revoked accreditations are never listed;
approved people without consent are only counted ("N participants are not shown").

How it is ordered: stakeholder groups in the order of StakeholderGroup, then categories
in the order of Category, then delegations alphabetically with accents folded
(`lib.text.fold`): the country for governments and Member States (all government
organisations of one country form one delegation), the organisation otherwise; in a
delegation the head first, then the members in the order of the reply.

`build_list` is the one function that reads it, for the staff preview, the preview PDF
and the published edition alike, in a fixed number of queries whatever the size: the
delegations with their counts, then the people of the page asked for (or of every page).
The list is cut into pages of about PAGE_SIZE people (a delegation is never cut), so that
an HTML page of a 100,000-person list stays small.
"""

import dataclasses
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.cache import cache
from django.db.models import Count, Max, Q
from django.utils import formats, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from summitdesk.accreditation.enums import AccreditationStatus
from summitdesk.core.models import AuditEntry
from summitdesk.delegations.enums import Relationship
from summitdesk.delegations.models import Delegate
from summitdesk.delegations.participant_types import type_code, types_of
from summitdesk.directory.enums import Category, StakeholderGroup
from summitdesk.lib.countries import country_name
from summitdesk.lib.localized import localized
from summitdesk.lib.text import fold
from summitdesk.meetings.models import Meeting, ParticipantType
from summitdesk.meetings.participant_types import DELEGATE
from summitdesk.reports import figures

#: About this many people on one HTML page of the list (a delegation is never cut).
PAGE_SIZE = 250
#: How long the order of a list (its delegations, counts and page breaks) is reused for
#: the pages of the staff preview when nothing was recorded in the audit trail meanwhile.
INDEX_SECONDS = 300
_GROUP_ORDER = {value: index for index, value in enumerate(StakeholderGroup.values)}
_CATEGORY_ORDER = {value: index for index, value in enumerate(Category.values)}


@dataclass(frozen=True)
class Participant:
    name: str
    function: str
    head: bool
    # The delegate, so that the public page can drop, at once, who may no longer be
    # listed (never shown: only the name, function and head mark are printed).
    id: int
    #: What is said beside the name: the participant type (unless a delegate), "online
    #: only", and the affiliation where the meeting prints them (`person_note`).
    note: str = ""
    online: bool = False


@dataclass
class Delegation:
    group: str
    category: str
    name: str
    sort_key: tuple[str, str]
    reply_ids: list[int]
    shown: int = 0
    people: list[Participant] = field(default_factory=list)
    person_ids: list[int] = field(default_factory=list)


@dataclass(frozen=True)
class PageSummary:
    """What a page holds, for the table of contents: first and last delegation."""

    number: int
    first: str
    last: str
    groups: list[str]
    people: int


@dataclass
class ParticipantList:
    """The list of one meeting: every page's summary, and the delegations with their
    people of the pages read (`pages`: one, or all)."""

    meeting: Meeting
    shown: int
    not_shown: int
    contents: list[PageSummary]
    pages: dict[int, list[Delegation]]
    #: Of those shown, how many take part online only (counted apart).
    online: int = 0

    @property
    def not_shown_line(self) -> str:
        return not_shown_line(self.not_shown)

    def page_data(self, number: int) -> dict[str, Any]:
        return page_data(self.pages.get(number, []))


def not_shown_line(count: int) -> str:
    if count == 0:
        return _("Every participant agreed to be listed.")
    return ngettext(
        "%(count)s participant is not shown (no consent to publication).",
        "%(count)s participants are not shown (no consent to publication).",
        count,
    ) % {"count": formats.number_format(count, force_grouping=True)}


def _delegation_name(group: str, category: str, country: str, organisation: str) -> str:
    if group == StakeholderGroup.GOVERNMENTS or category == Category.MEMBER_STATE:
        return country_name(country)
    return organisation


def _delegations(meeting: Meeting) -> tuple[list[Delegation], int, int]:
    """Every delegation with someone listed, in order, the count of those not shown and
    of those shown who take part online only.

    One query: the approved delegates of the meeting counted by reply and consent.
    """
    rows = (
        figures.approved_delegates(meeting)
        .values(
            "reply_id",
            "reply__organisation__name",
            "reply__organisation__country",
            "reply__organisation__category",
            "reply__organisation__stakeholder_group",
        )
        .annotate(
            shown=Count("id", filter=figures.CONSENTED),
            listed=Count("id"),
            online=Count("id", filter=figures.CONSENTED & Q(online=True)),
        )
        .order_by()
    )
    by_key: dict[tuple[str, str, str], Delegation] = {}
    not_shown = 0
    online = 0
    for row in rows:
        online += row["online"]
        not_shown += row["listed"] - row["shown"]
        if not row["shown"]:
            continue
        group = row["reply__organisation__stakeholder_group"]
        category = row["reply__organisation__category"]
        name = _delegation_name(
            group, category, row["reply__organisation__country"], row["reply__organisation__name"]
        )
        key = (group, category, name)
        delegation = by_key.get(key)
        if delegation is None:
            delegation = by_key[key] = Delegation(
                group=group,
                category=category,
                name=name,
                sort_key=(fold(name), name),
                reply_ids=[],
            )
        delegation.reply_ids.append(row["reply_id"])
        delegation.shown += row["shown"]
    ordered = sorted(
        by_key.values(),
        key=lambda d: (
            _GROUP_ORDER.get(d.group, len(_GROUP_ORDER)),
            _CATEGORY_ORDER.get(d.category, len(_CATEGORY_ORDER)),
            d.sort_key,
        ),
    )
    for delegation in ordered:
        delegation.reply_ids.sort()
    return ordered, not_shown, online


def _paginate(delegations: list[Delegation]) -> list[list[Delegation]]:
    pages: list[list[Delegation]] = []
    current: list[Delegation] = []
    people = 0
    for delegation in delegations:
        if current and people + delegation.shown > PAGE_SIZE:
            pages.append(current)
            current, people = [], 0
        current.append(delegation)
        people += delegation.shown
    if current:
        pages.append(current)
    return pages


def _group_title(value: str) -> str:
    try:
        return str(StakeholderGroup(value).label)
    except ValueError:
        return value


def _category_title(value: str) -> str:
    try:
        return str(Category(value).label)
    except ValueError:
        return value


def _load_people(meeting: Meeting, delegations: list[Delegation], *, every: bool) -> None:
    """Fill in the people of `delegations` (one query): listed ones only, head first."""
    if every:
        people = Delegate.objects.filter(accreditation__meeting=meeting)
    else:
        # The replies are the meeting's already. By them alone, with the status checked
        # here rather than in SQL, the database reads the page's few delegates through
        # their reply instead of every approved accreditation through the status index.
        people = Delegate.objects.filter(
            reply_id__in=[pk for d in delegations for pk in d.reply_ids]
        )
    rows = (
        people.filter(consent_to_publish=True)
        .values_list(
            "reply_id",
            "is_head",
            "position",
            "id",
            "title",
            "given_name",
            "family_name",
            "function",
            "accreditation__status",
            "online",
            "affiliation",
            "relationship",
        )
        .annotate(type_code=type_code())
        .order_by()
    )
    types = types_of(meeting)
    sections = {code: t.list_section for code, t in types.items()}
    affiliations = meeting.list_shows_affiliation
    by_reply: dict[int, list[tuple[Any, ...]]] = {}
    for row in rows:
        if row[8] == AccreditationStatus.APPROVED:
            by_reply.setdefault(row[0], []).append(row)
    for delegation in delegations:
        found = [row for pk in delegation.reply_ids for row in by_reply.get(pk, [])]
        # The head first; then those in person by the section of their type, those online
        # only last; each in the order of their reply.
        found.sort(
            key=lambda row: (
                not row[1],
                row[9],
                sections.get(row[12], 0),
                delegation.reply_ids.index(row[0]),
                row[2],
                row[3],
            )
        )
        delegation.person_ids = [row[3] for row in found]
        delegation.people = [
            Participant(
                name=" ".join(part for part in (row[4], row[5], row[6]) if part),
                function=row[7],
                head=row[1],
                id=row[3],
                note=person_note(
                    types.get(row[12]),
                    online=row[9],
                    affiliation=row[10] if affiliations else "",
                    relationship=row[11] if affiliations else "",
                ),
                online=row[9],
            )
            for row in found
        ]


def person_note(
    participant_type: ParticipantType | None,
    *,
    online: bool,
    affiliation: str = "",
    relationship: str = "",
) -> str:
    """What the List says beside a name: the type (a delegate's goes without saying),
    "online only", and the affiliation and relationship when the meeting prints them."""
    parts = []
    if participant_type is not None and participant_type.code != DELEGATE:
        parts.append(localized(participant_type, "name"))
    if online:
        parts.append(_("online only"))
    if affiliation:
        parts.append(affiliation)
    if relationship in Relationship.values:
        parts.append(str(Relationship(relationship).label))
    return " · ".join(parts)


@dataclass
class _Plan:
    """The order of a list without its people: counts, table of contents, pages."""

    shown: int
    not_shown: int
    contents: list[PageSummary]
    pages: list[list[Delegation]]
    online: int = 0


def _plan(meeting: Meeting) -> _Plan:
    delegations, not_shown, online = _delegations(meeting)
    pages = _paginate(delegations)
    contents = [
        PageSummary(
            number=number,
            first=chunk[0].name,
            last=chunk[-1].name,
            groups=[_group_title(key) for key in dict.fromkeys(d.group for d in chunk)],
            people=sum(d.shown for d in chunk),
        )
        for number, chunk in enumerate(pages, start=1)
    ]
    return _Plan(sum(d.shown for d in delegations), not_shown, contents, pages, online)


def _page_plan(meeting: Meeting, page: int) -> tuple[_Plan, list[Delegation]]:
    """The plan of the list with only page `page` in it, reused from the cache while the
    audit trail has no new entry (every change of data writes one, so a newer entry means
    the list may differ).

    Reading the newest entry's id is one query on the primary key, whatever the size; the
    grouped count over every accreditation that it spares is slow. INDEX_SECONDS
    bounds the life of an entry for the rare writes that bypass the services (a data
    migration). Each page is kept as a JSON string and only the one asked for is decoded:
    decoding thousands of delegations on every request made the garbage collector run a
    full collection every other request (`bench/list_of_participants.py` times the pages).
    """
    latest = AuditEntry.objects.aggregate(latest=Max("id"))["latest"] or 0
    key = f"participants-plan-2:{meeting.pk}:{latest}:{translation.get_language()}"
    found: tuple[int, int, int, str, list[str]] | None = cache.get(key)
    if found is None:
        plan = _plan(meeting)
        found = (
            plan.shown,
            plan.not_shown,
            plan.online,
            json.dumps([dataclasses.asdict(summary) for summary in plan.contents]),
            [
                json.dumps([(d.group, d.category, d.name, d.reply_ids, d.shown) for d in chunk])
                for chunk in plan.pages
            ],
        )
        cache.set(key, found, timeout=INDEX_SECONDS)
    shown, not_shown, online, contents, pages = found
    chunk = [
        Delegation(group, category, name, ("", ""), reply_ids, delegation_shown)
        for group, category, name, reply_ids, delegation_shown in (
            json.loads(pages[page - 1]) if 1 <= page <= len(pages) else []
        )
    ]
    plan = _Plan(
        shown,
        not_shown,
        [PageSummary(**summary) for summary in json.loads(contents)],
        [],
        online,
    )
    return plan, chunk


def build_list(meeting: Meeting, *, page: int | None = None) -> ParticipantList:
    """The List of Participants of `meeting`: every page's summary, and the people of
    page `page` (from 1; a page past the end holds nobody) or, without it, of every page.

    The whole list (publishing, the PDFs) is read afresh in two queries. One page (the
    staff preview) reuses the order of the list while nothing changed (`_page_plan`) and
    reads its people afresh: three queries whatever the size of the list.
    """
    if page is None:
        plan = _plan(meeting)
        _load_people(meeting, [d for chunk in plan.pages for d in chunk], every=True)
        loaded = dict(enumerate(plan.pages, start=1))
    else:
        plan, chunk = _page_plan(meeting, page)
        _load_people(meeting, chunk, every=False)
        loaded = {page: chunk} if chunk else {}
    return ParticipantList(
        meeting=meeting,
        shown=plan.shown,
        not_shown=plan.not_shown,
        contents=plan.contents,
        pages=loaded,
        online=plan.online,
    )


def page_data(delegations: Iterable[Delegation]) -> dict[str, Any]:
    """One page as plain JSON data: groups -> sections -> delegations -> people. What the
    HTML pages and the PDF show, and what an edition stores."""
    groups: list[dict[str, Any]] = []
    for delegation in delegations:
        if not delegation.people:  # everyone withdrew since the order was read
            continue
        group_title = _group_title(delegation.group)
        if not groups or groups[-1]["key"] != delegation.group:
            groups.append({"key": delegation.group, "title": group_title, "sections": []})
        sections = groups[-1]["sections"]
        if not sections or sections[-1]["key"] != delegation.category:
            sections.append(
                {
                    "key": delegation.category,
                    "title": _category_title(delegation.category),
                    "delegations": [],
                }
            )
        sections[-1]["delegations"].append(
            {"name": delegation.name, "people": [dataclasses.asdict(p) for p in delegation.people]}
        )
    return {"groups": groups}


def merge_pages(pages: Iterable[dict[str, Any]]) -> dict[str, Any]:
    """Pages joined into one: a group or section cut by a page break is one again."""
    groups: list[dict[str, Any]] = []
    for page in pages:
        for group in page["groups"]:
            if not groups or groups[-1]["key"] != group["key"]:
                groups.append({**group, "sections": []})
            for section in group["sections"]:
                sections = groups[-1]["sections"]
                if not sections or sections[-1]["key"] != section["key"]:
                    sections.append({**section, "delegations": []})
                sections[-1]["delegations"].extend(section["delegations"])
    return {"groups": groups}
