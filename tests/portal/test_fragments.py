"""The portal's fragment cache (portal/fragments.py) keeps the HTML of blank forms, shared by
every visitor: no visitor's data ever lands in it, and no visitor sees another's choices."""

from collections.abc import Hashable

import pytest
from django.test import Client
from django.utils.safestring import SafeString
from pytest_django import Settings

from summitdesk.portal import fragments
from tests.portal.conftest import Invited, posted

pytestmark = pytest.mark.django_db

#: What Acme's focal point types: each string is Acme's alone.
ACME_FOCAL_POINT = {
    "title": "Dr",
    "given_name": "Zephyrine",
    "family_name": "Quillfeather",
    "function": "Director of Spectrum Affairs",
    "email": "zephyrine.quillfeather@acme.example.org",
    "phone": "+41 22 555 01 23",
}
ACME_BACKUP = {
    "given_name": "Oswin",
    "family_name": "Marchbanks",
    "email": "oswin.marchbanks@acme.example.org",
}
ACME_MEMBERS = [
    ("Ysolde", "Vantongeren", "Chief Spectrum Strategist"),
    ("Hallvard", "Brightwater", "Counsellor for Numbering"),
]
ACME_STRINGS = [
    "Zephyrine",
    "Quillfeather",
    "Director of Spectrum Affairs",
    "zephyrine.quillfeather@acme.example.org",
    "+41 22 555 01 23",
    "Oswin",
    "Marchbanks",
    "oswin.marchbanks@acme.example.org",
    "Ysolde",
    "Vantongeren",
    "Chief Spectrum Strategist",
    "Hallvard",
    "Brightwater",
    "Counsellor for Numbering",
    "Acme Telecom",
]
#: Acme's choices on its first member's row: a country and a gender.
NEW_ZEALAND_CHOSEN = '<option value="NZ" selected>'
FEMALE_CHOSEN = '<option value="female" selected>'


def acme_reply(
    action: str = "save", head_level: str = "chief_executive", head: int | None = 0
) -> dict[str, str]:
    """Acme's reply as its browser posts it: two named members, the first one from New
    Zealand, a woman, who agrees to be listed; two blank rows below them."""
    data = posted(
        estimate=4,
        focal_point=ACME_FOCAL_POINT,
        backup=ACME_BACKUP,
        members=ACME_MEMBERS,
        rows=2,
        consent=(0,),
        action=action,
        head_level=head_level,
        head=head,
    )
    data["members-0-nationality"] = "NZ"
    data["members-0-gender"] = "female"
    return data


def html_of(response: object) -> str:
    content = getattr(response, "content", b"")
    assert isinstance(content, bytes)
    return content.decode()


@pytest.fixture
def store(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> dict[tuple[Hashable, ...], SafeString]:
    """The fragment cache, empty at the start of the test (it lives as long as the process),
    on as in production (DEBUG turns it off)."""
    settings.DEBUG = False
    empty: dict[tuple[Hashable, ...], SafeString] = {}
    monkeypatch.setattr(fragments, "_blank_fragments", empty)
    return empty


def test_no_visitors_data_lands_in_a_cached_fragment(
    store: dict[tuple[Hashable, ...], SafeString], acme: Invited, borealis: Invited
) -> None:
    acme_client = Client()
    saved = acme_client.post(acme.url, acme_reply())
    assert saved.status_code == 302
    shown = html_of(acme_client.get(acme.url))
    more_rows = html_of(acme_client.post(acme.url, acme_reply(action="add_rows")))
    refused = acme_client.post(acme.url, acme_reply(action="submit", head_level="", head=None))
    assert refused.status_code == 400
    # Acme's pages show Acme's data, by every way of rendering them (the positive control).
    for html in (shown, more_rows, html_of(refused)):
        for text in ("Zephyrine", "Quillfeather", "Vantongeren", "Counsellor for Numbering"):
            assert text in html
        assert html.count(NEW_ZEALAND_CHOSEN) == 1
        assert html.count(FEMALE_CHOSEN) == 1

    borealis_page = html_of(Client().get(borealis.url))

    # Blank rows and the row template were cached: the store is in use.
    kinds = {key[1] for key in store}
    assert {"member", "field", "management"} <= kinds
    assert any('name="members-__prefix__-family_name"' in html for html in store.values())
    # ...and holds nothing that any visitor typed or chose.
    for key, html in store.items():
        for text in ACME_STRINGS:
            assert text not in html, (key, text)
            assert text not in repr(key), (key, text)
        assert NEW_ZEALAND_CHOSEN not in html, key
        assert FEMALE_CHOSEN not in html, key
        assert "Borealis Networks" not in html, key
    # The second visitor sees none of the first one's data or choices.
    for text in ACME_STRINGS:
        assert text not in borealis_page
    assert NEW_ZEALAND_CHOSEN not in borealis_page
    assert FEMALE_CHOSEN not in borealis_page
    assert "Borealis Networks" in borealis_page


def test_a_visitors_choices_do_not_follow_the_next_visitor(
    store: dict[tuple[Hashable, ...], SafeString], acme: Invited, borealis: Invited
) -> None:
    borealis_client = Client()
    first = html_of(borealis_client.get(borealis.url))
    assert NEW_ZEALAND_CHOSEN not in first
    cached = dict(store)

    acme_client = Client()
    acme_client.post(acme.url, acme_reply())
    acme_page = html_of(acme_client.get(acme.url))
    again = html_of(borealis_client.get(borealis.url))

    assert acme_page.count(NEW_ZEALAND_CHOSEN) == 1
    assert "Zephyrine" in acme_page
    for text in ACME_STRINGS:
        assert text not in again
    assert NEW_ZEALAND_CHOSEN not in again
    assert FEMALE_CHOSEN not in again
    # Acme's page left the blank fragments as Borealis' first visit made them.
    assert {key: store[key] for key in cached} == cached
