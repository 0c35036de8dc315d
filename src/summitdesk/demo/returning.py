"""The demo's returning delegations: three organisations that attended PrepCom-2 start their
PrepCom-3 reply from that delegation, each dropping its last member, and submit it; in the
first all returning delegates have confirmed (reusing their photo where they had one), in
the second the first two, in the third nobody yet.

PrepCom-2 was seven months before PrepCom-3: the demo's PrepCom-3 lets photos up to twelve
months old be reused, so that the offer shows. Loaded once (nothing is added when PrepCom-3
has returning delegates already).
"""

from dataclasses import replace

from django.db.models import Count, Q
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from summitdesk.accreditation import returning as accreditation_returning
from summitdesk.accreditation.models import Accreditation
from summitdesk.core.audit import Actor
from summitdesk.correspondence.models import OutboundMessage
from summitdesk.delegations import returning, services
from summitdesk.delegations.models import Delegate, Reply, in_delegation
from summitdesk.demo.history import EMAIL_TASKS
from summitdesk.meetings.models import Meeting
from summitdesk.meetings.services import save_meeting

EARLIER = "prepcom-2"
LATER = "prepcom-3"
#: How many returning delegates of each copied delegation have confirmed.
CONFIRMED = (None, 2, 0)  # None: all of them
PHOTO_MAX_AGE_MONTHS = 12


def load_returning(*, actor: Actor) -> int:
    """Copy the delegations (see the module); returns how many delegates return."""
    later = Meeting.objects.filter(code=LATER).first()
    if (
        later is None
        or Delegate.objects.filter(reply__meeting=later, returning_from__isnull=False).exists()
    ):
        return 0
    started = timezone.now()
    if later.photo_max_age_months < PHOTO_MAX_AGE_MONTHS:
        save_meeting(later, {"photo_max_age_months": PHOTO_MAX_AGE_MONTHS}, actor=actor)
    sources = (
        Reply.objects.filter(
            meeting__code=EARLIER,
            state__in=returning.ATTENDED,
            attending=True,
            focal_point__isnull=False,
        )
        .exclude(organisation__replies__meeting=later)
        .annotate(
            named=Count("delegates", filter=in_delegation("delegates__"), distinct=True),
            photos=Count("delegates", filter=~Q(delegates__accreditation__photo=""), distinct=True),
        )
        .filter(named__gte=3)
        .order_by("-photos", "-named", "pk")[: len(CONFIRMED)]
    )
    returned = 0
    for source, confirmed in zip(list(sources), CONFIRMED, strict=False):
        returned += _return(source, later, confirmed, actor=actor)
    # The emails these replies would send were never written nor sent.
    DBTaskResult.objects.filter(task_path__in=EMAIL_TASKS, enqueued_at__gte=started).delete()
    OutboundMessage.objects.filter(mailing__isnull=True, created_at__gte=started).delete()
    return returned


def _return(source: Reply, later: Meeting, confirmed: int | None, *, actor: Actor) -> int:
    reply = services.reply_for(source.organisation, later)
    earlier = returning.earlier_delegation(reply, EARLIER)
    if earlier is None:
        return 0
    picked = [member.pk for member in earlier.members[:-1]]
    count = returning.copy_delegation(reply, earlier, picked, actor=actor)
    reply.refresh_from_db()
    focal_point = services.reply_data(source).focal_point
    data = replace(services.reply_data(reply), focal_point=focal_point)
    services.save_reply(reply, data, submit=True, actor=actor)
    accreditations = Accreditation.objects.filter(
        delegate__reply=reply, delegate__returning_from__isnull=False
    ).order_by("delegate__position")
    for accreditation in list(accreditations)[:confirmed]:
        offered = accreditation_returning.returning(accreditation)
        reuse = offered is not None and offered.photo_from is not None
        accreditation_returning.confirm(accreditation, reuse_photo=reuse, actor=actor)
    return count
