from django.urls import path

from summitdesk.backoffice.views import account, directory, imports, meetings, staff

app_name = "backoffice"

urlpatterns = [
    path("", directory.home, name="home"),
    path("sign-in/", account.sign_in, name="login"),
    path("sign-out/", account.sign_out, name="logout"),
    path("sign-in/second-factor/", account.second_factor, name="second-factor"),
    path("account/second-factor/", account.enrol_second_factor, name="enrol-second-factor"),
    path("organisations/", directory.organisation_list, name="organisation-list"),
    path("organisations/new/", directory.organisation_create, name="organisation-create"),
    path("organisations/import/", imports.import_upload, name="organisation-import"),
    path("organisations/import/template.csv", imports.import_template, name="import-template"),
    path("organisations/import/<int:pk>/", imports.import_job, name="import-job"),
    path("organisations/import/<int:pk>/confirm/", imports.import_confirm, name="import-confirm"),
    path("organisations/import/<int:pk>/cancel/", imports.import_cancel, name="import-cancel"),
    path("organisations/<int:pk>/", directory.organisation_detail, name="organisation-detail"),
    path("organisations/<int:pk>/edit/", directory.organisation_edit, name="organisation-edit"),
    path("organisations/<int:pk>/merge/", directory.organisation_merge, name="organisation-merge"),
    path("organisations/<int:pk>/people/new/", directory.person_create, name="person-create"),
    path(
        "organisations/<int:pk>/positions/<int:position_pk>/edit/",
        directory.position_edit,
        name="position-edit",
    ),
    path(
        "organisations/<int:pk>/positions/<int:position_pk>/remove/",
        directory.position_remove,
        name="position-remove",
    ),
    path("duplicates/", directory.duplicate_list, name="duplicate-list"),
    path(
        "duplicates/<int:pk>/keep-apart/",
        directory.duplicate_keep_apart,
        name="duplicate-keep-apart",
    ),
    path("meetings/", meetings.meeting_list, name="meeting-list"),
    path("meetings/new/", meetings.meeting_create, name="meeting-create"),
    path("meetings/<slug:code>/", meetings.meeting_detail, name="meeting-detail"),
    path("meetings/<slug:code>/edit/", meetings.meeting_edit, name="meeting-edit"),
    path("staff/", staff.staff_list, name="staff-list"),
    path("staff/new/", staff.staff_create, name="staff-create"),
    path("staff/<int:pk>/", staff.staff_edit, name="staff-edit"),
    path(
        "staff/<int:pk>/reset-second-factor/",
        staff.staff_reset_second_factor,
        name="staff-reset-second-factor",
    ),
]
