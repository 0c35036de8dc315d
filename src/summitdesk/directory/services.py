"""Directory operations: every change to an organisation or a person goes through here.

Each function is atomic and writes the audit trail (who, when, which fields, old and
new values).
"""

from typing import Any

from django.db import models, transaction
from django.utils.translation import gettext as _

from summitdesk.core import audit, versions
from summitdesk.core.audit import Actor
from summitdesk.core.models import AuditEntry
from summitdesk.directory.enums import DuplicateStatus, OrganisationStatus, PositionRole
from summitdesk.directory.models import DuplicateCandidate, Organisation, Person, Position
from summitdesk.lib.text import name_key, search_document, search_words

ORGANISATION_FIELDS = (
    "external_id",
    "name",
    "acronym",
    "category",
    "stakeholder_group",
    "itu_r",
    "itu_t",
    "itu_d",
    "country",
    "language",
    "address",
    "email",
    "website",
    "status",
)
PERSON_FIELDS = ("title", "given_name", "family_name", "email", "phone", "fax", "nationality")


class DirectoryError(Exception):
    """A directory operation refused, with a message for the person who asked."""


def refresh_search_fields(organisation: Organisation) -> None:
    organisation.search_text = search_document(
        organisation.name,
        organisation.acronym,
        organisation.country_name,
        organisation.external_id or "",
    )
    organisation.name_key = name_key(organisation.name)


@transaction.atomic
def create_organisation(data: dict[str, Any], *, actor: Actor) -> Organisation:
    organisation = Organisation(**data)
    refresh_search_fields(organisation)
    organisation.save()
    audit.record(
        organisation,
        "summitdesk.organisation.created",
        actor=actor,
        changes=audit.diff({}, audit.snapshot(organisation, ORGANISATION_FIELDS)),
        organisation_id=organisation.pk,
    )
    return organisation


@transaction.atomic
def update_organisation(
    organisation: Organisation,
    data: dict[str, Any],
    *,
    actor: Actor,
    expected_version: str | None = None,
) -> dict[str, list[Any]]:
    """Apply `data`; returns the changes recorded (empty when nothing changed).

    With `expected_version` (`versions.version_of` when the writer read it), the row is
    locked first and `versions.Conflict` raised if it changed since: nothing is saved."""
    if expected_version is not None:
        versions.check(versions.lock(Organisation.objects.all(), organisation.pk), expected_version)
    before = audit.snapshot(organisation, ORGANISATION_FIELDS)
    for field, value in data.items():
        setattr(organisation, field, value)
    changes = audit.diff(before, audit.snapshot(organisation, ORGANISATION_FIELDS))
    if changes:
        refresh_search_fields(organisation)
        organisation.save()
        audit.record(
            organisation,
            "summitdesk.organisation.changed",
            actor=actor,
            changes=changes,
            organisation_id=organisation.pk,
        )
    return changes


@transaction.atomic
def save_person(
    person: Person,
    data: dict[str, Any],
    *,
    organisation: Organisation,
    actor: Actor,
    expected_version: str | None = None,
) -> dict[str, list[Any]]:
    """Create or update a person seen from `organisation` (whose history shows the change).

    `expected_version`: as for `update_organisation` (ignored when creating)."""
    creating = person.pk is None
    if expected_version is not None and not creating:
        versions.check(versions.lock(Person.objects.all(), person.pk), expected_version)
    before = {} if creating else audit.snapshot(person, PERSON_FIELDS)
    for field, value in data.items():
        setattr(person, field, value)
    changes = audit.diff(before, audit.snapshot(person, PERSON_FIELDS))
    if changes:
        person.save()
        audit.record(
            person,
            "summitdesk.person.created" if creating else "summitdesk.person.changed",
            actor=actor,
            changes=changes,
            organisation_id=organisation.pk,
        )
    return changes


@transaction.atomic
def assign_position(
    organisation: Organisation,
    person: Person,
    *,
    role: PositionRole,
    function: str = "",
    actor: Actor,
) -> Position:
    """Give `person` a role for `organisation`; a chief executive or focal point replaces
    the previous holder, who stays on as another contact."""
    if role in (PositionRole.CHIEF_EXECUTIVE, PositionRole.FOCAL_POINT):
        for previous in organisation.positions.filter(role=role).exclude(person=person):
            _change_role(previous, PositionRole.OTHER_CONTACT, actor=actor)
    position, created = Position.objects.get_or_create(
        organisation=organisation, person=person, role=role, defaults={"function": function}
    )
    if created or position.function != function:
        before = {} if created else {"function": position.function}
        if not created:  # a new position was saved with its function (defaults)
            position.function = function
            position.save(update_fields=["function"])
        audit.record(
            position,
            "summitdesk.position.assigned" if created else "summitdesk.position.changed",
            actor=actor,
            changes=audit.diff(before, {"role": str(role), "function": function}),
            organisation_id=organisation.pk,
        )
    return position


def _change_role(position: Position, role: PositionRole, *, actor: Actor) -> None:
    # Recorded first: a position deleted below no longer has the primary key the entry names.
    audit.record(
        position,
        "summitdesk.position.changed",
        actor=actor,
        changes={"role": [position.role, str(role)]},
        organisation_id=position.organisation_id,
    )
    duplicate = Position.objects.filter(
        organisation=position.organisation_id, person=position.person_id, role=role
    ).exists()
    if duplicate:
        position.delete()
    else:
        position.role = role
        position.save(update_fields=["role"])


@transaction.atomic
def remove_position(position: Position, *, actor: Actor) -> None:
    audit.record(
        position,
        "summitdesk.position.removed",
        actor=actor,
        changes={"role": [position.role, None]},
        organisation_id=position.organisation_id,
    )
    position.delete()


@transaction.atomic
def merge_organisations(kept: Organisation, duplicate: Organisation, *, actor: Actor) -> None:
    """Fold `duplicate` into `kept`.

    People, history and everything else that refers to the duplicate move to the one
    kept; fields empty on the kept organisation are filled from the duplicate, which
    remains as a record marked merged (so its external ID still leads to the kept one).
    """
    if kept.pk == duplicate.pk:
        raise DirectoryError(_("An organisation cannot be merged with itself."))
    locked = {
        org.pk: org
        for org in Organisation.objects.select_for_update().filter(pk__in=[kept.pk, duplicate.pk])
    }
    kept, duplicate = locked[kept.pk], locked[duplicate.pk]
    if OrganisationStatus.MERGED in (kept.status, duplicate.status):
        raise DirectoryError(_("One of these organisations has already been merged."))

    for position in duplicate.positions.select_related("person"):
        holder = kept.positions.filter(role=position.role).first()
        role = position.role
        if role in (PositionRole.CHIEF_EXECUTIVE, PositionRole.FOCAL_POINT) and holder:
            role = PositionRole.OTHER_CONTACT
        if kept.positions.filter(person=position.person_id, role=role).exists():
            position.delete()
        else:
            Position.objects.filter(pk=position.pk).update(organisation=kept, role=role)

    filled = {
        field: getattr(duplicate, field)
        for field in ("acronym", "address", "email", "website")
        if not getattr(kept, field) and getattr(duplicate, field)
    }
    _move_references(duplicate, kept)
    AuditEntry.objects.filter(organisation=duplicate).update(organisation=kept)
    # Organisations merged earlier into the duplicate now lead straight to the one kept.
    Organisation.objects.filter(merged_into=duplicate).update(merged_into=kept)
    DuplicateCandidate.objects.filter(
        models.Q(organisation=duplicate, other=kept) | models.Q(organisation=kept, other=duplicate)
    ).update(status=DuplicateStatus.MERGED)
    DuplicateCandidate.objects.filter(
        models.Q(organisation=duplicate) | models.Q(other=duplicate), status=DuplicateStatus.OPEN
    ).delete()

    if filled:
        update_organisation(kept, filled, actor=actor)
    before = {"status": duplicate.status, "merged_into": None}
    duplicate.status = OrganisationStatus.MERGED
    duplicate.merged_into = kept
    duplicate.save()
    audit.record(
        duplicate,
        "summitdesk.organisation.merged",
        actor=actor,
        changes=audit.diff(before, {"status": duplicate.status, "merged_into": str(kept)}),
        organisation_id=kept.pk,
    )
    audit.record(
        kept,
        "summitdesk.organisation.absorbed",
        actor=actor,
        note=_("Merged in: %(name)s (#%(id)s)") % {"name": duplicate.name, "id": duplicate.pk},
        organisation_id=kept.pk,
    )


def _move_references(duplicate: Organisation, kept: Organisation) -> None:
    """Point every other record that refers to `duplicate` (correspondence, replies...)
    at `kept`.

    A model may name, in `merge_unique_with`, the field that must stay unique per
    organisation (an invitation per circular): rows of the duplicate that would clash
    with one the kept organisation already has stay with the duplicate, still reachable
    through its pointer, rather than being lost.
    """
    handled = {Position, DuplicateCandidate, AuditEntry, Organisation}
    for relation in Organisation._meta.related_objects:
        model = relation.related_model
        if relation.one_to_many and model not in handled and relation.field.concrete:
            column = relation.field.name
            manager = model._default_manager
            rows = manager.filter(**{column: duplicate})
            unique_with = getattr(model, "merge_unique_with", None)
            if unique_with:
                taken = manager.filter(**{column: kept}).values(unique_with)
                rows = rows.exclude(**{f"{unique_with}__in": taken})
            rows.update(**{column: kept})


@transaction.atomic
def keep_apart(candidate: DuplicateCandidate, *, actor: Actor) -> None:
    """A person decided these two are different organisations."""
    candidate.status = DuplicateStatus.KEPT
    candidate.save(update_fields=["status"])
    audit.record(
        candidate.organisation,
        "summitdesk.organisation.kept_apart",
        actor=actor,
        note=str(candidate.other),
        organisation_id=candidate.organisation_id,
    )


def likely_duplicates(organisation: Organisation) -> list[tuple[Organisation, str]]:
    """Other current organisations that look like `organisation`, with the reason."""
    found: list[tuple[Organisation, str]] = []
    others = Organisation.objects.current().exclude(pk=organisation.pk)
    if organisation.name_key:  # a name of punctuation alone would match every other such name
        for other in others.filter(name_key=organisation.name_key)[:5]:
            found.append((other, _("same name")))
    acronym = name_key(organisation.acronym)
    if acronym:
        # The folded acronym is in the stored search text: narrow down with its words (the
        # same on SQLite and PostgreSQL, unlike iexact beyond ASCII), then compare exactly.
        same_country = others.filter(country=organisation.country).exclude(
            name_key=organisation.name_key
        )
        for word in search_words(organisation.acronym):
            same_country = same_country.filter(search_text__contains=word)
        same_acronym = [other for other in same_country if name_key(other.acronym) == acronym]
        for other in same_acronym[:5]:
            found.append((other, _("same acronym and country")))
    return found


def flag_duplicates(organisation: Organisation) -> int:
    """Record likely duplicates of `organisation` for review; returns how many are new."""
    created = 0
    for other, reason in likely_duplicates(organisation):
        first, second = sorted((organisation.pk, other.pk))
        _, was_created = DuplicateCandidate.objects.get_or_create(
            organisation_id=first, other_id=second, defaults={"reason": reason}
        )
        created += was_created
    return created
