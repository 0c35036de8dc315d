"""QR codes drawn as SVG, the one way every document and page makes them.

zxing-cpp encodes (zint, in C++): it is already needed to read badges at the check-in
desk, so one library both writes and reads (`bench/badges.py` times the badges it draws).
"""

import re

import zxingcpp

#: Modules of quiet zone around a QR code, as the QR standard asks.
QR_BORDER = 4
# Runs of dark modules in a row of zxing-cpp's symbol image (0 dark, 255 light).
_DARK_RUN = re.compile(rb"\x00+")


def qr_svg(text: str, *, mask: int | None = None, scale: int = 1) -> str:
    """An SVG QR code of `text` (error correction M, four modules of quiet zone).

    `mask` (0 to 7) fixes the mask pattern, which any reader accepts, instead of scoring
    all eight as the standard asks; `scale` is the screen pixels of one module (the
    viewBox counts modules, so print sizes are set by the document). One path of
    horizontal runs, each a stroke one module wide through the middle of its row; the XML
    namespace is required by Typst's SVG reader.
    """
    options = {} if mask is None else {"data_mask": mask}
    code = zxingcpp.create_barcode(text, zxingcpp.BarcodeFormat.QRCode, ec_level="M", **options)
    symbol = zxingcpp.write_barcode_to_image(code, scale=1, add_quiet_zones=False)
    height, width = symbol.shape[:2]
    modules = memoryview(symbol).tobytes()  # type: ignore[arg-type]  # the stub omits the buffer
    runs = []
    for row in range(height):
        start = row * width
        for run in _DARK_RUN.finditer(modules, start, start + width):
            x = run.start() - start + QR_BORDER
            runs.append(f"M{x} {row + QR_BORDER}.5h{run.end() - run.start()}")
    side = width + 2 * QR_BORDER
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {side} {side}" '
        f'width="{side * scale}" height="{side * scale}">'
        f'<path stroke="#000" d="{"".join(runs)}"/></svg>'
    )


def qr_modules(text: str) -> int:
    """The side, in modules without the quiet zone, of the QR code `qr_svg` draws."""
    code = zxingcpp.create_barcode(text, zxingcpp.BarcodeFormat.QRCode, ec_level="M")
    return int(zxingcpp.write_barcode_to_image(code, scale=1, add_quiet_zones=False).shape[1])
