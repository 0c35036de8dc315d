from django.db import models
from django.utils.translation import gettext_lazy as _


class ReplyState(models.TextChoices):
    NOT_OPENED = "not_opened", _("Not opened")
    OPENED = "opened", _("Opened")
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    AMENDED = "amended", _("Amended")
    DECLINED = "declined", _("Declined")


#: Answered and coming.
ATTENDING_STATES = (ReplyState.SUBMITTED, ReplyState.AMENDED)


class ProtocolLevel(models.TextChoices):
    """A person's protocol level, in the order of precedence (highest first). The head of
    delegation's level is the level of the reply: the letter asks for the highest."""

    HEAD_OF_STATE = "head_of_state", _("Head of State or Government")
    VICE_PRESIDENT = "vice_president", _("Vice-President")
    MINISTER = "minister", _("Minister")
    VICE_MINISTER = "vice_minister", _("Vice-Minister")
    AMBASSADOR = "ambassador", _("Ambassador")
    CHIEF_EXECUTIVE = "chief_executive", _("Chief executive")
    OTHER = "other", _("Other")


#: The levels a protocol list names: every level above "other".
HIGH_LEVELS = tuple(level for level in ProtocolLevel if level != ProtocolLevel.OTHER)


class Gender(models.TextChoices):
    FEMALE = "female", _("Female")
    MALE = "male", _("Male")
    OTHER = "other", _("Another gender")
    UNSAID = "", _("Prefer not to say")


class ChangeRequestStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for the secretariat")
    ACCEPTED = "accepted", _("Accepted")
    REFUSED = "refused", _("Refused")


class Relationship(models.TextChoices):
    """How a nominee is related to the organisation that nominates them (recorded for every
    nominee, beside their affiliation: the employer they come from)."""

    STAFF = "staff", _("Staff")
    MEMBER = "member", _("Member")
    CONSULTANT = "consultant", _("Consultant")
    INVITED_GUEST = "invited_guest", _("Invited guest")


class JoinRequestStatus(models.TextChoices):
    """Where a person's request to join a delegation stands: unconfirmed until they open
    the link sent to their email address; then pending with the organisation (or with
    the secretariat while it has no focal point) until someone decides."""

    UNCONFIRMED = "unconfirmed", _("Email address not yet confirmed")
    PENDING = "pending", _("Waiting for a decision")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    WITHDRAWN = "withdrawn", _("Withdrawn")
