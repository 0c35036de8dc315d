from collections.abc import Callable
from typing import Any

import pyotp
import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from summitdesk.core.enums import Role
from summitdesk.core.models import AuditEntry, User
from tests.confirm import CONFIRMED, confirmation
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

Kwargs = Callable[[User], dict[str, Any]]

ADMIN_PAGES: list[tuple[str, Kwargs]] = [
    ("backoffice:staff-list", lambda u: {}),
    ("backoffice:staff-create", lambda u: {}),
    ("backoffice:staff-edit", lambda u: {"pk": u.pk}),
]
ADMIN_ACTIONS: list[tuple[str, Kwargs]] = [
    ("backoffice:staff-reset-second-factor", lambda u: {"pk": u.pk}),
]


@pytest.fixture
def member(db: None) -> User:
    """A registration officer with an authenticator app set up."""
    return UserFactory(
        username="mirela",
        first_name="Mirela",
        last_name="Ionescu",
        role=Role.REGISTRATION_OFFICER,
        totp_secret=pyotp.random_base32(),
        totp_confirmed_at=timezone.now(),
        totp_last_counter=7,
    )


def staff_data(**overrides: Any) -> dict[str, Any]:
    data = {
        "username": "kofi",
        "first_name": "Kofi",
        "last_name": "Mensah",
        "email": "kofi@secretariat.example.org",
        "role": "viewer",
        "is_active": "on",
        "password": "a long enough initial password",
    }
    data.update(overrides)
    return data


def messages_of(response: Any) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def snapshot() -> list[tuple[Any, ...]]:
    return list(
        User.objects.order_by("pk").values_list(
            "username", "role", "is_active", "second_factor_required", "totp_secret", "password"
        )
    )


# Every page, every persona


@pytest.mark.parametrize(("name", "kwargs"), ADMIN_PAGES + ADMIN_ACTIONS)
def test_staff_pages_send_anonymous_visitors_to_sign_in(
    client: Client, member: User, name: str, kwargs: Kwargs
) -> None:
    url = reverse(name, kwargs=kwargs(member))

    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"] == f"/sign-in/?next={url}"


@pytest.mark.parametrize("persona", ["viewer_client", "secretary_client"])
@pytest.mark.parametrize(("name", "kwargs"), ADMIN_PAGES + ADMIN_ACTIONS)
def test_staff_pages_refused_to_other_roles(
    request: pytest.FixtureRequest, member: User, persona: str, name: str, kwargs: Kwargs
) -> None:
    client: Client = request.getfixturevalue(persona)
    url = reverse(name, kwargs=kwargs(member))
    before = snapshot()

    page = client.get(url)
    posted = client.post(url, staff_data(username="mirela", role="administrator"))

    assert (page.status_code, posted.status_code) == (403, 403)
    assert snapshot() == before
    assert AuditEntry.objects.count() == 0


@pytest.mark.parametrize(("name", "kwargs"), ADMIN_PAGES)
def test_staff_pages_open_to_administrator(
    admin_client: Client, member: User, name: str, kwargs: Kwargs
) -> None:
    response = admin_client.get(reverse(name, kwargs=kwargs(member)))

    assert response.status_code == 200


def test_staff_link_shown_to_administrator_only(
    admin_client: Client, viewer_client: Client
) -> None:
    assert 'href="/staff/"' in admin_client.get("/").content.decode()
    assert 'href="/staff/"' not in viewer_client.get("/").content.decode()


# Pages


def test_staff_list_shows_second_factor_state(admin_client: Client, member: User) -> None:
    UserFactory(username="newcomer", second_factor_required=True)

    response = admin_client.get("/staff/")

    content = response.content.decode()
    assert [user.username for user in response.context["staff"]] == ["admin", "mirela", "newcomer"]
    assert "set up" in content
    assert "required, not set up yet" in content


def test_staff_create_saves_with_hashed_password_and_records(
    admin_client: Client, administrator: User
) -> None:
    response = admin_client.post("/staff/new/", staff_data(second_factor_required="on"))

    assert response["Location"] == "/staff/"
    assert messages_of(response) == ["Saved."]
    user = User.objects.get(username="kofi")
    assert user.check_password("a long enough initial password")
    assert (user.role, user.second_factor_required) == ("viewer", True)
    entry = AuditEntry.objects.get()
    assert (entry.action, entry.actor) == ("summitdesk.staff.created", administrator)
    assert entry.changes == {
        "username": [None, "kofi"],
        "first_name": [None, "Kofi"],
        "last_name": [None, "Mensah"],
        "email": [None, "kofi@secretariat.example.org"],
        "role": [None, "viewer"],
        "second_factor_required": [None, True],
        "is_active": [None, True],
    }


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"password": "short"}, "Initial password: Ensure this value has at least 10 characters"),
        ({"username": "admin"}, "User name: A user with that username already exists."),
        ({"username": ""}, "Username: This field is required."),
        ({"email": "kofi@"}, "Email address: Enter a valid email address."),
        ({"role": "emperor"}, "Role: Select a valid choice. emperor is not one of the available"),
    ],
)
def test_staff_create_shows_validation_messages_and_saves_nothing(
    admin_client: Client, overrides: dict[str, str], message: str
) -> None:
    before = snapshot()

    response = admin_client.post("/staff/new/", staff_data(**overrides))

    assert response.status_code == 200
    content = response.content.decode().replace("</a>", "")
    assert message.split(": ", 1)[1] in content
    assert snapshot() == before


def test_staff_edit_requires_second_factor_and_records(
    admin_client: Client, administrator: User, member: User
) -> None:
    data = staff_data(
        username="mirela",
        first_name="Mirela",
        last_name="Ionescu",
        email=member.email,
        role="registration_officer",
        second_factor_required="on",
    )

    response = admin_client.post(f"/staff/{member.pk}/", data)

    assert response["Location"] == "/staff/"
    member.refresh_from_db()
    assert member.second_factor_required is True
    assert member.check_password(PASSWORD)  # the edit form does not touch it
    entry = AuditEntry.objects.get()
    assert entry.action == "summitdesk.staff.changed"
    assert entry.changes == {"second_factor_required": [False, True]}


def test_staff_edit_page_offers_reset_only_when_enrolled(
    admin_client: Client, member: User, viewer: User
) -> None:
    enrolled = admin_client.get(f"/staff/{member.pk}/").content.decode()
    not_enrolled = admin_client.get(f"/staff/{viewer.pk}/").content.decode()

    assert "Reset authenticator app…" in enrolled
    assert "Reset authenticator app" not in not_enrolled


def test_staff_reset_second_factor_clears_it_and_records(
    admin_client: Client, administrator: User, member: User
) -> None:
    url = f"/staff/{member.pk}/reset-second-factor/"
    assert confirmation(admin_client.post(url)) == (
        "Reset the authenticator app of Mirela Ionescu?",
        "Their current app and recovery codes stop working; they set up a new app at their "
        "next sign-in.",
        "Reset the authenticator app",
    )
    member.refresh_from_db()
    assert member.has_second_factor is True

    response = admin_client.post(url, CONFIRMED)

    assert response["Location"] == f"/staff/{member.pk}/"
    assert messages_of(response) == [
        "Mirela Ionescu will set up a new authenticator at next sign-in."
    ]
    member.refresh_from_db()
    assert (member.totp_secret, member.totp_confirmed_at, member.totp_last_counter) == ("", None, 0)
    assert member.has_second_factor is False
    entry = AuditEntry.objects.get()
    assert (entry.action, entry.actor, entry.object_id) == (
        "summitdesk.staff.second_factor_reset",
        administrator,
        str(member.pk),
    )


def test_staff_reset_second_factor_refuses_get(admin_client: Client, member: User) -> None:
    response = admin_client.get(f"/staff/{member.pk}/reset-second-factor/")

    assert response.status_code == 405
    member.refresh_from_db()
    assert member.has_second_factor is True


def test_staff_edit_of_unknown_member_is_404(admin_client: Client) -> None:
    assert admin_client.get("/staff/999999/").status_code == 404


def test_staff_pages_open_to_a_superuser_of_any_role(member: User) -> None:
    superuser = UserFactory(username="root", role=Role.VIEWER, is_superuser=True)
    client = Client()
    client.force_login(superuser)

    response = client.get("/staff/")

    assert response.status_code == 200
    assert 'href="/staff/"' in response.content.decode()
