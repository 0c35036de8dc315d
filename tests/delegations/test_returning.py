"""Returning delegations: a reply started from the delegation to an earlier meeting of the
process; each returning delegate confirms, and may reuse a recent photo, on their own page."""

import datetime
from dataclasses import replace
from pathlib import Path

import pytest
from django.core.files.storage import default_storage
from django.utils import timezone
from pytest_django import Settings

from summitdesk.accreditation import completeness
from summitdesk.accreditation import returning as accreditation_returning
from summitdesk.accreditation.models import Accreditation
from summitdesk.core.audit import Actor
from summitdesk.core.enums import Channel
from summitdesk.core.models import AuditEntry
from summitdesk.delegations import returning, services
from summitdesk.delegations.data import DelegateData, PersonData
from summitdesk.delegations.enums import ReplyState
from summitdesk.delegations.models import Delegate
from summitdesk.delegations.services import ReplyClosed, ReplyError
from tests.delegations.returning_builders import PEOPLE, STAFF, Process3, attended, build
from tests.factories import MeetingFactory, OrganisationFactory

pytestmark = pytest.mark.django_db

PORTAL = Actor.system("focal point", Channel.PORTAL)
IDENTITY = ("passport_given_name", "passport_family_name", "date_of_birth", "document_number")


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
def wsis() -> Process3:
    return build()


def copy_all_but_one(wsis: Process3) -> list[Delegate]:
    """PrepCom-2's delegation copied into PrepCom-3's reply, Dmitri dropped."""
    earlier = returning.earlier_delegation(wsis.reply, None)
    assert earlier is not None
    picked = [m.pk for m in earlier.members if m.family_name != "Volkov"]
    assert returning.copy_delegation(wsis.reply, earlier, picked, actor=PORTAL) == 3
    return list(services.active_delegates(wsis.reply))


def submit(wsis: Process3) -> None:
    data = replace(
        services.reply_data(wsis.reply),
        focal_point=PersonData(family_name="Focal", given_name="Fay", email="fay@example.org"),
    )
    services.save_reply(wsis.reply, data, submit=True, actor=PORTAL)


def test_earlier_delegations_are_the_process_meetings_attended_in_calendar_order(
    wsis: Process3,
) -> None:
    attended(wsis.acme, wsis.prepcom1, PEOPLE[:1], photo_days_ago=None)
    # Another process's earlier meeting, and a later meeting of this one: never offered.
    attended(wsis.acme, MeetingFactory(start_date=datetime.date(2000, 1, 1)), PEOPLE[:1])
    assert wsis.prepcom3.start_date is not None
    later = MeetingFactory(
        process=wsis.process, start_date=wsis.prepcom3.start_date + datetime.timedelta(days=90)
    )
    attended(wsis.acme, later, PEOPLE[:1])
    found = returning.earlier_delegations(wsis.reply)
    assert [d.meeting.code for d in found] == ["prepcom-1", "prepcom-2"]
    assert [str(m) for m in found[-1].members] == [
        "Amina Diallo",
        "Bruno Müller",
        "Carla Senior",
        "Dmitri Volkov",
    ]


def test_focal_point_copies_the_delegation_but_one_and_identity_data_never_comes(
    wsis: Process3,
) -> None:
    copied = copy_all_but_one(wsis)
    reply = wsis.reply
    assert reply.state == ReplyState.DRAFT and reply.attending is True
    earlier = {m.family_name: m for m in wsis.earlier_members()}
    assert [d.family_name for d in copied] == ["Diallo", "Müller", "Senior"]
    for delegate in copied:
        before = earlier[delegate.family_name]
        assert delegate.returning_from_id == before.pk
        assert delegate.confirmed_at is None
        for name in (
            "given_name",
            "function",
            "email",
            "nationality",
            "affiliation",
            "relationship",
        ):
            assert getattr(delegate, name) == getattr(before, name)
        # Asked afresh: gender and consent to publish are the person's own, each meeting.
        assert delegate.gender == "" and delegate.consent_to_publish is False
    assert copied[0].is_head and reply.head_level == wsis.earlier.head_level
    assert copied[1].affiliation == "Ministry of Posts" and copied[1].relationship == "staff"
    submit(wsis)
    for accreditation in Accreditation.objects.filter(delegate__reply=reply):
        for name in IDENTITY:
            assert not getattr(accreditation, name), name
        assert accreditation.document_expires is None
        assert not accreditation.photo and accreditation.photo_uploaded_at is None
        assert "confirmed" in completeness.missing_names(accreditation)
    entry = AuditEntry.objects.filter(object_id=str(reply.pk), action="summitdesk.reply.saved")
    assert entry.exists()


def test_returning_mark_survives_an_edit_from_a_form_that_does_not_carry_it(
    wsis: Process3,
) -> None:
    copy_all_but_one(wsis)
    data = services.reply_data(wsis.reply)
    # The portal's form posts the members without where they come from.
    stripped = [
        DelegateData(**{**vars(d), "returning_from_id": None, "function": "Ambassador"})
        for d in data.delegates
    ]
    services.save_reply(wsis.reply, replace(data, delegates=stripped), submit=False, actor=PORTAL)
    assert all(d.returning_from_id for d in services.active_delegates(wsis.reply))


def test_copying_into_a_closed_reply_is_refused_and_nothing_changes(
    wsis: Process3, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(services, "accepts_changes", lambda reply, now=None: False)
    earlier = returning.earlier_delegation(wsis.reply, None)
    assert earlier is not None
    with pytest.raises(ReplyClosed):
        returning.copy_delegation(wsis.reply, earlier, [earlier.members[0].pk], actor=PORTAL)
    assert not wsis.reply.delegates.exists()
    # Staff may still (after the deadline the secretariat changes replies itself).
    assert returning.copy_delegation(wsis.reply, earlier, [earlier.members[0].pk], actor=STAFF)


def test_a_meeting_of_another_process_or_not_attended_is_no_source(wsis: Process3) -> None:
    other = MeetingFactory(code="other-1", start_date=datetime.date(2001, 1, 1))
    attended(wsis.acme, other, PEOPLE[:2], photo_days_ago=None)
    assert returning.earlier_delegation(wsis.reply, "other-1") is None
    # PrepCom-1 of the process, which Acme did not attend (another organisation did).
    attended(OrganisationFactory(name="Other"), wsis.prepcom1, PEOPLE[:2], photo_days_ago=None)
    assert returning.earlier_delegation(wsis.reply, "prepcom-1") is None
    # A declined reply sends nobody.
    services.save_reply(
        services.reply_for(wsis.acme, wsis.prepcom1),
        services.ReplyData(attending=False),
        submit=True,
        actor=STAFF,
    )
    assert returning.earlier_delegation(wsis.reply, "prepcom-1") is None


def test_forged_sources_are_refused_and_nothing_changes(wsis: Process3) -> None:
    earlier = returning.earlier_delegation(wsis.reply, None)
    assert earlier is not None
    stranger = attended(
        OrganisationFactory(name="Other"), wsis.prepcom2, PEOPLE[:1], photo_days_ago=None
    )
    theirs = stranger.delegates.get()
    with pytest.raises(ReplyError, match="Only members of that earlier delegation"):
        returning.copy_delegation(wsis.reply, earlier, [theirs.pk], actor=PORTAL)
    with pytest.raises(ReplyError, match="Tick at least one"):
        returning.copy_delegation(wsis.reply, earlier, [], actor=PORTAL)
    # Straight through save_reply (the API, a forged form): another organisation's delegate.
    data = services.ReplyData(
        attending=True,
        delegates=[DelegateData(family_name="Diallo", returning_from_id=theirs.pk)],
    )
    with pytest.raises(ReplyError, match="earlier meeting of the process"):
        services.save_reply(wsis.reply, data, submit=False, actor=PORTAL)
    assert not wsis.reply.delegates.exists()


def test_copying_into_a_declining_reply_is_refused(wsis: Process3) -> None:
    services.save_reply(wsis.reply, services.ReplyData(attending=False), submit=True, actor=PORTAL)
    earlier = returning.earlier_delegation(wsis.reply, None)
    assert earlier is not None
    with pytest.raises(ReplyError, match="declines"):
        returning.copy_delegation(wsis.reply, earlier, [earlier.members[0].pk], actor=PORTAL)
    assert wsis.reply.state == ReplyState.DECLINED


def test_a_person_already_named_is_marked_returning_not_added_twice(wsis: Process3) -> None:
    earlier = returning.earlier_delegation(wsis.reply, None)
    assert earlier is not None
    amina = earlier.members[0]
    services.save_reply(
        wsis.reply,
        services.ReplyData(
            attending=True,
            estimated_participants=1,
            delegates=[DelegateData(family_name="DIALLO", given_name="amina", is_head=True)],
        ),
        submit=False,
        actor=PORTAL,
    )
    returning.copy_delegation(wsis.reply, earlier, [m.pk for m in earlier.members], actor=PORTAL)
    names = [d.family_name for d in services.active_delegates(wsis.reply)]
    assert names == ["DIALLO", "Müller", "Senior", "Volkov"]
    assert services.active_delegates(wsis.reply).get(family_name="DIALLO").returning_from == amina
    assert wsis.reply.estimated_participants == 4


def confirmed_accreditation(wsis: Process3, family_name: str) -> Accreditation:
    return Accreditation.objects.select_related("delegate").get(
        delegate__reply=wsis.reply, delegate__family_name=family_name
    )


def test_returning_delegate_confirms_reusing_a_recent_photo_under_a_new_name(
    wsis: Process3,
) -> None:
    copy_all_but_one(wsis)
    submit(wsis)
    accreditation = confirmed_accreditation(wsis, "Diallo")
    source = Accreditation.objects.get(delegate=accreditation.delegate.returning_from)
    found = accreditation_returning.returning(accreditation)
    assert found is not None and found.photo_from == source
    assert accreditation_returning.confirm(accreditation, reuse_photo=True, actor=PORTAL)
    accreditation.refresh_from_db()
    accreditation.delegate.refresh_from_db()
    assert accreditation.delegate.confirmed_at is not None
    assert accreditation.photo.name and accreditation.photo.name != source.photo.name
    assert accreditation.badge_photo.name != source.badge_photo.name
    with (
        default_storage.open(str(accreditation.photo.name)) as new,
        default_storage.open(str(source.photo.name)) as old,
    ):
        assert new.read() == old.read()
    # The photo is as old as it was: reusing it again never makes it younger.
    assert accreditation.photo_uploaded_at == source.photo_uploaded_at
    assert "confirmed" not in completeness.missing_names(accreditation)
    assert "photo" not in completeness.missing_names(accreditation)
    assert Accreditation.objects.filter(completeness.READY, pk=accreditation.pk).exists() is False
    for name in IDENTITY:  # the identity document is still to be given
        assert not getattr(accreditation, name)


def test_person_refusing_photo_reuse_confirms_without_it(wsis: Process3) -> None:
    copy_all_but_one(wsis)
    submit(wsis)
    accreditation = confirmed_accreditation(wsis, "Müller")
    assert not accreditation_returning.confirm(accreditation, reuse_photo=False, actor=PORTAL)
    accreditation.refresh_from_db()
    assert not accreditation.photo and accreditation.delegate.confirmed_at is not None
    assert completeness.missing_names(accreditation)[0] == "photo"


def test_photo_too_old_is_not_offered_and_refused_when_asked(wsis: Process3) -> None:
    copy_all_but_one(wsis)
    submit(wsis)
    accreditation = confirmed_accreditation(wsis, "Senior")
    source = Accreditation.objects.get(delegate=accreditation.delegate.returning_from)
    # Seven months before PrepCom-3 starts: older than its six months.
    Accreditation.objects.filter(pk=source.pk).update(
        photo_uploaded_at=timezone.now() - datetime.timedelta(days=150)
    )
    found = accreditation_returning.returning(accreditation)
    assert found is not None and found.photo_from is None and found.photo_too_old
    with pytest.raises(accreditation_returning.ConfirmError, match="too old"):
        accreditation_returning.confirm(accreditation, reuse_photo=True, actor=PORTAL)
    accreditation.refresh_from_db()
    assert not accreditation.photo and accreditation.delegate.confirmed_at is None
    # A meeting that allows a year lets it be reused.
    wsis.prepcom3.photo_max_age_months = 12
    wsis.prepcom3.save()
    accreditation.meeting.refresh_from_db()
    assert accreditation_returning.confirm(accreditation, reuse_photo=True, actor=PORTAL)


def test_a_delegate_who_is_not_returning_has_nothing_to_confirm(wsis: Process3) -> None:
    accreditation = Accreditation.objects.filter(delegate__reply=wsis.earlier).first()
    assert accreditation is not None
    with pytest.raises(accreditation_returning.ConfirmError):
        accreditation_returning.confirm(accreditation, reuse_photo=False, actor=PORTAL)


def test_months_before_keeps_the_day_or_the_months_last() -> None:
    assert accreditation_returning.months_before(datetime.date(2025, 8, 31), 6) == datetime.date(
        2025, 2, 28
    )
    assert accreditation_returning.months_before(datetime.date(2025, 3, 15), 15) == datetime.date(
        2023, 12, 15
    )


def test_confirmation_is_audited_on_the_accreditation_with_its_meeting(wsis: Process3) -> None:
    copy_all_but_one(wsis)
    submit(wsis)
    accreditation = confirmed_accreditation(wsis, "Diallo")
    accreditation_returning.confirm(accreditation, reuse_photo=False, actor=PORTAL)
    accreditation_returning.confirm(accreditation, reuse_photo=False, actor=PORTAL)
    [entry] = AuditEntry.objects.filter(action="summitdesk.accreditation.returning_confirmed")
    assert entry.object_id == str(accreditation.pk) and "prepcom-2" in entry.note
