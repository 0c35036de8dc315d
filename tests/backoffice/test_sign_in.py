import hashlib
import os
import subprocess
import sys
from typing import Any

import pyotp
import pytest
from django.contrib.messages import get_messages
from django.test import Client, override_settings
from django.utils import timezone

from summitdesk.core import second_factor
from summitdesk.core.audit import Actor
from summitdesk.core.enums import Role
from summitdesk.core.models import AuditEntry, RecoveryCode, User
from tests.confirm import CONFIRMED, confirmation
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

WRONG_CREDENTIALS = (
    "Please enter a correct username and password. Note that both fields may be case-sensitive."
)
TOO_MANY = "Too many sign-in attempts. Wait 15 minutes and try again."
INVALID_CODE = "That code is not valid. Enter the six digits your app shows now."


@pytest.fixture
def officer(db: None) -> User:
    return UserFactory(username="amina", role=Role.REGISTRATION_OFFICER)


@pytest.fixture
def enrolled(db: None) -> User:
    """A registration officer whose authenticator app is set up."""
    return UserFactory(
        username="mirela",
        role=Role.REGISTRATION_OFFICER,
        totp_secret=pyotp.random_base32(),
        totp_confirmed_at=timezone.now(),
    )


def sign_in(client: Client, username: str, password: str = PASSWORD, **extra: Any) -> Any:
    return client.post("/sign-in/", {"username": username, "password": password}, **extra)


def messages_of(response: Any) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def signed_in_user(client: Client) -> Any:
    return client.get("/").wsgi_request.user


# Password


def test_sign_in_page_shows_the_form(client: Client) -> None:
    response = client.get("/sign-in/", {"next": "/meetings/"})

    content = response.content.decode()
    assert response.status_code == 200
    assert '<input type="hidden" name="next" value="/meetings/">' in content
    assert 'name="username"' in content
    assert 'name="password"' in content


def test_sign_in_with_password_leads_home(client: Client, officer: User) -> None:
    response = sign_in(client, "amina")

    assert response.status_code == 302
    assert response["Location"] == "/"
    assert client.get("/").status_code == 200


def test_sign_in_follows_next_on_this_site_only(client: Client, officer: User) -> None:
    inside = client.post(
        "/sign-in/", {"username": "amina", "password": PASSWORD, "next": "/meetings/"}
    )
    client.post("/sign-out/")
    outside = client.post(
        "/sign-in/",
        {"username": "amina", "password": PASSWORD, "next": "https://evil.example/phish"},
    )

    assert inside["Location"] == "/meetings/"
    assert outside["Location"] == "/"


def test_sign_in_with_wrong_password_is_refused(client: Client, officer: User) -> None:
    response = sign_in(client, "amina", "wrong password")

    assert response.status_code == 200
    assert WRONG_CREDENTIALS in response.content.decode()
    assert signed_in_user(client).is_authenticated is False


def test_sign_in_of_inactive_account_is_refused(client: Client) -> None:
    UserFactory(username="leaver", is_active=False)

    response = sign_in(client, "leaver")

    assert response.status_code == 200
    assert signed_in_user(client).is_authenticated is False


@override_settings(SUMMITDESK_SIGNIN_ATTEMPTS=3)
def test_sign_in_after_too_many_failures_is_refused_with_429(client: Client, officer: User) -> None:
    failures = [sign_in(client, "amina", f"guess {n}").status_code for n in range(3)]

    response = sign_in(client, "amina")

    assert failures == [200, 200, 200]
    assert response.status_code == 429
    assert TOO_MANY in response.content.decode()
    assert signed_in_user(client).is_authenticated is False


@override_settings(SUMMITDESK_SIGNIN_ATTEMPTS=3)
def test_sign_in_limit_counts_per_address(client: Client, officer: User) -> None:
    for n in range(3):
        sign_in(client, "amina", f"guess {n}")

    response = sign_in(Client(), "amina", REMOTE_ADDR="192.0.2.7")

    assert response.status_code == 302


@override_settings(SUMMITDESK_SIGNIN_ATTEMPTS=3)
def test_sign_in_limit_per_account_and_address_leaves_colleagues_in(
    client: Client, officer: User
) -> None:
    """One person mistyping their password does not shut out the office behind the
    same address."""
    UserFactory(username="sara", role=Role.REGISTRATION_OFFICER)
    for n in range(3):
        sign_in(client, "amina", f"guess {n}")

    refused = sign_in(Client(), "amina")
    colleague = sign_in(Client(), "sara")

    assert (refused.status_code, colleague.status_code) == (429, 302)


@override_settings(SUMMITDESK_SIGNIN_ATTEMPTS=10, SUMMITDESK_SIGNIN_ACCOUNT_ATTEMPTS=4)
def test_sign_in_limit_per_account_holds_across_addresses(officer: User) -> None:
    """Guessing one account's password from many addresses gains nothing."""
    failures = [
        sign_in(Client(), "amina", f"guess {n}", REMOTE_ADDR=f"198.51.100.{n}").status_code
        for n in range(4)
    ]

    response = sign_in(Client(), "AMINA ", REMOTE_ADDR="203.0.113.99")

    assert failures == [200, 200, 200, 200]
    assert response.status_code == 429
    assert TOO_MANY in response.content.decode()


@override_settings(SUMMITDESK_SIGNIN_ATTEMPTS=3, SUMMITDESK_SIGNIN_ADDRESS_ATTEMPTS=6)
def test_sign_in_limit_per_address_is_a_higher_ceiling(client: Client, officer: User) -> None:
    """Trying many accounts from one address is stopped, later than one account."""
    failures = [sign_in(client, f"someone-{n}", "guess").status_code for n in range(6)]

    refused = sign_in(Client(), "amina")
    elsewhere = sign_in(Client(), "amina", REMOTE_ADDR="192.0.2.7")

    assert failures == [200] * 6
    assert (refused.status_code, elsewhere.status_code) == (429, 302)


@override_settings(SUMMITDESK_SIGNIN_ATTEMPTS=2)
def test_sign_in_limit_ignores_successful_sign_ins(officer: User) -> None:
    # A whole office signing in from one address in the morning is not an attack.
    statuses = [sign_in(Client(), "amina").status_code for _ in range(4)]

    assert statuses == [302, 302, 302, 302]


def test_sign_in_form_without_csrf_token_is_refused(officer: User) -> None:
    client = Client(enforce_csrf_checks=True)

    response = sign_in(client, "amina")

    assert response.status_code == 403
    assert signed_in_user(client).is_authenticated is False


# Signing out


def test_sign_out_by_post_signs_out(client: Client, officer: User) -> None:
    sign_in(client, "amina")

    response = client.post("/sign-out/")

    assert response["Location"] == "/sign-in/"
    assert messages_of(response) == ["You have signed out."]
    assert client.get("/")["Location"] == "/sign-in/?next=/"


def test_sign_out_by_get_is_refused(client: Client, officer: User) -> None:
    sign_in(client, "amina")

    response = client.get("/sign-out/")

    assert response.status_code == 405
    assert client.get("/").status_code == 200


# Second factor: enrolment


def test_required_second_factor_sends_to_enrolment_after_password(
    client: Client, officer: User
) -> None:
    User.objects.filter(pk=officer.pk).update(second_factor_required=True)

    sign_in(client, "amina")
    home = client.get("/")
    step = client.get(home["Location"])

    assert home["Location"] == "/sign-in/second-factor/?next=%2F"
    assert step["Location"] == "/account/second-factor/"


@pytest.mark.parametrize(
    "url", ["/", "/organisations/", "/meetings/", "/duplicates/", "/organisations/new/"]
)
def test_required_second_factor_blocks_every_page_until_confirmed(
    client: Client, officer: User, url: str
) -> None:
    User.objects.filter(pk=officer.pk).update(second_factor_required=True)
    sign_in(client, "amina")

    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"].startswith("/sign-in/second-factor/?next=")


def test_enrolment_with_a_valid_code_opens_the_back_office(client: Client, officer: User) -> None:
    User.objects.filter(pk=officer.pk).update(second_factor_required=True)
    sign_in(client, "amina")

    page = client.get("/account/second-factor/")
    officer.refresh_from_db()
    response = client.post(
        "/account/second-factor/", {"code": pyotp.TOTP(officer.totp_secret).now()}
    )

    assert page.context["secret"] == officer.totp_secret
    assert "<svg" in page.content.decode()
    assert response.status_code == 200  # the recovery codes, shown this once
    assert len(response.context["codes"]) == 10
    assert "Your authenticator app is set up." in response.content.decode()
    assert client.get("/organisations/").status_code == 200
    officer.refresh_from_db()
    assert officer.has_second_factor is True
    assert list(AuditEntry.objects.order_by("id").values_list("action", "actor")) == [
        ("summitdesk.staff.second_factor_enrolled", officer.pk),
        ("summitdesk.staff.recovery_codes_created", officer.pk),
    ]


def test_enrolment_with_a_wrong_code_is_refused(client: Client, officer: User) -> None:
    User.objects.filter(pk=officer.pk).update(second_factor_required=True)
    sign_in(client, "amina")
    client.get("/account/second-factor/")
    officer.refresh_from_db()
    wrong = pyotp.TOTP(pyotp.random_base32()).now()

    response = client.post("/account/second-factor/", {"code": wrong})

    assert response.status_code == 200
    assert INVALID_CODE in response.content.decode()
    officer.refresh_from_db()
    assert officer.has_second_factor is False
    assert client.get("/organisations/").status_code == 302


@override_settings(SUMMITDESK_REQUIRE_SECOND_FACTOR=True)
def test_second_factor_required_for_all_sends_everyone_to_enrolment(
    client: Client, officer: User
) -> None:
    sign_in(client, "amina")

    response = client.get("/organisations/")

    assert response["Location"] == "/sign-in/second-factor/?next=%2Forganisations%2F"
    assert client.get(response["Location"])["Location"] == "/account/second-factor/"


def test_second_factor_optional_is_not_asked(client: Client, officer: User) -> None:
    sign_in(client, "amina")

    assert client.get("/organisations/").status_code == 200


def test_enrolment_page_of_an_enrolled_member_says_so(client: Client, enrolled: User) -> None:
    sign_in(client, "mirela")
    client.post("/sign-in/second-factor/", {"code": pyotp.TOTP(enrolled.totp_secret).now()})

    response = client.get("/account/second-factor/")

    assert "Your sign-in is protected by an authenticator app." in response.content.decode()
    enrolled.refresh_from_db()
    assert enrolled.has_second_factor is True


# Second factor: sign-in


def test_enrolled_member_must_enter_a_code_after_password(client: Client, enrolled: User) -> None:
    sign_in(client, "mirela")

    response = client.get("/organisations/", {"q": "itu"})
    enrolment = client.get("/account/second-factor/")

    assert response["Location"] == "/sign-in/second-factor/?next=%2Forganisations%2F%3Fq%3Ditu"
    # The secret cannot be replaced by someone who only knows the password.
    assert enrolment["Location"] == "/sign-in/second-factor/"
    enrolled.refresh_from_db()
    assert enrolled.has_second_factor is True


def test_enrolled_member_with_the_right_code_goes_on(client: Client, enrolled: User) -> None:
    sign_in(client, "mirela")
    url = "/sign-in/second-factor/?next=%2Forganisations%2F%3Fq%3Ditu"

    response = client.post(url, {"code": pyotp.TOTP(enrolled.totp_secret).now()})

    assert response["Location"] == "/organisations/?q=itu"
    assert client.get("/organisations/").status_code == 200


def test_enrolled_member_with_a_wrong_code_is_refused(client: Client, enrolled: User) -> None:
    sign_in(client, "mirela")
    right = pyotp.TOTP(enrolled.totp_secret).now()
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"

    response = client.post("/sign-in/second-factor/", {"code": wrong})

    assert response.status_code == 200
    assert INVALID_CODE in response.content.decode()
    assert client.get("/organisations/").status_code == 302


def test_enrolled_member_cannot_replay_a_code(client: Client, enrolled: User) -> None:
    code = pyotp.TOTP(enrolled.totp_secret).now()
    sign_in(client, "mirela")
    first = client.post("/sign-in/second-factor/", {"code": code})
    client.post("/sign-out/")
    sign_in(client, "mirela")

    replayed = client.post("/sign-in/second-factor/", {"code": code})

    assert first.status_code == 302
    assert replayed.status_code == 200
    assert INVALID_CODE in replayed.content.decode()
    assert client.get("/organisations/").status_code == 302


def test_too_many_wrong_codes_are_refused_even_before_the_right_one(
    client: Client, enrolled: User
) -> None:
    sign_in(client, "mirela")
    for _ in range(5):
        client.post("/sign-in/second-factor/", {"code": "000000"})

    response = client.post(
        "/sign-in/second-factor/", {"code": pyotp.TOTP(enrolled.totp_secret).now()}
    )

    assert "Too many wrong codes. Wait five minutes and try again." in response.content.decode()
    assert client.get("/organisations/").status_code == 302


def test_member_reset_by_an_administrator_signs_in_with_password_alone(
    client: Client, enrolled: User, administrator: User
) -> None:
    second_factor.reset(enrolled, actor=Actor.staff(administrator))

    sign_in(client, "mirela")

    assert client.get("/organisations/").status_code == 200


def test_member_reset_but_still_required_enrols_again(
    client: Client, enrolled: User, administrator: User
) -> None:
    User.objects.filter(pk=enrolled.pk).update(second_factor_required=True)
    enrolled.refresh_from_db()
    second_factor.reset(enrolled, actor=Actor.staff(administrator))
    sign_in(client, "mirela")

    response = client.get("/sign-in/second-factor/")

    assert response["Location"] == "/account/second-factor/"


def test_second_factor_pages_send_anonymous_visitors_to_sign_in(client: Client) -> None:
    assert client.get("/sign-in/second-factor/")["Location"] == "/sign-in/"
    assert client.get("/account/second-factor/")["Location"] == "/sign-in/"


# Headers and cookies


def test_sign_in_page_carries_security_headers(client: Client) -> None:
    response = client.get("/sign-in/")

    assert response["Content-Security-Policy"].startswith("default-src 'self'; script-src 'self'")
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"


def test_session_and_csrf_cookies_are_http_only_and_same_site(
    client: Client, officer: User
) -> None:
    client.get("/sign-in/")
    csrf = client.cookies["csrftoken"]

    sign_in(client, "amina")
    session = client.cookies["sessionid"]

    assert (session["httponly"], session["samesite"], session["secure"]) == (True, "Lax", "")
    assert (csrf["httponly"], csrf["samesite"], csrf["secure"]) == (True, "Lax", "")


@override_settings(SESSION_COOKIE_SECURE=True, CSRF_COOKIE_SECURE=True)
def test_secure_cookie_settings_mark_cookies_secure(client: Client, officer: User) -> None:
    client.get("/sign-in/")

    sign_in(client, "amina")

    assert client.cookies["sessionid"]["secure"] is True
    assert client.cookies["csrftoken"]["secure"] is True


def cookie_settings(**environ: str) -> str:
    """The cookie settings a fresh process computes from `environ`."""
    code = (
        "from django.conf import settings as s; "
        "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY, "
        "s.CSRF_COOKIE_HTTPONLY, s.SESSION_COOKIE_SAMESITE, s.CSRF_COOKIE_SAMESITE)"
    )
    env = {key: value for key, value in os.environ.items() if key != "SESSION_COOKIE_SECURE"}
    env.update(environ, DJANGO_SETTINGS_MODULE="summitdesk.settings")
    result = subprocess.run(  # noqa: S603 - our own interpreter running a fixed snippet
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    return result.stdout.strip()


def test_cookies_are_secure_when_the_base_url_is_https() -> None:
    assert cookie_settings(SUMMITDESK_BASE_URL="https://summitdesk.example.org") == (
        "True True True True Lax Lax"
    )


def test_cookies_are_not_secure_when_the_base_url_is_plain_http() -> None:
    assert cookie_settings(SUMMITDESK_BASE_URL="http://127.0.0.1:8000") == (
        "False False True True Lax Lax"
    )


def test_cookies_secure_setting_overrides_the_base_url() -> None:
    assert cookie_settings(
        SUMMITDESK_BASE_URL="http://127.0.0.1:8000", SESSION_COOKIE_SECURE="true"
    ) == ("True True True True Lax Lax")


# Recovery codes


def test_recovery_codes_are_stored_hashed_only(enrolled: User) -> None:
    codes = second_factor.new_recovery_codes(enrolled, actor=Actor.staff(enrolled))

    assert len(codes) == 10
    assert len(set(codes)) == 10
    assert all(len(code) == 19 and code.count("-") == 3 for code in codes)
    stored = set(RecoveryCode.objects.filter(user=enrolled).values_list("code_hash", flat=True))
    assert stored == {hashlib.sha256(code.replace("-", "").encode()).hexdigest() for code in codes}
    assert not any(code.replace("-", "") in digest for code in codes for digest in stored)


def test_a_recovery_code_signs_in_once_and_each_use_is_audited(
    client: Client, enrolled: User
) -> None:
    code, other = second_factor.new_recovery_codes(enrolled, actor=Actor.staff(enrolled))[:2]
    sign_in(client, "mirela")

    first = client.post("/sign-in/second-factor/", {"code": f" {code.lower()} "})
    client.post("/sign-out/")
    sign_in(client, "mirela")
    again = client.post("/sign-in/second-factor/", {"code": code})
    other_code = client.post("/sign-in/second-factor/", {"code": other})

    assert first["Location"] == "/"
    assert again.status_code == 200
    assert INVALID_CODE in again.content.decode()
    assert other_code["Location"] == "/"
    used = AuditEntry.objects.filter(action="summitdesk.staff.recovery_code_used").order_by("id")
    assert [(entry.actor, entry.note) for entry in used] == [
        (enrolled, "9 codes left"),
        (enrolled, "8 codes left"),
    ]
    assert second_factor.recovery_codes_left(enrolled) == 8


def test_another_members_recovery_code_does_not_open(client: Client, enrolled: User) -> None:
    colleague = UserFactory(username="sara", role=Role.REGISTRATION_OFFICER)
    [code, *_rest] = second_factor.new_recovery_codes(colleague, actor=Actor.staff(colleague))
    sign_in(client, "mirela")

    response = client.post("/sign-in/second-factor/", {"code": code})

    assert response.status_code == 200
    assert INVALID_CODE in response.content.decode()
    assert second_factor.recovery_codes_left(colleague) == 10


def test_a_new_set_of_recovery_codes_replaces_the_old_one(client: Client, enrolled: User) -> None:
    [old, *_rest] = second_factor.new_recovery_codes(enrolled, actor=Actor.staff(enrolled))
    sign_in(client, "mirela")
    client.post("/sign-in/second-factor/", {"code": pyotp.TOTP(enrolled.totp_secret).now()})
    page = client.get("/account/second-factor/")

    asked = client.post("/account/second-factor/recovery-codes/")
    assert confirmation(asked) == (
        "Make new recovery codes for mirela?",
        "The recovery codes you have now stop working at once.",
        "Make new recovery codes",
    )
    assert second_factor.recovery_codes_left(enrolled) == 10
    response = client.post("/account/second-factor/recovery-codes/", CONFIRMED)
    shown = response.context["codes"]
    later = client.get("/account/second-factor/")

    assert "You have 10 unused recovery codes." in page.content.decode()
    assert response.status_code == 200
    assert len(shown) == 10
    assert old not in shown
    assert not any(code in later.content.decode() for code in shown)  # shown once only
    client.post("/sign-out/")
    sign_in(client, "mirela")
    assert client.post("/sign-in/second-factor/", {"code": old}).status_code == 200
    assert client.post("/sign-in/second-factor/", {"code": shown[3]})["Location"] == "/"
    created = AuditEntry.objects.filter(action="summitdesk.staff.recovery_codes_created")
    assert [entry.note for entry in created.order_by("id")] == [
        "10 codes, 0 replaced",
        "10 codes, 10 replaced",
    ]


def test_new_recovery_codes_need_the_second_factor_first(client: Client, enrolled: User) -> None:
    sign_in(client, "mirela")  # password only

    response = client.post("/account/second-factor/recovery-codes/")

    assert response.status_code == 302
    assert RecoveryCode.objects.count() == 0


def test_a_reset_second_factor_drops_the_recovery_codes(
    enrolled: User, administrator: User
) -> None:
    second_factor.new_recovery_codes(enrolled, actor=Actor.staff(enrolled))

    second_factor.reset(enrolled, actor=Actor.staff(administrator))

    assert RecoveryCode.objects.count() == 0
