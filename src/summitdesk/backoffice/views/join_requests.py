"""Requests to join delegations, as the secretariat sees them for one meeting: those that
wait for it (to organisations without a focal point, and those flagged as possibly
already accredited), or every request; accepted or declined here by staff who may change
replies. Reading and deciding go through delegations.join_requests."""

from dataclasses import dataclass

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from summitdesk.accreditation import services as accreditation_services
from summitdesk.core.access import staff_actor, staff_view
from summitdesk.core.permissions import Permission, may
from summitdesk.delegations import join_requests
from summitdesk.delegations.enums import JoinRequestStatus
from summitdesk.delegations.join_requests import JoinRequestError
from summitdesk.delegations.models import JoinRequest, Reply
from summitdesk.meetings.models import Meeting

#: The most requests the page lists (the count says how many there are).
SHOWN = 200
REASON_MAX_LENGTH = 1000


@dataclass(frozen=True)
class Row:
    request: JoinRequest
    # The organisation's delegation is at (or over) its limit.
    at_limit: bool
    # The organisation has a focal point who decides (else the secretariat does).
    has_focal_point: bool


def _rows(meeting: Meeting, requests: list[JoinRequest]) -> list[Row]:
    """Each request with its organisation's standing: at its limit (one check per
    organisation listed), with a focal point (one query for all)."""
    organisations = {item.organisation_id: item.organisation for item in requests}
    with_focal_point = set(
        Reply.objects.filter(
            meeting=meeting, organisation__in=organisations, focal_point__isnull=False
        )
        .exclude(focal_point__email="")
        .values_list("organisation_id", flat=True)
    )
    at_limit = {}
    for pk, organisation in organisations.items():
        check = accreditation_services.check_limit(organisation, meeting)
        at_limit[pk] = check.allowed is not None and check.approved + check.pending >= check.allowed
    return [
        Row(item, at_limit[item.organisation_id], item.organisation_id in with_focal_point)
        for item in requests
    ]


@staff_view(Permission.REPLIES_READ)
def join_request_list(request: HttpRequest, code: str) -> HttpResponse:
    meeting = get_object_or_404(Meeting, code=code)
    show_all = request.GET.get("show") == "all"
    if show_all:
        requests = (
            JoinRequest.objects.filter(meeting=meeting)
            .exclude(status=JoinRequestStatus.UNCONFIRMED)
            .select_related("organisation")
            .order_by("-created_at", "-pk")
        )
    else:
        requests = join_requests.waiting_for_staff(meeting).order_by("created_at", "pk")
    total = requests.count()
    context = {
        "meeting": meeting,
        "rows": _rows(meeting, list(requests[:SHOWN])),
        "total": total,
        "shown": min(total, SHOWN),
        "show_all": show_all,
        "may_decide": may(request.user, Permission.REPLIES_CHANGE),
    }
    return render(request, "backoffice/join_request_list.html", context)


@staff_view(Permission.REPLIES_CHANGE)
@require_POST
def join_request_decide(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    meeting = get_object_or_404(Meeting, code=code)
    found = get_object_or_404(
        JoinRequest.objects.select_related("organisation"), pk=pk, meeting=meeting
    )
    back = reverse("backoffice:join-request-list", args=[meeting.code])
    decision = request.POST.get("decision", "")
    reason = str(request.POST.get("reason", ""))
    if "\x00" in reason or len(reason) > REASON_MAX_LENGTH:
        decision = "invalid"
        messages.error(
            request,
            _("The reason must be plain text of at most %(count)d characters.")
            % {"count": REASON_MAX_LENGTH},
        )
    elif decision not in ("accept", "decline"):
        messages.error(request, _("Choose whether to accept or decline the request."))
    if decision not in ("accept", "decline"):
        return redirect(back)
    try:
        join_requests.decide(
            found,
            accept=decision == "accept",
            actor=staff_actor(request),
            reason=reason,
            by_staff=True,
            duplicate_checked=request.POST.get("duplicate_checked") == "1",
        )
    except JoinRequestError as error:
        messages.error(request, str(error))
        return redirect(back)
    if decision == "accept":
        messages.success(
            request,
            _("%(name)s is now in the delegation of %(organisation)s.")
            % {"name": found.name, "organisation": found.organisation.name},
        )
    else:
        messages.success(request, _("The request of %(name)s is declined.") % {"name": found.name})
    return redirect(back)
