"""Time-based one-time passwords (RFC 6238) for staff sign-in, and recovery codes for
the day the authenticator app is lost."""

import hashlib
import hmac
import secrets

import pyotp
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from summitdesk.core import audit
from summitdesk.core.models import RecoveryCode, User
from summitdesk.lib.qr import qr_svg

ISSUER = "SummitDesk"
#: Recovery codes made at a time; each is 16 base32 characters (80 random bits), shown
#: in groups of four.
RECOVERY_CODES = 10
_RECOVERY_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"


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
    return qr_svg(uri, scale=4)


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
            if counter > locked.totp_last_counter and hmac.compare_digest(
                totp.generate_otp(counter), code
            ):
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
    """Remove a lost authenticator: the person enrols again at next sign-in (with new
    recovery codes; the old ones stop working)."""
    RecoveryCode.objects.filter(user=user).delete()
    user.totp_secret = ""
    user.totp_confirmed_at = None
    user.totp_last_counter = 0
    user.save(update_fields=["totp_secret", "totp_confirmed_at", "totp_last_counter"])
    audit.record(user, "summitdesk.staff.second_factor_reset", actor=actor)


def _recovery_hash(code: str) -> str:
    """The stored form of a recovery code, read leniently: case, spaces and dashes do not
    matter. SHA-256 is enough: the code has 80 random bits, nothing to guess offline."""
    plain = "".join(code.split()).replace("-", "").upper()
    return hashlib.sha256(plain.encode()).hexdigest()


def new_recovery_codes(user: User, *, actor: audit.Actor) -> list[str]:
    """A new set of recovery codes for `user`, replacing any set before; returns them,
    to be shown this once (only their hashes are kept)."""
    codes = [
        "".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(16))
        for _ in range(RECOVERY_CODES)
    ]
    with transaction.atomic():
        replaced = RecoveryCode.objects.filter(user=user).delete()[0]
        RecoveryCode.objects.bulk_create(
            RecoveryCode(user=user, code_hash=_recovery_hash(code)) for code in codes
        )
        audit.record(
            user,
            "summitdesk.staff.recovery_codes_created",
            actor=actor,
            note=f"{RECOVERY_CODES} codes, {replaced} replaced",
        )
    return ["-".join(code[i : i + 4] for i in range(0, 16, 4)) for code in codes]


def use_recovery_code(user: User, code: str, *, actor: audit.Actor) -> bool:
    """Whether `code` is one of the user's unused recovery codes; it is then used up (a
    second use of the same code fails, however close) and the use audited."""
    if not 16 <= len(code) <= 40:
        return False
    with transaction.atomic():
        used = RecoveryCode.objects.filter(
            user=user, code_hash=_recovery_hash(code), used_at__isnull=True
        ).update(used_at=timezone.now())
        if not used:
            return False
        left = recovery_codes_left(user)
        audit.record(
            user, "summitdesk.staff.recovery_code_used", actor=actor, note=f"{left} codes left"
        )
    return True


def recovery_codes_left(user: User) -> int:
    return RecoveryCode.objects.filter(user=user, used_at__isnull=True).count()
