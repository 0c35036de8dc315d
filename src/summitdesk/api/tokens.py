"""API tokens: created, looked up, revoked. Views, commands and the API call these.

A token reads `sd_<prefix>_<secret>`. The prefix finds the row and lets people tell
tokens apart; the secret is 32 random bytes. Only SHA-256 of the secret is stored: a
slow password hash guards low-entropy secrets that people chose against guessing, but
2^256 possibilities cannot be searched however fast the hash, so a fast one costs an
attacker with a stolen table nothing useful and keeps every API request cheap.
"""

import hashlib
import hmac
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from summitdesk.api.models import ApiScope, ApiToken
from summitdesk.core import audit
from summitdesk.core.audit import Actor

MARK = "sd_"
#: last_used_at is written at most this often per token: not a write on every request.
LAST_USED_PRECISION = timedelta(minutes=1)


class TokenError(Exception):
    """A token operation refused, with a message for the person who asked (and the field)."""

    def __init__(self, message: str, field: str = "") -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class NewToken:
    token: ApiToken
    #: The token to hand over: shown once, never stored.
    plaintext: str


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def unknown_scopes(scopes: Iterable[str]) -> list[str]:
    return [scope for scope in scopes if scope not in ApiScope.values]


@transaction.atomic
def create_token(
    name: str,
    scopes: Iterable[str],
    *,
    expires_at: datetime | None = None,
    actor: Actor,
) -> NewToken:
    name = name.strip()
    chosen = sorted(set(scopes))
    if not name:
        raise TokenError(_("Give the token a name."), "name")
    if ApiToken.objects.filter(name=name).exists():
        raise TokenError(_("A token named %(name)s already exists.") % {"name": name}, "name")
    unknown = unknown_scopes(chosen)
    if unknown:
        raise TokenError(
            _("Unknown scope: %(scopes)s. Known scopes: %(known)s.")
            % {"scopes": ", ".join(unknown), "known": ", ".join(ApiScope.values)},
            "scopes",
        )
    if not chosen:
        raise TokenError(_("Choose at least one scope."), "scopes")
    if expires_at is not None and expires_at <= timezone.now():
        raise TokenError(_("The expiry must be in the future."), "expires_at")
    prefix = secrets.token_hex(4)
    while ApiToken.objects.filter(prefix=prefix).exists():
        prefix = secrets.token_hex(4)
    secret = secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        name=name,
        prefix=prefix,
        secret_hash=hash_secret(secret),
        scopes=chosen,
        expires_at=expires_at,
        created_by=actor.user,
    )
    audit.record(
        token,
        "summitdesk.api_token.created",
        actor=actor,
        changes=audit.diff({}, {"name": name, "prefix": prefix, "scopes": chosen}),
    )
    return NewToken(token=token, plaintext=f"{MARK}{prefix}_{secret}")


def split(plaintext: str) -> tuple[str, str] | None:
    """(prefix, secret) of a token as sent, or None when it does not look like one."""
    if not plaintext.startswith(MARK):
        return None
    prefix, _sep, secret = plaintext.removeprefix(MARK).partition("_")
    if not prefix or not secret:
        return None
    return prefix, secret


def authenticate(plaintext: str) -> ApiToken | None:
    """The usable token `plaintext` stands for (noting its use), else None."""
    parts = split(plaintext)
    if parts is None:
        return None
    prefix, secret = parts
    token = ApiToken.objects.filter(prefix=prefix).first()
    if token is None or not hmac.compare_digest(token.secret_hash, hash_secret(secret)):
        return None
    if not token.usable:
        return None
    note_use(token)
    return token


def note_use(token: ApiToken) -> None:
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_PRECISION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now


def find_token(name_or_prefix: str) -> ApiToken | None:
    value = name_or_prefix.strip()
    parts = split(value)
    if parts:
        value = parts[0]
    return (
        ApiToken.objects.filter(name=value).first()
        or ApiToken.objects.filter(prefix=value.lower()).first()
    )


@transaction.atomic
def revoke_token(token: ApiToken, *, actor: Actor) -> bool:
    """Refuse the token from now on; False when it was already revoked."""
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if token.revoked_at is not None:
        return False
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    audit.record(
        token,
        "summitdesk.api_token.revoked",
        actor=actor,
        changes={"revoked_at": [None, token.revoked_at.isoformat()]},
    )
    return True
