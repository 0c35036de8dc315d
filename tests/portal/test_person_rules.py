"""Names typed in the portal: a line break, a control character, a bidi mark or a web
address is refused beside its field, with the message every other way in gives, and
nothing is saved; names joined with ZWJ/ZWNJ are kept."""

import re

import pytest
from django.test import Client

from summitdesk.core.models import AuditEntry
from summitdesk.meetings.models import Meeting
from tests.directory.test_validators import BAD_NAMES, JOINED_NAMES
from tests.portal.builders import Named, form
from tests.portal.conftest import DELEGATION, JANE, Invited, posted
from tests.portal.test_delegate_pages import amina  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db


def field_errors(response: object, field_id: str) -> list[str]:
    content = getattr(response, "content", b"").decode()
    found = re.search(rf'<ul class="errorlist" id="id_{field_id}_error">(.*?)</ul>', content, re.S)
    assert found, field_id
    return [
        " ".join(re.sub(r"<[^>]+>", " ", item).split())
        for item in re.findall(r"<li>(.*?)</li>", found.group(1), re.S)
    ]


def opened(invited: Invited) -> None:
    """The focal point has begun on the page (which alone opens the reply)."""
    assert Client().post(f"{invited.url}opened/").status_code == 204


def saved_state(invited: Invited) -> tuple[object, ...]:
    reply = invited.reply
    reply.refresh_from_db()
    return (reply.state, reply.focal_point_id, reply.delegates.count(), AuditEntry.objects.count())


@pytest.mark.parametrize(("name", "message"), BAD_NAMES)
def test_reply_focal_point_bad_name_is_refused_and_saves_nothing(
    acme: Invited, name: str, message: str
) -> None:
    opened(acme)
    before = saved_state(acme)

    response = Client().post(acme.url, posted(focal_point={**JANE, "family_name": name}))

    assert response.status_code == 400
    assert field_errors(response, "focal_point-family_name") == [message]
    assert saved_state(acme) == before


@pytest.mark.parametrize(("name", "message"), BAD_NAMES)
def test_reply_member_bad_name_is_refused_and_saves_nothing(
    acme: Invited, name: str, message: str
) -> None:
    opened(acme)
    before = saved_state(acme)

    response = Client().post(
        acme.url, posted(estimate=2, members=[DELEGATION[0], ("Zoe", name, "Adviser")])
    )

    assert response.status_code == 400
    assert field_errors(response, "members-1-family_name") == [message]
    assert saved_state(acme) == before


def test_reply_member_function_with_a_web_address_is_refused(acme: Invited) -> None:
    response = Client().post(
        acme.url, posted(estimate=1, members=[("Zoe", "Zeta", "See www.evil.example")])
    )

    assert response.status_code == 400
    assert field_errors(response, "members-0-function") == [BAD_NAMES[3][1]]


def test_reply_names_with_zero_width_joiners_are_saved(acme: Invited) -> None:
    members = [(JOINED_NAMES[1], JOINED_NAMES[0], "Adviser")]

    response = Client().post(acme.url, posted(estimate=1, members=members))

    assert response.status_code == 302
    assert list(acme.reply.delegates.values_list("given_name", "family_name")) == [
        (JOINED_NAMES[1], JOINED_NAMES[0])
    ]


# The delegate's own page: names as in the passport


@pytest.mark.parametrize(("name", "message"), BAD_NAMES)
def test_delegate_page_refuses_a_bad_passport_name_and_saves_nothing(
    amina: Named,  # noqa: F811
    meeting: Meeting,
    name: str,
    message: str,
) -> None:
    response = Client().post(amina.url, form(meeting, passport_family_name=name))

    assert response.status_code == 400
    assert field_errors(response, "passport_family_name") == [message]
    assert amina.fresh().passport_family_name == ""


def test_delegate_page_keeps_passport_names_with_zero_width_joiners(
    amina: Named,  # noqa: F811
    meeting: Meeting,
) -> None:
    response = Client().post(
        amina.url,
        form(meeting, passport_given_name=JOINED_NAMES[1], passport_family_name=JOINED_NAMES[0]),
    )

    assert response.status_code == 302
    fresh = amina.fresh()
    assert (fresh.passport_given_name, fresh.passport_family_name) == tuple(reversed(JOINED_NAMES))
