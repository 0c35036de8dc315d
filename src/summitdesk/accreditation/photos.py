"""Delegate photos: validated by content, cleaned (re-encoded without any metadata) and
cropped to passport proportions (35 x 45 mm) before they are stored.

`validate_photo` takes the bytes as uploaded (or captured by a camera) and the crop box
the person chose, and returns the JPEG that is kept; anything else is refused with a
`PhotoError` whose message says why. `save_photo` stores the result under a name nobody
can guess and records that the photo changed (never the image itself).
"""

import io
import secrets
import warnings
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image, ImageOps

from summitdesk.accreditation import jpeg
from summitdesk.accreditation.models import Accreditation
from summitdesk.core import audit

#: Largest upload accepted, in bytes.
MAX_UPLOAD_BYTES = 8 * 1024 * 1024
#: Smallest picture accepted (a passport crop at half the output resolution).
MIN_WIDTH, MIN_HEIGHT = 350, 450
#: Largest picture accepted, in pixels per side and in all (a 40-megapixel camera fits).
MAX_SIDE = 10_000
MAX_PIXELS = 50_000_000
#: Passport photo proportions (width : height) and the size that is kept.
RATIO_WIDTH, RATIO_HEIGHT = 35, 45
OUTPUT_SIZE = (700, 900)
#: The copy badges print (a 35 x 45 mm photo at 254 ppi), made once at upload.
BADGE_SIZE = (350, 450)
BADGE_JPEG_QUALITY = 85
#: How far a crop box may be from 35:45 (rounding in the browser) before it is refused.
RATIO_TOLERANCE = 0.02
JPEG_QUALITY = 88

_SIGNATURES = {b"\xff\xd8\xff": "JPEG", b"\x89PNG\r\n\x1a\n": "PNG"}


class PhotoError(ValueError):
    """A photo refused; the message says why, in words for the person who sent it."""


@dataclass(frozen=True)
class Crop:
    """The part of the picture to keep, in pixels of the picture as it is displayed
    (after its orientation is applied): left, top, width, height."""

    x: int
    y: int
    width: int
    height: int

    @classmethod
    def from_strings(cls, x: str, y: str, width: str, height: str) -> "Crop | None":
        """From form fields; None when all are empty (the centred crop)."""
        values = [x.strip(), y.strip(), width.strip(), height.strip()]
        if not any(values):
            return None
        try:
            numbers = [round(float(value)) for value in values]
        except (ValueError, OverflowError):
            raise PhotoError(_("The crop must be given as four whole numbers.")) from None
        return cls(*numbers)


@dataclass(frozen=True)
class Framing:
    """A crop chosen without seeing the picture (a page without JavaScript): the share of
    the largest 35:45 box to keep (1: all of it) and where it sits from top (0) to bottom
    (1), centred across."""

    zoom: float = 1.0
    vertical: float = 0.5

    def crop_for(self, width: int, height: int) -> Crop:
        largest = centred_crop(width, height)
        zoom = min(max(self.zoom, 0.1), 1.0)
        crop_width = max(1, round(largest.width * zoom))
        crop_height = crop_width * RATIO_HEIGHT // RATIO_WIDTH
        vertical = min(max(self.vertical, 0.0), 1.0)
        return Crop(
            (width - crop_width) // 2,
            round((height - crop_height) * vertical),
            crop_width,
            crop_height,
        )


def _sniff(content: bytes) -> str:
    for signature, kind in _SIGNATURES.items():
        if content.startswith(signature):
            return kind
    raise PhotoError(_("The photo must be a JPEG or PNG image."))


def centred_crop(width: int, height: int) -> Crop:
    """The largest 35:45 box in the middle of a picture of that size."""
    if width * RATIO_HEIGHT > height * RATIO_WIDTH:  # wider than 35:45
        crop_height = height
        crop_width = height * RATIO_WIDTH // RATIO_HEIGHT
    else:
        crop_width = width
        crop_height = width * RATIO_HEIGHT // RATIO_WIDTH
    return Crop((width - crop_width) // 2, (height - crop_height) // 2, crop_width, crop_height)


def _checked_crop(crop: Crop, width: int, height: int) -> tuple[int, int, int, int]:
    """The crop box (left, upper, right, lower) once checked, trimmed to exactly 35:45."""
    if crop.x < 0 or crop.y < 0 or crop.width <= 0 or crop.height <= 0:
        raise PhotoError(_("The crop must lie inside the picture."))
    if crop.x + crop.width > width or crop.y + crop.height > height:
        raise PhotoError(_("The crop must lie inside the picture."))
    ratio = (crop.width * RATIO_HEIGHT) / (crop.height * RATIO_WIDTH)
    if abs(ratio - 1) > RATIO_TOLERANCE:
        raise PhotoError(_("The crop must have passport proportions: 35 wide by 45 high."))
    if crop.width < MIN_WIDTH or crop.height < MIN_HEIGHT:
        raise PhotoError(
            _("The cropped part is too small: at least %(width)d by %(height)d pixels are needed.")
            % {"width": MIN_WIDTH, "height": MIN_HEIGHT}
        )
    # Trim the longer side around its centre so that the proportions are exact.
    crop_width, crop_height = crop.width, crop.height
    if crop_width * RATIO_HEIGHT > crop_height * RATIO_WIDTH:
        crop_width = crop_height * RATIO_WIDTH // RATIO_HEIGHT
    else:
        crop_height = crop_width * RATIO_HEIGHT // RATIO_WIDTH
    left = crop.x + (crop.width - crop_width) // 2
    upper = crop.y + (crop.height - crop_height) // 2
    return left, upper, left + crop_width, upper + crop_height


def _open(content: bytes) -> Image.Image:
    kind = _sniff(content)
    unreadable = _("The photo could not be read: the file is damaged or incomplete.")
    too_big = _("The picture is too large: at most %(pixels)d megapixels are accepted.") % {
        "pixels": MAX_PIXELS // 1_000_000
    }
    if kind == "JPEG":
        _check_scans(content)
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(io.BytesIO(content), formats=[kind])
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise PhotoError(too_big) from None
        except (OSError, SyntaxError, ValueError):
            raise PhotoError(unreadable) from None
    # Many phone cameras write MPO: JPEG pictures one after the other, the first the photo
    # (Pillow decodes only that one; the scans were counted up to its end).
    if image.format != kind and (kind, image.format) != ("JPEG", "MPO"):
        raise PhotoError(_("The photo must be a JPEG or PNG image."))
    width, height = image.size
    # Checked from the header, before a single pixel is decoded.
    if width > MAX_SIDE or height > MAX_SIDE or width * height > MAX_PIXELS:
        raise PhotoError(too_big)
    if min(width, height) < min(MIN_WIDTH, MIN_HEIGHT) or max(width, height) < MIN_HEIGHT:
        raise PhotoError(
            _("The picture is too small: at least %(width)d by %(height)d pixels are needed.")
            % {"width": MIN_WIDTH, "height": MIN_HEIGHT}
        )
    try:
        image.load()
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise PhotoError(unreadable) from None
    return image


def _check_scans(content: bytes) -> None:
    """Refuses, before any decoding, a JPEG whose decoding would cost far more than its size
    says (see `jpeg`)."""
    try:
        jpeg.count_scans(content)
    except jpeg.TooManyScans:
        raise PhotoError(
            _(
                "The photo is stored in too many passes to be read safely: save it again as an "
                "ordinary JPEG (or take a screenshot of it) and upload that."
            )
        ) from None


def _rgb(image: Image.Image) -> Image.Image:
    if image.mode == "RGB":
        return image
    if image.mode in ("RGBA", "LA", "P", "PA") or "transparency" in image.info:
        rgba = image.convert("RGBA")
        background = Image.new("RGB", rgba.size, (255, 255, 255))
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    return image.convert("RGB")


def validate_photo(content: bytes, crop: Crop | Framing | None = None) -> bytes:
    """The photo to keep: a 700 x 900 JPEG without metadata, or PhotoError saying why not.

    JPEG and PNG only, told by their content (never the file name); at most
    MAX_UPLOAD_BYTES; between MIN and MAX dimensions; decompression bombs refused from the
    header; the camera's orientation applied; then cropped to the box the person chose (in
    the coordinates of the picture as displayed, trimmed to exactly 35:45), or the box a
    `Framing` places, or the centred box when none is given, and re-encoded, which drops
    EXIF (GPS included), XMP, ICC and comments.
    """
    if not content:
        raise PhotoError(_("The file is empty."))
    if len(content) > MAX_UPLOAD_BYTES:
        raise PhotoError(
            _("The photo is too large: at most %(size)d MB are accepted.")
            % {"size": MAX_UPLOAD_BYTES // (1024 * 1024)}
        )
    image = _open(content)
    try:
        oriented = ImageOps.exif_transpose(image)
    except (OSError, SyntaxError, ValueError, KeyError, TypeError):
        oriented = image
    oriented = _rgb(oriented)
    width, height = oriented.size
    if width < MIN_WIDTH or height < MIN_HEIGHT:
        raise PhotoError(
            _("The picture is too small: at least %(width)d by %(height)d pixels are needed.")
            % {"width": MIN_WIDTH, "height": MIN_HEIGHT}
        )
    if isinstance(crop, Framing):
        crop = crop.crop_for(width, height)
    box = _checked_crop(crop or centred_crop(width, height), width, height)
    cleaned = oriented.crop(box).resize(OUTPUT_SIZE, Image.Resampling.LANCZOS)
    # A fresh image holds pixels only: nothing of the original's info survives.
    bare = Image.new("RGB", cleaned.size)
    bare.paste(cleaned)
    output = io.BytesIO()
    bare.save(output, format="JPEG", quality=JPEG_QUALITY, optimize=True)
    return output.getvalue()


def badge_copy(cleaned: bytes) -> bytes:
    """The badge-size copy (BADGE_SIZE JPEG, about 30 kB) of a photo `validate_photo` kept."""
    with Image.open(io.BytesIO(cleaned), formats=["JPEG"]) as image:
        small = image.convert("RGB").resize(BADGE_SIZE, Image.Resampling.LANCZOS)
    output = io.BytesIO()
    small.save(output, format="JPEG", quality=BADGE_JPEG_QUALITY, optimize=True)
    return output.getvalue()


def photo_name() -> str:
    """A storage name nobody can guess (192 random bits)."""
    return f"photos/{secrets.token_urlsafe(24)}.jpg"


def save_photo(
    accreditation: Accreditation,
    content: bytes,
    crop: Crop | Framing | None,
    *,
    actor: audit.Actor,
) -> str:
    """Validate, clean and store a new photo for `accreditation`, with its badge-size copy;
    returns the photo's storage name.

    The previous files are deleted once the change is committed (the new ones at once
    when it fails). The audit entry says the photo changed, never what it shows.
    """
    cleaned = validate_photo(content, crop)
    small = badge_copy(cleaned)
    name = default_storage.save(photo_name(), ContentFile(cleaned))
    small_name = default_storage.save(photo_name(), ContentFile(small))
    try:
        with transaction.atomic():
            locked = Accreditation.objects.select_for_update().get(pk=accreditation.pk)
            previous = [old for old in (locked.photo.name, locked.badge_photo.name) if old]
            locked.photo.name = name
            locked.badge_photo.name = small_name
            locked.photo_uploaded_at = timezone.now()
            locked.save(update_fields=["photo", "badge_photo", "photo_uploaded_at", "updated_at"])
            audit.record(
                locked,
                "photo changed",
                actor=actor,
                changes={"photo": [_("a photo") if previous else None, _("a new photo")]},
                organisation_id=locked.delegate.reply.organisation_id,
            )
            if previous:
                transaction.on_commit(lambda: _delete(previous))
    except BaseException:
        _delete([name, small_name])
        raise
    accreditation.photo.name = name
    accreditation.badge_photo.name = small_name
    accreditation.photo_uploaded_at = locked.photo_uploaded_at
    return name


def _delete(names: list[str]) -> None:
    for name in names:
        default_storage.delete(name)
