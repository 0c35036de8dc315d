from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ApiScope(models.TextChoices):
    """What a token may do: read or change one part of the data."""

    DIRECTORY_READ = "directory:read", _("Read organisations and people")
    DIRECTORY_WRITE = "directory:write", _("Create and change organisations and people")
    MEETINGS_READ = "meetings:read", _("Read meetings")
    CIRCULARS_READ = "circulars:read", _("Read circulars and their sending status")
    CIRCULARS_WRITE = "circulars:write", _("Dispatch circulars")
    REPLIES_READ = "replies:read", _("Read replies")
    REPLIES_WRITE = "replies:write", _("Create and change replies")
    ACCREDITATIONS_READ = "accreditations:read", _("Read accreditations")
    ACCREDITATIONS_WRITE = "accreditations:write", _("Change accreditations")
    CHECKINS_WRITE = "checkins:write", _("Record check-ins")
    CREDENTIALS_READ = "credentials:read", _("Read the credentials register")
    CREDENTIALS_WRITE = "credentials:write", _("Record and examine credentials")
    JOIN_REQUESTS_READ = "join_requests:read", _("Read requests to join delegations")
    VENUE_READ = (
        "venue:read",
        _("Read zones, occupancy, secondary passes and valid dates and zones"),
    )
    VENUE_WRITE = "venue:write", _("Give and hand on secondary passes; set valid dates and zones")
    PICKUPS_READ = "pickups:read", _("Read badge pickup slots and bookings")
    APPLICATIONS_READ = "applications:read", _("Read applications for admission and admissions")
    APPLICATIONS_WRITE = "applications:write", _("Record meetings' decisions on applications")
    WEBHOOKS_MANAGE = "webhooks:manage", _("Manage webhook subscriptions")


class ApiToken(models.Model):
    """A key an outside system sends as `Authorization: Bearer sd_<prefix>_<secret>`.

    Only the prefix (to find the token and to show people which one is which) and the
    SHA-256 of the secret are stored: the token itself is shown once, when created.
    """

    name = models.CharField(_("name"), max_length=100, unique=True)
    prefix = models.CharField(_("prefix"), max_length=16, unique=True)
    secret_hash = models.CharField(max_length=64)
    scopes = models.JSONField(_("scopes"), default=list)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("created by"),
    )
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return self.name

    @property
    def expired(self) -> bool:
        return self.expires_at is not None and self.expires_at <= timezone.now()

    @property
    def usable(self) -> bool:
        return self.revoked_at is None and not self.expired

    def allows(self, scope: str) -> bool:
        return scope in self.scopes
