"""What a person's fields may hold, wherever they are typed: the portal, the back office,
the API, an import. One place, one message per rule.

Names reach the body of mail sent from the summit's address to any address, letters and
badges: they refuse control characters, line and paragraph separators and the bidi
embedding, override and isolate marks (which can reorder what a reader sees), and text
that looks like a web address (which a mail program would offer as a link). The zero-width
joiner and non-joiner stay allowed: Persian and Indic names need them.

Each rule is one regular expression written for both Python's `re` and ECMAScript (the
dialect of JSON Schema), so the API's OpenAPI document states exactly the pattern the
service enforces; lengths come from the models.
"""

import re
from typing import Annotated, Any, TypeVar

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from pydantic import AfterValidator, Field
from pydantic_core import PydanticCustomError

from summitdesk.directory.models import Organisation, Person, Position
from summitdesk.lib.countries import COUNTRIES

FormClass = TypeVar("FormClass", bound=type[forms.Form] | type[forms.ModelForm[Any]])


def _length(model: Any, name: str) -> int:
    limit = model._meta.get_field(name).max_length
    assert isinstance(limit, int)
    return limit


#: Longest value of each person field, as the models store them (a delegate's and a
#: focal point's fields have the same lengths as a directory person's).
MAX_LENGTH = {
    "title": _length(Person, "title"),
    "given_name": _length(Person, "given_name"),
    "family_name": _length(Person, "family_name"),
    "function": _length(Position, "function"),
    "email": _length(Person, "email"),
    "phone": _length(Person, "phone"),
    "fax": _length(Person, "fax"),
    "nationality": _length(Person, "nationality"),
    # A nominee's employer (delegations.Delegate.affiliation: the same length as a function).
    "affiliation": _length(Position, "function"),
}

#: Longest value of each organisation field that has a length, as the model stores it.
ORGANISATION_MAX_LENGTH = {
    name: _length(Organisation, name)
    for name in ("name", "acronym", "email", "website", "external_id")
}

#: Control characters (Unicode Cc), line and paragraph separators, bidi embeddings,
#: overrides and isolates. Not U+200C/U+200D (zero-width non-joiner and joiner).
FORBIDDEN_CHARACTERS = "\\u0000-\\u001f\\u007f-\\u009f\\u2028\\u2029\\u202a-\\u202e\\u2066-\\u2069"

#: Schemes that mail programs and browsers open from a bare `scheme:` (with or without
#: `//`); any other scheme counts when followed by `:/`.
SCHEMES = ("https", "http", "ftp", "mailto", "file", "data", "javascript")


def _any_case(word: str) -> str:
    # JSON Schema patterns carry no flags: each letter spelled in both cases.
    return "".join(f"[{char.upper()}{char}]" for char in word)


#: What looks like a web address: a scheme (`https:`, `mailto:`, `x-y://`), `www.`, or a
#: host name followed by `/` (`evil.example/login`).
WEB_ADDRESS = (
    "(?:" + "|".join(_any_case(scheme) for scheme in SCHEMES) + "):"
    "|[A-Za-z][A-Za-z0-9+.\\-]*:/"
    "|" + _any_case("www") + "\\."
    "|[^\\s./:@]+(?:\\.[^\\s./:@]+)*\\.[^\\s./:@0-9]{2,}/"
)

#: A line of text: none of the forbidden characters.
LINE_PATTERN = f"^[^{FORBIDDEN_CHARACTERS}]*$"
#: A name (title, given and family name) or a function: a line that is no web address.
NAME_PATTERN = f"^(?![\\s\\S]*(?:{WEB_ADDRESS}))[^{FORBIDDEN_CHARACTERS}]*$"

#: An ISO 3166 alpha-2 code in either case, or nothing (where a code typed in lower case
#: is taken in upper case).
COUNTRY_CODE_PATTERN = (
    "^(?:" + "|".join(_any_case(code.lower()) for code in sorted(COUNTRIES)) + ")?$"
)

_LINE = re.compile(LINE_PATTERN)
_WEB_ADDRESS = re.compile(WEB_ADDRESS)

CHARACTERS_MESSAGE = _("Remove the line breaks, control characters and text direction marks.")
WEB_ADDRESS_MESSAGE = _(
    "Remove the web address: https:, www. or a site followed by / cannot be given here."
)


def validate_line(value: str) -> None:
    """Refuse the forbidden characters (phone numbers and other one-line fields)."""
    if not _LINE.match(value):
        raise ValidationError(CHARACTERS_MESSAGE, code="characters")


def validate_name(value: str) -> None:
    """Refuse the forbidden characters and web addresses (names, titles, functions)."""
    validate_line(value)
    if _WEB_ADDRESS.search(value):
        raise ValidationError(WEB_ADDRESS_MESSAGE, code="web_address")


#: The validator of each person field that has one beyond its length.
VALIDATORS = {
    "title": validate_name,
    "given_name": validate_name,
    "family_name": validate_name,
    "function": validate_name,
    "phone": validate_line,
    "fax": validate_line,
    "affiliation": validate_line,
    "passport_given_name": validate_name,
    "passport_family_name": validate_name,
}


def problem(name: str, value: str) -> str | None:
    """What the rules say against `value` for the person field `name`, or None; for
    callers that do not work with Django's ValidationError (imports)."""
    validator = VALIDATORS.get(name)
    if validator is not None:
        try:
            validator(value)
        except ValidationError as error:
            return str(error.messages[0])
    return None


def person_rules(form_class: FormClass) -> FormClass:
    """Class decorator: the form's person fields, found by name (title, given_name,
    family_name, function, phone, fax, the passport names), check the rules above."""
    for name, validator in VALIDATORS.items():
        field = form_class.base_fields.get(name)
        if field is not None and validator not in field.validators:
            field.validators.append(validator)
    return form_class


# The same rules as pydantic types, for the API's schemas.


def _pydantic(validator: Any) -> Any:
    def check(value: str) -> str:
        try:
            validator(value)
        except ValidationError as error:
            raise PydanticCustomError(str(error.code), str(error.messages[0])) from None
        return value

    return AfterValidator(check)


def _strip(value: str) -> str:
    return value.strip()


def name_type(field: str) -> Any:
    """`str` for the person field `field` (title, given_name, family_name, function): its
    length and pattern in the schema, the rules enforced with the same message."""
    return Annotated[
        str,
        Field(max_length=MAX_LENGTH[field], json_schema_extra={"pattern": NAME_PATTERN}),
        AfterValidator(_strip),
        _pydantic(validate_name),
    ]


def line_type(field: str) -> Any:
    """`str` for a one-line person field (phone): its length and pattern, enforced."""
    return Annotated[
        str,
        Field(max_length=MAX_LENGTH[field], json_schema_extra={"pattern": LINE_PATTERN}),
        AfterValidator(_strip),
        _pydantic(validate_line),
    ]


Title = name_type("title")
GivenName = name_type("given_name")
FamilyName = name_type("family_name")
Function = name_type("function")
Phone = line_type("phone")
Fax = line_type("fax")
Affiliation = line_type("affiliation")
