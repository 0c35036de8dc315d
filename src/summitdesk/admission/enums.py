from django.db import models
from django.utils.translation import gettext_lazy as _


class ApplicationStatus(models.TextChoices):
    """Where an application for admission stands. An application exists from the form's
    submission; staff see it once its email address is confirmed."""

    UNCONFIRMED = "unconfirmed", _("Email address not yet confirmed")
    RECEIVED = "received", _("Received")
    INCOMPLETE = "incomplete", _("Incomplete")
    UNDER_REVIEW = "under_review", _("Under review")
    RECOMMENDED = "recommended", _("Recommended")
    NOT_RECOMMENDED = "not_recommended", _("Not recommended")
    DEFERRED = "deferred", _("Deferred")
    ADMITTED = "admitted", _("Admitted")
    NOT_ADMITTED = "not_admitted", _("Not admitted")


#: Decided by a meeting: nothing moves an application out of these.
DECIDED = (ApplicationStatus.ADMITTED, ApplicationStatus.NOT_ADMITTED)
#: Waiting for the applicant: they may add documents and correct their data.
OPEN_TO_APPLICANT = (
    ApplicationStatus.UNCONFIRMED,
    ApplicationStatus.RECEIVED,
    ApplicationStatus.INCOMPLETE,
)


class AdmissionStatus(models.TextChoices):
    """An admitted organisation's standing in the process."""

    ADMITTED = "admitted", _("Admitted")
    SUSPENDED = "suspended", _("Suspended")
    WITHDRAWN = "withdrawn", _("Withdrawn")
