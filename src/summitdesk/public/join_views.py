"""The public page where a person asks to join an organisation's delegation to a meeting,
and the page of the link that confirms their email address.

The page never lists who is invited: a search needs a few letters and shows at most a
handful of close matches (delegations.join_requests.search); the organisation chosen
travels signed, so that no id can be tried. Every answer after a request is sent is the
same whatever the organisation's delegation holds. Each page is rate limited per address,
sending and confirming per email address too; the confirmation link is looked up like
every personal link (unknown, used, revoked and expired alike; failures counted).
"""

from django.core import signing
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import translation
from django.utils.cache import add_never_cache_headers

from summitdesk.core import ratelimit
from summitdesk.delegations import join_requests
from summitdesk.delegations.enums import JoinRequestStatus
from summitdesk.delegations.join_requests import JoinRequestError
from summitdesk.delegations.models import JoinRequest
from summitdesk.directory.models import Organisation
from summitdesk.lib import public_pages
from summitdesk.meetings.models import Meeting
from summitdesk.public.forms import JoinRequestForm, SearchForm

#: Requests a minute from one address to these pages (each page its own bucket).
PAGE_LIMIT = 30
PAGE_WINDOW = 60
#: Searches an hour from one address.
SEARCH_LIMIT = 60
#: Requests sent an hour from one address, and to one email address.
SEND_LIMIT = 10
SEND_LIMIT_PER_EMAIL = 3
HOUR = 3600
#: Confirmation links that open nothing, from one address, in ten minutes.
FAILED_LINKS = 10
FAILURE_WINDOW = 600
#: Confirmations an hour for one email address.
CONFIRM_LIMIT_PER_EMAIL = 10
#: How long the organisation chosen by a search stays valid in the form.
CHOICE_MAX_AGE = 86400


def _address(request: HttpRequest) -> str:
    return ratelimit.client_ip(request.META)


def _salt(meeting: Meeting) -> str:
    return f"summitdesk.join:{meeting.pk}"


def choice_token(meeting: Meeting, organisation: Organisation) -> str:
    return signing.dumps(organisation.pk, salt=_salt(meeting))


def _chosen(meeting: Meeting, value: str) -> Organisation | None:
    """The organisation a signed choice names, if one may still be asked to join."""
    if not value:
        return None
    try:
        pk = signing.loads(value, salt=_salt(meeting), max_age=CHOICE_MAX_AGE)
    except signing.BadSignature:
        return None
    if not isinstance(pk, int):
        return None
    return join_requests.joinable(meeting).filter(pk=pk).first()


def _too_many(request: HttpRequest, window: int) -> HttpResponse:
    return public_pages.too_many_requests(request, window)


def _private(response: HttpResponse) -> HttpResponse:
    add_never_cache_headers(response)
    response["X-Robots-Tag"] = "noindex"
    return response


join_limited = public_pages.rate_limited("join", limit=PAGE_LIMIT, window=PAGE_WINDOW)
confirm_limited = public_pages.rate_limited("join-confirm", limit=PAGE_LIMIT, window=PAGE_WINDOW)


@join_limited
def join(request: HttpRequest, code: str) -> HttpResponse:
    meeting = get_object_or_404(Meeting.objects.select_related("process"), code=code)
    context: dict[str, object] = {"meeting": meeting}
    if not join_requests.accepts_requests(meeting):
        return _private(render(request, "public/join.html", context | {"closed": True}))
    if request.method == "POST":
        return _private(_send(request, meeting))
    chosen_value = request.GET.get("organisation", "")
    chosen = _chosen(meeting, chosen_value)
    if chosen is not None:
        form = JoinRequestForm(initial={"organisation": chosen_value})
        return _private(_form_page(request, meeting, chosen, form))
    search_form = SearchForm(request.GET if "q" in request.GET else None)
    context |= {"search_form": search_form}
    if search_form.is_valid():
        if not ratelimit.hit(f"join-search:{_address(request)}", limit=SEARCH_LIMIT, window=HOUR):
            return _private(_too_many(request, HOUR))
        result = join_requests.search(meeting, search_form.cleaned_data["q"])
        context |= {
            "result": result,
            "found": [(o, choice_token(meeting, o)) for o in result.organisations],
        }
    status = 400 if search_form.errors else 200
    return _private(render(request, "public/join.html", context, status=status))


def _form_page(
    request: HttpRequest,
    meeting: Meeting,
    organisation: Organisation,
    form: JoinRequestForm,
    status: int = 200,
) -> HttpResponse:
    context = {"meeting": meeting, "organisation": organisation, "form": form}
    return render(request, "public/join_form.html", context, status=status)


def _send(request: HttpRequest, meeting: Meeting) -> HttpResponse:
    form = JoinRequestForm(request.POST)
    organisation = _chosen(meeting, str(request.POST.get("organisation", "")))
    if organisation is None:
        context = {
            "meeting": meeting,
            "search_form": SearchForm(),
            "lost_choice": True,
        }
        return render(request, "public/join.html", context, status=400)
    if not form.is_valid():
        return _form_page(request, meeting, organisation, form, status=400)
    email = form.cleaned_data["email"].strip().casefold()
    if not ratelimit.hit(
        f"join-send:{_address(request)}", limit=SEND_LIMIT, window=HOUR
    ) or not ratelimit.hit(f"join-send-email:{email}", limit=SEND_LIMIT_PER_EMAIL, window=HOUR):
        return _too_many(request, HOUR)
    try:
        join_requests.submit(
            meeting,
            organisation,
            form.joiner(),
            language=translation.get_language() or "",
        )
    except JoinRequestError as error:
        form.add_error(None, str(error))
        return _form_page(request, meeting, organisation, form, status=400)
    context = {
        "meeting": meeting,
        "organisation": organisation,
        "email": form.cleaned_data["email"],
    }
    return render(request, "public/join_sent.html", context)


def _not_valid(request: HttpRequest) -> HttpResponse:
    ratelimit.hit(
        f"join-confirm-failures:{_address(request)}", limit=FAILED_LINKS, window=FAILURE_WINDOW
    )
    return render(request, "public/join_not_valid.html", status=404)


@confirm_limited
def confirm(request: HttpRequest, token: str) -> HttpResponse:
    """The person's link. Unconfirmed, GET: a button (mail scanners fetch links too);
    POST: the request goes out. Then the link is their page of the request: what became of
    it, and a button that withdraws it (confirmed) while it is undecided."""
    failures = ratelimit.count(f"join-confirm-failures:{_address(request)}", window=FAILURE_WINDOW)
    found = join_requests.find_own(token)
    if found is None:
        if failures >= FAILED_LINKS:
            return _private(_too_many(request, FAILURE_WINDOW))
        return _private(_not_valid(request))
    context = {"meeting": found.meeting, "organisation": found.organisation, "token": token}
    if request.method == "POST" and WITHDRAW in request.POST:
        return _private(_withdraw(request, found, context))
    if found.status != JoinRequestStatus.UNCONFIRMED:
        return _private(_own_page(request, found, context))
    if request.method != "POST":
        return _private(render(request, "public/join_confirm.html", context))
    if not ratelimit.hit(
        f"join-confirm-email:{found.email.casefold()}",
        limit=CONFIRM_LIMIT_PER_EMAIL,
        window=HOUR,
    ):
        return _private(_too_many(request, HOUR))
    if join_requests.confirm(token) is None:
        return _private(_not_valid(request))
    return _private(render(request, "public/join_confirmed.html", context))


#: The field of the own page's button, and of its confirmation.
WITHDRAW = "withdraw"
CONFIRMED = "confirmed"


def _own_page(
    request: HttpRequest, join_request: JoinRequest, context: dict[str, object]
) -> HttpResponse:
    context = context | {"join_request": join_request, "open": join_requests.is_open(join_request)}
    return render(request, "public/join_request.html", context)


def _withdraw(
    request: HttpRequest, join_request: JoinRequest, context: dict[str, object]
) -> HttpResponse:
    """First post: are you sure? Second (confirmed): withdrawn; the page says so. A request
    no longer open is left as it is."""
    if not join_requests.is_open(join_request):
        return _own_page(request, join_request, context)
    if request.POST.get(CONFIRMED) != "yes":
        return render(request, "public/join_withdraw.html", context)
    join_requests.withdraw_own(join_request)
    join_request.refresh_from_db()
    return _own_page(request, join_request, context | {"just_withdrawn": True})
