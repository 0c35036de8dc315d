from django.templatetags.static import static
from django.urls import include, path
from django.views.generic import RedirectView

from summitdesk.core.health import health

urlpatterns = [
    path("", include("summitdesk.backoffice.urls")),
    path("", include("summitdesk.public.urls")),
    path("", include("summitdesk.public.applying_urls")),
    path("reply/", include("summitdesk.portal.urls")),
    path("accreditation/", include("summitdesk.portal.delegate_urls")),
    path("reports/", include("summitdesk.reports.dashboard_urls")),
    path("", include("summitdesk.reports.participants_urls")),
    path("exports/", include("summitdesk.exports.urls")),
    path("webhooks/", include("summitdesk.webhooks.urls")),
    path("api/v1/", include("summitdesk.api.urls")),
    # The load balancer's check (core/health.py): database and cache reachable, 200 or 503.
    path("health/", health, name="health"),
    # Browsers ask for /favicon.ico where a page names no icon (a PDF, an error page).
    path("favicon.ico", RedirectView.as_view(url=static("summitdesk/favicon.svg")), name="favicon"),
]

# Error pages inside the application's frame, with a reason and a way back.
handler403 = "summitdesk.errors.permission_denied"
handler404 = "summitdesk.errors.page_not_found"
handler500 = "summitdesk.errors.server_error"
