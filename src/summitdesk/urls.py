from django.urls import include, path

urlpatterns = [
    path("", include("summitdesk.backoffice.urls")),
    path("", include("summitdesk.public_urls")),
    path("reply/", include("summitdesk.portal.urls")),
]
