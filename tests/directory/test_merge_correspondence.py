"""Merging organisations moves their correspondence without losing any of it."""

import datetime

from summitdesk.core.audit import Actor
from summitdesk.core.enums import Channel
from summitdesk.correspondence.models import Circular, Invitation
from summitdesk.directory.services import merge_organisations
from summitdesk.meetings.models import Meeting
from tests.factories import MeetingFactory, OrganisationFactory

ACTOR = Actor.system("test", Channel.SYSTEM)


def _circular(reference: str, meeting: Meeting) -> Circular:
    return Circular.objects.create(
        reference=reference,
        date=datetime.date(2003, 7, 9),
        meeting=meeting,
        addressees="CEOs of ITU Sector Members",
        signatory_name="Yoshio UTSUMI",
        signatory_titles="Secretary-General",
    )


def test_merge_moves_invitations_of_the_duplicate_to_the_kept_organisation(db: None) -> None:
    meeting = MeetingFactory()
    first, second = _circular("DM-1", meeting), _circular("DM-2", meeting)
    kept, duplicate = OrganisationFactory(name="Télécom Sahel"), OrganisationFactory()
    Invitation.objects.create(circular=first, organisation=kept, language="fr")
    moved = Invitation.objects.create(circular=second, organisation=duplicate, language="fr")

    merge_organisations(kept, duplicate, actor=ACTOR)

    moved.refresh_from_db()
    assert moved.organisation_id == kept.pk
    assert sorted(kept.invitations.values_list("circular__reference", flat=True)) == [
        "DM-1",
        "DM-2",
    ]


def test_merge_keeps_clashing_invitation_on_the_duplicate_rather_than_losing_it(
    db: None,
) -> None:
    circular = _circular("DM-1048", MeetingFactory())
    kept, duplicate = OrganisationFactory(), OrganisationFactory()
    on_kept = Invitation.objects.create(circular=circular, organisation=kept, language="en")
    on_duplicate = Invitation.objects.create(
        circular=circular, organisation=duplicate, language="en"
    )

    merge_organisations(kept, duplicate, actor=ACTOR)

    on_kept.refresh_from_db()
    on_duplicate.refresh_from_db()
    assert (on_kept.organisation_id, on_duplicate.organisation_id) == (kept.pk, duplicate.pk)
    duplicate.refresh_from_db()
    assert duplicate.merged_into_id == kept.pk
