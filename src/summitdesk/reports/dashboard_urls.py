from django.urls import URLPattern, URLResolver, path

from summitdesk.reports import dashboard_views as views

app_name = "dashboard"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.dashboard_index, name="index"),
    path("meetings/<slug:code>/", views.meeting_dashboard, name="meeting"),
    path(
        "meetings/<slug:code>/charts/<slug:chart>.csv",
        views.meeting_chart_csv,
        name="meeting-chart-csv",
    ),
    path(
        "meetings/<slug:code>/charts/<slug:chart>.svg",
        views.meeting_chart_svg,
        name="meeting-chart-svg",
    ),
    path(
        "meetings/<slug:code>/public-statistics/",
        views.public_statistics_switch,
        name="public-statistics",
    ),
    path("processes/<slug:code>/", views.process_dashboard, name="process"),
    path(
        "processes/<slug:code>/charts/<slug:chart>.csv",
        views.process_chart_csv,
        name="process-chart-csv",
    ),
    path(
        "processes/<slug:code>/charts/<slug:chart>.svg",
        views.process_chart_svg,
        name="process-chart-svg",
    ),
]
