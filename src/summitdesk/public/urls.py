"""Pages strangers may open, without signing in: each one rate limited."""

from django.urls import path

from summitdesk.lib import ids  # noqa: F401 -- registers the <id:...> converter
from summitdesk.public import admission_lists, join_views, views
from summitdesk.reports import dashboard_views

app_name = "public"

urlpatterns = [
    path("join/confirm/<str:token>/", join_views.confirm, name="join-confirm"),
    path("join/<slug:code>/", join_views.join, name="join"),
    path("meetings/<slug:code>/statistics/", dashboard_views.statistics, name="statistics"),
    path(
        "meetings/<slug:code>/information-pack/",
        views.information_pack,
        name="information-pack",
    ),
    path(
        "meetings/<slug:code>/information-pack/documents/<id:pk>/",
        views.information_pack_document,
        name="information-pack-document",
    ),
    path(
        "meetings/<slug:code>/information-pack.zip",
        views.information_pack_zip,
        name="information-pack-zip",
    ),
    # Admission's lists for a decision (the application form is apply:apply, beside them).
    *(
        route
        for kind in ("recommended", "admitted")
        for route in (
            path(
                f"processes/<slug:code>/{kind}/",
                admission_lists.decision_list,
                {"kind": kind},
                name=f"admission-{kind}",
            ),
            path(
                f"processes/<slug:code>/{kind}.pdf",
                admission_lists.decision_list_pdf,
                {"kind": kind},
                name=f"admission-{kind}-pdf",
            ),
        )
    ),
]
