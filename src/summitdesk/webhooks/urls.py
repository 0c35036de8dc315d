from django.urls import URLPattern, URLResolver, path

from summitdesk.webhooks import views

app_name = "webhooks"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.subscription_list, name="subscription-list"),
    path("new/", views.subscription_create, name="subscription-create"),
    path("<int:pk>/", views.subscription_deliveries, name="subscription-deliveries"),
    path("<int:pk>/edit/", views.subscription_edit, name="subscription-edit"),
    path("<int:pk>/deactivate/", views.subscription_deactivate, name="subscription-deactivate"),
    path("<int:pk>/test/", views.subscription_test, name="subscription-test"),
    path(
        "<int:pk>/deliveries/<int:delivery_pk>/send-again/",
        views.delivery_send_again,
        name="delivery-send-again",
    ),
]
