from django.test import Client

from tests.factories import OrganisationFactory


def test_directory_search_finds_accented_name_without_accents(secretary_client: Client) -> None:
    OrganisationFactory(name="Telefónica de España")
    OrganisationFactory(name="Ростелеком", country="RU")

    response = secretary_client.get("/organisations/", {"q": "telefonica"})
    response_ru = secretary_client.get("/organisations/", {"q": "РОСТЕЛЕКОМ"})

    assert response.status_code == 200
    assert [o.name for o in response.context["page"]] == ["Telefónica de España"]
    assert [o.name for o in response_ru.context["page"]] == ["Ростелеком"]
