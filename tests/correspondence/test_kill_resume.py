"""A worker killed (SIGKILL) at each point of a dispatch, then the sweep and another worker:
every organisation gets its letter exactly once, or is listed in doubt for staff; and the
same for the emails that are not letters (a focal point's link), through the same outbox.

Real processes (`summitdesk worker --once`) on the test's own database, a real SMTP server,
and faults injected by lib/faults.py: the third time the worker reaches the point, it
kills itself, with no chance to clean up.
"""

import datetime
import os
import signal
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from summitdesk.core.models import AuditEntry
from summitdesk.correspondence import compose, reply_links, sending, services
from summitdesk.correspondence.enums import CircularStatus, MessageKind, MessageState
from summitdesk.correspondence.models import OutboundMessage, ReplyLink
from summitdesk.delegations import services as delegation_services
from summitdesk.delegations.models import Reply
from summitdesk.delegations.services import PersonData, ReplyData
from summitdesk.directory.models import Organisation
from summitdesk.lib import faults
from tests.conftest import Sink
from tests.correspondence.builders import (
    STAFF,
    dm1048,
    organisation,
    text_part,
)
from tests.delegations.builders import invite, summit
from tests.factories import OrganisationFactory

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

PROJECT_DIR = Path(__file__).resolve().parents[2]
LEASE_SECONDS = 1
KILLED_AT = 3  # the third letter the worker handles


def database_url() -> str:
    """The URL of the database this test runs on, for the worker processes."""
    database = settings.DATABASES["default"]
    if connection.vendor == "sqlite":
        return f"sqlite:///{database['NAME']}"
    user = database["USER"] + (f":{database['PASSWORD']}" if database.get("PASSWORD") else "")
    return f"postgres://{user}@{database['HOST']}:{database['PORT']}/{database['NAME']}"


def worker(sink_port: int, files: Path, *, fault: str = "") -> subprocess.CompletedProcess[str]:
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "summitdesk.settings",
        "DATABASE_URL": database_url(),
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(sink_port),
        "DEFAULT_FROM_EMAIL": settings.DEFAULT_FROM_EMAIL,
        # The stored letters, where this test reads them (tmp_path/files).
        "SUMMITDESK_VAR_DIR": str(files.parent),
        "SUMMITDESK_FAULT": fault,
    }
    if fault:
        environment["SUMMITDESK_MAIL_LEASE_SECONDS"] = str(LEASE_SECONDS)
    return subprocess.run(
        # Without the system checks (a second of importing every page per process): the
        # worker's work is what is under test, and the suite runs the checks elsewhere.
        [sys.executable, "-m", "summitdesk.cli", "worker", "--once", "-v0", "--skip-checks"],
        cwd=PROJECT_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def after_the_lease() -> datetime.datetime:
    """The time the sweep sees: the dead worker's claims (LEASE_SECONDS) have run out,
    without waiting for them."""
    return timezone.now() + datetime.timedelta(seconds=LEASE_SECONDS + 0.2)


def letters_by_organisation(sink: Sink) -> Counter[int]:
    to = {f"ceo-{org.pk}@example.org": org.pk for org in Organisation.objects.all()}
    return Counter(to[received.message["To"]] for received in sink.received)


@pytest.mark.parametrize(
    ("point", "requeued", "in_doubt", "killed_letter_received"),
    [
        ("after-claim", 10, 0, 1),
        ("after-render", 10, 0, 1),
        ("before-smtp", 9, 1, 0),
        ("after-smtp", 9, 1, 1),
    ],
)
def test_worker_killed_then_resumed_sends_each_letter_once_or_lists_it_in_doubt(
    smtp: Sink,
    tmp_path: Path,
    point: str,
    requeued: int,
    in_doubt: int,
    killed_letter_received: int,
) -> None:
    orgs = [organisation(f"Organisation {number:02d}") for number in range(12)]
    without_email = organisation("No email", email=False)
    circular = dm1048([*orgs, without_email])
    services.dispatch_circular(circular, actor=STAFF)
    by_email = list(OutboundMessage.objects.filter(state=MessageState.QUEUED).order_by("id"))
    killed = by_email[KILLED_AT - 1]
    files = tmp_path / "files"

    first = worker(settings.EMAIL_PORT, files, fault=f"{point}:{KILLED_AT}")
    assert first.returncode == -signal.SIGKILL, first.stderr
    stored_before = OutboundMessage.objects.get(pk=killed.pk).pdf.name
    swept = sending.sweep(now=after_the_lease())  # the dead worker's claims have run out
    second = worker(settings.EMAIL_PORT, files)

    assert second.returncode == 0, second.stderr
    assert (swept.requeued, swept.in_doubt) == (requeued, in_doubt)
    received = letters_by_organisation(smtp)
    killed_org = killed.letter_invitation.organisation_id
    assert received[killed_org] == killed_letter_received
    assert {pk: received[pk] for pk in received if pk != killed_org} == {
        org.pk: 1 for org in orgs if org.pk != killed_org
    }
    message_ids = [letter.message["Message-ID"] for letter in smtp.received]
    assert len(set(message_ids)) == len(message_ids)
    states = dict(OutboundMessage.objects.values_list("invitation__organisation", "state"))
    expected = {org.pk: MessageState.SENT for org in orgs}
    expected[without_email.pk] = MessageState.NO_ADDRESS
    if in_doubt:
        expected[killed_org] = MessageState.IN_DOUBT
    assert states == expected
    # One link per organisation: a letter written before the kill went out with its own.
    assert sorted(ReplyLink.objects.values_list("organisation", flat=True)) == [
        org.pk for org in orgs
    ]
    for letter in smtp.received:
        token = compose.token_in(text_part(letter.message))
        assert token is not None
        link = reply_links.find(token)
        assert link is not None
        assert f"ceo-{link.organisation_id}@example.org" == letter.message["To"]
    if point == "after-render":
        assert stored_before != ""
        assert OutboundMessage.objects.get(pk=killed.pk).pdf.name == stored_before
    circular.refresh_from_db()
    assert circular.status == CircularStatus.DISPATCHED


def test_fault_spec_that_is_malformed_is_refused() -> None:
    with pytest.raises(ValueError, match="SUMMITDESK_FAULT must look like 'after-smtp:3'"):
        faults.configure("after-smtp")
    faults.configure("")  # disarmed again, as in every other test

    faults.point("after-smtp")  # unarmed: nothing happens


# The emails that are not letters: the same outbox, the same states, the same sweep.


def focal_points_named(count: int) -> list[Reply]:
    """`count` organisations' replies, each naming a focal point of its own: one
    focal-point link email each, in the outbox."""
    meeting = summit()
    replies = []
    for number in range(count):
        org = OrganisationFactory(name=f"Organisation {number:02d}")
        invite(org, meeting)
        reply = delegation_services.reply_for(org, meeting)
        focal_point = PersonData(
            given_name="Fay", family_name=f"Focal {number:02d}", email=f"fp-{org.pk}@example.org"
        )
        replies.append(
            delegation_services.save_reply(
                reply, ReplyData(focal_point=focal_point), submit=False, actor=STAFF
            )
        )
    return replies


@pytest.mark.parametrize(
    ("point", "requeued", "in_doubt", "killed_email_received"),
    [
        ("after-claim", 10, 0, 1),
        ("after-render", 10, 0, 1),
        ("before-smtp", 9, 1, 0),
        ("after-smtp", 9, 1, 1),
    ],
)
def test_worker_killed_then_resumed_sends_each_focal_point_link_once_or_lists_it_in_doubt(
    smtp: Sink,
    tmp_path: Path,
    point: str,
    requeued: int,
    in_doubt: int,
    killed_email_received: int,
) -> None:
    replies = focal_points_named(12)
    queued = list(OutboundMessage.objects.filter(kind=MessageKind.FOCAL_POINT_LINK).order_by("id"))
    assert [row.state for row in queued] == [MessageState.QUEUED] * 12
    killed = queued[KILLED_AT - 1]
    files = tmp_path / "files"

    first = worker(settings.EMAIL_PORT, files, fault=f"{point}:{KILLED_AT}")
    assert first.returncode == -signal.SIGKILL, first.stderr
    body_before = OutboundMessage.objects.get(pk=killed.pk).body
    swept = sending.sweep(now=after_the_lease())  # the dead worker's claims have run out
    second = worker(settings.EMAIL_PORT, files)

    assert second.returncode == 0, second.stderr
    assert (swept.requeued, swept.in_doubt) == (requeued, in_doubt)
    received = Counter(letter.message["To"] for letter in smtp.received)
    killed_to = f"fp-{killed.organisation_id}@example.org"
    assert received[killed_to] == killed_email_received
    assert {to: count for to, count in received.items() if to != killed_to} == {
        f"fp-{reply.organisation_id}@example.org": 1
        for reply in replies
        if reply.organisation_id != killed.organisation_id
    }
    message_ids = [letter.message["Message-ID"] for letter in smtp.received]
    assert len(set(message_ids)) == len(message_ids)
    states = dict(OutboundMessage.objects.values_list("organisation", "state"))
    expected: dict[int | None, str] = {
        reply.organisation_id: MessageState.SENT for reply in replies
    }
    if in_doubt:
        expected[killed.organisation_id] = MessageState.IN_DOUBT
    assert states == expected
    # One link per focal point: an email written before the kill went out with its own.
    assert sorted(ReplyLink.objects.values_list("organisation", flat=True)) == sorted(
        reply.organisation_id for reply in replies
    )
    for email in smtp.received:
        token = compose.token_in(text_part(email.message))
        assert token is not None
        link = reply_links.find(token)
        assert link is not None and link.person is not None
        assert f"fp-{link.organisation_id}@example.org" == email.message["To"]
        assert link.person.email == email.message["To"]
    if point == "after-render":
        assert body_before != ""
        assert OutboundMessage.objects.get(pk=killed.pk).body == body_before
    if in_doubt:
        [entry] = AuditEntry.objects.filter(action="summitdesk.message.in_doubt")
        assert entry.organisation_id == killed.organisation_id
