"""Pages strangers may open without signing in, each rate limited per address: a
meeting's information pack, read on its page and downloaded one document at a time or as
a ZIP. (The public statistics and List of Participants are the reports app's pages.)"""

import mimetypes

from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _

from summitdesk.admission import applying
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


rate_limited = public_pages.rate_limited(
    "information-pack", limit=PUBLIC_LIMIT, window=PUBLIC_WINDOW
)


@rate_limited
def information_pack(request: HttpRequest, code: str) -> HttpResponse:
    meeting = _meeting(code)
    items = _items(meeting)
    policy = applying.policy_for(meeting.process)
    context = {
        "meeting": meeting,
        "groups": by_language(items),
        "has_documents": any(item.document for item in items),
        # Organisations without a status find where to apply for admission.
        "apply_url": (
            reverse("apply:apply", args=[meeting.process.code])
            if policy is not None and applying.window(policy) == applying.Window.OPEN
            else ""
        ),
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
