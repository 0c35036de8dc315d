"""The public pages of admission's documents for a decision: the applications recommended
and the organisations admitted to a process (name, acronym, country, category only), on a
page and as a PDF; rate limited per address like every public page."""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from summitdesk.admission import decision_lists
from summitdesk.lib import public_pages
from summitdesk.meetings.models import Process

rate_limited = public_pages.rate_limited("admission-lists", limit=60, window=60)


def _kind(kind: str) -> decision_lists.ListKind:
    for known in decision_lists.KINDS:
        if kind == known:
            return known
    raise Http404


@rate_limited
def decision_list(request: HttpRequest, code: str, kind: str) -> HttpResponse:
    process = get_object_or_404(Process, code=code)
    chosen = _kind(kind)
    context = {
        "process": process,
        "kind": chosen,
        "title": decision_lists.title(process, chosen),
        "rows": decision_lists.rows(process, chosen),
    }
    return render(request, "public/admission_list.html", context)


@rate_limited
def decision_list_pdf(request: HttpRequest, code: str, kind: str) -> HttpResponse:
    process = get_object_or_404(Process, code=code)
    chosen = _kind(kind)
    response = HttpResponse(
        decision_lists.render(
            process,
            chosen,
            meeting=decision_lists.deciding_meeting(process, request.GET.get("meeting")),
        ),
        content_type="application/pdf",
    )
    response["Content-Disposition"] = (
        f'inline; filename="{decision_lists.file_name(process, chosen)}"'
    )
    return response
