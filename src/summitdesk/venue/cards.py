"""Secondary pass cards: each pass of a delegation's pools printed as a card carrying its
code (a QR code, and the same code as text for a gate that types it), the meeting, the
zone (and session) in the delegation's language, and the delegation. Printed as one PDF
(Typst, reading JSON only). A card opens a door like a badge does, so every print is
audited; the holder is not printed (the gate shows the holder's name, and the focal point
may hand the pass on)."""

from pathlib import Path
from typing import Any

from django.utils import translation
from django.utils.translation import gettext as _

from summitdesk.core import audit
from summitdesk.core.audit import Actor
from summitdesk.delegations.models import Reply
from summitdesk.lib import dates, qr
from summitdesk.lib.documents import render_pdf
from summitdesk.lib.localized import localized
from summitdesk.venue.models import SecondaryPass, SecondaryPassPool
from summitdesk.venue.passes import pass_code

TEMPLATE = Path(__file__).resolve().parent / "templates_typst" / "pass_cards.typ"
RTL = ("ar", "he", "fa", "ur")
#: The QR mask is fixed, as on badges: any mask reads, and scoring all eight costs time.
QR_MASK = 4


class NoCards(Exception):
    """The delegation (or the pool asked for) has no passes to print."""


def cards_of(reply: Reply, pool: SecondaryPassPool | None = None) -> list[SecondaryPass]:
    """The passes of `reply`'s pools (of `pool` only, when given), in order."""
    found = SecondaryPass.objects.filter(pool__reply=reply)
    if pool is not None:
        found = found.filter(pool=pool)
    return list(
        found.select_related(
            "pool__zone", "pool__reply__organisation", "pool__reply__meeting"
        ).order_by("pool__pk", "number")
    )


def card_data(passes: list[SecondaryPass], language: str) -> dict[str, Any]:
    """The JSON the card template reads: labels and names in `language` (a Django code)."""
    base = language.split("-")[0]
    with translation.override(language):
        cards = []
        for one in passes:
            pool = one.pool
            code = pass_code(one)
            cards.append(
                {
                    "meeting": localized(pool.reply.meeting, "title"),
                    "zone": localized(pool.zone, "name"),
                    "session": pool.session,
                    "organisation": pool.reply.organisation.name,
                    "number_label": _("Pass %(number)d of %(size)d")
                    % {"number": one.number, "size": pool.size},
                    "code": code,
                    "qr_svg": qr.qr_svg(code, mask=QR_MASK),
                }
            )
        labels = {"pass": _("Secondary pass")}
    return {
        "language": "zh" if base == "zh" else base,
        "direction": "rtl" if base in RTL else "ltr",
        "labels": labels,
        "cards": cards,
    }


def print_cards(reply: Reply, *, actor: Actor, pool: SecondaryPassPool | None = None) -> bytes:
    """The pass cards of `reply`'s delegation (of one of its pools) as one PDF, in the
    organisation's language; raises NoCards when there are none. Audited: the cards carry
    codes that open doors."""
    passes = cards_of(reply, pool)
    if not passes:
        raise NoCards(_("There are no passes to print."))
    language = dates.django_language(reply.organisation.language or "en")
    pdf = render_pdf(TEMPLATE, card_data(passes, language))
    audit.record(
        reply,
        "summitdesk.venue.pass_cards_printed",
        actor=actor,
        changes={"cards": [None, len(passes)], "pool": [None, pool.pk if pool else None]},
        organisation_id=reply.organisation_id,
    )
    return pdf
