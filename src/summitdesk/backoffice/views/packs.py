"""A meeting's information pack: staff manage it here; invitees read it on a public page
(no sign-in, rate limited per address) and download its documents one by one or as a ZIP."""

import mimetypes

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from summitdesk.backoffice.circular_forms import PackItemForm
from summitdesk.core.access import staff_actor, staff_view
from summitdesk.core.confirm import unless_confirmed
from summitdesk.core.permissions import Permission
from summitdesk.directory.enums import Language
from summitdesk.lib import public_pages
from summitdesk.meetings import packs
from summitdesk.meetings.models import Meeting, PackItem

#: Requests a minute from one address to the public pages of the pack, all together.
PUBLIC_LIMIT = 60
PUBLIC_WINDOW = 60


def _meeting(code: str) -> Meeting:
    return get_object_or_404(Meeting.objects.select_related("process"), code=code)


def _items(meeting: Meeting) -> list[PackItem]:
    return list(meeting.pack_items.all())


def by_language(items: list[PackItem]) -> list[tuple[str, list[PackItem]]]:
    """[(language label, its items)]: every language first, then each in turn."""
    labels = dict(Language.choices)
    groups: dict[str, list[PackItem]] = {}
    for item in items:
        groups.setdefault(item.language, []).append(item)
    ordered = sorted(groups, key=lambda code: (code != "", str(labels.get(code, code))))
    return [
        (str(labels.get(code, code)) if code else _("Every language"), groups[code])
        for code in ordered
    ]


# Back office


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


# Public pages


rate_limited = public_pages.rate_limited(
    "information-pack", limit=PUBLIC_LIMIT, window=PUBLIC_WINDOW
)


@rate_limited
def information_pack(request: HttpRequest, code: str) -> HttpResponse:
    meeting = _meeting(code)
    items = _items(meeting)
    context = {
        "meeting": meeting,
        "groups": by_language(items),
        "has_documents": any(item.document for item in items),
    }
    return render(request, "public/information_pack.html", context)


@rate_limited
def information_pack_document(request: HttpRequest, code: str, pk: int) -> FileResponse:
    item = get_object_or_404(PackItem, pk=pk, meeting__code=code, url="")
    filename = packs.download_name(item.title, item.document.name or "")
    content_type = mimetypes.guess_type(filename)[0] or "application/octet-stream"
    return FileResponse(
        item.document.open("rb"),
        as_attachment=True,
        filename=filename,
        content_type=content_type,
    )


@rate_limited
def information_pack_zip(request: HttpRequest, code: str) -> HttpResponse:
    meeting = _meeting(code)
    documents = [item for item in _items(meeting) if item.document]
    if not documents:
        raise Http404("No documents in this pack")
    return HttpResponse(
        packs.pack_zip(documents),
        content_type="application/zip",
        headers={
            "Content-Disposition": f'attachment; filename="{meeting.code}-information-pack.zip"'
        },
    )
