# ruff: noqa: RUF001
"""Circular DM-1048 in the demo: the letter's own text, a draft ready to dispatch."""

import datetime
import re

import pytest
from django.core.management import call_command
from pytest_django import Settings

from summitdesk.correspondence import services
from summitdesk.correspondence.audience import Audience
from summitdesk.correspondence.enums import CircularStatus
from summitdesk.correspondence.models import Circular
from summitdesk.demo import circular as demo_circular
from summitdesk.demo.load import load_demo
from summitdesk.meetings.models import PackItem
from tests.conftest import Demo

SCRIPTS = {
    "arabic": re.compile(r"[\u0600-\u06ff]"),
    "chinese": re.compile(r"[\u4e00-\u9fff]"),
    "cyrillic": re.compile(r"[\u0400-\u04ff]"),
}


@pytest.fixture(autouse=True)
def _fast_passwords(settings: Settings) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def _without_history(monkeypatch: pytest.MonkeyPatch) -> None:
    """PrepCom-2's history (tests/test_demo_history.py) takes seconds: left out of the test
    that loads the demo itself."""
    monkeypatch.setattr("summitdesk.demo.load.load_history", lambda *args, **kwargs: None)


def test_demo_adds_dm_1048_as_a_draft_dated_the_load_day(demo: Demo) -> None:
    circular = Circular.objects.select_related("meeting").get(reference="DM-1048")

    assert (circular.reference, circular.status, circular.date) == (
        "DM-1048",
        CircularStatus.DRAFT,
        demo.today,
    )
    assert circular.meeting.code == "geneva-2003"
    assert circular.meeting.process.historical(circular.date) == datetime.date(2003, 7, 9)
    assert circular.addressees == (
        "CEOs of ITU Sector Members and Accredited Business Sector Entities"
    )
    assert circular.letterhead.splitlines() == [
        "International Telecommunication Union",
        "Place des Nations",
        "CH-1211 Geneva 20, Switzerland",
    ]
    assert circular.signatory_name == "Yoshio UTSUMI"
    assert circular.titles == [
        "Secretary-General, International Telecommunication Union (ITU)",
        "Chairman, High-Level Summit Organizing Committee (HLSOC)",
    ]
    assert (
        circular.contact_name,
        circular.contact_tel,
        circular.contact_fax,
        circular.contact_email,
    ) == (
        "WSIS Executive Secretariat",
        "+41 22 000 00 00",
        "+41 22 000 00 01",
        "wsis-contact@example.org",
    )
    assert circular.enclosures == ["reply_form", "information_pack"]
    assert circular.reply_deadline is None  # the letter gives none


def test_demo_circular_has_the_letter_text_in_the_six_languages(
    demo: Demo,
) -> None:
    circular = Circular.objects.get(reference="DM-1048")
    texts = {text.language: text for text in circular.texts.all()}

    assert sorted(texts) == ["ar", "en", "es", "fr", "ru", "zh"]
    english = texts["en"]
    assert english.subject == (
        "World Summit on the Information Society (WSIS)\nGeneva, Switzerland, 10-12 December 2003"
    )
    assert (english.salutation, english.closing) == ("Dear Sir/Madam,", "Yours faithfully,")
    paragraphs = english.body.split("\n\n")
    assert len(paragraphs) == 6
    assert paragraphs[0].startswith("The first phase of the World Summit on the Information")
    assert paragraphs[-1].endswith("essential web links to our key partners.")
    assert "Bamako, Bucharest, Tokyo, Bávaro, Beirut" in paragraphs[2]
    assert (texts["fr"].salutation, texts["es"].closing) == (
        "Madame, Monsieur,",
        "Le saluda atentamente,",
    )
    assert texts["fr"].subject.startswith("Sommet mondial sur la société de l'information")
    assert texts["es"].subject.startswith("Cumbre Mundial sobre la Sociedad de la Información")
    assert (texts["ru"].salutation, texts["ar"].closing, texts["zh"].salutation) == (
        "Уважаемая госпожа, уважаемый господин!",
        "وتفضلوا بقبول فائق الاحترام،",
        "尊敬的先生/女士：",
    )
    assert texts["ru"].subject.startswith("Всемирная встреча на высшем уровне")
    assert texts["ar"].subject.startswith("القمة العالمية لمجتمع المعلومات")
    assert texts["zh"].subject.startswith("信息社会世界峰会")
    assert [len(texts[code].body.split("\n\n")) for code in ("fr", "es", "ru", "ar", "zh")] == [
        6,
        6,
        6,
        6,
        6,
    ]
    assert texts["en"].secretariat_translation is False
    assert all(texts[code].secretariat_translation for code in ("fr", "es", "ru", "ar", "zh"))
    assert texts["fr"].letterhead.splitlines()[0] == "Union internationale des télécommunications"
    assert texts["es"].titles[0] == (
        "Secretario General, Unión Internacional de Telecomunicaciones (UIT)"
    )
    assert texts["ar"].addressees.startswith("الرؤساء التنفيذيون")
    assert texts["ru"].contact_name == "Исполнительный секретариат ВВУИО"
    assert texts["zh"].letterhead.splitlines()[0] == "国际电信联盟"
    # Each translation prints its own letterhead, addressees and titles.
    assert not any(
        "will print in English" in point for point in services.points_to_confirm(circular)
    )
    assert "Бамако, Бухаресте, Токио, Баваро и Бейруте" in texts["ru"].body
    assert "巴马科、布加勒斯特、东京、巴瓦罗和贝鲁特" in texts["zh"].body


def test_demo_circular_is_ready_to_dispatch_to_organisations_in_every_script(
    demo: Demo,
) -> None:
    circular = Circular.objects.get(reference="DM-1048")
    organisations = Audience.from_json(circular.audience).organisations()
    names = list(organisations.values_list("name", flat=True))
    summary = services.audience_summary(circular)

    assert services.problems(circular) == []
    assert circular.audience == {"categories": ["sector_member", "business_entity"]}
    assert summary.total == len(names) > 100
    assert 0 < summary.without_email < summary.total
    for script, pattern in SCRIPTS.items():
        assert any(pattern.search(name) for name in names), script


def test_demo_information_pack_has_generic_links(demo: Demo) -> None:
    items = list(PackItem.objects.filter(meeting__code="geneva-2003"))

    assert [(item.title, item.url, item.language) for item in items] == [
        ("Summit background", "https://wsis.example.org/background/", ""),
        (
            "Draft Declaration of Principles and Plan of Action",
            "https://wsis.example.org/drafts/",
            "",
        ),
        ("Partners", "https://wsis.example.org/partners/", ""),
    ]


def test_demo_circular_is_added_once(demo: Demo) -> None:
    again = load_demo(today=demo.today + datetime.timedelta(days=3))

    assert again.circular_created is False
    assert again.already_loaded is True
    assert Circular.objects.filter(reference="DM-1048").count() == 1
    assert Circular.objects.get(reference="DM-1048").date == demo.today
    assert PackItem.objects.count() == len(demo_circular.PACK_LINKS)


@pytest.mark.integration  # loads the demo itself
def test_load_demo_command_says_dm_1048_is_ready(
    db: None, _without_history: None, capsys: pytest.CaptureFixture[str]
) -> None:
    call_command("load_demo")

    out = capsys.readouterr().out
    assert (
        "Circular DM-1048 is ready to dispatch to its audience: open Circulars, then DM-1048, "
        "and preview it before you send it. Mail goes to the Mailbox."
    ) in out
