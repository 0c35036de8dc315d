"""The on-site registration desk: a walk-in joins the delegation through the reply's
service, is photographed (the checks of every upload), approved and given one badge;
a reply that does not attend takes no walk-in, a bad photo is refused."""

import datetime
import io
from pathlib import Path

import pytest
from django.test import Client
from pypdf import PdfReader
from pytest_django import Settings

from summitdesk.accreditation.enums import AccreditationStatus
from summitdesk.accreditation.models import Accreditation
from summitdesk.backoffice import urls as backoffice_urls
from summitdesk.core.enums import Role
from summitdesk.core.permissions import GRANTS, Permission
from summitdesk.delegations.enums import ReplyState
from summitdesk.delegations.models import Delegate, Reply
from summitdesk.onsite import pickup, walk_ins
from summitdesk.onsite.enums import WalkInBasis
from summitdesk.onsite.models import WalkIn, WalkInRequest
from tests.accreditation.builders import STAFF
from tests.conftest import signed_in
from tests.delegations.builders import member, summit
from tests.factories import UserFactory
from tests.onsite.builders import approved_delegation, camera_jpeg, first_day_slots

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


def test_walk_in_joins_the_delegation_is_photographed_approved_and_printed() -> None:
    nigeria = approved_delegation(count=2)

    walk_in = walk_ins.register(
        nigeria.reply,
        member("Chidi", "Eze", function="Adviser"),
        basis=WalkInBasis.LETTER,
        reference="Note verbale 12/2026",
        actor=STAFF,
    )
    walk_ins.take_photo(walk_in, camera_jpeg(), None, actor=STAFF)
    accreditation = walk_ins.approve_and_print(walk_in, actor=STAFF)
    pdf = walk_ins.badge_pdf(walk_in)

    assert accreditation.delegate.reply_id == nigeria.reply.pk
    assert accreditation.status == AccreditationStatus.APPROVED
    assert accreditation.badge_number
    stored = Accreditation.objects.get(pk=accreditation.pk)
    assert stored.badge_printed_version == stored.badge_version == 1
    assert Reply.objects.get(pk=nigeria.reply.pk).state == ReplyState.AMENDED
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "Eze" in text
    assert accreditation.badge_number in text


def test_walk_in_on_a_declined_reply_is_refused_and_adds_nobody() -> None:
    nigeria = approved_delegation(count=1)
    Reply.objects.filter(pk=nigeria.reply.pk).update(attending=False, state=ReplyState.DECLINED)

    with pytest.raises(walk_ins.WalkInRefused, match="closed to walk-ins"):
        walk_ins.register(
            nigeria.reply, member("Chidi", "Eze"), basis=WalkInBasis.LETTER, actor=STAFF
        )

    assert Delegate.objects.filter(reply=nigeria.reply).count() == 1
    assert not WalkIn.objects.exists()


def test_walk_in_already_in_the_delegation_is_refused() -> None:
    nigeria = approved_delegation(count=1)
    named = nigeria.badges[0].delegate

    with pytest.raises(walk_ins.WalkInRefused, match="already in the delegation"):
        walk_ins.register(
            nigeria.reply,
            member(named.given_name, named.family_name),
            basis=WalkInBasis.FOCAL_POINT,
            actor=STAFF,
        )


def test_approval_without_photo_is_refused() -> None:
    nigeria = approved_delegation(count=1)
    walk_in = walk_ins.register(
        nigeria.reply, member("Chidi", "Eze"), basis=WalkInBasis.LETTER, actor=STAFF
    )

    with pytest.raises(walk_ins.WalkInRefused, match="Take the walk-in's photo first"):
        walk_ins.approve_and_print(walk_in, actor=STAFF)
    assert (
        Accreditation.objects.get(pk=walk_in.accreditation_id).status == AccreditationStatus.PENDING
    )


# The desk's four screens


@pytest.fixture
def desk() -> Client:
    return signed_in(UserFactory(username="badges", role=Role.BADGE_DESK))


def test_desk_registers_photographs_approves_and_prints_in_four_screens(desk: Client) -> None:
    nigeria = approved_delegation(count=1)
    code = nigeria.meeting.code

    registered = desk.post(
        f"/meetings/{code}/walk-ins/new/",
        {
            "reply": nigeria.reply.pk,
            "given_name": "Chidi",
            "family_name": "Eze",
            "basis": "letter",
            "reference": "Letter of 3 March",
        },
    )
    walk_in = WalkIn.objects.get()
    assert registered["Location"] == f"/meetings/{code}/walk-ins/{walk_in.pk}/photo/"
    photo = io.BytesIO(camera_jpeg())
    photo.name = "camera.jpg"
    taken = desk.post(f"/meetings/{code}/walk-ins/{walk_in.pk}/photo/", {"photo": photo})
    assert taken["Location"] == f"/meetings/{code}/walk-ins/{walk_in.pk}/approve/"
    approved = desk.post(f"/meetings/{code}/walk-ins/{walk_in.pk}/approve/")
    assert approved["Location"] == f"/meetings/{code}/walk-ins/{walk_in.pk}/badge/"
    done = desk.get(approved["Location"]).content.decode()
    assert "is approved: badge" in done
    badge = desk.get(f"/meetings/{code}/walk-ins/{walk_in.pk}/badge.pdf")
    assert badge["Content-Type"] == "application/pdf"
    assert "Eze" in PdfReader(io.BytesIO(badge.content)).pages[0].extract_text()


def test_desk_refuses_a_walk_in_on_a_closed_reply_with_the_reason(desk: Client) -> None:
    nigeria = approved_delegation(count=1)
    Reply.objects.filter(pk=nigeria.reply.pk).update(attending=False, state=ReplyState.DECLINED)

    response = desk.post(
        f"/meetings/{nigeria.meeting.code}/walk-ins/new/",
        {"reply": nigeria.reply.pk, "family_name": "Eze", "basis": "letter"},
    )

    assert response.status_code == 400
    assert "closed to walk-ins" in response.content.decode()
    assert not WalkIn.objects.exists()


def test_desk_refuses_an_invalid_photo_and_keeps_none(desk: Client) -> None:
    nigeria = approved_delegation(count=1)
    walk_in = walk_ins.register(
        nigeria.reply, member("Chidi", "Eze"), basis=WalkInBasis.LETTER, actor=STAFF
    )
    fake = io.BytesIO(b"GIF89a not a photo")
    fake.name = "camera.jpg"

    response = desk.post(
        f"/meetings/{nigeria.meeting.code}/walk-ins/{walk_in.pk}/photo/", {"photo": fake}
    )
    small = io.BytesIO(camera_jpeg(200, 200))
    small.name = "camera.jpg"
    too_small = desk.post(
        f"/meetings/{nigeria.meeting.code}/walk-ins/{walk_in.pk}/photo/", {"photo": small}
    )

    assert response.status_code == 400
    assert "The photo must be a JPEG or PNG image." in response.content.decode()
    assert too_small.status_code == 400
    assert "too small" in too_small.content.decode()
    assert not Accreditation.objects.get(pk=walk_in.accreditation_id).photo


def test_walk_in_of_another_meeting_is_404(desk: Client) -> None:
    nigeria = approved_delegation(count=1)
    walk_in = walk_ins.register(
        nigeria.reply, member("Chidi", "Eze"), basis=WalkInBasis.LETTER, actor=STAFF
    )
    summit(code="tunis-2005")
    assert desk.get(f"/meetings/tunis-2005/walk-ins/{walk_in.pk}/approve/").status_code == 404


#: The back-office pages this module tests role by role (tests/backoffice/test_directory_pages
#: checks that every back-office page is in some module's URL_NAMES).
URL_NAMES = {
    "pickup-queue",
    "pickup-slots",
    "pickup-hand-over",
    "walk-in-new",
    "walk-in-request",
    "walk-in-photo",
    "walk-in-approve",
    "walk-in-done",
    "walk-in-badge",
}


def test_url_names_are_this_modules_pages() -> None:
    assert {
        pattern.name
        for pattern in backoffice_urls.urlpatterns
        if str(pattern.name).startswith(("pickup-", "walk-in"))
    } == URL_NAMES


@pytest.mark.parametrize("role", list(Role))
def test_each_role_reaches_the_desk_pages_as_the_permission_table_says(role: Role) -> None:
    nigeria = approved_delegation(count=1)
    meeting = nigeria.meeting
    slot = first_day_slots(meeting)[0]
    booking = pickup.book(
        nigeria.reply, slot, actor=STAFF, now=slot.starts_at - datetime.timedelta(days=1)
    )
    admin = signed_in(UserFactory(username="admin", role=Role.ADMINISTRATOR))
    walk_in_data = {"reply": nigeria.reply.pk, "given_name": "Chidi", "family_name": "Eze"}
    admin.post(f"/meetings/{meeting.code}/walk-ins/new/", {**walk_in_data, "basis": "letter"})
    admin.post(
        f"/meetings/{meeting.code}/walk-ins/new/",
        {**walk_in_data, "given_name": "Ada", "family_name": "Obi", "basis": "letter", "ask": "1"},
    )
    walk_in, request = WalkIn.objects.get(), WalkInRequest.objects.get()
    base = f"/meetings/{meeting.code}"
    pages = {
        f"{base}/pickup/": Permission.PICKUP_HAND_OVER,
        f"{base}/pickup/slots/": Permission.PICKUP_MANAGE,
        f"{base}/pickup/{booking.pk}/hand-over/": Permission.PICKUP_HAND_OVER,
        f"{base}/walk-ins/new/": Permission.ONSITE_REGISTER,
        f"{base}/walk-ins/requests/{request.pk}/": Permission.ONSITE_REGISTER,
        f"{base}/walk-ins/{walk_in.pk}/photo/": Permission.ONSITE_REGISTER,
        f"{base}/walk-ins/{walk_in.pk}/approve/": Permission.ONSITE_REGISTER,
        f"{base}/walk-ins/{walk_in.pk}/badge/": Permission.ONSITE_REGISTER,
        f"{base}/walk-ins/{walk_in.pk}/badge.pdf": Permission.ONSITE_REGISTER,
    }
    client = signed_in(UserFactory(username=f"user-{role}", role=role))
    for url, permission in pages.items():
        status = client.get(url).status_code
        if permission in GRANTS[role]:
            # Open to the role (a badge not yet approved is not found, 404, for anyone).
            assert status in (200, 302, 404), (url, role, status)
        else:
            assert status == 403, (url, role, status)
