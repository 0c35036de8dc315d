"""Letters: personalised one-page DM-1048 letters rendered to PDF on one core.

Target: 90 to 200 letters a second with the process's reused Typst compiler.

Builds N letters to fictional organisations (names in Latin with accents, Cyrillic,
Chinese and Arabic; a personal reply link each, so a QR code each), then renders them one
by one with `render_letter`, as the dispatch tasks do. Prints:
- the rate and p50/p95 of rendering alone (reused compiler),
- the rate of building the letters (the QR code included),
- the rate of both, which is what one worker achieves per core,
- the from-scratch rate: a new `typst.Compiler` built from the font folders for each of
  20 letters (the fonts are scanned and loaded again every time), and the ratio,
- a new compiler per letter that shares the process's font set, to show where the cost is,
- peak RSS of the process.
Every rendered letter is checked to be exactly one page.

    .venv/bin/python bench/letters_raw.py [--letters 500]
"""

import argparse
import io
import json
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from base64 import urlsafe_b64encode
from importlib.metadata import version
from pathlib import Path

from _common import ROOT, peak_rss_mib

sys.path.insert(0, str(ROOT))
# The sample letter's text comes from the demo circular, which needs Django's settings
# (nothing here touches a database).
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "summitdesk.settings")

import django

django.setup()

import pypdf  # noqa: E402
import typst  # noqa: E402

from summitdesk.correspondence.letters import (  # noqa: E402
    TEMPLATE,
    Letter,
    letter_data,
    render_letter,
)
from summitdesk.lib.documents import font_paths  # noqa: E402
from tests.correspondence.test_letters import dm1048_letter  # noqa: E402

TARGET = (90.0, 200.0)
FROM_SCRATCH = 20

ORGANISATIONS = [
    (
        "Mr Mamadou Diallo",
        "Télécommunications du Sénégal",
        ["Avenue Cheikh Anta Diop", "Dakar", "Senegal"],
    ),
    (
        "Sra. Ana Pérez",
        "Compañía Dominicana de Teléfonos",
        ["Avenida John F. Kennedy 12", "Santo Domingo", "Dominican Republic"],
    ),
    ("Г-н Иван Петров", "Ростелеком", ["ул. Гончарова, 30", "Москва, 127006", "Россия"]),
    ("王伟先生", "华信通信集团", ["北京市海淀区中关村大街 1 号", "100080 北京", "中国"]),
    (
        "السيد أحمد العلي",
        "شركة الواحة للاتصالات",
        ["ص.ب. 1234", "الرياض 11564", "المملكة العربية السعودية"],
    ),
    (
        "Dr Kwame Mensah",
        "Ghana Telecommunications Company Ltd",
        ["Telecom House, Nsawam Road", "Accra", "Ghana"],
    ),
]


def personalised_letters(count: int, rng: random.Random) -> list[Letter]:
    """`count` DM-1048 letters, each to an organisation of its own with its own reply link."""
    letters = []
    for number in range(count):
        person, organisation, postal = ORGANISATIONS[number % len(ORGANISATIONS)]
        token = urlsafe_b64encode(rng.randbytes(16)).rstrip(b"=").decode()
        letters.append(
            dm1048_letter(
                addressee=[
                    person,
                    "Chief Executive Officer",
                    f"{organisation} ({number + 1})",
                    *postal,
                ],
                reply_url=f"https://summitdesk.example.org/reply/{token}",
            )
        )
    return letters


def as_json(letter: Letter) -> str:
    return json.dumps(letter_data(letter), ensure_ascii=False)


def percentile(values: list[float], share: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[round(share * 100) - 1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--letters", type=int, default=500)
    parser.add_argument("--seed", type=int, default=1048)
    args = parser.parse_args()
    rng = random.Random(args.seed)

    # Building: the Letter objects, QR code included.
    started = time.perf_counter()
    letters = personalised_letters(args.letters, rng)
    build_seconds = time.perf_counter() - started

    # Warm-up, as a worker that has rendered once: the compiler exists, fonts are loaded.
    render_letter(letters[0])

    timings = []
    pdfs = []
    started = time.perf_counter()
    for letter in letters:
        before = time.perf_counter()
        pdfs.append(render_letter(letter))
        timings.append((time.perf_counter() - before) * 1000)
    render_seconds = time.perf_counter() - started

    pages = {len(pypdf.PdfReader(io.BytesIO(pdf)).pages) for pdf in pdfs}
    if pages != {1}:
        print(f"FAIL: letters of {sorted(pages)} pages, expected one page each")
        return 1

    # From scratch: a new compiler from the font folders for every letter. The template
    # reads its data from /data.json in its root: a copy of its folder serves as that root.
    paths = [str(path) for path in font_paths()]
    root = Path(tempfile.mkdtemp()) / "templates"
    shutil.copytree(TEMPLATE.parent, root)
    source = str(root / TEMPLATE.name)
    scratch_ms = []
    for letter in letters[:FROM_SCRATCH]:
        before = time.perf_counter()
        (root / "data.json").write_text(as_json(letter))
        compiler = typst.Compiler(
            source, root=str(root), font_paths=paths, ignore_system_fonts=True
        )
        compiler.compile(format="pdf")
        scratch_ms.append((time.perf_counter() - before) * 1000)

    # A new compiler per letter, sharing one font set (whose fonts stay loaded).
    fonts = typst.Fonts(include_system_fonts=False, font_paths=paths)
    shared_ms = []
    for letter in letters[:FROM_SCRATCH]:
        before = time.perf_counter()
        (root / "data.json").write_text(as_json(letter))
        compiler = typst.Compiler(
            source, root=str(root), font_paths=fonts, ignore_system_fonts=True
        )
        compiler.compile(format="pdf")
        shared_ms.append((time.perf_counter() - before) * 1000)

    count = len(letters)
    render_rate = count / render_seconds
    scratch_rate = 1000 / statistics.mean(scratch_ms)
    print(f"letters: {count} one-page DM-1048 letters, one core, typst {version('typst')}")
    print(
        f"render (reused compiler): {render_rate:.0f} letters/s, "
        f"p50 {percentile(timings, 0.50):.1f} ms, p95 {percentile(timings, 0.95):.1f} ms, "
        f"{sum(len(pdf) for pdf in pdfs) / count / 1024:.0f} KiB per PDF"
    )
    print(
        f"build (Letter with QR code): {count / build_seconds:.0f} letters/s, "
        f"{build_seconds / count * 1000:.1f} ms each"
    )
    print(f"build + render: {count / (build_seconds + render_seconds):.0f} letters/s")
    print(
        f"from scratch (new compiler from font folders, {FROM_SCRATCH} letters): "
        f"{scratch_rate:.1f} letters/s, p50 {statistics.median(scratch_ms):.1f} ms; "
        f"reused is {render_rate / scratch_rate:.1f}x faster"
    )
    print(
        f"new compiler sharing the font set ({FROM_SCRATCH} letters): "
        f"{1000 / statistics.mean(shared_ms):.0f} letters/s, "
        f"p50 {statistics.median(shared_ms):.1f} ms"
    )
    print(f"peak RSS: {peak_rss_mib():.0f} MiB")
    low, high = TARGET
    verdict = "within" if render_rate >= low else "BELOW"
    print(f"target {low:.0f}-{high:.0f} letters/s with the reused compiler: {verdict}")
    return 0 if render_rate >= low else 1


if __name__ == "__main__":
    sys.exit(main())
