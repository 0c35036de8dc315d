"""The on-site desks of a meeting: pickup slots (generated for a day), the badge desk's
pickup queue and hand-over, and the registration desk's walk-ins (register, photo,
approve and print: four screens from arrival to badge). Every change goes through
onsite.pickup and onsite.walk_ins."""

import datetime
import html

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from summitdesk.accreditation import photos
from summitdesk.backoffice.onsite_forms import HandOverForm, SlotsForm, WalkInForm
from summitdesk.core.access import staff_actor, staff_view
from summitdesk.core.permissions import Permission
from summitdesk.delegations.models import Reply
from summitdesk.lib import uploads
from summitdesk.meetings.models import Meeting
from summitdesk.onsite import pickup, queries, walk_ins
from summitdesk.onsite.enums import WalkInBasis
from summitdesk.onsite.models import PickupBooking, WalkIn, WalkInRequest


def _day(request: HttpRequest, meeting: Meeting) -> datetime.date:
    """The day asked for (?day=YYYY-MM-DD), else today where the meeting is, else its first
    day when it has not started or is over."""
    try:
        return datetime.date.fromisoformat(request.GET.get("day", "")[:10])
    except ValueError:
        pass
    today = timezone.localtime(timezone.now(), pickup.zone_of(meeting)).date()
    if meeting.start_date and today < meeting.start_date:
        return meeting.start_date
    if meeting.start_date and meeting.end_date and today > meeting.end_date:
        return meeting.start_date  # a meeting over: its first day, as it went
    return today


def _queue_rows(queue: queries.Queue, meeting: Meeting) -> SafeString:
    """The queue table's rows, put together here rather than by the template language: a
    day of 2,000 slots renders in milliseconds instead of a second (bench/pickup_queue.py).
    Plain string work per row: html.escape (what django.utils.html.escape calls, without
    its lazy-string wrapper), the hour and minute of the slot without strftime, and the
    link, the word "collected" and each count of badges made once for the page."""
    zone = pickup.zone_of(meeting)
    hand_over = reverse("backoffice:pickup-hand-over", kwargs={"code": meeting.code, "pk": 1})
    head, tail = (html.escape(part) for part in hand_over.split("/1/hand-over/", 1))
    link = f'<a href="{head}/{{}}/hand-over/{tail}">'
    collected = html.escape(_("collected"))
    counted: dict[int, str] = {}

    def badges(count: int) -> str:
        if count not in counted:
            counted[count] = html.escape(
                ngettext("%(count)d badge", "%(count)d badges", count) % {"count": count}
            )
        return counted[count]

    rows = []
    for row in queue.slots:
        local = row.starts_at.astimezone(zone)
        entries = "".join(
            f'<div class="pickup-booking"><bdi>{html.escape(e.organisation)}</bdi> · {collected}'
            f" · {badges(e.badges)}</div>"
            if e.collected
            else f'<div class="pickup-booking">{link.format(e.booking_id)}'
            f"<bdi>{html.escape(e.organisation)}</bdi></a> · {badges(e.badges)}</div>"
            for e in row.bookings
        )
        booked = ' class="booked"' if row.bookings else ""
        rows.append(
            f'<tr{booked}><th scope="row">{local.hour:02d}:{local.minute:02d}</th>'
            f"<td>{len(row.bookings)}/{row.capacity}</td><td>{entries}</td></tr>"
        )
    return mark_safe("\n".join(rows))  # noqa: S308 -- every value above is escaped


def _figures(queue: queries.Queue) -> dict[str, int]:
    """What the pickup pages say of the day's queue, as numbers. The queue itself stays
    out of the template's context: a rendered context ends in reference cycles (Django's
    Context and its ContextDicts), which only the garbage collector's full collections
    free, and a day of 2,000 slots would then make them run every few pages."""
    return {"slot_count": len(queue.slots), "booked": queue.booked, "collected": queue.collected}


def _slot_items(queue: queries.Queue, meeting: Meeting) -> SafeString:
    zone = pickup.zone_of(meeting)
    return mark_safe(  # noqa: S308 -- times and numbers only
        "".join(
            f"<li>{timezone.localtime(row.starts_at, zone):%H:%M} · "
            f"{len(row.bookings)}/{row.capacity}</li>"
            for row in queue.slots
        )
    )


@staff_view(Permission.PICKUP_MANAGE)
def pickup_slots(request: HttpRequest, code: str) -> HttpResponse:
    """A day's slots and how full they are; the form generates a day's slots."""
    meeting = get_object_or_404(Meeting, code=code)
    form = SlotsForm(
        request.POST if request.method == "POST" else None, initial={"day": _day(request, meeting)}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            made = pickup.generate_slots(
                meeting,
                day=data["day"],
                start=data["start"],
                end=data["end"],
                every=data["every"],
                capacity=data["capacity"],
                actor=staff_actor(request),
            )
        except pickup.PickupError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("%(count)d pickup slots made.") % {"count": made})
            url = reverse("backoffice:pickup-slots", kwargs={"code": meeting.code})
            return redirect(f"{url}?day={data['day'].isoformat()}")
    day = form.cleaned_data["day"] if form.is_bound and form.is_valid() else _day(request, meeting)
    queue = queries.queue(meeting, day)
    context = {
        "meeting": meeting,
        "form": form,
        "day": day,
        "items": _slot_items(queue, meeting),
        **_figures(queue),
        "cutoff_minutes": int(pickup.cutoff().total_seconds() // 60),
    }
    return render(
        request, "backoffice/pickup_slots.html", context, status=400 if form.errors else 200
    )


@staff_view(Permission.PICKUP_HAND_OVER)
def pickup_queue(request: HttpRequest, code: str) -> HttpResponse:
    """The badge desk's queue for a day, by slot: each booked delegation, its badges
    ready, and whether it collected them."""
    meeting = get_object_or_404(Meeting, code=code)
    day = _day(request, meeting)
    queue = queries.queue(meeting, day)
    context = {
        "meeting": meeting,
        "day": day,
        "previous": day - datetime.timedelta(days=1),
        "next": day + datetime.timedelta(days=1),
        "rows": _queue_rows(queue, meeting),
        **_figures(queue),
        "time_zone": meeting.time_zone or "UTC",
    }
    return render(request, "backoffice/pickup_queue.html", context)


@staff_view(Permission.PICKUP_HAND_OVER)
def pickup_hand_over(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    """One delegation's badges handed over at once to the person collecting them."""
    meeting = get_object_or_404(Meeting, code=code)
    booking = get_object_or_404(
        PickupBooking.objects.select_related("reply__organisation", "slot"), pk=pk, meeting=meeting
    )
    ready = list(pickup.badges_of(booking.reply))
    choices = [(a.pk, f"{a.badge_number} · {a.delegate}") for a in ready]
    form = HandOverForm(request.POST if request.method == "POST" else None, choices=choices)
    if request.method == "POST" and booking.collected_at is None and form.is_valid():
        try:
            pickup.hand_over(booking, form.hand_over(), actor=staff_actor(request))
        except pickup.PickupError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                _("%(organisation)s: %(count)d badges handed over.")
                % {
                    "organisation": booking.reply.organisation.name,
                    "count": len(form.cleaned_data["badges"]),
                },
            )
            url = reverse("backoffice:pickup-queue", kwargs={"code": meeting.code})
            day = timezone.localtime(booking.slot.starts_at, pickup.zone_of(meeting)).date()
            return redirect(f"{url}?day={day.isoformat()}")
    elif request.method == "POST" and booking.collected_at is not None:
        form = HandOverForm(None, choices=choices)
        messages.error(request, _("This delegation's badges were already handed over."))
    handed = {ident for ident, _version in booking.badges}
    context = {
        "meeting": meeting,
        "booking": booking,
        "form": form,
        "ready": ready,
        "handed": [a for a in ready if a.pk in handed],
        "time_zone": meeting.time_zone or "UTC",
    }
    return render(
        request, "backoffice/pickup_hand_over.html", context, status=400 if form.errors else 200
    )


# Walk-ins: register (1), photo (2), approve and print (3), the badge (4).


def _walk_in(meeting: Meeting, pk: int) -> WalkIn:
    return get_object_or_404(
        WalkIn.objects.select_related("accreditation__delegate", "reply__organisation"),
        pk=pk,
        meeting=meeting,
    )


@staff_view(Permission.ONSITE_REGISTER)
def walk_in_new(request: HttpRequest, code: str) -> HttpResponse:
    meeting = get_object_or_404(Meeting, code=code)
    replies = list(
        Reply.objects.filter(meeting=meeting)
        .select_related("organisation")
        .order_by("organisation__name")
    )
    form = WalkInForm(request.POST if request.method == "POST" else None, replies=replies)
    if request.method == "POST" and form.is_valid():
        try:
            if "ask" in request.POST:
                asked = walk_ins.request_confirmation(
                    form.chosen_reply(), form.person(), actor=staff_actor(request)
                )
                return redirect("backoffice:walk-in-request", code=meeting.code, pk=asked.pk)
            walk_in = walk_ins.register(
                form.chosen_reply(),
                form.person(),
                basis=form.cleaned_data["basis"],
                reference=form.cleaned_data["reference"],
                actor=staff_actor(request),
            )
        except walk_ins.WalkInRefused as refused:
            form.add_error(None, str(refused))
        else:
            return redirect("backoffice:walk-in-photo", code=meeting.code, pk=walk_in.pk)
    context = {"meeting": meeting, "form": form, "step": 1}
    return render(
        request, "backoffice/walk_in_new.html", context, status=400 if form.errors else 200
    )


@staff_view(Permission.ONSITE_REGISTER)
def walk_in_request(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    """A walk-in waiting for the focal point's confirmation through their link; once
    confirmed, the desk registers them and goes on to the photo."""
    meeting = get_object_or_404(Meeting, code=code)
    asked = get_object_or_404(
        WalkInRequest.objects.select_related("reply__organisation", "walk_in"),
        pk=pk,
        meeting=meeting,
    )
    error = ""
    if asked.walk_in is not None:
        return redirect("backoffice:walk-in-photo", code=meeting.code, pk=asked.walk_in.pk)
    if request.method == "POST":
        try:
            walk_in = walk_ins.register(
                asked.reply,
                walk_ins.person_of(asked),
                basis=WalkInBasis.PORTAL,
                actor=staff_actor(request),
                request=asked,
            )
        except walk_ins.WalkInRefused as refused:
            error = str(refused)
        else:
            return redirect("backoffice:walk-in-photo", code=meeting.code, pk=walk_in.pk)
    context = {
        "meeting": meeting,
        "asked": asked,
        "error": error,
        "step": 1,
        "email": queries.confirmation_email(asked),
    }
    return render(request, "backoffice/walk_in_request.html", context, status=400 if error else 200)


@staff_view(Permission.ONSITE_REGISTER)
def walk_in_photo(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    """The desk camera's picture (or a file), with the checks and crop of every upload."""
    meeting = get_object_or_404(Meeting, code=code)
    walk_in = _walk_in(meeting, pk)
    error = ""
    if request.method == "POST":
        upload = None
        if uploads.body_too_large(request, photos.MAX_UPLOAD_BYTES):
            error = _("The photo is too large: at most %(size)d MB are accepted.") % {
                "size": photos.MAX_UPLOAD_BYTES // (1024 * 1024)
            }
        else:
            upload = request.FILES.get("photo")
            if upload is None:
                error = _("Take the photo first.")
        if upload is not None and not error:
            try:
                crop = photos.Crop.from_strings(
                    *(request.POST.get(name, "") for name in ("x", "y", "width", "height"))
                )
                walk_ins.take_photo(walk_in, upload.read(), crop, actor=staff_actor(request))
            except photos.PhotoError as refused:
                error = str(refused)
            else:
                return redirect("backoffice:walk-in-approve", code=meeting.code, pk=walk_in.pk)
    context = {"meeting": meeting, "walk_in": walk_in, "error": error, "step": 2}
    return render(request, "backoffice/walk_in_photo.html", context, status=400 if error else 200)


@staff_view(Permission.ONSITE_REGISTER)
def walk_in_approve(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    meeting = get_object_or_404(Meeting, code=code)
    walk_in = _walk_in(meeting, pk)
    error = ""
    if request.method == "POST":
        try:
            walk_ins.approve_and_print(walk_in, actor=staff_actor(request))
        except walk_ins.WalkInRefused as refused:
            error = str(refused)
        else:
            return redirect("backoffice:walk-in-done", code=meeting.code, pk=walk_in.pk)
    context = {"meeting": meeting, "walk_in": walk_in, "error": error, "step": 3}
    return render(request, "backoffice/walk_in_approve.html", context, status=400 if error else 200)


@staff_view(Permission.ONSITE_REGISTER)
def walk_in_done(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    meeting = get_object_or_404(Meeting, code=code)
    walk_in = _walk_in(meeting, pk)
    if walk_in.badge_printed_at is None:
        return redirect("backoffice:walk-in-approve", code=meeting.code, pk=walk_in.pk)
    context = {"meeting": meeting, "walk_in": walk_in, "step": 4}
    return render(request, "backoffice/walk_in_done.html", context)


@staff_view(Permission.ONSITE_REGISTER)
def walk_in_badge(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    """The walk-in's one badge as a PDF, for the desk's card printer."""
    meeting = get_object_or_404(Meeting, code=code)
    walk_in = _walk_in(meeting, pk)
    try:
        pdf = walk_ins.badge_pdf(walk_in)
    except walk_ins.WalkInRefused:
        raise Http404 from None
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'inline; filename="badge-{meeting.code}-{walk_in.accreditation_id}.pdf"'
    )
    response["Cache-Control"] = "private, no-store"
    return response
