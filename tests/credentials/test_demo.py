from collections import Counter

from summitdesk.core.documents import DocumentState
from summitdesk.credentials import queries
from summitdesk.credentials.models import MandateDocument
from summitdesk.meetings.models import Meeting
from tests.conftest import Demo


def test_the_demo_register_holds_every_examined_state_and_two_documents(demo: Demo) -> None:
    meeting = Meeting.objects.get(code="prepcom-2")

    states = Counter(row.state for row in queries.register(meeting))

    assert {"in_order", "provisional", "not_in_order", "missing", "received"} <= set(states)
    documents = MandateDocument.objects.filter(reply__meeting=meeting)
    assert [d.state for d in documents] == [DocumentState.ACCEPTED] * 2
    assert meeting.document_requirements.filter(kind="nomination_letter").exists()
