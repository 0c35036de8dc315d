from django.urls import URLPattern, URLResolver, path

from summitdesk.api import docs
from summitdesk.api.main import api

urlpatterns: list[URLPattern | URLResolver] = [
    path("docs", docs.page, name="api-docs"),
    path("", api.urls),
]
