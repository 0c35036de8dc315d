"""An insert that a unique constraint may turn down, in one statement.

`Model.save()` inside a savepoint, catching IntegrityError, is three round trips to the
database (SAVEPOINT, INSERT, RELEASE); a gate scan makes two such inserts (the first
admission, the presence in the zone). `insert_unless_taken` writes the same row with
INSERT ... ON CONFLICT DO NOTHING ... RETURNING (PostgreSQL, and SQLite from 3.35), and
says whether it was written. Like the savepoint, a row being written by another
transaction is waited for: the insert does nothing once that one commits, and goes ahead
if it rolls back.
"""

from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections, models
from django.db.models import signals


def insert_unless_taken(obj: models.Model, *, using: str = DEFAULT_DB_ALIAS) -> bool:
    """Insert the unsaved `obj` as `obj.save()` would (auto fields, `auto_now_add`, the
    save signals), unless a row already holds one of its unique values: then nothing is
    written and False is returned. True: written, `obj.pk` set."""
    cls = type(obj)
    meta = cls._meta
    connection = connections[using]
    quote = connection.ops.quote_name
    signals.pre_save.send(sender=cls, instance=obj, raw=False, using=using, update_fields=None)
    pk = meta.pk
    assert pk is not None and pk.column
    columns: list[str] = []
    values: list[Any] = []
    for field in meta.local_concrete_fields:
        if field is meta.auto_field or not field.column:
            continue
        columns.append(quote(field.column))
        values.append(field.get_db_prep_save(field.pre_save(obj, add=True), connection=connection))
    placeholders = ", ".join(["%s"] * len(columns))
    sql = (
        f"INSERT INTO {quote(meta.db_table)} ({', '.join(columns)}) VALUES ({placeholders}) "  # noqa: S608 -- the model's names
        f"ON CONFLICT DO NOTHING RETURNING {quote(pk.column)}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, values)
        row = cursor.fetchone()
    if row is None:
        return False
    obj.pk = row[0]
    obj._state.adding = False
    obj._state.db = using
    signals.post_save.send(
        sender=cls, instance=obj, created=True, update_fields=None, raw=False, using=using
    )
    return True
