"""The change feed: every audit entry, in the order it became visible.

An entry's id is taken when its transaction writes it, but the transaction may commit
later than one with a higher id: a reader that remembered "up to id N" would skip it.
So entries get a `sequence` only once committed, from `assign_sequences`, which holds a
lock on the one ChangeCounter row while it numbers every committed entry still without
one. Numbers handed out under the lock are all higher than any committed before, so the
sequences a reader can see always form an unbroken prefix: `since=<sequence>` never
misses a change, whenever it was committed.
"""

from django.db import connection, transaction
from django.db.models import F

from summitdesk.core.models import AuditEntry, ChangeCounter

#: Entries numbered per transaction: bounds the lock time after a large import.
BATCH = 5000


def assign_sequences(*, batch: int = BATCH) -> int:
    """Number the committed entries that have no sequence yet; returns how many."""
    if not AuditEntry.objects.filter(sequence__isnull=True).exists():
        return 0
    numbered = 0
    while True:
        with transaction.atomic():
            # An UPDATE takes the lock on both databases (SQLite: the write lock); the
            # row is created by the migration (again here after a test flushed it).
            if not ChangeCounter.objects.filter(pk=1).update(value=F("value")):
                ChangeCounter.objects.get_or_create(pk=1)
            last = ChangeCounter.objects.get(pk=1).value
            ids = list(
                AuditEntry.objects.filter(sequence__isnull=True)
                .order_by("id")
                .values_list("id", flat=True)[:batch]
            )
            if not ids:
                return numbered
            # Entries committed meanwhile inside the range are numbered too: count them all.
            given = _number(ids, last)
            ChangeCounter.objects.filter(pk=1).update(value=last + given)
        numbered += given
        if len(ids) < batch:
            return numbered


def _number(ids: list[int], last: int) -> int:
    """Give `ids` (ascending) the sequences last+1, last+2, ... in one statement."""
    table = AuditEntry._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET sequence = numbered.n + %s "  # noqa: S608 (table name only)
            f"FROM (SELECT id, ROW_NUMBER() OVER (ORDER BY id) AS n FROM {table} "
            "WHERE sequence IS NULL AND id >= %s AND id <= %s) AS numbered "
            f"WHERE {table}.id = numbered.id",
            [last, ids[0], ids[-1]],
        )
        return int(cursor.rowcount)


def latest_sequence() -> int:
    """The highest sequence given so far (0 before the first)."""
    counter = ChangeCounter.objects.filter(pk=1).values_list("value", flat=True).first()
    return counter or 0
