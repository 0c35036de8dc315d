from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from summitdesk.webhooks.enums import DeliveryStatus


class Subscription(models.Model):
    """An address told about chosen events, each delivery signed with the secret.

    The secret is stored as it is: signing needs it in clear on every delivery, so a hash
    would not do, and encrypting it with a key derived from SECRET_KEY would keep it
    beside that key on the same hosts (and lose every secret when the key rotates). It is
    shown once, at creation; pages and the API show only its first characters.
    """

    name = models.CharField(_("name"), max_length=100)
    target_url = models.URLField(
        _("address"), max_length=500, help_text=_("An http:// or https:// address.")
    )
    secret = models.CharField(max_length=64, editable=False)
    events = models.JSONField(_("events"), default=list)
    active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("webhook subscription")

    def __str__(self) -> str:
        return self.name

    @property
    def secret_hint(self) -> str:
        return f"{self.secret[:10]}…"


class Delivery(models.Model):
    """One event for one subscription: sent until the receiver answers 2xx, or given up.

    The idempotency key is the same on every attempt (and unique), so that a receiver
    can ignore an event it already has: delivery is at least once.
    """

    subscription = models.ForeignKey(
        Subscription, on_delete=models.CASCADE, related_name="deliveries"
    )
    event = models.CharField(_("event"), max_length=50)
    idempotency_key = models.CharField(max_length=80, unique=True)
    audit_entry = models.ForeignKey(
        "core.AuditEntry", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    payload = models.JSONField(default=dict)
    status = models.CharField(
        _("status"), max_length=16, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    # Who may send it now: the task enqueued with this token, until `leased_until`.
    lease_token = models.CharField(max_length=32, blank=True)
    leased_until = models.DateTimeField(null=True, blank=True)
    last_attempt_at = models.DateTimeField(_("last attempt"), null=True, blank=True)
    last_status_code = models.PositiveSmallIntegerField(_("response"), null=True, blank=True)
    last_error = models.CharField(_("error"), max_length=500, blank=True)
    delivered_at = models.DateTimeField(_("delivered"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")

    def __str__(self) -> str:
        return f"{self.event} {self.idempotency_key}"


class FanOutCursor(models.Model):
    """The last audit sequence turned into deliveries: one row."""

    last_sequence = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return str(self.last_sequence)
