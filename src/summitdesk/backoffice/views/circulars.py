"""Circulars: draft, audience, preview, dispatch, remind (the sending itself is followed on
the mailing pages, backoffice/views/mailings.py). Every change goes through
correspondence.services or .outbox."""

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import BooleanField, Count, ExpressionWrapper, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from summitdesk.backoffice.circular_forms import (
    AudienceForm,
    CircularForm,
    PreviewForm,
    describe_audience,
    format_deadline,
)
from summitdesk.core.access import staff_actor, staff_view
from summitdesk.core.models import AuditEntry
from summitdesk.core.permissions import Permission
from summitdesk.correspondence import compose, merge_fields, preview, services
from summitdesk.correspondence.audience import Audience
from summitdesk.correspondence.enums import CircularStatus, Enclosure, MailingKind, MessageState
from summitdesk.correspondence.models import Circular, Mailing
from summitdesk.directory.models import Organisation
from summitdesk.lib.documents import DocumentError
from summitdesk.lib.text import fold, search_words

PAGE_SIZE = 50
#: Organisations of the audience listed on the circular's pages; the rest on their own page.
AUDIENCE_SHOWN = 50

PDF = "application/pdf"


def _circular(pk: int) -> Circular:
    return get_object_or_404(Circular.objects.select_related("meeting", "meeting__process"), pk=pk)


def _refuse_unless_draft(request: HttpRequest, circular: Circular) -> HttpResponse | None:
    if circular.status == CircularStatus.DRAFT:
        return None
    messages.error(
        request,
        _("%(reference)s has been dispatched: it can no longer be changed.")
        % {"reference": circular.reference},
    )
    return redirect("backoffice:circular-detail", pk=circular.pk)


# List, draft, page


@staff_view(Permission.CIRCULARS_READ)
def circular_list(request: HttpRequest) -> HttpResponse:
    letters = Q(mailings__kind=MailingKind.LETTER)
    circulars = (
        Circular.objects.select_related("meeting")
        .order_by("-date", "reference")
        .annotate(
            letters_total=Count("mailings__messages", filter=letters),
            letters_sent=Count(
                "mailings__messages",
                filter=letters & Q(mailings__messages__state=MessageState.SENT),
            ),
        )
    )
    page = Paginator(circulars, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "backoffice/circular_list.html", {"page": page})


def _edit(request: HttpRequest, circular: Circular) -> HttpResponse:
    refused = _refuse_unless_draft(request, circular) if circular.pk else None
    if refused:
        return refused
    form = CircularForm(request.POST or None, circular=circular)
    if request.method == "POST" and form.is_valid():
        creating = circular.pk is None
        target = Circular.objects.get(pk=circular.pk) if circular.pk else Circular()
        try:
            services.save_circular(
                target,
                form.data_for_service(),
                form.texts_for_service(),
                actor=staff_actor(request),
            )
        except services.CircularError as error:
            form.add_error(None, str(error))
        else:
            if creating:
                messages.success(request, _("Circular created. Now choose who receives it."))
                return redirect("backoffice:circular-audience", pk=target.pk)
            messages.success(request, _("Saved."))
            return redirect("backoffice:circular-detail", pk=target.pk)
    context = {
        "form": form,
        "circular": circular,
        "merge_fields": merge_fields.FIELDS.items(),
    }
    return render(request, "backoffice/circular_form.html", context)


@staff_view(Permission.CIRCULARS_SEND)
def circular_create(request: HttpRequest) -> HttpResponse:
    return _edit(request, Circular())


@staff_view(Permission.CIRCULARS_SEND)
def circular_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _edit(request, _circular(pk))


@dataclass(frozen=True)
class MailingRow:
    mailing: Mailing
    status: dict[str, Any]


def status_of(mailing: Mailing) -> dict[str, Any]:
    """`services.mailing_status` for one mailing, with what the page and its poller need."""
    counts: dict[str, Any] = services.mailing_status([mailing])
    handled = counts["total"] - counts["queued"] - counts["sending"]
    if mailing.chosen_total:
        # A reminder to chosen organisations counts from the start the rows still to be
        # written by its task.
        counts["preparing"] = mailing.preparing
        counts["prepared"] = mailing.prepared
        handled = min(handled, mailing.prepared - counts["queued"] - counts["sending"])
        counts["total"] = max(counts["total"], mailing.chosen_total)
    counts["handled"] = handled
    counts["done"] = handled == counts["total"]
    counts["percent"] = 100 if not counts["total"] else handled * 100 // counts["total"]
    return counts


def _enclosure_label(value: str) -> str:
    try:
        return str(Enclosure(value).label)
    except ValueError:
        return value


@staff_view(Permission.CIRCULARS_READ)
def circular_detail(request: HttpRequest, pk: int) -> HttpResponse:
    circular = _circular(pk)
    draft = circular.status == CircularStatus.DRAFT
    mailings = [MailingRow(m, status_of(m)) for m in circular.mailings.select_related("created_by")]
    context = {
        "circular": circular,
        "draft": draft,
        "texts": circular.texts.all(),
        "problems": services.problems(circular) if draft else [],
        "to_confirm": services.points_to_confirm(circular) if draft else [],
        "summary": services.audience_summary(circular) if draft else None,
        "described": describe_audience(Audience.from_json(circular.audience)),
        "enclosures": [_enclosure_label(value) for value in circular.enclosures],
        "pack_link": reverse("public:information-pack", args=[circular.meeting.code])
        if Enclosure.INFORMATION_PACK in circular.enclosures
        else "",
        "deadline": format_deadline(circular.reply_deadline, circular.meeting.time_zone),
        "mailings": mailings,
        "awaiting": circular.invitations.awaiting_reply().count() if not draft else 0,
        "history": AuditEntry.objects.for_object(circular).select_related("actor")[:100],
    }
    return render(request, "backoffice/circular_detail.html", context)


# Audience


def with_delivery(organisations: QuerySet[Organisation]) -> QuerySet[Organisation]:
    """Each organisation with `by_email`: whether its letter can go by email (its own
    address or its chief executive's), by services.organisations_with_email."""
    return organisations.annotate(
        by_email=ExpressionWrapper(services.organisations_with_email(), output_field=BooleanField())
    )


def _audience_context(circular: Circular) -> dict[str, Any]:
    organisations = with_delivery(
        Audience.from_json(circular.audience).organisations().order_by("name", "pk")
    )
    return {
        "summary": services.audience_summary(circular),
        "first_organisations": organisations[:AUDIENCE_SHOWN],
        "audience_shown": AUDIENCE_SHOWN,
    }


@staff_view(Permission.CIRCULARS_SEND)
def circular_audience(request: HttpRequest, pk: int) -> HttpResponse:
    circular = _circular(pk)
    refused = _refuse_unless_draft(request, circular)
    if refused:
        return refused
    form = AudienceForm(request.POST or None, audience=Audience.from_json(circular.audience))
    if request.method == "POST" and form.is_valid():
        target = Circular.objects.get(pk=circular.pk)
        try:
            services.save_circular(
                target, {"audience": form.audience().to_json()}, {}, actor=staff_actor(request)
            )
        except services.CircularError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Audience saved."))
            return redirect("backoffice:circular-audience", pk=circular.pk)
    context = {"circular": circular, "form": form, **_audience_context(circular)}
    return render(request, "backoffice/circular_audience.html", context)


@staff_view(Permission.CIRCULARS_READ)
def circular_audience_list(request: HttpRequest, pk: int) -> HttpResponse:
    """Every organisation the audience reaches now (a dispatched circular: those invited)."""
    circular = _circular(pk)
    if circular.status == CircularStatus.DRAFT:
        organisations: QuerySet[Organisation] = Audience.from_json(
            circular.audience
        ).organisations()
    else:
        organisations = Organisation.objects.filter(invitations__circular=circular)
    page = Paginator(with_delivery(organisations.order_by("name", "pk")), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    context = {"circular": circular, "page": page}
    return render(request, "backoffice/circular_audience_list.html", context)


# Preview


def _audience_member(circular: Circular, organisation_pk: int) -> Organisation:
    organisation = (
        Audience.from_json(circular.audience).organisations().filter(pk=organisation_pk).first()
    )
    if organisation is None:
        raise Http404("Not in the audience")
    return organisation


@staff_view(Permission.CIRCULARS_READ)
def circular_preview(request: HttpRequest, pk: int) -> HttpResponse:
    circular = _circular(pk)
    form = PreviewForm(request.GET or None)
    organisation = None
    email = None
    matches: list[Organisation] = []
    if form.is_valid():
        audience = Audience.from_json(circular.audience).organisations()
        number = form.cleaned_data["organisation"]
        name = form.cleaned_data["name"]
        if number:
            organisation = audience.filter(pk=number).first()
            if organisation is None:
                form.add_error(
                    "organisation",
                    _("Organisation #%(number)d is not in this circular's audience.")
                    % {"number": number},
                )
        else:
            matches = _audience_named(audience, name)
            if not matches:
                form.add_error(
                    "name",
                    _("No organisation of this circular's audience is called “%(name)s”.")
                    % {"name": name},
                )
            elif len(matches) == 1:
                organisation, matches = matches[0], []
        if organisation is not None:
            try:
                email = preview.email_for(circular, organisation)
            except compose.ComposeError as error:
                form.add_error(None, str(error))
    audience_context = _audience_context(circular)
    context = {
        "circular": circular,
        "form": form,
        "organisation": organisation,
        "email": email,
        "matches": matches[:PREVIEW_MATCHES],
        "more_matches": len(matches) > PREVIEW_MATCHES,
        **audience_context,
    }
    return render(request, "backoffice/circular_preview.html", context)


#: Organisations offered when a name matches several of the audience.
PREVIEW_MATCHES = 20


def _audience_named(audience: QuerySet[Organisation], name: str) -> list[Organisation]:
    """The audience's organisations whose name, acronym or country holds every word of
    `name` (folded), by name; at most PREVIEW_MATCHES + 1 read (one query). An exact name
    comes first, so that "Orange" finds Orange beside Orange Business."""
    words = search_words(name)[:5]
    if not words:
        return []
    found = audience
    for word in words:
        found = found.filter(search_text__contains=word)
    rows = list(found.order_by("name", "pk")[: PREVIEW_MATCHES + 1])
    exact = [row for row in rows if fold(row.name) == fold(name) or fold(row.acronym) == fold(name)]
    return exact[:1] if len(exact) == 1 else rows


@staff_view(Permission.CIRCULARS_READ)
def circular_preview_pdf(request: HttpRequest, pk: int, organisation_pk: int) -> HttpResponse:
    circular = _circular(pk)
    organisation = _audience_member(circular, organisation_pk)
    try:
        content = preview.letter_pdf(circular, organisation)
    except (DocumentError, compose.ComposeError) as error:
        messages.error(request, _("The letter could not be rendered: %(error)s") % {"error": error})
        return redirect(
            f"{reverse('backoffice:circular-preview', args=[pk])}?organisation={organisation.pk}"
        )
    filename = f"{circular.reference}-preview-{organisation.pk}.pdf"
    return _attachment(content, PDF, filename)


#: The email's HTML is shown as a page of its own that can run nothing and load nothing.
SANDBOX_POLICY = "default-src 'none'; img-src data:; style-src 'unsafe-inline'; sandbox"


@staff_view(Permission.CIRCULARS_READ)
def circular_preview_html(request: HttpRequest, pk: int, organisation_pk: int) -> HttpResponse:
    circular = _circular(pk)
    organisation = _audience_member(circular, organisation_pk)
    try:
        email = preview.email_for(circular, organisation)
    except compose.ComposeError as error:
        raise Http404(str(error)) from None
    response = HttpResponse(email.html, content_type="text/html; charset=utf-8")
    response["Content-Security-Policy"] = SANDBOX_POLICY
    return response


def _attachment(content: bytes, content_type: str, filename: str) -> HttpResponse:
    return HttpResponse(
        content,
        content_type=content_type,
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "private, no-store",
        },
    )


# Dispatch and reminders


@staff_view(Permission.CIRCULARS_SEND)
def circular_dispatch(request: HttpRequest, pk: int) -> HttpResponse:
    circular = _circular(pk)
    problems = services.problems(circular)
    ready = circular.status == CircularStatus.DRAFT and not problems
    to_confirm = services.points_to_confirm(circular) if ready else []
    unconfirmed = request.method == "POST" and to_confirm and not request.POST.get("confirmed")
    if request.method == "POST" and not unconfirmed:
        try:
            mailing = services.dispatch_circular(circular, actor=staff_actor(request))
        except services.CircularError as error:
            messages.error(request, str(error))
            return redirect("backoffice:circular-detail", pk=circular.pk)
        messages.success(
            request,
            _("%(reference)s is being sent.") % {"reference": circular.reference},
        )
        return redirect("backoffice:mailing-progress", pk=mailing.pk)
    refused = _refuse_unless_draft(request, circular)
    if refused:
        return refused
    summary = services.audience_summary(circular)
    context = {
        "circular": circular,
        "summary": summary,
        "by_email": summary.total - summary.without_email,
        "problems": problems,
        "to_confirm": to_confirm,
        "unconfirmed": unconfirmed,
    }
    status = 400 if unconfirmed else 200
    return render(request, "backoffice/circular_dispatch.html", context, status=status)


@staff_view(Permission.CIRCULARS_SEND)
def circular_remind(request: HttpRequest, pk: int) -> HttpResponse:
    circular = _circular(pk)
    if request.method == "POST":
        try:
            mailing = services.send_reminders(circular, actor=staff_actor(request))
        except services.CircularError as error:
            messages.error(request, str(error))
            return redirect("backoffice:circular-detail", pk=circular.pk)
        messages.success(request, _("The reminders are being sent."))
        return redirect("backoffice:mailing-progress", pk=mailing.pk)
    total = services.reminder_count(circular)
    awaiting = Organisation.objects.filter(invitations__in=circular.invitations.awaiting_reply())
    by_email = awaiting.filter(services.organisations_with_email()).distinct().count()
    context = {
        "circular": circular,
        "total": total,
        "by_email": by_email,
        "without_email": total - by_email,
        "draft": circular.status == CircularStatus.DRAFT,
    }
    return render(request, "backoffice/circular_remind.html", context)
