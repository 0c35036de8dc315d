"""Landing pages: the check-in desk's choice of meeting (see backoffice.landing)."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from summitdesk.backoffice import landing
from summitdesk.core.access import staff_view
from summitdesk.core.permissions import Permission


@staff_view(Permission.CHECKIN_ADMIT)
def checkin_choice(request: HttpRequest) -> HttpResponse:
    """The check-in desk of the meeting in progress (else the next one), or the choice
    when there are several."""
    choice = landing.checkin_meetings()
    if choice.only is not None:
        return redirect("backoffice:checkin-desk", code=choice.only.code)
    context = {"in_progress": choice.in_progress, "upcoming": choice.upcoming}
    return render(request, "backoffice/checkin_choice.html", context)
