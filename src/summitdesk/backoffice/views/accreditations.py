"""Accreditations: the registration officer's list of a meeting (filter, tick, approve or
reject many at once after a confirmation showing the count), one accreditation's page (the
delegate, the organisation, identity data for the roles that may see it, the history, the
moves allowed), and the limits of a meeting with the exception requests. Reading goes
through accreditation.queries, every change through accreditation.services."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from summitdesk.accreditation import bulk_decisions, completeness, queries, services, visa
from summitdesk.accreditation.enums import AccreditationStatus, BulkDecisionStatus
from summitdesk.accreditation.models import Accreditation, BulkDecision, LimitException
from summitdesk.backoffice.accreditation_forms import (
    BULK_MOVES,
    DESTRUCTIVE_MOVES,
    MOVE_BUTTONS,
    AccreditationFilterForm,
    BulkAllForm,
    BulkForm,
    ExceptionDecisionForm,
    IdentityForm,
    LimitsForm,
    MoveForm,
    SubstituteForm,
)
from summitdesk.backoffice.listing import Column, Listing, Selection
from summitdesk.core.access import staff_actor, staff_view
from summitdesk.core.confirm import unless_confirmed
from summitdesk.core.permissions import Permission, may
from summitdesk.delegations.participant_types import type_of
from summitdesk.delegations.services import DelegateData
from summitdesk.meetings.models import Meeting

PAGE_SIZE = 100
#: Seconds between two reloads of a decision's page while its task runs.
REFRESH_SECONDS = 3
#: The list's columns; those that sort order by indexed columns (then by id).
COLUMNS = [
    Column("delegate", _lazy("Delegate"), ("delegate__family_name", "delegate__given_name")),
    Column("organisation", _lazy("Organisation"), ("delegate__reply__organisation__name",)),
    Column(
        "category",
        _lazy("Category"),
        ("delegate__reply__organisation__category", "delegate__reply__organisation__name"),
    ),
    Column("status", _lazy("Status"), ("status",)),
    Column("badge", _lazy("Badge"), ("badge_number",)),
    Column("completeness", _lazy("For the badge")),
]
#: How many matching accreditations the confirmation of a decision on all of them names.
NAMED_ON_CONFIRMATION = 20


def _listing(params: QueryDict) -> Listing:
    return Listing(params, COLUMNS, default_sort="organisation", default_size=PAGE_SIZE)


@staff_view(Permission.ACCREDITATIONS_READ)
def accreditation_list(request: HttpRequest, code: str) -> HttpResponse:
    meeting = get_object_or_404(Meeting, code=code)
    form = AccreditationFilterForm(request.GET or None)
    listing = _listing(request.GET)
    given = form.list_filter()
    counts = queries.status_counts(meeting)
    page = listing.page(
        queries.accreditation_list(meeting, given), count=queries.count_from(counts, given)
    )
    context = {
        "meeting": meeting,
        "form": form,
        "listing": listing,
        "page": page,
        "counts": counts,
        "any_accreditation": any(c.count for c in counts),
        "query": listing.query(),
        "filter_fields": listing.hidden_fields("sort", "per_page"),
    }
    return render(request, "backoffice/accreditation_list.html", context)


@staff_view(Permission.ACCREDITATIONS_DECIDE)
@require_POST
def accreditation_bulk(request: HttpRequest, code: str) -> HttpResponse:
    """First post (from the list): the confirmation page with the count. Second post
    (confirmed): every accreditation moved or refused one by one, and the report."""
    meeting = get_object_or_404(Meeting, code=code)
    if request.POST.get("all_matching") == "1":
        return _bulk_all_matching(request, meeting)
    ids = list(
        Accreditation.objects.filter(meeting=meeting).values_list("pk", flat=True)
    )  # only this meeting's accreditations can be chosen
    form = BulkForm(request.POST, ids=ids)
    if not form.is_valid() and ("ids" in form.errors or "action" in form.errors):
        messages.error(request, _("Tick the accreditations first."))
        return redirect("backoffice:accreditation-list", code=meeting.code)
    if form.is_valid() and form.cleaned_data["confirm"]:
        to = BULK_MOVES[form.cleaned_data["action"]]
        chosen_ids = form.cleaned_data["ids"]
        skipped = 0
        if to == AccreditationStatus.APPROVED and form.cleaned_data["skip_incomplete"]:
            ready = set(
                Accreditation.objects.filter(pk__in=chosen_ids)
                .filter(completeness.READY)
                .values_list("pk", flat=True)
            )
            skipped = len(chosen_ids) - len(ready)
            chosen_ids = [pk for pk in chosen_ids if pk in ready]
        report = services.bulk_transition(
            chosen_ids,
            to,
            reason=form.cleaned_data["reason"],
            actor=staff_actor(request),
        )
        messages.success(
            request,
            _("%(moved)d of %(total)d accreditations are now %(status)s.")
            % {
                "moved": report.moved,
                "total": len(form.cleaned_data["ids"]),
                "status": AccreditationStatus(to).label.lower(),
            },
        )
        if skipped:
            messages.warning(
                request,
                ngettext(
                    "%(count)d incomplete accreditation was left pending.",
                    "%(count)d incomplete accreditations were left pending.",
                    skipped,
                )
                % {"count": skipped},
            )
        for pk, reason in report.refused.items():
            messages.error(request, f"#{pk}: {reason}")
        return redirect("backoffice:accreditation-list", code=meeting.code)
    chosen = request.POST.getlist("ids")
    selected = Accreditation.objects.filter(meeting=meeting, pk__in=chosen).select_related(
        "delegate__reply__organisation", "meeting"
    )
    context = {
        "meeting": meeting,
        "form": form,
        "action": request.POST.get("action"),
        "selected": selected,
        "count": len(selected),
        "incomplete": sum(1 for a in selected if completeness.missing_for_badge(a)),
        "skip_incomplete": meeting.approval_requires_identity,
    }
    return render(request, "backoffice/accreditation_bulk.html", context)


def _bulk_all_matching(request: HttpRequest, meeting: Meeting) -> HttpResponse:
    """Every accreditation the list's filter (posted, not ids) matches, across its pages:
    first the confirmation naming the count, then a background task with progress."""
    given = AccreditationFilterForm(request.POST).list_filter()
    form = BulkAllForm(request.POST)
    back = reverse("backoffice:accreditation-list", args=[meeting.code])
    if "action" in form.errors or not form.data.get("action"):
        messages.error(request, _("Choose what to do with the accreditations."))
        return redirect(back)
    found = queries.accreditation_list(meeting, given)
    count = found.count()
    if not count:
        messages.error(request, _("No accreditation matches the list's filter any more."))
        return redirect(back)
    if form.is_valid() and form.cleaned_data["confirm"]:
        try:
            decision = bulk_decisions.start_bulk_decision(
                meeting,
                given,
                BULK_MOVES[form.cleaned_data["action"]],
                expected=form.cleaned_data["expected"],
                reason=form.cleaned_data["reason"],
                skip_incomplete=form.cleaned_data["skip_incomplete"],
                actor=staff_actor(request),
            )
        except bulk_decisions.BulkDecisionError as error:
            form.add_error(None, str(error))
        else:
            return redirect("backoffice:accreditation-bulk-decision", pk=decision.pk)
    fields = list(
        Selection.posted(request.POST, list(AccreditationFilterForm.base_fields)).filter_fields
    )
    context = {
        "meeting": meeting,
        "form": form,
        "action": form.data.get("action"),
        "selected": found[:NAMED_ON_CONFIRMATION],
        "count": count,
        "more": max(count - NAMED_ON_CONFIRMATION, 0),
        "incomplete": found.exclude(completeness.READY).count(),
        "skip_incomplete": meeting.approval_requires_identity,
        "all_matching": True,
        "filter_fields": fields,
    }
    return render(request, "backoffice/accreditation_bulk.html", context)


@staff_view(Permission.ACCREDITATIONS_DECIDE)
def accreditation_bulk_decision(request: HttpRequest, pk: int) -> HttpResponse:
    """A decision on many accreditations, followed as its task moves them."""
    decision = get_object_or_404(
        BulkDecision.objects.defer("accreditation_ids").select_related("meeting", "created_by"),
        pk=pk,
    )
    running = decision.status in (BulkDecisionStatus.QUEUED, BulkDecisionStatus.RUNNING)
    refused = sorted(decision.refused.items(), key=lambda item: int(item[0]))
    context = {
        "decision": decision,
        "running": running,
        "refused": refused[:100],
        "refused_more": max(len(refused) - 100, 0),
        "refresh_seconds": REFRESH_SECONDS,
    }
    response = render(request, "backoffice/accreditation_bulk_decision.html", context)
    if running:
        response["Refresh"] = str(REFRESH_SECONDS)  # no script needed to follow it
    return response


def _accreditation(pk: int) -> Accreditation:
    return get_object_or_404(
        Accreditation.objects.select_related(
            "meeting", "delegate__reply__organisation", "delegate__reply__focal_point"
        ),
        pk=pk,
    )


@staff_view(Permission.ACCREDITATIONS_READ)
def accreditation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    accreditation = _accreditation(pk)
    may_see_identity = services.can_see_identity(request.user)
    context = {
        "accreditation": accreditation,
        "delegate": accreditation.delegate,
        "organisation": accreditation.delegate.reply.organisation,
        "meeting": accreditation.meeting,
        "participant_type": type_of(accreditation.delegate),
        "may_see_identity": may_see_identity,
        "identity_form": IdentityForm(instance=accreditation) if may_see_identity else None,
        "may_decide": may(request.user, Permission.ACCREDITATIONS_DECIDE),
        "moves": [
            {
                "value": move,
                "button": MOVE_BUTTONS[AccreditationStatus(move)],
                "destructive": move in DESTRUCTIVE_MOVES,
            }
            for move in services.allowed_moves(accreditation)
        ],
        "needs_reason": services.NEEDS_REASON,
        "limit": services.check_limit(
            accreditation.delegate.reply.organisation, accreditation.meeting
        ),
        "missing": completeness.missing_for_badge(accreditation),
        "visa_letter_lacks": visa.why_no_letter(accreditation),
        "substitute_form": SubstituteForm(),
        "history": queries.history(accreditation),
    }
    return render(request, "backoffice/accreditation_detail.html", context)


@staff_view(Permission.ACCREDITATIONS_DECIDE)
@require_POST
def accreditation_move(request: HttpRequest, pk: int) -> HttpResponse:
    accreditation = _accreditation(pk)
    form = MoveForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a status."))
    else:
        confirmation = _confirm_move(request, accreditation, form)
        if confirmation is not None:
            return confirmation
        try:
            services.transition(
                accreditation,
                form.cleaned_data["to"],
                reason=form.cleaned_data["reason"],
                actor=staff_actor(request),
            )
        except services.AccreditationError as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request,
                _("The accreditation is now %(status)s.")
                % {"status": AccreditationStatus(form.cleaned_data["to"]).label.lower()},
            )
    return redirect("backoffice:accreditation-detail", pk=accreditation.pk)


def _confirm_move(
    request: HttpRequest, accreditation: Accreditation, form: MoveForm
) -> HttpResponse | None:
    """The confirmation of a move that takes something away; none for the others, nor
    for a move the service will refuse anyway (its message says why at once)."""
    to = form.cleaned_data["to"]
    if to not in DESTRUCTIVE_MOVES or to not in services.allowed_moves(accreditation):
        return None
    if to in services.NEEDS_REASON and not form.cleaned_data["reason"].strip():
        return None
    question, consequence, action = DESTRUCTIVE_MOVES[AccreditationStatus(to)]
    return unless_confirmed(
        request,
        question=str(question)
        % {
            "delegate": accreditation.delegate,
            "organisation": accreditation.delegate.reply.organisation.name,
        },
        consequence=str(consequence),
        action=str(action),
        back=reverse("backoffice:accreditation-detail", args=[accreditation.pk]),
    )


@staff_view(Permission.IDENTITY_DATA_CHANGE)
@require_POST
def accreditation_identity(request: HttpRequest, pk: int) -> HttpResponse:
    accreditation = _accreditation(pk)
    form = IdentityForm(request.POST, instance=Accreditation.objects.get(pk=pk))
    if form.is_valid():
        data = {name: form.cleaned_data[name] for name in services.IDENTITY_FIELDS}
        changed = services.update_identity(accreditation, data, actor=staff_actor(request))
        messages.success(
            request, _("Identity data saved.") if changed else _("Nothing was changed.")
        )
    else:
        messages.error(request, _("Identity data not saved: check the dates."))
    return redirect("backoffice:accreditation-detail", pk=accreditation.pk)


@staff_view(Permission.ACCREDITATIONS_DECIDE)
@require_POST
def accreditation_link(request: HttpRequest, pk: int) -> HttpResponse:
    """Re-issue the delegate's own link: the earlier ones stop working at once."""
    accreditation = _accreditation(pk)
    confirmation = unless_confirmed(
        request,
        question=_("Send a new link to %(delegate)s at %(email)s?")
        % {"delegate": accreditation.delegate, "email": accreditation.delegate.email},
        consequence=_("Every earlier link of this delegate stops working at once."),
        action=_("Send a new link"),
        back=reverse("backoffice:accreditation-detail", args=[accreditation.pk]),
    )
    if confirmation is not None:
        return confirmation
    try:
        services.reissue_delegate_link(accreditation, actor=staff_actor(request))
    except services.AccreditationError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _("A new link is on its way to %(email)s; the earlier ones no longer work.")
            % {"email": accreditation.delegate.email},
        )
    return redirect("backoffice:accreditation-detail", pk=accreditation.pk)


@staff_view(Permission.ACCREDITATIONS_DECIDE)
def accreditation_limits(request: HttpRequest, code: str) -> HttpResponse:
    meeting = get_object_or_404(Meeting, code=code)
    rows = queries.limit_rows(meeting)
    form = LimitsForm(request.POST if request.method == "POST" else None, rows=rows)
    if request.method == "POST" and form.is_valid():
        actor = staff_actor(request)
        for row in rows:
            services.set_limit(meeting, row.category, form.cleaned_data[row.category], actor=actor)
        messages.success(request, _("Limits saved."))
        return redirect("backoffice:accreditation-limits", code=meeting.code)
    context = {"meeting": meeting, "form": form, "exceptions": queries.exceptions(meeting)}
    return render(request, "backoffice/accreditation_limits.html", context)


@staff_view(Permission.ACCREDITATIONS_DECIDE)
@require_POST
def accreditation_exception_decide(request: HttpRequest, pk: int) -> HttpResponse:
    exception = get_object_or_404(
        LimitException.objects.select_related("meeting", "organisation"), pk=pk
    )
    form = ExceptionDecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for e in form.errors.values()))
    else:
        grant = form.cleaned_data["decision"] == "grant"
        confirmation = None
        if not grant:
            confirmation = unless_confirmed(
                request,
                question=_("Refuse the request of %(organisation)s for %(count)d delegates?")
                % {"organisation": exception.organisation.name, "count": exception.requested},
                consequence=_("The usual limit stays; the focal point is told."),
                action=_("Refuse the request"),
                back=reverse("backoffice:accreditation-limits", args=[exception.meeting.code]),
            )
        if confirmation is not None:
            return confirmation
        try:
            services.decide_exception(
                exception,
                granted=form.cleaned_data["granted"] if grant else None,
                reason=form.cleaned_data["reason"],
                actor=staff_actor(request),
            )
        except services.AccreditationError as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request, _("The exception is granted.") if grant else _("The request is refused.")
            )
    return redirect("backoffice:accreditation-limits", code=exception.meeting.code)


@staff_view(Permission.ACCREDITATIONS_READ)
def accreditation_index(request: HttpRequest) -> HttpResponse:
    """The meetings, each with how many accreditations wait, to open one's list."""
    meetings = queries.meetings_with_counts()
    return render(request, "backoffice/accreditation_index.html", {"meetings": meetings})


@staff_view(Permission.ACCREDITATIONS_DECIDE)
@require_POST
def accreditation_substitute(request: HttpRequest, pk: int) -> HttpResponse:
    """Staff enter a substitution for the focal point: the newcomer's accreditation opens."""
    accreditation = _accreditation(pk)
    form = SubstituteForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give at least the substitute's family name, and a valid email."))
        return redirect("backoffice:accreditation-detail", pk=accreditation.pk)
    confirmation = unless_confirmed(
        request,
        question=_("Replace %(delegate)s by %(substitute)s?")
        % {
            "delegate": accreditation.delegate,
            "substitute": " ".join(
                part
                for part in (form.cleaned_data["given_name"], form.cleaned_data["family_name"])
                if part
            ),
        },
        consequence=_(
            "The badge of %(delegate)s is revoked at once; the substitute's accreditation "
            "waits for approval."
        )
        % {"delegate": accreditation.delegate},
        action=_("Revoke and substitute"),
        back=reverse("backoffice:accreditation-detail", args=[accreditation.pk]),
    )
    if confirmation is not None:
        return confirmation
    try:
        created = services.substitute(
            accreditation, DelegateData(**form.cleaned_data), actor=staff_actor(request)
        )
    except services.AccreditationError as error:
        messages.error(request, str(error))
        return redirect("backoffice:accreditation-detail", pk=accreditation.pk)
    messages.success(
        request, _("The badge is revoked; the substitute's accreditation waits for approval.")
    )
    return redirect("backoffice:accreditation-detail", pk=created.pk)


@staff_view(Permission.ACCREDITATIONS_DECIDE)
@require_POST
def accreditation_remind(request: HttpRequest, code: str) -> HttpResponse:
    """Email every pending or approved delegate of the meeting whose details are missing."""
    meeting = get_object_or_404(Meeting, code=code)
    count = services.remind_missing_data(meeting, actor=staff_actor(request))
    messages.success(
        request,
        ngettext(
            "%(count)d reminder of missing details is being sent.",
            "%(count)d reminders of missing details are being sent.",
            count,
        )
        % {"count": count},
    )
    return redirect("backoffice:accreditation-list", code=meeting.code)
