from django.urls import URLPattern, URLResolver, path

from summitdesk.lib import ids  # noqa: F401 -- registers the <id:...> converter
from summitdesk.webhooks import views

app_name = "webhooks"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.subscription_list, name="subscription-list"),
    path("new/", views.subscription_create, name="subscription-create"),
    path("<id:pk>/", views.subscription_deliveries, name="subscription-deliveries"),
    path("<id:pk>/edit/", views.subscription_edit, name="subscription-edit"),
    path("<id:pk>/deactivate/", views.subscription_deactivate, name="subscription-deactivate"),
    path("<id:pk>/test/", views.subscription_test, name="subscription-test"),
    path(
        "<id:pk>/deliveries/<id:delivery_pk>/send-again/",
        views.delivery_send_again,
        name="delivery-send-again",
    ),
]
