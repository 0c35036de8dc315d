"""The audit trail in words, for the history shown on records (organisation, person,
reply, accreditation, circular, meeting pages): "Amina Diallo changed the email from a@x
to b@y".

Each entry reads as one sentence about who did what to which record, and one sentence per
changed field, the field named by its model's verbose name in the reader's language, a
choice by its label. Values are plain text: the template escapes them, and nothing in
them becomes a link.
"""

import functools
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from summitdesk.core.models import AuditEntry
from summitdesk.lib import dates

#: A value longer than this is cut, with an ellipsis (a letter's text, a long note).
VALUE_CHARS = 120

#: What an action did, as a sentence about `who` and the record (`object`). Actions not
#: named here read "<who> recorded “<action in words>” on <object>".
ACTIONS: dict[str, Promise] = {
    "summitdesk.organisation.created": gettext_lazy("%(who)s created %(object)s"),
    "summitdesk.organisation.changed": gettext_lazy("%(who)s changed %(object)s"),
    "summitdesk.organisation.merged": gettext_lazy("%(who)s merged %(object)s"),
    "summitdesk.organisation.absorbed": gettext_lazy(
        "%(who)s merged another record into %(object)s"
    ),
    "summitdesk.organisation.kept_apart": gettext_lazy("%(who)s kept %(object)s apart"),
    "summitdesk.person.created": gettext_lazy("%(who)s added %(object)s"),
    "summitdesk.person.changed": gettext_lazy("%(who)s changed %(object)s"),
    "summitdesk.position.assigned": gettext_lazy("%(who)s gave %(object)s a role"),
    "summitdesk.position.changed": gettext_lazy("%(who)s changed the role of %(object)s"),
    "summitdesk.position.removed": gettext_lazy("%(who)s removed the role of %(object)s"),
    "summitdesk.reply.opened": gettext_lazy("%(who)s opened %(object)s"),
    "summitdesk.reply.saved": gettext_lazy("%(who)s saved %(object)s"),
    "summitdesk.reply.submitted": gettext_lazy("%(who)s submitted %(object)s"),
    "summitdesk.reply.change_requested": gettext_lazy("%(who)s asked to change %(object)s"),
    "summitdesk.reply.change_accepted": gettext_lazy("%(who)s accepted a change to %(object)s"),
    "summitdesk.reply.change_refused": gettext_lazy("%(who)s refused a change to %(object)s"),
    "summitdesk.accreditation.created": gettext_lazy("%(who)s created %(object)s"),
    "summitdesk.accreditation.approved": gettext_lazy("%(who)s approved %(object)s"),
    "summitdesk.accreditation.rejected": gettext_lazy("%(who)s rejected %(object)s"),
    "summitdesk.accreditation.withdrawn": gettext_lazy("%(who)s withdrew %(object)s"),
    "summitdesk.accreditation.revoked": gettext_lazy("%(who)s revoked %(object)s"),
    "summitdesk.accreditation.reconsidered": gettext_lazy("%(who)s reconsidered %(object)s"),
    "summitdesk.accreditation.identity_changed": gettext_lazy(
        "%(who)s changed the identity data of %(object)s"
    ),
    "summitdesk.accreditation.identity_purged": gettext_lazy(
        "%(who)s deleted the identity data of %(object)s"
    ),
    "summitdesk.accreditation.checked_in": gettext_lazy("%(who)s admitted %(object)s"),
    "summitdesk.accreditation.check_in_undone": gettext_lazy(
        "%(who)s undid the admission of %(object)s"
    ),
    "summitdesk.accreditation.link_issued": gettext_lazy(
        "%(who)s issued a delegate's link for %(object)s"
    ),
    "summitdesk.accreditation.substitute_named": gettext_lazy(
        "%(who)s named a substitute for %(object)s"
    ),
    "summitdesk.delegate.consent_changed": gettext_lazy(
        "%(who)s changed the consent to publication of %(object)s"
    ),
    "summitdesk.reply_link.revoked": gettext_lazy("%(who)s revoked a reply link of %(object)s"),
    "summitdesk.reply_link.reissued": gettext_lazy(
        "%(who)s issued a new reply link for %(object)s"
    ),
    "summitdesk.reply_link.opened_as_organisation": gettext_lazy(
        "%(who)s opened the portal as the organisation, for %(object)s"
    ),
    "summitdesk.message.sent_again": gettext_lazy("%(who)s sent %(object)s again"),
    "summitdesk.message.resent": gettext_lazy("%(who)s sent %(object)s again"),
    "summitdesk.message.retried": gettext_lazy("%(who)s retried %(object)s"),
    "summitdesk.message.confirmed_sent": gettext_lazy("%(who)s confirmed %(object)s as sent"),
    "summitdesk.message.posted": gettext_lazy("%(who)s marked %(object)s as posted"),
    "summitdesk.message.new_link_queued": gettext_lazy(
        "%(who)s sent %(object)s again with a new link"
    ),
    "summitdesk.circular.created": gettext_lazy("%(who)s drafted %(object)s"),
    "summitdesk.circular.changed": gettext_lazy("%(who)s changed %(object)s"),
    "summitdesk.circular.dispatched": gettext_lazy("%(who)s dispatched %(object)s"),
    "summitdesk.meeting.created": gettext_lazy("%(who)s created %(object)s"),
    "summitdesk.meeting.changed": gettext_lazy("%(who)s changed %(object)s"),
}
#: Actions whose only change reads best as one sentence: "<who> changed the email from
#: a@x to b@y".
_CHANGES = frozenset(
    action for action in ACTIONS if action.endswith((".changed", ".saved", "identity_changed"))
)


@dataclass(frozen=True)
class HistoryLine:
    """One audit entry in words."""

    when: datetime
    sentence: str
    changes: list[str]
    note: str
    channel: str


def _who(entry: AuditEntry) -> str:
    actor = entry.actor
    full_name = actor.get_full_name() if actor is not None else ""
    return str(full_name or entry.actor_label or _("Someone"))


@functools.cache
def _model(object_type: str) -> type[models.Model] | None:
    try:
        return apps.get_model(object_type)
    except (LookupError, ValueError):
        return None


def _field(object_type: str, name: str) -> models.Field[Any, Any] | None:
    model = _model(object_type)
    if model is None:
        return None
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return None
    return field if isinstance(field, models.Field) else None


def field_label(object_type: str, name: str) -> str:
    """The field's verbose name in the current language; else its name in words."""
    field = _field(object_type, name)
    if field is not None and field.verbose_name:
        return str(field.verbose_name)
    return name.replace("_", " ")


def _value(object_type: str, name: str, value: Any, zone: str | None = None) -> str:
    if value is None or value == "" or value == []:
        return ""
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, list):
        return ", ".join(filter(None, (_value(object_type, name, item, zone) for item in value)))
    field = _field(object_type, name)
    if field is not None and field.choices:
        labels = {str(key): label for key, label in field.flatchoices}
        if str(value) in labels:
            value = labels[str(value)]
    text = str(dates.recorded_moment(value, zone))
    return text if len(text) <= VALUE_CHARS else text[: VALUE_CHARS - 1] + "…"


def change_sentence(
    object_type: str, name: str, old: Any, new: Any, *, who: str = "", zone: str | None = None
) -> str:
    """One changed field in words, with `who` in front when given."""
    words = {
        "who": who,
        "field": field_label(object_type, name),
        "old": _value(object_type, name, old, zone),
        "new": _value(object_type, name, new, zone),
    }
    if words["old"] and words["new"]:
        return (
            _("%(who)s changed the %(field)s from %(old)s to %(new)s")
            if who
            else _("the %(field)s changed from %(old)s to %(new)s")
        ) % words
    if words["new"]:
        return (
            _("%(who)s set the %(field)s to %(new)s") if who else _("the %(field)s set to %(new)s")
        ) % words
    if words["old"]:
        return (
            _("%(who)s cleared the %(field)s (it was %(old)s)")
            if who
            else _("the %(field)s cleared (it was %(old)s)")
        ) % words
    return (_("%(who)s changed the %(field)s") if who else _("the %(field)s changed")) % words


def _action_words(action: str) -> str:
    """An action not in ACTIONS in words: "summitdesk.meeting.pack_item_added" -> "meeting:
    pack item added"."""
    parts = action.split(".")
    if len(parts) >= 3:
        return f"{parts[-2].replace('_', ' ')}: {parts[-1].replace('_', ' ')}"
    return action.replace("_", " ")


def _pair(pair: Any) -> tuple[Any, Any]:
    """(old, new) of a recorded change: normally [old, new]; anything else is the new."""
    if isinstance(pair, list):
        return ([*pair, None, None][0], [*pair, None, None][1])
    return None, pair


def describe(entry: AuditEntry, *, zone: str | None = None) -> HistoryLine:
    """`entry` in words; moments in the zone `lib.dates.zone_for(zone)` gives."""
    who = _who(entry)
    record = entry.object_repr or _action_words(entry.action)
    changes = [(name, pair) for name, pair in entry.changes.items()]
    if entry.action in _CHANGES and len(changes) == 1:
        name, pair = changes[0]
        old, new = _pair(pair)
        return HistoryLine(
            when=entry.created_at,
            sentence=change_sentence(entry.object_type, name, old, new, who=who, zone=zone),
            changes=[],
            note=entry.note,
            channel=entry.get_channel_display(),
        )
    phrase = ACTIONS.get(entry.action)
    if phrase is not None:
        sentence = str(phrase) % {"who": who, "object": record}
    else:
        sentence = _("%(who)s recorded “%(action)s” on %(object)s") % {
            "who": who,
            "action": _action_words(entry.action),
            "object": record,
        }
    lines = []
    for name, pair in changes:
        old, new = _pair(pair)
        lines.append(change_sentence(entry.object_type, name, old, new, zone=zone))
    return HistoryLine(
        when=entry.created_at,
        sentence=sentence,
        changes=lines,
        note=entry.note,
        channel=entry.get_channel_display(),
    )


def describe_all(entries: Iterable[AuditEntry], *, zone: str | None = None) -> list[HistoryLine]:
    return [describe(entry, zone=zone) for entry in entries]
