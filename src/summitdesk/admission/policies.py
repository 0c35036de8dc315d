"""A process's admission policy as staff set it: who may apply (categories, stakeholder
groups), the window, the periodic review, and the checklist of documents applicants send.

`save_policy` creates the policy on first save and records every change in the audit
trail (the policy's fields changed, the checklist lines added, changed or removed).
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from summitdesk.admission.models import AdmissionPolicy, RequiredDocument
from summitdesk.core import audit
from summitdesk.core.audit import Actor
from summitdesk.meetings.models import Process

POLICY_FIELDS = ("categories", "stakeholder_groups", "opens_at", "closes_at", "review_every_months")
LINE_FIELDS = ("title", "title_translations", "description", "required", "position")


@dataclass(frozen=True)
class ChecklistLine:
    """One line of the checklist as staff left it: `pk` None for a new line."""

    pk: int | None
    data: Mapping[str, Any]
    delete: bool = False


def _jsonable(value: object) -> object:
    return value.isoformat() if hasattr(value, "isoformat") else value


@transaction.atomic
def save_policy(
    process: Process,
    data: Mapping[str, Any],
    lines: Sequence[ChecklistLine],
    *,
    actor: Actor,
) -> AdmissionPolicy:
    """Save the policy of `process` (POLICY_FIELDS of `data`) and its checklist `lines`
    (a line of another policy is ignored)."""
    policy = AdmissionPolicy.objects.select_for_update().filter(process=process).first()
    created = policy is None
    if policy is None:
        policy = AdmissionPolicy(process=process)
    changes: dict[str, list[Any]] = {}
    for field in POLICY_FIELDS:
        if field in data and getattr(policy, field) != data[field]:
            changes[field] = [_jsonable(getattr(policy, field)), _jsonable(data[field])]
            setattr(policy, field, data[field])
    policy.full_clean()
    policy.save()
    existing = {line.pk: line for line in policy.required_documents.all()}
    touched = []
    for line in lines:
        if line.pk is not None and line.pk not in existing:
            continue
        if line.delete:
            if line.pk is not None:
                touched.append(f"removed {existing[line.pk].title}")
                existing[line.pk].delete()
            continue
        document = existing.get(line.pk) if line.pk is not None else None
        if document is None:
            document = RequiredDocument(policy=policy)
        before = {field: getattr(document, field) for field in LINE_FIELDS}
        for field in LINE_FIELDS:
            if field in line.data:
                setattr(document, field, line.data[field])
        if document.pk is None or before != {f: getattr(document, f) for f in LINE_FIELDS}:
            touched.append(f"{'added' if document.pk is None else 'changed'} {document.title}")
            document.full_clean()
            document.save()
    if created or changes or touched:
        audit.record(
            policy,
            "summitdesk.admission_policy.created"
            if created
            else "summitdesk.admission_policy.changed",
            actor=actor,
            changes=changes,
            note="; ".join(touched),
        )
    return policy
