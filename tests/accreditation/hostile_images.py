"""Pictures that pass every size check yet attack the decoder, built with Pillow."""

import io
import re

from PIL import Image

# The segments of a JPEG, as the decoder sees them (entropy-coded data skipped).
_MARKER = re.compile(rb"\xff[^\x00\xd0-\xd7\xff]")

#: CPU seconds a refusal may take; decoding `many_scans_jpeg()` whole takes a minute or more.
REFUSAL_CPU_SECONDS = 2.0


def many_scans_jpeg(repeats: int = 15_000, size: tuple[int, int] = (4000, 3000)) -> bytes:
    """A progressive JPEG whose last scan is repeated `repeats` times: about 400 kB, and
    each copy a pass over all 12 megapixels for the decoder."""
    buffer = io.BytesIO()
    Image.new("RGB", size, (40, 90, 160)).save(buffer, "JPEG", progressive=True, quality=90)
    content = buffer.getvalue()
    markers = [found.start() for found in _MARKER.finditer(content)]
    last_scan = max(at for at in markers if content[at + 1] == 0xDA)
    end = next(at for at in markers if at > last_scan)  # the EOI
    scan = content[last_scan:end]
    return content[:end] + scan * repeats + content[end:]


def mpo(
    size: tuple[int, int] = (700, 900),
    first: tuple[int, int, int] = (200, 30, 30),
    second: tuple[int, int, int] = (30, 200, 30),
) -> bytes:
    """A multi-picture JPEG as phone cameras write it: two pictures, the first red."""
    buffer = io.BytesIO()
    Image.new("RGB", size, first).save(
        buffer, "MPO", save_all=True, append_images=[Image.new("RGB", size, second)]
    )
    return buffer.getvalue()
