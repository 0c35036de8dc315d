"""Where each role lands after signing in (its desk), the links a role is shown, and the
refusal, not-found and server-error pages inside the application's frame."""

import datetime

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone
from pytest_django import DjangoAssertNumQueries

from summitdesk import errors
from summitdesk.backoffice import landing
from summitdesk.core.enums import Role
from summitdesk.meetings.enums import MeetingStatus
from summitdesk.meetings.models import Meeting
from tests.factories import PASSWORD, MeetingFactory, UserFactory

pytestmark = pytest.mark.django_db

#: The back-office addresses this module checks against the permission table.
URL_NAMES = {"check-in-choice"}

TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)


def meeting(
    code: str, start: datetime.date | None, end: datetime.date | None, **kw: object
) -> Meeting:
    return MeetingFactory(code=code, title=code.title(), start_date=start, end_date=end, **kw)


def signed_in_as(role: Role) -> Client:
    user = UserFactory(username=role.value, role=role)
    client = Client()
    client.post(reverse("backoffice:login"), {"username": user.username, "password": PASSWORD})
    return client


# Landing ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "lands_on"),
    [
        (Role.ADMINISTRATOR, "/"),
        (Role.REGISTRATION_OFFICER, "/"),
        (Role.VIEWER, "/"),
        (Role.BADGE_DESK, "/badges/"),
        (Role.COMMUNICATIONS, "/reports/"),
        (Role.CHECKIN_DESK, "/meetings/summit/check-in/"),
    ],
)
def test_each_role_lands_on_its_desk_after_signing_in(role: Role, lands_on: str) -> None:
    meeting("summit", TODAY - DAY, TODAY + DAY)
    meeting("prepcom", TODAY + 30 * DAY, TODAY + 32 * DAY)
    user = UserFactory(username="someone", role=role)

    response = Client().post(
        reverse("backoffice:login"), {"username": user.username, "password": PASSWORD}, follow=True
    )

    assert response.redirect_chain[-1][0] == lands_on
    assert response.status_code == 200


def test_the_overview_stays_the_landing_page_of_those_without_a_desk() -> None:
    response = signed_in_as(Role.VIEWER).get("/")

    assert response.status_code == 200
    assert response.templates[0].name == "backoffice/home.html"


def test_checkin_desk_opens_on_the_next_meeting_when_none_is_in_progress() -> None:
    meeting("held", TODAY - 20 * DAY, TODAY - 18 * DAY, status=MeetingStatus.HELD)
    meeting("later", TODAY + 40 * DAY, TODAY + 41 * DAY)
    meeting("next", TODAY + 3 * DAY, TODAY + 5 * DAY)
    meeting("called-off", TODAY + DAY, TODAY + 2 * DAY, status=MeetingStatus.CANCELLED)

    response = signed_in_as(Role.CHECKIN_DESK).get("/", follow=True)

    assert [url for url, _status in response.redirect_chain] == [
        "/check-in/",
        "/meetings/next/check-in/",
    ]


def test_checkin_desk_chooses_when_several_meetings_are_in_progress() -> None:
    meeting("hall-a", TODAY, TODAY + DAY)
    meeting("hall-b", TODAY - DAY, TODAY)
    meeting("next", TODAY + 3 * DAY, TODAY + 5 * DAY)

    response = signed_in_as(Role.CHECKIN_DESK).get("/", follow=True)

    assert response.redirect_chain == [("/check-in/", 302)]
    page = response.content.decode()
    assert "Check-in: choose the meeting" in page
    assert page.count('href="/meetings/hall-a/check-in/"') == 1
    assert page.count('href="/meetings/hall-b/check-in/"') == 1
    assert page.count('href="/meetings/next/check-in/"') == 1


def test_checkin_desk_chooses_between_meetings_starting_on_the_same_next_day() -> None:
    meeting("room-1", TODAY + 2 * DAY, TODAY + 3 * DAY)
    meeting("room-2", TODAY + 2 * DAY, TODAY + 2 * DAY)

    choice = landing.checkin_meetings(TODAY)

    assert choice.only is None
    assert [each.code for each in choice.upcoming] == ["room-1", "room-2"]


def test_checkin_desk_without_any_meeting_coming_says_where_to_go() -> None:
    meeting("held", TODAY - 20 * DAY, TODAY - 18 * DAY, status=MeetingStatus.HELD)
    meeting("undated", None, None)

    response = signed_in_as(Role.CHECKIN_DESK).get("/check-in/")

    assert response.status_code == 200
    assert "No meeting is in progress or coming." in response.content.decode()


@pytest.mark.parametrize(
    ("role", "status"),
    [
        (Role.ADMINISTRATOR, 200),
        (Role.CHECKIN_DESK, 200),
        (Role.REGISTRATION_OFFICER, 403),
        (Role.BADGE_DESK, 403),
        (Role.COMMUNICATIONS, 403),
        (Role.VIEWER, 403),
    ],
)
def test_checkin_choice_is_for_the_roles_that_admit(role: Role, status: int) -> None:
    assert signed_in_as(role).get(reverse("backoffice:check-in-choice")).status_code == status


def test_checkin_choice_sends_a_visitor_to_sign_in(client: Client) -> None:
    response = client.get("/check-in/")

    assert response.status_code == 302
    assert response["Location"] == "/sign-in/?next=/check-in/"


# Links shown to a role ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "badges", "checkin"),
    [
        (Role.ADMINISTRATOR, True, True),
        (Role.REGISTRATION_OFFICER, False, False),
        (Role.BADGE_DESK, True, False),
        (Role.CHECKIN_DESK, False, True),
        (Role.VIEWER, False, False),
    ],
)
def test_meeting_page_shows_the_badge_and_checkin_desks_to_the_roles_that_work_there(
    role: Role, badges: bool, checkin: bool
) -> None:
    meeting("summit", TODAY, TODAY)

    page = signed_in_as(role).get("/meetings/summit/").content.decode()

    assert ('href="/meetings/summit/badges/"' in page) is badges
    assert ('href="/meetings/summit/check-in/"' in page) is checkin
    assert ('href="/check-in/"' in page) is checkin  # the menu's entry


# Error pages --------------------------------------------------------------------------


def test_refusal_page_is_in_the_staff_frame_and_says_what_the_role_lacks() -> None:
    response = signed_in_as(Role.VIEWER).get("/staff/")

    assert response.status_code == 403
    page = response.content.decode()
    assert '<nav aria-label="Main">' in page  # the staff frame, with the viewer's menu
    assert "Your role, Viewer, does not allow this page." in page
    assert "create staff accounts, change roles, reset second factors" in page
    assert '<a class="button" href="/">Back to your start page</a>' in page


def test_not_found_page_for_staff_is_in_the_staff_frame() -> None:
    response = signed_in_as(Role.REGISTRATION_OFFICER).get("/meetings/nowhere/")

    assert response.status_code == 404
    page = response.content.decode()
    assert '<nav aria-label="Main">' in page
    assert "Page not found" in page
    assert "Back to your start page" in page


def test_not_found_page_for_a_visitor_shows_nothing_of_the_back_office(client: Client) -> None:
    response = client.get("/no-such-page/")

    assert response.status_code == 404
    page = response.content.decode()
    assert '<body class="public">' in page
    assert '<nav aria-label="Main">' not in page
    assert "/organisations/" not in page
    assert "Page not found" in page
    assert '<a class="button" href="/">Go to the home page</a>' in page


def test_not_found_page_in_the_visitors_language(client: Client) -> None:
    response = client.get("/no-such-page/", {"lang": "fr"})

    assert response.status_code == 404
    assert '<html lang="fr"' in response.content.decode()


def test_not_found_page_of_the_portal_is_public_even_for_staff() -> None:
    client = signed_in_as(Role.ADMINISTRATOR)

    response = client.get("/reply/abc/delegation/12/nowhere/")

    assert response.status_code == 404
    page = response.content.decode()
    assert '<body class="public">' in page
    assert '<nav aria-label="Main">' not in page


def test_api_addresses_answer_not_found_in_json(client: Client) -> None:
    response = client.get("/api/v1/no-such-collection/")

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"


def test_server_error_page_needs_no_database_and_no_request_context(
    django_assert_num_queries: DjangoAssertNumQueries,
) -> None:
    request = RequestFactory().get("/organisations/")  # no user, no session

    with django_assert_num_queries(0):
        response = errors.server_error(request)

    assert response.status_code == 500
    page = response.content.decode()
    assert "Server error" in page
    assert '<a class="button" href="/">Back to your start page</a>' in page
    assert "<nav" not in page


def test_server_error_is_answered_with_the_page(monkeypatch: pytest.MonkeyPatch) -> None:
    client = signed_in_as(Role.VIEWER)
    client.raise_request_exception = False

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr("summitdesk.backoffice.views.directory.search_organisations", broken)
    response = client.get("/organisations/")

    assert response.status_code == 500
    assert "Something went wrong on our side" in response.content.decode()


# The reply link of a circular's preview ------------------------------------------------


def test_preview_reply_link_opens_a_page_saying_it_is_a_preview(client: Client) -> None:
    for address in ("/reply/PREVIEW/", "/reply/PREVIEW/delegation/"):
        response = client.get(address)

        assert response.status_code == 200
        page = response.content.decode()
        assert "This link comes from the preview of a circular: it opens no reply." in page
        assert "Link not valid" not in page
