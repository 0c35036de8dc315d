"""The API's participant types and the nominee fields of a reply."""

from collections.abc import Callable

import pytest

from summitdesk.delegations.models import Delegate
from summitdesk.meetings.models import Meeting
from tests.accreditation.builders import meeting as make_meeting
from tests.accreditation.builders import members, submitted_reply
from tests.api.conftest import ApiClient
from tests.delegations.conftest import invite, make_circular
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def summit() -> Meeting:
    return make_meeting()


def test_participant_types_with_their_counts(
    api_for: Callable[..., ApiClient], summit: Meeting
) -> None:
    organisation = OrganisationFactory()
    invite(make_circular(summit, "DM-1"), organisation)
    reply = submitted_reply(organisation, summit, members(2))
    Delegate.objects.filter(reply=reply, is_head=False).update(online=True)

    response = api_for("meetings:read").get(f"/meetings/{summit.pk}/participant-types")

    assert response.status_code == 200
    items = {item["code"]: item for item in response.json()["items"]}
    assert len(items) == 10
    assert (items["delegate"]["registered_in_person"], items["delegate"]["registered_online"]) == (
        1,
        1,
    )
    assert items["press"]["counts_against_limit"] is False
    assert (
        api_for("replies:read").get(f"/meetings/{summit.pk}/participant-types").status_code == 403
    )
    assert api_for("meetings:read").get("/meetings/424242/participant-types").status_code == 404


def test_reply_shows_and_takes_the_nominee_fields(
    api_for: Callable[..., ApiClient], summit: Meeting
) -> None:
    reply = submitted_reply(OrganisationFactory(), summit, members(1))
    reader = api_for("replies:read", "replies:write")
    shown = reader.get(f"/replies/{reply.pk}")
    body = shown.json()

    assert body["head_level"] == "chief_executive"
    assert body["delegates"][0] | {"id": 0, "accreditation": 0} == {
        "id": 0,
        "accreditation": 0,
        "title": "",
        "given_name": "Ann",
        "family_name": "Member 0",
        "function": "",
        "email": "member0@example.org",
        "nationality": "",
        "consent_to_publish": False,
        "is_head": True,
        "affiliation": "",
        "relationship": "",
        "protocol_level": "chief_executive",
        "online": False,
        "participant_type": "delegate",
        "returning_from": None,
        "confirmed": None,
    }
    patched = reader.patch(
        f"/replies/{reply.pk}",
        {
            "delegates": [
                {
                    "family_name": "Member 0",
                    "given_name": "Ann",
                    "email": "member0@example.org",
                    "is_head": True,
                    "protocol_level": "minister",
                    "affiliation": "Analysys Mason",
                    "relationship": "consultant",
                    "online": True,
                    "participant_type": "vip",
                }
            ]
        },
        headers={"If-Match": shown["ETag"]},
    )
    assert patched.status_code == 200, patched.content
    delegate = Delegate.objects.get(reply=reply)
    assert (delegate.protocol_level, delegate.online, delegate.participant_type.code) == (  # type: ignore[union-attr]
        "minister",
        True,
        "vip",
    )


@pytest.mark.parametrize(
    "change",
    [
        {"head_level": "minister"},
        {"delegates": [{"family_name": "X", "is_head": True, "protocol_level": "emperor"}]},
        {"delegates": [{"family_name": "X", "affiliation": "bad\u202eline"}]},
    ],
)
def test_reply_refuses_bad_nominee_fields(
    api_for: Callable[..., ApiClient], summit: Meeting, change: dict[str, object]
) -> None:
    reply = submitted_reply(OrganisationFactory(), summit, members(1))
    writer = api_for("replies:read", "replies:write")
    etag = writer.get(f"/replies/{reply.pk}")["ETag"]

    response = writer.patch(f"/replies/{reply.pk}", change, headers={"If-Match": etag})

    assert response.status_code == 422
    assert Delegate.objects.get(reply=reply).protocol_level == "chief_executive"
