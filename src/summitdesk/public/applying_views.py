"""The public side of admission: a process's "apply for admission" page, the "lost your
link?" form, and the applicant's own pages, opened by their personal link.

The two forms are open to strangers: rate limited per address (each page, and more
strictly each submission) and per email address, CSRF-protected, and never telling
whether an organisation or an address is known. The applicant's pages answer an unknown,
revoked or expired link, and another application's document, with the same "not valid"
page (404). Token look-ups are limited per address like the reply links', and failed ones
are counted with theirs (`portal-failures:`), so that a guesser gains nothing by
switching from one kind of link to the other.

Views parse, call admission.applying and respond; documents are served only as
attachments, through the applicant's link.
"""

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.middleware.csrf import CsrfViewMiddleware
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.cache import add_never_cache_headers, patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from summitdesk.admission import applicant_links, applying
from summitdesk.admission.applying import ApplyingError, Window
from summitdesk.admission.enums import OPEN_TO_APPLICANT, ApplicationStatus
from summitdesk.admission.models import AdmissionPolicy, Application, ApplicationDocument
from summitdesk.core import ratelimit
from summitdesk.core.audit import Actor
from summitdesk.lib import public_pages, uploads
from summitdesk.lib.countries import country_name
from summitdesk.meetings.models import Process
from summitdesk.public.applying_forms import (
    ApplicationForm,
    CorrectionForm,
    DocumentForm,
    LostLinkForm,
)

#: Pages of the forms a minute from one address.
PAGE_LIMIT = 30
PAGE_WINDOW = 60
#: Submissions an hour from one address, and for one email address.
POSTS_PER_ADDRESS = 10
POSTS_PER_EMAIL = 3
POST_WINDOW = 3600
#: Failed token look-ups, as the reply links count them (portal/access.py).
FAILURE_WINDOW = 600
#: Room for the form's fields and the multipart framing around the documents.
FORM_OVERHEAD = 256 * 1024

ApplicantView = Callable[..., HttpResponseBase]


@dataclass(frozen=True)
class ApplicantAccess:
    """What one live applicant link opens: its application, and nothing else."""

    token: str
    application: Application

    @property
    def actor(self) -> Actor:
        return applying.applicant_actor(self.application)


def _address(request: HttpRequest) -> str:
    return ratelimit.client_ip(request.META)


def _too_many(request: HttpRequest, window: int) -> HttpResponse:
    return public_pages.too_many_requests(request, window)


def _posted_too_often(request: HttpRequest, form_name: str, email: str | None = None) -> bool:
    """Count one submission of `form_name` from the address (and for `email`); True when
    over the hour's limit."""
    if not ratelimit.hit(
        f"{form_name}-post:{_address(request)}", limit=POSTS_PER_ADDRESS, window=POST_WINDOW
    ):
        return True
    return email is not None and not ratelimit.hit(
        f"{form_name}-email:{email.strip().lower()}", limit=POSTS_PER_EMAIL, window=POST_WINDOW
    )


def _csrf_refusal(request: HttpRequest) -> HttpResponseBase | None:
    """The CSRF check the middleware would have made, made by a view that takes documents
    once it has checked the body's announced size (the middleware reads the whole body to
    find the token: a stranger's gigabyte would be spooled to disk first). None: passed."""
    check = CsrfViewMiddleware(lambda _request: HttpResponse())
    return check.process_view(request, _csrf_checked, (), {})


def _csrf_checked(request: HttpRequest) -> HttpResponse:  # pragma: no cover - never called
    """The view the CSRF check is made for (it must not be marked exempt)."""
    return HttpResponse()


# Applying


def _policy(code: str) -> tuple[Process, AdmissionPolicy]:
    process = get_object_or_404(Process, code=code)
    policy = applying.policy_for(process)
    if policy is None:
        raise Http404("This process takes no applications")
    return process, policy


def _apply_page(
    request: HttpRequest,
    process: Process,
    policy: AdmissionPolicy,
    form: ApplicationForm,
    *,
    status: int = 200,
) -> HttpResponse:
    context = {
        "process": process,
        "policy": policy,
        "form": form,
        "errors": form.error_summary() if form.is_bound else [],
        "lost_link": reverse("apply:lost-link"),
    }
    return render(request, "public/apply.html", context, status=status)


@csrf_exempt  # checked by the view, after the body's size (_csrf_refusal)
@public_pages.rate_limited("apply", limit=PAGE_LIMIT, window=PAGE_WINDOW)
def apply(request: HttpRequest, code: str) -> HttpResponseBase:
    """The application form of the process `code`, while its window is open."""
    process, policy = _policy(code)
    state = applying.window(policy)
    if state != Window.OPEN:
        context = {"process": process, "policy": policy, "not_yet": state == Window.NOT_YET}
        return render(request, "public/apply_closed.html", context)
    if request.method != "POST":
        return _apply_page(request, process, policy, ApplicationForm(policy=policy))
    if uploads.body_too_large(request, uploads.MAX_TOTAL_BYTES, overhead=FORM_OVERHEAD):
        form = ApplicationForm(data={}, policy=policy)
        form.is_valid()
        form.add_error(
            None, _("Documents may take 50 MB in all; remove one or send smaller copies.")
        )
        return _apply_page(request, process, policy, form, status=400)
    refused = _csrf_refusal(request)
    if refused is not None:
        return refused
    form = ApplicationForm(request.POST, request.FILES, policy=policy)
    if not form.is_valid():
        return _apply_page(request, process, policy, form, status=400)
    if _posted_too_often(request, "apply", form.cleaned_data["contact_email"]):
        return _too_many(request, POST_WINDOW)
    try:
        applying.create_application(process, form.data_for_services(), uploads=form.uploads())
    except (ApplyingError, uploads.DocumentRefused) as refused:
        form.add_error(None, str(refused))
        return _apply_page(request, process, policy, form, status=400)
    except ValidationError as invalid:
        form.add_error(None, invalid)
        return _apply_page(request, process, policy, form, status=400)
    return redirect("apply:sent", code=process.code)


@public_pages.rate_limited("apply", limit=PAGE_LIMIT, window=PAGE_WINDOW)
def sent(request: HttpRequest, code: str) -> HttpResponse:
    """After the form: what to do next (the same page for everyone: it names nobody)."""
    process, _policy_found = _policy(code)
    return render(request, "public/apply_sent.html", {"process": process})


@public_pages.rate_limited("lost-link", limit=PAGE_LIMIT, window=PAGE_WINDOW)
def lost_link(request: HttpRequest) -> HttpResponse:
    """A new link, to the address an application gave: the same answer whatever the
    address (an address over its limit simply gets nothing more)."""
    form = LostLinkForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if _posted_too_often(request, "lost-link"):
            return _too_many(request, POST_WINDOW)
        email = form.cleaned_data["email"].strip().lower()
        if ratelimit.hit(f"lost-link-email:{email}", limit=POSTS_PER_EMAIL, window=POST_WINDOW):
            applying.resend_link(email)
        return render(request, "public/lost_link_sent.html")
    status = 400 if form.is_bound else 200
    return render(request, "public/lost_link.html", {"form": form}, status=status)


# The applicant's pages


def _language(request: HttpRequest, application: Application | None) -> str:
    """?lang= (kept in the language cookie), else the cookie, else the application's
    language, else the browser's."""
    known = {code for code, _name in settings.LANGUAGES}
    chosen = public_pages.chosen_language(request)
    if chosen:
        return chosen
    kept = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
    if kept in known:
        return kept
    if application is not None:
        own = public_pages.LANGUAGE_ALIASES.get(application.language, application.language)
        if own in known and own != "en":
            return own
    return translation.get_language() or settings.LANGUAGE_CODE


def _not_valid(request: HttpRequest) -> HttpResponse:
    # The same page for an unknown, revoked or expired link and another application's ids.
    context = {"lost_link": reverse("apply:lost-link")}
    return render(request, "public/application_not_valid.html", context, status=404)


def _find(request: HttpRequest, token: str) -> tuple[int, ApplicantAccess | None]:
    """(seconds to wait, what the link opens)."""
    if not ratelimit.hit(
        f"portal:{_address(request)}",
        limit=settings.SUMMITDESK_PORTAL_REQUESTS_PER_MINUTE,
        window=PAGE_WINDOW,
    ):
        return PAGE_WINDOW, None
    link = applicant_links.find(token)
    if link is not None:
        return 0, ApplicantAccess(token=token, application=link.application)
    failures_key = f"portal-failures:{_address(request)}"
    ratelimit.hit(
        failures_key, limit=settings.SUMMITDESK_PORTAL_FAILED_LINKS, window=FAILURE_WINDOW
    )
    if (
        ratelimit.count(failures_key, window=FAILURE_WINDOW)
        > settings.SUMMITDESK_PORTAL_FAILED_LINKS
    ):
        return FAILURE_WINDOW, None
    return 0, None


def by_applicant_link(view: ApplicantView) -> Callable[..., HttpResponseBase]:
    """Rate limit, find what the token opens, answer in the applicant's language, never
    cache."""

    @wraps(view)
    def wrapped(request: HttpRequest, token: str, **parts: Any) -> HttpResponseBase:
        wait, found = _find(request, token)
        language = _language(request, found.application if found else None)
        response: HttpResponseBase
        with translation.override(language):
            if wait:
                response = _too_many(request, wait)
            elif found is None:
                response = _not_valid(request)
            else:
                try:
                    response = view(request, found, **parts)
                except Http404:
                    response = _not_valid(request)
        if language == public_pages.chosen_language(request):
            response.set_cookie(
                settings.LANGUAGE_COOKIE_NAME,
                language,
                max_age=settings.LANGUAGE_COOKIE_AGE,
                samesite="Lax",
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
            )
        response["Content-Language"] = language
        add_never_cache_headers(response)
        patch_vary_headers(response, ["Cookie", "Accept-Language"])
        response["X-Robots-Tag"] = "noindex"
        return response

    return wrapped


def _urls(access: ApplicantAccess) -> dict[str, str]:
    token = access.token
    return {
        "page": reverse("apply:application", args=[token]),
        "confirm": reverse("apply:confirm", args=[token]),
        "edit": reverse("apply:edit", args=[token]),
        "upload": reverse("apply:upload", args=[token]),
        "resubmit": reverse("apply:resubmit", args=[token]),
    }


def _page(
    request: HttpRequest,
    access: ApplicantAccess,
    document_form: DocumentForm | None = None,
    *,
    status: int = 200,
) -> HttpResponse:
    application = Application.objects.select_related("process").get(pk=access.application.pk)
    open_to_applicant = application.status in OPEN_TO_APPLICANT
    checklist = applying.checklist_of(application)
    # The form offers the first document still missing.
    missing = [line.requirement.pk for line in checklist if line.missing and line.requirement]
    form = document_form or DocumentForm(
        application=application, initial={"requirement": missing[0] if missing else ""}
    )
    context = {
        "access": access,
        "application": application,
        "process": application.process,
        "status": ApplicationStatus(application.status),
        "open_to_applicant": open_to_applicant,
        "checklist": checklist,
        "country_name": country_name(application.country),
        "document_form": form if open_to_applicant else None,
        "errors": form.errors.items() if form.is_bound else [],
        "urls": _urls(access),
    }
    return render(request, "public/application.html", context, status=status)


@by_applicant_link
def application_page(request: HttpRequest, access: ApplicantAccess) -> HttpResponse:
    return _page(request, access)


@require_POST
@by_applicant_link
def confirm(request: HttpRequest, access: ApplicantAccess) -> HttpResponse:
    """The applicant confirms their address by pressing the button on the page their link
    opens (a GET confirms nothing: mail scanners follow links too)."""
    if applying.confirm_email(access.application, actor=access.actor):
        messages.success(
            request, _("Your address is confirmed: the secretariat has received your application.")
        )
    return redirect("apply:application", token=access.token)


@by_applicant_link
def edit(request: HttpRequest, access: ApplicantAccess) -> HttpResponse:
    application = Application.objects.select_related("process").get(pk=access.application.pk)
    policy = applying.policy_for(application.process)
    if application.status not in OPEN_TO_APPLICANT or policy is None:
        messages.error(
            request, _("The application is with the secretariat and can no longer be changed here.")
        )
        return redirect("apply:application", token=access.token)
    # The form edits a copy: the services save the change.
    form = CorrectionForm(
        request.POST or None,
        instance=Application.objects.get(pk=application.pk),
        policy=policy,
    )
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                changed = applying.correct(
                    application, form.data_for_services(), actor=access.actor
                )
            except ApplyingError as refused:
                form.add_error(None, str(refused))
            except ValidationError as invalid:
                form.add_error(None, invalid)
            else:
                if changed:
                    messages.success(request, _("Your corrections are saved."))
                return redirect("apply:application", token=access.token)
    context = {
        "application": application,
        "process": application.process,
        "form": form,
        "errors": form.error_summary() if form.is_bound else [],
        "urls": _urls(access),
    }
    return render(request, "public/application_edit.html", context, status=status)


@csrf_exempt  # checked by the view, after the body's size (_csrf_refusal)
@require_POST
@by_applicant_link
def upload(request: HttpRequest, access: ApplicantAccess) -> HttpResponseBase:
    application = access.application
    if uploads.body_too_large(request, uploads.MAX_DOCUMENT_BYTES, overhead=FORM_OVERHEAD):
        form = DocumentForm(data={}, application=application)
        form.is_valid()
        form.add_error("file", _("The file is larger than 10 MB; send a smaller copy."))
        return _page(request, access, form, status=400)
    refused = _csrf_refusal(request)
    if refused is not None:
        return refused
    form = DocumentForm(request.POST, request.FILES, application=application)
    if form.is_valid():
        sent_file = form.upload()
        try:
            applying.add_document(
                application,
                sent_file.file,
                name=sent_file.name,
                size=sent_file.size,
                requirement_id=sent_file.requirement_id,
                actor=access.actor,
            )
        except (ApplyingError, uploads.DocumentRefused) as refused:
            form.add_error("file", str(refused))
        else:
            messages.success(request, _("The document is added."))
            return redirect("apply:application", token=access.token)
    return _page(request, access, form, status=400)


def _document(access: ApplicantAccess, pk: int) -> ApplicationDocument:
    document = ApplicationDocument.objects.filter(pk=pk, application=access.application).first()
    if document is None:
        raise Http404("Not a document of this application")
    return document


@by_applicant_link
def document(request: HttpRequest, access: ApplicantAccess, pk: int) -> HttpResponseBase:
    """One of the application's own documents, as a download."""
    found = _document(access, pk)
    return uploads.attachment(
        found.file.open("rb"), filename=found.download_name, media=found.media_type
    )


@require_POST
@by_applicant_link
def remove(request: HttpRequest, access: ApplicantAccess, pk: int) -> HttpResponse:
    found = _document(access, pk)
    try:
        applying.remove_document(access.application, found.pk, actor=access.actor)
    except ApplyingError as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, _("The document is removed."))
    return redirect("apply:application", token=access.token)


@require_POST
@by_applicant_link
def resubmit(request: HttpRequest, access: ApplicantAccess) -> HttpResponse:
    try:
        applying.resubmit(access.application, access.actor)
    except ApplyingError as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, _("Thank you: the secretariat reviews the application again."))
    return redirect("apply:application", token=access.token)
