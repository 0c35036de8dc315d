"""A returning delegate confirms, on their own page (their delegate link), that they are
coming, and may reuse the photo of the earlier meeting they return from.

Until they confirm, their badge waits: "confirmation of attendance" is one of the things a
badge needs (accreditation.completeness), so the accreditation list, the print run (when
the meeting prints only complete badges), an approval that requires complete data, the
delegate's page and the reminder all name it. Approval itself does not wait otherwise.

The photo is reused only with the person's consent, given on their page, and only when it
is younger than the meeting's `photo_max_age_months` on the meeting's first day (by the
time the earlier photo was first uploaded: a reused photo keeps that time, so reusing it
again never makes it younger). The files are copied under new names: each meeting's
accreditation owns, and may delete, its own.
"""

import calendar
import datetime
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from summitdesk.accreditation import photos
from summitdesk.accreditation.enums import AccreditationStatus
from summitdesk.accreditation.models import Accreditation
from summitdesk.core import audit
from summitdesk.core.audit import Actor
from summitdesk.delegations.models import Delegate
from summitdesk.meetings.models import Meeting


class ConfirmError(Exception):
    """A confirmation refused, with a message for the delegate."""


def months_before(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` calendar months earlier (the month's last day when shorter)."""
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    month += 1
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )


def photo_cutoff(meeting: Meeting, *, now: datetime.datetime | None = None) -> datetime.datetime:
    """The oldest upload time a reused photo may have for `meeting`: its age limit counted
    back from the meeting's first day (from today when the meeting has begun or has no
    date)."""
    today = timezone.localdate(now or timezone.now())
    first_day = max(meeting.start_date or today, today)
    day = months_before(first_day, meeting.photo_max_age_months)
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=datetime.UTC)


@dataclass(frozen=True)
class Returning:
    """What a returning delegate's page offers: the earlier meeting, and the earlier photo
    when it may be reused (None: no photo, too old, or this accreditation has one)."""

    earlier: Delegate
    photo_from: Accreditation | None
    photo_too_old: bool

    @property
    def meeting(self) -> Meeting:
        return self.earlier.reply.meeting


def returning(
    accreditation: Accreditation, *, now: datetime.datetime | None = None
) -> Returning | None:
    """What the delegate of `accreditation` returns from, or None (not a returning one)."""
    delegate = accreditation.delegate
    if delegate.returning_from_id is None:
        return None
    earlier = (
        Delegate.objects.select_related("reply__meeting")
        .filter(pk=delegate.returning_from_id)
        .first()
    )
    if earlier is None:
        return None
    source = Accreditation.objects.filter(delegate=earlier).exclude(photo="").first()
    too_old = source is not None and not _young_enough(source, accreditation.meeting, now=now)
    # An approved accreditation's photo is locked (the badge was approved on it).
    open_to_photo = not accreditation.photo and accreditation.status != AccreditationStatus.APPROVED
    offer = source if source is not None and not too_old and open_to_photo else None
    return Returning(earlier=earlier, photo_from=offer, photo_too_old=too_old)


def _young_enough(
    source: Accreditation, meeting: Meeting, *, now: datetime.datetime | None = None
) -> bool:
    if meeting.photo_max_age_months == 0 or source.photo_uploaded_at is None:
        return False
    return source.photo_uploaded_at >= photo_cutoff(meeting, now=now)


@transaction.atomic
def confirm(
    accreditation: Accreditation,
    *,
    reuse_photo: bool,
    actor: Actor,
    now: datetime.datetime | None = None,
) -> bool:
    """The returning delegate of `accreditation` confirms they are coming; with
    `reuse_photo`, their earlier photo becomes this accreditation's (refused, with nothing
    changed, when it is too old or not there any more). Returns whether the photo was
    reused. Confirming again changes nothing but the photo they may still reuse."""
    accreditation = Accreditation.objects.select_for_update().get(pk=accreditation.pk)
    delegate = Delegate.objects.select_for_update().get(pk=accreditation.delegate_id)
    accreditation.delegate = delegate
    found = returning(accreditation, now=now)
    if found is None:
        raise ConfirmError(_("There is nothing to confirm: you are not a returning delegate."))
    reused = False
    if reuse_photo:
        if found.photo_from is None:
            raise ConfirmError(
                _("The earlier photo cannot be reused (it is too old, or gone): upload a new one.")
            )
        _copy_photo(found.photo_from, accreditation, actor=actor)
        reused = True
    if delegate.confirmed_at is None:
        delegate.confirmed_at = now or timezone.now()
        delegate.save(update_fields=["confirmed_at"])
        # The API's feeds and versions of the accreditation see the change.
        accreditation.save(update_fields=["updated_at"])
        # On the accreditation: its change feed (the API's) shows the confirmation.
        audit.record(
            accreditation,
            "summitdesk.accreditation.returning_confirmed",
            actor=actor,
            changes={"confirmed": [False, True]},
            organisation_id=delegate.reply.organisation_id,
            note=_("Returning from %(meeting)s") % {"meeting": found.meeting.code},
        )
    return reused


def _copy_photo(source: Accreditation, target: Accreditation, *, actor: Actor) -> None:
    """The source's photo and badge copy stored again under new names for `target`, with
    the source's upload time (the photo is as old as it was)."""
    names: list[str] = []
    try:
        for field in (source.photo, source.badge_photo):
            with default_storage.open(str(field.name), "rb") as handle:
                names.append(default_storage.save(photos.photo_name(), ContentFile(handle.read())))
    except (FileNotFoundError, ValueError):
        _delete(names)
        raise ConfirmError(
            _("The earlier photo cannot be reused (it is too old, or gone): upload a new one.")
        ) from None
    previous = [old for old in (target.photo.name, target.badge_photo.name) if old]
    target.photo.name, target.badge_photo.name = names
    target.photo_uploaded_at = source.photo_uploaded_at
    target.save(update_fields=["photo", "badge_photo", "photo_uploaded_at", "updated_at"])
    audit.record(
        target,
        "photo changed",
        actor=actor,
        changes={"photo": [_("a photo") if previous else None, _("the earlier photo")]},
        organisation_id=target.delegate.reply.organisation_id,
    )
    transaction.on_commit(lambda: _delete(previous))


def _delete(names: list[str]) -> None:
    for name in names:
        default_storage.delete(name)
