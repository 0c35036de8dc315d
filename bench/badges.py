"""Badges: one print run of N approved delegates, each with a different photo.

Aim: 10,000 badges with photos in under 30 s on 2 cores, peak memory under 1.5 GB. For
scale: Indico 3.3 prints 1,000 badges without photos in 6.6 s, pretix 2026.8 in 19.2 s.

Creates a meeting, organisations of the eight categories and N approved accreditations
(badge version 1, numbered), names in Latin, Cyrillic, Chinese and Arabic, and gives each
a DIFFERENT 350 x 450 JPEG (a colour of its own, a drawn shape and its number: Typst
stores an identical image once, which would flatter the figure). Then runs the print run
in this process, as a worker runs it (PDFs of at most 1,000 badges, a ZIP), and prints the
seconds, the badges per second, the peak RSS of the process (getrusage) and the sizes.

PostgreSQL when --database-url is given (a database is created and dropped), else a
temporary SQLite file.

    .venv/bin/python bench/badges.py [--badges 10000] [--layout card|a4-4|a4-6] [--own-design]

--own-design prints with the built-in design uploaded as the meeting's own, which
compiles in a child process of its own per PDF (lib/isolated_documents.py).
"""

import argparse
import io
import os
import random
import resource
import time
from pathlib import Path

from _common import NAMES, database_url_option, met, peak_rss_mib, scratch_database, setup_django
from PIL import Image, ImageDraw

TARGET_SECONDS = 30.0
TARGET_RSS_MB = 1536.0
PER_ORGANISATION = 50
SEED = 2003


def photo(index: int, rng: random.Random) -> bytes:
    """A 350 x 450 JPEG of its own: background colour, an ellipse and the number."""

    background = (rng.randrange(256), rng.randrange(256), rng.randrange(256))
    image = Image.new("RGB", (350, 450), background)
    draw = ImageDraw.Draw(image)
    face = tuple(255 - part for part in background)
    left = rng.randrange(40, 120)
    draw.ellipse((left, 60, left + 150, 260), fill=face)
    draw.rectangle((40, 300, 310, 430), fill=(rng.randrange(256), 80, 160))
    draw.text((60, 340), f"#{index:05d}", fill=(255, 255, 255), font_size=48)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=80)
    return buffer.getvalue()


def populate(count: int, storage_root: Path) -> tuple[object, list[int]]:
    from summitdesk.accreditation.enums import AccreditationStatus
    from summitdesk.accreditation.models import Accreditation
    from summitdesk.delegations.models import Delegate, Reply
    from summitdesk.directory.enums import Category, StakeholderGroup
    from summitdesk.directory.models import Organisation
    from summitdesk.directory.services import refresh_search_fields
    from summitdesk.meetings.enums import MeetingKind
    from summitdesk.meetings.models import Meeting, Process

    rng = random.Random(SEED)
    process = Process.objects.create(code="wsis", name="WSIS")
    meeting = Meeting.objects.create(
        process=process,
        code="wsis-geneva",
        title="World Summit on the Information Society",
        kind=MeetingKind.PREPCOM,
        city="Geneva",
        country="CH",
    )
    categories = list(Category.values)
    countries = ["CH", "EG", "RU", "CN", "FR", "BR", "JP", "SN"]
    organisations = []
    for number in range((count + PER_ORGANISATION - 1) // PER_ORGANISATION):
        organisation = Organisation(
            name=f"Organisation {number} for the Information Society",
            category=categories[number % len(categories)],
            stakeholder_group=StakeholderGroup.GOVERNMENTS,
            country=countries[number % len(countries)],
            language="en",
        )
        refresh_search_fields(organisation)
        organisations.append(organisation)
    Organisation.objects.bulk_create(organisations)
    replies = Reply.objects.bulk_create(
        Reply(organisation=organisation, meeting=meeting) for organisation in organisations
    )
    delegates = Delegate.objects.bulk_create(
        Delegate(
            reply=replies[index // PER_ORGANISATION],
            position=index % PER_ORGANISATION,
            given_name=NAMES[index % len(NAMES)][0],
            family_name=f"{NAMES[index % len(NAMES)][1]} {index}",
        )
        for index in range(count)
    )
    folder = storage_root / "photos" / "bench"
    folder.mkdir(parents=True, exist_ok=True)
    accreditations = []
    for index, delegate in enumerate(delegates):
        (folder / f"{index}.jpg").write_bytes(photo(index, rng))
        accreditations.append(
            Accreditation(
                delegate=delegate,
                meeting=meeting,
                status=AccreditationStatus.APPROVED,
                badge_version=1,
                badge_number=f"{index + 1:05d}",
                photo=f"photos/bench/{index}.jpg",
            )
        )
    Accreditation.objects.bulk_create(accreditations, batch_size=1000)
    ids = list(
        Accreditation.objects.filter(meeting=meeting)
        .order_by("delegate__family_name", "id")
        .values_list("pk", flat=True)
    )
    return meeting, ids


def cpu_seconds() -> tuple[float, float]:
    """User + system CPU seconds of this process and of its finished children."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime, children.ru_utime + children.ru_stime


def run(count: int, layout: str, own_design: bool) -> None:
    setup_django()
    from django.core.files.storage import default_storage
    from django.db import connection

    from summitdesk.accreditation import print_runs
    from summitdesk.accreditation.badges import badge_documents
    from summitdesk.core.audit import Actor

    storage_root = Path(default_storage.path(""))
    started = time.perf_counter()
    meeting, ids = populate(count, storage_root)
    setup = time.perf_counter() - started
    photo_bytes = sum(p.stat().st_size for p in (storage_root / "photos" / "bench").iterdir())
    rss_before = peak_rss_mib()

    if own_design:
        from django.core.files.uploadedfile import SimpleUploadedFile

        from summitdesk.accreditation import badge_templates

        design = SimpleUploadedFile("own.typ", badge_templates.built_in_source().encode())
        badge_templates.set_badge_template(meeting, upload=design, actor=Actor.system("bench"))  # type: ignore[arg-type]
    run = print_runs.create_print_run(
        meeting,  # type: ignore[arg-type]
        ids,
        actor=Actor.system("bench"),
        layout=layout,
    )
    cpu_before = cpu_seconds()
    started = time.perf_counter()
    finished = print_runs.run_print_run(run.pk)
    elapsed = time.perf_counter() - started
    cpu = [after - before for after, before in zip(cpu_seconds(), cpu_before, strict=True)]
    parent = peak_rss_mib()
    # The PDFs render in child processes, one at a time: the peak is this process's own
    # plus the largest child's (RUSAGE_CHILDREN reports the largest, not a sum).
    child = peak_rss_mib(resource.RUSAGE_CHILDREN)
    peak = parent + child
    assert finished is not None and finished.status == "done", finished

    # Where the time goes, for one chunk: this process prepares (rows, photos, QR codes,
    # JSON) while a child renders the previous chunk.
    chunk = ids[: print_runs.CHUNK_SIZE]
    started = time.perf_counter()
    accreditations = print_runs._load(meeting, chunk)  # type: ignore[arg-type]
    load = time.perf_counter() - started
    started = time.perf_counter()
    badge_documents(accreditations)
    prepare = time.perf_counter() - started

    sizes = [(Path(name).name, default_storage.size(name)) for name in finished.files]
    print(f"database            {connection.vendor}")
    print(f"layout              {layout}{', own design' if own_design else ''}")
    print(
        f"badges              {count:,}, each with its own photo "
        f"({photo_bytes / 1e6:.0f} MB of JPEG)"
    )
    print(f"setup               {setup:.1f} s (not timed below)")
    print(f"print run           {elapsed:.2f} s, {count / elapsed:,.0f} badges/s")
    print(
        f"  CPU               {cpu[0]:.1f} s here + {cpu[1]:.1f} s in render children "
        f"(load average now: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)"
    )
    print(
        f"  per chunk of {len(chunk):,}: rows {load:.2f} s, photos + QR codes + data "
        f"{prepare:.2f} s here (the render child works meanwhile)"
    )
    print(
        f"peak RSS            {peak:.0f} MB: this process {parent:.0f} MB (before the run: "
        f"{rss_before:.0f} MB) + largest render child {child:.0f} MB"
    )
    for name, size in sizes:
        print(f"  {name:<40} {size / 1e6:8.1f} MB")
    pdf_total = sum(size for name, size in sizes if name.endswith(".pdf"))
    print(f"PDFs                {pdf_total / 1e6:.1f} MB in {len(sizes) - 1} files")
    scaled = elapsed * 10_000 / count
    print(
        f"target              10,000 under {TARGET_SECONDS:.0f} s "
        f"({met(scaled < TARGET_SECONDS)}"
        f"{'' if count == 10_000 else f', scaled from {count:,}: {scaled:.1f} s'}), "
        f"peak RSS under {TARGET_RSS_MB:.0f} MB ({met(peak < TARGET_RSS_MB)})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--badges", type=int, default=10_000)
    parser.add_argument("--layout", choices=["card", "a4-4", "a4-6"], default="card")
    parser.add_argument("--own-design", action="store_true")
    database_url_option(parser)
    args = parser.parse_args()

    with scratch_database("badges", args.database_url):
        run(args.badges, args.layout, args.own_design)


if __name__ == "__main__":
    main()
