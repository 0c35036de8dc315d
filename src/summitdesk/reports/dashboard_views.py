"""The participation dashboard (every staff role reads it), its charts as CSV and SVG, the
switch that publishes a meeting's statistics, and the public statistics page itself."""

import csv

from django.contrib import messages
from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from summitdesk.core.access import staff_actor, staff_view
from summitdesk.core.permissions import Permission, may
from summitdesk.lib import public_pages
from summitdesk.lib.localized import localized
from summitdesk.lib.spreadsheets import neutralise
from summitdesk.meetings.models import Meeting, Process
from summitdesk.reports import dashboard, panels, public_statistics
from summitdesk.reports import figures as reports_figures
from summitdesk.reports.dashboard_forms import DashboardFilterForm, PublicStatisticsForm
from summitdesk.reports.figures import pickup_queue

#: Requests a minute from one address to the public statistics pages, all together.
PUBLIC_LIMIT = 60
PUBLIC_WINDOW = 60


def _meeting(code: str) -> Meeting:
    return get_object_or_404(Meeting.objects.select_related("process"), code=code)


def _process(code: str) -> Process:
    return get_object_or_404(Process, code=code)


def _figures(
    request: HttpRequest, scope: Meeting | Process
) -> tuple[dashboard.Dashboard, DashboardFilterForm]:
    form = DashboardFilterForm(request.GET or None)
    fresh = request.GET.get("fresh") == "1"
    return dashboard.cached_dashboard(scope, form.filters(), fresh=fresh), form


def _page(request: HttpRequest, scope: Meeting | Process) -> HttpResponse:
    figures, form = _figures(request, scope)
    context = {
        "meeting": scope if isinstance(scope, Meeting) else None,
        "process": scope.process if isinstance(scope, Meeting) else scope,
        "dashboard": figures,
        # Drawn only when the page's cached fragment (same figures, same language) is gone.
        "panels": lambda: panels.panels(figures),
        "fragment": f"{dashboard.cache_key(scope, figures.filters)}:{figures.counted_at}",
        "form": form,
        "query": _without(request, "fresh"),
        "may_publish": may(request.user, Permission.STATISTICS_PUBLISH),
        # The occupancy tile: live, never cached with the panels.
        "occupancy": reports_figures.zone_occupancy(scope)
        if isinstance(scope, Meeting) and may(request.user, Permission.OCCUPANCY_READ)
        else [],
        "pickup": pickup_queue(scope) if isinstance(scope, Meeting) else None,
    }
    return render(request, "reports/dashboard.html", context)


def _without(request: HttpRequest, name: str) -> str:
    query = request.GET.copy()
    query.pop(name, None)
    return query.urlencode()


def _panel(request: HttpRequest, scope: Meeting | Process, chart: str) -> panels.Panel:
    figures, _form = _figures(request, scope)
    found = panels.panel(figures, chart)
    if found is None:
        raise Http404("No such chart")
    return found


def _csv(panel: panels.Panel, code: str) -> HttpResponse:
    response = HttpResponse(
        content_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="{code}-{panel.name}.csv"',
            "Cache-Control": "private, no-store",
        },
    )
    csv.writer(response).writerows(
        [[neutralise(value) for value in row] for row in panel.table.csv_rows()]
    )
    return response


def _svg(panel: panels.Panel, code: str) -> HttpResponse:
    return HttpResponse(
        panel.svg.render(),
        content_type="image/svg+xml; charset=utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="{code}-{panel.name}.svg"',
            "Cache-Control": "private, no-store",
        },
    )


# Back office


@staff_view(Permission.STATISTICS_READ)
def dashboard_index(request: HttpRequest) -> HttpResponse:
    processes = Process.objects.prefetch_related("meetings").order_by("name")
    return render(request, "reports/dashboard_index.html", {"processes": processes})


@staff_view(Permission.STATISTICS_READ)
def meeting_dashboard(request: HttpRequest, code: str) -> HttpResponse:
    return _page(request, _meeting(code))


@staff_view(Permission.STATISTICS_READ)
def process_dashboard(request: HttpRequest, code: str) -> HttpResponse:
    return _page(request, _process(code))


@staff_view(Permission.STATISTICS_READ)
def meeting_chart_csv(request: HttpRequest, code: str, chart: str) -> HttpResponse:
    return _csv(_panel(request, _meeting(code), chart), code)


@staff_view(Permission.STATISTICS_READ)
def meeting_chart_svg(request: HttpRequest, code: str, chart: str) -> HttpResponse:
    return _svg(_panel(request, _meeting(code), chart), code)


@staff_view(Permission.STATISTICS_READ)
def process_chart_csv(request: HttpRequest, code: str, chart: str) -> HttpResponse:
    return _csv(_panel(request, _process(code), chart), code)


@staff_view(Permission.STATISTICS_READ)
def process_chart_svg(request: HttpRequest, code: str, chart: str) -> HttpResponse:
    return _svg(_panel(request, _process(code), chart), code)


@staff_view(Permission.STATISTICS_PUBLISH)
@require_POST
def public_statistics_switch(request: HttpRequest, code: str) -> HttpResponse:
    meeting = _meeting(code)
    form = PublicStatisticsForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose whether to publish or withdraw the statistics."))
        return redirect("dashboard:meeting", code=meeting.code)
    enabled = form.cleaned_data["enabled"]
    public_statistics.set_public_statistics(meeting, enabled=enabled, actor=staff_actor(request))
    if enabled:
        messages.success(
            request,
            _("The public statistics page of %(title)s is published.")
            % {"title": localized(meeting, "title")},
        )
    else:
        messages.success(
            request,
            _("The public statistics page of %(title)s is withdrawn.")
            % {"title": localized(meeting, "title")},
        )
    return redirect("dashboard:meeting", code=meeting.code)


# The public page


rate_limited = public_pages.rate_limited(
    "public-statistics", limit=PUBLIC_LIMIT, window=PUBLIC_WINDOW
)


@rate_limited
def statistics(request: HttpRequest, code: str) -> HttpResponse:
    """Counts only, for the whole meeting; 404 unless the meeting's statistics are
    published. The page is rendered at most once a minute per language."""
    meeting = get_object_or_404(
        Meeting.objects.select_related("process"), code=code, public_statistics=True
    )
    key = public_statistics.cache_key(meeting, get_language() or "")
    page = cache.get(key)
    if page is None:
        figures = dashboard.meeting_dashboard(meeting)
        context = {"meeting": meeting, "dashboard": figures, "panels": panels.panels(figures)}
        page = render_to_string("public/statistics.html", context, request=request)
        cache.set(key, page, public_statistics.CACHE_SECONDS)
    response = HttpResponse(page)
    response["Cache-Control"] = f"public, max-age={public_statistics.CACHE_SECONDS}"
    return response
