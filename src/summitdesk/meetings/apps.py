from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeetingsConfig(AppConfig):
    name = "summitdesk.meetings"
    label = "meetings"
    verbose_name = _("Meetings")

    def ready(self) -> None:
        # Connects the seeding of a new meeting's participant types.
        from summitdesk.meetings import participant_types  # noqa: F401
