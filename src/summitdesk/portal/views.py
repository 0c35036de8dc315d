"""The reply portal: what a focal point opens with a reply link, on a phone, without an
account. Every view is wrapped by `portal`, which rate limits, turns the token into a
`PortalAccess` (access.py), or answers "not valid" the same way whatever was wrong.

Views parse, call one service, respond; the services (delegations.services) check the
reply, record every change with the link's holder as actor, and enqueue the emails.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.db.models import Prefetch, prefetch_related_objects
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.cache import add_never_cache_headers, patch_vary_headers
from django.utils.translation import gettext as _

from summitdesk.accreditation import services as accreditation_services
from summitdesk.accreditation.enums import AccreditationStatus
from summitdesk.accreditation.models import Accreditation, LimitException
from summitdesk.accreditation.services import AccreditationError, LimitCheck
from summitdesk.correspondence import compose, contacts, outbox, preview, reply_links
from summitdesk.correspondence.enums import MailingKind
from summitdesk.correspondence.letters import Letter, render_letter
from summitdesk.correspondence.models import OutboundMessage
from summitdesk.delegations import join_requests, returning, services, summary
from summitdesk.delegations.enums import ChangeRequestStatus, JoinRequestStatus, ReplyState
from summitdesk.delegations.models import Delegate, Reply
from summitdesk.delegations.participant_types import head_level, level_label
from summitdesk.delegations.services import ReplyClosed, ReplyError
from summitdesk.directory.enums import Category, PositionRole
from summitdesk.directory.models import Position
from summitdesk.lib import dates
from summitdesk.portal import access as portal_access
from summitdesk.portal import documents as portal_documents
from summitdesk.portal.access import PortalAccess
from summitdesk.portal.forms import (
    ExceptionRequestForm,
    PortalPersonForm,
    SubstituteForm,
    WithdrawForm,
)
from summitdesk.portal.fragments import person_fields_html
from summitdesk.portal.reply_page import ReplyPage
from summitdesk.venue.models import SecondaryPassPool

# A view takes the request, what the token opens, and the URL's other parts (a delegate's
# id, never trusted: looked up within the reply only).
PortalView = Callable[..., HttpResponse]

#: Where a language chosen on the portal (?lang=fr) is kept for the visit.
LANGUAGE_SESSION_KEY = "portal_language"
LANGUAGE_ALIASES = {"zh": "zh-hans"}


def visitor_language(request: HttpRequest, default: str = "") -> str:
    """The language chosen with ?lang= (kept in the session), else `default` (the
    organisation's language, in which its letter was written) when the portal has it and
    it is not English (the directory's default, which says nothing about the reader),
    else the one the browser asked for (LocaleMiddleware)."""
    known = {code for code, _name in settings.LANGUAGES}
    asked = request.GET.get("lang", "")
    asked = LANGUAGE_ALIASES.get(asked, asked)
    if asked in known:
        request.session[LANGUAGE_SESSION_KEY] = asked
        return asked
    kept = request.session.get(LANGUAGE_SESSION_KEY) if hasattr(request, "session") else None
    if kept in known:
        return str(kept)
    default = LANGUAGE_ALIASES.get(default, default)
    if default in known and default != "en":
        return default
    return translation.get_language() or settings.LANGUAGE_CODE


def not_valid(request: HttpRequest) -> HttpResponse:
    # The same page for an unknown, revoked or expired token: nothing in it depends on it,
    # the contacts included (see correspondence.contacts).
    context = {"contacts": contacts.awaiting_replies()}
    return render(request, "portal/not_valid.html", context, status=404)


def preview_link(request: HttpRequest) -> HttpResponse:
    """The page the placeholder link of a circular's preview opens (correspondence.preview):
    each organisation's letter carries its own link, issued at dispatch."""
    with translation.override(visitor_language(request)):
        response = render(request, "portal/preview_link.html")
    add_never_cache_headers(response)
    response["X-Robots-Tag"] = "noindex"
    return response


def too_many(request: HttpRequest, wait: int) -> HttpResponse:
    minutes = max(1, round(wait / 60))
    response = render(request, "portal/too_many.html", {"minutes": minutes}, status=429)
    response["Retry-After"] = str(wait)
    return response


def portal(view: PortalView) -> Callable[..., HttpResponse]:
    """Rate limit, find what the token opens, answer in the visitor's language, never cache."""

    @wraps(view)
    def wrapped(request: HttpRequest, token: str, **parts: Any) -> HttpResponse:
        wait = portal_access.refused_for(request)
        if not wait and token == preview.PREVIEW_TOKEN:
            # The link in a circular's preview: staff who follow it learn why it opens nothing.
            return preview_link(request)
        found = None if wait else portal_access.reply_for_token(token, request=request)
        if not wait and found is None and portal_access.failures_exceeded(request):
            wait = portal_access.FAILURE_WINDOW
        language = visitor_language(request, found.organisation.language if found else "")
        with translation.override(language):
            if wait:
                response = too_many(request, wait)
            elif found is None:
                response = not_valid(request)
            else:
                if (
                    request.method == "POST"
                    and found.reply.state == ReplyState.NOT_OPENED
                    and found.staff is None
                ):
                    # A person acts on the page: only then is the reply opened. A GET never
                    # changes it (mail scanners and link previews fetch links too), and an
                    # officer opening the portal as the organisation is not the organisation.
                    services.open_reply(found.reply, actor=found.actor)
                response = view(request, found, **parts)
        response["Content-Language"] = language
        add_never_cache_headers(response)
        patch_vary_headers(response, ["Cookie", "Accept-Language"])
        response["X-Robots-Tag"] = "noindex"
        return response

    return wrapped


# The letter


def _letter_row(access: PortalAccess) -> OutboundMessage | None:
    """The letter written to the organisation with the link's invitation (else the latest
    invitation about the meeting), with its mailing, circular and meeting."""
    letters = OutboundMessage.objects.filter(
        invitation__organisation=access.organisation, mailing__kind=MailingKind.LETTER
    )
    if access.link.invitation_id is not None:
        # One query: the organisation is checked on the invitation, as access.invitation()
        # does when it looks the invitation up on its own.
        letters = letters.filter(invitation_id=access.link.invitation_id)
    else:
        invitation = access.invitation()
        if invitation is None:
            return None
        letters = letters.filter(invitation=invitation)
    return (
        letters.select_related("invitation__organisation", "mailing__circular__meeting")
        .order_by("id")
        .first()
    )


def _letter(access: PortalAccess, *, qr: bool = True) -> Letter | None:
    """The letter as it was written to the organisation, carrying this visit's own link
    (never the letter's: a focal point who hands over must not keep the organisation's).
    Without its QR code (`qr=False`) when only its text is shown."""
    row = _letter_row(access)
    if row is None:
        return None
    # The chief executive that the letter is addressed to, in one query (as sending.claim).
    chief_executives = Position.objects.filter(role=PositionRole.CHIEF_EXECUTIVE)
    prefetch_related_objects(
        [row.letter_invitation.organisation],
        Prefetch("positions", queryset=chief_executives.select_related("person")),
    )
    mailing = row.letter_mailing
    context = compose.MailingContext(
        mailing=mailing, circular=mailing.circular, meeting=mailing.circular.meeting
    )
    try:
        return compose.letter_for(row, access.token, context, qr=qr)
    except compose.ComposeError:
        return None


def _accepts_changes(deadline: datetime | None) -> bool:
    """services.accepts_changes for a deadline already read: the page shows the deadline
    too, and one query serves both."""
    return deadline is None or timezone.now() <= deadline


# The reply page


def _status_context(access: PortalAccess) -> dict[str, Any]:
    """Where the reply stands (portal/_reply_status.html), for the form and the summary."""
    reply = access.reply
    deadline = services.deadline(reply)
    zone = access.meeting.time_zone
    return {
        "access": access,
        "organisation": access.organisation,
        "meeting": access.meeting,
        "reply": reply,
        "token": access.token,
        "state": ReplyState(reply.state),
        "answered": reply.state in services.ANSWERED,
        "submitted_at": dates.format_datetime(reply.submitted_at, zone),
        "deadline": dates.format_datetime(deadline, zone),
        "closed": not _accepts_changes(deadline),
        "pending_requests": reply.change_requests.filter(
            status=ChangeRequestStatus.PENDING
        ).count(),
        "accredited": reply.state in services.ANSWERED
        and Accreditation.objects.filter(delegate__reply=reply).exists(),
        "join_waiting": join_requests.inbox(reply).filter(status=JoinRequestStatus.PENDING).count(),
    }


def _render(
    request: HttpRequest,
    access: PortalAccess,
    page: ReplyPage,
    *,
    hand_over_form: PortalPersonForm | None = None,
    renamed: list[tuple[Delegate, str]] | None = None,
    status: int = 200,
) -> HttpResponse:
    errors = page.error_summary()
    if hand_over_form is not None:
        errors += [("field-new-errors", str(error)) for error in hand_over_form.non_field_errors()]
        errors += ReplyPage.form_errors(hand_over_form, _("Hand over"))
    else:
        hand_over_form = PortalPersonForm(prefix="new", require_email=True)
    context: dict[str, Any] = {
        **_status_context(access),
        "letter": _letter(access, qr=False),
        "page": page,
        "errors": errors,
        "hand_over_form": hand_over_form,
        "hand_over_fields": person_fields_html(hand_over_form),
        "renamed": renamed or [],
        **returning.reply_context(access.reply),
        **portal_documents.section(access),
    }
    return render(request, "portal/reply.html", context, status=status)


@portal
def reply(request: HttpRequest, access: PortalAccess) -> HttpResponse:
    if request.method == "POST":
        return _post(request, access)
    return _render(request, access, ReplyPage.initial(services.reply_data(access.reply)))


@portal
def submitted(request: HttpRequest, access: PortalAccess) -> HttpResponse:
    """The reply as it stands, to read: what the focal point sees after submitting."""
    if access.reply.state not in services.ANSWERED:
        return redirect("portal:reply", token=access.token)
    current = services.reply_data(access.reply)
    context = {
        **_status_context(access),
        "current": current,
        "head_level": level_label(head_level(current)),
    }
    return render(request, "portal/submitted.html", context)


@portal
def opened(request: HttpRequest, access: PortalAccess) -> HttpResponse:
    """The page's script says a person began to use it (`portal` opens the reply on any
    POST); without a POST, nothing happens."""
    if request.method != "POST":
        return redirect("portal:reply", token=access.token)
    return HttpResponse(status=204)


def _post(request: HttpRequest, access: PortalAccess) -> HttpResponse:
    action = request.POST.get("action", "")
    if action == "add_rows":
        return _render(request, access, ReplyPage.with_more_rows(request.POST))
    page = ReplyPage.bound(request.POST)
    if not page.is_valid():
        return _render(request, access, page, status=400)
    data = page.reply_data()
    requesting = action == "request_change"
    # Only a change request reads the deadline here. A draft or a submission after it is
    # refused by save_reply, which reads it in its own transaction anyway: one query
    # fewer on every save, and the same answer as when it was read here first.
    closed = requesting and not services.accepts_changes(access.reply)
    submitting = action in ("submit", "request_change")
    found = services.problems(data, submitting=submitting)
    if found:
        if not requesting and not services.accepts_changes(access.reply):
            return _deadline_passed(request, access, page)  # said first, before problems
        page.add_problems(found)
        return _render(request, access, page, status=400)
    if not closed and not request.POST.get("confirm_renamed"):
        # An approved delegate renamed may be another person on a valid badge: say what
        # saving does (back to pending) and offer Substitute, before anything is saved.
        renamed = [
            (delegate, " ".join(p for p in (new.title, new.given_name, new.family_name) if p))
            for delegate, new in services.identity_changes(access.reply, data)
        ]
        if renamed:
            return _render(request, access, page, renamed=renamed, status=409)
    previous_focal_point = access.reply.focal_point_id
    try:
        if closed:
            note = page.form.cleaned_data["note"]
            services.request_change(access.reply, data, note=note, actor=access.actor)
            messages.success(
                request, _("Your request has been sent to the secretariat, who will review it.")
            )
        else:
            saved = services.save_reply(access.reply, data, submit=submitting, actor=access.actor)
            _say_saved(request, saved, submitted=submitting, previous=previous_focal_point)
            if submitting:
                # What was sent, not the whole form again; the form is one link away.
                return redirect("portal:submitted", token=access.token)
    except ReplyClosed as error:
        if not requesting:
            return _deadline_passed(request, access, page)
        page.page_errors.append(str(error))  # the deadline passed meanwhile
        return _render(request, access, page, status=400)
    except ReplyError as error:
        page.page_errors.append(str(error))
        return _render(request, access, page, status=400)
    return redirect("portal:reply", token=access.token)


def _deadline_passed(request: HttpRequest, access: PortalAccess, page: ReplyPage) -> HttpResponse:
    page.page_errors.append(
        _("The deadline has passed: send your changes to the secretariat as a request.")
    )
    return _render(request, access, page, status=400)


def _say_saved(
    request: HttpRequest, reply: Reply, *, submitted: bool, previous: int | None
) -> None:
    if not submitted:
        message = _("Your draft is saved. Come back with the same link to complete it.")
    elif reply.state == ReplyState.DECLINED:
        message = _("Your answer is recorded: your organisation declines.")
    else:
        message = _("Thank you: your reply is submitted. A confirmation is on its way by email.")
    messages.success(request, message)
    if reply.focal_point_id and reply.focal_point_id != previous:
        messages.info(request, _("The focal point you named will receive their own link by email."))


def _handed_over(form: PortalPersonForm, access: PortalAccess) -> Reply | None:
    """The reply handed over to the person of the valid `form`; None, with the reason on
    the form, when it was not."""
    if not form.is_valid() or (new := form.person_data()) is None:
        return None
    try:
        return services.hand_over(access.reply, new, actor=access.actor)
    except ReplyError as error:
        form.add_error(None, str(error))
        return None


@portal
def hand_over(request: HttpRequest, access: PortalAccess) -> HttpResponse:
    if request.method != "POST":
        return redirect("portal:reply", token=access.token)
    form = PortalPersonForm(request.POST, prefix="new", require_email=True)
    reply = _handed_over(form, access)
    if reply is None:
        page = ReplyPage.initial(services.reply_data(access.reply))
        return _render(request, access, page, hand_over_form=form, status=400)
    name = " ".join(
        part for part in (form.cleaned_data["given_name"], form.cleaned_data["family_name"]) if part
    )
    if reply_links.find(access.token) is None:
        # This was the previous focal point's own link: it stopped working just now.
        context = {"name": name, "organisation": access.organisation, "meeting": reply.meeting}
        return render(request, "portal/handed_over.html", context)
    messages.success(
        request,
        _("%(name)s is now the focal point and will receive their own link by email.")
        % {"name": name},
    )
    return redirect("portal:reply", token=access.token)


# Downloads


def _pdf(content: bytes, file_name: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{file_name}"'
    return response


@portal
def letter(request: HttpRequest, access: PortalAccess) -> HttpResponse:
    """The letter as received; from a focal point's own link, written again with that link
    in place of the organisation's."""
    row = _letter_row(access)
    content: bytes | None = None
    if row is not None and access.person is None:
        content = outbox.letter_pdf(row.letter_invitation)
    elif row is not None:
        written = _letter(access)
        content = render_letter(written) if written else None
    if content is None:
        return HttpResponse(
            _("No letter has been written to your organisation yet."),
            status=404,
            content_type="text/plain; charset=utf-8",
        )
    return _pdf(content, f"letter-{access.meeting.code}.pdf")


@portal
def summary_pdf(request: HttpRequest, access: PortalAccess) -> HttpResponse:
    """The reply as it stands, as the confirmation email attaches it."""
    content = summary.render_summary(summary.summary_for(access.reply, now=timezone.now()))
    return _pdf(content, summary.file_name(access.reply))


# The delegation: each delegate's accreditation, withdrawals, substitutions, the limit


@dataclass(frozen=True)
class DelegateRow:
    """A delegate of the reply and their accreditation (None before the reply is submitted)."""

    delegate: Delegate
    accreditation: Accreditation | None

    @property
    def status(self) -> AccreditationStatus | None:
        return AccreditationStatus(self.accreditation.status) if self.accreditation else None

    @property
    def active(self) -> bool:
        return self.status not in accreditation_services.DETACHED

    @property
    def missing(self) -> list[str]:
        if self.accreditation is None or self.status not in accreditation_services.COUNTED:
            return []
        return accreditation_services.missing_data(self.accreditation)

    @property
    def may_withdraw(self) -> bool:
        moves = accreditation_services.MOVES
        return self.status is not None and AccreditationStatus.WITHDRAWN in moves[self.status]

    @property
    def may_substitute(self) -> bool:
        return self.status == AccreditationStatus.APPROVED


def _rows(access: PortalAccess, *, delegate_id: int | None = None) -> list[DelegateRow]:
    """The reply's delegates (or the one of `delegate_id`, if it is the reply's: an id from
    a URL is only ever looked for among them), with their accreditations."""
    delegates = Delegate.objects.filter(reply=access.reply).select_related("accreditation")
    if delegate_id is not None:
        delegates = delegates.filter(pk=delegate_id)
    return [
        DelegateRow(delegate, getattr(delegate, "accreditation", None))
        for delegate in delegates.order_by("-is_head", "position", "pk")
    ]


def _row(access: PortalAccess, delegate_id: int) -> DelegateRow | None:
    found = _rows(access, delegate_id=delegate_id)
    return found[0] if found else None


@dataclass(frozen=True)
class LimitSummary:
    """The organisation's delegates against the limit of its category, and its latest
    request for an exception."""

    check: LimitCheck
    category: str
    request: LimitException | None
    # The secretariat's reason when it decided on the request.
    decision_reason: str = ""

    @property
    def named(self) -> int:
        return self.check.approved + self.check.pending

    @property
    def waiting(self) -> bool:
        return self.request is not None and self.request.decided_at is None

    @property
    def may_request(self) -> bool:
        return self.check.limit is not None and not self.waiting


def _limit(access: PortalAccess) -> LimitSummary:
    organisation = access.organisation
    latest = (
        LimitException.objects.filter(meeting=access.meeting, organisation=organisation)
        .order_by("-created_at", "-pk")
        .first()
    )
    return LimitSummary(
        check=accreditation_services.check_limit(organisation, access.meeting),
        category=str(Category(organisation.category).label)
        if organisation.category in Category.values
        else organisation.category,
        request=latest,
        decision_reason=latest.decision_reason if latest else "",
    )


def _render_delegation(
    request: HttpRequest,
    access: PortalAccess,
    *,
    exception_form: ExceptionRequestForm | None = None,
    status: int = 200,
) -> HttpResponse:
    rows = _rows(access)
    limit = _limit(access)
    context: dict[str, Any] = {
        "access": access,
        "organisation": access.organisation,
        "meeting": access.meeting,
        "token": access.token,
        "current": [row for row in rows if row.active],
        "former": [row for row in rows if not row.active],
        "limit": limit,
        "exception_form": exception_form or ExceptionRequestForm(limit=limit.check.allowed),
        "registration_open": accreditation_services.registration_open(access.meeting),
        "has_passes": SecondaryPassPool.objects.filter(reply=access.reply).exists(),
    }
    return render(request, "portal/delegation.html", context, status=status)


@portal
def delegation(request: HttpRequest, access: PortalAccess) -> HttpResponse:
    return _render_delegation(request, access)


def _refused(request: HttpRequest, access: PortalAccess, message: str) -> HttpResponse:
    """Back to the delegation page, saying why nothing was changed."""
    messages.error(request, message)
    return redirect("portal:delegation", token=access.token)


@portal
def withdraw(request: HttpRequest, access: PortalAccess, delegate_id: int) -> HttpResponse:
    """A confirmation page; its form withdraws the delegate's accreditation."""
    row = _row(access, delegate_id)
    if row is None:
        return not_valid(request)
    if row.accreditation is None:
        return _refused(
            request,
            access,
            _("%(name)s has no accreditation yet: take them out of the delegation in the reply.")
            % {"name": row.delegate},
        )
    if not row.may_withdraw:
        return _refused(
            request,
            access,
            _("%(name)s cannot be withdrawn: the accreditation is %(status)s.")
            % {"name": row.delegate, "status": row.status.label.lower() if row.status else ""},
        )
    form = WithdrawForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            accreditation_services.withdraw(
                row.accreditation, reason=form.cleaned_data["reason"], actor=access.actor
            )
        except AccreditationError as error:
            return _refused(request, access, str(error))
        messages.success(
            request,
            _("%(name)s is withdrawn from the delegation.") % {"name": row.delegate},
        )
        return redirect("portal:delegation", token=access.token)
    context = {"access": access, "meeting": access.meeting, "token": access.token}
    context |= {"row": row, "form": form}
    return render(request, "portal/withdraw.html", context, status=400 if form.errors else 200)


@portal
def substitute(request: HttpRequest, access: PortalAccess, delegate_id: int) -> HttpResponse:
    """Name the person who takes an approved delegate's place."""
    row = _row(access, delegate_id)
    if row is None:
        return not_valid(request)
    if row.accreditation is None or not row.may_substitute:
        return _refused(request, access, _("Only an approved delegate can be substituted."))
    form = SubstituteForm(
        request.POST if request.method == "POST" else None,
        prefix="substitute",
        use_required_attribute=False,
    )
    if request.method == "POST" and form.is_valid():
        try:
            accreditation_services.substitute(
                row.accreditation, form.newcomer(), actor=access.actor
            )
        except AccreditationError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                _(
                    "%(name)s's badge is revoked; the substitute's accreditation waits for "
                    "the secretariat's approval."
                )
                % {"name": row.delegate},
            )
            return redirect("portal:delegation", token=access.token)
    context: dict[str, Any] = {"access": access, "meeting": access.meeting, "token": access.token}
    context |= {
        "row": row,
        "form": form,
        "errors": ReplyPage.form_errors(form, ""),
        "registration_open": accreditation_services.registration_open(access.meeting),
    }
    return render(request, "portal/substitute.html", context, status=400 if form.errors else 200)


@portal
def request_exception(request: HttpRequest, access: PortalAccess) -> HttpResponse:
    """Ask the secretariat for more delegates than the limit of the organisation's category."""
    if request.method != "POST":
        return redirect("portal:delegation", token=access.token)
    limit = _limit(access)
    if limit.check.limit is None:
        return _refused(request, access, _("Your organisation's category has no limit here."))
    form = ExceptionRequestForm(request.POST, limit=limit.check.allowed)
    if not form.is_valid():
        return _render_delegation(request, access, exception_form=form, status=400)
    try:
        accreditation_services.request_exception(
            access.organisation,
            access.meeting,
            requested=form.cleaned_data["requested"],
            reason=form.cleaned_data["reason"],
            actor=access.actor,
        )
    except AccreditationError as error:
        form.add_error(None, str(error))
        return _render_delegation(request, access, exception_form=form, status=400)
    messages.success(request, _("Your request is sent: the secretariat will decide on it."))
    return redirect("portal:delegation", token=access.token)


# Mandate documents (portal/documents.py)


@portal
def documents(request: HttpRequest, access: PortalAccess) -> HttpResponse:
    if request.method == "POST":
        return portal_documents.upload(request, access)
    return portal_documents.documents_page(request, access)


@portal
def document(request: HttpRequest, access: PortalAccess, document_id: int) -> HttpResponse:
    found = portal_documents.download(access, document_id)
    return not_valid(request) if found is None else found  # type: ignore[return-value]


@portal
def document_remove(request: HttpRequest, access: PortalAccess, document_id: int) -> HttpResponse:
    if request.method != "POST":
        return redirect("portal:documents", token=access.token)
    return portal_documents.remove(request, access, document_id) or not_valid(request)
