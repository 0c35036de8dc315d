"""Choosing organisations in the directory and adding them to a draft circular's audience:
the boxes and the banner offering every organisation the search matches (the filter
carried, never ids), the confirmation naming the count and asking again when it changed,
the audience's explicit includes after, and who may do it, role by role."""

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from summitdesk.backoffice import urls as backoffice_urls
from summitdesk.core.audit import Actor
from summitdesk.core.enums import Role
from summitdesk.core.models import AuditEntry, User
from summitdesk.core.permissions import Permission, may
from summitdesk.correspondence import services
from summitdesk.correspondence.audience import Audience
from summitdesk.correspondence.enums import CircularStatus
from summitdesk.correspondence.models import Circular
from summitdesk.directory.enums import Category
from summitdesk.directory.models import Organisation
from tests.conftest import signed_in
from tests.delegations.conftest import make_circular
from tests.factories import MeetingFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db

LIST = "/organisations/"
TO_CIRCULAR = "/organisations/to-circular/"
#: This module's pages, tested role by role below (tests/backoffice/test_directory_pages.py
#: checks that every back-office page is in some module's URL_NAMES).
URL_NAMES = {"organisation-list-to-circular"}


class Directory:
    def __init__(self) -> None:
        """Thirty sector members, five academia; a draft circular whose audience excludes
        sector member 3, and a dispatched one."""
        self.sector: list[Organisation] = [
            OrganisationFactory(name=f"Sector {n:02d}", category=Category.SECTOR_MEMBER)
            for n in range(30)
        ]
        self.academia = [
            OrganisationFactory(name=f"Academia {n}", category=Category.ACADEMIA) for n in range(5)
        ]
        meeting = MeetingFactory(code="prepcom-3")
        self.draft: Circular = make_circular(meeting, "DM-2001")
        self.draft.status = CircularStatus.DRAFT
        self.draft.audience = Audience(
            categories=["academia"], exclude=[self.sector[3].pk]
        ).to_json()
        self.draft.save()
        self.sent: Circular = make_circular(meeting, "DM-1048")


@pytest.fixture
def directory() -> Directory:
    return Directory()


def audience(circular: Circular) -> Audience:
    circular.refresh_from_db()
    return Audience.from_json(circular.audience)


def test_url_names_are_this_modules_pages() -> None:
    assert {
        pattern.name
        for pattern in backoffice_urls.urlpatterns
        if str(pattern.name).startswith("organisation-list-")
    } == URL_NAMES


def test_directory_of_several_pages_offers_every_matching_organisation_with_the_search(
    secretary_client: Client, directory: Directory
) -> None:
    response = secretary_client.get(LIST, {"category": "sector_member", "per_page": "25"})
    html = response.content.decode()

    assert html.count('name="ids"') == 25
    assert "Select all 30 matching" in html
    assert '<input type="hidden" name="category" value="sector_member">' in html
    assert f'action="{TO_CIRCULAR}"' in html


@pytest.mark.parametrize("role", list(Role))
def test_only_roles_that_draft_circulars_see_the_boxes_and_may_post(
    directory: Directory, role: Role
) -> None:
    user: User = UserFactory(username=f"u-{role}", role=role)
    client = signed_in(user)
    allowed = may(user, Permission.CIRCULARS_SEND) and may(user, Permission.DIRECTORY_READ)
    before = audience(directory.draft)

    page = client.get(LIST)
    posted = client.post(
        TO_CIRCULAR,
        {
            "ids": [directory.sector[0].pk],
            "expected": "1",
            "confirm": "1",
            "circular": directory.draft.pk,
        },
    )

    if may(user, Permission.DIRECTORY_READ):
        assert ('name="ids"' in page.content.decode()) == allowed
    else:
        assert page.status_code == 403
    if allowed:
        assert posted.status_code == 302
        assert directory.sector[0].pk in audience(directory.draft).include
    else:
        assert posted.status_code == 403
        assert audience(directory.draft) == before


def test_directory_queries_do_not_grow_with_the_boxes(
    secretary_client: Client, directory: Directory
) -> None:
    with CaptureQueriesContext(connection) as few:
        secretary_client.get(LIST, {"category": "academia"})
    for n in range(40):
        OrganisationFactory(name=f"More {n:02d}", category=Category.ACADEMIA)
    with CaptureQueriesContext(connection) as many:
        response = secretary_client.get(LIST, {"category": "academia"})

    assert response.content.decode().count('name="ids"') == 45
    assert len(many) == len(few)


def test_all_matching_confirmation_names_the_count_and_changes_nothing(
    secretary_client: Client, directory: Directory
) -> None:
    before = (audience(directory.draft), AuditEntry.objects.count())

    response = secretary_client.post(
        TO_CIRCULAR, {"all_matching": "1", "category": "sector_member"}
    )
    html = response.content.decode()

    assert "Add 30 organisations to a circular" in html
    assert '<input type="hidden" name="expected" value="30">' in html
    assert '<input type="hidden" name="category" value="sector_member">' in html
    # Only the draft can be chosen.
    assert "DM-2001" in html
    assert "DM-1048" not in html
    assert (audience(directory.draft), AuditEntry.objects.count()) == before


def test_all_matching_confirmed_joins_the_draft_audience(
    secretary_client: Client, directory: Directory
) -> None:
    response = secretary_client.post(
        TO_CIRCULAR,
        {
            "all_matching": "1",
            "category": "sector_member",
            "expected": "30",
            "confirm": "1",
            "circular": directory.draft.pk,
        },
    )

    assert response.status_code == 302
    assert response["Location"] == reverse(
        "backoffice:circular-audience", args=[directory.draft.pk]
    )
    after = audience(directory.draft)
    assert after.include == sorted(o.pk for o in directory.sector)
    assert after.exclude == []  # sector member 3 was excluded: chosen, it is no longer
    assert after.categories == ["academia"]
    assert set(after.organisations()) == {*directory.sector, *directory.academia}
    entry = AuditEntry.objects.filter(action="summitdesk.circular.changed").get()
    assert "30 organisations" in entry.note


def test_all_matching_asks_again_when_the_count_changed(
    secretary_client: Client, directory: Directory
) -> None:
    OrganisationFactory(name="Sector 99", category=Category.SECTOR_MEMBER)

    response = secretary_client.post(
        TO_CIRCULAR,
        {
            "all_matching": "1",
            "category": "sector_member",
            "expected": "30",
            "confirm": "1",
            "circular": directory.draft.pk,
        },
    )
    html = response.content.decode()

    assert response.status_code == 400
    assert "The list changed since you confirmed: 31 organisations match now." in html
    assert '<input type="hidden" name="expected" value="31">' in html
    assert audience(directory.draft).include == []


def test_ticked_organisations_alone_join(secretary_client: Client, directory: Directory) -> None:
    chosen = [directory.sector[5].pk, directory.academia[0].pk]
    page = secretary_client.post(TO_CIRCULAR, {"ids": chosen})

    assert re.findall(r'name="ids" value="(\d+)"', page.content.decode()) == [
        str(pk) for pk in sorted(chosen)
    ]
    secretary_client.post(
        TO_CIRCULAR,
        {"ids": chosen, "expected": "2", "confirm": "1", "circular": directory.draft.pk},
    )

    assert audience(directory.draft).include == sorted(chosen)


def test_a_dispatched_circular_cannot_be_chosen(
    secretary_client: Client, directory: Directory
) -> None:
    response = secretary_client.post(
        TO_CIRCULAR,
        {
            "ids": [directory.sector[0].pk],
            "expected": "1",
            "confirm": "1",
            "circular": directory.sent.pk,
        },
    )

    assert response.status_code == 400
    assert "Choose the draft circular to add them to." in response.content.decode()
    assert Audience.from_json(Circular.objects.get(pk=directory.sent.pk).audience).include == []


def test_service_refuses_a_dispatched_circular(directory: Directory, secretary: User) -> None:
    with pytest.raises(services.CircularError, match="dispatched"):
        services.include_in_audience(
            directory.sent,
            Organisation.objects.filter(pk=directory.sector[0].pk),
            expected=1,
            actor=Actor.staff(secretary),
        )
