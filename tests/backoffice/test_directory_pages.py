import datetime
import importlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.contrib.messages import get_messages
from django.contrib.staticfiles import finders
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pytest_django import DjangoAssertNumQueries

from summitdesk.backoffice import urls
from summitdesk.core.audit import Actor
from summitdesk.core.models import AuditEntry, User
from summitdesk.directory import services
from summitdesk.directory.enums import DuplicateStatus, OrganisationStatus, PositionRole
from summitdesk.directory.models import DuplicateCandidate, Organisation, Person, Position
from tests.backoffice import test_meeting_pages, test_staff_pages
from tests.confirm import CONFIRMED, confirmation
from tests.factories import (
    DuplicateCandidateFactory,
    OrganisationFactory,
    PersonFactory,
    PositionFactory,
)

pytestmark = pytest.mark.django_db

TESTS = Path(__file__).resolve().parents[1]


@dataclass
class Sample:
    organisation: Organisation
    other: Organisation
    position: Position
    candidate: DuplicateCandidate


@pytest.fixture
def sample() -> Sample:
    organisation = OrganisationFactory(name="Telefónica Móviles", acronym="TM", country="ES")
    other = OrganisationFactory(name="Telefonica Moviles SA", country="ES")
    position = PositionFactory(
        organisation=organisation,
        person__given_name="Ana",
        person__family_name="Pérez",
        role=PositionRole.CHIEF_EXECUTIVE,
        function="Chief Executive Officer",
    )
    candidate = DuplicateCandidateFactory(organisation=organisation, other=other)
    return Sample(organisation, other, position, candidate)


Kwargs = Callable[[Sample], dict[str, Any]]

READ_PAGES: list[tuple[str, Kwargs]] = [
    ("backoffice:home", lambda s: {}),
    ("backoffice:organisation-list", lambda s: {}),
    ("backoffice:organisation-detail", lambda s: {"pk": s.organisation.pk}),
    ("backoffice:duplicate-list", lambda s: {}),
]
WRITE_PAGES: list[tuple[str, Kwargs]] = [
    ("backoffice:organisation-create", lambda s: {}),
    ("backoffice:organisation-edit", lambda s: {"pk": s.organisation.pk}),
    ("backoffice:organisation-merge", lambda s: {"pk": s.organisation.pk}),
    ("backoffice:person-create", lambda s: {"pk": s.organisation.pk}),
    (
        "backoffice:position-edit",
        lambda s: {"pk": s.organisation.pk, "position_pk": s.position.pk},
    ),
]
WRITE_ACTIONS: list[tuple[str, Kwargs]] = [
    (
        "backoffice:position-remove",
        lambda s: {"pk": s.organisation.pk, "position_pk": s.position.pk},
    ),
    ("backoffice:duplicate-keep-apart", lambda s: {"pk": s.candidate.pk}),
]
#: Pages other test modules cover: sign-in in test_sign_in, imports by their own tests.
ELSEWHERE = {
    "login",
    "logout",
    "second-factor",
    "enrol-second-factor",
    "new-recovery-codes",
    "personal-settings",  # tests/backoffice/test_personal_settings.py, every role
}


def organisation_data(**overrides: Any) -> dict[str, Any]:
    data = {
        "name": "Orange Côte d'Ivoire",
        "acronym": "OCI",
        "category": "sector_member",
        "stakeholder_group": "private_sector",
        "country": "CI",
        "language": "fr",
        "address": "",
        "email": "contact@orange.example.ci",
        "website": "https://orange.example.ci",
        "external_id": "",
        "status": "active",
        "sectors": ["ITU-D"],
    }
    data.update(overrides)
    return data


def person_data(**overrides: Any) -> dict[str, Any]:
    data = {
        "title": "Ms",
        "given_name": "Ana",
        "family_name": "Pérez",
        "email": "ana.perez@example.org",
        "phone": "",
        "fax": "",
        "nationality": "ES",
        "role": "chief_executive",
        "function": "Chief Executive Officer",
    }
    data.update(overrides)
    return data


def messages_of(response: Any) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def state() -> tuple[int, ...]:
    """Counts that any change in the directory would move."""
    return (
        AuditEntry.objects.count(),
        Organisation.objects.current().count(),
        Person.objects.count(),
        Position.objects.count(),
        DuplicateCandidate.objects.filter(status=DuplicateStatus.OPEN).count(),
    )


def history(organisation: Organisation) -> list[tuple[str, dict[str, Any]]]:
    entries = AuditEntry.objects.filter(organisation=organisation).order_by("id")
    return [(entry.action, entry.changes) for entry in entries]


# Every page, every persona


def pages_covered_elsewhere() -> set[str]:
    """The URL_NAMES of every test module that declares the pages whose permissions it
    tests, role by role (each keeps its set equal to its pages with a test of its own)."""
    covered: set[str] = set()
    for path in sorted(TESTS.rglob("test_*.py")):
        if "\nURL_NAMES" not in path.read_text():
            continue
        module = importlib.import_module(
            ".".join(path.relative_to(TESTS.parent).with_suffix("").parts)
        )
        covered |= {name.removeprefix("backoffice:") for name in module.URL_NAMES}
    return covered


def test_every_backoffice_url_is_covered_by_a_permission_test() -> None:
    covered = {
        name.removeprefix("backoffice:")
        for name, _ in [
            *READ_PAGES,
            *WRITE_PAGES,
            *WRITE_ACTIONS,
            *test_meeting_pages.READ_PAGES,
            *test_meeting_pages.WRITE_PAGES,
            *test_staff_pages.ADMIN_PAGES,
            *test_staff_pages.ADMIN_ACTIONS,
        ]
    }
    names = {pattern.name for pattern in urls.urlpatterns if "import" not in str(pattern.name)}
    covered |= pages_covered_elsewhere() & names  # other modules also list other namespaces

    assert names - ELSEWHERE == covered


@pytest.mark.parametrize(("name", "kwargs"), READ_PAGES + WRITE_PAGES + WRITE_ACTIONS)
def test_directory_pages_send_anonymous_visitors_to_sign_in(
    client: Client, sample: Sample, name: str, kwargs: Kwargs
) -> None:
    url = reverse(name, kwargs=kwargs(sample))

    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"] == f"/sign-in/?next={url}"


@pytest.mark.parametrize(("name", "kwargs"), READ_PAGES)
def test_directory_read_pages_open_to_viewer(
    viewer_client: Client, sample: Sample, name: str, kwargs: Kwargs
) -> None:
    response = viewer_client.get(reverse(name, kwargs=kwargs(sample)))

    assert response.status_code == 200


@pytest.mark.parametrize(("name", "kwargs"), WRITE_PAGES)
def test_directory_write_pages_refused_to_viewer(
    viewer_client: Client, sample: Sample, name: str, kwargs: Kwargs
) -> None:
    url = reverse(name, kwargs=kwargs(sample))
    before = state()

    page = viewer_client.get(url)
    posted = viewer_client.post(
        url,
        {**organisation_data(), **person_data(), "duplicate": sample.other.pk, "confirm": "on"},
    )

    assert (page.status_code, posted.status_code) == (403, 403)
    assert state() == before


@pytest.mark.parametrize(("name", "kwargs"), WRITE_ACTIONS)
def test_directory_actions_refused_to_viewer(
    viewer_client: Client, sample: Sample, name: str, kwargs: Kwargs
) -> None:
    before = state()

    response = viewer_client.post(reverse(name, kwargs=kwargs(sample)))

    assert response.status_code == 403
    assert state() == before


@pytest.mark.parametrize(("name", "kwargs"), WRITE_PAGES)
def test_directory_write_pages_open_to_registration_officer(
    secretary_client: Client, sample: Sample, name: str, kwargs: Kwargs
) -> None:
    response = secretary_client.get(reverse(name, kwargs=kwargs(sample)))

    assert response.status_code == 200


@pytest.mark.parametrize(("name", "kwargs"), READ_PAGES + WRITE_PAGES)
def test_directory_pages_open_to_administrator(
    admin_client: Client, sample: Sample, name: str, kwargs: Kwargs
) -> None:
    response = admin_client.get(reverse(name, kwargs=kwargs(sample)))

    assert response.status_code == 200


@pytest.mark.parametrize(("name", "kwargs"), WRITE_ACTIONS)
def test_directory_actions_refuse_get(
    secretary_client: Client, sample: Sample, name: str, kwargs: Kwargs
) -> None:
    response = secretary_client.get(reverse(name, kwargs=kwargs(sample)))

    assert response.status_code == 405


def test_inactive_staff_member_is_refused(sample: Sample) -> None:
    # An account switched off while signed in loses access at its next request.
    user = User.objects.create_user("leaver", password="x" * 12, role="registration_officer")
    client = Client()
    client.force_login(user)
    User.objects.filter(pk=user.pk).update(is_active=False)

    response = client.get(reverse("backoffice:organisation-list"))

    assert response.status_code == 302
    assert response["Location"] == "/sign-in/?next=/organisations/"


def test_viewer_sees_no_edit_buttons(
    viewer_client: Client, secretary_client: Client, sample: Sample
) -> None:
    url = reverse("backoffice:organisation-detail", args=[sample.organisation.pk])
    response = viewer_client.get(url)
    officers = secretary_client.get(url).content.decode()

    content = response.content.decode()
    assert response.status_code == 200
    assert reverse("backoffice:organisation-edit", args=[sample.organisation.pk]) in officers
    assert reverse("backoffice:organisation-edit", args=[sample.organisation.pk]) not in content
    assert reverse("backoffice:organisation-create") not in content


# Directory list


def test_organisation_list_search_ignores_accents(secretary_client: Client, sample: Sample) -> None:
    OrganisationFactory(name="Ростелеком", country="RU")

    response = secretary_client.get("/organisations/", {"q": "telefonica moviles"})
    response_ru = secretary_client.get("/organisations/", {"q": "ростелеком"})

    assert [o.name for o in response.context["page"]] == [
        "Telefónica Móviles",
        "Telefonica Moviles SA",
    ]
    assert [o.name for o in response_ru.context["page"]] == ["Ростелеком"]
    assert "2 organisations" in response.content.decode()


def test_organisation_list_filters_combine(secretary_client: Client) -> None:
    OrganisationFactory(name="Sonatel", country="SN", language="fr", itu_d=True)
    OrganisationFactory(name="Orange France", country="FR", language="fr", itu_d=True)
    OrganisationFactory(name="Safaricom", country="KE", language="en", itu_d=True)

    response = secretary_client.get(
        "/organisations/", {"region": "africa", "language": "fr", "sector": "ITU-D"}
    )

    assert [o.name for o in response.context["page"]] == ["Sonatel"]


def test_organisation_list_shows_invalid_filter_and_lists_all(secretary_client: Client) -> None:
    OrganisationFactory(name="Sonatel")

    response = secretary_client.get("/organisations/", {"category": "pirates"})

    assert response.status_code == 200
    assert "Select a valid choice. pirates is not one of the available choices." in (
        response.content.decode()
    )
    assert [o.name for o in response.context["page"]] == ["Sonatel"]


def test_organisation_list_is_paginated_keeping_the_search(secretary_client: Client) -> None:
    for number in range(51):
        OrganisationFactory(name=f"Télécom {number:02d}")
    OrganisationFactory(name="Other")

    first = secretary_client.get("/organisations/", {"q": "telecom"})
    second = secretary_client.get("/organisations/", {"q": "telecom", "page": "2"})

    assert len(first.context["page"]) == 50
    assert [o.name for o in second.context["page"]] == ["Télécom 50"]
    content = first.content.decode()
    assert "Page 1 of 2" in content
    assert 'href="?q=telecom&amp;page=2" rel="next"' in content
    assert 'href="?q=telecom&amp;page=1" rel="prev"' in second.content.decode()


def test_organisation_list_past_the_last_page_shows_the_last(secretary_client: Client) -> None:
    OrganisationFactory(name="Only")

    response = secretary_client.get("/organisations/", {"page": "99"})

    assert [o.name for o in response.context["page"]] == ["Only"]


def test_organisation_list_escapes_names(secretary_client: Client) -> None:
    OrganisationFactory(name="<script>alert(1)</script>", acronym="<b>")

    response = secretary_client.get("/organisations/")

    content = response.content.decode()
    assert "<script>alert(1)</script>" not in content
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in content
    assert "&lt;b&gt;" in content


def list_page_queries(client: Client) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/organisations/", {"language": "en"})
    assert response.status_code == 200
    return len(queries)


def test_organisation_list_queries_do_not_grow_with_the_directory(
    secretary_client: Client, django_assert_max_num_queries: DjangoAssertNumQueries
) -> None:
    OrganisationFactory.create_batch(5)
    with_five = list_page_queries(secretary_client)
    OrganisationFactory.create_batch(45)

    with django_assert_max_num_queries(with_five):
        response = secretary_client.get("/organisations/", {"language": "en"})

    assert len(response.context["page"]) == 50
    assert with_five <= 5


# Organisation page


def test_organisation_detail_shows_people_and_history(
    secretary_client: Client, secretary: User, sample: Sample
) -> None:
    services.update_organisation(
        sample.organisation, {"acronym": "TMV"}, actor=Actor.staff(secretary)
    )

    response = secretary_client.get(f"/organisations/{sample.organisation.pk}/")

    content = response.content.decode()
    assert "Ana Pérez" in content
    assert "Chief Executive Officer" in content
    assert "Sara changed the acronym from TM to TMV" in content
    assert "<bdi>Telefonica Moviles SA</bdi></a> #" in content  # the possible duplicate


def test_organisation_detail_of_merged_one_points_to_the_one_kept(
    secretary_client: Client, secretary: User, sample: Sample
) -> None:
    services.merge_organisations(sample.organisation, sample.other, actor=Actor.staff(secretary))

    response = secretary_client.get(f"/organisations/{sample.other.pk}/")

    content = response.content.decode()
    assert "This organisation was merged into" in content
    assert (
        f'href="/organisations/{sample.organisation.pk}/"><bdi>Telefónica Móviles</bdi></a>'
        in content
    )
    assert f"/organisations/{sample.other.pk}/edit/" not in content


def test_organisation_detail_of_unknown_organisation_is_404(secretary_client: Client) -> None:
    assert secretary_client.get("/organisations/999999/").status_code == 404


def detail_page_queries(client: Client, organisation: Organisation) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"/organisations/{organisation.pk}/")
    assert response.status_code == 200
    return len(queries)


def test_organisation_detail_queries_do_not_grow_with_people_and_history(
    secretary_client: Client, secretary: User
) -> None:
    organisation = OrganisationFactory()
    actor = Actor.staff(secretary)
    services.assign_position(
        organisation, PersonFactory(), role=PositionRole.FOCAL_POINT, actor=actor
    )
    with_one = detail_page_queries(secretary_client, organisation)
    for _ in range(10):
        services.assign_position(
            organisation, PersonFactory(), role=PositionRole.OTHER_CONTACT, actor=actor
        )
    DuplicateCandidateFactory.create_batch(3, organisation=organisation)

    assert detail_page_queries(secretary_client, organisation) == with_one


# Create and edit


def test_organisation_create_saves_and_records(secretary_client: Client, secretary: User) -> None:
    response = secretary_client.post("/organisations/new/", organisation_data())

    organisation = Organisation.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/organisations/{organisation.pk}/"
    assert messages_of(response) == ["Organisation created."]
    assert (organisation.name, organisation.country, organisation.sectors) == (
        "Orange Côte d'Ivoire",
        "CI",
        ["ITU-D"],
    )
    assert organisation.external_id is None
    entry = AuditEntry.objects.get()
    assert (entry.action, entry.actor) == ("summitdesk.organisation.created", secretary)


def test_organisation_create_warns_of_a_likely_duplicate(secretary_client: Client) -> None:
    existing = OrganisationFactory(name="Orange Cote d'Ivoire")

    response = secretary_client.post("/organisations/new/", organisation_data())

    assert messages_of(response) == [
        "This organisation looks like one already in the directory: "
        "see the possible duplicates below.",
        "Organisation created.",
    ]
    candidate = DuplicateCandidate.objects.get()
    assert candidate.organisation == existing


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("name", "", "Name: This field is required."),
        ("email", "not-an-email", "General email: Enter a valid email address."),
        ("website", "http://", "Website: Enter a valid URL."),
        ("website", "javascript:alert(1)", "Website: Enter a valid URL."),
        ("country", "XX", "Country: Select a valid choice. XX is not one of the available"),
        ("category", "", "Category: This field is required."),
        ("status", "merged", "Status: Select a valid choice. merged is not one of the available"),
    ],
)
def test_organisation_create_shows_validation_messages_and_saves_nothing(
    secretary_client: Client, field: str, value: str, message: str
) -> None:
    response = secretary_client.post("/organisations/new/", organisation_data(**{field: value}))

    assert response.status_code == 200
    content = response.content.decode()
    assert 'class="error-summary" role="alert"' in content
    assert f'<a href="#id_{field}">{message}' in content.replace("</a>", "")
    assert Organisation.objects.count() == 0
    assert AuditEntry.objects.count() == 0


def test_organisation_create_refuses_an_external_id_in_use(secretary_client: Client) -> None:
    OrganisationFactory(external_id="ITU-42")

    response = secretary_client.post("/organisations/new/", organisation_data(external_id="ITU-42"))

    assert response.status_code == 200
    assert "Organisation with this External ID already exists." in response.content.decode()
    assert Organisation.objects.count() == 1


def test_organisation_edit_saves_and_records_old_and_new_values(
    secretary_client: Client, secretary: User, sample: Sample
) -> None:
    organisation = sample.organisation
    data = organisation_data(name="Telefónica Móviles España", acronym="TME", country="ES")

    response = secretary_client.post(f"/organisations/{organisation.pk}/edit/", data)

    assert response.status_code == 302
    assert messages_of(response) == ["Saved."]
    organisation.refresh_from_db()
    assert (organisation.name, organisation.acronym) == ("Telefónica Móviles España", "TME")
    assert organisation.search_text.startswith("telefonica moviles espana tme")
    entry = AuditEntry.objects.get()
    assert entry.actor == secretary
    assert entry.changes == {
        "name": ["Telefónica Móviles", "Telefónica Móviles España"],
        "acronym": ["TM", "TME"],
        "itu_d": [False, True],
        "language": ["en", "fr"],
        "email": ["", "contact@orange.example.ci"],
        "website": ["", "https://orange.example.ci"],
    }


def test_organisation_edited_in_two_sessions_keeps_what_the_second_typed(
    secretary_client: Client, admin_client: Client, sample: Sample
) -> None:
    """Both open the form; the administrator saves first. The secretary's save is refused
    with who changed it and when, the form keeps what she typed, and saving it again
    replaces the administrator's change knowingly."""
    organisation = sample.organisation
    url = f"/organisations/{organisation.pk}/edit/"
    hers = secretary_client.get(url).context["form"]["version"].value()
    his = admin_client.get(url).context["form"]["version"].value()
    assert hers == his != ""
    admin_client.post(url, organisation_data(name="Telefónica España", country="ES", version=his))
    at = datetime.datetime(2026, 3, 4, 9, 5, tzinfo=datetime.UTC)
    Organisation.objects.filter(pk=organisation.pk).update(updated_at=at)
    AuditEntry.objects.filter(action="summitdesk.organisation.changed").update(created_at=at)

    typed = organisation_data(name="Movistar", acronym="MOV", country="ES", version=hers)
    refused = secretary_client.post(url, typed)

    assert refused.status_code == 200
    form = refused.context["form"]
    assert form.non_field_errors() == [
        "Changed by admin at 4 March 2026, 09:05 since you opened it."
    ]
    content = refused.content.decode()
    assert "Changed by admin at 4 March 2026, 09:05 since you opened it." in content
    assert 'value="Movistar"' in content and 'value="MOV"' in content
    assert 'value="ITU-D" id="id_sectors_2" checked' in content
    assert form["version"].value() == "1772615100.000000"
    organisation.refresh_from_db()
    assert (organisation.name, organisation.acronym) == ("Telefónica España", "OCI")
    assert AuditEntry.objects.filter(actor__username="secretary").count() == 0

    again = secretary_client.post(url, typed | {"version": form["version"].value()})

    assert again.status_code == 302
    organisation.refresh_from_db()
    assert (organisation.name, organisation.acronym) == ("Movistar", "MOV")


def test_person_edited_in_two_sessions_keeps_what_the_second_typed(
    secretary_client: Client, admin_client: Client, sample: Sample
) -> None:
    position = sample.position
    url = f"/organisations/{sample.organisation.pk}/positions/{position.pk}/edit/"
    hers = secretary_client.get(url).context["form"]["version"].value()
    admin_client.post(url, person_data(title="Dr", version=hers))
    at = datetime.datetime(2026, 3, 4, 9, 5, tzinfo=datetime.UTC)
    Person.objects.filter(pk=position.person_id).update(updated_at=at)
    AuditEntry.objects.filter(action="summitdesk.person.changed").update(created_at=at)

    refused = secretary_client.post(
        url, person_data(title="Prof", given_name="Ana María", version=hers)
    )

    assert refused.status_code == 200
    assert refused.context["form"].non_field_errors() == [
        "Changed by admin at 4 March 2026, 09:05 since you opened it."
    ]
    content = refused.content.decode()
    assert 'value="Prof"' in content and 'value="Ana María"' in content
    position.person.refresh_from_db()
    assert (position.person.title, position.person.given_name) == ("Dr", "Ana")


def test_organisation_edit_page_shows_current_values(
    secretary_client: Client, sample: Sample
) -> None:
    Organisation.objects.filter(pk=sample.organisation.pk).update(itu_r=True)

    response = secretary_client.get(f"/organisations/{sample.organisation.pk}/edit/")

    content = response.content.decode()
    assert 'value="Telefónica Móviles"' in content
    assert 'value="ITU-R" id="id_sectors_0" checked' in content


def test_organisation_edit_without_change_says_so(secretary_client: Client, sample: Sample) -> None:
    organisation = sample.organisation
    data = organisation_data(
        name=organisation.name,
        acronym=organisation.acronym,
        country=organisation.country,
        language=organisation.language,
        email="",
        website="",
        sectors=[],
    )

    response = secretary_client.post(f"/organisations/{organisation.pk}/edit/", data)

    assert messages_of(response) == ["Nothing was changed."]
    assert AuditEntry.objects.count() == 0


def test_organisation_edit_with_bad_email_changes_nothing(
    secretary_client: Client, sample: Sample
) -> None:
    organisation = sample.organisation

    response = secretary_client.post(
        f"/organisations/{organisation.pk}/edit/",
        organisation_data(name="Renamed", email="nope@"),
    )

    assert response.status_code == 200
    assert "General email: Enter a valid email address." in response.content.decode().replace(
        "</a>", ""
    )
    organisation.refresh_from_db()
    assert organisation.name == "Telefónica Móviles"
    assert AuditEntry.objects.count() == 0


def test_organisation_edit_of_merged_organisation_is_404(
    secretary_client: Client, secretary: User, sample: Sample
) -> None:
    services.merge_organisations(sample.organisation, sample.other, actor=Actor.staff(secretary))

    response = secretary_client.get(f"/organisations/{sample.other.pk}/edit/")

    assert response.status_code == 404


# People


def test_person_create_adds_a_focal_point(secretary_client: Client, sample: Sample) -> None:
    organisation = sample.organisation
    data = person_data(given_name="Li", family_name="Wei", role="focal_point", function="Adviser")

    response = secretary_client.post(f"/organisations/{organisation.pk}/people/new/", data)

    assert response.status_code == 302
    position = Position.objects.get(role=PositionRole.FOCAL_POINT)
    assert (str(position.person), position.function) == ("Ms Li Wei", "Adviser")
    assert [action for action, _ in history(organisation)] == [
        "summitdesk.person.created",
        "summitdesk.position.assigned",
    ]


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("family_name", "", "Family name: This field is required."),
        ("email", "ana@", "Email: Enter a valid email address."),
        ("role", "president", "Role: Select a valid choice. president is not one of the"),
    ],
)
def test_person_create_shows_validation_messages_and_saves_nothing(
    secretary_client: Client, sample: Sample, field: str, value: str, message: str
) -> None:
    before = state()

    response = secretary_client.post(
        f"/organisations/{sample.organisation.pk}/people/new/", person_data(**{field: value})
    )

    assert response.status_code == 200
    assert message in response.content.decode().replace("</a>", "")
    assert state() == before


def test_editing_chief_executive_name_shows_in_organisation_history(
    secretary_client: Client, sample: Sample
) -> None:
    url = f"/organisations/{sample.organisation.pk}/positions/{sample.position.pk}/edit/"
    data = person_data(title="", given_name="Ana María", family_name="Pérez Gómez", nationality="")

    response = secretary_client.post(url, data)
    page = secretary_client.get(f"/organisations/{sample.organisation.pk}/")

    assert response.status_code == 302
    assert history(sample.organisation) == [
        (
            "summitdesk.person.changed",
            {
                "given_name": ["Ana", "Ana María"],
                "family_name": ["Pérez", "Pérez Gómez"],
                "email": ["ana@example.org", "ana.perez@example.org"],
            },
        )
    ]
    content = page.content.decode()
    assert "<p>Sara changed Ana María Pérez Gómez <small" in content
    assert "<li>the given name changed from Ana to Ana María</li>" in content
    assert "<li>the family name changed from Pérez to Pérez Gómez</li>" in content


def test_position_edit_changing_role_moves_the_person(
    secretary_client: Client, sample: Sample
) -> None:
    url = f"/organisations/{sample.organisation.pk}/positions/{sample.position.pk}/edit/"

    secretary_client.post(url, person_data(given_name="Ana", role="focal_point"))

    roles = list(sample.organisation.positions.values_list("person", "role"))
    assert roles == [(sample.position.person_id, "focal_point")]


def test_position_edit_through_another_organisation_is_404(
    secretary_client: Client, sample: Sample
) -> None:
    url = f"/organisations/{sample.other.pk}/positions/{sample.position.pk}/edit/"

    assert secretary_client.get(url).status_code == 404
    assert secretary_client.post(url, person_data(family_name="Hacked")).status_code == 404
    assert Person.objects.get().family_name == "Pérez"


def test_position_remove_removes_and_records(secretary_client: Client, sample: Sample) -> None:
    url = f"/organisations/{sample.organisation.pk}/positions/{sample.position.pk}/remove/"
    assert confirmation(secretary_client.post(url)) == (
        f"Remove Ana Pérez as Chief executive of {sample.organisation.name}?",
        "They stop receiving what goes to this role; the person stays in the directory.",
        "Remove the role",
    )
    assert Position.objects.count() == 1

    response = secretary_client.post(url, CONFIRMED)

    assert response["Location"] == f"/organisations/{sample.organisation.pk}/"
    assert messages_of(response) == ["Ana Pérez no longer holds that role."]
    assert Position.objects.count() == 0
    assert history(sample.organisation) == [
        ("summitdesk.position.removed", {"role": ["chief_executive", None]})
    ]


def test_position_remove_through_another_organisation_is_404(
    secretary_client: Client, sample: Sample
) -> None:
    url = f"/organisations/{sample.other.pk}/positions/{sample.position.pk}/remove/"

    assert secretary_client.post(url).status_code == 404
    assert Position.objects.count() == 1


# Merge


def test_merge_page_compares_the_two_organisations(
    secretary_client: Client, sample: Sample
) -> None:
    url = f"/organisations/{sample.organisation.pk}/merge/"

    response = secretary_client.get(url, {"duplicate": sample.other.pk})

    content = response.content.decode()
    assert response.context["duplicate"] == sample.other
    assert "<strong><bdi>Telefonica Moviles SA</bdi></strong>" in content
    assert 'name="confirm"' in content
    assert Organisation.objects.current().count() == 2


def test_merge_without_confirmation_asks_for_it(secretary_client: Client, sample: Sample) -> None:
    url = f"/organisations/{sample.organisation.pk}/merge/"

    response = secretary_client.post(url, {"duplicate": sample.other.pk})

    assert "Tick the box to confirm the merge." in response.content.decode()
    assert Organisation.objects.current().count() == 2


def test_merge_confirmed_merges_and_records(
    secretary_client: Client, secretary: User, sample: Sample
) -> None:
    url = f"/organisations/{sample.organisation.pk}/merge/"

    response = secretary_client.post(url, {"duplicate": sample.other.pk, "confirm": "on"})

    assert response["Location"] == f"/organisations/{sample.organisation.pk}/"
    assert messages_of(response) == ["Telefonica Moviles SA was merged into this organisation."]
    sample.other.refresh_from_db()
    assert (sample.other.status, sample.other.merged_into) == (
        OrganisationStatus.MERGED,
        sample.organisation,
    )
    sample.candidate.refresh_from_db()
    assert sample.candidate.status == DuplicateStatus.MERGED
    assert [action for action, _ in history(sample.organisation)] == [
        "summitdesk.organisation.merged",
        "summitdesk.organisation.absorbed",
    ]


@pytest.mark.parametrize(
    ("choose", "message"),
    [
        (lambda s: s.organisation.pk, "Choose another organisation than this one."),
        (lambda s: 999999, "No current organisation has that number."),
        (lambda s: "abc", "No current organisation has that number."),
    ],
)
def test_merge_refuses_a_bad_choice_clearly(
    secretary_client: Client,
    sample: Sample,
    choose: Callable[[Sample], object],
    message: str,
) -> None:
    url = f"/organisations/{sample.organisation.pk}/merge/"
    before = state()

    response = secretary_client.post(url, {"duplicate": choose(sample), "confirm": "on"})

    assert response.status_code == 200
    assert message in response.content.decode()
    assert state() == before


def test_merge_refuses_an_organisation_already_merged(
    secretary_client: Client, secretary: User, sample: Sample
) -> None:
    third = OrganisationFactory(name="Third")
    services.merge_organisations(third, sample.other, actor=Actor.staff(secretary))
    before = state()

    response = secretary_client.post(
        f"/organisations/{sample.organisation.pk}/merge/",
        {"duplicate": sample.other.pk, "confirm": "on"},
    )

    assert "No current organisation has that number." in response.content.decode()
    assert state() == before


def test_merge_into_a_merged_organisation_is_404(
    secretary_client: Client, secretary: User, sample: Sample
) -> None:
    services.merge_organisations(sample.organisation, sample.other, actor=Actor.staff(secretary))

    response = secretary_client.post(
        f"/organisations/{sample.other.pk}/merge/",
        {"duplicate": OrganisationFactory().pk, "confirm": "on"},
    )

    assert response.status_code == 404


# Duplicates


def test_duplicate_list_shows_open_candidates(viewer_client: Client, sample: Sample) -> None:
    DuplicateCandidateFactory(
        organisation=OrganisationFactory(name="Kept apart"), status=DuplicateStatus.KEPT
    )

    response = viewer_client.get("/duplicates/")

    assert list(response.context["page"]) == [sample.candidate]
    content = response.content.decode()
    assert "Telefónica Móviles" in content
    assert "Kept apart" not in content
    assert "Keep both" not in content  # a viewer cannot decide


def test_duplicate_keep_apart_closes_it(secretary_client: Client, sample: Sample) -> None:
    response = secretary_client.post(f"/duplicates/{sample.candidate.pk}/keep-apart/")

    assert response["Location"] == "/duplicates/"
    assert messages_of(response) == ["Marked as different organisations."]
    sample.candidate.refresh_from_db()
    assert sample.candidate.status == DuplicateStatus.KEPT


def test_duplicate_keep_apart_of_a_closed_candidate_is_404(
    secretary_client: Client, sample: Sample
) -> None:
    DuplicateCandidate.objects.filter(pk=sample.candidate.pk).update(status=DuplicateStatus.KEPT)

    response = secretary_client.post(f"/duplicates/{sample.candidate.pk}/keep-apart/")

    assert response.status_code == 404


# Home, headers and forgery


def test_home_counts_current_organisations(viewer_client: Client, sample: Sample) -> None:
    Organisation.objects.filter(pk=sample.other.pk).update(email="x@example.org")

    response = viewer_client.get("/")

    assert response.context["counts"] == {"total": 2, "with_email": 1}
    assert response.context["open_duplicates"] == 1


def test_pages_carry_security_headers(viewer_client: Client) -> None:
    response = viewer_client.get("/organisations/")

    assert response["Content-Security-Policy"] == (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
    )
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def test_post_without_csrf_token_is_refused(secretary: User) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(secretary)

    response = client.post("/organisations/new/", organisation_data())

    assert response.status_code == 403
    assert Organisation.objects.count() == 0


def test_post_with_csrf_token_is_accepted(secretary: User) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(secretary)
    client.get("/organisations/new/")
    token = client.cookies["csrftoken"].value

    response = client.post(
        "/organisations/new/", {**organisation_data(), "csrfmiddlewaretoken": token}
    )

    assert response.status_code == 302
    assert Organisation.objects.count() == 1


def test_stylesheet_is_found_for_collectstatic_and_whitenoise() -> None:
    assert finders.find("summitdesk/app.css") is not None
