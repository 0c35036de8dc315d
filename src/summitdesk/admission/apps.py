from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AdmissionConfig(AppConfig):
    name = "summitdesk.admission"
    label = "admission"
    verbose_name = _("Admission")

    def ready(self) -> None:
        # `emails` registers the kinds of email this app composes with the outbox (imported
        # here, once the app registry is ready: it imports models).
        from summitdesk.admission import emails, review_emails  # noqa: F401
