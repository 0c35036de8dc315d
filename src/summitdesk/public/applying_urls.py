"""The public application pages (`apply:` names): a process's application form, the
"lost your link?" form, and the applicant's pages opened by their personal link."""

from django.urls import URLPattern, URLResolver, path

from summitdesk.lib import ids  # noqa: F401 -- registers the <id:...> converter
from summitdesk.public import applying_views as views

app_name = "apply"

urlpatterns: list[URLPattern | URLResolver] = [
    path("processes/<slug:code>/apply/", views.apply, name="apply"),
    path("processes/<slug:code>/apply/sent/", views.sent, name="sent"),
    path("application/lost-link/", views.lost_link, name="lost-link"),
    path("application/<str:token>/", views.application_page, name="application"),
    path("application/<str:token>/confirm/", views.confirm, name="confirm"),
    path("application/<str:token>/edit/", views.edit, name="edit"),
    path("application/<str:token>/documents/", views.upload, name="upload"),
    path("application/<str:token>/documents/<id:pk>/", views.document, name="document"),
    path("application/<str:token>/documents/<id:pk>/remove/", views.remove, name="remove"),
    path("application/<str:token>/resubmit/", views.resubmit, name="resubmit"),
]
