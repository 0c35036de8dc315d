"""Who a reminder goes to: organisations that have not answered about the meeting."""

import datetime

from summitdesk.correspondence.models import Circular, Invitation
from summitdesk.delegations.enums import ReplyState
from summitdesk.delegations.models import Reply
from summitdesk.meetings.models import Meeting
from tests.factories import MeetingFactory, OrganisationFactory


def _circular(reference: str, meeting: Meeting) -> Circular:
    return Circular.objects.create(
        reference=reference,
        date=datetime.date(2003, 7, 9),
        meeting=meeting,
        addressees="CEOs of ITU Sector Members",
        signatory_name="Yoshio UTSUMI",
        signatory_titles="Secretary-General",
    )


def test_awaiting_reply_skips_organisation_that_answered_through_another_circular(
    db: None,
) -> None:
    meeting = MeetingFactory()
    first, second = _circular("DM-1048", meeting), _circular("DM-1100", meeting)
    answered, draft, silent = (
        OrganisationFactory(name="Answered"),
        OrganisationFactory(name="Draft"),
        OrganisationFactory(name="Silent"),
    )
    Reply.objects.create(
        organisation=answered, meeting=meeting, state=ReplyState.SUBMITTED, attending=True
    )
    Reply.objects.create(organisation=draft, meeting=meeting, state=ReplyState.DRAFT)
    for organisation in (answered, draft, silent):
        Invitation.objects.create(circular=first, organisation=organisation, language="en")
        Invitation.objects.create(circular=second, organisation=organisation, language="en")

    awaiting = second.invitations.awaiting_reply().order_by("organisation__name")

    assert [i.organisation.name for i in awaiting] == ["Draft", "Silent"]
