from django.db import models
from django.utils.translation import gettext_lazy as _


class CircularStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    DISPATCHING = "dispatching", _("Dispatching")
    DISPATCHED = "dispatched", _("Dispatched")


class MailingKind(models.TextChoices):
    LETTER = "letter", _("Letter")
    REMINDER = "reminder", _("Reminder")


class MessageState(models.TextChoices):
    """Where one letter to one organisation stands.

    queued -> claimed (a worker renders it) -> sending (the SMTP conversation has begun)
    -> sent. A claim that expires before `sending` goes back to queued: nothing left the
    building. One that expires during `sending` becomes in_doubt: the server may have
    accepted it, so a person decides. Without an address: no_address, then posted.
    """

    QUEUED = "queued", _("Queued")
    CLAIMED = "claimed", _("Being prepared")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")
    IN_DOUBT = "in_doubt", _("In doubt")
    NO_ADDRESS = "no_address", _("No email address")
    POSTED = "posted", _("Sent by post or fax")


class Enclosure(models.TextChoices):
    REPLY_FORM = "reply_form", _("Reply form")
    INFORMATION_PACK = "information_pack", _("Information pack")
