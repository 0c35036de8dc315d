"""An insert that a unique constraint may turn down, in one statement (lib.inserts)."""

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from summitdesk.accreditation.enums import CheckInResult
from summitdesk.accreditation.models import Accreditation, CheckIn
from summitdesk.lib.inserts import insert_unless_taken
from tests.accreditation.builders import make_accreditation
from tests.factories import MeetingFactory

pytestmark = pytest.mark.django_db


def entry(accreditation: Accreditation, desk: str) -> CheckIn:
    return CheckIn(
        accreditation=accreditation,
        meeting=accreditation.meeting,
        result=CheckInResult.ENTERED,
        desk=desk,
    )


def test_a_row_taken_already_is_not_written_and_the_transaction_goes_on() -> None:
    accreditation = make_accreditation(MeetingFactory())
    first, second = entry(accreditation, "North"), entry(accreditation, "South")

    with transaction.atomic(), CaptureQueriesContext(connection) as captured:
        assert insert_unless_taken(first)
        assert not insert_unless_taken(second)  # one `entered` per accreditation
        # No error was raised: the transaction is still usable (PostgreSQL would refuse
        # every statement after a failed one) and nothing needed a savepoint.
        assert CheckIn.objects.count() == 1

    assert not [q for q in captured if "SAVEPOINT" in q["sql"].upper()]
    row = CheckIn.objects.get()
    assert row.pk == first.pk
    assert not first._state.adding
    assert second.pk is None
    assert (row.desk, row.scanned_at) == ("North", first.scanned_at)  # auto_now_add given


def test_a_free_row_is_written_as_save_would() -> None:
    accreditation = make_accreditation(MeetingFactory())
    made = entry(accreditation, "North")

    assert insert_unless_taken(made)

    row = CheckIn.objects.get(pk=made.pk)
    assert row.accreditation_id == accreditation.pk
    assert row.result == CheckInResult.ENTERED
    assert row.scanned_at == made.scanned_at
