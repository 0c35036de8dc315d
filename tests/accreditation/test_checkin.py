"""Check-in: scans admitted once, re-entries, refusals with their reasons, the live count,
two desks at once, the desk page and its permissions per role."""

import io
import re
import threading
import zoneinfo
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import segno
from django.core import signing
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from summitdesk.accreditation import checkin, photos
from summitdesk.accreditation.badges import badge_code
from summitdesk.accreditation.enums import AccreditationStatus, CheckInResult
from summitdesk.accreditation.models import Accreditation, CheckIn
from summitdesk.core.audit import Actor
from summitdesk.core.enums import Role
from summitdesk.core.models import User
from summitdesk.meetings.models import Meeting
from tests.accreditation.builders import SALT, code_of, make_accreditation
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
        code_of(accreditation), meeting=meeting, desk="Desk 1", operator=desk_officer
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


def test_check_in_uses_colleague_badge_code(meeting: Meeting) -> None:
    accreditation = make_accreditation(meeting)

    result = checkin.check_in(badge_code(accreditation), meeting=meeting, desk="1", operator=None)

    assert result.result == CheckInResult.ENTERED


def test_check_in_second_scan_is_reentry_with_first_time_and_desk(
    meeting: Meeting, desk_officer: User
) -> None:
    accreditation = make_accreditation(meeting)
    code = code_of(accreditation)
    checkin.check_in(code, meeting=meeting, desk="2", operator=desk_officer)
    first = CheckIn.objects.get()
    local = timezone.localtime(first.scanned_at, zoneinfo.ZoneInfo("Europe/Zurich"))

    result = checkin.check_in(code, meeting=meeting, desk="5", operator=desk_officer)

    message = f"Already checked in at {local:%H:%M}, desk 2."
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
        code_of(accreditation), meeting=meeting, desk="1", operator=desk_officer
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

    result = checkin.check_in(accreditation.pk, meeting=meeting, desk="1", operator=None)

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
    result = checkin.check_in(code, meeting=meeting, desk="1", operator=None)

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
        f"{forged_payload}:{signature}", meeting=meeting, desk="1", operator=None
    )

    assert result.message == "Unknown code: this is not a valid badge."
    assert payload != forged_payload
    assert rows() == [(None, "refused", "Unknown code: this is not a valid badge.", "1")]


def test_check_in_signed_code_of_missing_accreditation_refused(meeting: Meeting) -> None:
    code = signing.Signer(salt=SALT).sign_object([987654, 1])

    result = checkin.check_in(code, meeting=meeting, desk="1", operator=None)

    assert result.message == "Unknown badge: no such accreditation."
    assert rows() == [(None, "refused", "Unknown badge: no such accreditation.", "1")]


def test_check_in_stale_badge_version_refused(meeting: Meeting) -> None:
    accreditation = make_accreditation(meeting, badge_version=2)

    result = checkin.check_in(code_of(accreditation, 1), meeting=meeting, desk="1", operator=None)

    reason = "Refused: this badge was replaced; this is an older badge."
    assert (result.result, result.message) == (CheckInResult.REFUSED, reason)
    assert rows() == [(accreditation.pk, "refused", reason, "1")]


def test_check_in_badge_of_other_meeting_refused(meeting: Meeting) -> None:
    accreditation = make_accreditation(MeetingFactory())

    result = checkin.check_in(code_of(accreditation), meeting=meeting, desk="1", operator=None)

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
        checkin.check_in(code_of(accreditation), meeting=meeting, desk="1", operator=None)
    checkin.check_in(code_of(elsewhere), meeting=elsewhere.meeting, desk="1", operator=None)

    assert checkin.live_count(meeting) == checkin.LiveCount(entered=2, approved=3)


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
            results.append(checkin.check_in(code, meeting=meeting, desk=name, operator=None).result)
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
    assert checkin.live_count(meeting).entered == 1


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
                checkin.check_in(code_of(accreditation), meeting=meeting, desk=name, operator=None)
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
    assert '<dd class="checkin-name">Amina Diallo</dd>' in page
    assert "<dd>Sonatel</dd>" in page
    assert 'data-field="entered">1</strong>' in page


def test_checkin_desk_second_scan_shows_already_checked_in(
    meeting: Meeting, desk_client: Client
) -> None:
    accreditation = make_accreditation(meeting)
    desk_client.post(desk_url(meeting), {"code": code_of(accreditation)})
    first = CheckIn.objects.get()
    local = timezone.localtime(first.scanned_at, zoneinfo.ZoneInfo("Europe/Zurich"))

    response = desk_client.post(desk_url(meeting), {"code": code_of(accreditation)}, follow=True)

    assert f"Already checked in at {local:%H:%M}, desk Desk 2." in response.content.decode()
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
    checkin.check_in(code_of(accreditation), meeting=meeting, desk="1", operator=None)

    response = desk_client.get(reverse("backoffice:checkin-count", args=[meeting.code]))

    assert response.json() == {"entered": 1, "approved": 2}
    assert response["Cache-Control"] == "no-store"


def qr_frame(text: str, kind: str = "png") -> bytes:
    qr = io.BytesIO()
    segno.make(text, error="m").save(qr, kind="png", scale=6, border=4)
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
    from summitdesk.backoffice import urls

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
    from summitdesk.core.models import AuditEntry

    accreditation = make_accreditation(meeting)

    checkin.check_in(code_of(accreditation), meeting=meeting, desk="North", operator=desk_officer)
    checkin.check_in(code_of(accreditation), meeting=meeting, desk="South", operator=desk_officer)
    waiting = make_accreditation(meeting, status=AccreditationStatus.PENDING, family="Waiting")
    checkin.check_in(code_of(waiting), meeting=meeting, desk="North", operator=desk_officer)

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
        checkin.check_in(code, meeting=meeting, desk="1", operator=None)

    inserts = [q["sql"] for q in captured if q["sql"].lstrip().upper().startswith("INSERT")]
    assert len(inserts) == 2
    assert "auditentry" in inserts[1].lower()


def test_check_in_audit_entry_rolls_back_with_the_admission(meeting: Meeting) -> None:
    from django.db import transaction

    from summitdesk.core.models import AuditEntry

    accreditation = make_accreditation(meeting)

    with pytest.raises(RuntimeError), transaction.atomic():
        checkin.check_in(code_of(accreditation), meeting=meeting, desk="1", operator=None)
        raise RuntimeError

    assert not AuditEntry.objects.exists()
    assert not CheckIn.objects.exists()
