"""Staff start an organisation's reply from its delegation to an earlier meeting of the
process (delegations.returning), on its behalf: the same choice as the portal's, recorded
under the staff member's name; the secretariat may do it after the deadline too."""

from typing import Any

from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from summitdesk.core import versions
from summitdesk.core.access import staff_actor, staff_view
from summitdesk.core.permissions import Permission
from summitdesk.delegations import queries, returning, services
from summitdesk.delegations.models import Reply
from summitdesk.directory.models import Organisation
from summitdesk.lib.ids import parse_id
from summitdesk.meetings.models import Meeting


def _picked(values: list[str]) -> set[int]:
    found = set()
    for value in values:
        try:
            found.add(parse_id(value))
        except ValueError:
            continue
    return found


@staff_view(Permission.REPLIES_CHANGE)
def reply_earlier(request: HttpRequest, pk: int, code: str) -> HttpResponse:
    organisation = get_object_or_404(Organisation.objects.current(), pk=pk)
    meeting = get_object_or_404(Meeting, code=code)
    reply = Reply.objects.filter(organisation=organisation, meeting=meeting).first()
    probe = reply or Reply(organisation=organisation, meeting=meeting)
    source = str(request.POST.get("from") or request.GET.get("from") or "")
    earlier = returning.earlier_delegation(probe, source)
    error = ""
    ticked = {m.pk for m in earlier.members} if earlier else set()
    if request.method == "POST" and earlier is None:
        error = _("This organisation sent no delegation to that meeting.")
    elif request.method == "POST" and earlier is not None:
        ticked = _picked(request.POST.getlist("member"))
        try:
            # A reply made for the copy goes too when the copy is refused: nothing changes.
            with transaction.atomic():
                count = returning.copy_delegation(
                    reply or services.reply_for(organisation, meeting),
                    earlier,
                    ticked,
                    actor=staff_actor(request),
                    expected_version=str(request.POST.get("version", "")) if reply else None,
                )
        except versions.Conflict:
            error = _("The reply changed while you were choosing: check it, then copy again.")
        except services.ReplyError as refused:
            error = str(refused)
        else:
            messages.success(
                request,
                ngettext(
                    "%(count)d person comes again from %(meeting)s.",
                    "%(count)d people come again from %(meeting)s.",
                    count,
                )
                % {"count": count, "meeting": earlier.meeting.code},
            )
            return redirect("backoffice:reply-edit", organisation.pk, meeting.code)
    context: dict[str, Any] = {
        "organisation": organisation,
        "meeting": meeting,
        "reply": reply,
        "earlier": earlier,
        "choices": returning.earlier_delegations(probe),
        "ticked": ticked,
        "error": error,
        "version": queries.version(reply),
    }
    return render(request, "backoffice/reply_earlier.html", context, status=400 if error else 200)
