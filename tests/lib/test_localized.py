"""Names of things in the six languages: one accessor, English as the fallback."""

import pytest
from django.core.exceptions import ValidationError
from django.template import Context, Template
from django.utils import translation

from summitdesk.core import audit
from summitdesk.core.audit import Actor
from summitdesk.lib.localized import TranslationsValidator, cleaned, language_key, localized
from summitdesk.meetings.models import Meeting
from tests.factories import MeetingFactory

pytestmark = pytest.mark.unit

TRANSLATED = {"fr": "Troisième réunion", "zh": "第三次会议", "ar": "  "}


def meeting() -> Meeting:
    return Meeting(code="prepcom-3", title="Third meeting", title_translations=TRANSLATED)


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("fr", "Troisième réunion"),
        ("zh", "第三次会议"),
        ("zh-hans", "第三次会议"),
        ("en", "Third meeting"),
        ("es", "Third meeting"),  # not given: English
        ("ar", "Third meeting"),  # blank: English
    ],
)
def test_localized_reads_the_language_else_english(language: str, expected: str) -> None:
    assert localized(meeting(), "title", language) == expected


def test_localized_follows_the_active_language_and_str_too() -> None:
    with translation.override("zh-hans"):
        assert localized(meeting(), "title") == "第三次会议"
        assert str(meeting()) == "第三次会议"
    with translation.override("ru"):
        assert str(meeting()) == "Third meeting"


def test_localized_of_an_object_without_translations_is_its_field() -> None:
    class Thing:
        name = "Plain"

    assert localized(Thing(), "name", "fr") == "Plain"


def test_template_filter_prints_the_pages_language() -> None:
    template = Template('{% load summitdesk %}{{ meeting|localized:"title" }}')

    with translation.override("fr"):
        french = template.render(Context({"meeting": meeting()}))

    assert french == "Troisième réunion"


def test_language_key_is_the_directorys_code() -> None:
    assert [language_key(code) for code in ("zh-hans", "zh_Hans", "pt-br", "AR")] == [
        "zh",
        "zh",
        "pt",
        "ar",
    ]


def test_cleaned_keeps_the_five_languages_trimmed_and_given() -> None:
    assert cleaned({"fr": " A ", "de": "B", "es": "", "ru": 3}) == {"fr": "A"}


@pytest.mark.parametrize(
    "value",
    [["fr"], {"de": "Dritte"}, {"fr": 3}, {"fr": "x" * 11}],
)
def test_translations_validator_refuses_what_is_not_a_text_per_language(value: object) -> None:
    with pytest.raises(ValidationError):
        TranslationsValidator(10)(value)


def test_translations_validator_accepts_the_five_languages() -> None:
    TranslationsValidator(10)({"fr": "Troisième", "zh": "第三次"})


@pytest.mark.django_db
def test_audit_trail_names_a_meeting_in_english_whatever_the_request_language() -> None:
    meeting = MeetingFactory(title="Third meeting", title_translations={"fr": "Troisième"})

    with translation.override("fr"):
        entry = audit.record(meeting, "summitdesk.meeting.changed", actor=Actor.system("t"))
        snapshot = audit.snapshot(meeting, ("process",))

    assert entry.object_repr == "Third meeting"
    assert snapshot == {"process": str(meeting.process)}
