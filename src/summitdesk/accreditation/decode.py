"""Camera frames from the check-in desk, decoded on the server (this Chromium has no
BarcodeDetector): a JPEG or PNG frame in, the text of the QR code in it out."""

import io
import warnings

import zxingcpp
from PIL import Image

from summitdesk.accreditation import jpeg

#: Largest frame accepted, in bytes and in pixels (a 1080p webcam frame is 2 MP).
MAX_FRAME_BYTES = 2 * 1024 * 1024
MAX_FRAME_PIXELS = 4096 * 4096

_SIGNATURES = {b"\xff\xd8\xff": "JPEG", b"\x89PNG\r\n\x1a\n": "PNG"}


class FrameError(ValueError):
    """A frame that is not a picture this desk decodes."""


def decode_frame(content: bytes) -> str | None:
    """The text of the first QR code in the frame, None when it shows none."""
    if not content:
        raise FrameError("The frame is empty.")
    if len(content) > MAX_FRAME_BYTES:
        raise FrameError("The frame is too large.")
    kind = next((k for sig, k in _SIGNATURES.items() if content.startswith(sig)), None)
    if kind is None:
        raise FrameError("The frame must be a JPEG or PNG image.")
    if kind == "JPEG":
        # Counted before decoding: a frame of many tiny scans would hold the desk's worker
        # for minutes (a frame arrives every few hundred milliseconds).
        try:
            jpeg.count_scans(content)
        except jpeg.TooManyScans:
            raise FrameError("The frame is stored in too many passes to be read.") from None
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(io.BytesIO(content), formats=[kind])
            width, height = image.size
            if width * height > MAX_FRAME_PIXELS:
                raise FrameError("The frame is too large.")
            grey = image.convert("L")
        except (
            OSError,
            SyntaxError,
            ValueError,
            Image.DecompressionBombError,
            Image.DecompressionBombWarning,
        ) as error:
            if isinstance(error, FrameError):
                raise
            raise FrameError("The frame could not be read.") from None
    results = zxingcpp.read_barcodes(
        grey, formats=zxingcpp.BarcodeFormats(zxingcpp.BarcodeFormat.QRCode)
    )
    for result in results:
        if result.valid and result.text:
            return str(result.text)
    return None
