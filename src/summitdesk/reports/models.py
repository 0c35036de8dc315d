from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from summitdesk.meetings.models import Meeting


class EditionKind(models.TextChoices):
    # Kept beside its one model: only the List of Participants has editions.
    PROVISIONAL = "provisional", _("Provisional")
    FINAL = "final", _("Final")


class EditionStatus(models.TextChoices):
    PREPARING = "preparing", _("Being prepared")
    PUBLISHED = "published", _("Published")
    FAILED = "failed", _("Failed")


class Edition(models.Model):
    """One published edition of a meeting's List of Participants, kept as it was published.

    The list itself is stored in `EditionPage` rows, the PDF beside it: the public page
    shows them as they were on the day, whatever changed since. The published edition
    with the highest number is the public one; older ones stay for staff. An edition is
    prepared (list read, PDF rendered) by a background task: `stage` says how far it got.
    """

    meeting = models.ForeignKey(
        Meeting, on_delete=models.PROTECT, related_name="participant_editions"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=EditionKind.choices)
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=EditionStatus.choices,
        default=EditionStatus.PREPARING,
    )
    stage = models.CharField(_("stage"), max_length=100, blank=True)
    error = models.TextField(_("error"), blank=True)
    number = models.PositiveIntegerField(_("edition number"))
    date = models.DateField(_("date"))
    language = models.CharField(_("language"), max_length=8)
    shown = models.PositiveIntegerField(_("participants listed"), default=0)
    not_shown = models.PositiveIntegerField(_("participants not shown"), default=0)
    # People the previous published edition listed and this one does not.
    removed = models.PositiveIntegerField(
        _("participants removed since the previous edition"), default=0
    )
    # [{"first": label, "last": label, "groups": [titles], "people": n}] per page: the
    # table of contents of the public page, without reading the pages.
    contents = models.JSONField(default=list)
    # Who is on this edition, for staff only: tells them who withdrew consent since.
    delegate_ids = models.JSONField(default=list)
    pdf = models.FileField(_("PDF"), upload_to="participants/%Y/", blank=True)
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("published by"),
    )

    class Meta:
        ordering = ["meeting", "-number"]
        verbose_name = _("edition of the List of Participants")
        verbose_name_plural = _("editions of the List of Participants")
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "number"], name="one_participants_edition_per_number"
            ),
            models.UniqueConstraint(
                fields=["meeting"],
                condition=models.Q(status=EditionStatus.PREPARING),
                name="one_participants_edition_prepared_at_a_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.meeting} · {self.get_kind_display()} {self.number}"

    @property
    def pages(self) -> int:
        return len(self.contents)


class EditionPage(models.Model):
    """One page of an edition's list (groups -> sections -> delegations -> people), as
    `reports.participants.listing.page_data` made it: the public page reads one row per request."""

    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="list_pages")
    number = models.PositiveIntegerField()
    data = models.JSONField()

    class Meta:
        ordering = ["edition", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["edition", "number"], name="one_edition_page_per_number"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.edition} p. {self.number}"


class EntryKind(models.TextChoices):
    SECTION = "section", _("Section")
    DELEGATION = "delegation", _("Delegation")
    PERSON = "person", _("Participant")


class EditionEntry(models.Model):
    """One line of an edition's index, written with the edition: a section (a category in
    its stakeholder group), a delegation (a country or an organisation) or a person, with
    the page it is on. The public page's index and search read these rows, never the pages."""

    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="entries")
    kind = models.CharField(max_length=16, choices=EntryKind.choices)
    page = models.PositiveIntegerField()
    name = models.CharField(max_length=300)
    # The delegation of a person, the stakeholder group of a section or delegation.
    context = models.CharField(max_length=300, blank=True)
    # `name` folded (lib.text.fold) and the first letter of it, for search and the A-Z.
    folded = models.CharField(max_length=300)
    letter = models.CharField(max_length=4, blank=True)
    # The delegate a person entry stands for: dropped at once when no longer listable.
    delegate_id = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["edition", "kind", "letter"])]

    def __str__(self) -> str:
        return f"{self.name} p. {self.page}"
