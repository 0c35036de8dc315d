"""The demo's requests to join: some waiting, one accepted, one for the secretariat."""

from summitdesk.delegations import join_requests
from summitdesk.delegations.enums import JoinRequestStatus
from summitdesk.delegations.models import JoinRequest
from summitdesk.meetings.models import Meeting
from tests.conftest import Demo


def test_the_demo_has_requests_to_join_in_every_state_that_matters(demo: Demo) -> None:
    meeting = Meeting.objects.get(code="prepcom-2")
    statuses = sorted(JoinRequest.objects.filter(meeting=meeting).values_list("status", flat=True))

    assert statuses == [
        JoinRequestStatus.ACCEPTED,
        JoinRequestStatus.PENDING,
        JoinRequestStatus.PENDING,
        JoinRequestStatus.PENDING,
    ]
    accepted = JoinRequest.objects.get(status=JoinRequestStatus.ACCEPTED)
    assert accepted.delegate is not None
    assert accepted.delegate.accreditation.status == "pending"
    assert [r.family_name for r in join_requests.waiting_for_staff(meeting)] == ["Herrera"]
