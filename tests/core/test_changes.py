"""The change feed's sequence: every committed change numbered once, late commits not skipped."""

import threading

import pytest
from django.db import connection, connections, transaction

from summitdesk.core import audit
from summitdesk.core.audit import Actor
from summitdesk.core.changes import assign_sequences, latest_sequence
from summitdesk.core.models import AuditEntry
from tests.factories import OrganisationFactory

ACTOR = Actor.system("test")


def _record(note: str) -> AuditEntry:
    organisation = OrganisationFactory()
    return audit.record(organisation, "summitdesk.organisation.changed", actor=ACTOR, note=note)


@pytest.mark.django_db
def test_entries_are_numbered_in_order_once() -> None:
    first, second = _record("a"), _record("b")
    assert assign_sequences() == 2
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.sequence is not None
    assert second.sequence == first.sequence + 1 == latest_sequence()
    assert assign_sequences() == 0  # nothing new: nothing renumbered
    third = _record("c")
    assert assign_sequences(batch=1) == 1
    third.refresh_from_db()
    assert third.sequence == latest_sequence() == first.sequence + 2


@pytest.mark.django_db
def test_large_backlog_is_numbered_in_batches_without_gaps() -> None:
    for index in range(7):
        _record(str(index))
    assert assign_sequences(batch=3) == 7
    sequences = list(AuditEntry.objects.order_by("id").values_list("sequence", flat=True))
    start = sequences[0]
    assert start is not None
    assert sequences == list(range(start, start + 7))


@pytest.mark.django_db(transaction=True)
def test_a_late_commit_gets_a_sequence_after_what_readers_have_seen() -> None:
    if connection.vendor == "sqlite":
        pytest.skip("SQLite commits writers one at a time: a lower id always commits first")
    written = threading.Event()
    release = threading.Event()
    late: list[AuditEntry] = []

    def slow_writer() -> None:
        try:
            with transaction.atomic():
                late.append(_record("late"))  # takes the lower id
                written.set()
                release.wait(10)
        finally:
            connections.close_all()

    thread = threading.Thread(target=slow_writer)
    thread.start()
    assert written.wait(10)
    early = _record("early")
    assert assign_sequences() == 1  # the uncommitted entry is not visible, not numbered
    early.refresh_from_db()
    seen_up_to = latest_sequence()
    assert early.sequence == seen_up_to
    release.set()
    thread.join(10)
    assign_sequences()
    late_entry = AuditEntry.objects.get(pk=late[0].pk)
    assert late_entry.pk < early.pk
    assert late_entry.sequence is not None and late_entry.sequence > seen_up_to
    assert list(
        AuditEntry.objects.filter(sequence__gt=seen_up_to).values_list("pk", flat=True)
    ) == [late_entry.pk]
