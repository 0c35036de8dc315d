"""Lists, country names and names isolated for direction, in the reader's language."""

import pytest
from django.template import Context, Template
from django.utils import translation

from summitdesk.correspondence.compose import html_paragraphs
from summitdesk.lib.countries import country_choices, country_name
from summitdesk.lib.locales import isolate, join_list


@pytest.mark.parametrize(
    ("language", "joined"),
    [
        ("en", "photo, nationality and date of birth"),
        ("fr", "photo, nationality et date of birth"),
        ("es", "photo, nationality y date of birth"),
        ("ru", "photo, nationality и date of birth"),
        ("ar", "photo وnationality وdate of birth"),
        ("zh-hans", "photo、nationality和date of birth"),
    ],
)
def test_lists_are_joined_with_the_languages_separators(language: str, joined: str) -> None:
    with translation.override(language):
        assert join_list(["photo", "nationality", "date of birth"]) == joined


def test_a_list_of_one_or_none_has_no_separator() -> None:
    assert join_list(["photo"], language="en") == "photo"
    assert join_list([], language="en") == ""
    assert join_list(["A", "B"], style="or", language="fr") == "A ou B"


def test_an_unknown_language_joins_in_english() -> None:
    assert join_list(["A", "B", "C"], language="xx-unknown") == "A, B and C"


@pytest.mark.parametrize(
    ("language", "switzerland", "turkiye"),
    [
        ("en", "Switzerland", "Türkiye"),
        ("fr", "Suisse", "Turquie"),
        ("es", "Suiza", "Turquía"),
        ("ar", "سويسرا", "تركيا"),
        ("ru", "Швейцария", "Турция"),
        ("zh-hans", "瑞士", "土耳其"),
    ],
)
def test_country_names_in_the_readers_language(
    language: str, switzerland: str, turkiye: str
) -> None:
    assert country_name("CH", language) == switzerland
    with translation.override(language):
        assert country_name("TR") == turkiye


def test_an_unknown_country_code_is_shown_as_it_is() -> None:
    assert country_name("XK", "fr") == "XK"
    assert country_name("", "ar") == ""


def test_country_choices_are_named_and_sorted_in_the_readers_language() -> None:
    french = dict(country_choices("fr"))
    assert french["DE"] == "Allemagne" and french["CI"] == "Côte d\u2019Ivoire"
    names = [name for _code, name in country_choices("fr")]
    # Accents do not send "États-Unis" after "Zimbabwe".
    assert names.index("Espagne") < names.index("États-Unis") < names.index("Éthiopie")
    assert names[-1] == "Zimbabwe"
    with translation.override("ar"):
        assert dict(country_choices())["EG"] == "مصر"
    assert len(country_choices("ru")) == len(country_choices("en"))


def test_isolated_names_become_bdi_in_an_emails_html_part() -> None:
    text = f"Dear {isolate('عبد الرحمن الشريف')},\n\nYour delegation of {isolate('Acme (ACME)')}."
    assert str(html_paragraphs(text)) == (
        "<p>Dear <bdi>عبد الرحمن الشريف</bdi>,</p>\n"
        "<p>Your delegation of <bdi>Acme (ACME)</bdi>.</p>"
    )
    assert isolate("") == ""


def test_template_filters_isolate_names_and_join_lists() -> None:
    template = Template(
        "{% load summitdesk %}<h1>{{ name|bdi }}</h1>{{ empty|bdi }}|{{ items|join_list }}"
        "|{{ items|join_list:'or' }}"
    )
    with translation.override("fr"):
        rendered = template.render(
            Context({"name": "<Acme> & Co", "empty": "", "items": ["a", "b", "<c>"]})
        )
    assert rendered == (
        "<h1><bdi>&lt;Acme&gt; &amp; Co</bdi></h1>|a, b et &lt;c&gt;|a, b ou &lt;c&gt;"
    )
