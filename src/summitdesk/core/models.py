from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from summitdesk.core.enums import Channel, Role


class User(AbstractUser):
    """A member of the secretariat's staff."""

    role = models.CharField(_("role"), max_length=32, choices=Role.choices, default=Role.VIEWER)
    second_factor_required = models.BooleanField(
        _("second factor required"),
        default=False,
        help_text=_("The person must confirm each sign-in with a code from an authenticator app."),
    )
    totp_secret = models.CharField(max_length=64, blank=True, editable=False)
    totp_confirmed_at = models.DateTimeField(null=True, blank=True, editable=False)
    totp_last_counter = models.BigIntegerField(default=0, editable=False)
    # Personal settings (the account's Settings page), applied to each of the person's
    # requests on staff pages by core.middleware.PersonalSettings.
    language = models.CharField(
        _("language"),
        max_length=8,
        blank=True,
        choices=settings.LANGUAGES,
        help_text=_("Empty: the language the browser asks for."),
    )
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        blank=True,
        help_text=_("Empty: each meeting's own time zone, and UTC for what concerns no meeting."),
    )

    class Meta:
        verbose_name = _("staff member")
        verbose_name_plural = _("staff")

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    @property
    def has_second_factor(self) -> bool:
        return self.totp_confirmed_at is not None

    def has_role(self, *roles: Role) -> bool:
        administrator = self.role == Role.ADMINISTRATOR or self.is_superuser
        return self.is_active and (administrator or self.role in roles)

    @property
    def is_administrator(self) -> bool:
        return self.has_role(Role.ADMINISTRATOR)


class AuditEntryQuerySet(models.QuerySet["AuditEntry"]):
    def for_object(self, obj: models.Model) -> "AuditEntryQuerySet":
        return self.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk))


class AuditEntry(models.Model):
    """One recorded change: who, when, through which channel, what changed.

    `changes` maps each changed field to `[old, new]`. Sensitive fields record that
    they changed, never their values.
    """

    created_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("who"),
    )
    actor_label = models.CharField(_("who"), max_length=200)
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    action = models.CharField(_("action"), max_length=100)
    object_type = models.CharField(max_length=100)
    object_id = models.CharField(max_length=64)
    object_repr = models.CharField(_("object"), max_length=300)
    organisation = models.ForeignKey(
        "directory.Organisation",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="audit_entries",
    )
    changes = models.JSONField(_("changes"), default=dict)
    note = models.CharField(_("note"), max_length=300, blank=True)
    # The change feed's order: given after commit, in the order entries became visible
    # (core.changes.assign_sequences), so a reader never skips a late commit.
    sequence = models.BigIntegerField(null=True, blank=True, unique=True, editable=False)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["object_type", "object_id"]),
            models.Index(fields=["organisation", "-created_at"]),
        ]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit trail")

    def __str__(self) -> str:
        return f"{self.action} {self.object_repr} by {self.actor_label}"

    @property
    def change_list(self) -> list[tuple[str, Any, Any]]:
        return [(field, pair[0], pair[1]) for field, pair in self.changes.items()]


class ChangeCounter(models.Model):
    """The last change sequence given: one row, locked while sequences are given."""

    value = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return str(self.value)


class PeriodicRun(models.Model):
    """When a periodic job last started, so that several workers run it once."""

    name = models.CharField(max_length=100, unique=True)
    last_started_at = models.DateTimeField()

    def __str__(self) -> str:
        return self.name


class RateCounter(models.Model):
    """Attempts counted for one rate-limit key in one fixed window (core/ratelimit.py).

    In the database, so that every web process counts into the same row; the bucket is a
    hash of the key and window, so no address or account name is kept in clear."""

    bucket = models.CharField(max_length=64, primary_key=True)
    count = models.PositiveIntegerField(default=0)
    expires_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"{self.bucket[:12]}: {self.count}"


class RecoveryCode(models.Model):
    """One single-use code that stands in for the authenticator app (core/second_factor.py):
    ten made at a time, shown once, kept only as a SHA-256 hash (80 random bits each)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="recovery_codes"
    )
    code_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"recovery code of {self.user_id}"
