"""Hostile photos: the CPU a JPEG of thousands of scans costs before it is refused.

Aim: under 2 s of CPU to refuse it, on each path an uploaded picture takes (a delegate's or
staff's photo, `validate_photo`; a check-in camera frame, `decode_frame`).

Builds with Pillow a progressive 4000 x 3000 JPEG whose last scan is repeated --repeats
times (about 460 kB at 15,000: it passes every size check; decoding it whole costs a pass
over the 12 megapixels per scan, a minute or more). Prints, in CPU seconds of this
process (time.process_time):
- the baseline: validating an ordinary 12-megapixel progressive photo of noise (decoded,
  cropped, re-encoded), and decoding an ordinary 1080p camera frame;
- the time to refuse the hostile file as a photo and as a frame, with the message given;
- the time to validate a photo with as many scans as accepted (the ceiling);
- the time to decode --sample scans of the hostile picture whole, and the time the whole
  file would take at that rate (estimated: it is not decoded).

    .venv/bin/python bench/photo_refusal.py [--repeats 15000] [--sample 200]
"""

import argparse
import io
import os
import re
import sys
import time
from collections.abc import Callable

import _common  # noqa: F401  (puts src/ on sys.path)
from _common import aims_verdict, met

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "summitdesk.settings")

import django

django.setup()

from PIL import Image  # noqa: E402

from summitdesk.accreditation import decode, jpeg, photos  # noqa: E402

AIM_SECONDS = 2.0
_MARKER = re.compile(rb"\xff[^\x00\xd0-\xd7\xff]")


def many_scans(repeats: int, size: tuple[int, int] = (4000, 3000)) -> bytes:
    """A progressive JPEG whose last scan is repeated `repeats` times."""
    buffer = io.BytesIO()
    Image.new("RGB", size, (40, 90, 160)).save(buffer, "JPEG", progressive=True, quality=90)
    content = buffer.getvalue()
    markers = [found.start() for found in _MARKER.finditer(content)]
    last_scan = max(at for at in markers if content[at + 1] == 0xDA)
    end = next(at for at in markers if at > last_scan)
    return content[:end] + content[last_scan:end] * repeats + content[end:]


def ordinary(size: tuple[int, int], *, progressive: bool) -> bytes:
    buffer = io.BytesIO()
    image = Image.effect_noise(size, 40).convert("RGB")
    image.save(buffer, "JPEG", quality=90, progressive=progressive)
    return buffer.getvalue()


def cpu(action: Callable[[], object]) -> tuple[float, str]:
    """CPU seconds `action` took, and the message it was refused with ('' if accepted)."""
    started = time.process_time()
    try:
        action()
    except (photos.PhotoError, decode.FrameError) as refused:
        return time.process_time() - started, str(refused)
    return time.process_time() - started, ""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=15_000, help="copies of the last scan")
    parser.add_argument("--sample", type=int, default=200, help="scans decoded to estimate")
    options = parser.parse_args()

    photo = ordinary((4000, 3000), progressive=True)
    frame = ordinary((1920, 1080), progressive=False)
    hostile = many_scans(options.repeats)
    print(f"hostile file: {len(hostile) / 1000:.0f} kB, {options.repeats + 10} scans, 12 MP")

    seconds, _message = cpu(lambda: photos.validate_photo(photo))
    print(f"baseline: ordinary 12 MP progressive photo validated   {seconds:6.3f} s CPU")
    seconds, _message = cpu(lambda: decode.decode_frame(frame))
    print(f"baseline: ordinary 1080p camera frame decoded          {seconds:6.3f} s CPU")

    ok = True
    for label, action in (
        ("photo", lambda: photos.validate_photo(hostile)),
        ("frame", lambda: decode.decode_frame(hostile)),
    ):
        seconds, message = cpu(action)
        refused = bool(message)
        ok &= refused and seconds < AIM_SECONDS
        print(
            f"hostile {label}: refused in {seconds:.4f} s CPU "
            f"(aim < {AIM_SECONDS:.0f} s: {met(refused and seconds < AIM_SECONDS)}): {message!r}"
        )

    # The most an accepted photo costs in scans: as many as the ceiling allows (10 of its
    # own, the last one repeated), over the same 12 megapixels.
    at_ceiling = many_scans(jpeg.MAX_SCANS - 10)
    seconds, message = cpu(lambda: photos.validate_photo(at_ceiling))
    print(
        f"photo at the ceiling ({jpeg.MAX_SCANS} scans, 12 MP): "
        f"{'refused' if message else 'accepted'} in {seconds:.3f} s CPU"
    )

    sample = many_scans(options.sample)
    started = time.process_time()
    with Image.open(io.BytesIO(sample)) as image:
        image.load()
    per_scan = (time.process_time() - started) / (options.sample + 10)
    print(
        f"decoding whole, for comparison: {per_scan * 1000:.1f} ms CPU a scan, so about "
        f"{per_scan * (options.repeats + 10):.0f} s for the hostile file (not decoded)"
    )
    print(aims_verdict(ok))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
