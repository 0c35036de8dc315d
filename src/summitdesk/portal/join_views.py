"""The organisation's requests to join its delegation, in its portal (under the reply
link): the focal point reads them and accepts or declines each one.

As every portal page, they reach data only through the link's `PortalAccess`: a request's
id in the URL is looked for among this organisation's requests for this meeting only.
The page shows the requests and nothing of other delegations: a request flagged as a
possible duplicate says only that the secretariat checks it.
"""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from summitdesk.accreditation import services as accreditation_services
from summitdesk.delegations import join_requests
from summitdesk.delegations.enums import JoinRequestStatus
from summitdesk.delegations.join_requests import JoinRequestError
from summitdesk.lib.countries import country_name
from summitdesk.portal.access import PortalAccess
from summitdesk.portal.views import not_valid, portal

#: Undecided requests per page of the inbox (oldest first), and the most decided shown.
WAITING_PER_PAGE = 25
DECIDED_SHOWN = 50
REASON_MAX_LENGTH = 1000


@portal
def inbox(request: HttpRequest, access: PortalAccess) -> HttpResponse:
    requests = join_requests.inbox(access.reply)
    pending = requests.filter(status=JoinRequestStatus.PENDING).order_by("created_at", "pk")
    page = Paginator(pending, WAITING_PER_PAGE).get_page(request.GET.get("page"))
    waiting = list(page.object_list)
    decided = (
        list(
            requests.exclude(status=JoinRequestStatus.PENDING).order_by("-decided_at", "-pk")[
                :DECIDED_SHOWN
            ]
        )
        if page.number == 1
        else []
    )
    limit = accreditation_services.check_limit(access.organisation, access.meeting)
    at_limit = limit.allowed is not None and limit.approved + limit.pending >= limit.allowed
    context = {
        "access": access,
        "organisation": access.organisation,
        "meeting": access.meeting,
        "token": access.token,
        "page": page,
        "waiting": [(r, country_name(r.nationality) if r.nationality else "") for r in waiting],
        "decided": decided,
        "at_limit": at_limit,
        "allowed": limit.allowed,
    }
    return render(request, "portal/join_requests.html", context)


@portal
def decide(request: HttpRequest, access: PortalAccess, request_id: int) -> HttpResponse:
    """Accept or decline one request (POST); anything else goes back to the list."""
    found = join_requests.inbox(access.reply).filter(pk=request_id).first()
    if found is None:
        return not_valid(request)
    if request.method != "POST":
        return redirect("portal:join-requests", token=access.token)
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
        return redirect("portal:join-requests", token=access.token)
    try:
        result = join_requests.decide(
            found, accept=decision == "accept", actor=access.actor, reason=reason
        )
    except JoinRequestError as error:
        messages.error(request, str(error))
        return redirect("portal:join-requests", token=access.token)
    name = result.request.name
    if result.referred:
        messages.info(
            request,
            _("Accepted: the secretariat checks the request of %(name)s before adding them.")
            % {"name": name},
        )
    elif decision == "accept":
        messages.success(
            request, _("%(name)s is now a member of your delegation.") % {"name": name}
        )
    else:
        messages.success(
            request, _("The request of %(name)s is declined; they are told.") % {"name": name}
        )
    return redirect("portal:join-requests", token=access.token)
