"""Approving or rejecting every accreditation that matches the officer's list, across its
pages, as a background task with progress.

`start_bulk_decision` takes the list's filter (never a list of ids from the browser),
finds what matches it now, and refuses when that is not the count the officer confirmed;
it records the decision with those accreditations and enqueues its task in the same
transaction. `run_bulk_decision` (the task's body) moves them one by one through
`services.transition`, as the one-page bulk action does, a chunk per transaction with
the progress counted in it, so a worker that dies mid-way resumes after the last chunk
(`requeue_stalled_decisions`, a periodic job, enqueues again those whose progress has not
moved for a while).
The task acts as the officer who confirmed, and only while they may still decide
accreditations.
"""

import dataclasses
from collections.abc import Iterator
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from summitdesk.accreditation import completeness, queries, services, tasks
from summitdesk.accreditation.enums import AccreditationStatus, BulkDecisionStatus
from summitdesk.accreditation.models import Accreditation, BulkDecision
from summitdesk.core import audit
from summitdesk.core.audit import Actor
from summitdesk.core.permissions import Permission, may
from summitdesk.meetings.models import Meeting

#: The moves a bulk decision may make.
MOVES = (AccreditationStatus.APPROVED, AccreditationStatus.REJECTED)
#: Accreditations moved per transaction (and between two updates of the progress).
CHUNK_SIZE = 100


class BulkDecisionError(Exception):
    pass


def matching(meeting: Meeting, given: queries.ListFilter) -> "list[int]":
    """The ids of the accreditations of `meeting` that `given` selects, in the list's order."""
    return list(queries.accreditation_list(meeting, given).values_list("pk", flat=True))


def start_bulk_decision(
    meeting: Meeting,
    given: queries.ListFilter,
    to: str,
    *,
    expected: int,
    reason: str = "",
    skip_incomplete: bool = False,
    actor: Actor,
) -> BulkDecision:
    """Record the decision on what `given` selects in `meeting` and enqueue its task.

    Raises BulkDecisionError when the move is not one of MOVES, a rejection has no reason,
    the officer may not decide accreditations, or the count is not `expected` (the list
    changed since the officer confirmed it)."""
    if to not in MOVES:
        raise BulkDecisionError(_("Unknown status: %(status)s.") % {"status": to})
    if to == AccreditationStatus.REJECTED and not reason.strip():
        raise BulkDecisionError(_("Give the reason for the rejection."))
    if actor.user is None or not may(actor.user, Permission.ACCREDITATIONS_DECIDE):
        raise BulkDecisionError(_("You may not decide accreditations."))
    with transaction.atomic():
        ids = matching(meeting, given)
        if len(ids) != expected:
            raise BulkDecisionError(
                _("The list changed since you confirmed: %(count)d accreditations match now.")
                % {"count": len(ids)}
            )
        decision = BulkDecision.objects.create(
            meeting=meeting,
            to=to,
            reason=reason.strip(),
            skip_incomplete=skip_incomplete and to == AccreditationStatus.APPROVED,
            criteria=dataclasses.asdict(given),
            accreditation_ids=ids,
            total=len(ids),
            created_by=actor.user,
        )
        audit.record(
            decision,
            "bulk_decision_started",
            actor=actor,
            note=f"{len(ids)} accreditations to {to}, filter {decision.criteria}",
        )
        tasks.run_bulk_decision_task.enqueue(decision.pk)
    return decision


def _chunks(ids: list[int], size: int) -> Iterator[list[int]]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def run_bulk_decision(decision_id: int) -> None:
    """Move the decision's accreditations; a finished or failed decision is left alone,
    one left half done by a dead worker goes on after its last chunk."""
    decision = (
        BulkDecision.objects.select_related("meeting", "created_by").filter(pk=decision_id).first()
    )
    if decision is None or decision.status in (BulkDecisionStatus.DONE, BulkDecisionStatus.FAILED):
        return
    user = decision.created_by
    if user is None or not user.is_active or not may(user, Permission.ACCREDITATIONS_DECIDE):
        decision.status = BulkDecisionStatus.FAILED
        decision.error = _(
            "Stopped: the officer who confirmed may no longer decide accreditations."
        )
        decision.finished_at = timezone.now()
        decision.save(update_fields=["status", "error", "finished_at", "updated_at"])
        return
    actor = Actor.staff(user)
    decision.status = BulkDecisionStatus.RUNNING
    decision.save(update_fields=["status", "updated_at"])
    remaining = [int(pk) for pk in decision.accreditation_ids[decision.done :]]
    for chunk in _chunks(remaining, CHUNK_SIZE):
        with transaction.atomic():
            _move_chunk(decision, chunk, actor)
            decision.done += len(chunk)
            decision.save(update_fields=["done", "moved", "skipped", "refused", "updated_at"])
    with transaction.atomic():
        decision.status = BulkDecisionStatus.DONE
        decision.finished_at = timezone.now()
        decision.save(update_fields=["status", "finished_at", "updated_at"])
        audit.record(
            decision,
            "bulk_decision_done",
            actor=actor,
            note=f"{decision.moved} moved, {decision.skipped} skipped, "
            f"{len(decision.refused)} refused",
        )


def _move_chunk(decision: BulkDecision, chunk: list[int], actor: Actor) -> None:
    rows = Accreditation.objects.filter(pk__in=chunk, meeting=decision.meeting).order_by("pk")
    ready: set[int] | None = None
    if decision.skip_incomplete:
        ready = set(rows.filter(completeness.READY).values_list("pk", flat=True))
    for accreditation in rows:
        if ready is not None and accreditation.pk not in ready:
            decision.skipped += 1
            continue
        try:
            services.transition(accreditation, decision.to, reason=decision.reason, actor=actor)
        except services.AccreditationError as error:
            decision.refused[str(accreditation.pk)] = str(error)
        else:
            decision.moved += 1


def requeue_stalled_decisions(*, quiet_for: timedelta = timedelta(minutes=15)) -> int:
    """Enqueue again the decisions a dead worker left queued or running: those whose
    progress has not moved for `quiet_for` (a chunk takes seconds). Returns how many."""
    stalled = BulkDecision.objects.filter(
        status__in=[BulkDecisionStatus.QUEUED, BulkDecisionStatus.RUNNING],
        updated_at__lt=timezone.now() - quiet_for,
    ).values_list("pk", flat=True)
    count = 0
    for decision_id in stalled:
        tasks.run_bulk_decision_task.enqueue(decision_id)
        count += 1
    return count
