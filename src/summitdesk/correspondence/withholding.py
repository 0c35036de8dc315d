"""Letters and mail shown again with every personal link withheld.

A reply link opens an organisation's reply (its focal points, its delegates' identity
data and photos) and acts as the organisation; a delegate link opens a delegate's own
page. Only the roles holding `letters_as_sent.read` and `stored_mail.read` see them
(core.permissions). Every other role reads the same letter or mail through the functions
here, each link replaced by WITHHELD, so no role reaches through a link what its role is
refused directly.

`withhold_links` recognises this installation's personal links by their paths (the
portal's, the delegate pages', the focal point's delegate pages' and the applicants'),
under any host, so that mail written under an earlier base URL is covered too. Any stored
mail view can call it on any text.
"""

import dataclasses
import functools
import hashlib
import itertools
import re

from django.apps import apps
from django.conf import settings
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from summitdesk.correspondence import compose, reply_links
from summitdesk.correspondence.enums import MailingKind
from summitdesk.correspondence.letters import Letter, render_letter
from summitdesk.correspondence.models import Invitation, OutboundMessage

#: What stands in place of a link. Shown to staff only, who read the back office in
#: English; kept literal so it can be searched for.
WITHHELD = "[personal link withheld]"

#: The token a withheld letter is composed with before its link is replaced.
_PLACEHOLDER = "WITHHELD"
#: Tokens are 24 random bytes (32 characters); anything from 16 characters is taken for one.
_TOKEN_CHARS = r"[A-Za-z0-9_-]{16,}"  # noqa: S105 -- a pattern, not a secret
#: The rest of the address after the token: path, query, fragment; never a space, quote or
#: angle bracket, which end a URL in text and HTML alike.
_REST = r"""[^\s"'<>]*"""
_HOST = r"""(?:https?://[^\s/"'<>]+)?"""


def _path_alternatives() -> str:
    token = "TOKEN"  # noqa: S105 -- a marker to split the portal's paths at, not a secret
    paths = [
        reverse("portal:reply", kwargs={"token": token}),
        reverse("delegate:page", kwargs={"token": token}),
        reverse("delegate:focal-point", kwargs={"token": token, "delegate_id": 1}),
        # An applicant's link opens their application and its documents.
        reverse("apply:application", kwargs={"token": token}),
    ]
    prefixes = sorted({path.partition(token)[0] for path in paths}, key=len, reverse=True)
    return "|".join(re.escape(prefix) for prefix in prefixes)


@functools.cache
def _link_pattern() -> re.Pattern[str]:
    return re.compile(f"{_HOST}(?:{_path_alternatives()}){_TOKEN_CHARS}(?:/{_REST})?")


@functools.cache
def _own_link_pattern(base_url: str) -> re.Pattern[str]:
    """A personal link under this installation's base URL, its token captured."""
    base = re.escape(base_url.rstrip("/"))
    return re.compile(f"{base}(?:{_path_alternatives()})(?P<token>{_TOKEN_CHARS})(?:/{_REST})?")


#: At most this many links are looked up and made clickable in one text.
MAX_LINKS = 20


def _issued_here(tokens: set[str]) -> set[str]:
    """Those of `tokens` that SummitDesk issued (a reply or a delegate link whose hash it
    stored), whatever their state: the others were typed by someone else."""
    if not tokens:
        return set()
    hashes = {hashlib.sha256(token.encode()).hexdigest(): token for token in tokens}
    found: set[str] = set()
    for label in ("correspondence.ReplyLink", "accreditation.DelegateLink"):
        model = apps.get_model(label)
        found.update(
            model.objects.filter(token_hash__in=list(hashes)).values_list("token_hash", flat=True)
        )
    return {hashes[digest] for digest in found}


def linkify_own(text: str) -> SafeString:
    """`text` escaped, with the personal links SummitDesk wrote into it clickable: only
    links under this installation's base URL whose token it issued. Everything else, any
    address written by someone outside (an organisation's name, a reply's comment, a
    forged link), stays text. For the roles allowed to follow the links only (the others
    read `withhold_links`)."""
    pattern = _own_link_pattern(settings.SUMMITDESK_BASE_URL)
    matches = list(itertools.islice(pattern.finditer(text), MAX_LINKS))
    issued = _issued_here({match.group("token") for match in matches})
    parts: list[str] = []
    end = 0
    for match in matches:
        if match.group("token") not in issued:
            continue
        url = match.group(0)
        parts.append(str(escape(text[end : match.start()])))
        parts.append(f'<a href="{escape(url)}" rel="noreferrer">{escape(url)}</a>')
        end = match.end()
    parts.append(str(escape(text[end:])))
    return mark_safe("".join(parts))  # noqa: S308 -- every part is escaped


def withhold_links(text: str) -> str:
    """`text` with every personal link (reply, focal point's, delegate's) replaced by
    WITHHELD."""
    return _link_pattern().sub(WITHHELD, text)


def withheld_letter(message: OutboundMessage) -> Letter:
    """The letter of outbox row `message` composed again, its reply link withheld and
    without a QR code. Raises compose.ComposeError when the circular has no usable text."""
    letter = compose.letter_for(message, _PLACEHOLDER, qr=False)
    placeholder_url = reply_links.reply_url(_PLACEHOLDER)

    def withhold(value: object) -> object:
        if isinstance(value, str):
            return withhold_links(value.replace(placeholder_url, WITHHELD))
        if isinstance(value, list):
            return [withhold(item) for item in value]
        if isinstance(value, dict):
            return {key: withhold(item) for key, item in value.items()}
        return value

    changed = {
        field.name: withhold(getattr(letter, field.name))
        for field in dataclasses.fields(letter)
        if field.name != "qr_svg"
    }
    return dataclasses.replace(letter, **changed, qr_svg="", qr=False)  # type: ignore[arg-type]


def letter_row(invitation: Invitation) -> OutboundMessage | None:
    """The outbox row whose stored PDF is the letter `invitation`'s organisation received
    (its first written), or None: the row `outbox.letter_pdf` reads."""
    return (
        OutboundMessage.objects.select_related("invitation__organisation")
        .filter(invitation=invitation, mailing__kind=MailingKind.LETTER)
        .exclude(pdf="")
        .order_by("id")
        .first()
    )


def letter_row_for_message_id(message_id: str) -> OutboundMessage | None:
    """The outbox row of a stored email, found by the Message-ID written on both."""
    if not message_id:
        return None
    return (
        OutboundMessage.objects.select_related("invitation__organisation")
        .filter(message_id=message_id)
        .order_by("id")
        .first()
    )


def withheld_letter_pdf(message: OutboundMessage) -> bytes:
    """The PDF of `withheld_letter(message)`."""
    return render_letter(withheld_letter(message))
