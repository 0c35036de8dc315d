"""Replies: the response tracker of a circular or meeting, one organisation's reply as staff
see it, and the reply staff enter or correct on its behalf. Reading goes through
delegations.queries, every change through delegations.services (or correspondence.sending
for a new link)."""

import csv

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from summitdesk.backoffice.listing import Column, Listing, Selection
from summitdesk.backoffice.reply_forms import StaffReplyForm, TrackerFilterForm
from summitdesk.backoffice.views.credentials import credentials_section, tracker_lines
from summitdesk.core import versions
from summitdesk.core.access import staff_actor, staff_view
from summitdesk.core.confirm import unless_confirmed
from summitdesk.core.permissions import Permission, may
from summitdesk.correspondence import outbox, reply_links
from summitdesk.correspondence import services as correspondence
from summitdesk.correspondence.enums import CircularStatus
from summitdesk.correspondence.models import Circular, ReplyLink
from summitdesk.correspondence.services import CircularError
from summitdesk.delegations import duplicates, queries, returning, services
from summitdesk.delegations.models import ChangeRequest, Delegate, Reply
from summitdesk.delegations.participant_types import types_of
from summitdesk.delegations.services import ReplyData
from summitdesk.directory.models import Organisation
from summitdesk.lib import dates
from summitdesk.meetings.models import Meeting
from summitdesk.reports import dashboard

PAGE_SIZE = 50
#: How many of the organisations chosen the confirmation of a reminder names.
NAMED_ON_CONFIRMATION = 20
#: The tracker list's columns; those that sort order by indexed columns (then by id).
COLUMNS = [
    Column("organisation", _lazy("Organisation"), ("name_key",)),
    Column("category", _lazy("Category"), ("category", "name_key")),
    Column("country", _lazy("Country"), ("country", "name_key")),
    Column("state", _lazy("State")),
    Column("estimate", _lazy("Estimate")),
    Column("head", _lazy("Head of delegation")),
    Column("named", _lazy("Named")),
    Column("entered_by", _lazy("Entered by")),
    Column("credentials", _lazy("Credentials")),
]


# The tracker


def _circular_scope(pk: int) -> queries.Scope:
    circular = get_object_or_404(Circular.objects.select_related("meeting"), pk=pk)
    return queries.Scope(circular.meeting, circular)


def _meeting_scope(code: str) -> queries.Scope:
    return queries.Scope(get_object_or_404(Meeting, code=code))


def _tracker(request: HttpRequest, scope: queries.Scope) -> HttpResponse:
    form = TrackerFilterForm(request.GET or None)
    listing = Listing(request.GET, COLUMNS, default_sort="organisation", default_size=PAGE_SIZE)
    fresh = request.GET.get("fresh") == "1"
    tracker = dashboard.cached_tracker(scope, fresh=fresh)
    # The list's count from the headline figures when it is unfiltered, unless they may be
    # older than the rows (a minute at most; "Count again now" counts both afresh).
    count = None if fresh else tracker.list_count(form.list_filter())
    given = form.list_filter()
    page = listing.page(
        queries.tracker_list(scope, given),
        count=count,
        ids_from=queries.tracker_selection(scope, given),
    )
    rows = queries.list_rows(page.object_list)
    context = {
        "scope": scope,
        "circular": scope.circular,
        "meeting": scope.meeting,
        "dispatched": scope.circular is not None and scope.circular.status != CircularStatus.DRAFT,
        "circulars": scope.meeting.circulars.order_by("-date", "reference")
        if scope.circular is None
        else [],
        "tracker": tracker,
        "columns": queries.BREAKDOWN_COLUMNS,
        "form": form,
        "listing": listing,
        "page": page,
        "rows": rows,
        "lines": tracker_lines(rows),
        "query": listing.query(fresh=None),
        "withdrawn_query": listing.query(withdrawn="yes", fresh=None),
        "filtered": given != queries.ListFilter(),
        # Organisations are chosen to be reminded, by those who may send reminders.
        "choose": may(request.user, Permission.CIRCULARS_SEND) and bool(rows),
        "remind_url": _remind_url(scope),
        "filter_fields": listing.hidden_fields("sort", "per_page", "fresh"),
    }
    return render(request, "backoffice/tracker_detail.html", context)


def _remind_url(scope: queries.Scope) -> str:
    if scope.circular is not None:
        return reverse("backoffice:tracker-circular-remind", args=[scope.circular.pk])
    return reverse("backoffice:tracker-meeting-remind", args=[scope.meeting.code])


def _tracker_url(scope: queries.Scope) -> str:
    if scope.circular is not None:
        return reverse("backoffice:tracker-circular", args=[scope.circular.pk])
    return reverse("backoffice:tracker-meeting", args=[scope.meeting.code])


def _remind(request: HttpRequest, scope: queries.Scope) -> HttpResponse:
    """First post (from the list: the ticked organisations, or every one its filter
    matches): the confirmation naming the count and how many of them have not answered.
    Second post (confirmed, with that count): the reminders queued, sent by the mailing's
    tasks, whose progress page follows; a count that changed since asks again."""
    selection = Selection.posted(request.POST, list(TrackerFilterForm.base_fields))
    back = _tracker_url(scope)
    if selection.empty:
        messages.error(request, _("Tick the organisations first."))
        return redirect(back)
    given = TrackerFilterForm(request.POST).list_filter()
    chosen = selection.rows(queries.tracker_selection(scope, given))
    count = chosen.count()
    if not count:
        messages.error(request, _("No organisation matches the list's filter any more."))
        return redirect(back)
    error = ""
    if request.POST.get("confirm") == "1":
        if selection.changed(count):
            error = ngettext(
                "The list changed since you confirmed: %(count)d organisation matches now.",
                "The list changed since you confirmed: %(count)d organisations match now.",
                count,
            ) % {"count": count}
        else:
            try:
                done = correspondence.remind_chosen(
                    scope.invitations(), chosen, expected=count, actor=staff_actor(request)
                )
            except CircularError as refused:
                error = str(refused)
            else:
                messages.success(
                    request,
                    ngettext(
                        "%(count)d reminder is being sent.",
                        "%(count)d reminders are being sent.",
                        done.reminded,
                    )
                    % {"count": done.reminded},
                )
                return redirect("backoffice:mailing-progress", pk=done.mailings[0].pk)
    awaiting = (
        correspondence.chosen_awaiting(scope.invitations(), chosen)
        .values("organisation")
        .distinct()
        .count()
    )
    context = {
        "scope": scope,
        "circular": scope.circular,
        "meeting": scope.meeting,
        "selection": selection,
        "count": count,
        "awaiting": awaiting,
        "answered": count - awaiting,
        "named": chosen.order_by("name_key", "pk")[:NAMED_ON_CONFIRMATION],
        "more": max(count - NAMED_ON_CONFIRMATION, 0),
        "error": error,
        "back": back,
    }
    return render(request, "backoffice/tracker_remind.html", context, status=400 if error else 200)


@staff_view(Permission.CIRCULARS_SEND, Permission.REPLIES_READ)
@require_POST
def circular_tracker_remind(request: HttpRequest, pk: int) -> HttpResponse:
    return _remind(request, _circular_scope(pk))


@staff_view(Permission.CIRCULARS_SEND, Permission.REPLIES_READ)
@require_POST
def meeting_tracker_remind(request: HttpRequest, code: str) -> HttpResponse:
    return _remind(request, _meeting_scope(code))


def _csv(request: HttpRequest, scope: queries.Scope, name: str) -> HttpResponse:
    form = TrackerFilterForm(request.GET or None)
    response = HttpResponse(
        content_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="{name}-replies.csv"',
            "Cache-Control": "private, no-store",
        },
    )
    csv.writer(response).writerows(queries.csv_rows(scope, form.list_filter()))
    return response


@staff_view(Permission.REPLIES_READ)
def circular_tracker(request: HttpRequest, pk: int) -> HttpResponse:
    return _tracker(request, _circular_scope(pk))


@staff_view(Permission.REPLIES_READ)
def meeting_tracker(request: HttpRequest, code: str) -> HttpResponse:
    return _tracker(request, _meeting_scope(code))


@staff_view(Permission.REPLIES_READ)
def circular_tracker_csv(request: HttpRequest, pk: int) -> HttpResponse:
    scope = _circular_scope(pk)
    assert scope.circular is not None
    return _csv(request, scope, scope.circular.reference)


@staff_view(Permission.REPLIES_READ)
def meeting_tracker_csv(request: HttpRequest, code: str) -> HttpResponse:
    return _csv(request, _meeting_scope(code), code)


# One reply


def _organisation_and_meeting(
    pk: int, code: str, *, current: bool = False
) -> tuple[Organisation, Meeting]:
    organisations = Organisation.objects.current() if current else Organisation.objects.all()
    return get_object_or_404(organisations, pk=pk), get_object_or_404(Meeting, code=code)


def _to_reply(organisation: Organisation, meeting: Meeting) -> HttpResponse:
    return redirect(_reply_url(organisation, meeting))


def _reply_url(organisation: Organisation, meeting: Meeting) -> str:
    return reverse("backoffice:reply-detail", args=[organisation.pk, meeting.code])


@staff_view(Permission.REPLIES_READ)
def reply_detail(request: HttpRequest, pk: int, code: str) -> HttpResponse:
    organisation, meeting = _organisation_and_meeting(pk, code)
    overview = queries.reply_overview(organisation, meeting)
    deadline = services.deadline(overview.reply) if overview.reply else None
    context = {
        "overview": overview,
        "organisation": organisation,
        "meeting": meeting,
        "reply": overview.reply,
        "history": overview.history,
        "deadline": deadline,
        "deadline_passed": deadline is not None and deadline < timezone.now(),
        "earlier": returning.latest_earlier_reply(
            overview.reply or Reply(organisation=organisation, meeting=meeting)
        ),
        "credentials_section": credentials_section(overview.reply) if overview.reply else None,
        "delegate_rows": _delegate_rows(overview.reply, overview.delegates),
    }
    return render(request, "backoffice/reply_detail.html", context)


def _delegate_rows(reply: Reply | None, delegates: list[Delegate]) -> list[tuple[Delegate, str]]:
    """Each member, with who else (in another delegation to the meeting, accredited) may
    be the same person."""
    if reply is None:
        return []
    found = duplicates.for_delegates(reply.meeting_id, delegates, reply_id=reply.pk)
    return [(d, duplicates.duplicate_notes(found.get(d.pk, []))) for d in delegates]


@staff_view(Permission.REPLIES_CHANGE)
def reply_edit(request: HttpRequest, pk: int, code: str) -> HttpResponse:
    organisation, meeting = _organisation_and_meeting(pk, code, current=True)
    reply = Reply.objects.filter(organisation=organisation, meeting=meeting).first()
    initial = services.reply_data(reply) if reply else ReplyData()
    posted = request.POST if request.method == "POST" else None
    types = [(t.code, str(t)) for t in types_of(meeting).values()]
    form = StaffReplyForm(posted, initial=initial, version=queries.version(reply), types=types)
    if form.stale:
        form.add_error(_("The reply changed while you were editing it: check it, then save."))
    elif request.method == "POST" and not form.adding_rows and form.is_valid():
        submit = "submit" in request.POST
        data = form.reply_data()
        found = services.problems(data, submitting=submit)
        if found:
            form.add_problems(found)
        else:
            try:
                target = reply or services.reply_for(organisation, meeting)
                services.save_reply(
                    target,
                    data,
                    submit=submit,
                    actor=staff_actor(request),
                    # Checked again under the reply's lock: a change since the check above.
                    expected_version=form.version if reply else None,
                )
            except versions.Conflict as conflict:
                form.version = conflict.version
                form.add_error(str(conflict))
            except services.ReplyError as error:
                form.add_error(str(error))
            else:
                messages.success(request, _("Submitted.") if submit else _("Draft saved."))
                return _to_reply(organisation, meeting)
    context = {
        "form": form,
        "organisation": organisation,
        "meeting": meeting,
        "reply": reply,
        "earlier": returning.latest_earlier_reply(
            reply or Reply(organisation=organisation, meeting=meeting)
        ),
    }
    return render(request, "backoffice/reply_edit.html", context)


@staff_view(Permission.REPLIES_CHANGE)
@require_POST
def reply_change_request(request: HttpRequest, pk: int, code: str, request_pk: int) -> HttpResponse:
    organisation, meeting = _organisation_and_meeting(pk, code)
    change = get_object_or_404(
        ChangeRequest.objects.select_related("reply"),
        pk=request_pk,
        reply__organisation=organisation,
        reply__meeting=meeting,
    )
    decision = request.POST.get("decision")
    if decision not in ("accept", "refuse"):
        messages.error(request, _("Choose whether to accept or refuse the request."))
        return _to_reply(organisation, meeting)
    if decision == "refuse":
        confirmation = unless_confirmed(
            request,
            question=_("Refuse the change %(organisation)s asked for?")
            % {"organisation": organisation.name},
            consequence=_("The reply stays as it was; the focal point is told."),
            action=_("Refuse the change"),
            back=_reply_url(organisation, meeting),
        )
        if confirmation is not None:
            return confirmation
    try:
        services.decide_change_request(
            change, accept=decision == "accept", actor=staff_actor(request)
        )
    except services.ReplyError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _("The change is accepted: the reply now reads as requested.")
            if decision == "accept"
            else _("The change is refused: the reply stays as it was."),
        )
    return _to_reply(organisation, meeting)


@staff_view(Permission.REPLY_LINKS_MANAGE)
@require_POST
def reply_link_revoke(request: HttpRequest, pk: int, code: str, link_pk: int) -> HttpResponse:
    organisation, meeting = _organisation_and_meeting(pk, code)
    link = get_object_or_404(ReplyLink, pk=link_pk, organisation=organisation, meeting=meeting)
    confirmation = unless_confirmed(
        request,
        question=_("Revoke the reply link of %(organisation)s created on %(when)s?")
        % {
            "organisation": organisation.name,
            "when": dates.format_datetime(link.created_at, dates.zone_for(meeting.time_zone)),
        },
        consequence=_("Whoever holds it can no longer open or change the reply."),
        action=_("Revoke the link"),
        back=_reply_url(organisation, meeting),
    )
    if confirmation is not None:
        return confirmation
    try:
        services.revoke_reply_link(link, actor=staff_actor(request))
    except services.ReplyError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The link is revoked: it no longer opens the reply."))
    return _to_reply(organisation, meeting)


@staff_view(Permission.REPLY_LINKS_MANAGE)
@require_POST
def reply_link_issue(request: HttpRequest, pk: int, code: str) -> HttpResponse:
    """Issue a new reply link (every earlier one revoked) and show it this once."""
    organisation, meeting = _organisation_and_meeting(pk, code, current=True)
    invitation = queries.latest_invitation(organisation, meeting)
    if invitation is None:
        messages.error(request, _("No circular about this meeting was sent to it: no link."))
        return _to_reply(organisation, meeting)
    confirmation = unless_confirmed(
        request,
        question=_("Issue a new reply link to %(organisation)s?")
        % {"organisation": organisation.name},
        consequence=_("Every earlier link of this organisation for this meeting stops working."),
        action=_("Issue a new link"),
        back=_reply_url(organisation, meeting),
    )
    if confirmation is not None:
        return confirmation
    try:
        token = outbox.reissue_reply_link(invitation, actor=staff_actor(request))
    except CircularError as error:
        messages.error(request, str(error))
        return _to_reply(organisation, meeting)
    context = {
        "organisation": organisation,
        "meeting": meeting,
        "invitation": invitation,
        "url": reply_links.reply_url(token),
    }
    response = render(request, "backoffice/reply_link_issued.html", context)
    response["Cache-Control"] = "no-store"
    return response


@staff_view(Permission.PORTAL_ACT_AS_ORGANISATION)
@require_POST
def reply_open_as_organisation(request: HttpRequest, pk: int, code: str) -> HttpResponse:
    """Take the officer into the portal as the organisation: a link of their own, which
    opens only in their session; what they change there is recorded as them acting for
    the organisation."""
    organisation, meeting = _organisation_and_meeting(pk, code, current=True)
    try:
        token = services.open_as_organisation(organisation, meeting, actor=staff_actor(request))
    except services.ReplyError as error:
        messages.error(request, str(error))
        return _to_reply(organisation, meeting)
    response = redirect("portal:reply", token=token)
    response["Cache-Control"] = "no-store"
    return response
