"""Saving a draft circular with each text's salutation and closing.

`services.save_circular` takes each language's subject and body; the salutation and
closing of each text ("Dear Sir/Madam," / "Madame, Monsieur,") are saved here, in the same
transaction and recorded the same way. (To fold into save_circular when it takes them.)
"""

from typing import Any

from django.db import transaction

from summitdesk.core import audit
from summitdesk.core.audit import Actor
from summitdesk.correspondence import services
from summitdesk.correspondence.models import Circular, CircularText


@transaction.atomic
def save_draft(
    circular: Circular,
    data: dict[str, Any],
    texts: dict[str, tuple[str, str]],
    greetings: dict[str, tuple[str, str]],
    *,
    actor: Actor,
) -> dict[str, list[Any]]:
    """`services.save_circular`, then the (salutation, closing) of each language in
    `greetings`; returns every recorded change. Raises services.CircularError unless draft."""
    changes = services.save_circular(circular, data, texts, actor=actor)
    greeting_changes: dict[str, list[Any]] = {}
    for text in CircularText.objects.filter(circular=circular, language__in=list(greetings)):
        salutation, closing = greetings[text.language]
        for name, value in (("salutation", salutation), ("closing", closing)):
            if getattr(text, name) != value:
                greeting_changes[f"{name}_{text.language}"] = [getattr(text, name), value]
                setattr(text, name, value)
        text.save(update_fields=["salutation", "closing"])
    if greeting_changes:
        audit.record(circular, "summitdesk.circular.changed", actor=actor, changes=greeting_changes)
    return changes | greeting_changes
