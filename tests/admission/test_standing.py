"""What admission changes elsewhere: the circulars' "admitted to a process" audience, and
replies refused while an admission is suspended or withdrawn."""

import pytest
from django.test import Client

from summitdesk.accreditation import services as accreditation_services
from summitdesk.accreditation.enums import AccreditationStatus
from summitdesk.admission import review
from summitdesk.admission.enums import ApplicationStatus
from summitdesk.admission.models import Admission
from summitdesk.core.audit import Actor
from summitdesk.core.enums import Channel, Role
from summitdesk.correspondence.audience import Audience
from summitdesk.delegations import services
from summitdesk.delegations.enums import ReplyState
from summitdesk.meetings.models import Meeting
from summitdesk.reports import figures
from tests.accreditation.builders import accreditations, members, submitted_reply
from tests.admission.builders import STAFF, application, prepcom
from tests.delegations.builders import attending
from tests.factories import MeetingFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db
PORTAL = Actor.system("focal point", Channel.PORTAL)


def admitted(meeting: Meeting) -> Admission:
    applied = application(meeting.process, status=ApplicationStatus.RECOMMENDED)
    review.decide(applied, meeting=meeting, admit=True, actor=STAFF)
    return Admission.objects.get(application=applied)


def test_the_admitted_audience_reaches_organisations_admitted_and_not_suspended() -> None:
    meeting = prepcom()
    admission = admitted(meeting)
    OrganisationFactory(name="Never applied")
    audience = Audience(admitted_to=[meeting.process.code])

    assert list(audience.organisations()) == [admission.organisation]
    assert Audience.from_json(audience.to_json()) == audience

    review.suspend(admission, reason="Misrepresentation", actor=STAFF)
    assert list(audience.organisations()) == []
    review.reinstate(admission, actor=STAFF)
    assert list(audience.organisations()) == [admission.organisation]


def test_a_suspended_organisation_may_not_reply_until_reinstated() -> None:
    meeting = prepcom()
    later = MeetingFactory(process=meeting.process, code="prepcom-4")
    admission = admitted(meeting)
    reply = services.reply_for(admission.organisation, later)
    review.suspend(admission, reason="Misrepresentation", actor=STAFF)

    with pytest.raises(services.AdmissionClosed, match="suspended"):
        services.save_reply(reply, attending([("Ann", "Member")]), submit=True, actor=PORTAL)
    reply.refresh_from_db()
    assert reply.state != ReplyState.SUBMITTED

    review.withdraw(admission, reason="Confirmed", actor=STAFF)
    with pytest.raises(services.AdmissionClosed, match="withdrawn"):
        services.save_reply(reply, attending([("Ann", "Member")]), submit=False, actor=PORTAL)

    review.reinstate(admission, actor=STAFF)
    saved = services.save_reply(reply, attending([("Ann", "Member")]), submit=True, actor=PORTAL)
    assert saved.state == ReplyState.SUBMITTED


def test_an_organisation_without_admission_replies_as_before() -> None:
    meeting = prepcom()
    reply = services.reply_for(OrganisationFactory(), meeting)

    saved = services.save_reply(reply, attending([("Ann", "Member")]), submit=True, actor=PORTAL)

    assert saved.state == ReplyState.SUBMITTED


def test_approved_accreditations_stay_when_suspended_and_the_page_counts_them() -> None:
    meeting = prepcom()
    later = MeetingFactory(process=meeting.process, code="prepcom-4")
    admission = admitted(meeting)
    [accreditation] = accreditations(submitted_reply(admission.organisation, later, members(1)))
    accreditation_services.transition(accreditation, AccreditationStatus.APPROVED, actor=STAFF)
    officer = Client()
    officer.force_login(UserFactory(role=Role.REGISTRATION_OFFICER))
    url = f"/admission/admitted/{admission.pk}/standing/"

    asked = officer.post(url, {"action": "suspend", "reason": "Misrepresentation"})
    assert "Its 1 approved accreditations stay" in asked.content.decode()
    officer.post(url, {"action": "suspend", "reason": "Misrepresentation", "confirmed": "yes"})

    accreditation.refresh_from_db()
    assert accreditation.status == AccreditationStatus.APPROVED
    assert figures.approved_accreditations_of_admitted([admission]) == {admission.pk: 1}
    listed = officer.get(f"/admission/{meeting.process.code}/admitted/").content.decode()
    assert "<td>1</td>" in listed
