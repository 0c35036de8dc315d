"""The meeting page's participant types (edited, added, deleted), the protocol list, and
the staff reply form's type, level, affiliation, relationship and online fields."""

import pytest
from django.test import Client
from django.urls import reverse

from summitdesk.backoffice import urls as backoffice_urls
from summitdesk.core.enums import Role
from summitdesk.core.models import AuditEntry
from summitdesk.core.permissions import GRANTS, Permission
from summitdesk.delegations.models import Delegate, Reply
from summitdesk.meetings.models import Meeting, ParticipantType
from tests.accreditation.builders import meeting as make_meeting
from tests.accreditation.builders import members, submitted_reply
from tests.backoffice.test_reply_pages import entry
from tests.conftest import signed_in
from tests.delegations.conftest import invite, make_circular
from tests.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db

URL_NAMES = {"participant-type-create", "participant-type-edit", "participant-type-delete"}


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


def new_url(summit: Meeting) -> str:
    return reverse("backoffice:participant-type-create", args=[summit.code])


def delete_url(summit: Meeting, code: str) -> str:
    return reverse("backoffice:participant-type-delete", args=[summit.code, code])


def test_staff_add_a_type_in_six_languages(secretary_client: Client, summit: Meeting) -> None:
    assert (
        new_url(summit)
        in secretary_client.get(
            reverse("backoffice:meeting-detail", args=[summit.code])
        ).content.decode()
    )
    form = type_form(
        code="interpreter",
        name="Interpreter",
        name_fr="Interprète",
        name_ar="مترجم شفوي",
        badge_label="INTERPRETER",
    )
    del form["counts_against_limit"]

    response = secretary_client.post(new_url(summit), form)

    assert response.status_code == 302
    added = ParticipantType.objects.get(meeting=summit, code="interpreter")
    assert (added.name, added.name_translations, added.position, added.list_section) == (
        "Interpreter",
        {"fr": "Interprète", "ar": "مترجم شفوي"},
        3,
        9,
    )
    assert (added.counts_against_limit, added.badge_colour, added.badge_label) == (
        False,
        "#aa0000",
        "INTERPRETER",
    )
    logged = AuditEntry.objects.get(action="summitdesk.meeting.participant_type_added")
    assert logged.object_id == str(summit.pk)
    assert logged.changes["interpreter: name"] == [None, "Interpreter"]
    page = secretary_client.get(reverse("backoffice:meeting-detail", args=[summit.code]))
    assert "Interpreter" in page.content.decode()


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("press", "This meeting already has a type with this code."),
        ("new", "This meeting already has a type with this code."),
        ("Press Corps", "Use lower-case letters, digits and single hyphens"),
        ("", "This field is required."),
    ],
)
def test_a_new_types_code_is_unique_in_the_meeting(
    secretary_client: Client, summit: Meeting, code: str, message: str
) -> None:
    before = ParticipantType.objects.filter(meeting=summit).count()

    response = secretary_client.post(new_url(summit), type_form(code=code))

    assert response.status_code == 200
    assert message in response.content.decode()
    assert ParticipantType.objects.filter(meeting=summit).count() == before
    assert ParticipantType.objects.get(meeting=summit, code="press").name == "Press"


def test_another_meetings_code_is_free(secretary_client: Client, summit: Meeting) -> None:
    other = make_meeting(code="other-meeting")
    secretary_client.post(new_url(other), type_form(code="interpreter"))

    response = secretary_client.post(new_url(summit), type_form(code="interpreter"))

    assert response.status_code == 302
    assert ParticipantType.objects.filter(code="interpreter").count() == 2


def test_deleting_a_type_asks_first_then_deletes_it(
    secretary_client: Client, summit: Meeting
) -> None:
    edit_page = secretary_client.get(type_url(summit, "security")).content.decode()
    assert delete_url(summit, "security") in edit_page
    assert 'class="secondary destructive"' in edit_page

    asked = secretary_client.post(delete_url(summit, "security"))

    content = asked.content.decode()
    assert asked.status_code == 200
    assert "Delete the participant type Security?" in content
    assert 'class="destructive"' in content and 'name="confirmed" value="yes"' in content
    assert ParticipantType.objects.filter(meeting=summit, code="security").exists()

    done = secretary_client.post(delete_url(summit, "security"), {"confirmed": "yes"}, follow=True)

    assert "Security is deleted." in done.content.decode()
    assert not ParticipantType.objects.filter(meeting=summit, code="security").exists()
    logged = AuditEntry.objects.get(action="summitdesk.meeting.participant_type_deleted")
    assert (logged.object_id, logged.changes["security: name"]) == (
        str(summit.pk),
        ["Security", None],
    )


def test_a_type_someone_has_is_not_deleted_and_the_page_says_how_many(
    secretary_client: Client, summit: Meeting
) -> None:
    organisation = OrganisationFactory(name="Kenya Telecom")
    invite(make_circular(summit, "DM-1"), organisation)
    reply = submitted_reply(organisation, summit, members(3))
    technical = ParticipantType.objects.get(meeting=summit, code="technical-staff")
    Delegate.objects.filter(reply=reply, is_head=False).update(participant_type=technical)
    # The head has no type set: the default of a sector member's category, "delegate".
    default = "delegate"

    refused = secretary_client.post(
        delete_url(summit, "technical-staff"), {"confirmed": "yes"}, follow=True
    )
    refused_default = secretary_client.post(
        delete_url(summit, default), {"confirmed": "yes"}, follow=True
    )

    assert (
        "Technical staff cannot be deleted: 2 participants have this type. "
        "Give them another type first." in refused.content.decode()
    )
    assert "cannot be deleted: 1 participant has this type." in refused_default.content.decode()
    assert (
        ParticipantType.objects.filter(
            meeting=summit, code__in=["technical-staff", default]
        ).count()
        == 2
    )
    assert not AuditEntry.objects.filter(
        action="summitdesk.meeting.participant_type_deleted"
    ).exists()


def test_a_type_of_another_meetings_people_is_deleted(
    secretary_client: Client, summit: Meeting
) -> None:
    other = make_meeting(code="other-meeting")
    organisation = OrganisationFactory(name="Kenya Telecom")
    invite(make_circular(other, "DM-1"), organisation)
    reply = submitted_reply(organisation, other, members(1))
    Delegate.objects.filter(reply=reply).update(
        participant_type=ParticipantType.objects.get(meeting=other, code="vip")
    )

    secretary_client.post(delete_url(summit, "vip"), {"confirmed": "yes"})

    assert not ParticipantType.objects.filter(meeting=summit, code="vip").exists()
    assert ParticipantType.objects.filter(meeting=other, code="vip").exists()


def test_url_names_are_this_modules_pages() -> None:
    assert {
        pattern.name
        for pattern in backoffice_urls.urlpatterns
        if str(pattern.name).startswith("participant-type")
    } == URL_NAMES


@pytest.mark.parametrize("role", list(Role))
def test_each_role_reaches_the_type_pages_as_the_permission_table_says(role: Role) -> None:
    summit = make_meeting()
    client = signed_in(UserFactory(username=f"user-{role}", role=role))
    allowed = Permission.MEETINGS_CHANGE in GRANTS[role]
    expected = 200 if allowed else 403

    assert client.get(new_url(summit)).status_code == expected, role
    assert client.get(type_url(summit)).status_code == expected, role
    # The first post of a deletion asks to confirm.
    assert client.post(delete_url(summit, "press")).status_code == expected, role
    assert client.get(delete_url(summit, "press")).status_code == (405 if allowed else 403)
    assert ParticipantType.objects.filter(meeting=summit, code="press").exists()
