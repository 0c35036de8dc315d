"""QR codes: one writer for letters, badges and the second factor's enrolment."""

import io
import re

import zxingcpp
from PIL import Image

from summitdesk.lib.qr import QR_BORDER, qr_modules, qr_svg


def _decode(svg: str, pixels: int = 6) -> str:
    side = int(re.search(r'viewBox="0 0 (\d+) ', svg).group(1))  # type: ignore[union-attr]
    image = Image.new("L", (side * pixels, side * pixels), 255)
    for x, y, run in re.findall(r"M(\d+) (\d+)\.5h(\d+)", svg):
        for dx in range(int(run)):
            left, top = (int(x) + dx) * pixels, int(y) * pixels
            image.paste(0, (left, top, left + pixels, top + pixels))
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    [result] = zxingcpp.read_barcodes(Image.open(buffer))
    return result.text


def test_qr_svg_decodes_to_its_text() -> None:
    assert _decode(qr_svg("https://summit.example/r/abc")) == "https://summit.example/r/abc"


def test_qr_svg_with_a_fixed_mask_decodes_and_keeps_its_size() -> None:
    text = "SAMPLE-BADGE-CODE:0000"
    side = qr_modules(text) + 2 * QR_BORDER

    svg = qr_svg(text, mask=4)

    assert _decode(svg) == text
    assert f'viewBox="0 0 {side} {side}" width="{side}" height="{side}"' in svg
    assert svg != qr_svg(text, mask=5)


def test_qr_svg_scale_sets_screen_size_only() -> None:
    side = qr_modules("otpauth://totp/x") + 2 * QR_BORDER

    svg = qr_svg("otpauth://totp/x", scale=4)

    assert f'viewBox="0 0 {side} {side}" width="{side * 4}" height="{side * 4}"' in svg
