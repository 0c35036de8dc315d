import datetime
import functools
import zoneinfo

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from summitdesk.lib.localized import TranslationsValidator, localized
from summitdesk.meetings.enums import MeetingKind, MeetingStatus

code_validator = RegexValidator(
    r"^[a-z0-9]+(-[a-z0-9]+)*$",
    _("Use lower-case letters, digits and single hyphens, e.g. prepcom-3."),
)


@functools.cache
def _time_zones() -> frozenset[str]:
    # available_timezones() reads the whole time zone database from disk on every call.
    return frozenset(zoneinfo.available_timezones())


def validate_time_zone(value: str) -> None:
    if value not in _time_zones():
        raise ValidationError(
            _("%(zone)s is not a time zone name such as Europe/Zurich."), params={"zone": value}
        )


class Process(models.Model):
    """A series of meetings towards one outcome, e.g. the WSIS."""

    code = models.CharField(_("code"), max_length=40, unique=True, validators=[code_validator])
    name = models.CharField(_("name"), max_length=200)
    # The name in French, Spanish, Arabic, Russian and Chinese: see lib/localized.py.
    name_translations = models.JSONField(
        _("name in other languages"),
        default=dict,
        blank=True,
        validators=[TranslationsValidator(200)],
    )
    description = models.TextField(_("description"), blank=True)
    # Set by the demo: dates are shown beside the historical ones they replay, this many
    # days earlier. Empty for a real process.
    replay_offset_days = models.IntegerField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["name"]
        verbose_name = _("process")
        verbose_name_plural = _("processes")

    def __str__(self) -> str:
        return localized(self, "name")

    def historical(self, value: datetime.date | None) -> datetime.date | None:
        """The historical date a replayed date stands for, or None."""
        if value is None or self.replay_offset_days is None:
            return None
        if isinstance(value, datetime.datetime):
            value = value.date()
        return value - datetime.timedelta(days=self.replay_offset_days)


class MeetingQuerySet(models.QuerySet["Meeting"]):
    def in_calendar_order(self) -> "MeetingQuerySet":
        return self.order_by(F("start_date").asc(nulls_last=True), "code")


class Meeting(models.Model):
    process = models.ForeignKey(
        Process, on_delete=models.PROTECT, related_name="meetings", verbose_name=_("process")
    )
    code = models.CharField(
        _("code"),
        max_length=40,
        unique=True,
        validators=[code_validator],
        help_text=_("Short name used on the command line and in the API, e.g. prepcom-3."),
    )
    title = models.CharField(_("title"), max_length=200)
    # The title in French, Spanish, Arabic, Russian and Chinese: see lib/localized.py.
    title_translations = models.JSONField(
        _("title in other languages"),
        default=dict,
        blank=True,
        validators=[TranslationsValidator(200)],
    )
    kind = models.CharField(_("kind"), max_length=32, choices=MeetingKind.choices)
    city = models.CharField(_("city"), max_length=100, blank=True)
    country = models.CharField(_("country"), max_length=2, blank=True)
    time_zone = models.CharField(
        _("time zone"), max_length=64, default="UTC", validators=[validate_time_zone]
    )
    start_date = models.DateField(_("start date"), null=True, blank=True)
    end_date = models.DateField(_("end date"), null=True, blank=True)
    registration_opens_at = models.DateTimeField(_("registration opens"), null=True, blank=True)
    registration_closes_at = models.DateTimeField(_("registration closes"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=32, choices=MeetingStatus.choices, default=MeetingStatus.PLANNED
    )
    public_statistics = models.BooleanField(
        _("public statistics"),
        default=False,
        help_text=_("Publish the meeting's participation figures (numbers only) on a public page."),
    )
    # Off by default: a meeting may approve and print first and collect the data later.
    approval_requires_identity = models.BooleanField(
        _("approval requires photo and identity data"),
        default=False,
        help_text=_("An accreditation without photo or identity data cannot be approved."),
    )
    printing_requires_identity = models.BooleanField(
        _("printing requires photo and identity data"),
        default=False,
        help_text=_("A badge without photo or identity data is not printed."),
    )
    # A returning delegate may reuse the photo of an earlier meeting when it is younger
    # than this on the meeting's first day (delegations.returning, accreditation.returning).
    photo_max_age_months = models.PositiveSmallIntegerField(
        _("photo reuse: at most this many months old"),
        default=6,
        help_text=_(
            "A returning delegate may reuse the photo of an earlier meeting when it is "
            "younger than this on the meeting's first day (0: never)."
        ),
    )
    # Protocol levels (delegations.enums.ProtocolLevel) whose holders need no photo: the
    # "requires photo" settings above do not apply to them for the photo.
    photo_exempt_levels = models.JSONField(
        _("protocol levels exempt from the photo"), default=list, blank=True
    )
    list_shows_affiliation = models.BooleanField(
        _("List of Participants shows affiliations"),
        default=False,
        help_text=_("Print each person's affiliation (employer) and relationship beside them."),
    )
    online_access = models.TextField(
        _("online access details"),
        blank=True,
        help_text=_(
            "How to join online (a link, a meeting number): shown only to each online "
            "participant on their own page."
        ),
    )

    objects = MeetingQuerySet.as_manager()

    class Meta:
        ordering = [F("start_date").asc(nulls_last=True), "code"]
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True)
                | Q(start_date__isnull=True)
                | Q(end_date__gte=F("start_date")),
                name="meeting_ends_after_start",
            ),
            models.CheckConstraint(
                condition=Q(registration_closes_at__isnull=True)
                | Q(registration_opens_at__isnull=True)
                | Q(registration_closes_at__gte=F("registration_opens_at")),
                name="meeting_registration_closes_after_opening",
            ),
        ]

    def __str__(self) -> str:
        return localized(self, "title")

    def clean(self) -> None:
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": _("The meeting cannot end before it starts.")})
        opens, closes = self.registration_opens_at, self.registration_closes_at
        if opens and closes and closes < opens:
            raise ValidationError(
                {"registration_closes_at": _("Registration cannot close before it opens.")}
            )


class PackItem(models.Model):
    """One item of a meeting's information pack (what DM-1048 sent on CD-ROM): a document
    in one language, or a web link to background material and partners."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="pack_items")
    title = models.CharField(_("title"), max_length=200)
    language = models.CharField(
        _("language"), max_length=2, blank=True, help_text=_("Empty when it suits every language.")
    )
    document = models.FileField(_("document"), upload_to="packs/%Y/", blank=True)
    url = models.URLField(_("web link"), blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["meeting", "position", "id"]
        verbose_name = _("information pack item")
        constraints = [
            models.CheckConstraint(
                condition=(Q(document="") & ~Q(url="")) | (~Q(document="") & Q(url="")),
                name="pack_item_is_document_or_link",
            )
        ]

    def __str__(self) -> str:
        return self.title


class ParticipantType(models.Model):
    """A kind of participant of one meeting (delegate, press, security...): it decides the
    badge design, the section of the List of Participants and whether the person counts
    against their organisation's limit. Each meeting gets the defaults when it is created
    (meetings.participant_types.seed); a delegate without a type has the default of their
    organisation's category (delegations.participant_types.type_of)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="participant_types")
    code = models.CharField(_("code"), max_length=40, validators=[code_validator])
    name = models.CharField(_("name"), max_length=100)
    name_translations = models.JSONField(
        _("name in other languages"),
        default=dict,
        blank=True,
        validators=[TranslationsValidator(100)],
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    list_section = models.PositiveSmallIntegerField(
        _("section of the List of Participants"),
        default=0,
        help_text=_("Sections are listed in this order; types with the same number share one."),
    )
    counts_against_limit = models.BooleanField(
        _("counts against the organisation's limit"), default=True
    )
    badge_colour = models.CharField(
        _("badge colour"),
        max_length=7,
        default="#1f4e79",
        validators=[RegexValidator(r"^#[0-9a-fA-F]{6}$", _("Use a colour such as #1f4e79."))],
    )
    badge_label = models.CharField(
        _("badge label"),
        max_length=30,
        blank=True,
        help_text=_("The word printed on the badge's band, e.g. PRESS."),
    )

    class Meta:
        ordering = ["meeting", "position", "id"]
        verbose_name = _("participant type")
        verbose_name_plural = _("participant types")
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "code"], name="one_participant_type_per_code"
            )
        ]

    def __str__(self) -> str:
        return localized(self, "name")
