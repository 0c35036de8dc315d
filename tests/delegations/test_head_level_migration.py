"""The migration that replaces the reply's level of the head of delegation by the head's
protocol level, and seeds every existing meeting's participant types."""

from collections.abc import Iterator

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from tests.factories import OrganisationFactory, ProcessFactory

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("delegations", "0006_join_requests"), ("meetings", "0006_photo_age")]
AFTER = [
    ("delegations", "0007_protocol_levels_types_and_online"),
    ("meetings", "0007_participant_types_and_online_access"),
]


@pytest.fixture(autouse=True)
def _latest_schema_after() -> Iterator[None]:
    """Every migration applied again afterwards, as the other tests expect."""
    yield
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())


def test_old_levels_become_the_heads_protocol_level_and_meetings_get_their_types() -> None:
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    meeting = old.get_model("meetings", "Meeting").objects.create(
        process_id=ProcessFactory().pk, code="old-meeting", title="Old", kind="prepcom"
    )
    reply_model = old.get_model("delegations", "Reply")
    delegate_model = old.get_model("delegations", "Delegate")
    heads = {}
    for level in ("chief_executive", "board", "senior_executive", "other"):
        reply = reply_model.objects.create(
            organisation_id=OrganisationFactory().pk, meeting_id=meeting.pk, head_level=level
        )
        heads[level] = delegate_model.objects.create(reply=reply, family_name=level, is_head=True)
        delegate_model.objects.create(reply=reply, family_name=f"{level} member", position=1)
    headless = reply_model.objects.create(
        organisation_id=OrganisationFactory().pk, meeting_id=meeting.pk, head_level="board"
    )

    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    new = executor.loader.project_state(AFTER).apps
    delegates = new.get_model("delegations", "Delegate").objects

    levels = {d.family_name: d.protocol_level for d in delegates.all()}
    assert levels == {
        "chief_executive": "chief_executive",
        "chief_executive member": "",
        "board": "other",
        "board member": "",
        "senior_executive": "other",
        "senior_executive member": "",
        "other": "other",
        "other member": "",
    }
    assert not delegates.filter(reply_id=headless.pk).exists()
    types = new.get_model("meetings", "ParticipantType").objects.filter(meeting_id=meeting.pk)
    assert types.count() == 10
