"""The List of Participants: staff pages (signed in) and the public edition (rate limited)."""

from django.urls import URLPattern, URLResolver, path

from summitdesk.lib import ids  # noqa: F401 -- registers the <id:...> converter
from summitdesk.reports import participant_views as views

app_name = "participants"

urlpatterns: list[URLPattern | URLResolver] = [
    path(
        "meetings/<slug:code>/list-of-participants/",
        views.participants_preview,
        name="preview",
    ),
    path(
        "meetings/<slug:code>/list-of-participants/preview.pdf",
        views.participants_preview_pdf,
        name="preview-pdf",
    ),
    path(
        "meetings/<slug:code>/list-of-participants/publish/",
        views.participants_publish,
        name="publish",
    ),
    path(
        "meetings/<slug:code>/list-of-participants/editions/",
        views.participants_editions,
        name="editions",
    ),
    path(
        "meetings/<slug:code>/list-of-participants/editions/<id:number>.pdf",
        views.participants_edition_pdf,
        name="edition-pdf",
    ),
    # Public: the latest edition as published.
    path("meetings/<slug:code>/participants/", views.participants_public, name="public"),
    path("meetings/<slug:code>/participants.pdf", views.participants_public_pdf, name="public-pdf"),
]
