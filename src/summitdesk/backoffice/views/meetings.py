from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from summitdesk.backoffice.forms import (
    MeetingForm,
    NewParticipantTypeForm,
    ParticipantTypeForm,
    ProcessForm,
)
from summitdesk.core.access import staff_actor, staff_view
from summitdesk.core.confirm import unless_confirmed
from summitdesk.core.models import AuditEntry
from summitdesk.core.permissions import Permission
from summitdesk.delegations.enums import ProtocolLevel
from summitdesk.delegations.participant_types import TypeInUse, delete_type, type_of, types_of
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


@staff_view(Permission.MEETINGS_CHANGE)
def participant_type_create(request: HttpRequest, code: str) -> HttpResponse:
    """A new participant type of the meeting: code, names, order, section, limit, badge."""
    meeting = get_object_or_404(Meeting, code=code)
    form = NewParticipantTypeForm(request.POST or None, meeting=meeting)
    if request.method == "POST" and form.is_valid():
        data = {field: form.cleaned_data[field] for field in NewParticipantTypeForm.Meta.fields}
        data["name_translations"] = form.translations()
        participant_types.add_type(meeting, data, actor=staff_actor(request))
        messages.success(request, _("Saved."))
        return redirect("backoffice:meeting-detail", code=code)
    context = {"form": form, "meeting": meeting}
    return render(request, "backoffice/participant_type_new.html", context)


@staff_view(Permission.MEETINGS_CHANGE)
@require_POST
def participant_type_delete(request: HttpRequest, code: str, type_code: str) -> HttpResponse:
    """Delete a participant type (confirmed), refused while anyone has it."""
    participant_type = get_object_or_404(
        ParticipantType.objects.select_related("meeting"), meeting__code=code, code=type_code
    )
    name = str(participant_type)
    confirmation = unless_confirmed(
        request,
        question=_("Delete the participant type %(name)s?") % {"name": name},
        consequence=_(
            "It is removed from this meeting with its names and badge design; it cannot be "
            "restored. A type that anyone has cannot be deleted."
        ),
        action=_("Delete the type"),
        back=reverse("backoffice:participant-type-edit", args=[code, type_code]),
    )
    if confirmation is not None:
        return confirmation
    try:
        delete_type(participant_type, actor=staff_actor(request))
    except TypeInUse as in_use:
        messages.error(
            request,
            ngettext(
                "%(name)s cannot be deleted: %(count)d participant has this type. Give them "
                "another type first.",
                "%(name)s cannot be deleted: %(count)d participants have this type. Give them "
                "another type first.",
                in_use.count,
            )
            % {"name": name, "count": in_use.count},
        )
        return redirect("backoffice:participant-type-edit", code=code, type_code=type_code)
    messages.success(request, _("%(name)s is deleted.") % {"name": name})
    return redirect("backoffice:meeting-detail", code=code)


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
