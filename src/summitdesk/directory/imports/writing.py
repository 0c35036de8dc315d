"""Writing a plan: `ImportPlan` -> `ImportReport`, and `import_organisations`.

`apply_plan` writes with bulk queries in one transaction, with an audit entry for every
organisation, person and position created or changed and a duplicate candidate for
every likely duplicate; it writes nothing when a row was refused (unless `only_valid`)
or on a dry run. `import_organisations` runs the four stages on a file.
"""

from collections import Counter
from dataclasses import replace

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from summitdesk.core import audit
from summitdesk.core.audit import Actor
from summitdesk.core.models import AuditEntry
from summitdesk.directory.enums import PositionRole
from summitdesk.directory.imports.checking import check_rows
from summitdesk.directory.imports.planning import (
    CREATE,
    UNCHANGED,
    UPDATE,
    ImportPlan,
    PlannedRow,
    plan_import,
)
from summitdesk.directory.imports.reading import read_file
from summitdesk.directory.imports.results import (
    CHUNK,
    WRITING,
    DuplicateFlag,
    ImportReport,
    Progress,
)
from summitdesk.directory.models import DuplicateCandidate, Organisation, Person, Position
from summitdesk.directory.services import DirectoryError, assign_position, refresh_search_fields

WRITE_CHUNK = 2000  # rows written between two progress reports


def apply_plan(
    plan: ImportPlan,
    *,
    actor: Actor,
    only_valid: bool = False,
    dry_run: bool = False,
    progress: Progress | None = None,
) -> ImportReport:
    """Write the plan in one transaction and report what was done.

    Nothing is written on a dry run, nor when a row was refused and `only_valid` is false.
    Side effects: organisations, people and chief executive positions created or changed,
    with one audit entry each (actor's channel, a note naming the file and row); duplicate
    candidates for the likely duplicates of new organisations.
    Call `plan_import` in the same transaction so that the plan is still true.
    """
    counts = Counter(row.action for row in plan.rows)
    write = not dry_run and (only_valid or not plan.errors)
    duplicates = plan.duplicates
    if write:
        with transaction.atomic():
            duplicates = _write(plan, actor=actor, progress=progress)
    return ImportReport(
        filename=plan.filename,
        total_rows=plan.total_rows,
        created=counts[CREATE],
        updated=counts[UPDATE],
        unchanged=counts[UNCHANGED],
        refused=len({error.row for error in plan.errors}),
        errors=plan.errors,
        warnings=plan.warnings,
        duplicates=duplicates,
        dry_run=dry_run,
        only_valid=only_valid,
        written=write and bool(counts[CREATE] or counts[UPDATE]),
    )


def _write(plan: ImportPlan, *, actor: Actor, progress: Progress | None) -> list[DuplicateFlag]:
    rows = [row for row in plan.rows if row.action != UNCHANGED]
    for start in range(0, len(rows), WRITE_CHUNK):
        chunk = rows[start : start + WRITE_CHUNK]
        _write_chunk(chunk, plan.filename, actor=actor)
        if progress:
            progress(WRITING, start + len(chunk), len(rows))
    created = {row.number: row.organisation.pk for row in rows if row.action == CREATE}
    flags: list[DuplicateFlag] = []
    pairs: dict[tuple[int, int], str] = {}
    for flag in plan.duplicates:
        first = created[flag.row]
        second = created[flag.other_row] if flag.other_row is not None else flag.other_id
        assert second is not None
        pairs.setdefault((min(first, second), max(first, second)), flag.reason)
        flags.append(replace(flag, organisation_id=first))
    DuplicateCandidate.objects.bulk_create(
        [
            DuplicateCandidate(organisation_id=a, other_id=b, reason=r)
            for (a, b), r in pairs.items()
        ],
        batch_size=CHUNK,
        ignore_conflicts=True,
    )
    return flags


def _write_chunk(rows: list[PlannedRow], filename: str, *, actor: Actor) -> None:
    now = timezone.now()
    entries: list[AuditEntry] = []

    def note(row: PlannedRow) -> str:
        return _("%(file)s, row %(row)s") % {"file": filename, "row": row.number}

    creates = [row for row in rows if row.action == CREATE]  # search fields filled by the plan
    Organisation.objects.bulk_create([row.organisation for row in creates], batch_size=CHUNK)
    changed = [row for row in rows if row.action == UPDATE and row.changes]
    for row in changed:
        for name, value in row.values.items():
            setattr(row.organisation, name, value)
        refresh_search_fields(row.organisation)
        row.organisation.updated_at = now
    if changed:
        fields = {name for row in changed for name in row.changes}
        Organisation.objects.bulk_update(
            [row.organisation for row in changed],
            sorted(fields | {"search_text", "name_key", "updated_at"}),
            batch_size=CHUNK,
        )
    for row in creates:
        entries.append(_entry(row.organisation, "created", row, actor, note(row)))
    for row in changed:
        entries.append(_entry(row.organisation, "changed", row, actor, note(row)))

    people = [row for row in rows if row.ceo is not None]
    new_people = [row.ceo.person for row in people if row.ceo and row.ceo.new]
    Person.objects.bulk_create(new_people, batch_size=CHUNK)
    changed_people = [row.ceo for row in people if row.ceo and not row.ceo.new]
    for ceo in changed_people:
        for name, value in ceo.values.items():
            setattr(ceo.person, name, value)
        ceo.person.updated_at = now
    if changed_people:
        fields = {name for ceo in changed_people for name in ceo.changes}
        Person.objects.bulk_update(
            [ceo.person for ceo in changed_people],
            sorted(fields | {"updated_at"}),
            batch_size=CHUNK,
        )
    positions: list[tuple[PlannedRow, Position]] = []
    replacing: list[PlannedRow] = []
    for row in people:
        assert row.ceo is not None
        action = "summitdesk.person.created" if row.ceo.new else "summitdesk.person.changed"
        entries.append(
            audit.entry(
                row.ceo.person,
                action,
                actor=actor,
                changes=row.ceo.changes,
                organisation_id=row.organisation.pk,
                note=note(row),
            )
        )
        if row.ceo.replaces:
            replacing.append(row)
        elif row.ceo.assign:
            position = Position(
                organisation=row.organisation,
                person=row.ceo.person,
                role=PositionRole.CHIEF_EXECUTIVE,
            )
            positions.append((row, position))
    Position.objects.bulk_create([position for _row, position in positions], batch_size=CHUNK)
    assigned = audit.diff({}, {"role": str(PositionRole.CHIEF_EXECUTIVE), "function": ""})
    for row, position in positions:
        entries.append(
            audit.entry(
                position,
                "summitdesk.position.assigned",
                actor=actor,
                changes=assigned,
                organisation_id=position.organisation_id,
                note=note(row),
            )
        )
    AuditEntry.objects.bulk_create(entries, batch_size=CHUNK)
    for row in replacing:  # rare: the service moves the previous one aside, with its entries
        assert row.ceo is not None
        assign_position(
            row.organisation, row.ceo.person, role=PositionRole.CHIEF_EXECUTIVE, actor=actor
        )


def _entry(
    organisation: Organisation, verb: str, row: PlannedRow, actor: Actor, note: str
) -> AuditEntry:
    return audit.entry(
        organisation,
        f"summitdesk.organisation.{verb}",
        actor=actor,
        changes=row.changes,
        organisation_id=organisation.pk,
        note=note,
    )


def import_organisations(
    content: bytes,
    filename: str,
    *,
    actor: Actor,
    only_valid: bool = False,
    dry_run: bool = False,
    progress: Progress | None = None,
) -> ImportReport:
    """Read, check, plan and apply a file (see the package's docstring).

    Raises FileError when the file cannot be read, DirectoryError when another change to
    the directory collided with the import (nothing is written then either).
    """
    checked = check_rows(read_file(content, filename), progress=progress)
    if dry_run:  # no transaction: on SQLite it would hold the write lock while reading
        return apply_plan(plan_import(checked), actor=actor, only_valid=only_valid, dry_run=True)
    try:
        with transaction.atomic():
            plan = plan_import(checked)
            return apply_plan(plan, actor=actor, only_valid=only_valid, progress=progress)
    except IntegrityError as error:  # e.g. the same new external ID from two imports at once
        raise DirectoryError(
            _("The directory changed during the import, so nothing was written: run it again.")
        ) from error
