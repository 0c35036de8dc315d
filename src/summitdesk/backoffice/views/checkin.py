"""The check-in desk of a meeting (scan, name search, live count, camera frames) and the
delegate photo (upload with crop, and the staff-only image). Every change goes through
accreditation.checkin and accreditation.photos."""

from datetime import datetime

from django.contrib import messages
from django.core.files.storage import default_storage
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from summitdesk.accreditation import checkin, decode, photos
from summitdesk.accreditation.enums import CheckInResult
from summitdesk.accreditation.models import Accreditation, CheckIn
from summitdesk.core.access import staff_actor, staff_view
from summitdesk.core.audit import Actor
from summitdesk.core.permissions import Permission
from summitdesk.lib import dates, uploads
from summitdesk.lib.ids import parse_id
from summitdesk.meetings.models import Meeting
from summitdesk.reports import figures
from summitdesk.venue import gates
from summitdesk.venue.models import Passage

DESK_SESSION_KEY = "summitdesk_checkin_desk"
MAX_CODE_LENGTH = 500


def _desk_actor(request: HttpRequest, desk: str) -> Actor:
    return checkin.desk_actor(staff_actor(request).user, desk)


def _desk_url(meeting: Meeting, **query: int) -> str:
    url = reverse("backoffice:checkin-desk", kwargs={"code": meeting.code})
    return f"{url}?{urlencode(query)}" if query else url


@staff_view(Permission.CHECKIN_ADMIT)
def checkin_desk(request: HttpRequest, code: str) -> HttpResponse:
    """GET: the desk, with the last scan shown big and the name search; POST: a scan
    (the code typed by a USB scanner or a badge number typed by hand, or an accreditation
    chosen by name), the undo of the desk's last admission, or the desk's name. Scans
    answer with a redirect to the desk showing their result."""
    meeting = get_object_or_404(Meeting, code=code)
    desk = request.session.get(DESK_SESSION_KEY, "")
    if request.method == "POST":
        if "desk" in request.POST:
            name = request.POST["desk"].strip()[: checkin.DESK_MAX_LENGTH]
            if name:
                request.session[DESK_SESSION_KEY] = name
            else:
                messages.error(request, _("Give this desk a name, such as “Desk 2”."))
            return redirect(_desk_url(meeting))
        if not desk:
            messages.error(request, _("Name this desk first: every scan records its desk."))
            return redirect(_desk_url(meeting))
        if "undo" in request.POST:
            return _undo(request, meeting, desk)
        if "identity_seen" in request.POST:
            return _identity_seen(request, meeting, desk)
        scanned: str | int
        if "accreditation" in request.POST:
            try:
                scanned = parse_id(request.POST["accreditation"])
            except ValueError:
                raise Http404 from None
        else:
            scanned = request.POST.get("code", "").strip()[:MAX_CODE_LENGTH]
            if not scanned:
                return redirect(_desk_url(meeting))
        zone, direction = gates.where(meeting, desk)
        result = gates.scan(
            scanned,
            meeting=meeting,
            desk=desk,
            actor=_desk_actor(request, desk),
            zone=zone,
            direction=direction,
            badge_numbers=True,
        )
        if result.check_in is not None:
            return redirect(_desk_url(meeting, last=result.check_in.pk))
        assert result.passage is not None  # a way out or a secondary pass
        return redirect(_desk_url(meeting, passage=result.passage.pk))

    last = None
    first = None
    last_pk = request.GET.get("last", "")
    if last_pk.isdigit():
        last = (
            CheckIn.objects.select_related("accreditation__delegate__reply__organisation")
            .filter(pk=int(last_pk), meeting=meeting)
            .first()
        )
        if (
            last is not None
            and last.accreditation_id is not None
            and last.result == CheckInResult.REENTERED
        ):
            first = CheckIn.objects.filter(
                accreditation_id=last.accreditation_id, result=CheckInResult.ENTERED
            ).first()
    passage = _passage(meeting, last, request.GET.get("passage", ""))
    told, told_language = gates.told_holder(passage, meeting) if passage else ("", "")
    zone, direction = gates.where(meeting, desk) if desk else (None, "in")
    query = request.GET.get("q", "").strip()[:100]
    admitted = last is not None and last.result != CheckInResult.REFUSED
    context = {
        "meeting": meeting,
        "desk": desk,
        "last": last,
        "first": first,
        "first_time": dates.format_time(first.scanned_at, meeting.time_zone or "UTC")
        if first
        else "",
        "last_time": checkin.local_time(last, meeting, seconds=True) if last else "",
        "check_identity": admitted
        and last is not None
        and last.accreditation is not None
        and checkin.needs_identity_document(last.accreditation),
        "identity_reason": checkin.identity_check_reason(last.accreditation)
        if admitted and last is not None and last.accreditation is not None
        else "",
        "can_undo": last is not None
        and last.result == CheckInResult.ENTERED
        and checkin.undo_refusal(last, desk=desk, actor=_desk_actor(request, desk)) is None,
        "query": query,
        "found": checkin.search(meeting, query) if query else None,
        "count": figures.desk_count(meeting),
        "desk_max_length": checkin.DESK_MAX_LENGTH,
        "passage": passage,
        "passage_time": _time(passage.scanned_at, meeting) if passage else "",
        "told": told if told_language != translation.get_language() else "",
        "told_language": told_language,
        "gate_zone": zone,
        "gate_direction": direction,
    }
    return render(request, "backoffice/checkin_desk.html", context)


def _passage(meeting: Meeting, last: CheckIn | None, passage_pk: str) -> Passage | None:
    """The zone scan beside the check-in `last`, or the one the redirect names (a way out,
    a secondary pass)."""
    rows = Passage.objects.select_related(
        "zone", "accreditation__delegate__reply__organisation", "secondary_pass__pool"
    ).filter(meeting=meeting)
    if last is not None:
        return rows.filter(check_in=last).first()
    if passage_pk.isdigit() and len(passage_pk) < 19:
        return rows.filter(pk=int(passage_pk)).first()
    return None


def _time(moment: datetime, meeting: Meeting) -> str:
    return dates.local(moment, meeting.time_zone or "UTC").strftime("%H:%M:%S")


def _identity_seen(request: HttpRequest, meeting: Meeting, desk: str) -> HttpResponse:
    """The desk saw the identity document of the holder of a badge collected by someone
    else: recorded once; the door stops asking for it."""
    try:
        pk = parse_id(request.POST["identity_seen"])
    except ValueError:
        raise Http404 from None
    row = (
        CheckIn.objects.select_related("accreditation__delegate__reply")
        .filter(pk=pk, meeting=meeting, accreditation__isnull=False)
        .first()
    )
    if row is None or row.accreditation is None:
        raise Http404
    checkin.record_identity_check(row.accreditation, actor=_desk_actor(request, desk))
    messages.success(
        request,
        _("Identity document seen: recorded for %(name)s.") % {"name": row.accreditation.delegate},
    )
    return redirect(_desk_url(meeting, last=row.pk))


def _undo(request: HttpRequest, meeting: Meeting, desk: str) -> HttpResponse:
    try:
        pk = parse_id(request.POST["undo"])
    except ValueError:
        raise Http404 from None
    actor = _desk_actor(request, desk)
    try:
        accreditation = checkin.undo_admission(pk, meeting=meeting, desk=desk, actor=actor)
    except checkin.UndoRefused as refused:
        messages.error(request, str(refused))
        still = CheckIn.objects.filter(pk=pk, meeting=meeting).exists()
        return redirect(_desk_url(meeting, last=pk) if still else _desk_url(meeting))
    messages.success(
        request,
        _("Admission undone: %(name)s is no longer counted as checked in.")
        % {"name": accreditation.delegate},
    )
    return redirect(_desk_url(meeting))


@staff_view(Permission.CHECKIN_ADMIT)
def checkin_count(request: HttpRequest, code: str) -> JsonResponse:
    meeting = get_object_or_404(Meeting, code=code)
    count = figures.desk_count(meeting)
    return JsonResponse(
        {"entered": count.entered, "approved": count.approved},
        headers={"Cache-Control": "no-store"},
    )


@staff_view(Permission.CHECKIN_ADMIT)
@require_POST
def checkin_decode(request: HttpRequest, code: str) -> JsonResponse:
    """A camera frame (field `frame`, JPEG or PNG) in; the QR code's text, if any, out."""
    get_object_or_404(Meeting, code=code)
    if uploads.body_too_large(request, decode.MAX_FRAME_BYTES):
        return JsonResponse({"error": _("The frame is too large.")}, status=413)
    frame = request.FILES.get("frame")
    if frame is None:
        return JsonResponse({"error": _("Send a frame.")}, status=400)
    if frame.size is None or frame.size > decode.MAX_FRAME_BYTES:
        return JsonResponse({"error": _("The frame is too large.")}, status=400)
    try:
        text = decode.decode_frame(frame.read())
    except decode.FrameError as error:
        return JsonResponse({"error": str(error)}, status=400)
    return JsonResponse({"code": text}, headers={"Cache-Control": "no-store"})


# Photos


def _accreditation(pk: int) -> Accreditation:
    return get_object_or_404(
        Accreditation.objects.select_related("delegate__reply__organisation", "meeting"), pk=pk
    )


@staff_view(Permission.PHOTOS_CHANGE)
def photo_upload(request: HttpRequest, pk: int) -> HttpResponse:
    """A new photo for the accreditation: a file, and the crop box the person adjusted
    (x, y, width, height in pixels of the picture; empty: the centred crop)."""
    accreditation = _accreditation(pk)
    error = ""
    too_large = _("The photo is too large: at most %(size)d MB are accepted.") % {
        "size": photos.MAX_UPLOAD_BYTES // (1024 * 1024)
    }
    if request.method == "POST" and uploads.body_too_large(request, photos.MAX_UPLOAD_BYTES):
        error = too_large
    elif request.method == "POST":
        upload = request.FILES.get("photo")
        if upload is None:
            error = _("Choose a photo to upload.")
        elif upload.size is None or upload.size > photos.MAX_UPLOAD_BYTES:
            error = too_large
        else:
            try:
                crop = photos.Crop.from_strings(
                    *(request.POST.get(name, "") for name in ("x", "y", "width", "height"))
                )
                photos.save_photo(accreditation, upload.read(), crop, actor=staff_actor(request))
            except photos.PhotoError as refused:
                error = str(refused)
            else:
                messages.success(request, _("The photo is saved."))
                return redirect("backoffice:photo-upload", pk=accreditation.pk)
    context = {
        "accreditation": accreditation,
        "error": error,
        "min_width": photos.MIN_WIDTH,
        "min_height": photos.MIN_HEIGHT,
        "max_mb": photos.MAX_UPLOAD_BYTES // (1024 * 1024),
    }
    return render(request, "backoffice/checkin_photo.html", context, status=400 if error else 200)


@staff_view(Permission.PHOTOS_READ)
def photo_image(request: HttpRequest, pk: int) -> HttpResponse:
    """The photo, to signed-in staff who need it only: never a public media path. With
    `?size=badge`, the badge-size copy (350 x 450, a few times lighter: the thumbnails of
    the desk's name search), or the photo itself when there is no copy."""
    accreditation = get_object_or_404(Accreditation.objects.only("photo", "badge_photo"), pk=pk)
    name = accreditation.photo.name
    if request.GET.get("size") == "badge" and accreditation.badge_photo.name:
        name = accreditation.badge_photo.name
    if not name:
        raise Http404
    try:
        with default_storage.open(name, "rb") as handle:
            content = handle.read()  # a cleaned photo: about 100 kB
    except FileNotFoundError:
        raise Http404 from None
    return HttpResponse(
        content,
        content_type="image/jpeg",
        headers={"Cache-Control": "private, no-cache", "X-Content-Type-Options": "nosniff"},
    )
