"""Directory import: 10,000 rows under 20 seconds, all or nothing (DESIGN.md).

Generates a CSV deterministically, imports it into a throwaway database the way
`summitdesk import-organisations` does, and prints rows per second, elapsed seconds and
peak memory, beside the time to parse the same file (the floor: reading alone) and the
time to import it again (every row unchanged).

    .venv/bin/python bench/import_organisations.py [--rows 10000]
    .venv/bin/python bench/import_organisations.py --database-url postgres://postgres@127.0.0.1/postgres

SQLite: a temporary file. PostgreSQL: a database created for the run on the server the
URL names, and dropped afterwards.
"""

import argparse
import csv
import io
import random
import time
import tracemalloc

from _common import database_url_option, met, peak_rss_mib, scratch_database, setup_django

CATEGORIES = [
    ("Member State", "Governments"),
    ("sector_member", "private_sector"),
    ("Sector Member", "International organisations"),
    ("Associate", "Private sector"),
    ("academia", "civil society"),
    ("Accredited business entity", ""),
    ("Civil society", ""),
    ("International organisation", ""),
    ("Media", "Civil society"),
]
COUNTRIES = ["CH", "FRA", "Germany", "BR", "JPN", "Kenya", "US", "ARE", "Russian Federation", "IN"]
SECTORS = ["", "ITU-T", "ITU-R; ITU-D", "itu-t, itu-d", "D"]
LANGUAGES = ["en", "fr", "es", "ar", "ru", "zh", "English", ""]
WORDS = [
    "Télécom", "Global", "Network", "Institute", "Union", "Digital", "Radio", "Société",
    "Research", "Foundation", "Systems", "Council", "Agency", "Ministry", "Öffentliche",
    "Communications", "Academy", "Media", "Satellite", "Forum",
]  # fmt: skip


def make_csv(rows: int, seed: int = 42, prefix: str = "B") -> bytes:
    """A realistic file: every column, varied spellings, a few likely duplicates."""
    rng = random.Random(seed)
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow(
        ["External ID", "Name", "Acronym", "Category", "Stakeholder group", "Sectors",
         "Country", "Language", "Address", "Website", "Email", "CEO title",
         "CEO given name", "CEO family name", "CEO email", "CEO phone"]
    )  # fmt: skip
    for number in range(rows):
        words = rng.sample(WORDS, 3)
        name = f"{' '.join(words)} {number}"
        if number % 100 == 99:  # the same name as an earlier row, spelt differently
            name = f"{' '.join(words)} {number - 50}".upper()
        acronym = "".join(word[0] for word in words).upper() + str(number % 97)
        category, group = rng.choice(CATEGORIES)
        slug = f"org{number}"
        writer.writerow(
            [
                f"{prefix}-{number:06d}",
                f" {name} ",
                acronym,
                category,
                group,
                rng.choice(SECTORS),
                rng.choice(COUNTRIES),
                rng.choice(LANGUAGES),
                f"{number} Avenue de la Paix\n1211 Genève",
                f"www.{slug}.example.org",
                f"info@{slug}.example.org",
                rng.choice(["Mr", "Ms", "Dr", ""]),
                rng.choice(["Amina", "José", "Li", "Olga", "Pierre"]),
                rng.choice(["Diallo", "García", "Wang", "Ivanova", "Martin"]),
                f"ceo@{slug}.example.org",
                f"+41 22 730 {number % 10000:04d}",
            ]
        )
    return out.getvalue().encode("utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    database_url_option(parser)
    args = parser.parse_args()

    with scratch_database("import", args.database_url):
        run(args.rows)


def run(rows: int) -> None:
    setup_django()
    from django.db import connection

    from summitdesk.core.audit import Actor
    from summitdesk.core.enums import Channel
    from summitdesk.core.models import AuditEntry
    from summitdesk.directory import imports
    from summitdesk.directory.models import DuplicateCandidate, Organisation, Person

    content = make_csv(rows)
    actor = Actor.system("import-organisations", Channel.CLI)

    started = time.perf_counter()
    source = imports.read_file(content, "bench.csv")
    parse = time.perf_counter() - started
    started = time.perf_counter()
    imports.check_rows(source)
    check = time.perf_counter() - started

    started = time.perf_counter()
    report = imports.import_organisations(content, "bench.csv", actor=actor)
    elapsed = time.perf_counter() - started
    assert report.created == rows and not report.errors, report.errors[:5]

    started = time.perf_counter()
    again = imports.import_organisations(content, "bench.csv", actor=actor)
    reimport = time.perf_counter() - started
    assert again.unchanged == rows and not again.written

    # Memory, on a second file of new organisations (tracemalloc slows Python down, so
    # the timings above are taken without it).
    other = make_csv(rows, seed=7, prefix="M")
    tracemalloc.start()
    imports.import_organisations(other, "memory.csv", actor=actor)
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    max_rss = peak_rss_mib()

    print(f"database            {connection.vendor} ({connection.settings_dict['NAME']})")
    print(f"rows                {rows:,} ({len(content) / 1e6:.1f} MB CSV)")
    print(f"import              {elapsed:.2f} s, {rows / elapsed:,.0f} rows/s (one transaction)")
    print(f"  parse only        {parse:.2f} s (import is {elapsed / parse:.1f}x parse)")
    print(f"  parse + check     {parse + check:.2f} s (no database)")
    print(f"re-import unchanged {reimport:.2f} s, {rows / reimport:,.0f} rows/s")
    print(f"peak memory         {peak / 1e6:.0f} MB traced (tracemalloc), {max_rss:.0f} MB max RSS")
    print(
        f"written             {Organisation.objects.count():,} organisations, "
        f"{Person.objects.count():,} people, {AuditEntry.objects.count():,} audit entries, "
        f"{DuplicateCandidate.objects.count():,} duplicate candidates"
    )
    print(f"likely duplicates   {len(report.duplicates):,} flagged in the first file")
    print(f"target              under 20 s: {met(elapsed < 20)}")


if __name__ == "__main__":
    main()
