from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from summitdesk.backoffice.forms import MeetingForm, ParticipantTypeForm, ProcessForm
from summitdesk.core.access import staff_actor, staff_view
from summitdesk.core.models import AuditEntry
from summitdesk.core.permissions import Permission
from summitdesk.delegations.enums import ProtocolLevel
from summitdesk.delegations.participant_types import type_of, types_of
from summitdesk.meetings import participant_types, services
from summitdesk.meetings.models import Meeting, ParticipantType, Process
from summitdesk.reports import figures


@staff_view(Permission.MEETINGS_READ)
def meeting_list(request: HttpRequest) -> HttpResponse:
    processes = Process.objects.prefetch_related("meetings")
    return render(request, "backoffice/meeting_list.html", {"processes": processes})


@staff_view(Permission.MEETINGS_READ)
def meeting_detail(request: HttpRequest, code: str) -> HttpResponse:
    meeting = get_object_or_404(Meeting.objects.select_related("process"), code=code)
    history = AuditEntry.objects.for_object(meeting).select_related("actor")[:100]
    levels = dict(ProtocolLevel.choices)
    context = {
        "meeting": meeting,
        "history": history,
        "participant_types": meeting.participant_types.all(),
        "photo_exempt": [
            str(levels[code]) for code in meeting.photo_exempt_levels if code in levels
        ],
    }
    return render(request, "backoffice/meeting_detail.html", context)


@staff_view(Permission.REPLIES_READ)
def protocol_list(request: HttpRequest, code: str) -> HttpResponse:
    """The high-level participants of the meeting in the order of precedence, with the
    protocol list export (exports kind "protocol": the same rows)."""
    meeting = get_object_or_404(Meeting, code=code)
    types = types_of(meeting)
    people = list(
        figures.high_level_participants(meeting).select_related(
            "reply__organisation", "participant_type"
        )
    )
    rows = [(person, type_of(person, types)) for person in people]
    return render(request, "backoffice/protocol_list.html", {"meeting": meeting, "rows": rows})


@staff_view(Permission.MEETINGS_CHANGE)
def participant_type_edit(request: HttpRequest, code: str, type_code: str) -> HttpResponse:
    """One of the meeting's participant types: names, order, section, limit, badge."""
    participant_type = get_object_or_404(
        ParticipantType.objects.select_related("meeting"), meeting__code=code, code=type_code
    )
    form = ParticipantTypeForm(request.POST or None, instance=participant_type)
    if request.method == "POST" and form.is_valid():
        target = ParticipantType.objects.get(pk=participant_type.pk)
        data = {field: form.cleaned_data[field] for field in ParticipantTypeForm.Meta.fields}
        data["name_translations"] = form.translations()
        participant_types.save_type(target, data, actor=staff_actor(request))
        messages.success(request, _("Saved."))
        return redirect("backoffice:meeting-detail", code=code)
    context = {"form": form, "participant_type": participant_type}
    return render(request, "backoffice/participant_type_form.html", context)


def _edit(request: HttpRequest, meeting: Meeting) -> HttpResponse:
    form = MeetingForm(request.POST or None, instance=meeting)
    if request.method == "POST" and form.is_valid():
        target = Meeting.objects.get(pk=meeting.pk) if meeting.pk else Meeting()
        data = {field: form.cleaned_data[field] for field in MeetingForm.Meta.fields}
        data["title_translations"] = form.translations()
        services.save_meeting(target, data, actor=staff_actor(request))
        messages.success(request, _("Saved."))
        return redirect("backoffice:meeting-detail", code=target.code)
    return render(request, "backoffice/meeting_form.html", {"form": form, "meeting": meeting})


@staff_view(Permission.MEETINGS_CHANGE)
def meeting_create(request: HttpRequest) -> HttpResponse:
    return _edit(request, Meeting())


@staff_view(Permission.MEETINGS_CHANGE)
def meeting_edit(request: HttpRequest, code: str) -> HttpResponse:
    return _edit(request, get_object_or_404(Meeting, code=code))


@staff_view(Permission.MEETINGS_CHANGE)
def process_edit(request: HttpRequest, code: str) -> HttpResponse:
    """A process's name in the six languages and its description."""
    process = get_object_or_404(Process, code=code)
    form = ProcessForm(request.POST or None, instance=process)
    if request.method == "POST" and form.is_valid():
        target = Process.objects.get(pk=process.pk)
        data = {field: form.cleaned_data[field] for field in ProcessForm.Meta.fields}
        data["name_translations"] = form.translations()
        services.save_process(target, data, actor=staff_actor(request))
        messages.success(request, _("Saved."))
        return redirect("backoffice:meeting-list")
    return render(request, "backoffice/process_form.html", {"form": form, "process": process})
