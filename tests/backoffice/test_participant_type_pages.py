"""The meeting page's participant types, the protocol list, and the staff reply form's
type, level, affiliation, relationship and online fields."""

import pytest
from django.test import Client
from django.urls import reverse

from summitdesk.core.models import AuditEntry
from summitdesk.delegations.models import Delegate, Reply
from summitdesk.meetings.models import Meeting, ParticipantType
from tests.accreditation.builders import meeting as make_meeting
from tests.accreditation.builders import members, submitted_reply
from tests.backoffice.test_reply_pages import entry
from tests.delegations.conftest import invite, make_circular
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def summit() -> Meeting:
    return make_meeting()


def type_url(summit: Meeting, code: str = "press") -> str:
    return reverse("backoffice:participant-type-edit", args=[summit.code, code])


def type_form(**overrides: str) -> dict[str, str]:
    data = {
        "name": "Media",
        "name_fr": "Médias",
        "position": "3",
        "list_section": "9",
        "counts_against_limit": "on",
        "badge_colour": "#aa0000",
        "badge_label": "MEDIA",
    }
    data.update(overrides)
    return data


def test_meeting_page_lists_the_participant_types(viewer_client: Client, summit: Meeting) -> None:
    page = viewer_client.get(reverse("backoffice:meeting-detail", args=[summit.code]))

    content = page.content.decode()
    assert 'id="participant-types"' in content
    assert "Technical staff" in content and "Temporary pass" in content
    assert type_url(summit) not in content  # a viewer edits nothing


def test_staff_rename_a_type_in_six_languages(secretary_client: Client, summit: Meeting) -> None:
    response = secretary_client.post(type_url(summit), type_form())

    assert response.status_code == 302
    press = ParticipantType.objects.get(meeting=summit, code="press")
    assert (press.name, press.name_translations, press.counts_against_limit) == (
        "Media",
        {"fr": "Médias"},
        True,
    )
    entry_ = AuditEntry.objects.get(action="summitdesk.meeting.participant_type_changed")
    assert entry_.changes["press: name"] == ["Press", "Media"]


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"badge_colour": "red; }"}, "Use a colour such as #1f4e79."),
        ({"name": ""}, "This field is required."),
        ({"position": "-1"}, "Ensure this value is greater than or equal to 0."),
    ],
)
def test_bad_type_changes_are_refused_and_nothing_changes(
    secretary_client: Client, summit: Meeting, overrides: dict[str, str], message: str
) -> None:
    response = secretary_client.post(type_url(summit), type_form(**overrides))

    assert response.status_code == 200
    assert message in response.content.decode()
    assert ParticipantType.objects.get(meeting=summit, code="press").name == "Press"


def test_viewer_cannot_change_a_type_and_unknown_types_are_404(
    viewer_client: Client, secretary_client: Client, summit: Meeting
) -> None:
    assert viewer_client.post(type_url(summit), type_form()).status_code == 403
    assert secretary_client.get(type_url(summit, "astronaut")).status_code == 404
    other = make_meeting(code="other-meeting")
    # A type reached through another meeting's code is not found.
    assert (
        secretary_client.get(f"/meetings/{other.code}/participant-types/nope/").status_code == 404
    )
    assert ParticipantType.objects.get(meeting=summit, code="press").name == "Press"


def test_meeting_form_sets_photo_exemption_and_online_access(
    secretary_client: Client, summit: Meeting
) -> None:
    data = {
        "process": summit.process_id,
        "code": summit.code,
        "title": summit.title,
        "kind": summit.kind,
        "time_zone": "Europe/Zurich",
        "status": summit.status,
        "photo_exempt_levels": ["head_of_state", "minister"],
        "online_access": "https://meet.example.org/plenary",
    }

    response = secretary_client.post(reverse("backoffice:meeting-edit", args=[summit.code]), data)
    refused = secretary_client.post(
        reverse("backoffice:meeting-edit", args=[summit.code]),
        data | {"photo_exempt_levels": ["emperor"]},
    )

    assert response.status_code == 302
    assert refused.status_code == 200
    summit.refresh_from_db()
    assert summit.photo_exempt_levels == ["head_of_state", "minister"]
    assert summit.online_access == "https://meet.example.org/plenary"


def test_protocol_list_page_in_order_of_precedence(viewer_client: Client, summit: Meeting) -> None:
    circular = make_circular(summit, "DM-1")
    replies = []
    for name in ("Alpha", "Beta"):
        organisation = OrganisationFactory(name=f"{name} Org")
        invite(circular, organisation)
        replies.append(submitted_reply(organisation, summit, members(1, prefix=name)))
    Delegate.objects.filter(reply=replies[1]).update(protocol_level="head_of_state")

    page = viewer_client.get(reverse("backoffice:protocol-list", args=[summit.code]))

    content = page.content.decode()
    assert page.status_code == 200
    assert content.index("Beta 0") < content.index("Alpha 0")
    assert "Head of State or Government" in content


def test_staff_reply_form_sets_type_level_affiliation_and_online(
    secretary_client: Client, summit: Meeting
) -> None:
    organisation = OrganisationFactory(name="Kenya Telecom")
    invite(make_circular(summit, "DM-1"), organisation)
    url = reverse("backoffice:reply-edit", args=[organisation.pk, summit.code])
    data = entry(
        **{
            "members-1-participant_type": "technical-staff",
            "members-1-affiliation": "Analysys Mason",
            "members-1-relationship": "consultant",
            "members-1-online": "on",
            "members-0-protocol_level": "minister",
        }
    )

    response = secretary_client.post(url, data)
    refused = secretary_client.post(url, data | {"members-1-participant_type": "astronaut"})

    assert response.status_code == 302
    assert refused.status_code == 200
    kamau = Delegate.objects.get(family_name="Kamau")
    assert kamau.participant_type is not None and kamau.participant_type.code == "technical-staff"
    assert (kamau.affiliation, kamau.relationship, kamau.online) == (
        "Analysys Mason",
        "consultant",
        True,
    )
    assert Reply.objects.get(organisation=organisation).head_level == "minister"
