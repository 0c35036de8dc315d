"""What can be exported: the four kinds of list, their columns and their filters.

Each kind reads its rows with `values()` (plain dictionaries, no model instances) through
`iterator(chunk_size=...)`, so that memory stays flat whatever the number of rows, and
turns each into cells with its columns. The same columns serve the back office, the
background jobs and the command line.

Filters come as a mapping of names to lists of strings: a page's GET parameters
(`dict(request.GET.lists())`) or the command line's options. `parse_filters` checks every
value and says precisely which one is wrong. Several values of one filter mean any of
them ("the approved delegates of three regions": `region=africa,arab-states,europe`);
values may also be separated by commas.

Identity document columns (names as in the passport, date of birth, document number and
expiry) are added to accreditations only when `identity` is asked for: the back office asks
for them for the roles `accreditation.services.can_see_identity` allows; the command line
always does (whoever runs it can read the database anyway).

Delegates are those still in their delegation by default, as the dashboard's "Registered"
and every other surface count them (`delegations.queries.in_delegation`): a delegate kept
only for a withdrawn or revoked accreditation is listed only on request (`withdrawn=yes`,
`--withdrawn`), with that status in the Accreditation column. Narrowed to attending
replies (`state=attending`), the rows are then the registered delegates, one for one.
"""

import datetime
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, fields
from operator import itemgetter
from typing import Any

from django.db.models import Q, QuerySet, Subquery
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_stubs_ext import StrOrPromise

from summitdesk.accreditation.enums import AccreditationStatus
from summitdesk.accreditation.models import Accreditation
from summitdesk.accreditation.services import IDENTITY_FIELDS
from summitdesk.admission import decision_lists
from summitdesk.correspondence.models import Circular
from summitdesk.delegations import queries as reply_queries
from summitdesk.delegations.enums import JoinRequestStatus, ProtocolLevel, Relationship, ReplyState
from summitdesk.delegations.models import Delegate, JoinRequest
from summitdesk.delegations.participant_types import type_name
from summitdesk.directory.enums import Category, Language, OrganisationStatus, StakeholderGroup
from summitdesk.directory.models import Organisation
from summitdesk.directory.queries import SECTOR_FIELDS
from summitdesk.lib import countries
from summitdesk.lib.countries import (
    COUNTRIES,
    REGIONS,
    countries_in_region,
    country_name,
    lookup_country,
)
from summitdesk.lib.text import fold, search_words
from summitdesk.meetings.models import Meeting, Process
from summitdesk.reports import figures

#: Rows fetched from the database at a time.
CHUNK_SIZE = 2000
#: Region value for countries the lookup does not know (as on the reply tracker).
UNKNOWN_REGION = countries.UNKNOWN_REGION

Row = dict[str, Any]
#: The values of a yes-or-no filter.
YES, NO = "yes", "no"


class ExportError(Exception):
    """A request for an export that cannot be met; the message says why, for people."""


@dataclass(frozen=True)
class Filters:
    """The filters of one export, checked; tuples hold alternatives (any of them)."""

    meeting: Meeting | None = None
    circular: Circular | None = None
    process: Process | None = None  # admission lists
    q: str = ""
    organisation: str = ""  # accreditations: an organisation's id, or part of its name
    category: tuple[str, ...] = ()
    stakeholder_group: tuple[str, ...] = ()
    sector: tuple[str, ...] = ()
    region: tuple[str, ...] = ()
    country: tuple[str, ...] = ()
    language: tuple[str, ...] = ()
    state: tuple[str, ...] = ()  # of replies (replies, delegates)
    status: tuple[str, ...] = ()  # of accreditations
    #: Delegates: list those kept only for a withdrawn or revoked accreditation too.
    withdrawn: bool = False

    def as_data(self) -> dict[str, list[str]]:
        """The filters as names and strings again: what a job stores and the audit shows."""
        data: dict[str, list[str]] = {}
        for item in fields(self):
            value = getattr(self, item.name)
            if isinstance(value, Meeting | Process):
                data[item.name] = [value.code]
            elif isinstance(value, Circular):
                data[item.name] = [str(value.pk)]
            elif isinstance(value, bool):
                if value:
                    data[item.name] = [YES]
            elif isinstance(value, str) and value:
                data[item.name] = [value]
            elif isinstance(value, tuple) and value:
                data[item.name] = list(value)
        return data

    def summary(self) -> str:
        return " ".join(f"{name}={','.join(values)}" for name, values in self.as_data().items())


@dataclass(frozen=True)
class Column:
    header: StrOrPromise
    value: Callable[[Row], Any]


@dataclass(frozen=True)
class Kind:
    name: str
    title: StrOrPromise
    needs_meeting: bool
    filter_names: tuple[str, ...]
    rows: Callable[[Filters], QuerySet[Any, Row]]
    columns: Callable[[bool], list[Column]]
    #: What the command line's --status means for this kind.
    status_filter: str = ""

    def count(self, f: Filters) -> int:
        return self.rows(f).count()

    def cells(self, f: Filters, columns: Sequence[Column]) -> Iterator[list[Any]]:
        """The rows as lists of cells, read from the database in chunks."""
        for row in self.rows(f).iterator(chunk_size=CHUNK_SIZE):
            yield [column.value(row) for column in columns]


# Reading values


def _get(key: str) -> Callable[[Row], Any]:
    """The value as stored; None (nothing) is written as an empty cell."""
    return itemgetter(key)


def _label(key: str, choices: Sequence[tuple[str, StrOrPromise]]) -> Callable[[Row], Any]:
    """A choice's label in the active language; a value outside the choices as it is."""
    labels = {value: str(label) for value, label in choices}
    return lambda row: labels.get(row[key], row[key] or "")


def _yes(key: str) -> Callable[[Row], str]:
    yes = _("yes")
    return lambda row: yes if row[key] else ""


def _when(key: str) -> Callable[[Row], Any]:
    """A date or date-time to the second: CSV writes it as ISO text, XLSX as a date cell
    (which keeps no microseconds, so neither does the CSV)."""

    def when(row: Row) -> Any:
        value = row[key]
        if isinstance(value, datetime.datetime):
            return value.replace(microsecond=0)
        return value or ""

    return when


def _country_name(key: str) -> Callable[[Row], str]:
    def name(row: Row) -> str:
        return country_name(str(row[key] or ""))

    return name


def _region(key: str) -> Callable[[Row], str]:
    def region(row: Row) -> str:
        known = COUNTRIES.get(row[key])
        return known.region_label if known else ""

    return region


def _organisation_columns(prefix: str) -> list[Column]:
    """The columns that say who an organisation is, read through `prefix`."""
    return [
        Column(gettext_lazy("Organisation ID"), _get(f"{prefix}id")),
        Column(gettext_lazy("Organisation"), _get(f"{prefix}name")),
        Column(gettext_lazy("Acronym"), _get(f"{prefix}acronym")),
        Column(gettext_lazy("Category"), _label(f"{prefix}category", Category.choices)),
        Column(
            gettext_lazy("Stakeholder group"),
            _label(f"{prefix}stakeholder_group", StakeholderGroup.choices),
        ),
        Column(gettext_lazy("Country code"), _get(f"{prefix}country")),
        Column(gettext_lazy("Country"), _country_name(f"{prefix}country")),
        Column(gettext_lazy("Region"), _region(f"{prefix}country")),
    ]


ORGANISATION_FIELDS = ("id", "name", "acronym", "category", "stakeholder_group", "country")


def _organisation_fields(prefix: str) -> list[str]:
    return [f"{prefix}{name}" for name in ORGANISATION_FIELDS]


def _organisation_q(prefix: str, f: Filters) -> Q:
    """The organisation filters shared by every kind, on the organisation at `prefix`."""
    q = Q()
    if f.category:
        q &= Q(**{f"{prefix}category__in": f.category})
    if f.stakeholder_group:
        q &= Q(**{f"{prefix}stakeholder_group__in": f.stakeholder_group})
    if f.country:
        q &= Q(**{f"{prefix}country__in": f.country})
    if f.region:
        codes = [
            code for region in f.region if region in REGIONS for code in countries_in_region(region)
        ]
        in_regions = Q(**{f"{prefix}country__in": codes})
        if UNKNOWN_REGION in f.region:
            in_regions |= ~Q(**{f"{prefix}country__in": list(COUNTRIES)})
        q &= in_regions
    return q


def _state_q(key: str, states: tuple[str, ...]) -> Q:
    """Replies in any of `states`: a reply state, or the tracker's groups silent/attending."""
    q = Q()
    for state in states:
        if state == reply_queries.SILENT:
            q |= ~Q(**{f"{key}__in": reply_queries.ANSWERED_STATES})
        elif state == reply_queries.ATTENDING:
            q |= Q(**{f"{key}__in": reply_queries.ATTENDING_STATES})
        else:
            q |= Q(**{key: state})
    return q


def _invited(f: Filters) -> Subquery:
    assert f.meeting is not None
    return Subquery(reply_queries.Scope(f.meeting, f.circular).invitations().values("organisation"))


# Organisations


def _organisation_rows(f: Filters) -> QuerySet[Any, Row]:
    found = Organisation.objects.current().filter(_organisation_q("", f))
    for word in search_words(f.q):
        found = found.filter(search_text__contains=word)
    if f.language:
        found = found.filter(language__in=f.language)
    if f.sector:
        held = Q()
        for sector in f.sector:
            held |= Q(**{SECTOR_FIELDS[sector]: True})
        found = found.filter(held)
    if f.meeting is not None:
        found = found.filter(pk__in=_invited(f))
    rows: QuerySet[Any, Row] = found.order_by("name_key", "pk").values(
        *ORGANISATION_FIELDS,
        "external_id",
        "itu_r",
        "itu_t",
        "itu_d",
        "language",
        "email",
        "website",
        "address",
        "status",
    )
    return rows


def _sectors(row: Row) -> str:
    return ", ".join(name for name, key in SECTOR_FIELDS.items() if row[key])


def _organisation_columns_all(identity: bool) -> list[Column]:
    return [
        *_organisation_columns(""),
        Column(gettext_lazy("External ID"), _get("external_id")),
        Column(gettext_lazy("ITU sectors"), _sectors),
        Column(gettext_lazy("Language"), _label("language", Language.choices)),
        Column(gettext_lazy("General email"), _get("email")),
        Column(gettext_lazy("Website"), _get("website")),
        Column(gettext_lazy("Postal address"), _get("address")),
        Column(gettext_lazy("Status"), _label("status", OrganisationStatus.choices)),
    ]


# Replies


def _reply_rows(f: Filters) -> QuerySet[Any, Row]:
    assert f.meeting is not None
    found = reply_queries.tracker_list(
        reply_queries.Scope(f.meeting, f.circular), reply_queries.ListFilter()
    ).filter(_organisation_q("", f))
    if f.state:
        found = found.filter(_state_q("reply_state", f.state))
    rows: QuerySet[Any, Row] = found.annotate(named=figures.registered_of_reply("reply_id")).values(
        *ORGANISATION_FIELDS,
        "reply_state",
        "estimate",
        "head_level",
        "named",
        "on_behalf",
        "submitted_at",
    )
    return rows


def _reply_columns(identity: bool) -> list[Column]:
    states = [*ReplyState.choices]
    return [
        *_organisation_columns(""),
        Column(gettext_lazy("Reply"), _label("reply_state", states)),
        Column(gettext_lazy("Estimated participants"), _get("estimate")),
        Column(
            gettext_lazy("Level of the head of delegation"),
            _label("head_level", ProtocolLevel.choices),
        ),
        Column(gettext_lazy("Delegates named"), _get("named")),
        Column(gettext_lazy("Entered by the secretariat"), _yes("on_behalf")),
        Column(gettext_lazy("Submitted"), _when("submitted_at")),
    ]


# Delegates


def _delegate_rows(f: Filters) -> QuerySet[Any, Row]:
    assert f.meeting is not None
    found = Delegate.objects.filter(reply__meeting=f.meeting).filter(
        _organisation_q("reply__organisation__", f)
    )
    if f.circular is not None:
        found = found.filter(reply__organisation__in=_invited(f))
    if f.state:
        found = found.filter(_state_q("reply__state", f.state))
    if not f.withdrawn:
        found = found.filter(reply_queries.in_delegation())
    rows: QuerySet[Any, Row] = found.order_by(
        "reply__organisation__name_key", "reply__organisation", "-is_head", "position", "pk"
    ).values(
        *_organisation_fields("reply__organisation__"),
        "reply__state",
        *PERSON_FIELDS,
        "consent_to_publish",
        "accreditation__status",
        "accreditation__badge_number",
        participant_type_name=type_name(),
    )
    return rows


def _delegate_columns(identity: bool) -> list[Column]:
    return [
        *_organisation_columns("reply__organisation__"),
        Column(gettext_lazy("Reply"), _label("reply__state", ReplyState.choices)),
        *_person_columns(""),
        Column(gettext_lazy("May be published"), _yes("consent_to_publish")),
        Column(
            gettext_lazy("Accreditation"),
            _label("accreditation__status", AccreditationStatus.choices),
        ),
        Column(gettext_lazy("Badge number"), _get("accreditation__badge_number")),
        *_profile_columns(""),
    ]


def _person_columns(prefix: str) -> list[Column]:
    return [
        Column(gettext_lazy("Head of delegation"), _yes(f"{prefix}is_head")),
        Column(gettext_lazy("Title"), _get(f"{prefix}title")),
        Column(gettext_lazy("Given name"), _get(f"{prefix}given_name")),
        Column(gettext_lazy("Family name"), _get(f"{prefix}family_name")),
        Column(gettext_lazy("Function"), _get(f"{prefix}function")),
        Column(gettext_lazy("Email"), _get(f"{prefix}email")),
        Column(gettext_lazy("Nationality"), _get(f"{prefix}nationality")),
        # A returning delegate: the earlier meeting copied from, and whether they confirmed.
        Column(gettext_lazy("Returning from"), _returning_from(prefix)),
        Column(gettext_lazy("Confirmed coming"), _confirmed(prefix)),
    ]


def _returning_from(prefix: str) -> Callable[[Row], str]:
    key = f"{prefix}returning_from__reply__meeting__code"
    return lambda row: row[key] or ""


def _confirmed(prefix: str) -> Callable[[Row], str]:
    """yes or no for a returning delegate; empty for the others (nothing to confirm)."""
    yes, no = _("yes"), _("no")
    source, when = f"{prefix}returning_from__reply__meeting__code", f"{prefix}confirmed_at"

    def confirmed(row: Row) -> str:
        if not row[source]:
            return ""
        return yes if row[when] else no

    return confirmed


def _profile_columns(prefix: str) -> list[Column]:
    """Who the person is at the meeting: type, level, affiliation, online (last columns)."""
    return [
        Column(gettext_lazy("Participant type"), _get("participant_type_name")),
        Column(
            gettext_lazy("Protocol level"),
            _label(f"{prefix}protocol_level", ProtocolLevel.choices),
        ),
        Column(gettext_lazy("Affiliation"), _get(f"{prefix}affiliation")),
        Column(gettext_lazy("Relationship"), _label(f"{prefix}relationship", Relationship.choices)),
        Column(gettext_lazy("Online only"), _yes(f"{prefix}online")),
    ]


PERSON_FIELDS = (
    "is_head",
    "title",
    "given_name",
    "family_name",
    "function",
    "email",
    "nationality",
    "returning_from__reply__meeting__code",
    "confirmed_at",
    "protocol_level",
    "affiliation",
    "relationship",
    "online",
)


# Accreditations


def _accreditation_rows(f: Filters) -> QuerySet[Any, Row]:
    assert f.meeting is not None
    prefix = "delegate__reply__organisation__"
    found = Accreditation.objects.filter(meeting=f.meeting).filter(_organisation_q(prefix, f))
    if f.status:
        found = found.filter(status__in=f.status)
    if f.circular is not None:
        found = found.filter(delegate__reply__organisation__in=_invited(f))
    text = f.organisation.strip()
    if text.isdigit():
        found = found.filter(delegate__reply__organisation=int(text))
    elif text:
        found = found.filter(delegate__reply__organisation__search_text__contains=fold(text))
    rows: QuerySet[Any, Row] = found.order_by(
        "delegate__reply__organisation__name", "delegate__family_name", "delegate__given_name", "pk"
    ).values(
        "id",
        "status",
        "badge_number",
        "badge_printed_at",
        *_organisation_fields(prefix),
        *(f"delegate__{name}" for name in PERSON_FIELDS),
        *IDENTITY_FIELDS,
        participant_type_name=type_name("delegate__"),
    )
    return rows


def _accreditation_columns(identity: bool) -> list[Column]:
    columns = [
        Column(gettext_lazy("Accreditation ID"), _get("id")),
        Column(gettext_lazy("Status"), _label("status", AccreditationStatus.choices)),
        Column(gettext_lazy("Badge number"), _get("badge_number")),
        Column(gettext_lazy("Badge printed"), _when("badge_printed_at")),
        *_organisation_columns("delegate__reply__organisation__"),
        *_person_columns("delegate__"),
        *_profile_columns("delegate__"),
    ]
    if identity:
        columns += [
            Column(gettext_lazy("Given name(s) as in the passport"), _get("passport_given_name")),
            Column(gettext_lazy("Family name as in the passport"), _get("passport_family_name")),
            Column(gettext_lazy("Date of birth"), _when("date_of_birth")),
            Column(gettext_lazy("Identity document number"), _get("document_number")),
            Column(gettext_lazy("Identity document expiry"), _when("document_expires")),
        ]
    return columns


# Requests to join


def _join_request_rows(f: Filters) -> QuerySet[Any, Row]:
    assert f.meeting is not None
    found = (
        JoinRequest.objects.filter(meeting=f.meeting)
        .exclude(status=JoinRequestStatus.UNCONFIRMED)
        .filter(_organisation_q("organisation__", f))
    )
    if f.circular is not None:
        found = found.filter(organisation__in=_invited(f))
    rows: QuerySet[Any, Row] = found.order_by("organisation__name_key", "created_at", "pk").values(
        "id",
        "status",
        *_organisation_fields("organisation__"),
        "given_name",
        "family_name",
        "function",
        "email",
        "nationality",
        "affiliation",
        "relationship",
        "possible_duplicate",
        "created_at",
        "decided_at",
        "decided_by",
        "decline_reason",
    )
    return rows


# The protocol list


def _protocol_rows(f: Filters) -> QuerySet[Any, Row]:
    """The high-level participants registered for the meeting (an attending reply, still
    in the delegation), in the order of precedence."""
    assert f.meeting is not None
    found = figures.high_level_participants(f.meeting).filter(
        _organisation_q("reply__organisation__", f)
    )
    rows: QuerySet[Any, Row] = found.values(
        *_organisation_fields("reply__organisation__"),
        *PERSON_FIELDS,
        participant_type_name=type_name(),
    )
    return rows


def _join_request_columns(identity: bool) -> list[Column]:
    return [
        Column(gettext_lazy("Request ID"), _get("id")),
        Column(gettext_lazy("Status"), _label("status", JoinRequestStatus.choices)),
        *_organisation_columns("organisation__"),
        Column(gettext_lazy("Given name"), _get("given_name")),
        Column(gettext_lazy("Family name"), _get("family_name")),
        Column(gettext_lazy("Function"), _get("function")),
        Column(gettext_lazy("Email"), _get("email")),
        Column(gettext_lazy("Nationality"), _get("nationality")),
        Column(gettext_lazy("Affiliation"), _get("affiliation")),
        Column(gettext_lazy("Relationship"), _label("relationship", Relationship.choices)),
        Column(gettext_lazy("Possibly already accredited"), _yes("possible_duplicate")),
        Column(gettext_lazy("Asked"), _when("created_at")),
        Column(gettext_lazy("Decided"), _when("decided_at")),
        Column(gettext_lazy("Decided by"), _get("decided_by")),
        Column(gettext_lazy("Reason for declining"), _get("decline_reason")),
    ]


def _protocol_columns(identity: bool) -> list[Column]:
    return [
        Column(gettext_lazy("Protocol level"), _label("protocol_level", ProtocolLevel.choices)),
        Column(gettext_lazy("Head of delegation"), _yes("is_head")),
        Column(gettext_lazy("Title"), _get("title")),
        Column(gettext_lazy("Given name"), _get("given_name")),
        Column(gettext_lazy("Family name"), _get("family_name")),
        Column(gettext_lazy("Function"), _get("function")),
        Column(gettext_lazy("Organisation"), _get("reply__organisation__name")),
        Column(gettext_lazy("Country"), _country_name("reply__organisation__country")),
        Column(gettext_lazy("Participant type"), _get("participant_type_name")),
        Column(gettext_lazy("Online only"), _yes("online")),
    ]


def _recommended_rows(f: Filters) -> QuerySet[Any, Row]:
    assert f.process is not None
    fields = ("reference", "name", "acronym", "category", "country")
    rows: QuerySet[Any, Row] = decision_lists.recommended_applications(f.process).values(*fields)
    return rows


def _recommended_columns(identity: bool) -> list[Column]:
    return [
        Column(gettext_lazy("Reference"), _get("reference")),
        Column(gettext_lazy("Organisation"), _get("name")),
        Column(gettext_lazy("Acronym"), _get("acronym")),
        Column(gettext_lazy("Category"), _label("category", Category.choices)),
        Column(gettext_lazy("Country code"), _get("country")),
        Column(gettext_lazy("Country"), _country_name("country")),
    ]


def _admitted_rows(f: Filters) -> QuerySet[Any, Row]:
    assert f.process is not None
    rows: QuerySet[Any, Row] = decision_lists.admitted(f.process).values(
        *_organisation_fields("organisation__"), "admitted_on", "meeting__code"
    )
    return rows


def _admitted_columns(identity: bool) -> list[Column]:
    return [
        *_organisation_columns("organisation__"),
        Column(gettext_lazy("Admitted on"), _when("admitted_on")),
        Column(gettext_lazy("Decided by"), _get("meeting__code")),
    ]


ORGANISATION_FILTERS = ("category", "stakeholder_group", "region", "country")

KINDS: dict[str, Kind] = {
    kind.name: kind
    for kind in [
        Kind(
            name="organisations",
            title=gettext_lazy("Organisations"),
            needs_meeting=False,
            filter_names=("meeting", "circular", "q", *ORGANISATION_FILTERS, "sector", "language"),
            rows=_organisation_rows,
            columns=_organisation_columns_all,
        ),
        Kind(
            name="replies",
            title=gettext_lazy("Replies"),
            needs_meeting=True,
            filter_names=("meeting", "circular", *ORGANISATION_FILTERS, "state"),
            rows=_reply_rows,
            columns=_reply_columns,
            status_filter="state",
        ),
        Kind(
            name="delegates",
            title=gettext_lazy("Delegates"),
            needs_meeting=True,
            filter_names=("meeting", "circular", *ORGANISATION_FILTERS, "state", "withdrawn"),
            rows=_delegate_rows,
            columns=_delegate_columns,
            status_filter="state",
        ),
        Kind(
            name="accreditations",
            title=gettext_lazy("Accreditations"),
            needs_meeting=True,
            filter_names=("meeting", "circular", "organisation", *ORGANISATION_FILTERS, "status"),
            rows=_accreditation_rows,
            columns=_accreditation_columns,
            status_filter="status",
        ),
        Kind(
            name="join_requests",
            title=gettext_lazy("Requests to join"),
            needs_meeting=True,
            filter_names=("meeting", "circular", *ORGANISATION_FILTERS),
            rows=_join_request_rows,
            columns=_join_request_columns,
        ),
        Kind(
            name="protocol",
            title=gettext_lazy("Protocol list (high-level participants)"),
            needs_meeting=True,
            filter_names=("meeting", *ORGANISATION_FILTERS),
            rows=_protocol_rows,
            columns=_protocol_columns,
        ),
        Kind(
            name="admission-recommended",
            title=gettext_lazy("Applications recommended for admission"),
            needs_meeting=False,
            filter_names=("process",),
            rows=_recommended_rows,
            columns=_recommended_columns,
        ),
        Kind(
            name="admission-admitted",
            title=gettext_lazy("Organisations admitted"),
            needs_meeting=False,
            filter_names=("process",),
            rows=_admitted_rows,
            columns=_admitted_columns,
        ),
    ]
}


def get_kind(name: str) -> Kind:
    try:
        return KINDS[name]
    except KeyError:
        raise ExportError(
            _("Unknown kind of export %(kind)s; choose from %(choices)s.")
            % {"kind": name, "choices": ", ".join(KINDS)}
        ) from None


# Parsing filters


def _values(data: Mapping[str, Sequence[str]], name: str) -> list[str]:
    raw = data.get(name, [])
    if isinstance(raw, str):
        raw = [raw]
    found = [part.strip() for value in raw for part in value.split(",")]
    return list(dict.fromkeys(value for value in found if value))


def _bad(name: str, value: str, choices: Sequence[str]) -> ExportError:
    return ExportError(
        _("Unknown %(filter)s %(value)s; choose from %(choices)s.")
        % {"filter": name.replace("_", " "), "value": value, "choices": ", ".join(choices)}
    )


def _choices(name: str, values: list[str], allowed: Sequence[str]) -> tuple[str, ...]:
    for value in values:
        if value not in allowed:
            raise _bad(name, value, allowed)
    return tuple(values)


def _region_key(value: str) -> str | None:
    wanted = fold(value).replace(" ", "-")
    for key, label in [*REGIONS.items(), (UNKNOWN_REGION, UNKNOWN_REGION)]:
        if wanted in (key, fold(label).replace(" ", "-")):
            return key
    return None


def _country_code(value: str) -> str | None:
    known = COUNTRIES.get(value.upper()) or lookup_country(value)
    return known.code if known else None


def parse_filters(
    kind: Kind, data: Mapping[str, Sequence[str]], *, strict: bool = False
) -> Filters:
    """Check the filters in `data` for `kind`; raise ExportError naming the bad value.

    With `strict` (the command line), a filter that does not apply to the kind is an
    error; otherwise (a page's parameters, which carry others such as the page number)
    it is ignored.
    """
    given = {name for name, values in data.items() if _values(data, name)}
    if strict:
        for name in sorted(given - set(kind.filter_names)):
            raise ExportError(
                _("The filter %(filter)s does not apply to %(kind)s.")
                % {"filter": name.replace("_", "-"), "kind": kind.name}
            )
    values: dict[str, Any] = {}
    code = " ".join(_values(data, "meeting"))
    meeting = Meeting.objects.filter(code=code).first() if code else None
    if code and meeting is None:
        raise ExportError(_("No meeting with the code %(code)s.") % {"code": code})
    if kind.needs_meeting and meeting is None:
        raise ExportError(_("An export of %(kind)s needs a meeting.") % {"kind": kind.name})
    values["meeting"] = meeting
    if "process" in kind.filter_names:
        process_code = " ".join(_values(data, "process"))
        process = Process.objects.filter(code=process_code).first() if process_code else None
        if process is None:
            raise ExportError(
                _("An export of %(kind)s needs a process: no process has the code %(code)s.")
                % {"kind": kind.name, "code": process_code[:40]}
            )
        values["process"] = process
    circular = " ".join(_values(data, "circular")) if "circular" in kind.filter_names else ""
    if circular:
        if meeting is None:
            raise ExportError(_("A circular can only be chosen with its meeting."))
        by = (
            Q(reference=circular) | Q(pk=int(circular))
            if circular.isdigit()
            else Q(reference=circular)
        )
        found = Circular.objects.filter(by, meeting=meeting).first()
        if found is None:
            raise ExportError(
                _("No circular %(circular)s about the meeting %(code)s.")
                % {"circular": circular, "code": meeting.code}
            )
        values["circular"] = found
    for name in ("q", "organisation"):
        if name in kind.filter_names:
            values[name] = " ".join(_values(data, name))[:200]
    checks: dict[str, Sequence[str]] = {
        "category": Category.values,
        "stakeholder_group": StakeholderGroup.values,
        "sector": list(SECTOR_FIELDS),
        "language": Language.values,
        "state": [value for value, _label in reply_queries.LIST_STATES],
        "status": AccreditationStatus.values,
    }
    for name, allowed in checks.items():
        if name in kind.filter_names:
            values[name] = _choices(name, _values(data, name), allowed)
    if "withdrawn" in kind.filter_names:
        values["withdrawn"] = _choices("withdrawn", _values(data, "withdrawn"), (YES, NO)) == (YES,)
    regions = []
    for value in _values(data, "region"):
        key = _region_key(value)
        if key is None:
            raise _bad("region", value, [*REGIONS, UNKNOWN_REGION])
        regions.append(key)
    values["region"] = tuple(dict.fromkeys(regions))
    countries = []
    for value in _values(data, "country"):
        country = _country_code(value)
        if country is None:
            raise ExportError(
                _("Unknown country %(value)s; give its ISO code (such as CH) or its name.")
                % {"value": value}
            )
        countries.append(country)
    values["country"] = tuple(dict.fromkeys(countries))
    return Filters(**values)
