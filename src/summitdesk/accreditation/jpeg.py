"""The structure of a JPEG read from its markers, without decoding a single pixel.

A progressive JPEG is decoded scan by scan, and every scan costs a pass over the whole
picture however few bytes it holds: a file of a few hundred kilobytes that repeats a tiny
scan thousands of times costs minutes of CPU to decode. `count_scans` walks the segments
of the first picture (an MPO's first picture, the one kept) and refuses a file with more
scans, or more segments, than any camera or photo app writes, before the decoder sees it.
"""

import re

#: Scans in one picture: libjpeg's progressive script writes 10, optimising encoders a
#: few more; 40 leaves room and bounds a 50-megapixel decode to about a second and a half.
MAX_SCANS = 40
#: Segments with a length (tables, scans, metadata) in one picture; cameras write a few
#: dozen at most.
MAX_SEGMENTS = 1_000

_SOI, _EOI, _SOS = 0xD8, 0xD9, 0xDA
# A marker: 0xFF then anything but a stuffed zero, a fill 0xFF or a restart marker (the
# decoder skips other bytes between segments, so the walk does too). One byte of context
# only: linear on any input, runs of 0xFF included.
_MARKER = re.compile(rb"\xff[^\x00\xd0-\xd7\xff]")


class TooManyScans(ValueError):
    """The picture holds more scans or segments than the ceilings allow."""


def count_scans(content: bytes) -> int:
    """The scans (SOS segments) of the first picture of a JPEG, up to its EOI marker.

    Raises TooManyScans as soon as a ceiling is passed. A damaged or truncated file is
    counted as far as it goes: telling it apart is the decoder's job.
    """
    if not content.startswith(b"\xff\xd8"):
        return 0
    scans = segments = 0
    position = 2
    while True:
        found = _MARKER.search(content, position)
        if found is None:
            return scans
        marker = content[found.start() + 1]
        if marker == _EOI:
            return scans
        if marker in (_SOI, 0x01):  # no length follows (SOI, TEM)
            position = found.end()
            continue
        segments += 1
        if segments > MAX_SEGMENTS:
            raise TooManyScans(f"more than {MAX_SEGMENTS} segments")
        length = int.from_bytes(content[found.end() : found.end() + 2], "big")
        if marker == _SOS:
            scans += 1
            if scans > MAX_SCANS:
                raise TooManyScans(f"more than {MAX_SCANS} scans")
        # A length below 2 is damage; stepping past the marker keeps the walk moving.
        position = found.end() + max(length, 2)
