"""Background tasks of the correspondence: thin wrappers that take ids (see sending.py).

The one place where tasks import their services inside the function (a per-file ignore of
PLC0415 in pyproject.toml): `sending` and `messages` schedule their own retries through
these tasks (`sending.ensure_task`), and `messages` subclasses `sending`'s sender at import
time, so a module-level import either way round would load one of them half-made.
"""

from datetime import timedelta

from django.utils.crypto import get_random_string
from django_tasks import task

from summitdesk.core.periodic import periodic


@task()
def send_mailing(mailing_id: int) -> dict[str, int]:
    """Send the mailing's due letters; several copies run side by side, each taking rows
    the others have not, and running one again is harmless (sent rows are left alone)."""
    from summitdesk.correspondence import sending

    # A new id for every run: a claim names the run that holds it, so a row claimed by a
    # killed run is never mistaken for this one's.
    return sending.send_mailing(mailing_id, worker_id=get_random_string(32)).as_dict()


@task()
def prepare_chosen_reminders(mailing_id: int) -> None:
    """Write the outbox rows of a reminder to organisations chosen on the reply list,
    then start its sending (services.prepare_chosen_reminders)."""
    from summitdesk.correspondence import services

    services.prepare_chosen_reminders(mailing_id)


@periodic("requeue-stalled-chosen-reminders", every=timedelta(minutes=10))
@task()
def requeue_stalled_chosen_reminders() -> int:
    """Enqueue again the reminders to chosen organisations whose rows stopped being
    written (their worker died); returns how many."""
    from summitdesk.correspondence import services

    stalled = services.stalled_chosen_reminders(quiet_for=timedelta(minutes=10))
    for mailing_id in stalled:
        prepare_chosen_reminders.enqueue(mailing_id)
    return len(stalled)


@periodic("sweep-outbox", every=timedelta(minutes=1))
@task()
def sweep_outbox() -> dict[str, int]:
    """Resume what killed workers left: expired claims back to the queue, interrupted SMTP
    conversations in doubt, a task for every mailing with letters due."""
    from summitdesk.correspondence import sending

    return sending.sweep().as_dict()


@task()
def send_outbox() -> dict[str, int]:
    """Send the due emails that are not letters (correspondence.messages): written by the
    app that owns each kind when claimed, then sent like letters."""
    from summitdesk.correspondence import messages

    return messages.send_messages(worker_id=get_random_string(32)).as_dict()
