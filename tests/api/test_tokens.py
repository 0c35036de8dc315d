"""API tokens: shown once, stored hashed, scoped, expiring, revocable; the back-office
pages and the commands that make them."""

import datetime
import hashlib
import json
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from summitdesk.api import tokens
from summitdesk.api.models import ApiToken
from summitdesk.core.audit import Actor
from summitdesk.core.enums import Channel
from summitdesk.core.models import AuditEntry, User
from tests.api.conftest import ApiClient
from tests.confirm import CONFIRMED, confirmation

pytestmark = pytest.mark.django_db

CLI = Actor.system("test", Channel.CLI)


def _create(name: str = "crm", scopes: tuple[str, ...] = ("directory:read",), **kw: Any) -> str:
    return tokens.create_token(name, scopes, actor=CLI, **kw).plaintext


def test_token_is_given_once_and_only_its_hash_is_kept() -> None:
    created = tokens.create_token("crm", ["directory:read", "meetings:read"], actor=CLI)

    token = ApiToken.objects.get()
    prefix, secret = created.plaintext.removeprefix("sd_").split("_", 1)
    assert created.plaintext.startswith(f"sd_{token.prefix}_")
    assert prefix == token.prefix and len(secret) >= 40
    assert token.secret_hash == hashlib.sha256(secret.encode()).hexdigest()
    stored = json.dumps(list(ApiToken.objects.values()), default=str)
    assert secret not in stored
    assert token.scopes == ["directory:read", "meetings:read"]
    entry = AuditEntry.objects.get(action="summitdesk.api_token.created")
    assert secret not in json.dumps(entry.changes)


def test_authenticate_accepts_the_token_and_nothing_close_to_it() -> None:
    plaintext = _create()

    assert tokens.authenticate(plaintext) == ApiToken.objects.get()
    assert tokens.authenticate(plaintext[:-1] + ("A" if plaintext[-1] != "A" else "B")) is None
    assert tokens.authenticate(plaintext.replace("sd_", "xx_")) is None
    assert tokens.authenticate("sd_ffffffff_" + plaintext.split("_", 2)[2]) is None
    assert tokens.authenticate("") is None


@pytest.mark.parametrize(
    ("name", "scopes", "expires", "field"),
    [
        ("", ["directory:read"], None, "name"),
        ("crm", ["directory:read", "everything"], None, "scopes"),
        ("crm", [], None, "scopes"),
        ("crm", ["directory:read"], timezone.now() - datetime.timedelta(days=1), "expires_at"),
    ],
)
def test_create_refuses_with_a_message_on_the_field(
    name: str, scopes: list[str], expires: datetime.datetime | None, field: str
) -> None:
    with pytest.raises(tokens.TokenError) as refused:
        tokens.create_token(name, scopes, expires_at=expires, actor=CLI)

    assert refused.value.field == field and str(refused.value)
    assert not ApiToken.objects.exists()


def test_names_are_unique() -> None:
    _create("crm")

    with pytest.raises(tokens.TokenError, match="already exists"):
        _create("crm")


def test_last_use_is_noted_at_most_once_a_minute() -> None:
    plaintext = _create()
    tokens.authenticate(plaintext)
    first = ApiToken.objects.get().last_used_at
    assert first is not None

    tokens.authenticate(plaintext)
    assert ApiToken.objects.get().last_used_at == first

    ApiToken.objects.update(last_used_at=first - datetime.timedelta(minutes=2))
    tokens.authenticate(plaintext)
    noted = ApiToken.objects.get().last_used_at
    assert noted is not None and noted >= first


def test_expired_token_is_refused_by_the_api() -> None:
    plaintext = _create(expires_at=timezone.now() + datetime.timedelta(days=1))
    api = ApiClient(plaintext)
    assert api.get("/organisations").status_code == 200

    ApiToken.objects.update(expires_at=timezone.now() - datetime.timedelta(seconds=1))

    response = api.get("/organisations")
    assert response.status_code == 401
    assert "expired" in response.json()["detail"]


def test_revoked_token_is_refused_and_revocation_is_recorded() -> None:
    plaintext = _create()
    api = ApiClient(plaintext)
    assert api.get("/organisations").status_code == 200

    assert tokens.revoke_token(ApiToken.objects.get(), actor=CLI) is True
    assert tokens.revoke_token(ApiToken.objects.get(), actor=CLI) is False

    assert api.get("/organisations").status_code == 401
    assert AuditEntry.objects.filter(action="summitdesk.api_token.revoked").count() == 1


# Commands


def _run(*args: str) -> str:
    out = StringIO()
    call_command(*args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_create_api_token_command_prints_a_working_token_once() -> None:
    printed = _run(
        "create_api_token", "--name", "kiosk", "--scopes", "directory:read, meetings:read"
    ).strip()

    token = ApiToken.objects.get(name="kiosk")
    assert printed.startswith(f"sd_{token.prefix}_")
    assert token.scopes == ["directory:read", "meetings:read"] and token.expires_at is None
    assert ApiClient(printed).get("/meetings").status_code == 200
    entry = AuditEntry.objects.get(action="summitdesk.api_token.created")
    assert entry.channel == Channel.CLI


def test_create_api_token_command_json_with_expiry() -> None:
    printed = json.loads(
        _run(
            "create_api_token",
            "--name",
            "kiosk",
            "--scopes",
            "checkins:write",
            "--expires",
            "2099-06-30",
            "--format",
            "json",
        )
    )

    assert printed["name"] == "kiosk" and printed["scopes"] == ["checkins:write"]
    assert printed["expires_at"].startswith("2099-06-30")
    assert tokens.authenticate(printed["token"]) == ApiToken.objects.get()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--scopes", "directory:read,root"], "Unknown scope: root"),
        (["--scopes", "directory:read", "--expires", "30/06/2099"], "--expires must be a date"),
        (["--scopes", "directory:read", "--expires", "2001-01-01"], "must be in the future"),
    ],
)
def test_create_api_token_command_exits_2_with_a_clear_message(
    args: list[str], message: str
) -> None:
    with pytest.raises(CommandError, match=message) as refused:
        _run("create_api_token", "--name", "kiosk", *args)

    assert refused.value.returncode == 2
    assert not ApiToken.objects.exists()


@pytest.mark.parametrize("by", ["name", "prefix", "plaintext"])
def test_revoke_api_token_command_by_name_or_prefix(by: str) -> None:
    plaintext = _create("kiosk")
    token = ApiToken.objects.get()
    value = {"name": "kiosk", "prefix": token.prefix, "plaintext": plaintext}[by]

    assert "revoked" in _run("revoke_api_token", value)

    token.refresh_from_db()
    assert token.revoked_at is not None
    assert tokens.authenticate(plaintext) is None


def test_revoke_api_token_command_unknown_exits_2() -> None:
    with pytest.raises(CommandError, match="No API token") as refused:
        _run("revoke_api_token", "nobody")

    assert refused.value.returncode == 2


# Back-office pages (administrators only)


def test_administrator_creates_a_token_and_sees_it_once(
    admin_client: Client, administrator: User
) -> None:
    assert admin_client.get(reverse("backoffice:api-token-create")).status_code == 200

    response = admin_client.post(
        reverse("backoffice:api-token-create"),
        {"name": "CRM sync", "scopes": ["directory:read", "directory:write"], "expires": ""},
    )

    assert response.status_code == 200
    token = ApiToken.objects.get()
    plaintext = response.context["plaintext"]
    assert plaintext.startswith(f"sd_{token.prefix}_") and plaintext in response.content.decode()
    assert response["Cache-Control"].startswith("max-age=0")
    assert token.created_by == administrator
    listing = admin_client.get(reverse("backoffice:api-token-list")).content.decode()
    assert "CRM sync" in listing and f"sd_{token.prefix}_" in listing
    assert plaintext not in listing
    assert "directory:write" in listing
    entry = AuditEntry.objects.get(action="summitdesk.api_token.created")
    assert entry.actor == administrator


def test_token_form_refuses_with_field_messages(admin_client: Client) -> None:
    tokens.create_token("taken", ["directory:read"], actor=CLI)
    url = reverse("backoffice:api-token-create")

    no_scope = admin_client.post(url, {"name": "crm"})
    taken = admin_client.post(url, {"name": "taken", "scopes": ["directory:read"]})
    past = admin_client.post(
        url, {"name": "crm", "scopes": ["directory:read"], "expires": "2001-01-01"}
    )

    assert no_scope.context["form"].errors["scopes"]
    assert "already exists" in taken.context["form"].errors["name"][0]
    assert "future" in past.context["form"].errors["expires"][0]
    assert ApiToken.objects.count() == 1


def test_administrator_revokes_a_token(admin_client: Client) -> None:
    plaintext = _create("kiosk")
    token = ApiToken.objects.get()

    url = reverse("backoffice:api-token-revoke", args=[token.pk])
    assert confirmation(admin_client.post(url)) == (
        "Revoke the API token kiosk?",
        "Every system that uses it is refused from now on; it cannot be restored.",
        "Revoke the token",
    )
    assert ApiClient(plaintext).get("/organisations").status_code == 200

    response = admin_client.post(url, CONFIRMED)

    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert ApiClient(plaintext).get("/organisations").status_code == 401
    page = admin_client.get(reverse("backoffice:api-token-list")).content.decode()
    assert "Revoke kiosk" not in page


PAGES: list[tuple[str, str, bool]] = [
    ("backoffice:api-token-list", "get", False),
    ("backoffice:api-token-create", "get", False),
    ("backoffice:api-token-create", "post", False),
    ("backoffice:api-token-revoke", "post", True),
]

# The back office's coverage test reads this.
URL_NAMES = {name.removeprefix("backoffice:") for name, _method, _pk in PAGES}


def _url(name: str, needs_pk: bool) -> str:
    if not needs_pk:
        return reverse(name)
    tokens.create_token("target", ["directory:read"], actor=CLI)
    return reverse(name, args=[ApiToken.objects.get(name="target").pk])


@pytest.mark.parametrize(("name", "method", "needs_pk"), PAGES)
def test_token_pages_are_for_administrators_only(
    client: Client,
    secretary_client: Client,
    viewer_client: Client,
    name: str,
    method: str,
    needs_pk: bool,
) -> None:
    url = _url(name, needs_pk)
    data = {"name": "sneaky", "scopes": ["directory:write"]}

    anonymous = getattr(client, method)(url, data)
    refused = [getattr(c, method)(url, data).status_code for c in (secretary_client, viewer_client)]

    assert anonymous.status_code == 302 and "/sign-in/" in anonymous["Location"]
    assert refused == [403, 403]
    assert not ApiToken.objects.filter(name="sneaky").exists()
    assert not ApiToken.objects.filter(revoked_at__isnull=False).exists()


def test_nav_links_to_tokens_for_administrators_only(
    admin_client: Client, secretary_client: Client
) -> None:
    url = reverse("backoffice:api-token-list")

    assert url in admin_client.get(reverse("backoffice:home")).content.decode()
    assert url not in secretary_client.get(reverse("backoffice:home")).content.decode()
