"""Delegate photos: hostile files refused with their reason, good ones cleaned and cropped."""

import io
import struct
import time
import zlib
from pathlib import Path
from typing import Any

import pytest
from django.core.files.storage import default_storage
from PIL import ExifTags, Image

from summitdesk.accreditation import jpeg, photos
from summitdesk.accreditation.photos import Crop, PhotoError, validate_photo
from summitdesk.core.audit import Actor
from summitdesk.core.models import AuditEntry
from tests.accreditation.builders import make_accreditation
from tests.accreditation.hostile_images import REFUSAL_CPU_SECONDS, many_scans_jpeg, mpo

NOT_AN_IMAGE = "The photo must be a JPEG or PNG image."
DAMAGED = "The photo could not be read: the file is damaged or incomplete."
TOO_MANY_PIXELS = "The picture is too large: at most 50 megapixels are accepted."
TOO_SMALL = "The picture is too small: at least 350 by 450 pixels are needed."
TOO_MANY_SCANS = (
    "The photo is stored in too many passes to be read safely: save it again as an "
    "ordinary JPEG (or take a screenshot of it) and upload that."
)


def picture(
    size: tuple[int, int] = (700, 900),
    *,
    kind: str = "JPEG",
    colour: tuple[int, int, int] = (40, 90, 160),
    noise: bool = False,
    **save: object,
) -> bytes:
    image = Image.effect_noise(size, 60).convert("RGB") if noise else Image.new("RGB", size, colour)
    buffer = io.BytesIO()
    image.save(buffer, kind, **save)
    return buffer.getvalue()


def png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_bomb(width: int = 30_000, height: int = 30_000) -> bytes:
    """A few hundred bytes that declare a 900-megapixel picture."""
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    rows = zlib.compress(b"\x00" * 1024)
    return (
        b"\x89PNG\r\n\x1a\n"
        + png_chunk(b"IHDR", header)
        + png_chunk(b"IDAT", rows)
        + png_chunk(b"IEND", b"")
    )


def with_gps() -> bytes:
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "SpyCam"
    exif[ExifTags.Base.Artist] = "Someone"
    exif.get_ifd(ExifTags.IFD.GPSInfo).update(
        {
            ExifTags.GPS.GPSLatitudeRef: "N",
            ExifTags.GPS.GPSLatitude: (46.0, 12.0, 30.0),
            ExifTags.GPS.GPSLongitudeRef: "E",
            ExifTags.GPS.GPSLongitude: (6.0, 8.0, 15.0),
        }
    )
    return picture((700, 900), exif=exif.tobytes(), comment=b"secret comment")


def refusal(content: bytes, crop: Crop | None = None) -> str:
    with pytest.raises(PhotoError) as refused:
        validate_photo(content, crop)
    return str(refused.value)


# Hostile files


def test_validate_photo_refuses_text_file_named_jpg() -> None:
    assert refusal(b"GIF? no: just some text, saved as photo.jpg\n" * 20) == NOT_AN_IMAGE


def test_validate_photo_refuses_gif() -> None:
    assert refusal(picture((400, 500), kind="GIF")) == NOT_AN_IMAGE


def test_validate_photo_refuses_webp_even_if_pillow_reads_it() -> None:
    assert refusal(picture((400, 500), kind="WEBP")) == NOT_AN_IMAGE


def test_validate_photo_refuses_png_decompression_bomb() -> None:
    bomb = png_bomb()

    assert len(bomb) < 200
    assert refusal(bomb) == TOO_MANY_PIXELS


def test_validate_photo_refuses_png_over_pixel_limit_below_pillow_limit() -> None:
    assert refusal(png_bomb(8_000, 8_000)) == TOO_MANY_PIXELS


def test_validate_photo_refuses_truncated_jpeg() -> None:
    whole = picture((700, 900), noise=True, quality=90)

    assert refusal(whole[: len(whole) // 2]) == DAMAGED


def test_validate_photo_refuses_jpeg_with_only_its_signature() -> None:
    assert refusal(b"\xff\xd8\xff\xe0" + b"\x00" * 100) == DAMAGED


def test_validate_photo_refuses_jpeg_of_many_scans_before_decoding() -> None:
    content = many_scans_jpeg()
    assert len(content) < 500_000

    started = time.process_time()
    message = refusal(content)

    # Decoding the 15,000 passes over 12 megapixels would take a minute or more.
    assert time.process_time() - started < REFUSAL_CPU_SECONDS
    assert message == TOO_MANY_SCANS


def test_validate_photo_accepts_progressive_jpeg_at_the_scan_ceiling() -> None:
    content = many_scans_jpeg(repeats=jpeg.MAX_SCANS - 10, size=(700, 900))
    assert jpeg.count_scans(content) == jpeg.MAX_SCANS

    cleaned = Image.open(io.BytesIO(validate_photo(content)))

    assert cleaned.size == (700, 900)


def test_count_scans_refuses_thousands_of_segments() -> None:
    comment = b"\xff\xfe\x00\x03x"
    content = picture()
    content = content[:2] + comment * (jpeg.MAX_SEGMENTS + 1) + content[2:]

    with pytest.raises(jpeg.TooManyScans, match=r"^more than 1000 segments$"):
        jpeg.count_scans(content)


def test_count_scans_sees_scans_behind_garbage_between_segments() -> None:
    # The decoder skips stray bytes between segments: so must the count.
    content = many_scans_jpeg(repeats=50, size=(700, 900))
    sos = content.index(b"\xff\xda")
    padded = content[:sos] + b"\x00\x01garbage" + content[sos:]

    with pytest.raises(jpeg.TooManyScans, match=r"^more than 40 scans$"):
        jpeg.count_scans(padded)


def test_validate_photo_accepts_mpo_keeping_its_first_picture() -> None:
    content = mpo()
    assert Image.open(io.BytesIO(content)).format == "MPO"

    cleaned = Image.open(io.BytesIO(validate_photo(content)))

    assert cleaned.size == (700, 900)
    red, green, blue = cleaned.convert("RGB").getpixel((350, 450))  # type: ignore[misc]
    assert red > 180 and green < 60 and blue < 60


def test_validate_photo_refuses_oversized_file() -> None:
    content = b"\xff\xd8\xff\xe0" + b"\x00" * photos.MAX_UPLOAD_BYTES

    assert refusal(content) == "The photo is too large: at most 8 MB are accepted."


def test_validate_photo_refuses_empty_file() -> None:
    assert refusal(b"") == "The file is empty."


def test_validate_photo_refuses_too_small_image() -> None:
    assert refusal(picture((300, 400))) == TOO_SMALL


def test_validate_photo_refuses_image_too_short_for_passport_proportions() -> None:
    assert refusal(picture((1000, 400), kind="PNG")) == TOO_SMALL


def test_validate_photo_strips_exif_gps_and_comment() -> None:
    original = with_gps()
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(ExifTags.IFD.GPSInfo)

    cleaned = Image.open(io.BytesIO(validate_photo(original)))

    assert dict(cleaned.getexif()) == {}
    assert cleaned.getexif().get_ifd(ExifTags.IFD.GPSInfo) == {}
    assert "exif" not in cleaned.info
    assert "comment" not in cleaned.info
    assert "icc_profile" not in cleaned.info
    assert b"SpyCam" not in validate_photo(original)


def test_validate_photo_applies_orientation() -> None:
    # Stored landscape, left half red and right half blue, shown turned a quarter clockwise:
    # the person sees red on top and blue below.
    stored = Image.new("RGB", (600, 467), (0, 0, 255))
    stored.paste((255, 0, 0), (0, 0, 300, 467))
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6
    buffer = io.BytesIO()
    stored.save(buffer, "JPEG", exif=exif.tobytes(), quality=95)

    cleaned = Image.open(io.BytesIO(validate_photo(buffer.getvalue())))

    top = cleaned.getpixel((350, 50))
    bottom = cleaned.getpixel((350, 850))
    assert isinstance(top, tuple) and isinstance(bottom, tuple)
    assert top[0] > 200 and top[2] < 60
    assert bottom[2] > 200 and bottom[0] < 60


def test_validate_photo_accepts_png_with_transparency_on_white() -> None:
    image = Image.new("RGBA", (700, 900), (0, 0, 0, 0))
    buffer = io.BytesIO()
    image.save(buffer, "PNG")

    cleaned = Image.open(io.BytesIO(validate_photo(buffer.getvalue())))

    assert (cleaned.format, cleaned.mode) == ("JPEG", "RGB")
    assert cleaned.getpixel((10, 10)) == (255, 255, 255)


# The crop


def test_validate_photo_centred_crop_is_exactly_35_by_45() -> None:
    cleaned = Image.open(io.BytesIO(validate_photo(picture((1600, 900)))))

    assert cleaned.size == (700, 900)
    assert cleaned.width * 45 == cleaned.height * 35


def test_validate_photo_crop_keeps_chosen_part() -> None:
    image = Image.new("RGB", (1400, 900), (0, 200, 0))
    image.paste((200, 0, 0), (700, 0, 1400, 900))
    buffer = io.BytesIO()
    image.save(buffer, "PNG")

    cleaned = Image.open(io.BytesIO(validate_photo(buffer.getvalue(), Crop(700, 0, 700, 900))))

    assert cleaned.size == (700, 900)
    pixel = cleaned.getpixel((350, 450))
    assert isinstance(pixel, tuple)
    assert pixel[0] > 180 and pixel[1] < 40


def test_validate_photo_crop_within_rounding_is_trimmed_to_exact_proportions() -> None:
    cleaned = Image.open(io.BytesIO(validate_photo(picture((1000, 1000)), Crop(10, 10, 352, 450))))

    assert cleaned.size == (700, 900)


@pytest.mark.parametrize(
    ("crop", "message"),
    [
        (Crop(-1, 0, 350, 450), "The crop must lie inside the picture."),
        (Crop(400, 0, 350, 450), "The crop must lie inside the picture."),
        (Crop(0, 500, 350, 450), "The crop must lie inside the picture."),
        (Crop(0, 0, 0, 450), "The crop must lie inside the picture."),
        (Crop(0, 0, 700, 700), "The crop must have passport proportions: 35 wide by 45 high."),
        (
            Crop(0, 0, 280, 360),
            "The cropped part is too small: at least 350 by 450 pixels are needed.",
        ),
    ],
)
def test_validate_photo_refuses_bad_crop(crop: Crop, message: str) -> None:
    assert refusal(picture((700, 900)), crop) == message


def test_crop_from_strings_empty_means_centred() -> None:
    assert Crop.from_strings("", " ", "", "") is None


def test_crop_from_strings_rounds_numbers() -> None:
    assert Crop.from_strings("1.4", "2", "350.6", "450") == Crop(1, 2, 351, 450)


def test_crop_from_strings_refuses_words() -> None:
    with pytest.raises(PhotoError, match=r"^The crop must be given as four whole numbers\.$"):
        Crop.from_strings("left", "0", "350", "450")


# Storing


@pytest.mark.django_db
def test_save_photo_stores_under_random_name_and_records_change(
    private_storage: Path, django_capture_on_commit_callbacks: Any
) -> None:
    accreditation = make_accreditation()
    actor = Actor.system("test")

    with django_capture_on_commit_callbacks(execute=True):
        first = photos.save_photo(accreditation, picture(), None, actor=actor)
        second = photos.save_photo(accreditation, with_gps(), None, actor=actor)

    accreditation.refresh_from_db()
    assert accreditation.photo.name == second
    assert second.startswith("photos/") and second.endswith(".jpg")
    assert len(second.removeprefix("photos/").removesuffix(".jpg")) == 32
    assert first != second
    assert not default_storage.exists(first)
    with default_storage.open(second) as stored:
        assert Image.open(stored).size == (700, 900)
    entries = AuditEntry.objects.for_object(accreditation).order_by("id")
    assert [(e.action, e.changes) for e in entries] == [
        ("photo changed", {"photo": [None, "a new photo"]}),
        ("photo changed", {"photo": ["a photo", "a new photo"]}),
    ]


@pytest.mark.django_db
def test_save_photo_refused_stores_nothing(private_storage: Path) -> None:
    accreditation = make_accreditation()

    with pytest.raises(PhotoError):
        photos.save_photo(accreditation, b"not an image", None, actor=Actor.system("test"))

    accreditation.refresh_from_db()
    assert accreditation.photo.name == ""
    assert AuditEntry.objects.for_object(accreditation).count() == 0
    assert not (private_storage / "photos").exists() or not any(
        (private_storage / "photos").iterdir()
    )
