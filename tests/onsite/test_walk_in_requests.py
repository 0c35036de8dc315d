"""A walk-in confirmed by the focal point through their link: the desk asks, the focal
point confirms (or refuses) on the portal, the desk registers them; answered once, and
one organisation's link never answers for another's walk-ins."""

import re
from pathlib import Path

import pytest
from django.test import Client
from pytest_django import Settings

from summitdesk.core.enums import Role
from summitdesk.correspondence.enums import MessageKind, MessageState
from summitdesk.correspondence.models import OutboundMessage
from summitdesk.meetings.models import Meeting
from summitdesk.onsite import walk_ins
from summitdesk.onsite.enums import WalkInBasis
from summitdesk.onsite.models import WalkIn, WalkInRequest
from tests.accreditation.builders import STAFF, members, submitted_reply
from tests.conftest import Sink, signed_in
from tests.delegations.builders import member, summit
from tests.factories import UserFactory
from tests.portal.conftest import Invited, invited
from tests.tasks import drop_queued_emails, run_queued_tasks

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _files(settings: Settings, tmp_path: Path) -> None:
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "files"},
        },
    }


@pytest.fixture
def meeting(db: None) -> Meeting:
    return summit()


@pytest.fixture
def nigeria(meeting: Meeting) -> Invited:
    found = invited(meeting, "Nigeria", ceo=("Bola", "Adeyemi"))
    submitted_reply(found.organisation, meeting, members(2, prefix="Nigeria"))
    return found


@pytest.fixture
def ghana(meeting: Meeting) -> Invited:
    found = invited(meeting, "Ghana", ceo=("Kofi", "Mensah"))
    submitted_reply(found.organisation, meeting, members(1, prefix="Ghana"))
    return found


def test_desk_asks_focal_point_confirms_on_the_portal_desk_registers(
    meeting: Meeting, nigeria: Invited
) -> None:
    desk = signed_in(UserFactory(username="badges", role=Role.BADGE_DESK))
    asked = desk.post(
        f"/meetings/{meeting.code}/walk-ins/new/",
        {
            "reply": nigeria.reply.pk,
            "given_name": "Chidi",
            "family_name": "Eze",
            "basis": "letter",
            "ask": "1",
        },
    )
    request = WalkInRequest.objects.get()
    assert asked["Location"] == f"/meetings/{meeting.code}/walk-ins/requests/{request.pk}/"
    waiting = desk.get(asked["Location"]).content.decode()
    assert "waits for the confirmation" in waiting
    assert desk.post(asked["Location"]).status_code == 400  # not confirmed yet
    assert not WalkIn.objects.exists()

    portal = Client()
    page = portal.get(f"{nigeria.url}walk-ins/").content.decode()
    assert "Chidi Eze" in page
    confirmed = portal.post(
        f"{nigeria.url}walk-ins/", {"request": request.pk, "decision": "confirm"}, follow=True
    )
    assert "Confirmed: the registration desk may register them." in confirmed.content.decode()

    registered = desk.post(asked["Location"])
    walk_in = WalkIn.objects.get()
    assert registered["Location"] == f"/meetings/{meeting.code}/walk-ins/{walk_in.pk}/photo/"
    assert walk_in.basis == WalkInBasis.PORTAL
    assert walk_in.accreditation.delegate.family_name == "Eze"
    # Once registered, the request leads to the walk-in's photo, never a second one.
    assert desk.post(asked["Location"])["Location"].endswith(f"/{walk_in.pk}/photo/")
    assert WalkIn.objects.count() == 1


def test_refused_walk_in_cannot_be_registered_and_is_answered_once(nigeria: Invited) -> None:
    request = walk_ins.request_confirmation(nigeria.reply, member("Chidi", "Eze"), actor=STAFF)
    walk_ins.decide_request(request, confirm=False, actor=STAFF)

    with pytest.raises(walk_ins.WalkInRefused, match="already answered"):
        walk_ins.decide_request(request, confirm=True, actor=STAFF)
    with pytest.raises(walk_ins.WalkInRefused, match="has not confirmed"):
        walk_ins.register(
            nigeria.reply,
            walk_ins.person_of(request),
            basis=WalkInBasis.PORTAL,
            actor=STAFF,
            request=request,
        )
    assert not WalkIn.objects.exists()


def test_another_organisations_link_cannot_answer(nigeria: Invited, ghana: Invited) -> None:
    request = walk_ins.request_confirmation(nigeria.reply, member("Chidi", "Eze"), actor=STAFF)

    page = Client().get(f"{ghana.url}walk-ins/").content.decode()
    forged = Client().post(
        f"{ghana.url}walk-ins/", {"request": request.pk, "decision": "confirm"}, follow=True
    )

    assert "Eze" not in page
    assert "There is no such walk-in." in forged.content.decode()
    assert WalkInRequest.objects.get().confirmed is None


def test_confirmation_for_a_closed_reply_is_not_asked(nigeria: Invited) -> None:
    reply = nigeria.reply
    reply.attending = False
    reply.save(update_fields=["attending"])

    with pytest.raises(walk_ins.WalkInRefused, match="closed to walk-ins"):
        walk_ins.request_confirmation(reply, member("Chidi", "Eze"), actor=STAFF)
    assert not WalkInRequest.objects.exists()


def test_focal_point_is_emailed_the_link_once_per_walk_in(smtp: Sink, meeting: Meeting) -> None:
    senegal = invited(meeting, "Sénégal", ceo=("Awa", "Ndiaye"), language="fr")
    reply = submitted_reply(senegal.organisation, meeting, members(1, prefix="Senegal"))
    drop_queued_emails()
    desk = signed_in(UserFactory(username="badges", role=Role.BADGE_DESK))
    ask = {
        "reply": reply.pk,
        "given_name": "Chidi",
        "family_name": "Eze",
        "function": "Adviser",
        "basis": "letter",
        "ask": "1",
    }
    first = desk.post(f"/meetings/{meeting.code}/walk-ins/new/", ask)
    # The desk asks again for the same person (another click, another case): no new email.
    again = desk.post(f"/meetings/{meeting.code}/walk-ins/new/", {**ask, "family_name": "EZE"})
    assert first["Location"] == again["Location"]
    run_queued_tasks()
    run_queued_tasks()

    [received] = smtp.received
    request = WalkInRequest.objects.get()
    waiting = desk.get(first["Location"]).content.decode()
    assert "Email with their link to the focal point: Sent." in waiting
    assert received.rcpt_tos == ["focal@example.org"]
    assert received.message["Content-Language"] == "fr"
    body = received.message.get_body(preferencelist=("plain",))
    assert body is not None
    text = body.get_content()
    assert "Chidi Eze" in text and "Adviser" in text
    match = re.search(r"http\S+/reply/([A-Za-z0-9_-]+)/walk-ins/", text)
    assert match is not None
    page = Client().get(f"/reply/{match.group(1)}/walk-ins/").content.decode()
    assert "Chidi Eze" in page
    confirmed = Client().post(
        f"/reply/{match.group(1)}/walk-ins/", {"request": request.pk, "decision": "confirm"}
    )
    assert confirmed.status_code == 302
    assert OutboundMessage.objects.filter(kind=MessageKind.WALK_IN_TO_CONFIRM).count() == 1


def test_walk_in_answered_before_the_email_is_written_is_not_emailed(
    smtp: Sink, nigeria: Invited
) -> None:
    drop_queued_emails()
    request = walk_ins.request_confirmation(nigeria.reply, member("Chidi", "Eze"), actor=STAFF)
    walk_ins.decide_request(request, confirm=True, actor=STAFF)
    run_queued_tasks()
    assert smtp.received == []
    row = OutboundMessage.objects.get(kind=MessageKind.WALK_IN_TO_CONFIRM)
    assert row.state == MessageState.CANCELLED
    assert "already answered" in row.last_error
