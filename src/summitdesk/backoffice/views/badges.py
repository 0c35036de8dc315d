"""Badge printing: choose a meeting's approved accreditations, print them in the
background, follow the run, download its PDFs; reprint one badge; visa support letters.

Only the badge desk (and administrators) print badges; the files are served by
`print_run_file` to them alone, never from a public media path.
"""

from django.contrib import messages
from django.core.files.storage import default_storage
from django.db.models import Count, F, Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from summitdesk.accreditation import badge_templates, badges, completeness, print_runs, visa
from summitdesk.accreditation.enums import AccreditationStatus, PrintRunStatus
from summitdesk.accreditation.models import Accreditation, BadgeTemplate, PrintRun
from summitdesk.backoffice.badge_forms import BadgeTemplateForm, PrintRunForm
from summitdesk.core.access import staff_actor, staff_view
from summitdesk.core.permissions import Permission
from summitdesk.lib.locales import join_list
from summitdesk.meetings.models import Meeting

REFRESH_SECONDS = 2
RUNS_SHOWN = 20


def _runs_of(meeting: Meeting) -> list[PrintRun]:
    return list(
        PrintRun.objects.filter(meeting=meeting)
        .defer("accreditation_ids")
        .select_related("created_by")
        .order_by("-created_at", "-id")[:RUNS_SHOWN]
    )


@staff_view(Permission.BADGES_PRINT)
def badge_meetings(request: HttpRequest) -> HttpResponse:
    """The meetings with approved accreditations, and how many badges each has to print."""
    approved = Q(
        accreditations__status=AccreditationStatus.APPROVED,
        accreditations__badge_version__gt=0,
    ) & ~Q(accreditations__badge_number="")
    meetings = (
        Meeting.objects.annotate(
            approved=Count("accreditations", filter=approved),
            unprinted=Count(
                "accreditations",
                filter=approved
                & Q(accreditations__badge_printed_version__lt=F("accreditations__badge_version")),
            ),
        )
        .filter(approved__gt=0)
        .order_by("-start_date", "code")
    )
    return render(request, "backoffice/badge_meetings.html", {"meetings": meetings})


def _print_page(
    request: HttpRequest,
    meeting: Meeting,
    *,
    form: PrintRunForm | None = None,
    template_form: BadgeTemplateForm | None = None,
    refusal: badge_templates.TemplateRefused | None = None,
    status: int = 200,
) -> HttpResponse:
    selection = print_runs.printable_accreditations(meeting)
    context = {
        "meeting": meeting,
        "approved": selection.count(),
        "unprinted": print_runs.unprinted(selection).count(),
        "incomplete": selection.exclude(completeness.READY).count(),
        "incomplete_unprinted": print_runs.unprinted(selection).exclude(completeness.READY).count(),
        "runs": _runs_of(meeting),
        "form": form
        or PrintRunForm(initial={"skip_incomplete": meeting.printing_requires_identity}),
        "template": BadgeTemplate.objects.filter(meeting=meeting)
        .select_related("uploaded_by")
        .first(),
        "template_form": template_form or BadgeTemplateForm(),
        "refusal": refusal,
    }
    return render(request, "backoffice/badge_print.html", context, status=status)


@staff_view(Permission.BADGES_PRINT)
def badge_print(request: HttpRequest, code: str) -> HttpResponse:
    """Start a print run of the meeting's approved badges (all, or those not yet printed)
    in the layout chosen."""
    meeting = get_object_or_404(Meeting, code=code)
    if request.method != "POST":
        return _print_page(request, meeting)
    form = PrintRunForm(request.POST)
    if not form.is_valid():
        return _print_page(request, meeting, form=form, status=400)
    data = form.cleaned_data
    selection = print_runs.printable_accreditations(meeting)
    chosen = selection if data["which"] == "all" else print_runs.unprinted(selection)
    try:
        run = print_runs.start_print_run(
            meeting,
            list(chosen.values_list("pk", flat=True)),
            actor=staff_actor(request),
            layout=data["layout"],
            offset_top=data["offset_top"],
            offset_left=data["offset_left"],
            skip_incomplete=data["skip_incomplete"],
        )
    except badges.BadgeError as error:
        messages.error(request, str(error))
        return redirect("backoffice:badge-print", code=meeting.code)
    return redirect("backoffice:print-run", pk=run.pk)


@staff_view(Permission.BADGE_TEMPLATES_MANAGE)
@require_POST
def badge_template_upload(request: HttpRequest, code: str) -> HttpResponse:
    """Replace the meeting's badge design with an uploaded Typst file, once it compiled
    against sample badges (at most ten seconds, in a child process)."""
    meeting = get_object_or_404(Meeting, code=code)
    form = BadgeTemplateForm(request.POST, request.FILES)
    if not form.is_valid():
        return _print_page(request, meeting, template_form=form, status=400)
    try:
        badge_templates.set_badge_template(
            meeting, upload=form.cleaned_data["template"], actor=staff_actor(request)
        )
    except badge_templates.TemplateRefused as error:
        return _print_page(request, meeting, template_form=form, refusal=error, status=400)
    messages.success(request, _("The meeting's badges now print in the uploaded design."))
    return redirect("backoffice:badge-print", code=meeting.code)


@staff_view(Permission.BADGE_TEMPLATES_MANAGE)
@require_POST
def badge_template_remove(request: HttpRequest, code: str) -> HttpResponse:
    meeting = get_object_or_404(Meeting, code=code)
    if badge_templates.remove_badge_template(meeting, actor=staff_actor(request)):
        messages.success(request, _("The meeting's badges print in the built-in design again."))
    return redirect("backoffice:badge-print", code=meeting.code)


@staff_view(Permission.BADGES_PRINT)
def print_run(request: HttpRequest, pk: int) -> HttpResponse:
    run = get_object_or_404(
        PrintRun.objects.defer("accreditation_ids").select_related("meeting", "created_by"), pk=pk
    )
    files = [(index, name.rsplit("/", 1)[-1]) for index, name in enumerate(run.files)]
    running = run.status in (PrintRunStatus.QUEUED, PrintRunStatus.RUNNING)
    context = {
        "run": run,
        "files": files if run.status == PrintRunStatus.DONE else [],
        "refresh_seconds": REFRESH_SECONDS,
        "running": running,
    }
    response = render(request, "backoffice/badge_run.html", context)
    if running:
        response["Refresh"] = str(REFRESH_SECONDS)  # no script needed to follow the run
    return response


@staff_view(Permission.BADGES_PRINT)  # type: ignore[arg-type]  # typed for HttpResponse; this streams
def print_run_file(request: HttpRequest, pk: int, index: int) -> FileResponse:
    """One of a finished run's files (a PDF or the ZIP), as a download."""
    run = get_object_or_404(PrintRun.objects.only("status", "files"), pk=pk)
    if run.status != PrintRunStatus.DONE or not 0 <= index < len(run.files):
        raise Http404
    name = str(run.files[index])
    try:
        handle = default_storage.open(name, "rb")
    except OSError as error:
        raise Http404 from error
    filename = name.rsplit("/", 1)[-1]
    content_type = "application/zip" if filename.endswith(".zip") else "application/pdf"
    response = FileResponse(
        handle, as_attachment=True, filename=filename, content_type=content_type
    )
    response["Cache-Control"] = "private, no-store"
    return response


@staff_view(Permission.BADGES_PRINT)
@require_POST
def print_run_retry(request: HttpRequest, pk: int) -> HttpResponse:
    """Print a failed run again, from the start."""
    run = get_object_or_404(PrintRun.objects.only("status"), pk=pk)
    if not print_runs.retry_print_run(run):
        messages.error(request, _("Only a failed print run can be tried again."))
    return redirect("backoffice:print-run", pk=run.pk)


@staff_view(Permission.BADGES_PRINT)
@require_POST
def badge_reprint(request: HttpRequest, pk: int) -> HttpResponse:
    """A new badge for one accreditation (lost, damaged, name corrected), printed at once:
    the old badge's code is refused at the door from now on."""
    accreditation = get_object_or_404(Accreditation.objects.select_related("meeting"), pk=pk)
    return _reprint(request, accreditation)


@staff_view(Permission.BADGES_PRINT)
@require_POST
def badge_reprint_by_number(request: HttpRequest, code: str) -> HttpResponse:
    """The same, for the badge number typed (or scanned) at the badge desk."""
    meeting = get_object_or_404(Meeting, code=code)
    number = request.POST.get("badge_number", "").strip()
    accreditation = (
        Accreditation.objects.select_related("meeting")
        .filter(meeting=meeting, badge_number__iexact=number)
        .first()
        if number
        else None
    )
    if accreditation is None:
        messages.error(request, _("No badge with the number %(number)s.") % {"number": number})
        return redirect("backoffice:badge-print", code=meeting.code)
    return _reprint(request, accreditation)


def _reprint(request: HttpRequest, accreditation: Accreditation) -> HttpResponse:
    actor = staff_actor(request)
    lacking = completeness.missing_for_badge(accreditation)
    if accreditation.meeting.printing_requires_identity and lacking:
        # Refused before the reissue: the badge in the delegate's hands keeps working.
        messages.error(
            request,
            _("The badge of %(delegate)s is not printed; missing: %(missing)s.")
            % {"delegate": accreditation.delegate, "missing": join_list(lacking)},
        )
        return redirect("backoffice:badge-print", code=accreditation.meeting.code)
    try:
        badges.reissue_badge(accreditation, actor=actor, reason=request.POST.get("reason", ""))
        run = print_runs.start_print_run(accreditation.meeting, [accreditation.pk], actor=actor)
    except badges.BadgeError as error:
        messages.error(request, str(error))
        return redirect("backoffice:badge-print", code=accreditation.meeting.code)
    messages.success(request, _("A new badge was issued; the old one no longer opens doors."))
    return redirect("backoffice:print-run", pk=run.pk)


@staff_view(Permission.VISA_LETTERS_PRINT)
def visa_letter_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The visa support letter of an approved delegate, as a PDF download."""
    accreditation = get_object_or_404(
        Accreditation.objects.select_related("delegate__reply__organisation", "meeting"), pk=pk
    )
    try:
        pdf = visa.render_visa_letter(accreditation)
    except visa.VisaLetterError as error:
        # The accreditation's page says why, in place of the link (a bookmark lands there).
        messages.error(request, str(error))
        return redirect("backoffice:accreditation-detail", pk=accreditation.pk)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="visa-letter-{accreditation.meeting.code}-{accreditation.pk}.pdf"'
    )
    response["Cache-Control"] = "private, no-store"
    return response
