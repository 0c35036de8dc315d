"""Ready for a badge: what an accreditation lacks (photo, identity data), on the list, on
bulk approval, on the print run, and the meeting's settings that require it."""

import datetime
from collections.abc import Sequence

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from summitdesk.accreditation import print_runs, services
from summitdesk.accreditation.badges import BadgeError
from summitdesk.accreditation.completeness import missing_for_badge
from summitdesk.accreditation.enums import AccreditationStatus as Status
from summitdesk.accreditation.models import Accreditation, PrintRun
from summitdesk.core.enums import Role
from summitdesk.delegations.models import Delegate
from summitdesk.directory.enums import Category
from summitdesk.meetings.models import Meeting
from tests.accreditation.builders import (
    STAFF,
    accreditations,
    make_accreditations,
    meeting,
    members,
    submitted_reply,
)
from tests.conftest import signed_in
from tests.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db

EVERYTHING = [
    "photo",
    "given name(s) as in the passport",
    "family name as in the passport",
    "nationality",
    "date of birth",
    "identity document number",
    "identity document expiry",
]
# As a sentence lists them: the language's separators, "and" before the last.
LISTED = (
    "photo, given name(s) as in the passport, family name as in the passport, nationality, "
    "date of birth, identity document number and identity document expiry"
)


def complete(items: Sequence[Accreditation]) -> None:
    """Give `items` a photo and every identity field."""
    pks = [item.pk for item in items]
    Accreditation.objects.filter(pk__in=pks).update(
        photo="photos/2026/face.jpg",
        passport_given_name="Amina",
        passport_family_name="Diallo",
        date_of_birth=datetime.date(1980, 5, 17),
        document_number="A1234567",
        document_expires=datetime.date(2030, 1, 1),
    )
    Delegate.objects.filter(accreditation__pk__in=pks).update(nationality="SN")


def test_missing_for_badge_of_nothing_given_names_everything() -> None:
    accreditation = Accreditation(delegate=Delegate(family_name="Diallo"))

    assert missing_for_badge(accreditation) == EVERYTHING


def test_missing_for_badge_names_only_what_is_lacking() -> None:
    accreditation = Accreditation(
        delegate=Delegate(family_name="Diallo", nationality="SN"),
        passport_given_name="Amina",
        passport_family_name="Diallo",
        date_of_birth=datetime.date(1980, 5, 17),
        document_number="A1234567",
    )

    assert missing_for_badge(accreditation) == ["photo", "identity document expiry"]


def test_missing_for_badge_of_a_complete_one_is_empty() -> None:
    accreditation = Accreditation(
        delegate=Delegate(family_name="Diallo", nationality="SN"),
        photo="photos/2026/face.jpg",
        passport_given_name="Amina",
        passport_family_name="Diallo",
        date_of_birth=datetime.date(1980, 5, 17),
        document_number="A1234567",
        document_expires=datetime.date(2030, 1, 1),
    )

    assert missing_for_badge(accreditation) == []


def _delegation(count: int) -> tuple[Meeting, list[Accreditation]]:
    at = meeting()
    orange = OrganisationFactory(name="Orange", category=Category.SECTOR_MEMBER)
    return at, accreditations(submitted_reply(orange, at, members(count)))


def test_list_shows_what_each_lacks_and_filters_the_ready_ones(secretary_client: Client) -> None:
    at, found = _delegation(3)
    complete(found[:1])
    Accreditation.objects.filter(pk=found[1].pk).update(document_number="B7654321")
    url = reverse("backoffice:accreditation-list", kwargs={"code": at.code})

    everyone = secretary_client.get(url)
    ready = secretary_client.get(url, {"ready": "on"})

    cells = everyone.content.decode().split('<td class="completeness">')[1:]
    assert [cell.split("</td>")[0] for cell in cells] == [
        '<span class="status ready">ready</span>',
        '<span class="status incomplete">missing: photo, given name(s) as in the passport, '
        "family name as in the passport, nationality, date of birth and "
        "identity document expiry</span>",
        '<span class="status incomplete">missing: ' + LISTED + "</span>",
    ]
    assert [a.pk for a in ready.context["page"].object_list] == [found[0].pk]


def test_list_of_ready_ones_queries_do_not_grow_with_accreditations(
    secretary_client: Client,
) -> None:
    at, found = _delegation(40)
    complete(found[:2])
    url = reverse("backoffice:accreditation-list", kwargs={"code": at.code})
    with CaptureQueriesContext(connection) as few:
        secretary_client.get(url, {"ready": "on"})
    complete(found)

    with CaptureQueriesContext(connection) as many:
        response = secretary_client.get(url, {"ready": "on"})

    assert response.context["page"].paginator.count == 40
    assert len(many) == len(few)


def test_bulk_approval_counts_the_incomplete_and_skips_them(secretary_client: Client) -> None:
    at, found = _delegation(3)
    complete(found[:1])
    url = reverse("backoffice:accreditation-bulk", kwargs={"code": at.code})
    ids = [str(a.pk) for a in found]

    confirm = secretary_client.post(url, {"action": "approve", "ids": ids})
    done = secretary_client.post(
        url, {"action": "approve", "ids": ids, "confirm": "1", "skip_incomplete": "1"}
    )

    assert confirm.context["incomplete"] == 2
    assert "2 of these lack the photo or identity data for a badge." in confirm.content.decode()
    assert 'name="skip_incomplete" value="1">' in confirm.content.decode()  # not ticked
    assert [str(m) for m in get_messages(done.wsgi_request)] == [
        "1 of 3 accreditations are now approved.",
        "2 incomplete accreditations were left pending.",
    ]
    assert list(
        Accreditation.objects.filter(status=Status.APPROVED).values_list("pk", flat=True)
    ) == [found[0].pk]


def test_bulk_approval_includes_the_incomplete_unless_skipped(secretary_client: Client) -> None:
    at, found = _delegation(3)
    complete(found[:1])
    url = reverse("backoffice:accreditation-bulk", kwargs={"code": at.code})

    done = secretary_client.post(
        url, {"action": "approve", "ids": [str(a.pk) for a in found], "confirm": "1"}
    )

    assert [str(m) for m in get_messages(done.wsgi_request)] == [
        "3 of 3 accreditations are now approved."
    ]


def test_bulk_approval_skips_by_default_when_the_meeting_requires_it(
    secretary_client: Client,
) -> None:
    at, found = _delegation(2)
    Meeting.objects.filter(pk=at.pk).update(approval_requires_identity=True)
    url = reverse("backoffice:accreditation-bulk", kwargs={"code": at.code})

    confirm = secretary_client.post(url, {"action": "approve", "ids": [str(found[0].pk)]})

    content = confirm.content.decode()
    assert 'name="skip_incomplete" value="1" checked>' in content
    assert "This meeting approves only complete accreditations." in content


def test_approval_refused_naming_what_is_missing_when_the_meeting_requires_it() -> None:
    at, found = _delegation(1)
    Meeting.objects.filter(pk=at.pk).update(approval_requires_identity=True)
    Accreditation.objects.filter(pk=found[0].pk).update(
        photo="photos/2026/face.jpg", document_number="A1234567"
    )

    with pytest.raises(services.AccreditationError) as refused:
        services.transition(found[0], Status.APPROVED, actor=STAFF)

    assert str(refused.value) == (
        "This meeting approves only complete accreditations; missing: given name(s) as in "
        "the passport, family name as in the passport, nationality, date of birth and "
        "identity document expiry."
    )
    assert Accreditation.objects.get(pk=found[0].pk).status == Status.PENDING


def test_approval_of_a_complete_one_passes_when_the_meeting_requires_it() -> None:
    at, found = _delegation(1)
    Meeting.objects.filter(pk=at.pk).update(approval_requires_identity=True)
    complete(found)

    services.transition(found[0], Status.APPROVED, actor=STAFF)

    assert Accreditation.objects.get(pk=found[0].pk).status == Status.APPROVED


def _approved(count: int) -> tuple[Meeting, list[Accreditation]]:
    at = meeting(code="wsis-geneva")
    return at, make_accreditations(at, [(f"Given{i}", f"Family{i:02d}") for i in range(count)])


def test_print_run_includes_the_incomplete_by_default() -> None:
    at, found = _approved(3)
    complete(found[:1])

    run = print_runs.create_print_run(at, [a.pk for a in found], actor=STAFF)

    assert run.accreditation_ids == [a.pk for a in found]


def test_print_run_skips_the_incomplete_when_asked() -> None:
    at, found = _approved(3)
    complete(found[1:2])

    run = print_runs.create_print_run(at, [a.pk for a in found], actor=STAFF, skip_incomplete=True)

    assert (run.accreditation_ids, run.total) == ([found[1].pk], 1)


def test_print_run_leaves_out_the_incomplete_when_the_meeting_requires_it() -> None:
    at, found = _approved(3)
    Meeting.objects.filter(pk=at.pk).update(printing_requires_identity=True)
    at.refresh_from_db()
    complete(found[2:])

    run = print_runs.create_print_run(at, [a.pk for a in found], actor=STAFF)

    assert run.accreditation_ids == [found[2].pk]


def test_print_run_of_one_incomplete_badge_names_what_is_missing() -> None:
    at, found = _approved(1)
    Meeting.objects.filter(pk=at.pk).update(printing_requires_identity=True)
    at.refresh_from_db()

    with pytest.raises(BadgeError) as refused:
        print_runs.create_print_run(at, [found[0].pk], actor=STAFF)

    assert str(refused.value) == (
        "The badge of Given0 Family00 is not printed; missing: " + LISTED + "."
    )
    assert PrintRun.objects.count() == 0


def test_print_run_of_several_incomplete_badges_is_refused() -> None:
    at, found = _approved(2)
    Meeting.objects.filter(pk=at.pk).update(printing_requires_identity=True)
    at.refresh_from_db()

    with pytest.raises(BadgeError) as refused:
        print_runs.create_print_run(at, [a.pk for a in found], actor=STAFF)

    assert str(refused.value) == (
        "None of the chosen badges is printed: each lacks the photo or identity data."
    )


def test_print_page_counts_the_incomplete_and_skips_them_when_asked() -> None:
    at, found = _approved(3)
    complete(found[:1])
    client = signed_in(UserFactory(username="badges", role=Role.BADGE_DESK))
    url = reverse("backoffice:badge-print", args=[at.code])

    page = client.get(url)
    client.post(url, {"which": "all", "skip_incomplete": "on"})

    assert "2 of them lack the photo or identity data (2 not yet printed)." in (
        page.content.decode()
    )
    assert PrintRun.objects.get().accreditation_ids == [found[0].pk]


def test_detail_shows_the_photo_to_the_officer_not_to_a_viewer(viewer_client: Client) -> None:
    _, found = _delegation(1)
    complete(found)
    officer = signed_in(UserFactory(username="officer", role=Role.REGISTRATION_OFFICER))
    url = reverse("backoffice:accreditation-detail", kwargs={"pk": found[0].pk})
    image = reverse("backoffice:photo-image", kwargs={"pk": found[0].pk})

    assert f'src="{image}"' in officer.get(url).content.decode()
    assert f'src="{image}"' not in viewer_client.get(url).content.decode()


def test_reprint_of_an_incomplete_badge_is_refused_before_the_reissue() -> None:
    at, found = _approved(1)
    Meeting.objects.filter(pk=at.pk).update(printing_requires_identity=True)
    client = signed_in(UserFactory(username="badges", role=Role.BADGE_DESK))

    response = client.post(reverse("backoffice:badge-reprint", args=[found[0].pk]))

    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "The badge of Given0 Family00 is not printed; missing: " + LISTED + "."
    ]
    assert Accreditation.objects.get(pk=found[0].pk).badge_version == 1
    assert PrintRun.objects.count() == 0
