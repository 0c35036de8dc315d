"""The accreditation app's answers to what other apps announce (connected in apps.py)."""

from typing import Any

from summitdesk.accreditation import services
from summitdesk.core.audit import Actor
from summitdesk.delegations.models import Reply


def reply_saved(
    sender: type[Reply],
    *,
    reply: Reply,
    removed: set[int],
    submitted: bool,
    renamed: set[int],
    keep_approval: bool,
    actor: Actor,
    **kwargs: Any,
) -> None:
    """delegations.signals.reply_saved: withdraw the accreditations of the delegates taken
    out of the delegation; return to pending (or re-badge, for staff) those of renamed
    delegates; give the delegates of a submitted, attending reply a pending accreditation."""
    services.on_reply_saved(
        reply,
        removed=removed,
        submitted=submitted,
        actor=actor,
        renamed=renamed,
        keep_approval=keep_approval,
    )
