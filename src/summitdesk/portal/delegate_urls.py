"""Delegates' accreditation pages: by their own link, or by the focal point's reply link
with the delegate's id (`delegate:focal-point`, linked from the reply page)."""

from django.urls import URLPattern, URLResolver, path

from summitdesk.lib import ids  # noqa: F401 -- registers the <id:...> converter
from summitdesk.portal import delegate_views

app_name = "delegate"

urlpatterns: list[URLPattern | URLResolver] = [
    path(
        "from-reply/<str:token>/<id:delegate_id>/",
        delegate_views.focal_point_page,
        name="focal-point",
    ),
    path(
        "from-reply/<str:token>/<id:delegate_id>/photo.jpg",
        delegate_views.focal_point_photo,
        name="focal-point-photo",
    ),
    path("<str:token>/", delegate_views.page, name="page"),
    path("<str:token>/confirm/", delegate_views.confirm, name="confirm"),
    path("<str:token>/earlier-photo.jpg", delegate_views.earlier_photo, name="earlier-photo"),
    path("<str:token>/photo.jpg", delegate_views.photo, name="photo"),
]
