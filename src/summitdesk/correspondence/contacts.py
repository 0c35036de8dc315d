"""Whom a stranger holding a bad reply link can ask for a new one.

The portal answers an unknown, revoked and expired link with one page that must not tell
them apart, so it cannot name the circular the link came from. It gives instead the
contact blocks of every circular still awaiting replies: dispatched, about a meeting whose
registration has not closed and which has not ended. Those blocks are printed in letters
sent to every invited organisation, so the page discloses nothing a holder of a letter
does not already have, and nothing in it depends on the link. Deduplicated: the same
officer usually signs off every circular of a meeting."""

from dataclasses import dataclass

from django.db.models import Prefetch, Q
from django.utils import timezone

from summitdesk.correspondence.enums import CircularStatus
from summitdesk.correspondence.models import Circular, CircularText
from summitdesk.lib.localized import language_key


@dataclass(frozen=True)
class Contact:
    name: str
    tel: str
    fax: str
    email: str


def awaiting_replies(language: str | None = None) -> list[Contact]:
    """The distinct contact blocks of the circulars awaiting replies, oldest letter first;
    the contact's name as the letters in `language` print it (the active language when
    None), else the circular's own."""
    key = language_key(language)
    now = timezone.now()
    circulars = (
        Circular.objects.filter(status=CircularStatus.DISPATCHED)
        .filter(
            Q(meeting__registration_closes_at__isnull=True)
            | Q(meeting__registration_closes_at__gt=now)
        )
        .filter(Q(meeting__end_date__isnull=True) | Q(meeting__end_date__gte=now.date()))
        .exclude(contact_name="", contact_tel="", contact_fax="", contact_email="")
        .order_by("date", "reference")
        .prefetch_related(Prefetch("texts", CircularText.objects.filter(language=key)))
    )
    found: dict[Contact, None] = {}
    for circular in circulars:
        contact = Contact(
            name=next(
                (text.contact_name.strip() for text in circular.texts.all() if text.contact_name),
                circular.contact_name.strip(),
            ),
            tel=circular.contact_tel.strip(),
            fax=circular.contact_fax.strip(),
            email=circular.contact_email.strip(),
        )
        found.setdefault(contact)
    return list(found)
