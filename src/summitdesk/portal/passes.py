"""The focal point's secondary passes, under /reply/<token>/passes/: each pass of the
delegation's pools, handed to a member and handed on until the pool's cut-off. Passes
are only ever looked for among the link's own reply's (venue.passes.assign)."""

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from summitdesk.accreditation.models import Accreditation
from summitdesk.core.versions import version_of
from summitdesk.lib.ids import parse_id
from summitdesk.portal.access import PortalAccess
from summitdesk.portal.views import not_valid, portal
from summitdesk.venue import cards, passes
from summitdesk.venue.models import SecondaryPass, SecondaryPassPool


@portal
def secondary_passes(request: HttpRequest, access: PortalAccess) -> HttpResponse:
    """GET: the pools and their passes; POST: hand one pass to a member (or take it back)."""
    if request.method == "POST":
        return _assign(request, access)
    pools = (
        SecondaryPassPool.objects.filter(reply=access.reply)
        .select_related("zone")
        .prefetch_related("passes__holder__delegate")
        .order_by("pk")
    )
    context: dict[str, Any] = {
        "access": access,
        "organisation": access.organisation,
        "meeting": access.meeting,
        "token": access.token,
        "pools": [
            {
                "pool": pool,
                "open": passes.may_assign(pool),
                "passes": [(one, version_of(one)) for one in pool.passes.all()],
            }
            for pool in pools
        ],
        "members": passes.holders(access.reply),
    }
    return render(request, "portal/passes.html", context)


@portal
def pass_cards(request: HttpRequest, access: PortalAccess) -> HttpResponse:
    """The delegation's pass cards as a PDF to print (?pool=<id>: one pool's). A pool id
    is only ever looked for among the link's own reply's: another's answers as unknown."""
    pool = None
    if request.GET.get("pool"):
        try:
            pool_id = parse_id(request.GET["pool"])
        except ValueError:
            return not_valid(request)
        pool = SecondaryPassPool.objects.filter(pk=pool_id, reply=access.reply).first()
        if pool is None:
            return not_valid(request)
    try:
        pdf = cards.print_cards(access.reply, pool=pool, actor=access.actor)
    except cards.NoCards as refused:
        messages.error(request, str(refused))
        return redirect("portal:passes", token=access.token)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = 'inline; filename="pass-cards.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


def _assign(request: HttpRequest, access: PortalAccess) -> HttpResponse:
    try:
        pass_id = parse_id(request.POST.get("pass", ""))
        holder = request.POST.get("holder", "")
        holder_id = parse_id(holder) if holder else None
    except ValueError:
        messages.error(request, _("Choose a pass and a member of the delegation."))
        return redirect("portal:passes", token=access.token)
    # Ids are only ever looked for among the link's own reply's: another's are unknown.
    theirs = not SecondaryPass.objects.filter(pk=pass_id, pool__reply=access.reply).exists() or (
        holder_id is not None
        and not Accreditation.objects.filter(pk=holder_id, delegate__reply=access.reply).exists()
    )
    if theirs:
        return not_valid(request)
    try:
        one = passes.assign(
            pass_id,
            holder_id,
            reply=access.reply,
            expected_version=request.POST.get("version", "")[:40],
            actor=access.actor,
        )
    except passes.PassError as refused:
        messages.error(request, str(refused))
        return redirect("portal:passes", token=access.token)
    if one.holder is not None:
        messages.success(
            request,
            _("Pass %(number)d is now %(name)s's.")
            % {"number": one.number, "name": one.holder.delegate},
        )
    else:
        messages.success(request, _("Pass %(number)d is back with you.") % {"number": one.number})
    return redirect("portal:passes", token=access.token)
