"""The layers of docs/architecture.md that import-linter cannot see: which apps own pages."""

from pathlib import Path

import pytest

import summitdesk

pytestmark = pytest.mark.unit

#: The feature apps' page modules, as docs/architecture.md lists them ("Feature apps").
FEATURE_PAGES = {
    "exports/urls.py",
    "exports/views.py",
    "reports/dashboard_urls.py",
    "reports/dashboard_views.py",
    "reports/participant_views.py",
    "reports/participants_urls.py",
    "webhooks/urls.py",
    "webhooks/views.py",
}
INTERFACES = {"backoffice", "portal", "api", "public"}


def test_only_the_interfaces_and_the_listed_feature_apps_have_pages() -> None:
    package = Path(summitdesk.__file__).parent
    pages = {
        path.relative_to(package).as_posix()
        for path in package.glob("*/*.py")
        if path.parent.name not in INTERFACES and ("views" in path.stem or "urls" in path.stem)
    }
    assert pages == FEATURE_PAGES


def test_the_architecture_page_lists_the_same_feature_pages() -> None:
    text = (Path(__file__).parents[1] / "docs" / "architecture.md").read_text(encoding="utf-8")
    section = text[text.index("**Feature apps.**") :]
    section = section[: section.index("\n\n")]
    listed = {name for name in FEATURE_PAGES if f"`{name}`" in section}
    assert listed == FEATURE_PAGES
