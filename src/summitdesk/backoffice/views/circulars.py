"""Circulars: draft, audience, preview, dispatch, follow the sending, remind; the letters an
organisation received. Every change goes through correspondence.services or .outbox."""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.paginator import Page, Paginator
from django.db.models import BooleanField, Count, ExpressionWrapper, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from summitdesk.backoffice.circular_forms import (
    AudienceForm,
    CircularForm,
    MarkPostedForm,
    PreviewForm,
    describe_audience,
    format_deadline,
)
from summitdesk.core.access import staff_actor, staff_view
from summitdesk.core.confirm import unless_confirmed
from summitdesk.core.models import AuditEntry
from summitdesk.core.permissions import Permission
from summitdesk.correspondence import (
    compose,
    merge_fields,
    outbox,
    preview,
    reply_links,
    services,
    withholding,
)
from summitdesk.correspondence.audience import Audience
from summitdesk.correspondence.enums import (
    CircularStatus,
    Enclosure,
    MailingKind,
    MessageState,
)
from summitdesk.correspondence.models import (
    Circular,
    Invitation,
    Mailing,
    OutboundMessage,
)
from summitdesk.directory.models import Organisation
from summitdesk.lib.documents import DocumentError
from summitdesk.lib.text import fold, search_words

PAGE_SIZE = 50
#: Organisations of the audience listed on the circular's pages; the rest on their own page.
AUDIENCE_SHOWN = 50
#: Rows of each list (failed, in doubt, without email) on the progress page.
LIST_SIZE = 20
#: Without JavaScript the progress page reloads itself this often while letters go out.
REFRESH_SECONDS = 5

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


# Progress of a mailing


def _mailing(pk: int) -> Mailing:
    return get_object_or_404(
        Mailing.objects.select_related("circular", "circular__meeting", "created_by"), pk=pk
    )


def _messages_page(
    request: HttpRequest, mailing: Mailing, states: Sequence[str], param: str
) -> Page[OutboundMessage]:
    rows = (
        OutboundMessage.objects.filter(mailing=mailing, state__in=states)
        .select_related("invitation__organisation")
        .defer("body")
        .order_by("invitation__organisation__name", "pk")
    )
    return Paginator(rows, LIST_SIZE).get_page(request.GET.get(param))


def _query_without(request: HttpRequest, param: str) -> str:
    query = request.GET.copy()
    query.pop(param, None)
    return query.urlencode()


@staff_view(Permission.CIRCULARS_READ)
def mailing_progress(request: HttpRequest, pk: int) -> HttpResponse:
    mailing = _mailing(pk)
    status = status_of(mailing)
    lists = []
    for key, states, param in (
        ("failed", [MessageState.FAILED], "failed_page"),
        ("in_doubt", [MessageState.IN_DOUBT], "doubt_page"),
        ("no_address", [MessageState.NO_ADDRESS, MessageState.POSTED], "post_page"),
    ):
        lists.append(
            (
                key,
                _messages_page(request, mailing, states, param),
                param,
                _query_without(request, param),
            )
        )
    context = {
        "mailing": mailing,
        "circular": mailing.circular,
        "status": status,
        "lists": {
            key: {"page": page, "param": param, "query": query} for key, page, param, query in lists
        },
        "refresh_seconds": REFRESH_SECONDS,
    }
    response = render(request, "backoffice/circular_progress.html", context)
    if not status["done"]:
        response["Refresh"] = str(REFRESH_SECONDS)  # no script needed to follow the sending
    return response


@staff_view(Permission.CIRCULARS_READ)
def mailing_status(request: HttpRequest, pk: int) -> JsonResponse:
    mailing = _mailing(pk)
    return JsonResponse(status_of(mailing), headers={"Cache-Control": "no-store"})


@staff_view(Permission.CIRCULARS_SEND, Permission.LETTERS_AS_SENT_READ)
def mailing_letters_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """Every letter of the mailing without an email address, one after the other: the
    postal and fax run. Editors only: a letter never written is written now, with its
    reply link (outbox.combined_pdf)."""
    mailing = _mailing(pk)
    rows = list(
        OutboundMessage.objects.filter(
            mailing=mailing, state__in=[MessageState.NO_ADDRESS, MessageState.POSTED]
        )
        .select_related("invitation__organisation", "invitation__circular")
        .order_by("invitation__organisation__name", "pk")
    )
    if not rows:
        messages.error(request, _("Every organisation of this mailing has an email address."))
        return redirect("backoffice:mailing-progress", pk=mailing.pk)
    content = outbox.combined_pdf(rows)
    filename = f"{mailing.circular.reference}-{mailing.kind}-{mailing.pk}-post-and-fax.pdf"
    return _attachment(content, PDF, filename)


def _message(mailing_pk: int, pk: int) -> OutboundMessage:
    return get_object_or_404(
        OutboundMessage.objects.select_related("mailing", "invitation__organisation"),
        pk=pk,
        mailing=mailing_pk,
    )


def _after_action(request: HttpRequest, message: OutboundMessage, done: str) -> HttpResponse:
    organisation = message.letter_invitation.organisation
    messages.success(request, done % {"organisation": organisation.name})
    return redirect("backoffice:mailing-progress", pk=message.mailing_id)


def _act(
    request: HttpRequest, mailing_pk: int, pk: int, action: str, done: str, **kwargs: Any
) -> HttpResponse:
    message = _message(mailing_pk, pk)
    try:
        getattr(outbox, action)(message, actor=staff_actor(request), **kwargs)
    except services.CircularError as error:
        messages.error(request, str(error))
        return redirect("backoffice:mailing-progress", pk=mailing_pk)
    return _after_action(request, message, done)


@staff_view(Permission.CIRCULARS_SEND)
@require_POST
def message_retry(request: HttpRequest, mailing_pk: int, pk: int) -> HttpResponse:
    return _act(request, mailing_pk, pk, "retry", _("The letter to %(organisation)s is queued."))


@staff_view(Permission.CIRCULARS_SEND)
@require_POST
def message_confirm_sent(request: HttpRequest, mailing_pk: int, pk: int) -> HttpResponse:
    return _act(
        request,
        mailing_pk,
        pk,
        "confirm_sent",
        _("The letter to %(organisation)s is recorded as sent."),
    )


@staff_view(Permission.CIRCULARS_SEND)
@require_POST
def message_resend(request: HttpRequest, mailing_pk: int, pk: int) -> HttpResponse:
    return _act(
        request, mailing_pk, pk, "resend", _("The letter to %(organisation)s will be sent again.")
    )


@staff_view(Permission.CIRCULARS_SEND)
@require_POST
def message_mark_posted(request: HttpRequest, mailing_pk: int, pk: int) -> HttpResponse:
    form = MarkPostedForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say whether the letter went by post or by fax."))
        return redirect("backoffice:mailing-progress", pk=mailing_pk)
    how = form.cleaned_data["how"]
    done = (
        _("The letter to %(organisation)s is recorded as posted.")
        if how == "post"
        else _("The letter to %(organisation)s is recorded as faxed.")
    )
    return _act(request, mailing_pk, pk, "mark_posted", done, how=how)


@staff_view(Permission.CIRCULARS_SEND)
@require_POST
def mailing_retry_failed(request: HttpRequest, pk: int) -> HttpResponse:
    mailing = _mailing(pk)
    actor = staff_actor(request)
    retried = 0
    failed = OutboundMessage.objects.filter(mailing=mailing, state=MessageState.FAILED)
    for message in failed.select_related("invitation__organisation"):
        try:
            outbox.retry(message, actor=actor)
        except services.CircularError as error:
            messages.error(request, f"{message.letter_invitation.organisation.name}: {error}")
        else:
            retried += 1
    messages.success(
        request,
        ngettext("%(count)d letter queued again.", "%(count)d letters queued again.", retried)
        % {"count": retried},
    )
    return redirect("backoffice:mailing-progress", pk=mailing.pk)


# An organisation's letters


@dataclass(frozen=True)
class LetterRow:
    """One invitation of an organisation, with every message sent for it."""

    invitation: Invitation
    messages: list[OutboundMessage]

    @property
    def has_pdf(self) -> bool:
        """Whether the letter has been written (outbox.letter_pdf has something to give)."""
        return any(m.pdf for m in self.messages if m.letter_mailing.kind == MailingKind.LETTER)


def organisation_letters(organisation: Organisation) -> list[LetterRow]:
    """The letters (and reminders) `organisation` received, newest circular first; one query."""
    rows: dict[int, LetterRow] = {}
    queryset = (
        OutboundMessage.objects.filter(invitation__organisation=organisation)
        .select_related("invitation__circular", "mailing")
        .defer("body", "invitation__circular__audience")
        .order_by("-invitation__circular__date", "-invitation_id", "mailing__created_at", "pk")
    )
    for message in queryset:
        invitation = message.letter_invitation
        row = rows.setdefault(invitation.pk, LetterRow(invitation, []))
        row.messages.append(message)
    return list(rows.values())


def _invitation(pk: int, invitation_pk: int) -> Invitation:
    # An invitation is reached only through its own organisation: any other is a 404.
    return get_object_or_404(
        Invitation.objects.select_related("circular", "organisation"),
        pk=invitation_pk,
        organisation=pk,
    )


@staff_view(Permission.LETTERS_AS_SENT_READ)
def organisation_letter_pdf(request: HttpRequest, pk: int, invitation_pk: int) -> HttpResponse:
    invitation = _invitation(pk, invitation_pk)
    content = outbox.letter_pdf(invitation)
    if content is None:
        raise Http404("No letter rendered yet")
    filename = f"{invitation.circular.reference}-{invitation.organisation_id}.pdf"
    return _attachment(content, PDF, filename)


@staff_view(Permission.LETTERS_AS_SENT_READ_WITHHELD)
def organisation_letter_withheld_pdf(
    request: HttpRequest, pk: int, invitation_pk: int
) -> HttpResponse:
    """The letter the organisation received, composed again with its reply link withheld
    and without its QR code: for every role that may not hold the live link."""
    invitation = _invitation(pk, invitation_pk)
    row = withholding.letter_row(invitation)
    if row is None:
        raise Http404("No letter rendered yet")
    try:
        content = withholding.withheld_letter_pdf(row)
    except (compose.ComposeError, DocumentError) as error:
        messages.error(request, str(error))
        return redirect("backoffice:organisation-detail", pk=pk)
    filename = f"{invitation.circular.reference}-{invitation.organisation_id}-withheld.pdf"
    return _attachment(content, PDF, filename)


@staff_view(Permission.REPLY_LINKS_MANAGE)
@require_POST
def organisation_reply_link(request: HttpRequest, pk: int, invitation_pk: int) -> HttpResponse:
    """Issue a new reply link and show it this once: it is stored only as a hash."""
    invitation = _invitation(pk, invitation_pk)
    confirmation = unless_confirmed(
        request,
        question=_("Issue a new reply link to %(organisation)s for %(reference)s?")
        % {
            "organisation": invitation.organisation.name,
            "reference": invitation.circular.reference,
        },
        consequence=_("Every earlier link of this organisation for this meeting stops working."),
        action=_("Issue a new link"),
        back=reverse("backoffice:organisation-detail", args=[pk]),
    )
    if confirmation is not None:
        return confirmation
    try:
        token = outbox.reissue_reply_link(invitation, actor=staff_actor(request))
    except services.CircularError as error:
        messages.error(request, str(error))
        return redirect("backoffice:organisation-detail", pk=pk)
    context = {"invitation": invitation, "url": reply_links.reply_url(token)}
    response = render(request, "backoffice/circular_reply_link.html", context)
    response["Cache-Control"] = "no-store"
    return response
