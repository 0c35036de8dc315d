"""Planning an import: `CheckedFile` -> `ImportPlan`, the rows against the directory.

Reads only: which rows create, update or leave an organisation unchanged (and its chief
executive), which are refused (a new organisation without a name, two rows for the same
organisation...), and which new organisations look like organisations already there or
earlier in the file (`DuplicateFlag`).
"""

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any, TypeVar

from django.db import models
from django.utils.translation import gettext as _

from summitdesk.core import audit
from summitdesk.directory.enums import Category, PositionRole, StakeholderGroup
from summitdesk.directory.imports.checking import CheckedFile, CheckedRow, _Invalid
from summitdesk.directory.imports.results import CHUNK, DuplicateFlag, RowError
from summitdesk.directory.models import Organisation, Person, Position
from summitdesk.directory.services import (
    ORGANISATION_FIELDS,
    PERSON_FIELDS,
    refresh_search_fields,
)
from summitdesk.lib.text import fold, name_key

#: Fields a new organisation cannot do without (stakeholder_group may come from
#: DEFAULT_STAKEHOLDER_GROUP).
REQUIRED = ("name", "category", "stakeholder_group", "country")

#: The stakeholder group a category implies, used when a new organisation's cell is blank.
#: Only categories that belong to one group are listed: a Sector Member or an Associate
#: may be a company, an association or an international organisation, and secretariats
#: count academia and media differently, so for those the file must say.
DEFAULT_STAKEHOLDER_GROUP = {
    Category.MEMBER_STATE: StakeholderGroup.GOVERNMENTS,
    Category.BUSINESS_ENTITY: StakeholderGroup.PRIVATE_SECTOR,
    Category.CIVIL_SOCIETY: StakeholderGroup.CIVIL_SOCIETY,
    Category.INTERNATIONAL_ORGANISATION: StakeholderGroup.INTERNATIONAL_ORGANISATIONS,
}

MAX_MATCHES = 5  # likely duplicates reported per row and reason

CREATE, UPDATE, UNCHANGED = "create", "update", "unchanged"


@dataclass
class CeoPlan:
    person: Person  # the person already there, or a new one (unsaved)
    values: dict[str, str]
    changes: dict[str, list[Any]]
    new: bool
    assign: bool  # the person must be made chief executive
    replaces: bool  # someone else is chief executive now (and becomes another contact)


@dataclass
class PlannedRow:
    number: int
    action: str  # CREATE, UPDATE or UNCHANGED
    organisation: Organisation  # new (unsaved) or the one already there
    values: dict[str, Any]
    changes: dict[str, list[Any]]
    ceo: CeoPlan | None = None


@dataclass
class ImportPlan:
    filename: str
    total_rows: int
    rows: list[PlannedRow]
    errors: list[RowError]
    warnings: list[str]
    duplicates: list[DuplicateFlag]


M = TypeVar("M", bound=models.Model)


def _in_chunks(queryset: models.QuerySet[M], lookup: str, values: Iterable[Any]) -> Iterator[M]:
    values = list(values)
    for start in range(0, len(values), CHUNK):
        yield from queryset.filter(**{f"{lookup}__in": values[start : start + CHUNK]})


def _by_external_id(external_ids: set[str]) -> dict[str, Organisation]:
    """Organisations by external ID; one merged into another stands for the one kept."""
    found = {
        org.external_id or "": org
        for org in _in_chunks(Organisation.objects.all(), "external_id", external_ids)
    }
    for _depth in range(10):  # merges point at the one kept; older data may have chains
        merged = {key: org.merged_into_id for key, org in found.items() if org.merged_into_id}
        if not merged:
            break
        kept = {
            org.pk: org
            for org in _in_chunks(Organisation.objects.all(), "pk", set(merged.values()))
        }
        for key, kept_id in merged.items():
            found[key] = kept[kept_id]
    return found


@dataclass(frozen=True)
class _Known:
    pk: int
    label: str
    name_key: str


def _known(org: Organisation) -> _Known:
    return _Known(org.pk, str(org), org.name_key)


def _same_acronym(pairs: set[tuple[str, str]]) -> dict[tuple[str, str], list[_Known]]:
    """Current organisations by (folded acronym, country), for the pairs asked about."""
    found: dict[tuple[str, str], list[_Known]] = defaultdict(list)
    countries = {country for _acronym, country in pairs}
    if not pairs:
        return found
    candidates = (
        Organisation.objects.current()
        .exclude(acronym="")
        .filter(country__in=countries)
        .values_list("pk", "name", "acronym", "country", "name_key")
    )
    for pk, name, acronym, country, key in candidates.iterator(chunk_size=2000):
        pair = (name_key(acronym), country)
        if pair in pairs:
            found[pair].append(_Known(pk, f"{name} ({acronym})", key))
    return found


def _same_person(person: Person, values: dict[str, str]) -> bool:
    """Whether the row's chief executive is `person` (with details changed, perhaps)."""
    email = values.get("email", "")
    if email and person.email and email.casefold() == person.email.casefold():
        return True
    family, given = values.get("family_name", ""), values.get("given_name", "")
    if family and fold(family) != fold(person.family_name):
        return False
    return not (given and fold(given) != fold(person.given_name))


def _plan_ceo(row: CheckedRow, current: Position | None) -> CeoPlan | None:
    if not row.ceo:
        return None
    if current is not None and _same_person(current.person, row.ceo):
        person = current.person
        changes = audit.diff(audit.snapshot(person, row.ceo), dict(row.ceo))
        if not changes:
            return None
        return CeoPlan(person, dict(row.ceo), changes, new=False, assign=False, replaces=False)
    if not row.ceo.get("family_name"):
        raise _Invalid(_("needed to record a new chief executive"))
    person = Person(**row.ceo)
    changes = audit.diff({}, audit.snapshot(person, PERSON_FIELDS))
    return CeoPlan(
        person, dict(row.ceo), changes, new=True, assign=True, replaces=current is not None
    )


def _identical(row: CheckedRow, organisation: Organisation, ceo: Position | None) -> bool:
    """Whether `organisation` already holds every value the row gives."""
    if audit.diff(audit.snapshot(organisation, row.fields), row.fields):
        return False
    if row.ceo:
        return (
            ceo is not None
            and _same_person(ceo.person, row.ceo)
            and not audit.diff(audit.snapshot(ceo.person, row.ceo), row.ceo)
        )
    return True


def plan_import(checked: CheckedFile) -> ImportPlan:
    """What importing the checked rows would do to the directory (reads only)."""
    errors = list(checked.errors)
    targets = _by_external_id({row.external_id for row in checked.rows if row.external_id})
    new_rows = [row for row in checked.rows if row.external_id not in targets]
    names = {name_key(row.fields["name"]) for row in new_rows if row.fields.get("name")}
    same_name: dict[str, list[Organisation]] = defaultdict(list)
    for org in _in_chunks(Organisation.objects.current(), "name_key", names - {""}):
        same_name[org.name_key].append(org)
    acronyms = {
        (name_key(row.fields["acronym"]), row.fields["country"])
        for row in new_rows
        if row.fields.get("acronym") and row.fields.get("country")
    }
    same_acronym = _same_acronym({pair for pair in acronyms if pair[0]})
    involved = {org.pk for org in targets.values()}
    involved |= {org.pk for group in same_name.values() for org in group}
    chief_executives = {
        position.organisation_id: position
        for position in _in_chunks(
            Position.objects.filter(role=PositionRole.CHIEF_EXECUTIVE).select_related("person"),
            "organisation_id",
            involved,
        )
    }

    planned: list[PlannedRow] = []
    duplicates: list[DuplicateFlag] = []
    claimed: dict[int, int] = {}  # organisation -> the row that plans it
    new_by_name: dict[str, list[PlannedRow]] = defaultdict(list)
    new_by_acronym: dict[tuple[str, str], list[PlannedRow]] = defaultdict(list)
    for row in checked.rows:
        target = targets.get(row.external_id) if row.external_id else None
        if target is None and not row.external_id:
            # Those with a chief executive (or not) like the row first, so that each row
            # finds again the organisation it made when the file is imported twice.
            candidates = sorted(
                same_name.get(name_key(row.fields.get("name", "")), []),
                key=lambda org: (org.pk in chief_executives) != bool(row.ceo),
            )
            target = next(
                (
                    org
                    for org in candidates
                    if org.pk not in claimed and _identical(row, org, chief_executives.get(org.pk))
                ),
                None,
            )
        if target is not None and target.pk in claimed:
            reason = _("updates the same organisation as row %(row)s") % {"row": claimed[target.pk]}
            errors.append(RowError(row.number, "external_id", reason))
            continue
        try:
            if target is not None:
                step = _plan_update(row, target, chief_executives.get(target.pk))
                claimed[target.pk] = row.number
            else:
                step = _plan_create(row)
        except _Column as error:
            errors.append(RowError(row.number, error.column, error.reason))
            continue
        planned.append(step)
        if step.action == CREATE:
            duplicates.extend(_flags(step, same_name, same_acronym, new_by_name, new_by_acronym))
    errors.sort(key=lambda error: error.row)
    return ImportPlan(
        filename=checked.filename,
        total_rows=checked.total_rows,
        rows=planned,
        errors=errors,
        warnings=checked.warnings,
        duplicates=duplicates,
    )


class _Column(Exception):
    def __init__(self, column: str, reason: str) -> None:
        super().__init__(reason)
        self.column = column
        self.reason = reason


def _ceo_or_fail(row: CheckedRow, current: Position | None) -> CeoPlan | None:
    try:
        return _plan_ceo(row, current)
    except _Invalid as error:
        raise _Column("ceo_family_name", str(error)) from None


def _plan_update(row: CheckedRow, organisation: Organisation, ceo: Position | None) -> PlannedRow:
    before = audit.snapshot(organisation, row.fields)
    changes = audit.diff(before, dict(row.fields))
    ceo_plan = _ceo_or_fail(row, ceo)
    action = UPDATE if changes or ceo_plan else UNCHANGED
    return PlannedRow(row.number, action, organisation, dict(row.fields), changes, ceo_plan)


def _plan_create(row: CheckedRow) -> PlannedRow:
    values = dict(row.fields)
    if "stakeholder_group" not in values and values.get("category") in DEFAULT_STAKEHOLDER_GROUP:
        values["stakeholder_group"] = DEFAULT_STAKEHOLDER_GROUP[Category(values["category"])]
    for required in REQUIRED:
        if not values.get(required):
            raise _Column(required, _("required for a new organisation"))
    if row.external_id:
        values["external_id"] = row.external_id
    organisation = Organisation(**values)
    refresh_search_fields(organisation)
    changes = audit.diff({}, audit.snapshot(organisation, ORGANISATION_FIELDS))
    return PlannedRow(row.number, CREATE, organisation, values, changes, _ceo_or_fail(row, None))


def _flags(
    step: PlannedRow,
    same_name: dict[str, list[Organisation]],
    same_acronym: dict[tuple[str, str], list[_Known]],
    new_by_name: dict[str, list[PlannedRow]],
    new_by_acronym: dict[tuple[str, str], list[PlannedRow]],
) -> list[DuplicateFlag]:
    """Likely duplicates of a new organisation, in the directory and earlier in the file;
    the same tests as `services.likely_duplicates`."""
    organisation = step.organisation
    flags: list[DuplicateFlag] = []
    name = str(organisation)

    def flag(reason: str, known: Iterable[_Known], earlier: Iterable[PlannedRow]) -> None:
        for other in list(known)[:MAX_MATCHES]:
            flags.append(DuplicateFlag(step.number, name, reason, other.label, other_id=other.pk))
        for row in list(earlier)[:MAX_MATCHES]:
            flags.append(
                DuplicateFlag(
                    step.number, name, reason, str(row.organisation), other_row=row.number
                )
            )

    key = organisation.name_key
    if key:  # a name of punctuation alone would match every other such name
        flag(_("same name"), map(_known, same_name.get(key, [])), new_by_name[key])
        new_by_name[key].append(step)
    acronym = (name_key(organisation.acronym), organisation.country)
    if acronym[0]:
        flag(
            _("same acronym and country"),
            (other for other in same_acronym.get(acronym, []) if other.name_key != key),
            (row for row in new_by_acronym[acronym] if row.organisation.name_key != key),
        )
        new_by_acronym[acronym].append(step)
    return flags
