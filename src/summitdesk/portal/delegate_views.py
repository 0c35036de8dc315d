"""The delegate's accreditation page, opened by their own link (`/accreditation/<token>/`)
or by the focal point from the reply page (`/accreditation/from-reply/<token>/<id>/`).

Each view is wrapped: rate limited, the link turned into a `DelegateAccess`
(delegate_access.py) or answered "not valid" the same way whatever was wrong, in the
visitor's language, never cached. Views parse, call the accreditation services (which
record every change, naming identity fields and never their values) and respond.
"""

from collections.abc import Callable
from functools import wraps

from django.contrib import messages
from django.core.files.storage import default_storage
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.cache import add_never_cache_headers, patch_vary_headers
from django.utils.translation import gettext as _

from summitdesk.accreditation import photos, returning, services
from summitdesk.accreditation.enums import AccreditationStatus
from summitdesk.lib import uploads
from summitdesk.portal import access as portal_access
from summitdesk.portal import delegate_access
from summitdesk.portal.delegate_access import DelegateAccess
from summitdesk.portal.delegate_forms import DelegateForm
from summitdesk.portal.views import not_valid, too_many, visitor_language

DelegateView = Callable[[HttpRequest, DelegateAccess], HttpResponse]


def _respond(
    request: HttpRequest, find: Callable[[], DelegateAccess | None], view: DelegateView
) -> HttpResponse:
    wait = delegate_access.refused_for(request)
    found = None if wait else find()
    if not wait and found is None and portal_access.failures_exceeded(request):
        wait = portal_access.FAILURE_WINDOW
    organisation = found.delegate.reply.organisation if found else None
    language = visitor_language(request, organisation.language if organisation else "")
    with translation.override(language):
        if wait:
            response = too_many(request, wait)
        else:
            response = not_valid(request) if found is None else view(request, found)
    response["Content-Language"] = language
    add_never_cache_headers(response)
    patch_vary_headers(response, ["Cookie", "Accept-Language"])
    response["X-Robots-Tag"] = "noindex"
    return response


def by_delegate_link(view: DelegateView) -> Callable[..., HttpResponse]:
    """The view, for the holder of a delegate's own link."""

    @wraps(view)
    def wrapped(request: HttpRequest, token: str) -> HttpResponse:
        return _respond(
            request,
            lambda: delegate_access.accreditation_for_token(token, request=request),
            view,
        )

    return wrapped


def by_reply_link(view: DelegateView) -> Callable[..., HttpResponse]:
    """The view, for the holder of a reply link, about one delegate of that reply."""

    @wraps(view)
    def wrapped(request: HttpRequest, token: str, delegate_id: int) -> HttpResponse:
        def find() -> DelegateAccess | None:
            reply = portal_access.reply_for_token(token, request=request)
            if reply is None:
                return None
            return delegate_access.accreditation_for_reply(reply, delegate_id, request=request)

        return _respond(request, find, view)

    return wrapped


def _urls(access: DelegateAccess) -> dict[str, str]:
    if access.reply_access is not None:
        args: list[object] = [access.reply_access.token, access.delegate.pk]
        return {
            "page": reverse("delegate:focal-point", args=args),
            "photo": reverse("delegate:focal-point-photo", args=args),
            "reply": reverse("portal:reply", args=[access.reply_access.token]),
            "confirm": "",
            "earlier_photo": "",
        }
    return {
        "page": reverse("delegate:page", args=[access.token]),
        "photo": reverse("delegate:photo", args=[access.token]),
        "reply": "",
        "confirm": reverse("delegate:confirm", args=[access.token]),
        "earlier_photo": reverse("delegate:earlier-photo", args=[access.token]),
    }


def _render(
    request: HttpRequest, access: DelegateAccess, form: DelegateForm, *, status: int = 200
) -> HttpResponse:
    accreditation = access.accreditation
    context = {
        "access": access,
        "accreditation": accreditation,
        "delegate": access.delegate,
        "meeting": accreditation.meeting,
        "organisation": access.delegate.reply.organisation,
        "status": AccreditationStatus(accreditation.status),
        "missing": services.missing_data(accreditation),
        "online_access": services.online_access(
            accreditation, by_focal_point=access.reply_access is not None
        ),
        "form": form,
        "errors": form.error_summary() if form.is_bound else [],
        "urls": _urls(access),
        "by_focal_point": access.reply_access is not None,
        "ratio": f"{photos.RATIO_WIDTH}:{photos.RATIO_HEIGHT}",
        "min_width": photos.MIN_WIDTH,
        "min_height": photos.MIN_HEIGHT,
        "returning": returning.returning(accreditation),
    }
    return render(request, "portal/delegate.html", context, status=status)


def _page(request: HttpRequest, access: DelegateAccess) -> HttpResponse:
    accreditation = access.accreditation
    if request.method != "POST":
        return _render(request, access, DelegateForm(accreditation=accreditation))
    if uploads.body_too_large(request, photos.MAX_UPLOAD_BYTES):
        form = DelegateForm(accreditation=accreditation, data={})
        form.is_valid()
        form.add_error(
            "photo",
            _("The photo is too large: at most %(size)d MB are accepted.")
            % {"size": photos.MAX_UPLOAD_BYTES // (1024 * 1024)},
        )
        return _render(request, access, form, status=400)
    form = DelegateForm(request.POST, request.FILES, accreditation=accreditation)
    if not form.is_valid():
        return _render(request, access, form, status=400)
    actor = access.actor
    upload = form.upload()
    # The photo first: refused, it leaves everything as it was.
    if upload is not None:
        try:
            photos.save_photo(accreditation, upload.read(), form.crop(), actor=actor)
        except photos.PhotoError as refused:
            form.add_error("photo", str(refused))
            return _render(request, access, form, status=400)
    changed = False
    if not form.locked:
        changed |= bool(services.update_identity(accreditation, form.identity(), actor=actor))
        changed |= services.set_nationality(
            access.delegate, form.cleaned_data["nationality"], actor=actor
        )
    changed |= services.set_consent(
        access.delegate, form.cleaned_data["consent_to_publish"], actor=actor
    )
    if upload is not None or changed:
        messages.success(request, _("Your changes are saved."))
    else:
        messages.info(request, _("Nothing was changed."))
    return redirect(_urls(access)["page"])


def _photo(request: HttpRequest, access: DelegateAccess) -> HttpResponse:
    """The stored photo, to the delegate or their focal point only."""
    return _jpeg(request, str(access.accreditation.photo.name or ""))


def _earlier_photo(request: HttpRequest, access: DelegateAccess) -> HttpResponse:
    """A returning delegate's earlier photo, to them only and only while it is offered for
    reuse (young enough, this accreditation without one)."""
    found = returning.returning(access.accreditation)
    if access.reply_access is not None or found is None or found.photo_from is None:
        return not_valid(request)
    return _jpeg(request, str(found.photo_from.photo.name or ""))


def _jpeg(request: HttpRequest, name: str) -> HttpResponse:
    if not name:
        return not_valid(request)
    try:
        with default_storage.open(name, "rb") as handle:
            content = handle.read()
    except FileNotFoundError:
        return not_valid(request)
    return HttpResponse(
        content,
        content_type="image/jpeg",
        headers={"X-Content-Type-Options": "nosniff"},
    )


def _confirm(request: HttpRequest, access: DelegateAccess) -> HttpResponse:
    """A returning delegate confirms they are coming, reusing their earlier photo or not:
    by their own link only (the focal point sees whether they did, and cannot do it for
    them)."""
    if request.method != "POST" or access.reply_access is not None:
        return not_valid(request)
    reuse_photo = request.POST.get("reuse_photo") == "yes"
    try:
        reused = returning.confirm(
            access.accreditation, reuse_photo=reuse_photo, actor=access.actor
        )
    except returning.ConfirmError as refused:
        messages.error(request, str(refused))
        return redirect(_urls(access)["page"])
    if reused:
        messages.success(request, _("Thank you: you are coming, with your earlier photo."))
    else:
        messages.success(request, _("Thank you: you confirmed that you are coming."))
    return redirect(_urls(access)["page"])


page = by_delegate_link(_page)
confirm = by_delegate_link(_confirm)
earlier_photo = by_delegate_link(_earlier_photo)
photo = by_delegate_link(_photo)
focal_point_page = by_reply_link(_page)
focal_point_photo = by_reply_link(_photo)
