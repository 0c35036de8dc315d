"""The rules of a person's fields (directory.validators), and the import applying them:
control characters, separators and bidi marks refused, web addresses refused, the
zero-width joiner and non-joiner kept."""

import re

import pytest

from summitdesk.directory import imports
from summitdesk.directory.imports.results import RowError
from summitdesk.directory.models import Organisation, Person
from summitdesk.directory.validators import (
    CHARACTERS_MESSAGE,
    LINE_PATTERN,
    NAME_PATTERN,
    WEB_ADDRESS_MESSAGE,
    problem,
)
from tests.directory.test_imports import ACTOR, csv_file

CHARACTERS = str(CHARACTERS_MESSAGE)
WEB_ADDRESS = str(WEB_ADDRESS_MESSAGE)
#: Names every way in refuses, with the message it gives.
BAD_NAMES = [
    ("Ali\u202eBaba", CHARACTERS),
    ("Ali\nBaba", CHARACTERS),
    ("https://evil.example/x", WEB_ADDRESS),
    ("www.evil.example", WEB_ADDRESS),
    ("evil.example/login", WEB_ADDRESS),
]
#: Persian "Mirreza" with its zero-width non-joiner, and a Malayalam name with a joiner.
JOINED_NAMES = ["\u0645\u06cc\u200c\u0631\u0636\u0627", "\u0d15\u0d4d\u200d\u0d15"]


@pytest.mark.parametrize(
    "value",
    [
        *(f"Ali{char}Baba" for char in "\x00\t\r\x1b\x7f\x85\u2028\u2029"),
        *(f"Ali{chr(code)}Baba" for code in [*range(0x202A, 0x202F), *range(0x2066, 0x206A)]),
    ],
)
def test_name_with_a_forbidden_character_is_refused(value: str) -> None:
    assert problem("family_name", value) == CHARACTERS


@pytest.mark.parametrize(
    "value",
    [
        "https://evil.example/x",
        "HTTP:evil",
        "mailto:a@evil.example",
        "javascript:alert(1)",
        "x-scheme://evil",
        "Visit www.evil.example",
        "WWW.EVIL.EXAMPLE",
        "evil.example/login",
        "Ali sub.evil.example/",
    ],
)
def test_name_that_looks_like_a_web_address_is_refused(value: str) -> None:
    assert problem("given_name", value) == WEB_ADDRESS


@pytest.mark.parametrize(
    "value",
    [
        *JOINED_NAMES,
        "Jean-Pierre O'Brien",
        "Müller-Lüdenscheidt",
        "李小龍",
        "H.E. Dr.",
        "Ph.D/MBA",
        "U.N./ITU",
        "Head, ITU-D/BDT",
        "Note: acting",
    ],
)
def test_ordinary_names_are_accepted(value: str) -> None:
    assert problem("family_name", value) is None
    assert problem("function", value) is None


def test_phone_refuses_forbidden_characters_but_not_addresses() -> None:
    assert problem("phone", "+41 22\n730") == CHARACTERS
    assert problem("phone", "tel:+41227305111") is None


@pytest.mark.parametrize("value", ["Ali", *JOINED_NAMES, *(name for name, _ in BAD_NAMES)])
def test_published_patterns_agree_with_the_rules(value: str) -> None:
    # The OpenAPI document states these patterns: they must say what the checks do.
    assert bool(re.match(NAME_PATTERN, value)) == (problem("family_name", value) is None)
    assert bool(re.match(LINE_PATTERN, value)) == (problem("phone", value) is None)


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "message"), BAD_NAMES)
def test_import_refuses_a_bad_chief_executive_name_and_writes_nothing(
    name: str, message: str
) -> None:
    quoted = name.replace('"', '""')
    content = csv_file(
        "name,category,stakeholder_group,country,ceo_family_name",
        f'Acme,Member State,Government,CH,"{quoted}"',
    )

    report = imports.import_organisations(content, "orgs.csv", actor=ACTOR)

    assert report.errors == [RowError(2, "ceo_family_name", message)]
    assert (Organisation.objects.count(), Person.objects.count()) == (0, 0)


@pytest.mark.django_db
def test_import_keeps_a_name_with_a_zero_width_non_joiner() -> None:
    content = csv_file(
        "name,category,stakeholder_group,country,ceo_family_name",
        f"Acme,Member State,Government,CH,{JOINED_NAMES[0]}",
    )

    report = imports.import_organisations(content, "orgs.csv", actor=ACTOR)

    assert report.errors == []
    assert list(Person.objects.values_list("family_name", flat=True)) == [JOINED_NAMES[0]]
