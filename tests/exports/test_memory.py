"""Exports stream: the memory they take does not grow with the number of rows.

Measured with tracemalloc (Python allocations, deterministic) while writing to a sink that
keeps nothing; never timed."""

import tracemalloc

import pytest

from summitdesk.exports import kinds, services
from summitdesk.exports.kinds import KINDS, parse_filters
from summitdesk.meetings.models import Meeting
from tests.exports.conftest import many_accreditations
from tests.factories import MeetingFactory

#: What the peak may grow by from 2,000 to 8,000 rows: far less than 6,000 rows would take
#: if they were kept (about 5 MB as cells, more as model instances).
GROWTH_BOUND = 400_000


class Sink:
    """A binary file that forgets what it is given, counting the bytes."""

    def __init__(self) -> None:
        self.size = 0

    def write(self, data: bytes) -> int:
        self.size += len(data)
        return len(data)

    def flush(self) -> None:
        pass


def peak(meeting: Meeting, export_format: str) -> tuple[int, int]:
    kind = KINDS["accreditations"]
    filters = parse_filters(kind, {"meeting": [meeting.code]})
    sink = Sink()
    tracemalloc.start()
    try:
        rows = services.write_export(kind, filters, export_format, sink, identity=True)  # type: ignore[arg-type]
        return rows, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


@pytest.mark.integration  # thousands of rows
def test_export_memory_does_not_grow_with_rows(db: None, monkeypatch: pytest.MonkeyPatch) -> None:
    # Several chunks at both sizes: while the next chunk is read the last one is still
    # alive, a fixed cost that an export of a single chunk would not show.
    monkeypatch.setattr(kinds, "CHUNK_SIZE", 500)
    small, large = MeetingFactory(code="small"), MeetingFactory(code="large")
    many_accreditations(small, 2000)
    many_accreditations(large, 8000)
    for export_format in ("csv", "xlsx"):
        peak(small, export_format)  # warm up: imports, translations, compiled queries

        small_rows, small_peak = peak(small, export_format)
        large_rows, large_peak = peak(large, export_format)

        assert (small_rows, large_rows) == (2000, 8000)
        assert large_peak - small_peak < GROWTH_BOUND, (export_format, small_peak, large_peak)
