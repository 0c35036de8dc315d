"""A meeting's information pack: staff manage it here; invitees read it on its public page
(summitdesk.public.views)."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from summitdesk.backoffice.circular_forms import PackItemForm
from summitdesk.core.access import staff_actor, staff_view
from summitdesk.core.confirm import unless_confirmed
from summitdesk.core.permissions import Permission
from summitdesk.meetings import packs
from summitdesk.meetings.models import Meeting, PackItem


def _meeting(code: str) -> Meeting:
    return get_object_or_404(Meeting.objects.select_related("process"), code=code)


def _items(meeting: Meeting) -> list[PackItem]:
    return list(meeting.pack_items.all())


@staff_view(Permission.MEETINGS_READ)
def pack_manage(request: HttpRequest, code: str) -> HttpResponse:
    meeting = _meeting(code)
    context = {"meeting": meeting, "items": _items(meeting), "form": PackItemForm()}
    return render(request, "backoffice/pack_manage.html", context)


@staff_view(Permission.MEETINGS_CHANGE)
@require_POST
def pack_add(request: HttpRequest, code: str) -> HttpResponse:
    meeting = _meeting(code)
    form = PackItemForm(request.POST, request.FILES)
    if not form.is_valid():
        context = {"meeting": meeting, "items": _items(meeting), "form": form}
        return render(request, "backoffice/pack_manage.html", context, status=400)
    data = form.cleaned_data
    actor = staff_actor(request)
    if data["document"]:
        packs.add_document(
            meeting,
            title=data["title"],
            language=data["language"],
            upload=data["document"],
            actor=actor,
        )
    else:
        packs.add_link(
            meeting, title=data["title"], language=data["language"], url=data["url"], actor=actor
        )
    messages.success(request, _("%(title)s was added to the pack.") % {"title": data["title"]})
    return redirect("backoffice:pack-manage", code=meeting.code)


@staff_view(Permission.MEETINGS_CHANGE)
@require_POST
def pack_remove(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    item = get_object_or_404(PackItem.objects.select_related("meeting"), pk=pk, meeting__code=code)
    confirmation = unless_confirmed(
        request,
        question=_("Remove %(title)s from the information pack?") % {"title": item.title},
        consequence=_("The document leaves the public information pack and its file is deleted."),
        action=_("Remove the document"),
        back=reverse("backoffice:pack-manage", args=[code]),
    )
    if confirmation is not None:
        return confirmation
    packs.remove_item(item, actor=staff_actor(request))
    messages.success(request, _("%(title)s was removed from the pack.") % {"title": item.title})
    return redirect("backoffice:pack-manage", code=code)
