"""The demo's requests to join delegations to PrepCom-2: two waiting for their
organisations' focal points, one accepted (the person is a delegate), and one waiting for
the secretariat, its organisation having no focal point. Made through the services, once;
the emails they would send are taken off the queue, as the history's are."""

from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from summitdesk.core.audit import Actor
from summitdesk.correspondence.models import Invitation, OutboundMessage
from summitdesk.delegations import join_requests
from summitdesk.delegations.enums import JoinRequestStatus, Relationship
from summitdesk.delegations.join_requests import JoinerData
from summitdesk.delegations.models import JoinRequest, Reply
from summitdesk.demo.history import EMAIL_TASKS, MEETING_CODE
from summitdesk.directory.models import Organisation
from summitdesk.meetings.models import Meeting

PEOPLE = [
    JoinerData(
        given_name="Amara",
        family_name="Diallo",
        email="amara.diallo@example.org",
        function="Policy adviser",
        nationality="SN",
        affiliation="Université Cheikh Anta Diop",
        relationship=Relationship.CONSULTANT,
        message="I advise your delegation on spectrum policy.",
    ),
    JoinerData(
        given_name="Lukas",
        family_name="Brunner",
        email="lukas.brunner@example.org",
        function="Engineer",
        nationality="AT",
        relationship=Relationship.STAFF,
    ),
    JoinerData(
        given_name="Mei",
        family_name="Lin",
        email="mei.lin@example.org",
        function="Researcher",
        nationality="SG",
        relationship=Relationship.INVITED_GUEST,
    ),
    JoinerData(
        given_name="Sofía",
        family_name="Herrera",
        email="sofia.herrera@example.org",
        function="Communications officer",
        nationality="CL",
        relationship=Relationship.MEMBER,
    ),
]


def load_join_requests(*, actor: Actor) -> int:
    """Make the demo's requests to join unless some exist for PrepCom-2; returns how many."""
    meeting = Meeting.objects.filter(code=MEETING_CODE).first()
    if meeting is None or JoinRequest.objects.filter(meeting=meeting).exists():
        return 0
    started = timezone.now()
    with_focal_point = list(
        Reply.objects.filter(meeting=meeting, attending=True, focal_point__isnull=False)
        .exclude(focal_point__email="")
        .select_related("organisation")
        .order_by("organisation__external_id")[:3]
    )
    without = (
        Organisation.objects.filter(
            pk__in=Invitation.objects.filter(circular__meeting=meeting).values("organisation")
        )
        .exclude(
            pk__in=Reply.objects.filter(meeting=meeting, focal_point__isnull=False).values(
                "organisation"
            )
        )
        .order_by("external_id")
        .first()
    )
    targets = [reply.organisation for reply in with_focal_point]
    if without is not None:
        targets.append(without)
    made = []
    for organisation, person in zip(targets, PEOPLE, strict=False):
        request = join_requests.submit(meeting, organisation, person, language="en")
        received = join_requests.receive(request)
        assert received is not None and received.status == JoinRequestStatus.PENDING
        made.append(received)
    if len(made) >= 3:
        join_requests.decide(made[2], accept=True, actor=actor, by_staff=True)
    DBTaskResult.objects.filter(task_path__in=EMAIL_TASKS, enqueued_at__gte=started).delete()
    OutboundMessage.objects.filter(mailing__isnull=True, created_at__gte=started).delete()
    return len(made)
