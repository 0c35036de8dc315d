from django.db import models
from django.utils.translation import gettext_lazy as _


class CircularStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    DISPATCHING = "dispatching", _("Dispatching")
    DISPATCHED = "dispatched", _("Dispatched")


class MailingKind(models.TextChoices):
    LETTER = "letter", _("Letter")
    REMINDER = "reminder", _("Reminder")


class ReminderTarget(models.TextChoices):
    """Whom a reminder goes to: those who have not answered, or the delegations still
    lacking a mandate document their meeting requires (chosen by the caller, from
    reports.figures)."""

    UNANSWERED = "unanswered", _("Not answered")
    DOCUMENT_MISSING = "document_missing", _("Document missing")
    # Those an officer chose on the reply list (one page, or all its filter matches) that
    # have not answered.
    CHOSEN = "chosen", _("Chosen on the reply list")


class MessageKind(models.TextChoices):
    """What an outbox row carries: a circular's letter or reminder (rows of a mailing), or
    one of the emails the other apps compose (delegations.emails, accreditation.emails,
    admission.emails)."""

    LETTER = "letter", _("Letter")
    REMINDER = "reminder", _("Reminder")
    REPLY_CONFIRMATION = "reply_confirmation", _("Reply confirmation")
    FOCAL_POINT_LINK = "focal_point_link", _("Focal point's link")
    DELEGATE_LINK = "delegate_link", _("Delegate's link")
    ACCREDITATION_APPROVED = "accreditation_approved", _("Accreditation approved")
    ACCREDITATION_REJECTED = "accreditation_rejected", _("Accreditation not approved")
    ACCREDITATION_REVOKED = "accreditation_revoked", _("Accreditation withdrawn")
    MISSING_DATA = "missing_data", _("Accreditation details missing")
    APPLICATION_CONFIRMATION = "application_confirmation", _("Application: address to confirm")
    APPLICANT_LINK = "applicant_link", _("Applicant's link")
    APPLICATION_RECEIVED = "application_received", _("Application received")
    APPLICATION_STATUS = "application_status", _("Application: news of its review")
    JOIN_REQUEST_CONFIRMATION = "join_confirmation", _("Request to join: email confirmation")
    JOIN_REQUEST_DIGEST = "join_digest", _("Requests to join: focal point's digest")
    JOIN_REQUEST_DECISION = "join_decision", _("Request to join: decision")
    ADMISSION_REVIEW_DUE = "admission_review_due", _("Admission: periodic review due")
    WALK_IN_TO_CONFIRM = "walk_in_to_confirm", _("Walk-in to confirm")


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
    # An email no longer wanted when its turn came (the decision it announced was changed,
    # the person it was for is no longer focal point...): nothing was sent.
    CANCELLED = "cancelled", _("Not needed any more")


class Enclosure(models.TextChoices):
    REPLY_FORM = "reply_form", _("Reply form")
    INFORMATION_PACK = "information_pack", _("Information pack")
