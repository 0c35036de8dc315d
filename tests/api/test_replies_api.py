"""The invitations and replies API: lists with filters and pages, one reply with its
delegation and ETag, a reply written on an organisation's behalf through the services of
the back office (If-Match required, field-level errors, after the deadline too), and the
replies' change feed."""

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from summitdesk.accreditation import services as services_accreditation
from summitdesk.accreditation.enums import AccreditationStatus
from summitdesk.accreditation.models import Accreditation
from summitdesk.core.audit import Actor
from summitdesk.core.enums import Channel
from summitdesk.core.models import AuditEntry
from summitdesk.correspondence.models import Circular, Invitation
from summitdesk.delegations import services
from summitdesk.delegations.enums import ReplyState
from summitdesk.delegations.models import Delegate, Reply
from summitdesk.directory.enums import Category
from summitdesk.directory.models import Organisation
from summitdesk.meetings.models import Meeting
from tests.accreditation.builders import STAFF, meeting, members, submitted_reply
from tests.api.conftest import ApiClient, circular, error_fields
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

READ = "replies:read"
WRITE = "replies:write"
PORTAL = Actor.system("focal point", Channel.PORTAL)


def invite(letter: Circular, organisation: Organisation) -> Invitation:
    return Invitation.objects.create(circular=letter, organisation=organisation, language="en")


@pytest.fixture
def summit() -> Meeting:
    return meeting()


@pytest.fixture
def orange() -> Organisation:
    return OrganisationFactory(name="Orange", category=Category.SECTOR_MEMBER, country="FR")


@pytest.fixture
def reader(api_for: Callable[..., ApiClient]) -> ApiClient:
    return api_for(READ)


@pytest.fixture
def writer(api_for: Callable[..., ApiClient]) -> ApiClient:
    return api_for(READ, WRITE)


def attending(members_named: list[dict[str, Any]], **changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "submit": True,
        "attending": True,
        "estimated_participants": max(len(members_named), 1),
        "focal_point": {
            "family_name": "Focal",
            "given_name": "Fay",
            "email": "fay@orange.example",
            "function": "Head of standards",
        },
        "delegates": members_named,
    }
    body.update(changes)
    return body


def member(family: str, **changes: Any) -> dict[str, Any]:
    """A member as the API takes it; a head of delegation has a protocol level."""
    level = {"protocol_level": "chief_executive"} if changes.get("is_head") else {}
    return (
        {"family_name": family, "given_name": "Ann", "email": f"{family.lower()}@x.example"}
        | level
        | changes
    )


# Invitations


def test_invitations_list_with_filters(
    reader: ApiClient, summit: Meeting, orange: Organisation
) -> None:
    sonatel = OrganisationFactory(name="Sonatel", country="SN")
    letter = circular(summit, "DM-1048")
    reminder_meeting = meeting(code="tunis-2005", title="Second phase")
    other = circular(reminder_meeting, "DM-2001")
    to_orange, to_sonatel = invite(letter, orange), invite(letter, sonatel)
    elsewhere = invite(other, orange)
    submitted_reply(orange, summit, members(1))

    def ids(query: str) -> list[int]:
        response = reader.get(f"/invitations?{query}")
        assert response.status_code == 200, response.content
        return [item["id"] for item in response.json()["items"]]

    assert ids("") == [to_orange.pk, to_sonatel.pk, elsewhere.pk]
    assert ids("meeting=geneva-2003") == [to_orange.pk, to_sonatel.pk]
    assert ids("circular=DM-2001") == [elsewhere.pk]
    assert ids(f"organisation={sonatel.pk}") == [to_sonatel.pk]
    assert ids("answered=true") == [to_orange.pk]
    assert ids("answered=false") == [to_sonatel.pk, elsewhere.pk]
    item = reader.get(f"/invitations?organisation={sonatel.pk}").json()["items"][0]
    assert item | {"created_at": None} == {
        "id": to_sonatel.pk,
        "circular": "DM-1048",
        "meeting": "geneva-2003",
        "organisation": {
            "id": sonatel.pk,
            "name": "Sonatel",
            "acronym": sonatel.acronym,
            "country": "SN",
            "region": "africa",
        },
        "language": "en",
        "answered": False,
        "replied_at": None,
        "created_at": None,
    }


def test_invitations_need_a_token_with_the_scope(
    anonymous: ApiClient, api_for: Callable[..., ApiClient]
) -> None:
    assert anonymous.get("/invitations").status_code == 401
    refused = api_for("accreditations:read").get("/invitations")
    assert refused.status_code == 403
    assert error_fields(refused) == {"scope": [READ]}


# Reading replies


def test_replies_list_filters_and_pages(
    reader: ApiClient, summit: Meeting, orange: Organisation
) -> None:
    sonatel = OrganisationFactory(name="Sonatel")
    first = submitted_reply(orange, summit, members(2))
    second = services.reply_for(sonatel, summit)
    third = submitted_reply(sonatel, meeting(code="tunis-2005"), members(1))

    assert [r["id"] for r in reader.walk("/replies?limit=1")] == [first.pk, second.pk, third.pk]
    assert [r["id"] for r in reader.get("/replies?state=submitted").json()["items"]] == [
        first.pk,
        third.pk,
    ]
    assert [r["id"] for r in reader.get("/replies?meeting=tunis-2005").json()["items"]] == [
        third.pk
    ]
    assert [r["id"] for r in reader.get(f"/replies?organisation={sonatel.pk}").json()["items"]] == [
        second.pk,
        third.pk,
    ]
    assert reader.get("/replies?state=lost").status_code == 422
    for query in ("/replies?meeting=%00", "/invitations?circular=a%00", "/invitations?meeting=%00"):
        assert reader.get(query).status_code == 422  # PostgreSQL refuses NUL in text


def test_one_reply_with_its_delegation(
    reader: ApiClient, summit: Meeting, orange: Organisation
) -> None:
    reply = submitted_reply(orange, summit, members(2))
    circular(summit, "DM-1048", deadline=timezone.now() + datetime.timedelta(days=3))
    invite(Circular.objects.get(), orange)

    response = reader.get(f"/replies/{reply.pk}")

    body = response.json()
    assert response.status_code == 200
    assert response["ETag"]
    assert (body["state"], body["attending"], body["meeting"]) == ("submitted", True, summit.code)
    assert body["focal_point"]["family_name"] == "Focal"
    assert [(d["family_name"], d["is_head"]) for d in body["delegates"]] == [
        ("Member 0", True),
        ("Member 1", False),
    ]
    assert all(d["accreditation"] for d in body["delegates"])
    assert body["deadline"] is not None
    assert "gender" not in body["delegates"][0]


def test_unknown_reply_is_not_found(reader: ApiClient) -> None:
    response = reader.get("/replies/424242")

    assert response.status_code == 404
    assert error_fields(response) == {}


# Writing on the organisation's behalf


def test_put_submits_the_reply_on_behalf_of_the_organisation(
    writer: ApiClient, summit: Meeting, orange: Organisation
) -> None:
    reply = services.reply_for(orange, summit)
    seen = writer.get(f"/replies/{reply.pk}")["ETag"]

    response = writer.put(
        f"/replies/{reply.pk}",
        attending([member("Durand", is_head=True), member("Martin", nationality="fr")]),
        headers={"If-Match": seen},
    )

    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["state"], body["entered_on_behalf"]) == ("submitted", True)
    assert [d["family_name"] for d in body["delegates"]] == ["Durand", "Martin"]
    assert body["delegates"][1]["nationality"] == "FR"
    assert response["ETag"] != seen
    assert (
        Accreditation.objects.filter(
            delegate__reply=reply, status=AccreditationStatus.PENDING
        ).count()
        == 2
    )
    entry = AuditEntry.objects.for_object(reply).get(action="summitdesk.reply.submitted")
    assert entry.channel == Channel.API
    assert entry.actor is None
    assert entry.actor_label.startswith("API token integrator-")
    assert DBTaskResult.objects.exists()  # the confirmation email, as from the back office


def test_put_without_if_match_is_refused_and_changes_nothing(
    writer: ApiClient, summit: Meeting, orange: Organisation
) -> None:
    reply = services.reply_for(orange, summit)

    response = writer.put(f"/replies/{reply.pk}", attending([member("Durand", is_head=True)]))

    assert response.status_code == 428
    assert "If-Match" in error_fields(response)
    assert Reply.objects.get(pk=reply.pk).state == ReplyState.NOT_OPENED


def test_put_over_a_change_made_meanwhile_is_refused(
    writer: ApiClient, summit: Meeting, orange: Organisation
) -> None:
    reply = services.reply_for(orange, summit)
    seen = writer.get(f"/replies/{reply.pk}")["ETag"]
    services.save_reply(
        reply, services.ReplyData(attending=False, decline_reason="Busy"), submit=True, actor=PORTAL
    )

    response = writer.put(
        f"/replies/{reply.pk}",
        attending([member("Durand", is_head=True)]),
        headers={"If-Match": seen},
    )

    assert response.status_code == 412
    assert Reply.objects.get(pk=reply.pk).state == ReplyState.DECLINED


def test_put_over_a_change_made_after_the_etag_was_checked_is_refused(
    writer: ApiClient, summit: Meeting, orange: Organisation, monkeypatch: pytest.MonkeyPatch
) -> None:
    reply = services.reply_for(orange, summit)
    seen = writer.get(f"/replies/{reply.pk}")["ETag"]
    save = services.save_reply

    def after_another_change(target: Reply, data: services.ReplyData, **options: Any) -> Reply:
        declined = services.ReplyData(attending=False, decline_reason="Busy")
        save(Reply.objects.get(pk=target.pk), declined, submit=True, actor=PORTAL)
        return save(target, data, **options)

    monkeypatch.setattr(services, "save_reply", after_another_change)

    response = writer.put(
        f"/replies/{reply.pk}",
        attending([member("Durand", is_head=True)]),
        headers={"If-Match": seen},
    )

    assert response.status_code == 412 and "If-Match" in error_fields(response)
    assert Reply.objects.get(pk=reply.pk).state == ReplyState.DECLINED
    assert not Delegate.objects.filter(reply=reply).exists()


def test_put_needs_the_write_scope(
    reader: ApiClient, summit: Meeting, orange: Organisation
) -> None:
    reply = services.reply_for(orange, summit)

    response = reader.put(
        f"/replies/{reply.pk}",
        attending([member("Durand", is_head=True)]),
        headers={"If-Match": reader.get(f"/replies/{reply.pk}")["ETag"]},
    )

    assert response.status_code == 403
    assert error_fields(response) == {"scope": [WRITE]}


def test_put_refuses_what_the_services_refuse_field_by_field(
    writer: ApiClient, summit: Meeting, orange: Organisation
) -> None:
    reply = services.reply_for(orange, summit)
    seen = writer.get(f"/replies/{reply.pk}")["ETag"]

    response = writer.put(
        f"/replies/{reply.pk}",
        {"submit": True, "attending": True, "delegates": [member("Durand")]},
        headers={"If-Match": seen},
    )

    assert response.status_code == 422
    fields = error_fields(response)
    assert set(fields) == {"focal_point", "estimated_participants", "delegates"}
    assert fields["delegates"] == ["Mark the head of delegation among the people named."]
    assert Reply.objects.get(pk=reply.pk).state == ReplyState.NOT_OPENED
    assert not Delegate.objects.filter(reply=reply).exists()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"delegates": [member("Durand", is_head=True, email="not-an-address")]}, "delegates"),
        ({"delegates": [member("Durand", is_head=True, nationality="XX")]}, "delegates"),
        ({"delegates": [member("", is_head=True)]}, "delegates"),
        ({"estimated_participants": 0}, "estimated_participants"),
        ({"head_level": "emperor"}, "head_level"),
        ({"attending": "perhaps"}, "attending"),
        ({"decline_reason": "nul\x00byte"}, "decline_reason"),
    ],
)
def test_put_refuses_bad_input_naming_the_field(
    writer: ApiClient, summit: Meeting, orange: Organisation, change: dict[str, Any], field: str
) -> None:
    reply = services.reply_for(orange, summit)

    response = writer.put(
        f"/replies/{reply.pk}",
        attending([member("Durand", is_head=True)], **change),
        headers={"If-Match": writer.get(f"/replies/{reply.pk}")["ETag"]},
    )

    assert response.status_code == 422, response.content
    assert any(name.split(".")[0] == field for name in error_fields(response))
    assert Reply.objects.get(pk=reply.pk).state == ReplyState.NOT_OPENED


def test_put_after_the_deadline_is_accepted_as_in_the_back_office(
    writer: ApiClient, summit: Meeting, orange: Organisation
) -> None:
    invite(
        circular(summit, "DM-1048", deadline=timezone.now() - datetime.timedelta(days=1)), orange
    )
    reply = submitted_reply(orange, summit, members(1))
    body = writer.get(f"/replies/{reply.pk}")
    current = body.json()

    response = writer.put(
        f"/replies/{reply.pk}",
        attending(
            [*current["delegates"], member("Late", given_name="Lou")],
            estimated_participants=4,
            focal_point=current["focal_point"],
        ),
        headers={"If-Match": body["ETag"]},
    )

    assert response.status_code == 200, response.content
    assert response.json()["state"] == "amended"
    assert [d["family_name"] for d in response.json()["delegates"]] == ["Member 0", "Late"]
    with pytest.raises(services.ReplyClosed):  # the portal would have been refused
        services.save_reply(reply, services.reply_data(reply), submit=True, actor=PORTAL)


def test_patch_changes_only_the_fields_given(
    writer: ApiClient, summit: Meeting, orange: Organisation
) -> None:
    reply = submitted_reply(orange, summit, members(2))
    ids = list(Delegate.objects.filter(reply=reply).values_list("pk", flat=True))

    response = writer.patch(
        f"/replies/{reply.pk}",
        {"estimated_participants": 5},
        headers={"If-Match": writer.get(f"/replies/{reply.pk}")["ETag"]},
    )

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["estimated_participants"] == 5
    assert body["state"] == "amended"
    assert [d["id"] for d in body["delegates"]] == ids
    assert body["focal_point"]["family_name"] == "Focal"


def test_patch_declining_withdraws_the_delegation(
    writer: ApiClient, summit: Meeting, orange: Organisation
) -> None:
    reply = submitted_reply(orange, summit, members(2))

    response = writer.patch(
        f"/replies/{reply.pk}",
        {"submit": True, "attending": False, "decline_reason": "No budget"},
        headers={"If-Match": writer.get(f"/replies/{reply.pk}")["ETag"]},
    )

    assert response.status_code == 200, response.content
    assert (response.json()["state"], response.json()["delegates"]) == ("declined", [])
    assert set(
        Accreditation.objects.filter(delegate__reply=reply).values_list("status", flat=True)
    ) == {AccreditationStatus.WITHDRAWN}


def test_patch_renaming_an_approved_delegate_returns_it_to_pending(
    writer: ApiClient, summit: Meeting, orange: Organisation
) -> None:
    reply = submitted_reply(orange, summit, members(2))
    for accreditation in Accreditation.objects.filter(delegate__reply=reply).order_by("pk"):
        services_accreditation.transition(accreditation, AccreditationStatus.APPROVED, actor=STAFF)
    body = writer.get(f"/replies/{reply.pk}")
    delegates = body.json()["delegates"]
    renamed = [{k: v for k, v in d.items() if k not in ("id", "accreditation")} for d in delegates]
    renamed[1] |= {"given_name": "Karl", "family_name": "Schmidt"}  # the email kept

    response = writer.patch(
        f"/replies/{reply.pk}",
        {"submit": True, "delegates": renamed},
        headers={"If-Match": body["ETag"]},
    )

    assert response.status_code == 200, response.content
    assert [d["id"] for d in response.json()["delegates"]] == [d["id"] for d in delegates]
    assert [
        (a.status, a.badge_version)
        for a in Accreditation.objects.filter(delegate__reply=reply).order_by("delegate__position")
    ] == [(AccreditationStatus.APPROVED, 1), (AccreditationStatus.PENDING, 2)]
    entry = AuditEntry.objects.get(action="summitdesk.accreditation.reconsidered")
    assert entry.channel == "api"


def test_post_enters_the_first_reply_of_an_organisation(
    writer: ApiClient, summit: Meeting, orange: Organisation
) -> None:
    response = writer.post(
        "/replies",
        {"organisation": orange.pk, "meeting": summit.code}
        | attending([member("Durand", is_head=True)]),
    )

    assert response.status_code == 201, response.content
    reply = Reply.objects.get(organisation=orange, meeting=summit)
    assert response.json()["id"] == reply.pk
    assert reply.state == ReplyState.SUBMITTED
    again = writer.post(
        "/replies", {"organisation": orange.pk, "meeting": summit.code, "attending": False}
    )
    assert again.status_code == 409
    assert Reply.objects.get(pk=reply.pk).state == ReplyState.SUBMITTED


def test_post_names_unknown_organisation_and_meeting(writer: ApiClient) -> None:
    response = writer.post("/replies", {"organisation": 999999, "meeting": "nowhere"})

    assert response.status_code == 422
    assert set(error_fields(response)) == {"organisation", "meeting"}
    assert not Reply.objects.exists()


# The change feed


def test_reply_changes_feed(reader: ApiClient, summit: Meeting, orange: Organisation) -> None:
    since = reader.get("/replies/changes").json()["next_since"]
    reply = services.reply_for(orange, summit)
    services.open_reply(reply, actor=PORTAL)
    services.save_reply(reply, services.ReplyData(attending=True), submit=False, actor=PORTAL)
    services.save_reply(
        reply, services.ReplyData(attending=False, decline_reason="Busy"), submit=True, actor=STAFF
    )

    feed = reader.get(f"/replies/changes?since={since}").json()

    assert [(r["id"], r["action"], r["state"]) for r in feed["items"]] == [
        (reply.pk, "opened", "opened"),
        (reply.pk, "updated", "draft"),
        (reply.pk, "submitted", "declined"),
    ]
    assert reader.get(f"/replies/changes?since={feed['next_since']}").json()["items"] == []


def test_write_to_an_unknown_reply_is_not_found(writer: ApiClient) -> None:
    response = writer.put(
        "/replies/424242", attending([member("Durand", is_head=True)]), headers={"If-Match": "*"}
    )

    assert response.status_code == 404
    assert error_fields(response) == {}


def test_post_needs_the_write_scope(
    reader: ApiClient, summit: Meeting, orange: Organisation
) -> None:
    response = reader.post(
        "/replies",
        {"organisation": orange.pk, "meeting": summit.code}
        | attending([member("Durand", is_head=True)]),
    )

    assert response.status_code == 403
    assert not Reply.objects.exists()


def test_malformed_json_is_refused(
    writer: ApiClient, summit: Meeting, orange: Organisation
) -> None:
    reply = services.reply_for(orange, summit)

    response = writer.client.put(
        f"/api/v1/replies/{reply.pk}",
        data="{not json",
        content_type="application/json",
        headers={"Authorization": f"Bearer {writer.token}", "If-Match": "*"},
    )

    assert response.status_code in (400, 422)
    assert response.json()["detail"]
    assert Reply.objects.get(pk=reply.pk).state == ReplyState.NOT_OPENED
