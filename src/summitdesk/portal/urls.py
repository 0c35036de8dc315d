"""The reply portal, under /reply/<token>/ (the URL the letters carry: reply_links.reply_url)."""

from django.urls import path

from summitdesk.lib import ids  # noqa: F401 -- registers the <id:...> converter
from summitdesk.portal import join_views, passes, pickup_views, returning_views, views

app_name = "portal"

urlpatterns = [
    path("<str:token>/", views.reply, name="reply"),
    path("<str:token>/opened/", views.opened, name="opened"),
    path("<str:token>/submitted/", views.submitted, name="submitted"),
    path("<str:token>/hand-over/", views.hand_over, name="hand-over"),
    path("<str:token>/earlier/", returning_views.earlier, name="earlier"),
    path("<str:token>/letter.pdf", views.letter, name="letter"),
    path("<str:token>/summary.pdf", views.summary_pdf, name="summary"),
    path("<str:token>/delegation/", views.delegation, name="delegation"),
    path("<str:token>/delegation/<id:delegate_id>/withdraw/", views.withdraw, name="withdraw"),
    path(
        "<str:token>/delegation/<id:delegate_id>/substitute/",
        views.substitute,
        name="substitute",
    ),
    path("<str:token>/join-requests/", join_views.inbox, name="join-requests"),
    path(
        "<str:token>/join-requests/<id:request_id>/",
        join_views.decide,
        name="join-request-decide",
    ),
    path("<str:token>/badge-pickup/", pickup_views.badge_pickup, name="pickup"),
    path("<str:token>/walk-ins/", pickup_views.walk_ins_to_confirm, name="walk-ins"),
    path("<str:token>/delegation/exception/", views.request_exception, name="request-exception"),
    path("<str:token>/documents/", views.documents, name="documents"),
    path("<str:token>/documents/<id:document_id>/", views.document, name="document"),
    path(
        "<str:token>/documents/<id:document_id>/remove/",
        views.document_remove,
        name="document-remove",
    ),
    path("<str:token>/passes/", passes.secondary_passes, name="passes"),
    path("<str:token>/passes/cards.pdf", passes.pass_cards, name="pass-cards"),
]
