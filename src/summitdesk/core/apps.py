import logging
from typing import Any

from django.apps import AppConfig
from django.conf import settings
from django.core import checks
from django.utils.translation import gettext_lazy as _

logger = logging.getLogger("summitdesk")


class CoreConfig(AppConfig):
    name = "summitdesk.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        checks.register(secret_key_from_environment, checks.Tags.security, deploy=True)
        if not settings.SECRET_KEY_FROM_ENVIRONMENT:
            # Said at every start, so that whoever reads the log knows where the key is
            # (it must be kept, and moved to SECRET_KEY_FALLBACKS when SECRET_KEY is set).
            logger.warning(
                "SECRET_KEY is not set: using the key generated in %s (SQLite only).",
                settings.SECRET_KEY_FILE,
            )


def secret_key_from_environment(**kwargs: Any) -> list[checks.CheckMessage]:
    """`summitdesk check --deploy`: a production key comes from the environment."""
    if settings.SECRET_KEY_FROM_ENVIRONMENT:
        return []
    return [
        checks.Error(
            "SECRET_KEY does not come from the environment: set SECRET_KEY to a long random value.",
            hint=f"Keep the generated key of {settings.SECRET_KEY_FILE} in "
            "SECRET_KEY_FALLBACKS so that printed badges still verify.",
            id="summitdesk.E001",
        )
    ]
