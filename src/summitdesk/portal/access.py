"""What a reply link lets its holder reach: every portal view goes through here.

A link opens one organisation's reply about one meeting, and nothing else. Views take the
token from the URL and reach data only through the `PortalAccess` that `reply_for_token`
returns: no organisation, reply, person or delegate id given in a URL, a query string or a
form is ever looked up, so a forwarded link, or a forged id, cannot show another
organisation's data.

An unknown, revoked or expired token gives None alike, after the same single query by the
token's hash, so neither the answer nor its time tells them apart. Every token request is
rate limited per address, and failed look-ups more strictly, so that tokens cannot be
guessed by trying (they carry 192 random bits anyway); an address over the failure limit
still opens a valid link, so that one mistyping colleague does not shut out an office.

A staff member's link ("open as this organisation", `opened_by` set) opens only for that
staff member, signed in and still holding `portal.act_as_organisation`; for anyone else
it is unknown like any other. Through it they act as themselves for the organisation.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone

from summitdesk.core import ratelimit
from summitdesk.core.audit import Actor
from summitdesk.core.enums import Channel
from summitdesk.core.models import User
from summitdesk.core.permissions import Permission, may
from summitdesk.correspondence import reply_links
from summitdesk.correspondence.models import Invitation, ReplyLink
from summitdesk.delegations import services
from summitdesk.delegations.models import Reply
from summitdesk.directory.models import Organisation, Person
from summitdesk.meetings.models import Meeting

#: Windows, in seconds, of the limits set by SUMMITDESK_PORTAL_REQUESTS_PER_MINUTE
#: (requests to token pages from one address) and SUMMITDESK_PORTAL_FAILED_LINKS
#: (look-ups of a token that opens nothing).
REQUEST_WINDOW = 60
FAILURE_WINDOW = 600
#: `last_used_at` is written at most this often per link, not on every request.
USE_RESOLUTION = timedelta(minutes=5)


@dataclass(frozen=True)
class PortalAccess:
    """What one live link opens: its organisation's reply about its meeting."""

    token: str
    link: ReplyLink
    organisation: Organisation
    meeting: Meeting
    reply: Reply
    # The focal point whose own link this is; None for a letter's link.
    person: Person | None
    # The staff member who opened the portal as the organisation; None for anyone else.
    staff: User | None = None

    @property
    def holder(self) -> str:
        """Who acts through this link, as the audit trail names them."""
        if self.staff is not None:
            return f"{self.staff.get_username()} for {self.organisation.name}"
        if self.person is not None:
            name = " ".join(
                part for part in (self.person.given_name, self.person.family_name) if part
            )
            return f"focal point {name}"
        return f"reply link of {self.organisation.name}"

    @property
    def actor(self) -> Actor:
        return Actor(user=self.staff, channel=Channel.PORTAL, label=self.holder)

    def invitation(self) -> Invitation | None:
        """The invitation this link came with, else the latest about the meeting."""
        if self.link.invitation_id is not None:
            return (
                Invitation.objects.select_related("circular")
                .filter(pk=self.link.invitation_id, organisation=self.organisation)
                .first()
            )
        return (
            Invitation.objects.filter(
                organisation=self.organisation, circular__meeting=self.meeting
            )
            .select_related("circular")
            .order_by("-circular__date", "-pk")
            .first()
        )


def _address(request: HttpRequest) -> str:
    return ratelimit.client_ip(request.META)


def refused_for(request: HttpRequest) -> int:
    """Seconds the address must wait before opening a token page again; 0 when it may.

    Counts this request against the address's requests a minute. Failed look-ups are
    not checked here: a valid link keeps working from an address that guessed too much
    (an office behind one address, one of whom mistyped), see `failures_exceeded`.
    """
    if not ratelimit.hit(
        f"portal:{_address(request)}",
        limit=settings.SUMMITDESK_PORTAL_REQUESTS_PER_MINUTE,
        window=REQUEST_WINDOW,
    ):
        return REQUEST_WINDOW
    return 0


def count_failure(request: HttpRequest) -> None:
    """One more look-up that opened nothing, from the request's address."""
    ratelimit.hit(
        f"portal-failures:{_address(request)}",
        limit=settings.SUMMITDESK_PORTAL_FAILED_LINKS,
        window=FAILURE_WINDOW,
    )


def failures_exceeded(request: HttpRequest) -> bool:
    """Whether the address failed more look-ups than allowed in this window: it is then
    answered "too many" (429) instead of "not valid", whatever token it tries next that
    opens nothing, so that guessing goes no faster than the request limit and tells the
    guesser it was noticed."""
    failures = ratelimit.count(f"portal-failures:{_address(request)}", window=FAILURE_WINDOW)
    return failures > settings.SUMMITDESK_PORTAL_FAILED_LINKS


def _opener(request: HttpRequest, link: ReplyLink) -> User | None:
    """The staff member who opened `link`, when they are the one signed in and still may
    act as an organisation; else None. Nobody else may use a staff member's link."""
    user = request.user
    if not isinstance(user, User) or user.pk != link.opened_by_id:
        return None
    return user if may(user, Permission.PORTAL_ACT_AS_ORGANISATION) else None


def reply_for_token(token: str, *, request: HttpRequest) -> PortalAccess | None:
    """What the link of `token` opens, or None (unknown, revoked and expired alike, the
    failure counted against the request's address). Marks the link as used."""
    link = reply_links.find(token)
    staff = None
    if link is not None and link.opened_by_id is not None:
        staff = _opener(request, link)
        if staff is None:
            link = None
    if link is None:
        count_failure(request)
        return None
    now = timezone.now()
    if link.last_used_at is None or link.last_used_at < now - USE_RESOLUTION:
        ReplyLink.objects.filter(pk=link.pk).update(last_used_at=now)
    reply = services.reply_for(link.organisation, link.meeting)
    return PortalAccess(
        token=token,
        link=link,
        organisation=link.organisation,
        meeting=link.meeting,
        reply=reply,
        person=link.person if link.person_id is not None else None,
        staff=staff,
    )
