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


def test_every_page_frame_names_the_icon_and_favicon_ico_leads_to_it(
    secretary_client: Client,
) -> None:
    staff_page = secretary_client.get("/organisations/")
    sign_in_page = Client().get("/sign-in/")
    icon = Client().get("/favicon.ico", follow=True)
    icon_svg = b"".join(icon.streaming_content)  # type: ignore[attr-defined]
    icon.close()

    link = '<link rel="icon" href="/static/summitdesk/favicon.svg" type="image/svg+xml">'
    assert link in staff_page.content.decode()
    assert link in sign_in_page.content.decode()
    assert icon.redirect_chain == [("/static/summitdesk/favicon.svg", 302)]
    assert icon.status_code == 200
    assert icon["Content-Type"] == "image/svg+xml"
    assert icon_svg.startswith(b"<svg ")
