import pytest

from summitdesk.lib.countries import (
    COUNTRIES,
    UNKNOWN_REGION,
    lookup_country,
    normalize_name,
    region_of,
)
from summitdesk.lib.text import fold, name_key, search_document, search_words


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Télécom Sans Frontières", "telecom sans frontieres"),
        ("TELEFÓNICA Móviles", "telefonica moviles"),
        ("Çağrı İletişim", "cagri iletisim"),  # noqa: RUF001 - the Turkish dotless i
        ("Ростелеком", "ростелеком"),
        ("Йошкар-Ола", "иошкар-ола"),
        ("Ёлка", "елка"),
        ("مُحَمَّد", "محمد"),
        ("مـحـمـد", "محمد"),
        ("中国电信", "中国电信"),
        ("Straße", "strasse"),
        ("Øresund Ørsted", "oresund orsted"),
        ("Łódź", "lodz"),
        ("ＡＢＣ", "abc"),  # noqa: RUF001 - full-width letters, as East Asian keyboards type
    ],
)
def test_fold_removes_case_and_marks(text: str, folded: str) -> None:
    assert fold(text) == folded


def test_fold_makes_cyrillic_short_i_and_yo_match_their_plain_letters() -> None:
    assert fold("Йод и ёж") == fold("иод и еж")


def test_search_words_drops_punctuation_and_empty_words() -> None:
    assert search_words("  Télécom-Sans_Frontières, (TSF)!  ") == [
        "telecom",
        "sans",
        "frontieres",
        "tsf",
    ]


def test_search_words_keeps_chinese_and_arabic_words() -> None:
    assert search_words("中国电信 شَرِكَة الاتصالات") == ["中国电信", "شركة", "الاتصالات"]


def test_search_words_of_punctuation_alone_is_empty() -> None:
    assert search_words(" .,;-- ") == []


def test_search_document_joins_folded_words_of_every_part() -> None:
    assert search_document("Telefónica Móviles", "", "TM", "Spain") == (
        "telefonica moviles tm spain"
    )


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("Télécom-Sans Frontières", "telecom sans frontieres"),
        ("St. Gallen Straße", "ST GALLEN STRASSE"),
        ("Ørsted A/S", "Orsted AS"),
        ("ПАО «Ростелеком»", "пао ростелеком"),
        ("وزارة الاتِّصالات", "وزارة الاتصالات"),
    ],
)
def test_name_key_is_the_same_for_the_same_name_written_differently(
    first: str, second: str
) -> None:
    assert name_key(first) == name_key(second)


def test_name_key_keeps_letters_and_digits_only() -> None:
    assert name_key("3G Mobile, Inc.") == "3gmobileinc"


def test_name_key_differs_for_different_names() -> None:
    assert (name_key("Telefónica"), name_key("Telefunken")) == ("telefonica", "telefunken")


def test_country_names_fold_like_search_text() -> None:
    assert normalize_name("Færøerne") == "faeroerne"
    assert normalize_name("Côte-d'Ivoire") == "cote d ivoire"
    assert lookup_country("COTE D'IVOIRE") == COUNTRIES["CI"]


def test_region_of_a_known_and_an_unknown_country() -> None:
    assert (region_of("SN"), region_of("XX"), region_of("")) == (
        "africa",
        UNKNOWN_REGION,
        "unknown",
    )
