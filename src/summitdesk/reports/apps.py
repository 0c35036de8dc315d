from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "summitdesk.reports"
    verbose_name = _("Participation reports")

    def ready(self) -> None:
        from summitdesk.accreditation.models import Accreditation
        from summitdesk.correspondence.models import Invitation
        from summitdesk.delegations.models import Delegate, Reply
        from summitdesk.reports import dashboard

        # The response tracker's kept figures are counted again once what they count changes.
        for model in (Invitation, Reply, Delegate, Accreditation):
            for signal in (post_save, post_delete):
                signal.connect(
                    dashboard.figures_changed,
                    sender=model,
                    dispatch_uid=f"reports.figures_changed.{model.__name__}.{signal is post_save}",
                )
