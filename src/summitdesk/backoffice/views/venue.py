"""The venue of a meeting: zones, gates, participant types' zones, secondary pass pools
(venue.manage); a zone's or gate's page to edit or delete it; secondary pass cards (a
delegation's at once, the meeting's in the background); occupancy per zone
(occupancy.read); one accreditation's valid dates and zones. Every change goes through
the venue services."""

from typing import Any

from django.contrib import messages
from django.core.files.storage import default_storage
from django.forms import Form
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from summitdesk.accreditation.enums import PrintRunStatus
from summitdesk.accreditation.models import Accreditation
from summitdesk.backoffice.venue_forms import (
    GateEditForm,
    GateForm,
    PoolForm,
    ValidityForm,
    ZoneDefaultForm,
    ZoneEditForm,
    ZoneForm,
)
from summitdesk.core.access import staff_actor, staff_view
from summitdesk.core.confirm import unless_confirmed
from summitdesk.core.permissions import Permission
from summitdesk.delegations.models import Reply
from summitdesk.lib.ids import parse_id
from summitdesk.lib.localized import localized
from summitdesk.meetings.models import Meeting
from summitdesk.reports import figures
from summitdesk.venue import cards, passes, validity, zones
from summitdesk.venue.models import Gate, PassCardRun, SecondaryPassPool, Zone, ZoneDefault

#: Which form a POST is for: the name of its submit button.
FORMS = ("zone", "gate", "defaults", "pool")


@staff_view(Permission.VENUE_MANAGE)
def venue(request: HttpRequest, code: str) -> HttpResponse:
    meeting = get_object_or_404(Meeting, code=code)
    bound = next((name for name in FORMS if name in request.POST), "")
    data = request.POST if request.method == "POST" else None
    forms: dict[str, Form] = {
        "zone": ZoneForm(data if bound == "zone" else None, prefix="zone"),
        "gate": GateForm(meeting, data if bound == "gate" else None, prefix="gate"),
        "defaults": ZoneDefaultForm(
            meeting, data if bound == "defaults" else None, prefix="defaults"
        ),
        "pool": PoolForm(meeting, data if bound == "pool" else None, prefix="pool"),
    }
    if bound and forms[bound].is_valid():
        try:
            done = _save(bound, forms[bound], meeting, request)
        except (zones.VenueError, passes.PassError) as refused:
            forms[bound].add_error(None, str(refused))
        else:
            messages.success(request, done)
            return redirect("backoffice:venue", code=meeting.code)
    defaults: dict[str, list[str]] = {}
    for row in (
        ZoneDefault.objects.filter(meeting=meeting)
        .select_related("zone")
        .order_by("participant_type_code", "zone__position")
    ):
        defaults.setdefault(row.participant_type_code, []).append(row.zone.name)
    context: dict[str, Any] = {
        "meeting": meeting,
        "occupancy": figures.zone_occupancy(meeting),
        "gates": Gate.objects.filter(meeting=meeting).select_related("zone"),
        "defaults": sorted(defaults.items()),
        "pools": SecondaryPassPool.objects.filter(reply__meeting=meeting)
        .select_related("reply__organisation", "zone")
        .order_by("reply__organisation__name", "pk"),
        "card_runs": PassCardRun.objects.filter(meeting=meeting).order_by("-pk")[:5],
        **{f"{name}_form": form for name, form in forms.items()},
    }
    errors = bound and forms[bound].errors
    return render(request, "backoffice/venue.html", context, status=400 if errors else 200)


def _save(name: str, form: Form, meeting: Meeting, request: HttpRequest) -> str:
    data = form.cleaned_data
    actor = staff_actor(request)
    if name == "zone":
        assert isinstance(form, ZoneForm)
        zone = zones.create_zone(
            meeting,
            name=data["name"],
            code=data["code"],
            capacity=data["capacity"],
            is_main_entrance=data["is_main_entrance"],
            name_translations=form.translations(),
            actor=actor,
        )
        return _("Zone %(name)s added.") % {"name": zone.name}
    if name == "gate":
        gate = zones.create_gate(
            meeting, name=data["name"], zone=data["zone"], direction=data["direction"], actor=actor
        )
        return _("Gate %(name)s added.") % {"name": gate.name}
    if name == "defaults":
        zones.set_zone_defaults(
            meeting, data["participant_type_code"], list(data["zones"]), actor=actor
        )
        return _("Zones of %(type)s saved.") % {"type": data["participant_type_code"]}
    pool = passes.create_pool(
        data["reply"],
        data["zone"],
        size=data["size"],
        session=data["session"],
        cutoff=data["cutoff"],
        actor=actor,
    )
    return _("%(count)d passes given to %(organisation)s.") % {
        "count": pool.size,
        "organisation": pool.reply.organisation.name,
    }


@staff_view(Permission.OCCUPANCY_READ)
def occupancy(request: HttpRequest, code: str) -> HttpResponse:
    """How many people are inside each zone now (the page reloads itself)."""
    meeting = get_object_or_404(Meeting, code=code)
    context = {"meeting": meeting, "occupancy": figures.zone_occupancy(meeting)}
    return render(request, "backoffice/venue_occupancy.html", context)


@staff_view(Permission.VENUE_MANAGE)
def accreditation_validity(request: HttpRequest, pk: int) -> HttpResponse:
    """One accreditation's valid dates and zones (instead of its type's defaults)."""
    accreditation = get_object_or_404(
        Accreditation.objects.select_related("delegate__reply__organisation", "meeting"), pk=pk
    )
    meeting = accreditation.meeting
    current = validity.validity_of(accreditation, meeting)
    initial = {
        "valid_from": current.valid_from,
        "valid_until": current.valid_until,
        "zones": list(current.zone_ids),
    }
    form = ValidityForm(
        meeting, request.POST if request.method == "POST" else None, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        try:
            validity.set_validity(
                accreditation,
                valid_from=form.cleaned_data["valid_from"],
                valid_until=form.cleaned_data["valid_until"],
                zones=list(form.cleaned_data["zones"]),
                actor=staff_actor(request),
            )
        except validity.ValidityError as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, _("Valid dates and zones saved."))
            return redirect("backoffice:venue-validity", pk=accreditation.pk)
    context = {
        "accreditation": accreditation,
        "meeting": meeting,
        "form": form,
        "defaulted": current.defaulted,
        "participant_type": validity.participant_type_code(accreditation),
    }
    return render(
        request, "backoffice/venue_validity.html", context, status=400 if form.errors else 200
    )


@staff_view(Permission.VENUE_MANAGE)
def pass_cards(request: HttpRequest, code: str, reply_id: int) -> HttpResponse:
    """The pass cards of one delegation of the meeting as a PDF to print (?pool=<id>: one
    of its pools)."""
    meeting = get_object_or_404(Meeting, code=code)
    reply = get_object_or_404(
        Reply.objects.select_related("organisation", "meeting"), pk=reply_id, meeting=meeting
    )
    pool = None
    if request.GET.get("pool"):
        try:
            pool_id = parse_id(request.GET["pool"])
        except ValueError:
            raise Http404 from None
        pool = get_object_or_404(SecondaryPassPool, pk=pool_id, reply=reply)
    try:
        pdf = cards.print_cards(reply, pool=pool, actor=staff_actor(request))
    except cards.NoCards:
        raise Http404 from None
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="pass-cards-{meeting.code}-{reply.pk}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


@staff_view(Permission.VENUE_MANAGE)
def zone_edit(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    """A zone's names (six languages) and capacity; its delete button, or why it stays."""
    meeting = get_object_or_404(Meeting, code=code)
    zone = get_object_or_404(Zone, pk=pk, meeting=meeting)
    form = ZoneEditForm(zone, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            zones.update_zone(
                zone,
                name=form.cleaned_data["name"],
                capacity=form.cleaned_data["capacity"],
                name_translations=form.translations(),
                actor=staff_actor(request),
            )
        except zones.VenueError as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(
                request, _("Zone %(name)s saved.") % {"name": form.cleaned_data["name"]}
            )
            return redirect("backoffice:venue", code=meeting.code)
    context = {"meeting": meeting, "zone": zone, "form": form, "in_use": zones.zone_in_use(zone)}
    return render(
        request, "backoffice/venue_zone.html", context, status=400 if form.errors else 200
    )


@staff_view(Permission.VENUE_MANAGE)
@require_POST
def zone_delete(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    meeting = get_object_or_404(Meeting, code=code)
    zone = get_object_or_404(Zone, pk=pk, meeting=meeting)
    back = reverse("backoffice:venue-zone", kwargs={"code": meeting.code, "pk": zone.pk})
    uses = zones.zone_in_use(zone)
    if not uses:
        confirmation = unless_confirmed(
            request,
            question=_("Delete the zone %(name)s?") % {"name": localized(zone, "name")},
            consequence=_(
                "The zone and its names in every language are deleted; gates and scans can "
                "no longer name it. It cannot be restored."
            ),
            action=_("Delete the zone"),
            back=back,
        )
        if confirmation is not None:
            return confirmation
    try:
        zones.delete_zone(zone, actor=staff_actor(request))
    except zones.VenueError as refused:
        messages.error(request, str(refused))
        return redirect(back)
    messages.success(request, _("Zone %(name)s deleted.") % {"name": zone.name})
    return redirect("backoffice:venue", code=meeting.code)


@staff_view(Permission.VENUE_MANAGE)
def gate_edit(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    """A gate's name, zone and direction; its delete button, or why it stays."""
    meeting = get_object_or_404(Meeting, code=code)
    gate = get_object_or_404(Gate.objects.select_related("meeting", "zone"), pk=pk, meeting=meeting)
    form = GateEditForm(gate, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            zones.update_gate(
                gate,
                name=form.cleaned_data["name"],
                zone=form.cleaned_data["zone"],
                direction=form.cleaned_data["direction"],
                actor=staff_actor(request),
            )
        except zones.VenueError as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(
                request, _("Gate %(name)s saved.") % {"name": form.cleaned_data["name"]}
            )
            return redirect("backoffice:venue", code=meeting.code)
    context = {"meeting": meeting, "gate": gate, "form": form, "in_use": zones.gate_in_use(gate)}
    return render(
        request, "backoffice/venue_gate.html", context, status=400 if form.errors else 200
    )


@staff_view(Permission.VENUE_MANAGE)
@require_POST
def gate_delete(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    meeting = get_object_or_404(Meeting, code=code)
    gate = get_object_or_404(Gate, pk=pk, meeting=meeting)
    back = reverse("backoffice:venue-gate", kwargs={"code": meeting.code, "pk": gate.pk})
    if not zones.gate_in_use(gate):
        confirmation = unless_confirmed(
            request,
            question=_("Delete the gate %(name)s?") % {"name": gate.name},
            consequence=_(
                "A desk named so no longer scans for its zone: its scans go to the main "
                "entrance. It cannot be restored."
            ),
            action=_("Delete the gate"),
            back=back,
        )
        if confirmation is not None:
            return confirmation
    try:
        zones.delete_gate(gate, actor=staff_actor(request))
    except zones.VenueError as refused:
        messages.error(request, str(refused))
        return redirect(back)
    messages.success(request, _("Gate %(name)s deleted.") % {"name": gate.name})
    return redirect("backoffice:venue", code=meeting.code)


#: Seconds between reloads of a running print's page (no script needed to follow it).
REFRESH_SECONDS = 5


@staff_view(Permission.VENUE_MANAGE)
@require_POST
def pass_card_runs(request: HttpRequest, code: str) -> HttpResponse:
    """Print the cards of every secondary pass of the meeting, in the background."""
    meeting = get_object_or_404(Meeting, code=code)
    try:
        run = cards.start_meeting_run(meeting, actor=staff_actor(request))
    except cards.NoCards as refused:
        messages.error(request, str(refused))
        return redirect("backoffice:venue", code=meeting.code)
    return redirect("backoffice:venue-card-run", code=meeting.code, pk=run.pk)


@staff_view(Permission.VENUE_MANAGE)
def pass_card_run(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    meeting = get_object_or_404(Meeting, code=code)
    run = get_object_or_404(
        PassCardRun.objects.select_related("created_by"), pk=pk, meeting=meeting
    )
    running = run.status in (PrintRunStatus.QUEUED, PrintRunStatus.RUNNING)
    context = {
        "meeting": meeting,
        "run": run,
        "running": running,
        "refresh_seconds": REFRESH_SECONDS,
    }
    response = render(request, "backoffice/venue_card_run.html", context)
    if running:
        response["Refresh"] = str(REFRESH_SECONDS)
    return response


@staff_view(Permission.VENUE_MANAGE)  # type: ignore[arg-type]  # typed for HttpResponse; this streams
def pass_card_run_file(request: HttpRequest, code: str, pk: int) -> FileResponse:
    """A finished run's PDF, as a download."""
    meeting = get_object_or_404(Meeting, code=code)
    run = get_object_or_404(PassCardRun, pk=pk, meeting=meeting)
    if run.status != PrintRunStatus.DONE or not run.file:
        raise Http404
    try:
        handle = default_storage.open(run.file, "rb")
    except OSError as error:
        raise Http404 from error
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=run.file.rsplit("/", 1)[-1],
        content_type="application/pdf",
    )
    response["Cache-Control"] = "private, no-store"
    return response
