from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from summitdesk.backoffice.forms import PersonalSettingsForm, SecondFactorForm, SignInCodeForm
from summitdesk.core import ratelimit
from summitdesk.core import second_factor as totp
from summitdesk.core import services as staff_services
from summitdesk.core.audit import Actor
from summitdesk.core.confirm import unless_confirmed
from summitdesk.core.middleware import SECOND_FACTOR_SESSION_KEY
from summitdesk.core.models import User


def _next_url(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return str(settings.LOGIN_REDIRECT_URL)


#: The window of the sign-in limits, in seconds.
SIGNIN_WINDOW = 900


def _signin_limits(request: HttpRequest) -> list[tuple[str, int]]:
    """(key, failures allowed) of each sign-in limit the request falls under: its
    account from its address, its account from anywhere, its address for any account."""
    account = request.POST.get("username", "").strip().casefold()[:150]
    address = ratelimit.client_ip(request.META)
    return [
        (f"signin-pair:{address}\n{account}", settings.SUMMITDESK_SIGNIN_ATTEMPTS),
        (f"signin-account:{account}", settings.SUMMITDESK_SIGNIN_ACCOUNT_ATTEMPTS),
        (f"signin-address:{address}", settings.SUMMITDESK_SIGNIN_ADDRESS_ATTEMPTS),
    ]


def sign_in(request: HttpRequest) -> HttpResponse:
    form = AuthenticationForm(request, data=request.POST or None)
    if request.method == "POST":
        # Only failures count: a whole office signing in from one address is not an attack.
        limits = _signin_limits(request)
        if any(ratelimit.exceeded(key, limit=limit, window=SIGNIN_WINDOW) for key, limit in limits):
            # A fresh form: validating the posted one would check the password anyway.
            context = {
                "form": AuthenticationForm(request),
                "next": _next_url(request),
                "refusal": _("Too many sign-in attempts. Wait 15 minutes and try again."),
            }
            return render(request, "backoffice/sign_in.html", context, status=429)
        if form.is_valid():
            login(request, form.get_user())
            return redirect(_next_url(request))
        for key, limit in limits:
            ratelimit.hit(key, limit=limit, window=SIGNIN_WINDOW)
    return render(request, "backoffice/sign_in.html", {"form": form, "next": _next_url(request)})


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    logout(request)
    messages.info(request, _("You have signed out."))
    return redirect("backoffice:login")


def second_factor(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not user.is_authenticated:
        return redirect("backoffice:login")
    if not user.has_second_factor:
        return redirect("backoffice:enrol-second-factor")
    form = SignInCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        code = form.cleaned_data["code"]
        # Counted in the database: the same five tries whichever web process answers.
        if not ratelimit.hit(f"totp:{user.pk}", limit=5, window=300):
            form.add_error("code", _("Too many wrong codes. Wait five minutes and try again."))
        elif totp.verify(user, code) or totp.use_recovery_code(user, code, actor=Actor.staff(user)):
            request.session[SECOND_FACTOR_SESSION_KEY] = True
            request.session.cycle_key()
            return redirect(_next_url(request))
        else:
            form.add_error("code", totp.invalid_code_message())
    return render(request, "backoffice/second_factor.html", {"form": form})


def enrol_second_factor(request: HttpRequest) -> HttpResponse:
    """Set up an authenticator app; required before anything else when staff must use one."""
    user = request.user
    if not user.is_authenticated:
        return redirect("backoffice:login")
    if user.has_second_factor and not request.session.get(SECOND_FACTOR_SESSION_KEY):
        return redirect("backoffice:second-factor")
    form = SecondFactorForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and user.totp_secret:
        try:
            totp.confirm_enrolment(user, form.cleaned_data["code"], actor=Actor.staff(user))
        except totp.SecondFactorError as error:
            form.add_error("code", str(error))
        else:
            request.session[SECOND_FACTOR_SESSION_KEY] = True
            request.session.cycle_key()
            messages.success(request, _("Your authenticator app is set up."))
            # Shown this once, in this answer: no redirect, so they are in no URL or session.
            codes = totp.new_recovery_codes(user, actor=Actor.staff(user))
            return render(request, "backoffice/recovery_codes.html", {"codes": codes})
    elif not user.has_second_factor and (request.method == "GET" or not user.totp_secret):
        totp.start_enrolment(user)
    context = {
        "form": form,
        "enrolled": user.has_second_factor,
        "recovery_codes_left": totp.recovery_codes_left(user) if user.has_second_factor else 0,
        "qr_svg": totp.provisioning_svg(user) if not user.has_second_factor else "",
        "secret": user.totp_secret if not user.has_second_factor else "",
    }
    return render(request, "backoffice/enrol_second_factor.html", context)


@require_POST
def new_recovery_codes(request: HttpRequest) -> HttpResponse:
    """A new set of recovery codes (the old ones stop working), shown this once."""
    user = request.user
    if not user.is_authenticated:
        return redirect("backoffice:login")
    if not user.has_second_factor or not request.session.get(SECOND_FACTOR_SESSION_KEY):
        return redirect("backoffice:enrol-second-factor")
    confirmation = unless_confirmed(
        request,
        question=_("Make new recovery codes for %(name)s?") % {"name": user.get_username()},
        consequence=_("The recovery codes you have now stop working at once."),
        action=_("Make new recovery codes"),
        back=reverse("backoffice:enrol-second-factor"),
    )
    if confirmation is not None:
        return confirmation
    codes = totp.new_recovery_codes(user, actor=Actor.staff(user))
    return render(request, "backoffice/recovery_codes.html", {"codes": codes})


def personal_settings(request: HttpRequest) -> HttpResponse:
    """One's own language and time zone: an account page, open to every staff member."""
    user = request.user
    if not isinstance(user, User):
        return redirect_to_login(request.get_full_path())
    form = PersonalSettingsForm(
        request.POST or None, initial={"language": user.language, "time_zone": user.time_zone}
    )
    if request.method == "POST" and form.is_valid():
        staff_services.save_personal_settings(
            user,
            language=form.cleaned_data["language"],
            time_zone=form.cleaned_data["time_zone"],
            actor=Actor.staff(user),
        )
        if user.language:
            translation.activate(user.language)  # the message in the language just chosen
        messages.success(request, _("Your settings are saved."))
        return redirect("backoffice:personal-settings")
    return render(request, "backoffice/personal_settings.html", {"form": form})
