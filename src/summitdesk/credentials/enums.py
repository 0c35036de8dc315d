from django.db import models
from django.utils.translation import gettext_lazy as _


class DocumentKind(models.TextChoices):
    """The mandate documents a delegation's reply may carry."""

    NOMINATION_LETTER = "nomination_letter", _("Nomination letter")
    NOTE_VERBALE = "note_verbale", _("Note verbale")
    CREDENTIALS_LETTER = "credentials_letter", _("Letter of credentials")


class CredentialsForm(models.TextChoices):
    ORIGINAL = "original", _("Original")
    COPY = "copy", _("Copy")
    ELECTRONIC = "electronic", _("Electronic")


class IssuedBy(models.TextChoices):
    HEAD_OF_STATE = "head_of_state", _("Head of State or Government")
    FOREIGN_MINISTER = "foreign_minister", _("Minister for Foreign Affairs")
    OTHER = "other", _("Other authority")


class PowersScope(models.TextChoices):
    FULL_POWERS = "full_powers", _("Full powers")
    REPRESENTATION = "representation", _("Representation")
    SIGNATURE = "signature", _("Signature")


class Standing(models.TextChoices):
    PROVISIONAL = "provisional", _("Provisional")
    FINAL = "final", _("Final")


class Examined(models.TextChoices):
    """What the Credentials Committee found."""

    IN_ORDER = "in_order", _("In order")
    PROVISIONAL = "provisional", _("Provisional")
    NOT_IN_ORDER = "not_in_order", _("Not in order")
    MISSING = "missing", _("Missing")


class CredentialsState(models.TextChoices):
    """A delegation's credentials as every surface shows them: the examination's finding,
    or, before it, received (to examine) or missing; "not required" when the meeting does
    not ask the delegation's category for credentials."""

    IN_ORDER = "in_order", _("In order")
    PROVISIONAL = "provisional", _("Provisional")
    NOT_IN_ORDER = "not_in_order", _("Not in order")
    MISSING = "missing", _("Missing")
    RECEIVED = "received", _("Received, to examine")
    NOT_REQUIRED = "not_required", _("Not required")
