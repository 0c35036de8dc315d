"""Mailings: follow the sending of a circular's letters and settle each message (retry,
confirm, send again, record as posted or faxed); the letters an organisation received.
Every change goes through correspondence.services or .outbox."""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.paginator import Page, Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from summitdesk.backoffice.circular_forms import MarkPostedForm
from summitdesk.backoffice.views.circulars import PDF, _attachment, status_of
from summitdesk.core.access import staff_actor, staff_view
from summitdesk.core.confirm import unless_confirmed
from summitdesk.core.permissions import Permission
from summitdesk.correspondence import compose, outbox, reply_links, services, withholding
from summitdesk.correspondence.enums import MailingKind, MessageState
from summitdesk.correspondence.models import Invitation, Mailing, OutboundMessage
from summitdesk.directory.models import Organisation
from summitdesk.lib.documents import DocumentError

#: Rows of each list (failed, in doubt, without email) on the progress page.
LIST_SIZE = 20
#: Without JavaScript the progress page reloads itself this often while letters go out.
REFRESH_SECONDS = 5


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
