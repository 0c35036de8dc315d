"""`summitdesk dispatch-circular`, `circular-status` and `send-reminders`: output, following,
exit codes, and who the audit trail says acted."""

import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from summitdesk.cli import main
from summitdesk.core.enums import Channel
from summitdesk.core.models import AuditEntry
from summitdesk.correspondence import services
from summitdesk.correspondence.enums import CircularStatus, MailingKind, MessageState
from summitdesk.correspondence.management.commands import dispatch_circular, send_reminders
from summitdesk.correspondence.models import Circular, Invitation, OutboundMessage
from tests.conftest import Sink
from tests.correspondence.builders import (
    STAFF,
    dm1048,
    organisation,
)
from tests.tasks import run_queued_tasks

pytestmark = pytest.mark.django_db

STATUS_KEYS = [
    "reference",
    "total",
    "queued",
    "sending",
    "sent",
    "failed",
    "in_doubt",
    "posted",
    "no_address",
    "done",
]


def command(name: str, *args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command(name, *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def refused(name: str, *args: str) -> tuple[int, str]:
    with pytest.raises(CommandError) as error:
        command(name, *args)
    return error.value.returncode, str(error.value)


@pytest.fixture
def workers_between_polls(monkeypatch: pytest.MonkeyPatch) -> None:
    """While a command follows a mailing, the workers run the queued tasks (in-process)."""

    def run(self: object, seconds: float) -> None:
        run_queued_tasks()

    monkeypatch.setattr(dispatch_circular.Command, "wait", run)
    monkeypatch.setattr(send_reminders.Command, "wait", run)


def three_organisations() -> Circular:
    return dm1048(
        [
            organisation("Ghana Telecom"),
            organisation("Swisscom"),
            organisation("Télécoms sans courriel", email=False),
        ]
    )


# dispatch-circular


def test_dispatch_circular_no_follow_queues_the_letters_and_returns() -> None:
    circular = three_organisations()

    out, _err = command("dispatch_circular", "DM-1048", "--no-follow")

    assert out == (
        "Dispatching DM-1048 to 3 organisations (1 without email: by post or fax).\n"
        "DM-1048: 0 sent, 2 queued, 0 sending, 0 failed, 0 in doubt, 0 posted, "
        "1 without email, of 3.\n"
    )
    assert OutboundMessage.objects.filter(state=MessageState.QUEUED).count() == 2
    entry = AuditEntry.objects.for_object(circular).get(action="summitdesk.circular.dispatched")
    assert (entry.actor_id, entry.actor_label, entry.channel) == (
        None,
        "dispatch-circular",
        Channel.CLI,
    )


def test_dispatch_circular_notes_what_the_page_asks_to_check() -> None:
    dm1048(
        [organisation("Ghana Telecom"), organisation("Sans adresse", email=False, address="")],
        reply_deadline=None,
    )

    _out, err = command("dispatch_circular", "DM-1048", "--no-follow")

    assert err == (
        "Note: There is no reply deadline: the letters will not say by when to reply.\n"
        "Note: 1 organisation has no email and no postal address: its letter can only be "
        "faxed, or not sent at all.\n"
    )


def test_dispatch_circular_follows_the_workers_until_every_letter_is_sent(
    workers_between_polls: None,
) -> None:
    circular = three_organisations()

    out, _err = command("dispatch_circular", "DM-1048")

    assert out.splitlines()[-1] == (
        "DM-1048: 2 sent, 0 queued, 0 sending, 0 failed, 0 in doubt, 0 posted, "
        "1 without email, of 3."
    )
    circular.refresh_from_db()
    assert circular.status == CircularStatus.DISPATCHED


def test_dispatch_circular_json_prints_the_final_counts_alone(
    workers_between_polls: None,
) -> None:
    three_organisations()

    out, err = command("dispatch_circular", "DM-1048", "--format", "json")

    assert json.loads(out) == {
        "reference": "DM-1048",
        "total": 3,
        "queued": 0,
        "sending": 0,
        "sent": 2,
        "failed": 0,
        "in_doubt": 0,
        "posted": 0,
        "no_address": 1,
        "done": True,
    }
    assert err.startswith("Dispatching DM-1048 to 3 organisations")


def test_dispatch_circular_with_rejected_letters_exits_3(
    smtp: Sink,
    workers_between_polls: None,
) -> None:
    three_organisations()
    smtp.replies = ["550 5.1.1 No such user"]

    code, message = refused("dispatch_circular", "DM-1048")

    assert code == 3
    assert message == ("1 failed and 0 in doubt: retry, confirm or resend them in the back office.")


def test_dispatch_circular_interrupted_stops_following_not_sending(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    three_organisations()

    def interrupt(self: object, seconds: float) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(dispatch_circular.Command, "wait", interrupt)

    _out, err = command("dispatch_circular", "DM-1048")

    assert err == (
        "Stopped following. The dispatch goes on in the workers: "
        "`summitdesk circular-status DM-1048` shows where it stands.\n"
    )
    assert run_queued_tasks() == services.SENDING_TASKS
    assert OutboundMessage.objects.filter(state=MessageState.SENT).count() == 2


def test_dispatch_circular_unknown_reference_exits_2() -> None:
    assert refused("dispatch_circular", "DM-9999", "--no-follow") == (
        2,
        "No circular has the reference DM-9999.",
    )


def test_dispatch_circular_already_dispatched_exits_1() -> None:
    three_organisations()
    command("dispatch_circular", "DM-1048", "--no-follow")

    assert refused("dispatch_circular", "DM-1048", "--no-follow") == (
        1,
        "This circular has already been dispatched. DM-1048 was not dispatched.",
    )
    assert OutboundMessage.objects.count() == 3


def test_dispatch_circular_merge_field_problems_are_printed_and_exit_1() -> None:
    circular = three_organisations()
    circular.texts.update(subject="Invitation to {{ organisation_name }}")
    err = io.StringIO()

    with pytest.raises(CommandError) as error:
        call_command("dispatch_circular", "DM-1048", stdout=io.StringIO(), stderr=err)

    assert (error.value.returncode, str(error.value)) == (1, "DM-1048 was not dispatched.")
    assert err.getvalue().startswith(
        "English: Unknown merge field {{ organisation_name }}. Known fields: organisation,"
    )
    assert OutboundMessage.objects.count() == 0


# circular-status


def test_circular_status_json_has_exactly_the_documented_keys() -> None:
    three_organisations()
    command("dispatch_circular", "DM-1048", "--no-follow")

    out, _err = command("circular_status", "DM-1048", "--format", "json")

    status = json.loads(out)
    assert list(status) == STATUS_KEYS
    assert status == {
        "reference": "DM-1048",
        "total": 3,
        "queued": 2,
        "sending": 0,
        "sent": 0,
        "failed": 0,
        "in_doubt": 0,
        "posted": 0,
        "no_address": 1,
        "done": False,
    }


def test_circular_status_counts_the_letters_not_the_reminders() -> None:
    circular = three_organisations()
    command("dispatch_circular", "DM-1048", "--no-follow")
    run_queued_tasks()
    circular.refresh_from_db()
    services.send_reminders(circular, actor=STAFF)

    out, _err = command("circular_status", "DM-1048")

    assert out == (
        "DM-1048: 2 sent, 0 queued, 0 sending, 0 failed, 0 in doubt, 0 posted, "
        "1 without email, of 3.\n"
    )


def test_circular_status_unknown_reference_exits_2() -> None:
    assert refused("circular_status", "DM-9999") == (
        2,
        "No circular has the reference DM-9999.",
    )


# send-reminders


def test_send_reminders_prints_the_count_first_then_follows(workers_between_polls: None) -> None:
    circular = three_organisations()
    command("dispatch_circular", "DM-1048")
    Invitation.objects.filter(organisation__name="Swisscom").update(replied_at=timezone.now())

    out, _err = command("send_reminders", "DM-1048")

    assert out.splitlines() == [
        "Reminding 2 organisations that have not replied to DM-1048.",
        "DM-1048: 1 sent, 0 queued, 0 sending, 0 failed, 0 in doubt, 0 posted, "
        "1 without email, of 2.",
    ]
    reminders = OutboundMessage.objects.filter(mailing__kind=MailingKind.REMINDER)
    assert sorted(reminders.values_list("invitation__organisation__name", flat=True)) == [
        "Ghana Telecom",
        "Télécoms sans courriel",
    ]
    entry = AuditEntry.objects.for_object(circular).get(action="summitdesk.circular.reminded")
    assert (entry.actor_label, entry.channel) == ("send-reminders", Channel.CLI)


def test_send_reminders_draft_circular_exits_1() -> None:
    three_organisations()

    assert refused("send_reminders", "DM-1048", "--no-follow") == (
        1,
        "Only a dispatched circular can be followed by a reminder.",
    )


def test_send_reminders_everybody_replied_exits_1(workers_between_polls: None) -> None:
    three_organisations()
    command("dispatch_circular", "DM-1048")
    Invitation.objects.update(replied_at=timezone.now())

    assert refused("send_reminders", "DM-1048") == (
        1,
        "Every organisation has replied: nobody to remind.",
    )


# The console script


def test_summitdesk_circular_status_unknown_reference_exits_2(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["summitdesk", "circular-status", "DM-9999"])

    assert exit_.value.code == 2
    assert capsys.readouterr().err == "CommandError: No circular has the reference DM-9999.\n"


@pytest.mark.parametrize("name", ["dispatch-circular", "circular-status", "send-reminders"])
def test_summitdesk_help_documents_the_exit_codes(
    name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["summitdesk", name, "--help"])

    assert exit_.value.code == 0
    assert "Exit codes: 0 " in " ".join(capsys.readouterr().out.split())
