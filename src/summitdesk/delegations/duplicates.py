"""One person, two doors: someone already accredited to a meeting who comes in again
through another door (a request to join a delegation, or a reply naming them in another
delegation) is flagged to staff rather than accredited twice. Every door asks
`possible_duplicates` (or `for_delegates`, the same test for a whole delegation at once).
"""

from collections.abc import Iterable
from datetime import date

from django.db.models import Q, QuerySet

from summitdesk.delegations.models import Delegate, in_delegation
from summitdesk.lib.text import fold
from summitdesk.meetings.models import Meeting


def _name(family_name: str, given_name: str) -> tuple[str, str]:
    return (fold(" ".join(family_name.split())), fold(" ".join(given_name.split())))


def _accredited(meeting: Meeting | int) -> "QuerySet[Delegate]":
    """The meeting's delegates in a delegation, with an accreditation."""
    return (
        Delegate.objects.filter(
            reply__meeting=meeting, accreditation__isnull=False, reply__attending=True
        )
        .filter(in_delegation())
        .select_related("reply__organisation", "accreditation")
    )


def _same(
    delegate: Delegate, email: str, name: tuple[str, str], date_of_birth: date | None
) -> bool:
    """Same email address (case aside), or same names (accents and case aside) and, when
    both are known, the same date of birth."""
    if email and delegate.email.strip().casefold() == email:
        return True
    if _name(delegate.family_name, delegate.given_name) != name:
        return False
    born = delegate.accreditation.date_of_birth
    return date_of_birth is None or born is None or born == date_of_birth


def possible_duplicates(
    meeting: Meeting,
    email: str,
    family_name: str,
    given_name: str,
    date_of_birth: date | None = None,
    *,
    exclude_reply: int | None = None,
) -> list[Delegate]:
    """The delegates already in a delegation to `meeting`, with an accreditation, who may
    be this person (see `_same`); those of `exclude_reply` aside."""
    delegates = _accredited(meeting)
    if exclude_reply is not None:
        delegates = delegates.exclude(reply=exclude_reply)
    email_key = email.strip().casefold()
    wanted = Q(family_name__iexact=family_name.strip())
    if email_key:
        wanted |= Q(email__iexact=email.strip())
    name = _name(family_name, given_name)
    return [
        delegate
        for delegate in delegates.filter(wanted).order_by("pk")
        if _same(delegate, email_key, name, date_of_birth)
    ]


def for_delegates(
    meeting: Meeting | int, delegates: Iterable[Delegate], *, reply_id: int
) -> dict[int, list[Delegate]]:
    """For each of `delegates` (of the reply `reply_id`), the delegates of other
    delegations to the meeting who may be the same person; in one query."""
    delegates = list(delegates)
    if not delegates:
        return {}
    emails = {d.email.strip() for d in delegates if d.email.strip()}
    families = {d.family_name.strip() for d in delegates}
    wanted = Q(family_name__in=families)
    for email in emails:
        wanted |= Q(email__iexact=email)
    others = list(_accredited(meeting).exclude(reply=reply_id).filter(wanted).order_by("pk"))
    if not others:
        return {}
    births = dict(
        Delegate.objects.filter(pk__in=[d.pk for d in delegates]).values_list(
            "pk", "accreditation__date_of_birth"
        )
    )
    found: dict[int, list[Delegate]] = {}
    for delegate in delegates:
        born = births.get(delegate.pk)
        name = _name(delegate.family_name, delegate.given_name)
        email = delegate.email.strip().casefold()
        same = [other for other in others if _same(other, email, name, born)]
        if same:
            found[delegate.pk] = same
    return found


def duplicate_notes(delegates: list[Delegate]) -> str:
    """One line per possible duplicate, for staff."""
    return "\n".join(
        f"{delegate} ({delegate.email or '-'}), {delegate.reply.organisation.name}, "
        f"#{delegate.pk} {delegate.accreditation.status}"
        for delegate in delegates
    )
