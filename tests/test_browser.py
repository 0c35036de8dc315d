"""One member of staff's journey through the back office, in headless Chromium."""

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from summitdesk.core.enums import Role
from summitdesk.directory.enums import PositionRole
from summitdesk.directory.models import Organisation
from tests.conftest import WatchedBrowser
from tests.factories import PASSWORD, OrganisationFactory, PositionFactory, UserFactory

SCREENSHOT = Path("/tmp/summitdesk-journey.png")  # noqa: S108 - a file for people to look at
HISTORY_SHOT = Path("/tmp/summitdesk-history.png")  # noqa: S108 - a file for people to look at

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def telefonica(db: None) -> Organisation:
    UserFactory(
        username="amina",
        first_name="Amina",
        last_name="Diallo",
        role=Role.REGISTRATION_OFFICER,
    )
    organisation = OrganisationFactory(
        name="Telefónica Móviles", acronym="TM", country="ES", language="es", itu_t=True
    )
    PositionFactory(
        organisation=organisation,
        person__given_name="Ana",
        person__family_name="Pérez",
        role=PositionRole.CHIEF_EXECUTIVE,
        function="Consejera delegada",
    )
    OrganisationFactory(name="Telefunken", country="DE")
    OrganisationFactory(name="Ростелеком", country="RU", language="ru")
    return organisation


@pytest.fixture
def page(telefonica: Organisation, browser: WatchedBrowser) -> Page:
    # Playwright's sync API runs an event loop in this thread: Django refuses database
    # queries there, and a connection opened anyway would be kept apart and never closed
    # (PostgreSQL then refuses to drop the test database). So the data is made first (the
    # `telefonica` fixture) and tests check the result through the pages alone.
    return browser.new_context(locale="en-GB").new_page()


def sign_in(page: Page) -> None:
    page.goto("/")
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    page.get_by_label("Username").fill("amina")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Overview")).to_be_visible()


def open_organisation(page: Page, query: str, name: str) -> None:
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Directory").click()
    page.locator("#id_q").fill(query)
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_text("1 organisation", exact=True)).to_be_visible()
    page.get_by_role("link", name=name).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(name)


def test_officer_finds_an_organisation_without_accents_and_edits_it(
    telefonica: Organisation, page: Page
) -> None:
    sign_in(page)
    open_organisation(page, "telefonica moviles", "Telefónica Móviles")

    page.get_by_role("link", name="Edit", exact=True).click()
    page.get_by_label("Acronym").fill("TME")
    page.get_by_role("button", name="Save").click()

    expect(page.locator(".messages")).to_have_text("Saved.")
    history = page.locator("section.history details")
    line = history.locator("ol.history-lines > li").first
    # Collapsed by default: a summary to open, the lines hidden until then.
    expect(line).to_be_hidden()
    history.locator("summary").click()
    expect(line).to_contain_text("Amina Diallo changed the acronym from TM to TME")
    expect(page.locator("dl.facts")).to_contain_text("TME")
    page.screenshot(path=str(SCREENSHOT), full_page=True)
    history.scroll_into_view_if_needed()
    page.screenshot(path=str(HISTORY_SHOT), full_page=True)


def test_officer_renames_the_chief_executive_and_sees_it_in_history(
    telefonica: Organisation, page: Page
) -> None:
    sign_in(page)
    open_organisation(page, "TELEFONICA", "Telefónica Móviles")

    page.get_by_role("link", name="Edit Ana Pérez").click()
    page.get_by_label("Given name").fill("Ana María")
    page.get_by_role("button", name="Save").click()

    expect(page.locator(".messages")).to_have_text("Saved.")
    people = page.get_by_role("region", name="People")
    expect(people).to_contain_text("Ana María Pérez")
    history = page.locator("section.history details")
    history.locator("summary").click()
    line = history.locator("ol.history-lines > li").first
    expect(line).to_contain_text("Amina Diallo changed the given name from Ana to Ana María")


def test_an_inline_script_refused_by_the_content_security_policy_is_reported(
    telefonica: Organisation, browser: WatchedBrowser, page: Page
) -> None:
    """The positive control of the watcher every browser test runs under (tests/conftest.py)."""
    page.goto("/")
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()

    with page.expect_console_message(lambda message: message.type == "error"):
        page.evaluate(
            """() => {
                const script = document.createElement("script");
                script.textContent = "document.title = 'injected'";
                document.head.append(script);
            }"""
        )

    assert page.title() != "injected"
    [problem] = browser.problems
    assert problem.startswith("console error: Executing inline script violates")
    assert "Content Security Policy directive 'script-src 'self''" in problem
    browser.problems.clear()  # provoked on purpose: the test passes
