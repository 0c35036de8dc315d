"""The delegate's accreditation pages: a delegate completes their data through their own
link, a focal point completes it from the reply; the guarantees of the links (another
reply's delegate, a revoked link: the same 404; rate limits); a refused photo changes
nothing; the audit trail names identity fields, never their values; the crop."""

import datetime
import io
import time

import pytest
from django.core.files.storage import default_storage
from django.test import Client, RequestFactory
from PIL import Image
from pytest_django import Settings

from summitdesk.accreditation import delegate_links, services
from summitdesk.accreditation.enums import AccreditationStatus as Status
from summitdesk.accreditation.models import Accreditation
from summitdesk.core.models import AuditEntry
from summitdesk.delegations.models import Delegate
from summitdesk.meetings.models import Meeting
from summitdesk.portal import delegate_access
from tests.accreditation.hostile_images import REFUSAL_CPU_SECONDS, many_scans_jpeg, mpo
from tests.portal.builders import STAFF, Named, form, name_delegate
from tests.portal.conftest import Invited

pytestmark = pytest.mark.django_db

NOT_VALID = "This link is not valid."


@pytest.fixture
def amina(acme: Invited) -> Named:
    return name_delegate(acme, "Diallo", "amina@acme.example.org")


@pytest.fixture
def bjorn(borealis: Invited) -> Named:
    return name_delegate(borealis, "Berg", "bjorn@borealis.example.org")


def png(size: tuple[int, int] = (800, 1200), colour: tuple[int, int, int] = (30, 90, 160)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, "PNG")
    return buffer.getvalue()


def upload(content: bytes, name: str = "me.png") -> io.BytesIO:
    buffer = io.BytesIO(content)
    buffer.name = name
    return buffer


def photo_names(accreditation: Accreditation) -> tuple[str, str]:
    """The storage names of the photo and its badge-size copy."""
    name, small = accreditation.photo.name, accreditation.badge_photo.name
    assert name and small
    return name, small


def stored_size(name: str) -> tuple[int, int]:
    with default_storage.open(name, "rb") as handle, Image.open(handle) as image:
        return image.size


# Completing the data


def test_delegate_completes_their_data_with_a_photo(amina: Named, meeting: Meeting) -> None:
    page = Client().get(amina.url)
    assert page.status_code == 200
    text = page.content.decode()
    assert "Pending" in text
    assert "Still missing for the badge:" in text
    assert 'capture="user"' in text and 'accept="image/jpeg,image/png"' in text
    assert 'name="photo_file"' in text

    response = Client().post(amina.url, form(meeting, photo=upload(png())))

    assert response.status_code == 302 and response["Location"] == amina.url
    accreditation = amina.fresh()
    assert accreditation.passport_given_name == "Amina"
    assert accreditation.passport_family_name == "Diallo"
    assert accreditation.date_of_birth == datetime.date(1980, 4, 2)
    assert accreditation.document_number == "A12345678"
    assert accreditation.delegate.nationality == "SN"
    assert accreditation.delegate.consent_to_publish is True
    photo_name, small_name = photo_names(accreditation)
    assert stored_size(photo_name) == (700, 900)
    assert stored_size(small_name) == (350, 450)
    assert services.missing_data(accreditation) == []
    again = Client().get(amina.url).content.decode()
    assert "Nothing is missing for the badge." in again
    photo = Client().get(f"{amina.url}photo.jpg")
    assert photo.status_code == 200 and photo["Content-Type"] == "image/jpeg"


def test_focal_point_completes_a_delegates_data_from_the_reply(
    amina: Named, meeting: Meeting
) -> None:
    response = Client().post(
        amina.focal_point_url, form(meeting, consent_to_publish=None, photo=upload(png()))
    )

    assert response.status_code == 302 and response["Location"] == amina.focal_point_url
    accreditation = amina.fresh()
    assert accreditation.document_number == "A12345678"
    entry = AuditEntry.objects.filter(action="summitdesk.accreditation.identity_changed").first()
    assert entry is not None and entry.actor_label.startswith("reply link of Acme Telecom")
    page = Client().get(amina.focal_point_url).content.decode()
    assert f'href="/reply/{amina.invited.token}/"' in page
    assert f'src="{amina.focal_point_url}photo.jpg"' in page
    photo = Client().get(f"{amina.focal_point_url}photo.jpg")
    assert photo.status_code == 200 and photo["Content-Type"] == "image/jpeg"


def test_another_replys_delegate_is_not_found(amina: Named, bjorn: Named) -> None:
    """Acme's reply link with Borealis' delegate: the same page as an unknown link."""
    forged = f"/accreditation/from-reply/{amina.invited.token}/{bjorn.accreditation.delegate_id}/"

    for response in (
        Client().get(forged),
        Client().get(f"{forged}photo.jpg"),
        Client().post(forged, {"passport_family_name": "X"}),
    ):
        assert response.status_code == 404
        assert NOT_VALID in response.content.decode()
    assert (
        Client()
        .get(f"/accreditation/from-reply/nonsense/{bjorn.accreditation.delegate_id}/")
        .status_code
        == 404
    )
    assert bjorn.fresh().passport_family_name == ""


def test_revoked_link_is_not_found(amina: Named) -> None:
    delegate_links.revoke(amina.accreditation)

    response = Client().get(amina.url)

    assert response.status_code == 404
    assert NOT_VALID in response.content.decode()
    assert Client().get("/accreditation/not-a-token/").content == response.content


def test_withdrawn_delegates_link_is_not_found(amina: Named) -> None:
    services.transition(amina.accreditation, Status.WITHDRAWN, actor=STAFF)

    assert Client().get(amina.url).status_code == 404
    assert Client().get(amina.focal_point_url).status_code == 404


def test_bad_photo_is_refused_with_its_reason_and_nothing_changes(
    amina: Named, meeting: Meeting
) -> None:
    before = AuditEntry.objects.count()

    response = Client().post(
        amina.url, form(meeting, photo=upload(b"GIF89a not a photo", "me.jpg"))
    )

    assert response.status_code == 400
    assert "The photo must be a JPEG or PNG image." in response.content.decode()
    accreditation = amina.fresh()
    assert accreditation.passport_family_name == "" and not accreditation.photo
    assert accreditation.delegate.consent_to_publish is False
    assert AuditEntry.objects.count() == before


def test_photo_of_many_scans_is_refused_before_decoding_and_nothing_changes(
    amina: Named, meeting: Meeting
) -> None:
    before = AuditEntry.objects.count()
    hostile = upload(many_scans_jpeg(), "me.jpg")

    started = time.process_time()
    response = Client().post(amina.url, form(meeting, photo=hostile))

    assert time.process_time() - started < REFUSAL_CPU_SECONDS
    assert response.status_code == 400
    assert (
        "The photo is stored in too many passes to be read safely: save it again as an "
        "ordinary JPEG (or take a screenshot of it) and upload that."
    ) in response.content.decode()
    accreditation = amina.fresh()
    assert accreditation.passport_family_name == "" and not accreditation.photo
    assert AuditEntry.objects.count() == before


def test_photo_from_a_phone_camera_mpo_is_kept(amina: Named, meeting: Meeting) -> None:
    response = Client().post(amina.url, form(meeting, photo_file=upload(mpo(), "me.jpg")))

    assert response.status_code == 302
    assert stored_size(photo_names(amina.fresh())[0]) == (700, 900)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"date_of_birth": "2999-01-01"}, "The date of birth must be in the past."),
        ({"date_of_birth": "1850-01-01"}, "more than 120 years ago: check the year"),
        ({"document_number": "12"}, "made of 4 to 20 letters and digits"),
        ({"passport_family_name": "Diallo <b>"}, "letters, spaces, hyphens and apostrophes only"),
        ({"date_of_birth": "02/04/1980x"}, "Enter a valid date."),
    ],
)
def test_invalid_details_are_refused_with_a_specific_message(
    amina: Named, meeting: Meeting, changes: dict[str, object], message: str
) -> None:
    response = Client().post(amina.url, form(meeting, **changes))

    assert response.status_code == 400
    assert message in response.content.decode()
    assert amina.fresh().passport_given_name == ""


def test_document_expiring_before_the_meeting_ends_is_refused(
    amina: Named, meeting: Meeting
) -> None:
    assert meeting.end_date is not None
    expiry = meeting.end_date - datetime.timedelta(days=1)

    response = Client().post(amina.url, form(meeting, document_expires=expiry.isoformat()))

    assert response.status_code == 400
    assert "before the meeting ends on" in response.content.decode()
    assert amina.fresh().document_expires is None


def test_audit_names_identity_fields_never_their_values(amina: Named, meeting: Meeting) -> None:
    Client().post(amina.url, form(meeting))

    entries = AuditEntry.objects.filter(action="summitdesk.accreditation.identity_changed")
    named = set()
    for entry in entries:
        named |= set(entry.changes)
        written = str(entry.changes) + entry.note
        for secret in ("A12345678", "1980", "Diallo", "SN"):
            assert secret not in written
    assert named == {
        "passport_given_name",
        "passport_family_name",
        "date_of_birth",
        "document_number",
        "document_expires",
        "nationality",
    }
    assert entries.first() is not None and entries.first().actor_label == "delegate Amina Diallo"  # type: ignore[union-attr]


def test_consent_change_is_recorded(amina: Named, meeting: Meeting) -> None:
    Client().post(amina.url, form(meeting))
    Client().post(amina.url, form(meeting, consent_to_publish=None))

    assert amina.fresh().delegate.consent_to_publish is False
    changes = [
        entry.changes
        for entry in AuditEntry.objects.filter(
            action="summitdesk.delegate.consent_changed"
        ).order_by("pk")
    ]
    assert changes == [{"consent_to_publish": [False, True]}, {"consent_to_publish": [True, False]}]


def test_crop_rectangle_is_applied_in_passport_proportions(amina: Named, meeting: Meeting) -> None:
    """Left half red, right half blue: a crop of the right half keeps only blue."""
    image = Image.new("RGB", (1400, 1200), (200, 0, 0))
    image.paste((0, 0, 200), (700, 0, 1400, 1200))
    buffer = io.BytesIO()
    image.save(buffer, "PNG")

    response = Client().post(
        amina.url,
        form(
            meeting,
            photo=upload(buffer.getvalue()),
            crop_x="800",
            crop_y="100",
            crop_width="560",
            crop_height="720",
        ),
    )

    assert response.status_code == 302
    name, _small = photo_names(amina.fresh())
    with default_storage.open(name, "rb") as handle, Image.open(handle) as kept:
        width, height = kept.size
        assert width * 45 == height * 35
        red, _green, blue = kept.convert("RGB").getpixel((width // 2, height // 2))  # type: ignore[misc]
        assert blue > 150 and red < 50


def test_framing_without_javascript_keeps_the_top_of_the_picture(
    amina: Named, meeting: Meeting
) -> None:
    """Top half green, bottom half black; 'at the top' at 65 % keeps green only."""
    image = Image.new("RGB", (700, 1800), (0, 0, 0))
    image.paste((0, 180, 0), (0, 0, 700, 900))
    buffer = io.BytesIO()
    image.save(buffer, "PNG")

    response = Client().post(
        amina.url, form(meeting, photo=upload(buffer.getvalue()), zoom="0.65", position="top")
    )

    assert response.status_code == 302
    with (
        default_storage.open(photo_names(amina.fresh())[0], "rb") as handle,
        Image.open(handle) as kept,
    ):
        assert kept.size == (700, 900)
        assert kept.convert("RGB").getpixel((350, 850))[1] > 150  # type: ignore[index]


def test_photo_chosen_as_a_file_is_kept(amina: Named, meeting: Meeting) -> None:
    response = Client().post(amina.url, form(meeting, photo_file=upload(png())))

    assert response.status_code == 302
    assert stored_size(photo_names(amina.fresh())[0]) == (700, 900)


def test_two_photos_at_once_are_refused(amina: Named, meeting: Meeting) -> None:
    response = Client().post(
        amina.url, form(meeting, photo=upload(png()), photo_file=upload(png()))
    )

    assert response.status_code == 400
    assert "Give one photo: either take it with the camera or choose a file." in (
        response.content.decode()
    )
    assert not amina.fresh().photo


def test_replaced_photo_files_are_removed(
    amina: Named, meeting: Meeting, django_capture_on_commit_callbacks: object
) -> None:
    Client().post(amina.url, form(meeting, photo=upload(png())))
    first = amina.fresh()
    old = photo_names(first)

    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        Client().post(amina.url, form(meeting, photo=upload(png(colour=(200, 10, 10)))))

    assert all(not default_storage.exists(name) for name in old)
    assert all(default_storage.exists(name) for name in photo_names(amina.fresh()))


def test_approved_identity_is_locked_but_consent_stays_open(amina: Named, meeting: Meeting) -> None:
    Client().post(amina.url, form(meeting, consent_to_publish=None))
    services.transition(amina.accreditation, Status.APPROVED, actor=STAFF)

    page = Client().get(amina.url).content.decode()
    assert "Approved" in page and "can no longer be changed here" in page
    response = Client().post(
        amina.url, form(meeting, passport_family_name="Other", consent_to_publish="on")
    )

    assert response.status_code == 302
    accreditation = amina.fresh()
    assert accreditation.passport_family_name == "Diallo"
    assert accreditation.delegate.consent_to_publish is True


def test_rejected_shows_the_reason(amina: Named) -> None:
    services.transition(
        amina.accreditation, Status.REJECTED, reason="Not in the list.", actor=STAFF
    )

    page = Client().get(amina.url).content.decode()

    assert "Not approved." in page and "Not in the list." in page


def test_arabic_page_is_right_to_left(amina: Named) -> None:
    page = Client().get(f"{amina.url}?lang=ar").content.decode()

    assert 'dir="rtl"' in page and 'lang="ar"' in page


def test_pages_are_rate_limited(amina: Named, settings: Settings) -> None:
    settings.SUMMITDESK_PORTAL_REQUESTS_PER_MINUTE = 3
    client = Client()
    statuses = [client.get(amina.url).status_code for _ in range(4)]

    assert statuses == [200, 200, 200, 429]


def test_failed_look_ups_hold_back_guesses_but_not_a_valid_link(
    amina: Named, settings: Settings
) -> None:
    settings.SUMMITDESK_PORTAL_FAILED_LINKS = 2
    client = Client()
    assert [client.get(f"/accreditation/guess-{n}/").status_code for n in range(2)] == [404, 404]

    guessed = client.get("/accreditation/guess-again/")
    valid = client.get(amina.url)

    assert (guessed.status_code, valid.status_code) == (429, 200)


def test_delegate_link_look_up_is_one_query(
    amina: Named, django_assert_num_queries: object
) -> None:
    request = RequestFactory().get(amina.url)
    delegate_access.accreditation_for_token(amina.token, request=request)  # marks it used
    with django_assert_num_queries(1):  # type: ignore[operator]
        found = delegate_access.accreditation_for_token(amina.token, request=request)
    assert found is not None and found.accreditation.pk == amina.accreditation.pk
    assert Delegate.objects.get(pk=found.delegate.pk).family_name == "Diallo"
