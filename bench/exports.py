"""Exports: the accreditations of a meeting to CSV and XLSX at 10,000 and 100,000 rows.

Aim: 100,000 rows to CSV in under 6 s and to XLSX in under 20 s; peak memory at 100,000
rows within 20% of that at 10,000. For scale: Indico 3.3 exports 10,000 registrations in
6.4 s (CSV) and 8.0 s (XLSX).

Creates two meetings with 10,000 and 100,000 approved accreditations (bulk_create; names in
Latin, Cyrillic, Chinese and Arabic; identity document data on every other one; 50
delegates per organisation, organisations in every region), then exports each meeting's
accreditations, every column including the identity ones, to a file, as the worker and the
command line do (`exports.services.write_export`). Each measurement runs in a fresh child
process against the same database, so that its max RSS (VmHWM) is its own:

- timed: seconds and rows per second, max RSS of the child;
- traced: the same export under tracemalloc (slower, not timed), its peak of Python memory;
- baseline: a plain `csv.writer` over the same rows read with `values_list` (no labels, no
  neutralising), the floor any CSV export in Python stands on.

PostgreSQL when --database-url is given (a database is created and dropped), else a
temporary SQLite file.

    .venv/bin/python bench/exports.py [--rows 100000] [--database-url postgres://...]
"""

import argparse
import csv
import datetime
import json
import os
import resource
import subprocess
import sys
import time
import tracemalloc
from typing import Any

from _common import NAMES, database_url_option, met, scratch_database, setup_django

TARGET_CSV_SECONDS = 6.0
TARGET_XLSX_SECONDS = 20.0
TARGET_MEMORY_RATIO = 1.2
PER_ORGANISATION = 50
COUNTRIES = ["CH", "SN", "EG", "BR", "JP", "RU", "FR", "CN", "KE", "AR"]


def populate(code: str, count: int, process: Any) -> None:

    from summitdesk.accreditation.enums import AccreditationStatus
    from summitdesk.accreditation.models import Accreditation
    from summitdesk.delegations.enums import ReplyState
    from summitdesk.delegations.models import Delegate, Reply
    from summitdesk.directory.enums import Category, StakeholderGroup
    from summitdesk.directory.models import Organisation
    from summitdesk.directory.services import refresh_search_fields
    from summitdesk.meetings.enums import MeetingKind
    from summitdesk.meetings.models import Meeting

    meeting = Meeting.objects.create(
        process=process, code=code, title=f"Meeting {code}", kind=MeetingKind.PREPCOM
    )
    categories = list(Category.values)
    groups = list(StakeholderGroup.values)
    organisations = []
    for number in range((count + PER_ORGANISATION - 1) // PER_ORGANISATION):
        organisation = Organisation(
            name=f"{code} organisation {number} for the Information Society",
            acronym=f"O{number}",
            category=categories[number % len(categories)],
            stakeholder_group=groups[number % len(groups)],
            country=COUNTRIES[number % len(COUNTRIES)],
            language="en",
        )
        refresh_search_fields(organisation)
        organisations.append(organisation)
    Organisation.objects.bulk_create(organisations, batch_size=1000)
    replies = Reply.objects.bulk_create(
        (
            Reply(organisation=organisation, meeting=meeting, state=ReplyState.SUBMITTED)
            for organisation in organisations
        ),
        batch_size=1000,
    )
    delegates = Delegate.objects.bulk_create(
        (
            Delegate(
                reply=replies[index // PER_ORGANISATION],
                position=index % PER_ORGANISATION,
                is_head=index % PER_ORGANISATION == 0,
                title="Dr" if index % 3 == 0 else "",
                given_name=NAMES[index % len(NAMES)][0],
                family_name=f"{NAMES[index % len(NAMES)][1]} {index}",
                function="Director of international relations",
                email=f"delegate{index}@example.org",
                nationality=COUNTRIES[index % len(COUNTRIES)],
            )
            for index in range(count)
        ),
        batch_size=2000,
    )
    Accreditation.objects.bulk_create(
        (
            Accreditation(
                delegate=delegate,
                meeting=meeting,
                status=AccreditationStatus.APPROVED,
                badge_version=1,
                badge_number=f"{index + 1:06d}",
                passport_given_name=delegate.given_name if index % 2 else "",
                passport_family_name=delegate.family_name.upper() if index % 2 else "",
                date_of_birth=datetime.date(1970, 1, 1) + datetime.timedelta(days=index % 9000)
                if index % 2
                else None,
                document_number=f"P{index:08d}" if index % 2 else "",
            )
            for index, delegate in enumerate(delegates)
        ),
        batch_size=2000,
    )


def peak_rss() -> int:
    """This process's peak resident memory in bytes: VmHWM, which starts afresh with the
    new program (getrusage's ru_maxrss keeps the parent's, across fork and exec)."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def child(mode: str, code: str, export_format: str, out: str) -> None:
    """One measurement, in this fresh process; prints its figures as JSON."""
    import django

    django.setup()

    from summitdesk.accreditation.models import Accreditation
    from summitdesk.exports import services
    from summitdesk.exports.kinds import KINDS, parse_filters

    kind = KINDS["accreditations"]
    filters = parse_filters(kind, {"meeting": [code]})
    services.columns(kind, identity=True)  # translations and labels loaded before timing
    rows = 0
    if mode == "trace":
        tracemalloc.start()
    started = time.perf_counter()
    if mode == "baseline":
        values = (
            Accreditation.objects.filter(meeting__code=code)
            .order_by(
                "delegate__reply__organisation__name",
                "delegate__family_name",
                "delegate__given_name",
                "pk",
            )
            .values_list(*kind.rows(filters).query.values_select)
        )
        with open(out, "w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            for row in values.iterator(chunk_size=2000):
                writer.writerow(row)
                rows += 1
    else:
        with open(out, "wb") as handle:
            rows = services.write_export(kind, filters, export_format, handle, identity=True)
    seconds = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1] if mode == "trace" else 0
    print(
        json.dumps(
            {
                "rows": rows,
                "seconds": seconds,
                "traced_peak": peak,
                "max_rss": peak_rss(),
                "size": os.path.getsize(out),
            }
        )
    )


def measure(mode: str, code: str, export_format: str, scratch: str) -> dict[str, Any]:
    out = os.path.join(scratch, f"{mode}-{code}.{export_format}")
    done = subprocess.run(
        [sys.executable, __file__, "--child", mode, code, export_format, out],
        check=True,
        capture_output=True,
        text=True,
        env=os.environ,
    )
    figures: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    os.unlink(out)
    return figures


def run(count: int, scratch: str) -> None:
    setup_django()
    from django.db import connection

    from summitdesk.meetings.models import Process

    small = count // 10
    started = time.perf_counter()
    process = Process.objects.create(code="bench", name="Bench")
    populate("small", small, process)
    populate("large", count, process)
    setup = time.perf_counter() - started
    connection.close()

    results: dict[tuple[str, str], dict[str, Any]] = {}
    for export_format in ("csv", "xlsx"):
        for code in ("small", "large"):
            timed = measure("time", code, export_format, scratch)
            traced = measure("trace", code, export_format, scratch)
            timed["traced_peak"] = traced["traced_peak"]
            results[(export_format, code)] = timed
    for code in ("small", "large"):
        results[("baseline", code)] = measure("baseline", code, "csv", scratch)

    print(f"database            {connection.vendor}")
    print(
        f"accreditations      {small:,} and {count:,} (two meetings), every column "
        "(identity included)"
    )
    print(f"setup               {setup:.1f} s (not timed below)")
    print(
        f"{'':20}{'rows':>9} {'seconds':>8} {'rows/s':>9} {'tracemalloc peak':>17} "
        f"{'max RSS':>9} {'file':>9}"
    )
    labels = {"csv": "CSV", "xlsx": "XLSX", "baseline": "baseline csv.writer"}
    for (name, _code), figures in results.items():
        peak_text = f"{figures['traced_peak'] / 1e6:.1f} MB" if name != "baseline" else "not traced"
        print(
            f"{labels[name]:<20}{figures['rows']:>9,} {figures['seconds']:>8.2f} "
            f"{figures['rows'] / figures['seconds']:>9,.0f} "
            f"{peak_text:>17} {figures['max_rss'] / 1e6:>6.0f} MB "
            f"{figures['size'] / 1e6:>6.1f} MB"
        )
    baseline = results[("baseline", "large")]["seconds"]
    for name in ("csv", "xlsx"):
        print(
            f"{labels[name]} at {count:,}: {results[(name, 'large')]['seconds'] / baseline:.1f}x "
            "the baseline's time"
        )
    verdicts = []
    csv_seconds = results[("csv", "large")]["seconds"] * 100_000 / count
    xlsx_seconds = results[("xlsx", "large")]["seconds"] * 100_000 / count
    scaled = "" if count == 100_000 else f" (scaled from {count:,})"
    verdicts.append(
        f"CSV 100,000 under {TARGET_CSV_SECONDS:.0f} s: {csv_seconds:.1f} s{scaled} "
        f"({met(csv_seconds < TARGET_CSV_SECONDS)})"
    )
    verdicts.append(
        f"XLSX 100,000 under {TARGET_XLSX_SECONDS:.0f} s: {xlsx_seconds:.1f} s{scaled} "
        f"({met(xlsx_seconds < TARGET_XLSX_SECONDS)})"
    )
    for name in ("csv", "xlsx"):
        small_figures, large_figures = results[(name, "small")], results[(name, "large")]
        traced = large_figures["traced_peak"] / small_figures["traced_peak"]
        rss = large_figures["max_rss"] / small_figures["max_rss"]
        within = traced <= TARGET_MEMORY_RATIO and rss <= TARGET_MEMORY_RATIO
        verdicts.append(
            f"{labels[name]} memory {count:,} / {small:,}: tracemalloc {traced:.2f}, "
            f"max RSS {rss:.2f}, within {TARGET_MEMORY_RATIO:.1f} ({met(within)})"
        )
    for verdict in verdicts:
        print(f"target              {verdict}")
    print("for scale           Indico 3.3: 10,000 registrations, CSV 6.4 s, XLSX 8.0 s")


def main() -> None:
    if len(sys.argv) == 6 and sys.argv[1] == "--child":
        child(*sys.argv[2:])
        return
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    database_url_option(parser)
    args = parser.parse_args()

    with scratch_database("exports", args.database_url) as scratch:
        run(args.rows, scratch)


if __name__ == "__main__":
    main()
