"""Check-in: scans admitted once, re-entries, refusals with their reasons, the live count,
two desks at once, the desk page and its permissions per role."""

import datetime
import io
import re
import threading
import time
import zoneinfo
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core import signing
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from PIL import Image
from pytest_django import Settings

from summitdesk.accreditation import checkin, photos
from summitdesk.accreditation.badges import badge_code
from summitdesk.accreditation.enums import AccreditationStatus, CheckInResult
from summitdesk.accreditation.models import Accreditation, CheckIn
from summitdesk.backoffice import urls
from summitdesk.core.audit import Actor
from summitdesk.core.enums import Channel, Role
from summitdesk.core.models import AuditEntry, User
from summitdesk.meetings.models import Meeting
from summitdesk.reports import figures
from tests.accreditation.builders import SALT, code_of, make_accreditation, qr_png
from tests.accreditation.hostile_images import REFUSAL_CPU_SECONDS, many_scans_jpeg
from tests.conftest import signed_in
from tests.factories import MeetingFactory, UserFactory


def rows() -> list[tuple[int | None, str, str, str]]:
    return list(
        CheckIn.objects.order_by("id").values_list("accreditation", "result", "reason", "desk")
    )


@pytest.fixture
def meeting(db: None) -> Meeting:
    return MeetingFactory(code="prepcom-3", title="PrepCom-3", time_zone="Europe/Zurich")


@pytest.fixture
def desk_officer(db: None) -> User:
    return UserFactory(username="door", role=Role.CHECKIN_DESK)


# The service


def test_check_in_approved_first_scan_enters(meeting: Meeting, desk_officer: User) -> None:
    accreditation = make_accreditation(meeting)

    result = checkin.check_in(
        code_of(accreditation),
        meeting=meeting,
        desk="Desk 1",
        actor=checkin.desk_actor(desk_officer, "Desk 1"),
    )

    assert (result.result, result.message, result.accreditation) == (
        CheckInResult.ENTERED,
        "Welcome.",
        accreditation,
    )
    row = CheckIn.objects.get()
    assert (row.accreditation, row.result, row.desk, row.operator, row.meeting) == (
        accreditation,
        CheckInResult.ENTERED,
        "Desk 1",
        desk_officer,
        meeting,
    )
    assert abs((timezone.now() - row.scanned_at).total_seconds()) < 5


def test_check_in_admits_a_badge_of_the_replaced_key_kept_as_fallback(
    meeting: Meeting, settings: Settings
) -> None:
    accreditation = make_accreditation(meeting)
    settings.SECRET_KEY = "generated-key-of-the-demo-" + "o" * 40
    printed = badge_code(accreditation)
    settings.SECRET_KEY = "configured-key-of-production-" + "n" * 40
    settings.SECRET_KEY_FALLBACKS = ["generated-key-of-the-demo-" + "o" * 40]

    result = checkin.check_in(
        printed, meeting=meeting, desk="1", actor=checkin.desk_actor(None, "1")
    )

    assert result.result == CheckInResult.ENTERED


def test_check_in_uses_colleague_badge_code(meeting: Meeting) -> None:
    accreditation = make_accreditation(meeting)

    result = checkin.check_in(
        badge_code(accreditation), meeting=meeting, desk="1", actor=checkin.desk_actor(None, "1")
    )

    assert result.result == CheckInResult.ENTERED


def test_check_in_second_scan_is_reentry_with_first_time_and_desk(
    meeting: Meeting, desk_officer: User
) -> None:
    accreditation = make_accreditation(meeting)
    code = code_of(accreditation)
    checkin.check_in(code, meeting=meeting, desk="2", actor=checkin.desk_actor(desk_officer, "2"))
    first = CheckIn.objects.get()
    local = timezone.localtime(first.scanned_at, zoneinfo.ZoneInfo("Europe/Zurich"))

    result = checkin.check_in(
        code, meeting=meeting, desk="5", actor=checkin.desk_actor(desk_officer, "5")
    )

    message = f"Already checked in at {local:%H:%M} (Europe/Zurich), desk 2."
    assert (result.result, result.message, result.first) == (
        CheckInResult.REENTERED,
        message,
        first,
    )
    assert rows() == [
        (accreditation.pk, "entered", "", "2"),
        (accreditation.pk, "reentered", message, "5"),
    ]


@pytest.mark.parametrize(
    ("status", "reason"),
    [
        (AccreditationStatus.REVOKED, "Refused: the accreditation was revoked."),
        (AccreditationStatus.REJECTED, "Refused: the accreditation was rejected."),
        (AccreditationStatus.WITHDRAWN, "Refused: the accreditation was withdrawn."),
        (AccreditationStatus.PENDING, "Not accredited yet: the accreditation is still pending."),
    ],
)
def test_check_in_not_approved_refused_and_logged(
    meeting: Meeting, desk_officer: User, status: str, reason: str
) -> None:
    accreditation = make_accreditation(meeting, status=status)

    result = checkin.check_in(
        code_of(accreditation),
        meeting=meeting,
        desk="1",
        actor=checkin.desk_actor(desk_officer, "1"),
    )

    assert (result.result, result.message, result.admitted) == (
        CheckInResult.REFUSED,
        reason,
        False,
    )
    assert rows() == [(accreditation.pk, "refused", reason, "1")]
    assert CheckIn.objects.get().operator == desk_officer


def test_check_in_refused_by_name_too(meeting: Meeting) -> None:
    accreditation = make_accreditation(meeting, status=AccreditationStatus.REVOKED)

    result = checkin.check_in(
        accreditation.pk, meeting=meeting, desk="1", actor=checkin.desk_actor(None, "1")
    )

    assert result.message == "Refused: the accreditation was revoked."


@pytest.mark.parametrize(
    "code",
    [
        "",
        "not a code at all",
        "WzEsMV0:1tZ9:forged",
        signing.Signer(salt="another.salt").sign_object([1, 1]),
        signing.Signer(salt=SALT).sign_object({"id": 1}),
    ],
)
def test_check_in_unknown_code_refused_and_logged(meeting: Meeting, code: str) -> None:
    result = checkin.check_in(code, meeting=meeting, desk="1", actor=checkin.desk_actor(None, "1"))

    assert (result.result, result.message) == (
        CheckInResult.REFUSED,
        "Unknown code: this is not a valid badge.",
    )
    assert rows() == [(None, "refused", "Unknown code: this is not a valid badge.", "1")]


def test_check_in_tampered_code_refused(meeting: Meeting) -> None:
    accreditation = make_accreditation(meeting)
    other = make_accreditation(meeting, given="Li", family="Wei")
    payload, signature = code_of(accreditation).split(":", 1)
    forged_payload = code_of(other).split(":", 1)[0]

    result = checkin.check_in(
        f"{forged_payload}:{signature}",
        meeting=meeting,
        desk="1",
        actor=checkin.desk_actor(None, "1"),
    )

    assert result.message == "Unknown code: this is not a valid badge."
    assert payload != forged_payload
    assert rows() == [(None, "refused", "Unknown code: this is not a valid badge.", "1")]


def test_check_in_signed_code_of_missing_accreditation_refused(meeting: Meeting) -> None:
    code = signing.Signer(salt=SALT).sign_object([987654, 1])

    result = checkin.check_in(code, meeting=meeting, desk="1", actor=checkin.desk_actor(None, "1"))

    assert result.message == "Unknown badge: no such accreditation."
    assert rows() == [(None, "refused", "Unknown badge: no such accreditation.", "1")]


def test_check_in_stale_badge_version_refused(meeting: Meeting) -> None:
    accreditation = make_accreditation(meeting, badge_version=2)

    result = checkin.check_in(
        code_of(accreditation, 1), meeting=meeting, desk="1", actor=checkin.desk_actor(None, "1")
    )

    reason = "Refused: this badge was replaced; this is an older badge."
    assert (result.result, result.message) == (CheckInResult.REFUSED, reason)
    assert rows() == [(accreditation.pk, "refused", reason, "1")]


def test_check_in_badge_of_other_meeting_refused(meeting: Meeting) -> None:
    accreditation = make_accreditation(MeetingFactory())

    result = checkin.check_in(
        code_of(accreditation), meeting=meeting, desk="1", actor=checkin.desk_actor(None, "1")
    )

    reason = "Refused: this badge is for another meeting."
    assert result.message == reason
    assert rows() == [(accreditation.pk, "refused", reason, "1")]


def test_live_count_counts_each_person_once(meeting: Meeting) -> None:
    first = make_accreditation(meeting)
    second = make_accreditation(meeting, given="Li", family="Wei")
    make_accreditation(meeting, given="Ivan", family="Petrov")
    revoked = make_accreditation(meeting, status=AccreditationStatus.REVOKED, given="X")
    elsewhere = make_accreditation(MeetingFactory(), given="Y")
    for accreditation in (first, first, second, revoked):
        checkin.check_in(
            code_of(accreditation), meeting=meeting, desk="1", actor=checkin.desk_actor(None, "1")
        )
    checkin.check_in(
        code_of(elsewhere), meeting=elsewhere.meeting, desk="1", actor=checkin.desk_actor(None, "1")
    )

    assert figures.desk_count(meeting) == figures.DeskCount(entered=2, approved=3)


def test_search_finds_by_name_and_organisation(meeting: Meeting) -> None:
    amina = make_accreditation(meeting, given="Amina", family="Diallo", organisation="Sonatel")
    li = make_accreditation(meeting, given="Li", family="Wei", organisation="China Telecom")
    make_accreditation(MeetingFactory(), given="Amina", family="Diallo", organisation="Other")

    assert checkin.search(meeting, "diallo") == [amina]
    assert checkin.search(meeting, "amina DIALLO") == [amina]
    assert checkin.search(meeting, "china") == [li]
    assert checkin.search(meeting, "nobody") == []
    assert checkin.search(meeting, "  ") == []


# Two desks at once


@pytest.mark.django_db(transaction=True)
def test_check_in_concurrent_scans_of_one_badge_enter_once() -> None:
    meeting = MeetingFactory()
    accreditation = make_accreditation(meeting)
    code = code_of(accreditation)
    barrier = threading.Barrier(2)
    results: list[CheckInResult] = []
    errors: list[BaseException] = []

    def desk(name: str) -> None:
        try:
            barrier.wait(timeout=10)
            results.append(
                checkin.check_in(
                    code, meeting=meeting, desk=name, actor=checkin.desk_actor(None, name)
                ).result
            )
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=desk, args=(f"Desk {n}",)) for n in (1, 2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert errors == []
    assert sorted(results) == [CheckInResult.ENTERED, CheckInResult.REENTERED]
    assert CheckIn.objects.filter(result=CheckInResult.ENTERED).count() == 1
    assert figures.desk_count(meeting).entered == 1


@pytest.mark.django_db(transaction=True)
def test_check_in_many_concurrent_rounds_never_double_count() -> None:
    meeting = MeetingFactory()
    accreditations = [make_accreditation(meeting, given=f"P{n}") for n in range(10)]
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def desk(name: str) -> None:
        try:
            for accreditation in accreditations:
                barrier.wait(timeout=10)
                checkin.check_in(
                    code_of(accreditation),
                    meeting=meeting,
                    desk=name,
                    actor=checkin.desk_actor(None, name),
                )
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=desk, args=(f"Desk {n}",)) for n in (1, 2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    assert CheckIn.objects.filter(result=CheckInResult.ENTERED).count() == 10
    assert CheckIn.objects.filter(result=CheckInResult.REENTERED).count() == 10


# The desk page


@pytest.fixture
def desk_client(desk_officer: User) -> Client:
    client = signed_in(desk_officer)
    session = client.session
    session["summitdesk_checkin_desk"] = "Desk 2"
    session.save()
    return client


def desk_url(meeting: Meeting) -> str:
    return reverse("backoffice:checkin-desk", kwargs={"code": meeting.code})


def test_checkin_desk_scan_shows_person_and_records_desk_and_operator(
    meeting: Meeting, desk_client: Client, desk_officer: User
) -> None:
    accreditation = make_accreditation(meeting)

    response = desk_client.post(desk_url(meeting), {"code": code_of(accreditation)}, follow=True)

    row = CheckIn.objects.get()
    assert response.redirect_chain == [(f"{desk_url(meeting)}?last={row.pk}", 302)]
    assert (row.desk, row.operator, row.result) == ("Desk 2", desk_officer, "entered")
    page = response.content.decode()
    assert '<h2 id="result-title">Checked in</h2>' in page
    assert '<dd class="checkin-name"><bdi>Amina Diallo</bdi></dd>' in page
    assert "<dd><bdi>Sonatel</bdi></dd>" in page
    assert 'data-field="entered">1</strong>' in page


def test_checkin_desk_second_scan_shows_already_checked_in(
    meeting: Meeting, desk_client: Client
) -> None:
    accreditation = make_accreditation(meeting)
    desk_client.post(desk_url(meeting), {"code": code_of(accreditation)})
    first = CheckIn.objects.get()
    local = timezone.localtime(first.scanned_at, zoneinfo.ZoneInfo("Europe/Zurich"))

    response = desk_client.post(desk_url(meeting), {"code": code_of(accreditation)}, follow=True)

    assert (
        f"Already checked in at {local:%H:%M} (Europe/Zurich), desk Desk 2."
        in response.content.decode()
    )
    assert '<h2 id="result-title">Re-entry</h2>' in response.content.decode()


def test_checkin_desk_refusal_shows_reason(meeting: Meeting, desk_client: Client) -> None:
    accreditation = make_accreditation(meeting, status=AccreditationStatus.REVOKED)

    response = desk_client.post(desk_url(meeting), {"code": code_of(accreditation)}, follow=True)

    page = response.content.decode()
    assert '<h2 id="result-title">Refused</h2>' in page
    assert '<p class="checkin-reason">Refused: the accreditation was revoked.</p>' in page


def test_checkin_desk_without_desk_name_refuses_to_scan(
    meeting: Meeting, desk_officer: User
) -> None:
    client = signed_in(desk_officer)
    accreditation = make_accreditation(meeting)

    response = client.post(desk_url(meeting), {"code": code_of(accreditation)}, follow=True)

    assert CheckIn.objects.count() == 0
    assert "Name this desk first: every scan records its desk." in response.content.decode()


def test_checkin_desk_name_is_remembered_in_session(meeting: Meeting, desk_officer: User) -> None:
    client = signed_in(desk_officer)

    client.post(desk_url(meeting), {"desk": "  Desk 7  "})
    page = client.get(desk_url(meeting)).content.decode()

    assert client.session["summitdesk_checkin_desk"] == "Desk 7"
    assert 'name="desk" value="Desk 7"' in page
    assert 'id="scan-code" name="code"' in page


def test_checkin_desk_name_search_and_admit_by_name(meeting: Meeting, desk_client: Client) -> None:
    accreditation = make_accreditation(meeting)

    page = desk_client.get(desk_url(meeting), {"q": "diallo"}).content.decode()
    desk_client.post(desk_url(meeting), {"accreditation": accreditation.pk})

    assert f'name="accreditation" value="{accreditation.pk}"' in page
    assert rows() == [(accreditation.pk, "entered", "", "Desk 2")]


def test_checkin_desk_page_sets_no_inline_script(meeting: Meeting, desk_client: Client) -> None:
    page = desk_client.get(desk_url(meeting)).content.decode()

    assert "<script>" not in page and "style=" not in page
    assert 'src="/static/summitdesk/checkin.js"' in page


def test_checkin_count_json(meeting: Meeting, desk_client: Client) -> None:
    accreditation = make_accreditation(meeting)
    make_accreditation(meeting, given="Li")
    checkin.check_in(
        code_of(accreditation), meeting=meeting, desk="1", actor=checkin.desk_actor(None, "1")
    )

    response = desk_client.get(reverse("backoffice:checkin-count", args=[meeting.code]))

    assert response.json() == {"entered": 1, "approved": 2}
    assert response["Cache-Control"] == "no-store"


def qr_frame(text: str, kind: str = "png") -> bytes:
    qr = io.BytesIO()
    qr.write(qr_png(text))
    image = Image.new("RGB", (640, 480), (255, 255, 255))
    image.paste(Image.open(qr).convert("RGB"), (200, 120))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG" if kind == "jpeg" else "PNG")
    return buffer.getvalue()


def test_checkin_decode_reads_qr_from_camera_frame(meeting: Meeting, desk_client: Client) -> None:
    accreditation = make_accreditation(meeting)
    code = code_of(accreditation)
    frame = io.BytesIO(qr_frame(code, "jpeg"))
    frame.name = "frame.jpg"

    response = desk_client.post(
        reverse("backoffice:checkin-decode", args=[meeting.code]), {"frame": frame}
    )

    assert response.json() == {"code": code}
    assert CheckIn.objects.count() == 0


def test_checkin_decode_frame_without_code(meeting: Meeting, desk_client: Client) -> None:
    buffer = io.BytesIO()
    Image.new("RGB", (320, 240), (200, 200, 200)).save(buffer, "PNG")
    buffer.seek(0)
    buffer.name = "frame.png"

    response = desk_client.post(
        reverse("backoffice:checkin-decode", args=[meeting.code]), {"frame": buffer}
    )

    assert response.json() == {"code": None}


def test_checkin_decode_refuses_non_image(meeting: Meeting, desk_client: Client) -> None:
    frame = io.BytesIO(b"GIF89a not really")
    frame.name = "frame.png"

    response = desk_client.post(
        reverse("backoffice:checkin-decode", args=[meeting.code]), {"frame": frame}
    )

    assert (response.status_code, response.json()) == (
        400,
        {"error": "The frame must be a JPEG or PNG image."},
    )


# The photo pages


def jpeg(size: tuple[int, int]) -> io.BytesIO:
    buffer = io.BytesIO()
    Image.new("RGB", size, (10, 120, 200)).save(buffer, "JPEG")
    buffer.seek(0)
    buffer.name = "photo.jpg"
    return buffer


def test_photo_upload_with_crop_saves_and_shows_to_staff(
    meeting: Meeting, secretary_client: Client, private_storage: Path
) -> None:
    accreditation = make_accreditation(meeting)
    url = reverse("backoffice:photo-upload", args=[accreditation.pk])

    response = secretary_client.post(
        url, {"photo": jpeg((1000, 1000)), "x": "100", "y": "50", "width": "700", "height": "900"}
    )

    assert (response.status_code, response["Location"]) == (302, url)
    accreditation.refresh_from_db()
    image = secretary_client.get(reverse("backoffice:photo-image", args=[accreditation.pk]))
    assert (image.status_code, image["Content-Type"]) == (200, "image/jpeg")
    content = image.content
    assert Image.open(io.BytesIO(content)).size == (700, 900)
    # A random name (32 URL-safe characters), never the accreditation's id: a prefix test
    # failed whenever the random name began with the id's digits.
    assert re.fullmatch(r"photos/[A-Za-z0-9_-]{32}\.jpg", str(accreditation.photo.name))


def test_photo_upload_refusal_shows_reason(
    meeting: Meeting, secretary_client: Client, private_storage: Path
) -> None:
    accreditation = make_accreditation(meeting)
    fake = io.BytesIO(b"just text")
    fake.name = "photo.jpg"

    response = secretary_client.post(
        reverse("backoffice:photo-upload", args=[accreditation.pk]), {"photo": fake}
    )

    assert response.status_code == 400
    assert '<p id="photo-error">The photo must be a JPEG or PNG image.</p>' in (
        response.content.decode()
    )
    accreditation.refresh_from_db()
    assert accreditation.photo.name == ""


def test_photo_upload_oversized_file_refused_before_reading(
    meeting: Meeting, secretary_client: Client, private_storage: Path
) -> None:
    accreditation = make_accreditation(meeting)
    huge = io.BytesIO(b"\xff\xd8\xff\xe0" + b"\x00" * (photos.MAX_UPLOAD_BYTES + 70_000))
    huge.name = "photo.jpg"

    response = secretary_client.post(
        reverse("backoffice:photo-upload", args=[accreditation.pk]), {"photo": huge}
    )

    assert response.status_code == 400
    assert "The photo is too large: at most 8 MB are accepted." in response.content.decode()
    accreditation.refresh_from_db()
    assert accreditation.photo.name == ""


def test_checkin_decode_oversized_frame_refused(meeting: Meeting, desk_client: Client) -> None:
    frame = io.BytesIO(b"\x89PNG\r\n\x1a\n" + b"\x00" * (3 * 1024 * 1024))
    frame.name = "frame.png"

    response = desk_client.post(
        reverse("backoffice:checkin-decode", args=[meeting.code]), {"frame": frame}
    )

    assert (response.status_code, response.json()) == (413, {"error": "The frame is too large."})


def test_photo_upload_of_many_scans_refused_before_decoding(
    meeting: Meeting, secretary_client: Client, private_storage: Path
) -> None:
    accreditation = make_accreditation(meeting)
    hostile = io.BytesIO(many_scans_jpeg())
    hostile.name = "photo.jpg"

    started = time.process_time()
    response = secretary_client.post(
        reverse("backoffice:photo-upload", args=[accreditation.pk]), {"photo": hostile}
    )

    assert time.process_time() - started < REFUSAL_CPU_SECONDS
    assert response.status_code == 400
    assert (
        '<p id="photo-error">The photo is stored in too many passes to be read safely: save it '
        "again as an ordinary JPEG (or take a screenshot of it) and upload that.</p>"
    ) in response.content.decode()
    accreditation.refresh_from_db()
    assert accreditation.photo.name == ""
    assert not private_storage.exists() or not any(private_storage.rglob("*.jpg"))


def test_checkin_decode_frame_of_many_scans_refused_before_decoding(
    meeting: Meeting, desk_client: Client
) -> None:
    frame = io.BytesIO(many_scans_jpeg())
    frame.name = "frame.jpg"

    started = time.process_time()
    response = desk_client.post(
        reverse("backoffice:checkin-decode", args=[meeting.code]), {"frame": frame}
    )

    assert time.process_time() - started < REFUSAL_CPU_SECONDS
    assert (response.status_code, response.json()) == (
        400,
        {"error": "The frame is stored in too many passes to be read."},
    )
    assert CheckIn.objects.count() == 0


def test_photo_image_without_photo_is_404(meeting: Meeting, secretary_client: Client) -> None:
    accreditation = make_accreditation(meeting)

    response = secretary_client.get(reverse("backoffice:photo-image", args=[accreditation.pk]))

    assert response.status_code == 404


# Permissions per role, for every URL of this module

Kwargs = Callable[[Accreditation], dict[str, Any]]

DESK_PAGES: list[tuple[str, Kwargs]] = [
    ("backoffice:checkin-desk", lambda a: {"code": a.meeting.code}),
    ("backoffice:checkin-count", lambda a: {"code": a.meeting.code}),
]
DESK_ACTIONS: list[tuple[str, Kwargs]] = [
    ("backoffice:checkin-decode", lambda a: {"code": a.meeting.code}),
]
PHOTO_EDIT: list[tuple[str, Kwargs]] = [
    ("backoffice:photo-upload", lambda a: {"pk": a.pk}),
]
PHOTO_READ: list[tuple[str, Kwargs]] = [
    ("backoffice:photo-image", lambda a: {"pk": a.pk}),
]
ALL = DESK_PAGES + DESK_ACTIONS + PHOTO_EDIT + PHOTO_READ
#: Every URL name these tests cover, for the project-wide coverage check.
URL_NAMES = {name.removeprefix("backoffice:") for name, _ in ALL}

#: Whether each role may open each URL (GET; POST for the actions).
ALLOWED: dict[str, set[str]] = {
    Role.ADMINISTRATOR: URL_NAMES,
    Role.CHECKIN_DESK: {"checkin-desk", "checkin-count", "checkin-decode", "photo-image"},
    Role.REGISTRATION_OFFICER: {"photo-upload", "photo-image"},
    Role.BADGE_DESK: {"photo-image"},
    Role.VIEWER: set(),
}


@pytest.fixture
def with_photo(meeting: Meeting, private_storage: Path) -> Accreditation:
    accreditation = make_accreditation(meeting)
    buffer = io.BytesIO()
    Image.new("RGB", (700, 900)).save(buffer, "JPEG")
    photos.save_photo(accreditation, buffer.getvalue(), None, actor=Actor.system("test"))
    return accreditation


def test_every_checkin_and_photo_url_is_covered_by_a_permission_test() -> None:
    names = {
        str(pattern.name)
        for pattern in urls.urlpatterns
        if str(pattern.name).startswith(("checkin-", "photo-"))
    }

    assert names == URL_NAMES


@pytest.mark.parametrize(("name", "kwargs"), ALL)
def test_checkin_pages_send_anonymous_visitors_to_sign_in(
    client: Client, with_photo: Accreditation, name: str, kwargs: Kwargs
) -> None:
    url = reverse(name, kwargs=kwargs(with_photo))

    response = client.post(url) if (name, kwargs) in DESK_ACTIONS else client.get(url)

    assert response.status_code == 302
    assert response["Location"] == f"/sign-in/?next={url}"


@pytest.mark.parametrize("role", list(ALLOWED))
@pytest.mark.parametrize(("name", "kwargs"), ALL)
def test_checkin_pages_permissions_per_role(
    with_photo: Accreditation, role: str, name: str, kwargs: Kwargs
) -> None:
    client = signed_in(UserFactory(role=role))
    url = reverse(name, kwargs=kwargs(with_photo))
    before = rows()

    if (name, kwargs) in DESK_ACTIONS:
        frame = io.BytesIO(qr_frame("hello"))
        frame.name = "frame.png"
        response = client.post(url, {"frame": frame})
    else:
        response = client.get(url)

    allowed = name.removeprefix("backoffice:") in ALLOWED[role]
    assert response.status_code == (200 if allowed else 403)
    assert rows() == before


@pytest.mark.parametrize("role", [Role.VIEWER, Role.BADGE_DESK, Role.REGISTRATION_OFFICER])
def test_checkin_scan_refused_to_roles_without_desk(meeting: Meeting, role: str) -> None:
    accreditation = make_accreditation(meeting)
    client = signed_in(UserFactory(role=role))
    session = client.session
    session["summitdesk_checkin_desk"] = "Desk 1"
    session.save()

    response = client.post(desk_url(meeting), {"code": code_of(accreditation)})

    assert response.status_code == 403
    assert CheckIn.objects.count() == 0


@pytest.mark.parametrize("role", [Role.VIEWER, Role.BADGE_DESK, Role.CHECKIN_DESK])
def test_photo_upload_refused_to_roles_without_registration(
    meeting: Meeting, role: str, private_storage: Path
) -> None:
    accreditation = make_accreditation(meeting)
    client = signed_in(UserFactory(role=role))

    response = client.post(
        reverse("backoffice:photo-upload", args=[accreditation.pk]), {"photo": jpeg((700, 900))}
    )

    assert response.status_code == 403
    accreditation.refresh_from_db()
    assert accreditation.photo.name == ""


# Accents folded in the name search, and the audit entry of an admission


@pytest.mark.parametrize(
    ("query", "family", "given"),
    [
        ("Muller", "Müller", "Hans"),
        ("MULLER hans", "Müller", "Hans"),
        ("Jose", "Ramírez", "José"),
        ("ramirez", "Ramírez", "José"),
        ("Müller", "Muller", "Anna"),
        ("sogard", "Søgård", "Lise"),
        ("strasse", "Straße", "Eva"),
        ("nguyen", "Nguyễn", "Van"),
        ("ИВАНОВА", "Иванова", "Ольга"),
    ],
)
def test_search_ignores_accents_and_case(
    meeting: Meeting, query: str, family: str, given: str
) -> None:
    found = make_accreditation(meeting, given=given, family=family)
    make_accreditation(meeting, given="Amina", family="Diallo", organisation="Other")

    assert checkin.search(meeting, query) == [found]


def test_search_folds_passport_names_too(meeting: Meeting) -> None:
    found = make_accreditation(meeting, given="Jo", family="Smith")
    Accreditation.objects.filter(pk=found.pk).update(passport_family_name="Gómez Smith")

    assert checkin.search(meeting, "gomez") == [found]


def test_search_does_not_match_other_letters(meeting: Meeting) -> None:
    miller = make_accreditation(meeting, given="Hans", family="Miller")

    assert checkin.search(meeting, "muller") == []
    assert checkin.search(meeting, "miller") == [miller]


def test_check_in_entered_writes_one_audit_entry_for_the_webhooks(
    meeting: Meeting, desk_officer: User
) -> None:
    accreditation = make_accreditation(meeting)

    checkin.check_in(
        code_of(accreditation),
        meeting=meeting,
        desk="North",
        actor=checkin.desk_actor(desk_officer, "North"),
    )
    checkin.check_in(
        code_of(accreditation),
        meeting=meeting,
        desk="South",
        actor=checkin.desk_actor(desk_officer, "South"),
    )
    waiting = make_accreditation(meeting, status=AccreditationStatus.PENDING, family="Waiting")
    checkin.check_in(
        code_of(waiting),
        meeting=meeting,
        desk="North",
        actor=checkin.desk_actor(desk_officer, "North"),
    )

    [entry] = AuditEntry.objects.filter(action="summitdesk.accreditation.checked_in")
    row = CheckIn.objects.get(result=CheckInResult.ENTERED)
    assert (entry.object_type, entry.object_id) == (
        "accreditation.accreditation",
        str(accreditation.pk),
    )
    assert entry.organisation_id == accreditation.delegate.reply.organisation_id
    assert entry.actor == desk_officer
    assert entry.changes == {
        "checked_in": [None, row.scanned_at.isoformat()],
        "desk": [None, "North"],
    }
    assert AuditEntry.objects.count() == 1


def test_check_in_entered_costs_one_insert_more_than_the_row(meeting: Meeting) -> None:
    accreditation = make_accreditation(meeting)
    code = code_of(accreditation)

    with CaptureQueriesContext(connection) as captured:
        checkin.check_in(code, meeting=meeting, desk="1", actor=checkin.desk_actor(None, "1"))

    inserts = [q["sql"] for q in captured if q["sql"].lstrip().upper().startswith("INSERT")]
    assert len(inserts) == 2
    assert "auditentry" in inserts[1].lower()


def test_check_in_audit_entry_rolls_back_with_the_admission(meeting: Meeting) -> None:
    accreditation = make_accreditation(meeting)

    with pytest.raises(RuntimeError), transaction.atomic():
        checkin.check_in(
            code_of(accreditation), meeting=meeting, desk="1", actor=checkin.desk_actor(None, "1")
        )
        raise RuntimeError

    assert not AuditEntry.objects.exists()
    assert not CheckIn.objects.exists()


# A badge number typed into the scan field


def numbered(meeting: Meeting, number: str, **kwargs: Any) -> Accreditation:
    accreditation = make_accreditation(meeting, **kwargs)
    Accreditation.objects.filter(pk=accreditation.pk).update(badge_number=number)
    accreditation.refresh_from_db()
    return accreditation


@pytest.mark.parametrize("typed", ["00042", " 00 042 ", "00042\t"])
def test_check_in_badge_number_at_desk_enters(meeting: Meeting, typed: str) -> None:
    accreditation = numbered(meeting, "00042")
    numbered(meeting, "00043", given="Li", family="Wei")

    result = checkin.check_in(
        typed, meeting=meeting, desk="1", actor=checkin.desk_actor(None, "1"), badge_numbers=True
    )

    assert (result.result, result.accreditation) == (CheckInResult.ENTERED, accreditation)
    assert rows() == [(accreditation.pk, "entered", "", "1")]


def test_check_in_badge_number_ignores_case(meeting: Meeting) -> None:
    accreditation = numbered(meeting, "PC3-7")

    result = checkin.check_in(
        "pc3-7", meeting=meeting, desk="1", actor=checkin.desk_actor(None, "1"), badge_numbers=True
    )

    assert (result.result, result.accreditation) == (CheckInResult.ENTERED, accreditation)


@pytest.mark.parametrize("typed", ["00041", "0042", "42", "00042x", "x" * 30])
def test_check_in_unknown_badge_number_refused_as_unknown_code(
    meeting: Meeting, typed: str
) -> None:
    numbered(meeting, "00042")

    result = checkin.check_in(
        typed, meeting=meeting, desk="1", actor=checkin.desk_actor(None, "1"), badge_numbers=True
    )

    assert (result.result, result.message, result.accreditation) == (
        CheckInResult.REFUSED,
        "Unknown code: this is not a valid badge.",
        None,
    )
    assert rows() == [(None, "refused", "Unknown code: this is not a valid badge.", "1")]


def test_check_in_badge_number_of_another_meeting_is_unknown(meeting: Meeting) -> None:
    numbered(MeetingFactory(), "00042")

    result = checkin.check_in(
        "00042", meeting=meeting, desk="1", actor=checkin.desk_actor(None, "1"), badge_numbers=True
    )

    assert (result.result, result.message) == (
        CheckInResult.REFUSED,
        "Unknown code: this is not a valid badge.",
    )


def test_check_in_badge_number_of_revoked_accreditation_refused_with_reason(
    meeting: Meeting,
) -> None:
    accreditation = numbered(meeting, "00042", status=AccreditationStatus.REVOKED)

    result = checkin.check_in(
        "00042", meeting=meeting, desk="1", actor=checkin.desk_actor(None, "1"), badge_numbers=True
    )

    assert (result.result, result.message, result.accreditation) == (
        CheckInResult.REFUSED,
        "Refused: the accreditation was revoked.",
        accreditation,
    )


def test_check_in_badge_number_needs_the_desk_flag(meeting: Meeting) -> None:
    numbered(meeting, "00042")

    result = checkin.check_in(
        "00042", meeting=meeting, desk="1", actor=checkin.desk_actor(None, "1")
    )

    assert result.result == CheckInResult.REFUSED


def test_checkin_desk_scan_field_takes_a_badge_number(
    meeting: Meeting, desk_client: Client
) -> None:
    accreditation = numbered(meeting, "00042")

    response = desk_client.post(desk_url(meeting), {"code": "  00 042 "}, follow=True)

    assert rows() == [(accreditation.pk, "entered", "", "Desk 2")]
    page = response.content.decode()
    assert '<h2 id="result-title">Checked in</h2>' in page
    assert '<dd class="checkin-name"><bdi>Amina Diallo</bdi></dd>' in page


def test_checkin_desk_unknown_badge_number_refused(meeting: Meeting, desk_client: Client) -> None:
    numbered(meeting, "00042")

    response = desk_client.post(desk_url(meeting), {"code": "00099"}, follow=True)

    page = response.content.decode()
    assert '<h2 id="result-title">Refused</h2>' in page
    assert '<p class="checkin-reason">Unknown code: this is not a valid badge.</p>' in page


# No photo: admitted, amber, check an identity document


def test_checkin_desk_admission_without_photo_is_amber(
    meeting: Meeting, desk_client: Client
) -> None:
    accreditation = make_accreditation(meeting)

    response = desk_client.post(desk_url(meeting), {"code": code_of(accreditation)}, follow=True)

    assert rows() == [(accreditation.pk, "entered", "", "Desk 2")]
    page = response.content.decode()
    assert 'class="checkin-result checkin-entered checkin-check-identity"' in page
    assert '<h2 id="result-title">Checked in</h2>' in page
    assert (
        '<p class="checkin-idcheck">Check an identity document: there is no '
        "photo of this person.</p>"
    ) in page
    assert 'data-field="entered">1</strong>' in page


def test_checkin_desk_reentry_without_photo_asks_for_a_document_too(
    meeting: Meeting, desk_client: Client
) -> None:
    accreditation = make_accreditation(meeting)
    desk_client.post(desk_url(meeting), {"code": code_of(accreditation)})

    page = desk_client.post(
        desk_url(meeting), {"code": code_of(accreditation)}, follow=True
    ).content.decode()

    assert 'class="checkin-result checkin-reentered checkin-check-identity"' in page
    assert "Check an identity document: there is no photo of this person." in page


def test_checkin_desk_admission_with_photo_is_green(
    meeting: Meeting, desk_client: Client, with_photo: Accreditation
) -> None:
    response = desk_client.post(desk_url(meeting), {"code": code_of(with_photo)}, follow=True)

    page = response.content.decode()
    assert '<section class="checkin-result checkin-entered" ' in page
    assert "Check an identity document" not in page


def test_checkin_desk_refusal_without_photo_is_not_amber(
    meeting: Meeting, desk_client: Client
) -> None:
    accreditation = make_accreditation(meeting, status=AccreditationStatus.REVOKED)

    response = desk_client.post(desk_url(meeting), {"code": code_of(accreditation)}, follow=True)

    page = response.content.decode()
    assert '<section class="checkin-result checkin-refused" ' in page
    assert "Check an identity document" not in page


# Photos in the name search


def test_checkin_desk_search_shows_badge_size_photos_and_placeholder(
    meeting: Meeting, desk_client: Client, with_photo: Accreditation
) -> None:
    without = make_accreditation(meeting, given="Awa", family="Diallo")
    revoked = make_accreditation(
        meeting, given="Ali", family="Diallo", status=AccreditationStatus.REVOKED
    )

    page = desk_client.get(desk_url(meeting), {"q": "diallo"}).content.decode()

    photo_url = reverse("backoffice:photo-image", args=[with_photo.pk])
    assert (
        f'<li>\n      <img src="{photo_url}?size=badge" alt="Photo of Amina Diallo" '
        'width="70" height="90" loading="lazy">'
    ) in page
    assert page.count('<span class="checkin-thumb-none">No photo</span>') == 2
    # Amber (check a document) for the one who would be admitted without a photo only.
    assert page.count('<li class="checkin-check-identity">') == 1
    assert page.count('<span class="checkin-idcheck">Check an identity document</span>') == 1
    assert page.index("Awa Diallo") > page.index('<li class="checkin-check-identity">')
    assert f'name="accreditation" value="{without.pk}"' in page
    assert f'name="accreditation" value="{revoked.pk}"' in page


def test_photo_image_badge_size_serves_the_small_copy(
    desk_client: Client, with_photo: Accreditation
) -> None:
    url = reverse("backoffice:photo-image", args=[with_photo.pk])

    small = desk_client.get(url, {"size": "badge"})
    full = desk_client.get(url)

    assert (small.status_code, small["Content-Type"]) == (200, "image/jpeg")
    assert Image.open(io.BytesIO(small.content)).size == (350, 450)
    assert Image.open(io.BytesIO(full.content)).size == (700, 900)


def test_photo_image_badge_size_falls_back_to_the_photo(
    desk_client: Client, with_photo: Accreditation
) -> None:
    Accreditation.objects.filter(pk=with_photo.pk).update(badge_photo="")
    url = reverse("backoffice:photo-image", args=[with_photo.pk])

    response = desk_client.get(url, {"size": "badge"})

    assert Image.open(io.BytesIO(response.content)).size == (700, 900)


@pytest.mark.parametrize("role", [Role.VIEWER])
def test_photo_image_badge_size_refused_without_the_role(
    with_photo: Accreditation, role: str
) -> None:
    client = signed_in(UserFactory(role=role))

    response = client.get(
        reverse("backoffice:photo-image", args=[with_photo.pk]), {"size": "badge"}
    )

    assert response.status_code == 403


# Undoing the desk's last admission


def admit(meeting: Meeting, accreditation: Accreditation, operator: User, desk: str) -> CheckIn:
    result = checkin.check_in(
        code_of(accreditation), meeting=meeting, desk=desk, actor=checkin.desk_actor(operator, desk)
    )
    assert result.check_in is not None
    return result.check_in


def desk_actor(user: User, desk: str = "Desk 2") -> Actor:
    return Actor(user=user, channel=Channel.BACKOFFICE, label=f"check-in desk {desk}")


def test_undo_admission_deletes_it_counts_down_and_audits(
    meeting: Meeting, desk_officer: User
) -> None:
    accreditation = make_accreditation(meeting)
    row = admit(meeting, accreditation, desk_officer, "Desk 2")

    undone = checkin.undo_admission(
        row.pk, meeting=meeting, desk="Desk 2", actor=desk_actor(desk_officer)
    )

    assert undone == accreditation
    assert rows() == []
    assert figures.desk_count(meeting).entered == 0
    entry = AuditEntry.objects.get(action="summitdesk.accreditation.check_in_undone")
    assert (entry.object_type, entry.object_id, entry.actor, entry.actor_label) == (
        "accreditation.accreditation",
        str(accreditation.pk),
        desk_officer,
        "check-in desk Desk 2",
    )
    assert entry.organisation_id == accreditation.delegate.reply.organisation_id
    assert entry.changes == {
        "checked_in": [row.scanned_at.isoformat(), None],
        "desk": ["Desk 2", None],
    }
    # The person is admitted again at the next scan.
    assert admit(meeting, accreditation, desk_officer, "Desk 2").result == CheckInResult.ENTERED


def refusal_of_undo(meeting: Meeting, row: CheckIn, user: User, desk: str = "Desk 2") -> str:
    with pytest.raises(checkin.UndoRefused) as refused:
        checkin.undo_admission(row.pk, meeting=meeting, desk=desk, actor=desk_actor(user, desk))
    return str(refused.value)


def test_undo_refused_for_a_reentry_and_a_refusal(meeting: Meeting, desk_officer: User) -> None:
    accreditation = make_accreditation(meeting)
    admit(meeting, accreditation, desk_officer, "Desk 2")
    reentry = admit(meeting, accreditation, desk_officer, "Desk 2")
    refusal = admit(
        meeting,
        make_accreditation(meeting, status=AccreditationStatus.PENDING),
        desk_officer,
        "Desk 2",
    )
    before = rows()

    for row in (reentry, refusal):
        assert refusal_of_undo(meeting, row, desk_officer) == (
            "Only an admission can be undone: a re-entry or a refusal changes no count."
        )
    assert rows() == before


def test_undo_refused_to_another_operator_or_desk(meeting: Meeting, desk_officer: User) -> None:
    row = admit(meeting, make_accreditation(meeting), desk_officer, "Desk 2")
    colleague = UserFactory(role=Role.CHECKIN_DESK)
    message = "Only the staff member who admitted this person, at this desk, can undo it."

    assert refusal_of_undo(meeting, row, colleague) == message
    assert refusal_of_undo(meeting, row, desk_officer, desk="Desk 3") == message
    assert figures.desk_count(meeting).entered == 1


def test_undo_refused_after_the_window(meeting: Meeting, desk_officer: User) -> None:
    row = admit(meeting, make_accreditation(meeting), desk_officer, "Desk 2")
    CheckIn.objects.filter(pk=row.pk).update(
        scanned_at=timezone.now() - checkin.UNDO_WINDOW - datetime.timedelta(seconds=1)
    )

    assert refusal_of_undo(meeting, row, desk_officer) == (
        "Too late to undo: an admission can be undone for 5 minutes."
    )
    assert figures.desk_count(meeting).entered == 1


def test_undo_refused_for_an_admission_before_the_last(
    meeting: Meeting, desk_officer: User
) -> None:
    earlier = admit(meeting, make_accreditation(meeting), desk_officer, "Desk 2")
    later = admit(meeting, make_accreditation(meeting, given="Li"), desk_officer, "Desk 2")

    assert refusal_of_undo(meeting, earlier, desk_officer) == (
        "Only the last admission of this desk can be undone."
    )
    checkin.undo_admission(later.pk, meeting=meeting, desk="Desk 2", actor=desk_actor(desk_officer))
    assert figures.desk_count(meeting).entered == 1


def test_undo_refused_once_the_badge_was_scanned_again(
    meeting: Meeting, desk_officer: User
) -> None:
    accreditation = make_accreditation(meeting)
    row = admit(meeting, accreditation, desk_officer, "Desk 2")
    admit(meeting, accreditation, UserFactory(role=Role.CHECKIN_DESK), "Desk 5")

    assert refusal_of_undo(meeting, row, desk_officer) == (
        "The badge was scanned again since this admission: it can no longer be undone."
    )


def test_undo_refused_twice_and_for_another_meeting(meeting: Meeting, desk_officer: User) -> None:
    row = admit(meeting, make_accreditation(meeting), desk_officer, "Desk 2")
    gone = "There is no such admission: it may have been undone already."

    assert refusal_of_undo(MeetingFactory(), row, desk_officer) == gone
    checkin.undo_admission(row.pk, meeting=meeting, desk="Desk 2", actor=desk_actor(desk_officer))
    assert refusal_of_undo(meeting, row, desk_officer) == gone


@pytest.mark.django_db(transaction=True)
def test_undo_twice_at_once_undoes_once() -> None:
    meeting = MeetingFactory()
    operator = UserFactory(role=Role.CHECKIN_DESK)
    row = admit(meeting, make_accreditation(meeting), operator, "Desk 2")
    barrier = threading.Barrier(2)
    outcomes: list[str] = []
    errors: list[BaseException] = []

    def click() -> None:
        try:
            barrier.wait(timeout=10)
            checkin.undo_admission(
                row.pk, meeting=meeting, desk="Desk 2", actor=desk_actor(operator)
            )
            outcomes.append("undone")
        except checkin.UndoRefused as refused:
            outcomes.append(str(refused))
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=click) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert errors == []
    assert sorted(outcomes) == [
        "There is no such admission: it may have been undone already.",
        "undone",
    ]
    assert AuditEntry.objects.filter(action="summitdesk.accreditation.check_in_undone").count() == 1
    assert figures.desk_count(meeting).entered == 0


def at_once(*actions: Callable[[], object]) -> list[BaseException]:
    """Runs the actions in threads released together; the errors other than UndoRefused."""
    barrier = threading.Barrier(len(actions))
    errors: list[BaseException] = []

    def run(action: Callable[[], object]) -> None:
        try:
            barrier.wait(timeout=10)
            action()
        except checkin.UndoRefused:
            pass
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(action,)) for action in actions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return errors


@pytest.mark.django_db(transaction=True)
def test_undo_racing_a_second_scan_never_leaves_a_reentry_without_entry() -> None:
    meeting = MeetingFactory()
    operator = UserFactory(role=Role.CHECKIN_DESK)
    for round_number in range(5):
        accreditation = make_accreditation(meeting, given=f"P{round_number}")
        row = admit(meeting, accreditation, operator, "Desk 2")
        code = code_of(accreditation)

        def undo(pk: int = row.pk) -> None:
            checkin.undo_admission(pk, meeting=meeting, desk="Desk 2", actor=desk_actor(operator))

        def scan(code: str = code) -> None:
            checkin.check_in(
                code, meeting=meeting, desk="Gate", actor=checkin.desk_actor(None, "Gate")
            )

        errors = at_once(undo, scan)

        assert errors == []
        results = sorted(accreditation.check_ins.values_list("result", flat=True))
        # Either the undo came first (the scan is a fresh entry) or the scan did (a
        # re-entry, and the undo is refused): never a re-entry without its entry.
        assert results in (["entered"], ["entered", "reentered"])


def test_checkin_desk_offers_undo_of_own_last_admission_only(
    meeting: Meeting, desk_client: Client, desk_officer: User
) -> None:
    accreditation = make_accreditation(meeting)
    response = desk_client.post(desk_url(meeting), {"code": code_of(accreditation)}, follow=True)
    row = CheckIn.objects.get()

    page = response.content.decode()
    assert "<summary>Undo this admission</summary>" in page
    assert f'<button type="submit" name="undo" value="{row.pk}" class="danger">' in page
    assert "Undo the admission of <bdi>Amina Diallo</bdi>? They will no longer count" in page
    # A re-entry, a colleague, another desk: nothing to undo there.
    reentry = desk_client.post(desk_url(meeting), {"code": code_of(accreditation)}, follow=True)
    assert "Undo this admission" not in reentry.content.decode()
    colleague = signed_in(UserFactory(role=Role.CHECKIN_DESK))
    session = colleague.session
    session["summitdesk_checkin_desk"] = "Desk 2"
    session.save()
    assert (
        "Undo this admission"
        not in colleague.get(desk_url(meeting), {"last": row.pk}).content.decode()
    )


def test_checkin_desk_undo_counts_down_with_a_message(
    meeting: Meeting, desk_client: Client
) -> None:
    accreditation = make_accreditation(meeting)
    desk_client.post(desk_url(meeting), {"code": code_of(accreditation)})
    row = CheckIn.objects.get()

    response = desk_client.post(desk_url(meeting), {"undo": row.pk}, follow=True)

    assert response.redirect_chain == [(desk_url(meeting), 302)]
    page = response.content.decode()
    assert "Admission undone: Amina Diallo is no longer counted as checked in." in page
    assert 'data-field="entered">0</strong>' in page
    assert rows() == []


def test_checkin_desk_undo_refused_shows_reason_and_changes_nothing(
    meeting: Meeting, desk_client: Client
) -> None:
    accreditation = make_accreditation(meeting)
    desk_client.post(desk_url(meeting), {"code": code_of(accreditation)})
    desk_client.post(desk_url(meeting), {"code": code_of(accreditation)})
    reentry = CheckIn.objects.get(result=CheckInResult.REENTERED)
    before = rows()

    response = desk_client.post(desk_url(meeting), {"undo": reentry.pk}, follow=True)

    assert response.redirect_chain == [(f"{desk_url(meeting)}?last={reentry.pk}", 302)]
    assert (
        "Only an admission can be undone: a re-entry or a refusal changes no count."
        in response.content.decode()
    )
    assert rows() == before


@pytest.mark.parametrize("value", ["abc", "", "1e3", "0", "9" * 30])
def test_checkin_desk_undo_of_a_malformed_id_is_not_found(
    meeting: Meeting, desk_client: Client, value: str
) -> None:
    response = desk_client.post(desk_url(meeting), {"undo": value})

    assert response.status_code == 404


@pytest.mark.parametrize("value", ["abc", "9" * 30])
def test_checkin_desk_choosing_a_malformed_accreditation_is_not_found(
    meeting: Meeting, desk_client: Client, value: str
) -> None:
    response = desk_client.post(desk_url(meeting), {"accreditation": value})

    assert response.status_code == 404


def test_checkin_desk_undo_of_an_unknown_id_says_so(meeting: Meeting, desk_client: Client) -> None:
    response = desk_client.post(desk_url(meeting), {"undo": "99999999"}, follow=True)

    assert response.redirect_chain == [(desk_url(meeting), 302)]
    assert "There is no such admission: it may have been undone already." in (
        response.content.decode()
    )


@pytest.mark.parametrize("role", [Role.VIEWER, Role.BADGE_DESK, Role.REGISTRATION_OFFICER])
def test_checkin_undo_refused_to_roles_without_desk(
    meeting: Meeting, desk_officer: User, role: str
) -> None:
    row = admit(meeting, make_accreditation(meeting), desk_officer, "Desk 2")
    client = signed_in(UserFactory(role=role))

    response = client.post(desk_url(meeting), {"undo": row.pk})

    assert response.status_code == 403
    assert CheckIn.objects.filter(pk=row.pk).exists()
