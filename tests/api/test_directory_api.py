"""Organisations and people over the API: filters, reads, creation and updates with
If-Match, refusals that change nothing, and the audit trail naming the token."""

from collections.abc import Callable
from typing import Any

import pytest

from summitdesk.core.audit import Actor
from summitdesk.core.enums import Channel
from summitdesk.core.models import AuditEntry
from summitdesk.directory import services
from summitdesk.directory.enums import Category, OrganisationStatus, PositionRole
from summitdesk.directory.models import Organisation, Person, Position
from tests.api.conftest import ApiClient, error_fields, make_token
from tests.factories import OrganisationFactory, PersonFactory, PositionFactory

pytestmark = pytest.mark.django_db

ApiFor = Callable[..., ApiClient]
STAFF = Actor.system("secretary", Channel.BACKOFFICE)

NEW_ORGANISATION = {
    "name": "Télécom Sénégal",
    "acronym": "TS",
    "category": "sector_member",
    "stakeholder_group": "private_sector",
    "sectors": ["ITU-D"],
    "country": "SN",
    "email": "info@ts.example.sn",
}


@pytest.fixture
def writer() -> ApiClient:
    return ApiClient(make_token("directory:read", "directory:write", name="crm sync"))


def _ids(response: Any) -> list[int]:
    assert response.status_code == 200, response.content
    return [item["id"] for item in response.json()["items"]]


def test_list_filters(api_for: ApiFor) -> None:
    swiss = OrganisationFactory(name="Swisscom", country="CH")
    senegal = OrganisationFactory(name="Sonatel", country="SN", category=Category.MEMBER_STATE)
    inactive = OrganisationFactory(name="Old Telco", status=OrganisationStatus.INACTIVE)
    merged = OrganisationFactory(
        name="Gone", status=OrganisationStatus.MERGED, merged_into=swiss, country="CH"
    )
    api = api_for("directory:read")

    assert _ids(api.get("/organisations")) == [swiss.pk, senegal.pk, inactive.pk]
    assert _ids(api.get("/organisations?q=swissc")) == [swiss.pk]
    assert _ids(api.get("/organisations?country=sn")) == [senegal.pk]
    assert _ids(api.get("/organisations?category=member_state")) == [senegal.pk]
    assert _ids(api.get("/organisations?region=africa")) == [senegal.pk]
    assert _ids(api.get("/organisations?status=inactive")) == [inactive.pk]
    assert _ids(api.get("/organisations?status=merged")) == [merged.pk]
    bad = api.get("/organisations?status=sleeping")
    assert bad.status_code == 422 and "status" in error_fields(bad)
    unknown = api.get("/organisations?region=atlantis&category=club&country=ZZ")
    assert unknown.status_code == 422
    assert set(error_fields(unknown)) == {"region", "category", "country"}


def test_get_shows_the_organisation_and_its_people(api_for: ApiFor) -> None:
    ceo = PositionFactory(organisation=OrganisationFactory(itu_r=True, itu_d=True))
    organisation = ceo.organisation

    body = api_for("directory:read").get(f"/organisations/{organisation.pk}").json()

    assert body["name"] == organisation.name and body["sectors"] == ["ITU-R", "ITU-D"]
    assert body["region"] == "europe" and body["merged_into"] is None
    assert body["people"] == [
        {"person": ceo.person_id, "role": "chief_executive", "function": ceo.function}
    ]


def test_create_goes_through_the_service_with_the_token_as_actor(writer: ApiClient) -> None:
    response = writer.post("/organisations", NEW_ORGANISATION)

    assert response.status_code == 201, response.content
    body = response.json()
    organisation = Organisation.objects.get(pk=body["id"])
    assert organisation.name == "Télécom Sénégal" and organisation.itu_d
    assert response["ETag"]
    entry = AuditEntry.objects.get(action="summitdesk.organisation.created")
    assert entry.actor is None and entry.channel == Channel.API
    assert entry.actor_label == "API token crm sync"
    assert entry.object_id == str(organisation.pk)


def test_create_refuses_invalid_fields_with_messages_and_creates_nothing(
    writer: ApiClient,
) -> None:
    OrganisationFactory(external_id="X-1")
    bad = NEW_ORGANISATION | {
        "category": "club",
        "country": "ZZ",
        "email": "not-an-address",
        "external_id": "X-1",
    }

    response = writer.post("/organisations", bad)

    assert response.status_code == 422
    fields = error_fields(response)
    assert set(fields) == {"category", "country", "email", "external_id"}
    assert "valid email" in fields["email"][0]
    assert Organisation.objects.count() == 1
    assert not AuditEntry.objects.filter(object_type__startswith="directory.").exists()


def test_read_only_token_cannot_create(api_for: ApiFor) -> None:
    response = api_for("directory:read").post("/organisations", NEW_ORGANISATION)

    assert response.status_code == 403
    assert not Organisation.objects.exists()


def test_update_needs_the_current_etag(writer: ApiClient) -> None:
    organisation = OrganisationFactory(name="Swisscom", acronym="SC")
    url = f"/organisations/{organisation.pk}"
    etag = writer.get(url)["ETag"]

    missing = writer.patch(url, {"acronym": "SWC"})
    updated = writer.patch(url, {"acronym": "SWC"}, {"If-Match": etag})
    stale = writer.patch(url, {"acronym": "XX"}, {"If-Match": etag})

    assert missing.status_code == 428 and "If-Match" in error_fields(missing)
    assert updated.status_code == 200, updated.content
    assert updated.json()["acronym"] == "SWC" and updated.json()["name"] == "Swisscom"
    assert updated["ETag"] != etag
    assert stale.status_code == 412 and "If-Match" in error_fields(stale)
    organisation.refresh_from_db()
    assert organisation.acronym == "SWC"
    entry = AuditEntry.objects.get(action="summitdesk.organisation.changed")
    assert entry.changes == {"acronym": ["SC", "SWC"]}
    assert entry.actor_label == "API token crm sync" and entry.channel == Channel.API


def test_update_over_a_change_made_after_the_etag_was_checked_is_refused(
    writer: ApiClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The If-Match matched when read; another write lands before the service locks the
    row: the service refuses it, and the answer is the stale ETag's."""
    organisation = OrganisationFactory(name="Swisscom", acronym="SC")
    url = f"/organisations/{organisation.pk}"
    etag = writer.get(url)["ETag"]
    update = services.update_organisation

    def after_another_change(target: Organisation, data: dict[str, Any], **options: Any) -> Any:
        update(Organisation.objects.get(pk=target.pk), {"name": "Swisscom AG"}, actor=STAFF)
        return update(target, data, **options)

    monkeypatch.setattr(services, "update_organisation", after_another_change)

    response = writer.patch(url, {"acronym": "SWC"}, {"If-Match": etag})

    assert response.status_code == 412
    assert response.json() == {
        "detail": "It changed since you read it: read it again, then send the new ETag.",
        "errors": [{"field": "If-Match", "message": "Does not match the current version."}],
    }
    organisation.refresh_from_db()
    assert (organisation.name, organisation.acronym) == ("Swisscom AG", "SC")


def test_update_refuses_invalid_fields_and_changes_nothing(writer: ApiClient) -> None:
    organisation = OrganisationFactory(name="Swisscom")
    url = f"/organisations/{organisation.pk}"
    etag = writer.get(url)["ETag"]

    response = writer.patch(
        url, {"name": "", "status": "merged", "website": "not a url"}, {"If-Match": etag}
    )
    nulled = writer.patch(url, {"name": None}, {"If-Match": etag})

    assert response.status_code == 422
    assert set(error_fields(response)) == {"name", "status", "website"}
    assert nulled.status_code == 422 and "name" in error_fields(nulled)
    organisation.refresh_from_db()
    assert organisation.name == "Swisscom"
    assert not AuditEntry.objects.filter(object_type__startswith="directory.").exists()


def test_merged_organisation_cannot_be_updated(writer: ApiClient) -> None:
    kept, duplicate = OrganisationFactory(), OrganisationFactory()
    services.merge_organisations(kept, duplicate, actor=STAFF)
    url = f"/organisations/{duplicate.pk}"
    etag = writer.get(url)["ETag"]

    response = writer.patch(url, {"name": "Back"}, {"If-Match": etag})

    assert response.status_code == 409
    assert str(kept.pk) in response.json()["detail"]


def test_update_unknown_organisation_is_404(writer: ApiClient) -> None:
    response = writer.patch("/organisations/424242", {"name": "X"}, {"If-Match": '"x"'})

    assert response.status_code == 404


# People


def test_people_list_and_filter_by_organisation(api_for: ApiFor) -> None:
    first = PositionFactory()
    second = PositionFactory(person=PersonFactory(email="Focal@Example.org"))
    api = api_for("directory:read")

    assert _ids(api.get("/people")) == [first.person_id, second.person_id]
    assert _ids(api.get(f"/people?organisation={second.organisation_id}")) == [second.person_id]
    assert _ids(api.get("/people?email=focal@example.org")) == [second.person_id]
    assert api.get(f"/people/{first.person_id}").json()["family_name"] == first.person.family_name
    assert api.get("/people/99999").status_code == 404


def test_create_person_in_a_role(writer: ApiClient) -> None:
    organisation = OrganisationFactory()
    previous = PositionFactory(organisation=organisation, role=PositionRole.FOCAL_POINT)

    response = writer.post(
        "/people",
        {
            "organisation": organisation.pk,
            "role": "focal_point",
            "function": "Director",
            "given_name": "Awa",
            "family_name": "Ndiaye",
            "email": "awa@example.sn",
            "nationality": "SN",
        },
    )

    assert response.status_code == 201, response.content
    person = Person.objects.get(pk=response.json()["id"])
    assert person.family_name == "Ndiaye"
    focal = Position.objects.get(organisation=organisation, role=PositionRole.FOCAL_POINT)
    assert focal.person == person and focal.function == "Director"
    previous.refresh_from_db()
    assert previous.role == PositionRole.OTHER_CONTACT
    labels = set(
        AuditEntry.objects.filter(object_type__startswith="directory.").values_list(
            "actor_label", flat=True
        )
    )
    assert labels == {"API token crm sync"}


def test_create_person_refusals(writer: ApiClient) -> None:
    organisation = OrganisationFactory()
    base = {"organisation": organisation.pk, "role": "focal_point", "family_name": "Ndiaye"}

    unknown = writer.post("/people", base | {"organisation": 999999})
    invalid = writer.post("/people", base | {"role": "boss", "email": "nope", "family_name": ""})

    assert unknown.status_code == 422 and "organisation" in error_fields(unknown)
    assert invalid.status_code == 422
    assert set(error_fields(invalid)) == {"role", "email", "family_name"}
    assert not Person.objects.exists()


def test_update_person_with_if_match(writer: ApiClient) -> None:
    position = PositionFactory(person=PersonFactory(given_name="Awa", family_name="Ndiaye"))
    url = f"/people/{position.person_id}"
    etag = writer.get(url)["ETag"]

    missing = writer.patch(url, {"title": "Dr"})
    updated = writer.patch(url, {"title": "Dr"}, {"If-Match": etag})
    stale = writer.patch(url, {"title": "Prof"}, {"If-Match": etag})
    invalid = writer.patch(url, {"email": "nope"}, {"If-Match": updated["ETag"]})

    assert missing.status_code == 428
    assert updated.status_code == 200 and updated.json()["title"] == "Dr"
    assert stale.status_code == 412
    assert invalid.status_code == 422 and "email" in error_fields(invalid)
    position.person.refresh_from_db()
    assert position.person.title == "Dr" and position.person.email
    entry = AuditEntry.objects.get(action="summitdesk.person.changed")
    assert entry.changes == {"title": ["", "Dr"]}
    assert entry.organisation_id == position.organisation_id


def test_update_person_over_a_change_made_after_the_etag_was_checked_is_refused(
    writer: ApiClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    position = PositionFactory(person=PersonFactory(title="", given_name="Awa"))
    url = f"/people/{position.person_id}"
    etag = writer.get(url)["ETag"]
    save = services.save_person

    def after_another_change(target: Person, data: dict[str, Any], **options: Any) -> Any:
        fresh = Person.objects.get(pk=target.pk)
        save(fresh, {"given_name": "Awa Marie"}, organisation=position.organisation, actor=STAFF)
        return save(target, data, **options)

    monkeypatch.setattr(services, "save_person", after_another_change)

    response = writer.patch(url, {"title": "Dr"}, {"If-Match": etag})

    assert response.status_code == 412 and "If-Match" in error_fields(response)
    position.person.refresh_from_db()
    assert (position.person.title, position.person.given_name) == ("", "Awa Marie")


def test_website_longer_than_stated_is_refused_naming_the_field(writer: ApiClient) -> None:
    too_long = "https://example.org/" + "a" * 181  # 201 characters; the limit is 200

    response = writer.post("/organisations", NEW_ORGANISATION | {"website": too_long})

    assert response.status_code == 422
    assert error_fields(response)["website"] == [
        "Ensure this value has at most 200 characters (it has 201)."
    ]
    assert not Organisation.objects.exists()
