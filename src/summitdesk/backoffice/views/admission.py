"""The staff's admission pages: the review queue of a process, an application (its
documents, the directory entries it may be, the review and decision), a meeting's decision
on many applications, the organisations admitted (suspend, withdraw, reinstate) and the
documents for the decision."""

from django.contrib import messages
from django.db.models import Q, QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from summitdesk.admission import decision_lists, review
from summitdesk.admission.enums import DECIDED, ApplicationStatus
from summitdesk.admission.models import Admission, Application, ApplicationDocument
from summitdesk.backoffice.admission_forms import (
    BulkDecisionForm,
    DecisionForm,
    QueueFilterForm,
    ReviewForm,
    StandingForm,
)
from summitdesk.backoffice.listing import Column, Listing
from summitdesk.core.access import staff_actor, staff_view
from summitdesk.core.confirm import unless_confirmed
from summitdesk.core.documents import DocumentState
from summitdesk.core.models import AuditEntry
from summitdesk.core.permissions import Permission, may
from summitdesk.directory.models import Organisation
from summitdesk.lib import uploads
from summitdesk.meetings.models import Meeting, Process
from summitdesk.reports import figures

P = Permission
PAGE_SIZE = 50
COLUMNS = [
    Column("reference", _lazy("Reference"), ("reference",)),
    Column("name", _lazy("Organisation"), ("name",)),
    Column("country", _lazy("Country"), ("country", "name")),
    Column("status", _lazy("Status"), ("status", "submitted_at")),
    Column("submitted", _lazy("Submitted"), ("submitted_at",)),
]
ADMITTED_COLUMNS = [
    Column("name", _lazy("Organisation"), ("organisation__name_key",)),
    Column("status", _lazy("Standing"), ("status", "organisation__name_key")),
    Column("admitted_on", _lazy("Admitted on"), ("admitted_on", "organisation__name_key")),
    Column("next_review_on", _lazy("Next review"), ("next_review_on",), nullable=True),
]


def _process(code: str) -> Process:
    return get_object_or_404(Process, code=code)


def _application(pk: int) -> Application:
    """An application staff see (its email confirmed); any other id is not found."""
    return get_object_or_404(
        review.staff_applications().select_related("process", "decision_meeting", "organisation"),
        pk=pk,
    )


@staff_view(P.APPLICATIONS_READ)
def admission_index(request: HttpRequest) -> HttpResponse:
    processes = [
        (process, figures.applications_by_status(process))
        for process in Process.objects.order_by("name")
    ]
    return render(request, "backoffice/admission/index.html", {"processes": processes})


def _queue(process: Process, status: str, text: str) -> "QuerySet[Application]":
    rows = Application.objects.filter(process=process).exclude(status=ApplicationStatus.UNCONFIRMED)
    if status:
        rows = rows.filter(status=status)
    if text:
        rows = rows.filter(
            Q(reference__iexact=text) | Q(name__icontains=text) | Q(acronym__iexact=text)
        )
    return rows.only("pk", "reference", "name", "acronym", "country", "status", "submitted_at")


@staff_view(P.APPLICATIONS_READ)
def application_list(request: HttpRequest, code: str) -> HttpResponse:
    process = _process(code)
    form = QueueFilterForm(request.GET or None)
    status, text = "", ""
    if form.is_valid():
        status, text = form.cleaned_data["status"], form.cleaned_data["q"].strip()
    counts = figures.applications_by_status(process)
    listing = Listing(request.GET, COLUMNS, default_sort="submitted", default_size=PAGE_SIZE)
    known = counts.get(status) if status and not text else None
    if not status and not text:
        known = sum(counts.values())
    page = listing.page(_queue(process, status, text), count=known)
    context = {
        "process": process,
        "form": form,
        "listing": listing,
        "page": page,
        "query": listing.query(),
        "counts": [
            (value, ApplicationStatus(value).label, count) for value, count in counts.items()
        ],
        "status": status,
        "filtered": bool(status or text),
        "export_query": f"process={process.code}",
    }
    return render(request, "backoffice/admission/application_list.html", context)


@staff_view(P.APPLICATIONS_READ)
def application_detail(request: HttpRequest, pk: int) -> HttpResponse:
    application = _application(pk)
    reviewing = may(request.user, P.APPLICATIONS_REVIEW)
    context = {
        "application": application,
        "documents": list(application.documents.select_related("requirement")),
        "may_download": may(request.user, P.APPLICATION_DOCUMENTS_READ),
        "reviewing": reviewing,
        "decided": application.status in DECIDED,
        "history": AuditEntry.objects.for_object(application).select_related("actor")[:100],
    }
    if reviewing and application.status not in DECIDED:
        context["review_form"] = ReviewForm(status=application.status)
        context["decision_form"] = DecisionForm(process=application.process)
        context["duplicates"] = review.duplicate_candidates(application)
        context["decidable"] = application.status in review.DECIDABLE
    return render(request, "backoffice/admission/application_detail.html", context)


def _refused(request: HttpRequest, application: Application, message: str) -> HttpResponse:
    messages.error(request, message)
    return redirect("backoffice:application-detail", pk=application.pk)


@require_POST
@staff_view(P.APPLICATIONS_REVIEW)
def application_review(request: HttpRequest, pk: int) -> HttpResponse:
    application = _application(pk)
    form = ReviewForm(request.POST, status=application.status)
    if not form.is_valid():
        return _refused(request, application, _("Choose one of the statuses offered."))
    try:
        review.review(
            application,
            to=form.cleaned_data["to"],
            missing=form.cleaned_data["missing"],
            reasons=form.cleaned_data["reasons"],
            actor=staff_actor(request),
        )
    except review.ReviewError as refused:
        return _refused(request, application, str(refused))
    messages.success(request, _("The application's status is changed."))
    return redirect("backoffice:application-detail", pk=application.pk)


@require_POST
@staff_view(P.APPLICATIONS_REVIEW)
def application_entry(request: HttpRequest, pk: int) -> HttpResponse:
    """Staff choose the directory entry that is the same body (or none)."""
    application = _application(pk)
    chosen = str(request.POST.get("organisation", "")).strip()
    organisation = None
    if chosen:
        if not chosen.isdigit():
            return _refused(request, application, _("No current organisation has that number."))
        organisation = Organisation.objects.current().filter(pk=int(chosen)).first()
        if organisation is None:
            return _refused(request, application, _("No current organisation has that number."))
    try:
        review.choose_entry(application, organisation, actor=staff_actor(request))
    except review.ReviewError as refused:
        return _refused(request, application, str(refused))
    messages.success(
        request,
        _("On admission, this directory entry is completed.")
        if organisation
        else _("On admission, a new directory entry is made."),
    )
    return redirect("backoffice:application-detail", pk=application.pk)


@require_POST
@staff_view(P.APPLICATIONS_REVIEW)
def application_decide(request: HttpRequest, pk: int) -> HttpResponse:
    application = _application(pk)
    form = DecisionForm(request.POST, process=application.process)
    if not form.is_valid():
        errors = [str(error) for errors in form.errors.values() for error in errors]
        return _refused(request, application, " ".join(errors))
    try:
        review.decide(
            application,
            meeting=form.cleaned_data["meeting"],
            admit=form.cleaned_data["decision"] == "admit",
            reasons=form.cleaned_data["reasons"],
            decided_on=form.cleaned_data["decided_on"],
            actor=staff_actor(request),
        )
    except review.ReviewError as refused:
        return _refused(request, application, str(refused))
    messages.success(request, _("The decision is recorded."))
    return redirect("backoffice:application-detail", pk=application.pk)


@staff_view(P.APPLICATIONS_READ, P.APPLICATION_DOCUMENTS_READ)  # type: ignore[arg-type]  # streams
def application_document(request: HttpRequest, pk: int, document_pk: int) -> FileResponse:
    """A document the applicant sent, as a download; only once inspected and accepted."""
    application = _application(pk)
    document = get_object_or_404(
        ApplicationDocument, pk=document_pk, application=application, state=DocumentState.ACCEPTED
    )
    return uploads.attachment(
        document.file.open("rb"), filename=document.download_name, media=document.media_type
    )


@staff_view(P.APPLICATIONS_REVIEW)
def decide_many(request: HttpRequest, code: str) -> HttpResponse:
    """A meeting's decision on several applications at once, by reference."""
    process = _process(code)
    form = BulkDecisionForm(request.POST or None, process=process)
    if request.method == "POST" and form.is_valid():
        try:
            done = review.decide_many(
                form.cleaned_data["meeting"],
                admit=form.cleaned_data["admit_references"],
                not_admit=form.cleaned_data["not_admit_references"],
                reasons=form.cleaned_data["reasons"],
                decided_on=form.cleaned_data["decided_on"],
                actor=staff_actor(request),
            )
        except review.ReviewError as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(
                request,
                _("Recorded: %(admitted)s admitted, %(not_admitted)s not admitted.")
                % {"admitted": len(done.admitted), "not_admitted": len(done.not_admitted)},
            )
            return redirect("backoffice:admitted-list", code=process.code)
    context = {
        "process": process,
        "form": form,
        "meetings": Meeting.objects.filter(process=process).in_calendar_order(),
        "recommended": decision_lists.recommended_applications(process).only(
            "reference", "name", "country"
        )[:500],
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "backoffice/admission/decide_many.html", context, status=status)


@staff_view(P.APPLICATIONS_READ)
def admitted_list(request: HttpRequest, code: str) -> HttpResponse:
    process = _process(code)
    listing = Listing(request.GET, ADMITTED_COLUMNS, default_sort="name", default_size=PAGE_SIZE)
    rows = Admission.objects.filter(process=process).select_related(
        "organisation", "meeting", "application"
    )
    page = listing.page(rows)
    approved = figures.approved_accreditations_of_admitted(page.object_list)
    context = {
        "process": process,
        "listing": listing,
        "page": page,
        "query": listing.query(),
        "rows": [(admission, approved[admission.pk]) for admission in page.object_list],
        "counts": figures.admissions_by_status(process),
        "reviewing": may(request.user, P.APPLICATIONS_REVIEW),
        "export_query": f"process={process.code}",
        "due": review.due_for_review(timezone.localdate()).filter(process=process).count(),
    }
    return render(request, "backoffice/admission/admitted_list.html", context)


@require_POST
@staff_view(P.APPLICATIONS_REVIEW)
def admission_standing(request: HttpRequest, pk: int) -> HttpResponse:
    admission = get_object_or_404(
        Admission.objects.select_related("organisation", "process"), pk=pk
    )
    back = redirect("backoffice:admitted-list", code=admission.process.code)
    form = StandingForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose an action."))
        return back
    action, reason = form.cleaned_data["action"], form.cleaned_data["reason"]
    actor = staff_actor(request)
    if action in ("suspend", "withdraw") and reason.strip():
        approved = figures.approved_accreditations_of_admitted([admission])[admission.pk]
        confirmation = unless_confirmed(
            request,
            question=(_("Suspend %(name)s?") if action == "suspend" else _("Withdraw %(name)s?"))
            % {"name": admission.organisation.name},
            consequence=_(
                "It leaves the circulars' audiences of the admitted and may not reply. "
                "Its %(count)s approved accreditations stay unless you revoke them."
            )
            % {"count": approved},
            action=_("Suspend") if action == "suspend" else _("Withdraw"),
            back=request.build_absolute_uri(back.url),
        )
        if confirmation:
            return confirmation
    try:
        if action == "suspend":
            review.suspend(admission, reason=reason, actor=actor)
        elif action == "withdraw":
            review.withdraw(admission, reason=reason, actor=actor)
        elif action == "reinstate":
            review.reinstate(admission, note=reason, actor=actor)
        else:
            review.mark_reviewed(admission, actor=actor)
    except review.ReviewError as refused:
        messages.error(request, str(refused))
        return back
    messages.success(request, _("Saved."))
    return back


def _list_kind(kind: str) -> decision_lists.ListKind:
    if kind == "recommended":
        return "recommended"
    if kind == "admitted":
        return "admitted"
    raise Http404


@staff_view(P.APPLICATIONS_READ)
def decision_list_pdf(request: HttpRequest, code: str, kind: str) -> HttpResponse:
    process = _process(code)
    chosen = _list_kind(kind)
    response = HttpResponse(
        decision_lists.render(
            process,
            chosen,
            meeting=decision_lists.deciding_meeting(process, request.GET.get("meeting")),
        ),
        content_type="application/pdf",
    )
    response["Content-Disposition"] = (
        f'attachment; filename="{decision_lists.file_name(process, chosen)}"'
    )
    return response
