from django.urls import include, path

urlpatterns = [
    path("", include("summitdesk.backoffice.urls")),
    path("", include("summitdesk.public_urls")),
    path("reply/", include("summitdesk.portal.urls")),
    path("accreditation/", include("summitdesk.portal.delegate_urls")),
    path("reports/", include("summitdesk.reports.dashboard_urls")),
    path("", include("summitdesk.reports.participants_urls")),
    path("exports/", include("summitdesk.exports.urls")),
    path("webhooks/", include("summitdesk.webhooks.urls")),
    path("api/v1/", include("summitdesk.api.urls")),
]
