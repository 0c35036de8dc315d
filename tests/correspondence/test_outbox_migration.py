"""The migration that opens the outbox to every email: the letters and reminders already
in it get their kind, organisation and time from their mailing and invitation."""

import datetime
from collections.abc import Iterator

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from tests.factories import MeetingFactory, OrganisationFactory

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("correspondence", "0002_replylink_person")]
AFTER = [("correspondence", "0004_fill_outbox_letters")]


@pytest.fixture(autouse=True)
def _latest_schema_after() -> Iterator[None]:
    """Leave the database as every other test expects it: every migration applied (those
    after AFTER too, which going back to BEFORE unapplied)."""
    yield
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())


def test_existing_letters_and_reminders_get_their_kind_organisation_and_time() -> None:
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    # Only the correspondence is migrated back: the other apps' tables are as they are now.
    meeting = MeetingFactory()
    organisation = OrganisationFactory()
    circular = old.get_model("correspondence", "Circular").objects.create(
        reference="DM-1", date=datetime.date(2003, 7, 9), meeting_id=meeting.pk, addressees="All"
    )
    invitation = old.get_model("correspondence", "Invitation").objects.create(
        circular=circular, organisation_id=organisation.pk, language="en"
    )
    mailing = old.get_model("correspondence", "Mailing")
    message = old.get_model("correspondence", "OutboundMessage")
    for kind in ("letter", "reminder"):
        message.objects.create(
            mailing=mailing.objects.create(circular=circular, kind=kind), invitation=invitation
        )

    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    new = executor.loader.project_state(AFTER).apps
    rows = new.get_model("correspondence", "OutboundMessage").objects.order_by("id")

    assert [(row.kind, row.organisation_id) for row in rows] == [
        ("letter", organisation.pk),
        ("reminder", organisation.pk),
    ]
    assert [row.created_at for row in rows] == [row.mailing.created_at for row in rows]
