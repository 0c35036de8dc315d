from django.urls import URLPattern, URLResolver

app_name = "delegate"

urlpatterns: list[URLPattern | URLResolver] = []
