"""Online participation on the portal: the reply form's nominee fields, and the online
access details on the delegate's own page only."""

import html

import pytest
from django.test import Client

from summitdesk.accreditation import services
from summitdesk.accreditation.enums import AccreditationStatus as Status
from summitdesk.delegations.models import Delegate, Reply
from summitdesk.directory.validators import CHARACTERS_MESSAGE
from summitdesk.meetings.models import Meeting
from tests.portal.builders import STAFF, Named, name_delegate
from tests.portal.conftest import DELEGATION, JANE, Invited, posted

pytestmark = pytest.mark.django_db

ACCESS = "https://meet.example.org/plenary-2003"


@pytest.fixture
def amina(acme: Invited, meeting: Meeting) -> Named:
    Meeting.objects.filter(pk=meeting.pk).update(online_access=ACCESS)
    named = name_delegate(acme, "Diallo", "amina@acme.example.org")
    Delegate.objects.filter(pk=named.accreditation.delegate_id).update(online=True)
    services.transition(named.fresh(), Status.APPROVED, actor=STAFF)
    return named


@pytest.fixture
def bjorn(borealis: Invited) -> Named:
    named = name_delegate(borealis, "Berg", "bjorn@borealis.example.org")
    services.transition(named.fresh(), Status.APPROVED, actor=STAFF)
    return named


def test_online_participant_reads_the_access_details_on_their_own_page(amina: Named) -> None:
    page = Client().get(amina.url).content.decode()

    assert ACCESS in page
    assert "You take part online only: there is no badge to collect." in page
    assert "Still missing for the badge" not in page


def test_nobody_else_reads_the_access_details(amina: Named, bjorn: Named) -> None:
    as_focal_point = Client().get(amina.focal_point_url).content.decode()
    in_person = Client().get(bjorn.url).content.decode()

    assert "Diallo" in as_focal_point and ACCESS not in as_focal_point
    assert "Berg" in in_person and ACCESS not in in_person
    assert "Collect your badge in person" in in_person


def test_reply_form_takes_level_affiliation_relationship_and_online(acme: Invited) -> None:
    data = posted(action="submit", estimate=9, focal_point=JANE, members=DELEGATION)
    data |= {
        "members-1-affiliation": "Analysys Mason",
        "members-1-relationship": "consultant",
        "members-1-online": "on",
        "members-0-protocol_level": "minister",
    }

    response = Client().post(acme.url, data)

    assert response.status_code == 302
    reply = Reply.objects.get(pk=acme.reply.pk)
    assert reply.head_level == "minister"
    second = reply.delegates.get(position=1)
    assert (second.affiliation, second.relationship, second.online) == (
        "Analysys Mason",
        "consultant",
        True,
    )
    assert second.participant_type is None  # the portal never sets a type


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"members-0-protocol_level": "emperor"}, "Select a valid choice."),
        ({"members-0-protocol_level": ""}, "Give the protocol level of the head of delegation."),
        ({"members-1-relationship": "cousin"}, "Select a valid choice."),
        ({"members-1-affiliation": "bad\u202eline"}, str(CHARACTERS_MESSAGE)),
    ],
)
def test_reply_form_refuses_bad_nominee_fields(
    acme: Invited, changes: dict[str, str], message: str
) -> None:
    data = posted(action="submit", estimate=9, focal_point=JANE, members=DELEGATION) | changes

    response = Client().post(acme.url, data)

    assert response.status_code in (200, 400)
    assert html.escape(message, quote=True) in response.content.decode()
    assert not Reply.objects.get(pk=acme.reply.pk).delegates.exists()
