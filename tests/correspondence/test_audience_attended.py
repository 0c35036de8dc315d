"""A circular's audience by attendance: "attended PrepCom-2" reaches the organisations whose
PrepCom-2 reply said they would attend and was sent (submitted or amended), no others."""

import pytest
from django.test import Client

from summitdesk.backoffice.circular_forms import AudienceForm, describe_audience
from summitdesk.correspondence.audience import Audience
from summitdesk.delegations.enums import ReplyState
from summitdesk.directory.enums import Category, StakeholderGroup
from summitdesk.directory.models import Organisation
from summitdesk.meetings.models import Meeting
from tests.delegations.conftest import invite, make_circular, reply
from tests.factories import MeetingFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def prepcoms() -> dict[str, Meeting]:
    return {
        code: MeetingFactory(code=code, title=code.upper()) for code in ("prepcom-1", "prepcom-2")
    }


@pytest.fixture
def directory(prepcoms: dict[str, Meeting]) -> dict[str, Organisation]:
    """One organisation for each way of having, or not having, attended PrepCom-2."""
    prepcom_1, prepcom_2 = prepcoms["prepcom-1"], prepcoms["prepcom-2"]
    names = [
        "submitted",
        "amended",
        "declined",
        "draft",
        "opened",
        "invited only",
        "attended prepcom-1",
        "civil society, submitted",
    ]
    made: dict[str, Organisation] = {name: OrganisationFactory(name=name) for name in names}
    Organisation.objects.filter(pk=made["civil society, submitted"].pk).update(
        category=Category.CIVIL_SOCIETY, stakeholder_group=StakeholderGroup.CIVIL_SOCIETY
    )
    circular = make_circular(prepcom_2, "DM-0900")
    for organisation in made.values():
        invite(circular, organisation)
    reply(made["submitted"], prepcom_2, ReplyState.SUBMITTED, estimate=2)
    reply(made["amended"], prepcom_2, ReplyState.AMENDED, estimate=3)
    reply(made["declined"], prepcom_2, ReplyState.DECLINED)
    # A draft may already say "attending": it was never sent.
    draft = reply(made["draft"], prepcom_2, ReplyState.DRAFT, estimate=4)
    draft.attending = True
    draft.save()
    reply(made["opened"], prepcom_2, ReplyState.OPENED)
    reply(made["attended prepcom-1"], prepcom_1, ReplyState.SUBMITTED, estimate=1)
    reply(made["civil society, submitted"], prepcom_2, ReplyState.SUBMITTED, estimate=1)
    return made


def reached(audience: Audience) -> list[str]:
    return sorted(o.name for o in audience.organisations())


def test_audience_attended_prepcom_2_selects_answered_attending_replies(
    directory: dict[str, Organisation],
) -> None:
    assert reached(Audience(participated_in=["prepcom-2"])) == [
        "amended",
        "civil society, submitted",
        "submitted",
    ]


def test_audience_attended_any_of_several_meetings(directory: dict[str, Organisation]) -> None:
    assert reached(Audience(participated_in=["prepcom-1", "prepcom-2"])) == [
        "amended",
        "attended prepcom-1",
        "civil society, submitted",
        "submitted",
    ]


def test_audience_attended_combines_with_other_filters(
    directory: dict[str, Organisation],
) -> None:
    audience = Audience(participated_in=["prepcom-2"], categories=[Category.SECTOR_MEMBER])

    assert reached(audience) == ["amended", "submitted"]


def test_audience_attended_keeps_includes_and_excludes(
    directory: dict[str, Organisation],
) -> None:
    audience = Audience(
        participated_in=["prepcom-2"],
        include=[directory["declined"].pk],
        exclude=[directory["amended"].pk],
    )

    assert reached(audience) == ["civil society, submitted", "declined", "submitted"]


def test_audience_attended_a_meeting_nobody_replied_to_reaches_nobody(
    directory: dict[str, Organisation],
) -> None:
    MeetingFactory(code="summit-geneva")

    assert reached(Audience(participated_in=["summit-geneva"])) == []


def test_audience_attended_is_read_from_a_saved_circular(
    directory: dict[str, Organisation],
) -> None:
    audience = Audience.from_json({"participated_in": ["prepcom-2"]})

    assert audience.to_json() == {"participated_in": ["prepcom-2"]}
    assert reached(audience) == ["amended", "civil society, submitted", "submitted"]


def test_audience_form_labels_the_filter_as_attendance(prepcoms: dict[str, Meeting]) -> None:
    form = AudienceForm(audience=Audience(participated_in=["prepcom-2"]))

    assert str(form["participated_in"].label) == "Attended an earlier meeting"
    assert [
        (str(what), which)
        for what, which in describe_audience(Audience(participated_in=["prepcom-2"]))
    ] == [("Attended an earlier meeting", "prepcom-2")]


def test_audience_page_saves_attended_prepcom_2(
    secretary_client: Client, directory: dict[str, Organisation], prepcoms: dict[str, Meeting]
) -> None:
    draft = make_circular(MeetingFactory(code="prepcom-3"), "DM-1048")
    draft.status = "draft"
    draft.save()

    secretary_client.post(f"/circulars/{draft.pk}/audience/", {"participated_in": ["prepcom-2"]})

    draft.refresh_from_db()
    assert draft.audience == {"participated_in": ["prepcom-2"]}
    assert reached(Audience.from_json(draft.audience)) == [
        "amended",
        "civil society, submitted",
        "submitted",
    ]
