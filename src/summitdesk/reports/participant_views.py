"""The List of Participants: staff preview it, download the preview PDF and publish
editions; the public reads the latest edition, page by page or as a PDF (no sign-in,
rate limited per address)."""

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from summitdesk.core.access import staff_actor, staff_view
from summitdesk.core.permissions import Permission
from summitdesk.lib import public_pages
from summitdesk.meetings.models import Meeting
from summitdesk.reports import participant_index
from summitdesk.reports.models import Edition, EditionKind, EditionPage, EditionStatus
from summitdesk.reports.participants import document, editions, listing
from summitdesk.reports.participants.editions import PublishError

#: Requests a minute from one address to the public list (HTML pages and PDF together).
PUBLIC_LIMIT = 60
PUBLIC_WINDOW = 60
#: Seconds between reloads of the editions page while an edition is being prepared.
REFRESH_SECONDS = 3


def _meeting(code: str) -> Meeting:
    return get_object_or_404(Meeting.objects.select_related("process"), code=code)


def _page_number(request: HttpRequest) -> int:
    try:
        return max(1, int(request.GET.get("page", "1")))
    except ValueError:
        return 1


def _pager(pages: int, number: int) -> Any:
    """A Django page object over the list's pages, for backoffice/_pagination.html."""
    return Paginator(range(max(pages, 1)), 1).get_page(number)


def _pdf(content: bytes, filename: str) -> HttpResponse:
    return HttpResponse(
        content,
        content_type=document.CONTENT_TYPE,
        headers={"Content-Disposition": f'inline; filename="{filename}"'},
    )


# Back office


@staff_view(Permission.PARTICIPANTS_READ)
def participants_preview(request: HttpRequest, code: str) -> HttpResponse:
    meeting = _meeting(code)
    number = _page_number(request)
    current = listing.build_list(meeting, page=number)
    context = {
        "meeting": meeting,
        "list": current,
        "page": current.page_data(number),
        "pager": _pager(len(current.contents), number),
        "contents": current.contents,
        "public": editions.public_edition(meeting),
        "can_publish": editions.can_publish(request.user),
        "whole_pdf": len(current.contents) <= document.PREVIEW_PDF_PAGES,
    }
    return render(request, "reports/participants_preview.html", context)


@staff_view(Permission.PARTICIPANTS_READ)
def participants_preview_pdf(request: HttpRequest, code: str) -> HttpResponse:
    meeting = _meeting(code)
    page = _page_number(request) if "page" in request.GET else None
    suffix = f"-{page}" if page else ""
    return _pdf(
        document.preview_pdf(meeting, page=page),
        f"{meeting.code}-participants-preview{suffix}.pdf",
    )


@staff_view(Permission.PARTICIPANTS_PUBLISH)
def participants_publish(request: HttpRequest, code: str) -> HttpResponse:
    """GET: what publishing would do, with the choice of kind; POST: publish."""
    meeting = _meeting(code)
    if request.method == "POST":
        kind = request.POST.get("kind", "")
        try:
            edition = editions.publish_edition(meeting, kind=kind, actor=staff_actor(request))
        except PublishError as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request,
                _(
                    "%(edition)s is being prepared: it replaces the public edition as soon "
                    "as its PDF is ready."
                )
                % {"edition": document.edition_label(edition.kind, edition.number)},
            )
            return redirect("participants:editions", code=meeting.code)
    current = listing.build_list(meeting, page=0)
    kinds = set(
        Edition.objects.filter(meeting=meeting)
        .exclude(status=EditionStatus.FAILED)
        .values_list("kind", flat=True)
    )
    context = {
        "meeting": meeting,
        "list": current,
        "final_allowed": EditionKind.PROVISIONAL in kinds,
        "provisional_allowed": EditionKind.FINAL not in kinds,
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "reports/participants_publish.html", context, status=status)


@staff_view(Permission.PARTICIPANTS_READ)
def participants_editions(request: HttpRequest, code: str) -> HttpResponse:
    meeting = _meeting(code)
    all_editions = list(
        Edition.objects.filter(meeting=meeting)
        .select_related("published_by")
        .defer("delegate_ids", "contents")
    )
    public = next((e for e in all_editions if e.status == EditionStatus.PUBLISHED), None)
    preparing = [e for e in all_editions if e.status == EditionStatus.PREPARING]
    context = {
        "meeting": meeting,
        "editions": all_editions,
        "public": public,
        "preparing": preparing,
        "refresh_seconds": REFRESH_SECONDS,
        "withdrawn": editions.withdrawn_since(public) if public else 0,
        "can_publish": editions.can_publish(request.user),
    }
    response = render(request, "reports/participants_editions.html", context)
    if preparing:
        # Followed like a print run: the page reloads itself while an edition is prepared.
        response["Refresh"] = str(REFRESH_SECONDS)
    return response


@staff_view(Permission.PARTICIPANTS_READ)
def participants_edition_pdf(request: HttpRequest, code: str, number: int) -> HttpResponse:
    edition = get_object_or_404(
        Edition.objects.defer("delegate_ids", "contents"),
        meeting__code=code,
        number=number,
        status=EditionStatus.PUBLISHED,
    )
    with edition.pdf.open("rb") as file:
        return _pdf(file.read(), f"{code}-participants-{number}.pdf")


# Public pages


rate_limited = public_pages.rate_limited("participants", limit=PUBLIC_LIMIT, window=PUBLIC_WINDOW)


def _public_edition(code: str) -> Edition:
    edition = (
        Edition.objects.filter(meeting__code=code, status=EditionStatus.PUBLISHED)
        .select_related("meeting__process")
        .defer("delegate_ids")
        .order_by("-number")
        .first()
    )
    if edition is None:
        raise Http404("No List of Participants published for this meeting")
    return edition


@rate_limited
def participants_public(request: HttpRequest, code: str) -> HttpResponse:
    edition = _public_edition(code)
    number = _page_number(request)
    found = _found(request, edition)
    # A search or a letter shows its own list instead of a page: no page is read.
    page = None if found else EditionPage.objects.filter(edition=edition, number=number).first()
    if page is None and number != 1 and not found:
        raise Http404("No such page")
    context = {
        "meeting": edition.meeting,
        "edition": edition,
        "edition_label": document.edition_label(edition.kind, edition.number),
        "not_shown_line": listing.not_shown_line(edition.not_shown),
        "removed_line": document.removed_line(edition.removed),
        # Who may no longer be listed is dropped here at once; the PDF stays as published.
        "page": editions.still_listed(page.data, edition.meeting) if page else {"groups": []},
        "pager": _pager(edition.pages, number),
        "contents": edition.contents,
        "sections": participant_index.sections(edition),
        "letters": participant_index.letters(edition),
        "query_chars": participant_index.QUERY_CHARS,
        **found,
    }
    return render(request, "public/participants.html", context)


def _found(request: HttpRequest, edition: Edition) -> dict[str, Any]:
    """What the visitor asked the index for: a search (?q=) or a letter (?letter=)."""
    query = participant_index.clean_query(request.GET.get("q", ""))
    letter = request.GET.get("letter", "")[:4]
    if query:
        results, more = participant_index.search(edition, edition.meeting, query)
        return {"query": query, "results": results, "more": more}
    if letter:
        return {"letter": letter, "under": participant_index.delegations_under(edition, letter)}
    return {}


@rate_limited
def participants_public_pdf(request: HttpRequest, code: str) -> FileResponse:
    edition = _public_edition(code)
    return FileResponse(
        edition.pdf.open("rb"),
        filename=f"{code}-participants-{edition.number}.pdf",
        content_type=document.CONTENT_TYPE,
    )
