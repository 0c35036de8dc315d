"""The portal's "Start from an earlier meeting": the focal point picks who of the
organisation's delegation to an earlier meeting of the process comes again (everyone
ticked), and the reply gets them (delegations.returning); each then confirms through their
own link."""

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from summitdesk.delegations import returning, services
from summitdesk.delegations.returning import EarlierDelegation
from summitdesk.delegations.services import ReplyClosed, ReplyError
from summitdesk.lib.ids import parse_id
from summitdesk.portal.access import PortalAccess
from summitdesk.portal.views import portal


def picked_ids(values: list[str]) -> set[int]:
    """The member ids ticked; anything that is not an id is no one."""
    found = set()
    for value in values:
        try:
            found.add(parse_id(value))
        except ValueError:
            continue
    return found


def _render(
    request: HttpRequest,
    access: PortalAccess,
    earlier: EarlierDelegation,
    *,
    error: str = "",
    ticked: set[int] | None = None,
    status: int = 200,
) -> HttpResponse:
    context: dict[str, Any] = {
        "organisation": access.organisation,
        "meeting": access.meeting,
        "token": access.token,
        "earlier": earlier,
        "choices": returning.earlier_delegations(access.reply),
        "ticked": {m.pk for m in earlier.members} if ticked is None else ticked,
        "closed": not services.accepts_changes(access.reply),
        "error": error,
    }
    return render(request, "portal/earlier.html", context, status=status)


@portal
def earlier(request: HttpRequest, access: PortalAccess) -> HttpResponse:
    code = str(request.POST.get("from") or request.GET.get("from") or "")
    found = returning.earlier_delegation(access.reply, code)
    if found is None:
        messages.info(request, _("There is no earlier delegation of yours to start from."))
        return redirect("portal:reply", token=access.token)
    if request.method != "POST":
        return _render(request, access, found)
    picked = picked_ids(request.POST.getlist("member"))
    try:
        count = returning.copy_delegation(access.reply, found, picked, actor=access.actor)
    except ReplyClosed:
        error = _("The deadline has passed: the reply can no longer be changed here.")
        return _render(request, access, found, error=error, ticked=picked, status=400)
    except ReplyError as refused:
        return _render(request, access, found, error=str(refused), ticked=picked, status=400)
    messages.success(
        request,
        ngettext(
            "%(count)d person comes again from %(meeting)s: check the form, then submit. "
            "They confirm through their own link.",
            "%(count)d people come again from %(meeting)s: check the form, then submit. "
            "Each confirms through their own link.",
            count,
        )
        % {"count": count, "meeting": found.meeting.code},
    )
    return redirect("portal:reply", token=access.token)
