"""Reading the mail log for pages: the outbox (every email and letter SummitDesk wrote)
and the local mailbox, searched by recipient, organisation and subject.

Searches are bounded whatever is typed: each field is cut to QUERY_CHARS characters and
at most QUERY_WORDS of its words are matched; every word is matched literally (LIKE's
wildcards escaped by Django), so `%`, `_` or quotes find themselves and nothing else.
"""

import unicodedata
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from summitdesk.correspondence.models import MailboxMessage, OutboundMessage
from summitdesk.lib.text import search_words

#: Longest query kept per field, and words of it matched.
QUERY_CHARS = 100
QUERY_WORDS = 5


@dataclass(frozen=True)
class MailSearch:
    recipient: str = ""
    organisation: str = ""
    subject: str = ""

    @classmethod
    def of(cls, data: dict[str, str] | object) -> "MailSearch":
        """The search from a query string (`request.GET`), each field cut to its bound."""
        get = getattr(data, "get", None)

        def field(name: str) -> str:
            value = str((get(name, "") if get is not None else "") or "")[: QUERY_CHARS * 4]
            # Control characters (a NUL ends a string in SQLite, PostgreSQL refuses it)
            # are dropped with the rest of the blanks.
            value = "".join(" " if unicodedata.category(char) == "Cc" else char for char in value)
            return " ".join(value.split())[:QUERY_CHARS]

        return cls(
            recipient=field("recipient"),
            organisation=field("organisation"),
            subject=field("subject"),
        )

    @property
    def given(self) -> bool:
        return bool(self.recipient or self.organisation or self.subject)


def _plain_words(text: str) -> list[str]:
    """Words of `text` as typed (not folded: addresses and subjects are stored as written),
    at most QUERY_WORDS."""
    return text.split()[:QUERY_WORDS]


def _organisation_q(prefix: str, text: str) -> Q:
    """Every word of `text`, folded, in the organisation's search text. Text given but
    without a word (only punctuation) matches no organisation."""
    words = search_words(text)[:QUERY_WORDS]
    if text and not words:
        return Q(pk__in=[])
    query = Q()
    for word in words:
        query &= Q(**{f"{prefix}search_text__contains": word})
    return query


def search_outbox(search: MailSearch) -> QuerySet[OutboundMessage]:
    """The outbox rows matching every word of each field given, newest first; without
    their bodies (the list shows date, recipients, organisation, subject and state)."""
    rows = OutboundMessage.objects.select_related("organisation", "mailing").defer(
        "body", "params", "last_error"
    )
    for word in _plain_words(search.recipient):
        rows = rows.filter(Q(to__icontains=word) | Q(cc__icontains=word))
    rows = rows.filter(_organisation_q("organisation__", search.organisation))
    for word in _plain_words(search.subject):
        rows = rows.filter(subject__icontains=word)
    return rows.order_by("-created_at", "-pk")


def search_mailbox(search: MailSearch) -> QuerySet[MailboxMessage]:
    """The local mailbox's messages matching every word of each field given, newest first.
    A message kept there names no organisation: the organisation is matched through the
    outbox row that wrote it (the same Message-ID)."""
    kept = MailboxMessage.objects.defer("raw")
    for word in _plain_words(search.recipient):
        kept = kept.filter(recipients__icontains=word)
    if search.organisation:
        written = OutboundMessage.objects.filter(
            _organisation_q("organisation__", search.organisation)
        ).exclude(message_id="")
        kept = kept.filter(message_id__in=written.values("message_id"))
    for word in _plain_words(search.subject):
        kept = kept.filter(subject__icontains=word)
    return kept.order_by("-created_at", "-pk")
