"""A delegate keeps their row when the focal point edits the reply (delegations.services
save_reply reconciles the delegation): matched by email, then by folded name, only ever
within the same reply; the audit entry says which member was added, removed or changed."""

from dataclasses import replace

import pytest

from summitdesk.core.audit import Actor
from summitdesk.core.enums import Channel
from summitdesk.core.models import AuditEntry
from summitdesk.delegations import services
from summitdesk.delegations.enums import ReplyState
from summitdesk.delegations.models import Delegate, Reply
from summitdesk.delegations.services import DelegateData, ReplyData
from summitdesk.directory.models import Organisation
from summitdesk.meetings.models import Meeting
from tests.delegations.builders import attending, invite, member, summit
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

PORTAL = Actor(user=None, channel=Channel.PORTAL, label="focal point Jane Doe")

ADA = member("Ada", "Lovelace", title="Dr", email="ada@example.org", function="Minister")
BORIS = member("Boris", "Ivanov", email="boris@example.org", function="Adviser")
CHEN = member("Chen", "Wei", function="Engineer")


@pytest.fixture
def meeting(db: None) -> Meeting:
    return summit()


def organisation(name: str, meeting: Meeting) -> Organisation:
    invited = OrganisationFactory(name=name)
    invite(invited, meeting)
    return invited


@pytest.fixture
def reply(meeting: Meeting) -> Reply:
    return services.reply_for(organisation("Acme Telecom", meeting), meeting)


def save(reply: Reply, *delegates: DelegateData) -> Reply:
    """Save a draft naming `delegates` (the first one heads it unless one is marked head)."""
    people = list(delegates)
    if people and not any(d.is_head for d in people):
        people[0] = replace(people[0], is_head=True, protocol_level="minister")
    data = attending([], estimate=len(people) or 1, delegates=people)
    return services.save_reply(reply, data, submit=False, actor=PORTAL)


def rows(reply: Reply) -> list[tuple[int, str, str, str, bool, int]]:
    """The delegation as stored: (id, name, email, function, head, position)."""
    return [
        (d.pk, str(d), d.email, d.function, d.is_head, d.position)
        for d in Delegate.objects.filter(reply=reply)
    ]


def ids(reply: Reply) -> dict[str, int]:
    return {str(d): d.pk for d in Delegate.objects.filter(reply=reply)}


def last_changes(reply: Reply) -> dict[str, list[object]]:
    entry = (
        AuditEntry.objects.filter(object_type="delegations.reply", object_id=str(reply.pk))
        .order_by("id")
        .last()
    )
    assert entry is not None
    return entry.changes


# Identity survives an edit


def test_save_reply_keeps_a_delegates_row_when_their_function_is_edited(reply: Reply) -> None:
    save(reply, ADA, BORIS, CHEN)
    before = ids(reply)

    save(reply, ADA, replace(BORIS, function="Senior adviser"), CHEN)

    assert rows(reply) == [
        (before["Dr Ada Lovelace"], "Dr Ada Lovelace", "ada@example.org", "Minister", True, 0),
        (before["Boris Ivanov"], "Boris Ivanov", "boris@example.org", "Senior adviser", False, 1),
        (before["Chen Wei"], "Chen Wei", "", "Engineer", False, 2),
    ]


def test_save_reply_reordering_keeps_every_delegates_row(reply: Reply) -> None:
    save(reply, ADA, BORIS, CHEN)
    before = ids(reply)

    save(reply, CHEN, replace(ADA, is_head=True, protocol_level="minister"), BORIS)

    assert rows(reply) == [
        (before["Dr Ada Lovelace"], "Dr Ada Lovelace", "ada@example.org", "Minister", True, 1),
        (before["Chen Wei"], "Chen Wei", "", "Engineer", False, 0),
        (before["Boris Ivanov"], "Boris Ivanov", "boris@example.org", "Adviser", False, 2),
    ]


def test_save_reply_matching_by_email_survives_a_name_correction(reply: Reply) -> None:
    save(reply, ADA, BORIS)
    before = ids(reply)

    save(reply, ADA, replace(BORIS, given_name="Borys", email="BORIS@Example.org"))

    assert rows(reply) == [
        (before["Dr Ada Lovelace"], "Dr Ada Lovelace", "ada@example.org", "Minister", True, 0),
        (before["Boris Ivanov"], "Borys Ivanov", "BORIS@Example.org", "Adviser", False, 1),
    ]


def test_save_reply_without_email_matches_the_name_folded(reply: Reply) -> None:
    save(reply, ADA, member("Dolores", "Ruíz", function="Counsellor"))
    before = ids(reply)

    save(reply, ADA, member("DOLORES", " Ruiz ", function="First counsellor"))

    assert rows(reply) == [
        (before["Dr Ada Lovelace"], "Dr Ada Lovelace", "ada@example.org", "Minister", True, 0),
        (before["Dolores Ruíz"], "DOLORES  Ruiz ", "", "First counsellor", False, 1),
    ]


def test_save_reply_matches_a_changed_email_by_the_name(reply: Reply) -> None:
    save(reply, ADA, BORIS)
    before = ids(reply)

    save(reply, ADA, replace(BORIS, email="b.ivanov@example.org"))

    assert rows(reply) == [
        (before["Dr Ada Lovelace"], "Dr Ada Lovelace", "ada@example.org", "Minister", True, 0),
        (before["Boris Ivanov"], "Boris Ivanov", "b.ivanov@example.org", "Adviser", False, 1),
    ]


# Members come and go


def test_save_reply_removing_a_member_deletes_exactly_that_row(reply: Reply) -> None:
    save(reply, ADA, BORIS, CHEN)
    before = ids(reply)

    save(reply, ADA, CHEN)

    assert rows(reply) == [
        (before["Dr Ada Lovelace"], "Dr Ada Lovelace", "ada@example.org", "Minister", True, 0),
        (before["Chen Wei"], "Chen Wei", "", "Engineer", False, 1),
    ]
    assert not Delegate.objects.filter(pk=before["Boris Ivanov"]).exists()


def test_save_reply_new_member_gets_a_new_row(reply: Reply) -> None:
    save(reply, ADA, BORIS)
    before = ids(reply)

    save(reply, ADA, CHEN, BORIS)

    after = ids(reply)
    assert after["Chen Wei"] not in before.values()
    assert rows(reply) == [
        (before["Dr Ada Lovelace"], "Dr Ada Lovelace", "ada@example.org", "Minister", True, 0),
        (after["Chen Wei"], "Chen Wei", "", "Engineer", False, 1),
        (before["Boris Ivanov"], "Boris Ivanov", "boris@example.org", "Adviser", False, 2),
    ]


def test_save_reply_namesakes_with_different_emails_stay_distinct(reply: Reply) -> None:
    elder = member("Kwame", "Mensah", email="kwame.senior@example.org", function="Minister")
    younger = member("Kwame", "Mensah", email="kwame.junior@example.org", function="Adviser")
    save(reply, elder, younger)
    elder_id, younger_id = (d.pk for d in Delegate.objects.filter(reply=reply))

    save(
        reply,
        replace(younger, function="Chief adviser"),
        replace(elder, is_head=True, protocol_level="minister"),
    )

    assert rows(reply) == [
        (elder_id, "Kwame Mensah", "kwame.senior@example.org", "Minister", True, 1),
        (younger_id, "Kwame Mensah", "kwame.junior@example.org", "Chief adviser", False, 0),
    ]
    assert elder_id != younger_id


def test_save_reply_matches_each_existing_delegate_at_most_once(reply: Reply) -> None:
    save(reply, ADA)
    [ada] = ids(reply).values()

    save(reply, ADA, replace(ADA, function="Her namesake", is_head=False))

    stored = rows(reply)
    assert stored[0] == (ada, "Dr Ada Lovelace", "ada@example.org", "Minister", True, 0)
    assert stored[1][0] != ada
    assert stored[1][1:] == ("Dr Ada Lovelace", "ada@example.org", "Her namesake", False, 1)


def test_save_reply_never_matches_a_delegate_of_another_reply(
    reply: Reply, meeting: Meeting
) -> None:
    save(reply, ADA, BORIS)
    theirs = rows(reply)
    other = services.reply_for(organisation("Beta Networks", meeting), meeting)

    # Beta's data names Acme's delegate by her email: Beta gets a row of its own.
    save(other, replace(ADA, function="Forged"))
    save(other, replace(ADA, function="Forged again", family_name="Byron"))

    [(forged, name, email, function, head, position)] = rows(other)
    assert forged not in [row[0] for row in theirs]
    assert (name, email, function, head, position) == (
        "Dr Ada Byron",
        "ada@example.org",
        "Forged again",
        True,
        0,
    )
    assert rows(reply) == theirs


# The head of delegation


def test_save_reply_moves_the_head_from_one_member_to_another(reply: Reply) -> None:
    save(reply, ADA, BORIS, CHEN)
    before = ids(reply)

    save(reply, ADA, replace(BORIS, is_head=True, protocol_level="minister"), CHEN)

    assert rows(reply) == [
        (before["Boris Ivanov"], "Boris Ivanov", "boris@example.org", "Adviser", True, 1),
        (before["Dr Ada Lovelace"], "Dr Ada Lovelace", "ada@example.org", "Minister", False, 0),
        (before["Chen Wei"], "Chen Wei", "", "Engineer", False, 2),
    ]


def test_save_reply_moves_the_head_to_a_new_member(reply: Reply) -> None:
    save(reply, ADA, BORIS)
    before = ids(reply)

    save(reply, ADA, BORIS, replace(CHEN, is_head=True, protocol_level="minister"))

    after = ids(reply)
    assert rows(reply) == [
        (after["Chen Wei"], "Chen Wei", "", "Engineer", True, 2),
        (before["Dr Ada Lovelace"], "Dr Ada Lovelace", "ada@example.org", "Minister", False, 0),
        (before["Boris Ivanov"], "Boris Ivanov", "boris@example.org", "Adviser", False, 1),
    ]


# Declining


def test_save_reply_declining_removes_the_delegation(reply: Reply) -> None:
    save(reply, ADA, BORIS)
    before = ids(reply)

    declined = services.save_reply(
        reply,
        ReplyData(attending=False, decline_reason="Board meeting."),
        submit=True,
        actor=PORTAL,
    )

    assert declined.state == ReplyState.DECLINED
    assert rows(reply) == []
    assert not Delegate.objects.filter(pk__in=before.values()).exists()
    changes = last_changes(reply)
    assert changes["delegates"] == [
        ["Dr Ada Lovelace (head), Minister", "Boris Ivanov, Adviser"],
        [],
    ]
    assert changes[f"delegate removed: Dr Ada Lovelace (#{before['Dr Ada Lovelace']})"] == [
        "Dr Ada Lovelace (head), Minister",
        None,
    ]
    assert changes[f"delegate removed: Boris Ivanov (#{before['Boris Ivanov']})"] == [
        "Boris Ivanov, Adviser",
        None,
    ]


# The audit trail, member by member


def test_save_reply_records_which_member_was_added_removed_or_changed(reply: Reply) -> None:
    save(reply, ADA, BORIS, CHEN)
    before = ids(reply)
    ruiz = member("Dolores", "Ruiz", function="Counsellor")

    save(reply, replace(ADA, function="Prime Minister"), CHEN, ruiz)

    added = ids(reply)["Dolores Ruiz"]
    assert last_changes(reply) == {
        "delegates": [
            ["Dr Ada Lovelace (head), Minister", "Boris Ivanov, Adviser", "Chen Wei, Engineer"],
            [
                "Dr Ada Lovelace (head), Prime Minister",
                "Chen Wei, Engineer",
                "Dolores Ruiz, Counsellor",
            ],
        ],
        f"delegate changed: Dr Ada Lovelace (#{before['Dr Ada Lovelace']}): function": [
            "Minister",
            "Prime Minister",
        ],
        f"delegate added: Dolores Ruiz (#{added})": [None, "Dolores Ruiz, Counsellor"],
        f"delegate removed: Boris Ivanov (#{before['Boris Ivanov']})": [
            "Boris Ivanov, Adviser",
            None,
        ],
    }


def test_save_reply_records_a_change_the_summary_does_not_show(reply: Reply) -> None:
    save(reply, ADA, BORIS)
    boris = ids(reply)["Boris Ivanov"]

    save(reply, ADA, replace(BORIS, email="b.ivanov@example.org", consent_to_publish=True))

    assert last_changes(reply) == {
        f"delegate changed: Boris Ivanov (#{boris}): email": [
            "boris@example.org",
            "b.ivanov@example.org",
        ],
        f"delegate changed: Boris Ivanov (#{boris}): consent_to_publish": [False, True],
    }


def test_save_reply_records_the_head_moving_member_by_member(reply: Reply) -> None:
    save(reply, ADA, BORIS)
    before = ids(reply)

    save(
        reply,
        replace(ADA, protocol_level="minister"),
        replace(BORIS, is_head=True, protocol_level="minister"),
    )

    assert last_changes(reply) == {
        "delegates": [
            ["Dr Ada Lovelace (head), Minister", "Boris Ivanov, Adviser"],
            ["Boris Ivanov (head), Adviser", "Dr Ada Lovelace, Minister"],
        ],
        f"delegate changed: Dr Ada Lovelace (#{before['Dr Ada Lovelace']}): is_head": [
            True,
            False,
        ],
        f"delegate changed: Boris Ivanov (#{before['Boris Ivanov']}): is_head": [False, True],
        f"delegate changed: Boris Ivanov (#{before['Boris Ivanov']}): protocol_level": [
            "",
            "minister",
        ],
    }


def test_save_reply_unchanged_delegation_writes_no_entry(reply: Reply) -> None:
    save(reply, ADA, BORIS)
    entries = AuditEntry.objects.filter(object_type="delegations.reply").count()
    before = rows(reply)

    save(reply, ADA, BORIS)

    assert rows(reply) == before
    assert AuditEntry.objects.filter(object_type="delegations.reply").count() == entries
