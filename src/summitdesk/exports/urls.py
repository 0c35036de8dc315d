from django.urls import URLPattern, URLResolver, path

from summitdesk.exports import views
from summitdesk.lib import ids  # noqa: F401 -- registers the <id:...> converter

app_name = "exports"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.job_list, name="job-list"),
    path("jobs/<id:pk>/", views.job, name="job"),
    path("jobs/<id:pk>/status.json", views.job_status, name="job-status"),
    path("jobs/<id:pk>/download/", views.job_download, name="job-download"),
    path("<slug:kind>/", views.export, name="export"),
]
