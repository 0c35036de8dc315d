"""Time-based one-time passwords (RFC 6238) for staff sign-in."""

import pyotp
import segno
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from summitdesk.core import audit
from summitdesk.core.models import User

ISSUER = "SummitDesk"


class SecondFactorError(Exception):
    pass


def invalid_code_message() -> str:
    return _("That code is not valid. Enter the six digits your app shows now.")


def start_enrolment(user: User) -> str:
    """Give the user a new, unconfirmed secret; returns it (base32)."""
    user.totp_secret = pyotp.random_base32()
    user.totp_confirmed_at = None
    user.save(update_fields=["totp_secret", "totp_confirmed_at"])
    return user.totp_secret


def provisioning_svg(user: User) -> str:
    uri = pyotp.TOTP(user.totp_secret).provisioning_uri(
        name=user.get_username(), issuer_name=ISSUER
    )
    svg: str = segno.make(uri, error="m").svg_inline(scale=4)
    return svg


def verify(user: User, code: str) -> bool:
    """Check a code once: a code already used cannot be replayed."""
    code = "".join(code.split())
    if not user.totp_secret or not code.isdigit():
        return False
    totp = pyotp.TOTP(user.totp_secret)
    now = timezone.now().timestamp()
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        for drift in (0, -1, 1):
            counter = int(now // totp.interval) + drift
            if counter > locked.totp_last_counter and totp.generate_otp(counter) == code:
                User.objects.filter(pk=user.pk).update(totp_last_counter=counter)
                user.totp_last_counter = counter
                return True
    return False


def confirm_enrolment(user: User, code: str, *, actor: audit.Actor) -> None:
    if not verify(user, code):
        raise SecondFactorError(invalid_code_message())
    user.totp_confirmed_at = timezone.now()
    user.save(update_fields=["totp_confirmed_at"])
    audit.record(user, "summitdesk.staff.second_factor_enrolled", actor=actor)


def reset(user: User, *, actor: audit.Actor) -> None:
    """Remove a lost authenticator: the person enrols again at next sign-in."""
    user.totp_secret = ""
    user.totp_confirmed_at = None
    user.totp_last_counter = 0
    user.save(update_fields=["totp_secret", "totp_confirmed_at", "totp_last_counter"])
    audit.record(user, "summitdesk.staff.second_factor_reset", actor=actor)
