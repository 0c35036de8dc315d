"""A staff member's own settings: the language of the staff pages and the time zone of the
times they show, kept on the account and applied to each of their requests."""

import datetime
import re

import pytest
from django.test import Client
from django.urls import reverse

from summitdesk.core.enums import Role
from summitdesk.core.models import AuditEntry, User
from summitdesk.delegations import services
from summitdesk.delegations.enums import ReplyState
from summitdesk.directory.models import Organisation
from summitdesk.meetings.models import Meeting
from tests.delegations.builders import summit
from tests.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db

SETTINGS_URL = "/account/settings/"
#: 14:05 in Geneva (winter time) is 13:05 UTC and 22:05 in Tokyo.
SUBMITTED = datetime.datetime(2026, 12, 7, 13, 5, tzinfo=datetime.UTC)


def client_of(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def html_of(response: object) -> str:
    return response.content.decode()  # type: ignore[attr-defined]


@pytest.fixture
def meeting(db: None) -> Meeting:
    return summit()


@pytest.fixture
def acme(meeting: Meeting) -> Organisation:
    organisation = OrganisationFactory(name="Acme Telecom")
    reply = services.reply_for(organisation, meeting)
    reply.state = ReplyState.SUBMITTED
    reply.submitted_at = SUBMITTED
    reply.save()
    return organisation


def reply_page(client: Client, organisation: Organisation, meeting: Meeting) -> str:
    url = reverse("backoffice:reply-detail", args=[organisation.pk, meeting.code])
    response = client.get(url)
    assert response.status_code == 200
    return html_of(response)


def submitted_on(html: str) -> str:
    found = re.search(r"<dt>First submitted</dt><dd><time[^>]*>(.*?)</time>", html)
    assert found is not None
    return found.group(1)


@pytest.mark.parametrize("role", list(Role))
def test_settings_page_opens_for_every_role_from_the_menu(role: Role) -> None:
    client = client_of(UserFactory(role=role))

    response = client.get(SETTINGS_URL)

    assert response.status_code == 200
    html = html_of(response)
    assert "<h1>Your settings</h1>" in html
    # In the menu of every staff page, beside the person's name.
    assert f'<a href="{SETTINGS_URL}" id="personal-settings-link">Your settings</a>' in html


def test_settings_page_sends_a_visitor_to_sign_in() -> None:
    response = Client().get(SETTINGS_URL)

    assert response.status_code == 302
    assert response["Location"] == f"/sign-in/?next={SETTINGS_URL}"


def test_settings_saved_are_kept_on_the_account_and_recorded() -> None:
    user = UserFactory(username="mirela")
    client = client_of(user)

    response = client.post(SETTINGS_URL, {"language": "fr", "time_zone": "Asia/Tokyo"})

    assert (response.status_code, response["Location"]) == (302, SETTINGS_URL)
    user.refresh_from_db()
    assert (user.language, user.time_zone) == ("fr", "Asia/Tokyo")
    entry = AuditEntry.objects.get(action="summitdesk.staff.settings_changed")
    assert entry.changes == {"language": ["", "fr"], "time_zone": ["", "Asia/Tokyo"]}


def test_settings_refuse_an_unknown_time_zone_and_language() -> None:
    user = UserFactory()

    response = client_of(user).post(SETTINGS_URL, {"language": "de", "time_zone": "Mars/Olympus"})

    assert response.status_code == 200
    html = html_of(response)
    assert html.count('<ul class="errorlist"') == 2
    assert "<title>Error: Your settings · SummitDesk</title>" in html
    user.refresh_from_db()
    assert (user.language, user.time_zone) == ("", "")


def test_settings_language_switches_the_staff_pages_to_french() -> None:
    user = UserFactory()
    client = client_of(user)
    assert '<html lang="en"' in html_of(client.get(SETTINGS_URL))

    client.post(SETTINGS_URL, {"language": "fr", "time_zone": ""})
    html = html_of(client.get(SETTINGS_URL))

    assert '<html lang="fr"' in html
    assert "Aller au contenu" in html  # the skip link, in French
    # Only for them: a colleague keeps the browser's language.
    assert '<html lang="en"' in html_of(client_of(UserFactory()).get(SETTINGS_URL))


def test_staff_times_are_in_the_meeting_zone_by_default_and_say_so(
    acme: Organisation, meeting: Meeting
) -> None:
    client = client_of(UserFactory(role=Role.ADMINISTRATOR))

    assert (
        submitted_on(reply_page(client, acme, meeting)) == "7 December 2026, 14:05 (Europe/Zurich)"
    )


def test_staff_times_are_in_the_zone_the_person_chose(acme: Organisation, meeting: Meeting) -> None:
    user = UserFactory(role=Role.ADMINISTRATOR)
    client = client_of(user)

    client.post(SETTINGS_URL, {"language": "", "time_zone": "Asia/Tokyo"})

    assert submitted_on(reply_page(client, acme, meeting)) == "7 December 2026, 22:05 (Asia/Tokyo)"


def test_staff_zone_of_one_person_does_not_reach_a_colleague(
    acme: Organisation, meeting: Meeting
) -> None:
    tokyo = UserFactory(role=Role.ADMINISTRATOR, time_zone="Asia/Tokyo")
    client_of(tokyo).get(SETTINGS_URL)

    colleague = client_of(UserFactory(role=Role.ADMINISTRATOR))

    assert submitted_on(reply_page(colleague, acme, meeting)).endswith("(Europe/Zurich)")
