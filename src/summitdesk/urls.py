from django.urls import include, path

urlpatterns = [
    path("", include("summitdesk.backoffice.urls")),
]
