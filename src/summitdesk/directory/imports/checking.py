"""Checking rows: `SourceFile` -> `CheckedFile`, every row cleaned on its own.

No database: categories, groups, sectors, countries and languages matched ignoring case;
emails and web addresses checked; lengths checked against the models' fields; an external
ID used twice in the file refused. A row with an error is left out, its errors kept as
`RowError`s.
"""

import re
from dataclasses import dataclass
from functools import cache
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.db import models
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_stubs_ext import StrOrPromise

from summitdesk.directory import validators
from summitdesk.directory.enums import Category, Language, Sector, StakeholderGroup
from summitdesk.directory.imports.reading import SourceFile, SourceRow, _shown
from summitdesk.directory.imports.results import CHECKING, CHUNK, Progress, RowError
from summitdesk.directory.models import Organisation, Person
from summitdesk.lib.countries import lookup_country

#: Chief executive columns -> Person fields.
CEO_COLUMNS = {
    "ceo_title": "title",
    "ceo_given_name": "given_name",
    "ceo_family_name": "family_name",
    "ceo_email": "email",
    "ceo_phone": "phone",
}


@dataclass
class CheckedRow:
    number: int
    external_id: str
    fields: dict[str, Any]  # Organisation fields the row fills
    ceo: dict[str, str]  # Person fields of the chief executive the row fills


@dataclass
class CheckedFile:
    filename: str
    total_rows: int
    rows: list[CheckedRow]
    errors: list[RowError]
    warnings: list[str]


class _Invalid(Exception):
    pass


def _value_key(text: str) -> str:
    key = re.sub(r"[\s_\-.]+", "", text.casefold())
    return key.replace("organization", "organisation")


@cache
def _max_length(model: type[models.Model], name: str) -> int | None:
    limit: int | None = getattr(model._meta.get_field(name), "max_length", None)
    return limit


@cache
def _choices_index(choices: type[models.TextChoices]) -> dict[str, str]:
    """Enum value or English label (any case, spacing) -> value."""
    index: dict[str, str] = {}
    with translation.override("en"):
        for value, label in choices.choices:
            index[_value_key(value)] = value
            index[_value_key(str(label))] = value
    return index


def _choice(choices: type[models.TextChoices], text: str, unknown: StrOrPromise) -> str:
    index = _choices_index(choices)
    key = _value_key(text)
    # "Government" for "Governments", "International organisations" for "...organisation".
    value = index.get(key) or index.get(key + "s") or index.get(key.removesuffix("s"))
    if value is None:
        with translation.override("en"):
            expected = ", ".join(str(label) for label in choices.labels)
        raise _Invalid(unknown % {"value": _shown(text), "expected": expected})
    return value


_SECTOR_KEYS = {
    "R": Sector.R,
    "RADIOCOMMUNICATION": Sector.R,
    "T": Sector.T,
    "STANDARDIZATION": Sector.T,
    "STANDARDISATION": Sector.T,
    "D": Sector.D,
    "DEVELOPMENT": Sector.D,
}


def _sectors(text: str) -> dict[str, Any]:
    held: set[str] = set()
    for part in re.split(r"[;,\n]", text):
        if not part.strip():
            continue
        key = re.sub(r"[\s_\-.]+", "", part.upper()).removeprefix("ITU")
        sector = _SECTOR_KEYS.get(key)
        if sector is None:
            raise _Invalid(
                _('unknown ITU sector "%(value)s"; expected ITU-R, ITU-T or ITU-D')
                % {"value": _shown(part.strip())}
            )
        held.add(sector)
    return {"itu_r": Sector.R in held, "itu_t": Sector.T in held, "itu_d": Sector.D in held}


def _country(text: str) -> str:
    country = lookup_country(text)
    if country is None:
        raise _Invalid(_('unknown country "%(value)s"') % {"value": _shown(text)})
    return country.code


def _language(text: str) -> str:
    code = text.casefold()
    if re.fullmatch(r"[a-z]{2}[-_][a-z]{2,4}", code):  # en-GB, zh_Hans
        code = code[:2]
    if code in Language.values:
        return code
    value = _choices_index(Language).get(_value_key(text))  # "French"
    if value is None:
        raise _Invalid(
            _('unknown language "%(value)s"; expected one of: %(expected)s')
            % {"value": _shown(text), "expected": ", ".join(sorted(Language.values))}
        )
    return value


def _email(text: str) -> str:
    try:
        validate_email(text)
    except ValidationError:
        raise _Invalid(
            _('not a valid email address: "%(value)s"') % {"value": _shown(text)}
        ) from None
    return text


_url_validator = URLValidator(schemes=["http", "https"])


def _website(text: str) -> str:
    url = text if "://" in text else "https://" + text
    try:
        _url_validator(url)
    except ValidationError:
        raise _Invalid(
            _('not a valid web address: "%(value)s"') % {"value": _shown(text)}
        ) from None
    return url


def _limited(text: str, limit: int | None) -> str:
    if limit is not None and len(text) > limit:
        raise _Invalid(
            _("too long: %(length)s characters, at most %(limit)s")
            % {"length": len(text), "limit": limit}
        )
    return text


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _lines(text: str) -> str:
    return "\n".join(line.strip() for line in text.splitlines() if line.strip())


_UNKNOWN_CATEGORY = gettext_lazy('unknown category "%(value)s"; expected one of: %(expected)s')
_UNKNOWN_GROUP = gettext_lazy(
    'unknown stakeholder group "%(value)s"; expected one of: %(expected)s'
)


def _organisation_value(column: str, text: str) -> dict[str, Any]:
    if column == "category":
        return {"category": _choice(Category, text, _UNKNOWN_CATEGORY)}
    if column == "stakeholder_group":
        return {"stakeholder_group": _choice(StakeholderGroup, text, _UNKNOWN_GROUP)}
    if column == "sectors":
        return _sectors(text)
    if column == "country":
        return {"country": _country(text)}
    if column == "language":
        return {"language": _language(text)}
    if column == "email":
        text = _email(text)
    elif column == "website":
        text = _website(text)
    elif column == "address":
        text = _lines(text)
    elif column != "external_id":
        text = _one_line(text)
    return {column: _limited(text, _max_length(Organisation, column))}


def _person_value(name: str, text: str) -> str:
    if name == "email":
        text = _email(text)
    else:
        # Checked as typed, before spaces are tidied: a line break or a direction mark
        # in a name is refused, with the message every other way in gives.
        found = validators.problem(name, text.strip())
        if found is not None:
            raise _Invalid(found)
        text = _one_line(text)
    return _limited(text, _max_length(Person, name))


def _check_row(row: SourceRow) -> tuple[CheckedRow, list[RowError]]:
    errors: list[RowError] = []
    fields: dict[str, Any] = {}
    ceo: dict[str, str] = {}
    if row.overflow:
        reason = _(
            "more cells than the header has columns: "
            "a value containing the delimiter must be in quotes"
        )
        # The cells are shifted: what each column would say about them is noise.
        return CheckedRow(row.number, "", {}, {}), [RowError(row.number, "", reason)]
    for column, text in row.cells.items():
        if not text:
            continue
        if "\n" in text and column != "address" and column not in CEO_COLUMNS:
            reason = _("a line break inside the cell: is a closing quote missing?")
            errors.append(RowError(row.number, column, reason))
            continue
        try:
            if column in CEO_COLUMNS:
                ceo[CEO_COLUMNS[column]] = _person_value(CEO_COLUMNS[column], text)
            else:
                fields.update(_organisation_value(column, text))
        except _Invalid as error:
            errors.append(RowError(row.number, column, str(error)))
    external_id = fields.pop("external_id", "")
    return CheckedRow(row.number, external_id, fields, ceo), errors


def check_rows(source: SourceFile, *, progress: Progress | None = None) -> CheckedFile:
    """Every row checked on its own (no database); rows with an error are left out."""
    rows: list[CheckedRow] = []
    errors: list[RowError] = []
    first_row: dict[str, int] = {}  # external ID -> the row that used it first
    total = len(source.rows)
    for done, source_row in enumerate(source.rows, start=1):
        row, row_errors = _check_row(source_row)
        if row.external_id and row.external_id in first_row:
            reason = _('external ID "%(value)s" already used in row %(row)s') % {
                "value": _shown(row.external_id),
                "row": first_row[row.external_id],
            }
            row_errors.append(RowError(row.number, "external_id", reason))
        elif row.external_id:
            first_row[row.external_id] = row.number
        if row_errors:
            errors.extend(row_errors)
        else:
            rows.append(row)
        if progress and (done % CHUNK == 0 or done == total):
            progress(CHECKING, done, total)
    return CheckedFile(source.filename, total, rows, errors, list(source.warnings))
