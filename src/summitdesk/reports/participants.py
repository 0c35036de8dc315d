"""The List of Participants: who came to a meeting, as the secretariat publishes it.

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

Editions: `publish_edition` records an edition and enqueues `prepare_edition`, which
stores the whole list (its pages and its PDF) as it is at that moment; the public page
shows the latest published edition exactly as published. A consent withdrawn later
removes the person from the next edition, not from the one already out: staff see how
many people on the public edition can no longer be listed (`withdrawn_since`) and publish
a new edition to take them off.
"""

import dataclasses
import datetime
import json
import zoneinfo
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.core.cache import cache
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Count, Max, Q
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from summitdesk.accreditation.enums import AccreditationStatus
from summitdesk.core import audit
from summitdesk.core.audit import Actor
from summitdesk.core.models import AuditEntry, User
from summitdesk.core.permissions import Permission, may
from summitdesk.correspondence.letters import RTL_LANGUAGES
from summitdesk.delegations.models import Delegate
from summitdesk.directory.enums import Category, StakeholderGroup
from summitdesk.lib import dates
from summitdesk.lib.countries import country_name
from summitdesk.lib.documents import DocumentError, render_pdf
from summitdesk.lib.localized import localized
from summitdesk.lib.text import fold
from summitdesk.meetings.models import Meeting
from summitdesk.reports import figures, participant_index, tasks
from summitdesk.reports.models import (
    Edition,
    EditionEntry,
    EditionKind,
    EditionPage,
    EditionStatus,
)

CONTENT_TYPE = "application/pdf"
TEMPLATE = Path(__file__).resolve().parent / "templates_typst" / "list_of_participants.typ"
#: About this many people on one HTML page of the list (a delegation is never cut).
PAGE_SIZE = 250
#: Up to this many pages, the preview offers the whole list as a PDF (~10,000 people,
#: a few seconds); beyond, the page shown only.
PREVIEW_PDF_PAGES = 40
#: How long the order of a list (its delegations, counts and page breaks) is reused for
#: the pages of the staff preview when nothing was recorded in the audit trail meanwhile.
INDEX_SECONDS = 300
#: An edition still being prepared after this long lost its worker.
STALLED_AFTER = datetime.timedelta(minutes=15)
_GROUP_ORDER = {value: index for index, value in enumerate(StakeholderGroup.values)}
_CATEGORY_ORDER = {value: index for index, value in enumerate(Category.values)}


class PublishError(Exception):
    """An edition refused, with a message for the person who asked for it."""


@dataclass(frozen=True)
class Participant:
    name: str
    function: str
    head: bool
    # The delegate, so that the public page can drop, at once, who may no longer be
    # listed (never shown: only the name, function and head mark are printed).
    id: int


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

    @property
    def not_shown_line(self) -> str:
        return not_shown_line(self.not_shown)

    def page_data(self, number: int) -> dict[str, Any]:
        return page_data(self.pages.get(number, []))


def removed_line(count: int) -> str:
    """What the next edition says of the people the previous one listed and it does not."""
    if count == 0:
        return ""
    return ngettext(
        "%(count)s participant listed in the previous edition is no longer listed.",
        "%(count)s participants listed in the previous edition are no longer listed.",
        count,
    ) % {"count": formats.number_format(count, force_grouping=True)}


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


def _delegations(meeting: Meeting) -> tuple[list[Delegation], int]:
    """Every delegation with someone listed, in order, and the count of those not shown.

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
        .annotate(shown=Count("id", filter=figures.CONSENTED), listed=Count("id"))
        .order_by()
    )
    by_key: dict[tuple[str, str, str], Delegation] = {}
    not_shown = 0
    for row in rows:
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
    return ordered, not_shown


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
        )
        .order_by()
    )
    by_reply: dict[int, list[tuple[Any, ...]]] = {}
    for row in rows:
        if row[8] == AccreditationStatus.APPROVED:
            by_reply.setdefault(row[0], []).append(row)
    for delegation in delegations:
        found = [row for pk in delegation.reply_ids for row in by_reply.get(pk, [])]
        # The head first; then the members in the order of their reply.
        found.sort(key=lambda row: (not row[1], delegation.reply_ids.index(row[0]), row[2], row[3]))
        delegation.person_ids = [row[3] for row in found]
        delegation.people = [
            Participant(
                name=" ".join(part for part in (row[4], row[5], row[6]) if part),
                function=row[7],
                head=row[1],
                id=row[3],
            )
            for row in found
        ]


@dataclass
class _Plan:
    """The order of a list without its people: counts, table of contents, pages."""

    shown: int
    not_shown: int
    contents: list[PageSummary]
    pages: list[list[Delegation]]


def _plan(meeting: Meeting) -> _Plan:
    delegations, not_shown = _delegations(meeting)
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
    return _Plan(sum(d.shown for d in delegations), not_shown, contents, pages)


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
    key = f"participants-plan:{meeting.pk}:{latest}:{translation.get_language()}"
    found: tuple[int, int, str, list[str]] | None = cache.get(key)
    if found is None:
        plan = _plan(meeting)
        found = (
            plan.shown,
            plan.not_shown,
            json.dumps([dataclasses.asdict(summary) for summary in plan.contents]),
            [
                json.dumps([(d.group, d.category, d.name, d.reply_ids, d.shown) for d in chunk])
                for chunk in plan.pages
            ],
        )
        cache.set(key, found, timeout=INDEX_SECONDS)
    shown, not_shown, contents, pages = found
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


# Documents


def edition_label(kind: str, number: int | None) -> str:
    if number is None:
        return _("Preview (not published)")
    if kind == EditionKind.FINAL:
        return _("Final list, edition %(number)s") % {"number": number}
    return _("Provisional list, edition %(number)s") % {"number": number}


def list_document(
    meeting: Meeting,
    *,
    edition: str,
    date: datetime.date,
    not_shown: int,
    pages: Iterable[dict[str, Any]],
    removed: int = 0,
) -> dict[str, Any]:
    """The JSON data of the PDF template, in the active language."""
    language = translation.get_language() or "en"
    return {
        "meeting": localized(meeting, "title"),
        "edition": edition,
        "date": dates.format_date(date),
        "language": language.split("-")[0],
        "direction": "rtl" if language.split("-")[0] in RTL_LANGUAGES else "ltr",
        "not_shown_line": not_shown_line(not_shown),
        "removed_line": removed_line(removed),
        "labels": {
            "title": _("List of Participants"),
            "page": _("Page"),
            "head": _("Head of delegation"),
        },
        "groups": merge_pages(pages)["groups"],
    }


def render_list(document: dict[str, Any]) -> bytes:
    """The PDF of `list_document`'s data (no query)."""
    return render_pdf(TEMPLATE, document)


def meeting_today(meeting: Meeting) -> datetime.date:
    """Today at the meeting's venue: the date an edition carries."""
    return timezone.now().astimezone(zoneinfo.ZoneInfo(meeting.time_zone)).date()


def preview_pdf(meeting: Meeting, *, page: int | None = None) -> bytes:
    """The list as it stands, marked as a preview: what publishing would print. The whole
    list, or one page of it (a long list takes too long to render in a request)."""
    current = build_list(meeting, page=page)
    document = list_document(
        meeting,
        edition=edition_label(EditionKind.PROVISIONAL, None),
        date=meeting_today(meeting),
        not_shown=current.not_shown,
        pages=(current.page_data(n) for n in sorted(current.pages)),
    )
    return render_list(document)


# Editions


def can_publish(user: User | Any) -> bool:
    """The list is a public document: communications officers and administrators publish it
    (`core.permissions`); registration officers prepare the accreditations and read it."""
    return may(user, Permission.PARTICIPANTS_PUBLISH)


def public_edition(meeting: Meeting) -> Edition | None:
    """The edition the public sees: the latest one published."""
    return (
        Edition.objects.filter(meeting=meeting, status=EditionStatus.PUBLISHED)
        .defer("delegate_ids", "contents")
        .order_by("-number")
        .first()
    )


def check_kind(meeting: Meeting, kind: str) -> None:
    """Refuse an edition out of order: a final one needs a provisional one before it, and
    after a final edition only a corrected final one can follow. Editions that failed do
    not count; one being prepared does."""
    if kind not in EditionKind.values:
        raise PublishError(_("Choose a provisional or a final edition."))
    editions = Edition.objects.filter(meeting=meeting).exclude(status=EditionStatus.FAILED)
    if editions.filter(status=EditionStatus.PREPARING).exists():
        raise PublishError(_("An edition is being prepared: wait until it is published."))
    kinds = set(editions.values_list("kind", flat=True))
    if kind == EditionKind.FINAL and EditionKind.PROVISIONAL not in kinds:
        raise PublishError(_("Publish a provisional edition before the final one."))
    if kind == EditionKind.PROVISIONAL and EditionKind.FINAL in kinds:
        raise PublishError(
            _("The final list is out: correct it with a new final edition, not a provisional one.")
        )


def _fail_stalled(meeting: Meeting, *, actor: Actor) -> None:
    """An edition still preparing after STALLED_AFTER lost its worker (killed mid-render):
    mark it failed, so that it no longer blocks the next one."""
    stalled = Edition.objects.filter(
        meeting=meeting,
        status=EditionStatus.PREPARING,
        requested_at__lt=timezone.now() - STALLED_AFTER,
    )
    for edition in stalled:
        edition.status = EditionStatus.FAILED
        edition.stage = ""
        edition.error = _("The worker preparing this edition stopped: publish it again.")
        edition.save(update_fields=["status", "stage", "error"])
        audit.record(
            edition,
            "summitdesk.participants.publish_failed",
            actor=actor,
            changes={"status": [EditionStatus.PREPARING, EditionStatus.FAILED]},
        )


def publish_edition(meeting: Meeting, *, kind: str, actor: Actor) -> Edition:
    """Ask for the list as it stands to be published as the next edition of `meeting`.

    Side effects, in one transaction: an edition `preparing` (numbered, dated today at
    the venue), the audit entry `summitdesk.participants.publish_requested`, and the task
    that prepares it (`prepare_edition`: the whole list read afresh, its PDF rendered,
    too long for a web request at a large summit). Until it is
    done the public page keeps showing the previous edition.
    """
    with transaction.atomic():
        # One publisher at a time per meeting: the row lock orders them.
        Meeting.objects.select_for_update().filter(pk=meeting.pk).first()
        _fail_stalled(meeting, actor=actor)
        check_kind(meeting, kind)
        listed, _hidden = _delegations(meeting)
        if not listed:
            raise PublishError(
                _("Nobody can be listed yet: no approved participant agreed to publication.")
            )
        latest = Edition.objects.filter(meeting=meeting).aggregate(latest=Max("number"))
        edition = Edition.objects.create(
            meeting=meeting,
            kind=kind,
            number=(latest["latest"] or 0) + 1,
            date=meeting_today(meeting),
            language=translation.get_language() or "en",
            stage=_("Waiting for a worker"),
            published_by=actor.user,
        )
        audit.record(
            edition,
            "summitdesk.participants.publish_requested",
            actor=actor,
            changes={"kind": [None, kind], "number": [None, edition.number]},
        )
        tasks.prepare_edition_task.enqueue(edition.pk)
    return edition


def _stage(edition: Edition, stage: str) -> None:
    Edition.objects.filter(pk=edition.pk).update(stage=stage)


def prepare_edition(edition_id: int) -> Edition | None:
    """Read the list afresh, render its PDF and publish edition `edition_id`; returns it,
    or None when it is gone. Idempotent: an edition no longer `preparing` is left alone.

    Side effects: the edition's pages and PDF stored, the edition `published` with the
    audit entry `summitdesk.participants.published`, in one transaction after the render
    (so a long render never holds the database); `failed` with the reason if the list
    became empty or the PDF did not render.
    """
    edition = (
        Edition.objects.select_related("meeting", "published_by").filter(pk=edition_id).first()
    )
    if edition is None or edition.status != EditionStatus.PREPARING:
        return edition
    meeting = edition.meeting
    actor = (
        Actor.staff(edition.published_by)
        if edition.published_by
        else Actor.system("list of participants")
    )
    with translation.override(edition.language):
        try:
            _stage(edition, _("Reading the list"))
            current = build_list(meeting)
            if current.shown == 0:
                raise PublishError(
                    _("Nobody can be listed yet: no approved participant agreed to publication.")
                )
            pages = [current.page_data(n) for n in sorted(current.pages)]
            removed = _removed_since_previous(edition, current)
            _stage(
                edition, _("Rendering the PDF of %(count)s participants") % {"count": current.shown}
            )
            pdf = render_list(
                list_document(
                    meeting,
                    edition=edition_label(edition.kind, edition.number),
                    date=edition.date,
                    not_shown=current.not_shown,
                    pages=pages,
                    removed=removed,
                )
            )
        except (PublishError, DocumentError) as error:
            Edition.objects.filter(pk=edition.pk, status=EditionStatus.PREPARING).update(
                status=EditionStatus.FAILED, stage="", error=str(error)
            )
            return Edition.objects.get(pk=edition.pk)
        _stage(edition, _("Storing the edition"))
        delegate_ids = sorted(_person_ids(current))
        with transaction.atomic():
            edition = Edition.objects.select_for_update().get(pk=edition.pk)
            if edition.status != EditionStatus.PREPARING:
                return edition
            edition.pdf.save(
                f"{meeting.code}-participants-{edition.number}.pdf", ContentFile(pdf), save=False
            )
            edition.status = EditionStatus.PUBLISHED
            edition.stage = ""
            edition.shown = current.shown
            edition.not_shown = current.not_shown
            edition.removed = removed
            edition.contents = [dataclasses.asdict(summary) for summary in current.contents]
            edition.delegate_ids = delegate_ids
            edition.published_at = timezone.now()
            edition.save()
            EditionPage.objects.bulk_create(
                (
                    EditionPage(edition=edition, number=n, data=data)
                    for n, data in enumerate(pages, 1)
                ),
                batch_size=50,
            )
            # The index and search of the public page, from the same pages.
            EditionEntry.objects.bulk_create(
                participant_index.entries(edition, pages), batch_size=2000
            )
            audit.record(
                edition,
                "summitdesk.participants.published",
                actor=actor,
                changes={
                    "kind": [None, edition.kind],
                    "number": [None, edition.number],
                    "shown": [None, current.shown],
                    "not_shown": [None, current.not_shown],
                    "removed": [None, removed],
                },
            )
    return edition


def _person_ids(current: ParticipantList) -> set[int]:
    return {
        person_id
        for delegations in current.pages.values()
        for delegation in delegations
        for person_id in delegation.person_ids
    }


def _removed_since_previous(edition: Edition, current: ParticipantList) -> int:
    """How many people the latest published edition before `edition` listed and `current`
    does not (consent or accreditation withdrawn since, or revoked)."""
    previous = (
        Edition.objects.filter(
            meeting_id=edition.meeting_id, status=EditionStatus.PUBLISHED, number__lt=edition.number
        )
        .order_by("-number")
        .only("delegate_ids")
        .first()
    )
    if previous is None:
        return 0
    return len(set(previous.delegate_ids) - _person_ids(current))


def still_listed(page: dict[str, Any], meeting: Meeting) -> dict[str, Any]:
    """A published page without the people who may no longer be listed (consent withdrawn,
    accreditation no longer approved): the public web page drops them at once, while the
    dated PDF stays as published until the next edition (one query). People of editions
    published before pages carried their ids are kept."""
    ids = [
        person["id"]
        for group in page["groups"]
        for section in group["sections"]
        for delegation in section["delegations"]
        for person in delegation["people"]
        if "id" in person
    ]
    if not ids:
        return page
    listable = set(
        figures.approved_delegates(meeting)
        .filter(figures.CONSENTED, pk__in=ids)
        .values_list("pk", flat=True)
    )
    groups = []
    for group in page["groups"]:
        sections = []
        for section in group["sections"]:
            delegations = []
            for delegation in section["delegations"]:
                people = [
                    p for p in delegation["people"] if p.get("id", 0) in listable or "id" not in p
                ]
                if people:
                    delegations.append({**delegation, "people": people})
            if delegations:
                sections.append({**section, "delegations": delegations})
        if sections:
            groups.append({**group, "sections": sections})
    return {**page, "groups": groups}


def withdrawn_since(edition: Edition) -> int:
    """How many people on `edition` could no longer be listed today (consent withdrawn,
    accreditation no longer approved): a new edition would take them off."""
    gone = Delegate.objects.filter(reply__meeting_id=edition.meeting_id).filter(
        Q(consent_to_publish=False)
        | ~Q(accreditation__status=AccreditationStatus.APPROVED)
        | Q(accreditation__isnull=True)
    )
    return len(set(gone.values_list("id", flat=True)) & set(edition.delegate_ids))
