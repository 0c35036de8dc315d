"""An approved person cannot be swapped by renaming: a change to an approved delegate's
title, given name or family name through the portal or the API returns the accreditation
to pending with a new badge version; staff correcting a spelling keep the approval, and
the badge version changes all the same (the badge shows the name)."""

from dataclasses import replace

import pytest

from summitdesk.accreditation import services as accreditation_services
from summitdesk.accreditation.enums import AccreditationStatus
from summitdesk.accreditation.models import Accreditation
from summitdesk.accreditation.services import AccreditationError
from summitdesk.core.audit import Actor
from summitdesk.core.enums import Channel
from summitdesk.core.models import AuditEntry
from summitdesk.delegations import services
from summitdesk.delegations.models import ChangeRequest, Reply
from summitdesk.delegations.services import DelegateData
from summitdesk.meetings.models import Meeting
from tests.delegations.builders import attending, invite, member, summit
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

PORTAL = Actor(user=None, channel=Channel.PORTAL, label="focal point Jane Doe")
API = Actor(user=None, channel=Channel.API, label="token integrator")
STAFF = Actor(user=None, channel=Channel.BACKOFFICE, label="registration officer")

ADA = member("Ada", "Lovelace", title="Dr", email="ada@example.org", function="Minister")
BORIS = member("Boris", "Ivanov", email="boris@example.org", function="Adviser")
PENDING = AccreditationStatus.PENDING
APPROVED = AccreditationStatus.APPROVED


@pytest.fixture
def meeting(db: None) -> Meeting:
    return summit()


def submit(reply: Reply, *delegates: DelegateData, actor: Actor = PORTAL) -> Reply:
    people = [replace(delegates[0], is_head=True, protocol_level="minister"), *delegates[1:]]
    data = attending([], estimate=len(people), delegates=people)
    return services.save_reply(reply, data, submit=True, actor=actor)


@pytest.fixture
def approved(meeting: Meeting) -> Reply:
    """Acme's submitted reply: Ada and Boris, both approved (badge version 1)."""
    organisation = OrganisationFactory(name="Acme Telecom")
    invite(organisation, meeting)
    reply = submit(services.reply_for(organisation, meeting), ADA, BORIS)
    for accreditation in Accreditation.objects.filter(delegate__reply=reply).order_by(
        "delegate__position"
    ):
        accreditation_services.transition(accreditation, APPROVED, actor=STAFF)
    return reply


def state(reply: Reply) -> dict[str, tuple[str, str, int]]:
    """{delegate: (status, badge number, badge version)}."""
    return {
        str(a.delegate): (a.status, a.badge_number, a.badge_version)
        for a in Accreditation.objects.filter(delegate__reply=reply)
        .select_related("delegate")
        .order_by("delegate__position")
    }


@pytest.mark.parametrize("actor", [PORTAL, API], ids=["portal", "api"])
@pytest.mark.parametrize(
    "renamed",
    [
        replace(BORIS, given_name="Karl", family_name="Schmidt"),
        replace(BORIS, given_name="Borys"),
        replace(BORIS, title="Mr"),
    ],
    ids=["another person", "given name", "title"],
)
def test_renaming_an_approved_delegate_returns_it_to_pending(
    approved: Reply, actor: Actor, renamed: DelegateData
) -> None:
    submit(approved, ADA, renamed, actor=actor)

    after = state(approved)
    assert after["Dr Ada Lovelace"] == (APPROVED, "000001", 1)
    assert list(after.values())[1] == (PENDING, "000002", 2)
    entry = AuditEntry.objects.filter(action="summitdesk.accreditation.reconsidered").get()
    assert entry.changes["status"] == [APPROVED, PENDING]
    assert entry.changes["badge_version"] == [1, 2]
    assert entry.channel == actor.channel


def test_staff_correcting_a_spelling_keep_the_approval_with_a_new_badge_version(
    approved: Reply,
) -> None:
    submit(approved, ADA, replace(BORIS, given_name="Borys"), actor=STAFF)

    assert state(approved) == {
        "Dr Ada Lovelace": (APPROVED, "000001", 1),
        "Borys Ivanov": (APPROVED, "000002", 2),
    }
    entry = AuditEntry.objects.filter(action="summitdesk.accreditation.badge_version_raised").get()
    assert entry.changes == {"badge_version": [1, 2]}


def test_other_changes_to_an_approved_delegate_keep_the_badge(approved: Reply) -> None:
    submit(approved, ADA, replace(BORIS, function="Senior adviser", nationality="CH"))

    assert state(approved) == {
        "Dr Ada Lovelace": (APPROVED, "000001", 1),
        "Boris Ivanov": (APPROVED, "000002", 1),
    }


def test_renaming_a_pending_delegate_changes_nothing_else(meeting: Meeting) -> None:
    organisation = OrganisationFactory(name="Borealis")
    invite(organisation, meeting)
    reply = submit(services.reply_for(organisation, meeting), ADA)

    submit(reply, replace(ADA, given_name="Augusta"))

    assert state(reply) == {"Dr Augusta Lovelace": (PENDING, "", 0)}


def test_accepted_change_request_renaming_returns_it_to_pending(approved: Reply) -> None:
    people = [
        replace(ADA, is_head=True, protocol_level="minister"),
        replace(BORIS, family_name="Schmidt"),
    ]
    data = attending([], estimate=2, delegates=people)
    request = services.request_change(approved, data, note="New adviser", actor=PORTAL)

    services.decide_change_request(request, accept=True, actor=STAFF)

    assert state(approved)["Boris Schmidt"] == (PENDING, "000002", 2)
    assert ChangeRequest.objects.get(pk=request.pk).status == "accepted"


def test_identity_changes_names_what_saving_would_return_to_pending(approved: Reply) -> None:
    people = [
        replace(ADA, is_head=True, protocol_level="minister", function="Prime minister"),
        replace(BORIS, title="Mr"),
    ]
    data = attending([], estimate=2, delegates=people)

    found = services.identity_changes(approved, data)

    assert [(str(delegate), member.title) for delegate, member in found] == [("Boris Ivanov", "Mr")]
    assert state(approved)["Boris Ivanov"] == (APPROVED, "000002", 1)


def test_approved_back_to_pending_needs_a_reason(approved: Reply) -> None:
    accreditation = Accreditation.objects.filter(delegate__reply=approved).first()
    assert accreditation is not None

    with pytest.raises(AccreditationError) as refused:
        accreditation_services.transition(accreditation, PENDING, actor=STAFF)

    assert str(refused.value) == "Give the reason: the delegate and the focal point read it."
    accreditation.refresh_from_db()
    assert (accreditation.status, accreditation.badge_version) == (APPROVED, 1)
