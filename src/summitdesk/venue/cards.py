"""Secondary pass cards: each pass printed as a card carrying its code (a QR code, and the
same code as text for a gate that types it), the meeting, the zone (and session) in the
delegation's language, and the delegation. Printed as one PDF (Typst, reading JSON only).

A delegation's cards (or one pool's) are rendered at once: tens of cards take a fraction
of a second (bench/pass_cards.py). Every pass of a meeting, thousands of cards, is a
background run (`start_meeting_run`, a `PassCardRun` whose task stores the PDF), as badge
print runs are.

A card opens a door like a badge does, so every print is audited; the holder is not
printed (the gate shows the holder's name, and the focal point may hand the pass on)."""

import logging
import secrets
from pathlib import Path
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from summitdesk.accreditation.enums import PrintRunStatus
from summitdesk.core import audit
from summitdesk.core.audit import Actor
from summitdesk.delegations.models import Reply
from summitdesk.lib import dates, qr
from summitdesk.lib.documents import DocumentError, render_pdf
from summitdesk.lib.localized import localized
from summitdesk.meetings.models import Meeting
from summitdesk.venue import tasks
from summitdesk.venue.models import PassCardRun, SecondaryPass, SecondaryPassPool
from summitdesk.venue.passes import pass_code

logger = logging.getLogger(__name__)

TEMPLATE = Path(__file__).resolve().parent / "templates_typst" / "pass_cards.typ"
RTL = ("ar", "he", "fa", "ur")
#: The QR mask is fixed, as on badges: any mask reads, and scoring all eight costs time.
QR_MASK = 4
#: Folder of the stored PDFs of meeting runs; each run gets a sub-folder named by a token.
FOLDER = "pass-cards"


class NoCards(Exception):
    """The delegation, pool or meeting asked for has no passes to print."""


def _ordered(found: "QuerySet[SecondaryPass]") -> list[SecondaryPass]:
    return list(
        found.select_related(
            "pool__zone", "pool__reply__organisation", "pool__reply__meeting"
        ).order_by("pool__reply__organisation__name", "pool__reply_id", "pool_id", "number")
    )


def cards_of(reply: Reply, pool: SecondaryPassPool | None = None) -> list[SecondaryPass]:
    """The passes of `reply`'s pools (of `pool` only, when given), in order."""
    found = SecondaryPass.objects.filter(pool__reply=reply)
    if pool is not None:
        found = found.filter(pool=pool)
    return _ordered(found)


def _language(one: SecondaryPass) -> str:
    """The Django language of the pass's delegation (its organisation's)."""
    return dates.django_language(one.pool.reply.organisation.language or "en")


def card(one: SecondaryPass) -> dict[str, Any]:
    """The JSON of one card, in its delegation's language."""
    language = _language(one)
    base = language.split("-")[0]
    pool = one.pool
    code = pass_code(one)
    with translation.override(language):
        return {
            "language": base,
            "direction": "rtl" if base in RTL else "ltr",
            "label": _("Secondary pass"),
            "meeting": localized(pool.reply.meeting, "title"),
            "zone": localized(pool.zone, "name"),
            "session": pool.session,
            "organisation": pool.reply.organisation.name,
            "number_label": _("Pass %(number)d of %(size)d")
            % {"number": one.number, "size": pool.size},
            "code": code,
            "qr_svg": qr.qr_svg(code, mask=QR_MASK),
        }


def card_data(passes: list[SecondaryPass]) -> dict[str, Any]:
    """The JSON the card template reads."""
    return {"cards": [card(one) for one in passes]}


def print_cards(reply: Reply, *, actor: Actor, pool: SecondaryPassPool | None = None) -> bytes:
    """The pass cards of `reply`'s delegation (of one of its pools) as one PDF, in the
    organisation's language; raises NoCards when there are none. Audited: the cards carry
    codes that open doors."""
    passes = cards_of(reply, pool)
    if not passes:
        raise NoCards(_("There are no passes to print."))
    pdf = render_pdf(TEMPLATE, card_data(passes))
    audit.record(
        reply,
        "summitdesk.venue.pass_cards_printed",
        actor=actor,
        changes={"cards": [None, len(passes)], "pool": [None, pool.pk if pool else None]},
        organisation_id=reply.organisation_id,
    )
    return pdf


def meeting_passes(meeting: Meeting) -> "QuerySet[SecondaryPass]":
    return SecondaryPass.objects.filter(pool__reply__meeting=meeting)


def start_meeting_run(meeting: Meeting, *, actor: Actor) -> PassCardRun:
    """Record a run printing the cards of every secondary pass of `meeting`, and enqueue
    its task in the same transaction; raises NoCards when the meeting gave none."""
    total = meeting_passes(meeting).count()
    if not total:
        raise NoCards(_("No secondary passes have been given for this meeting."))
    with transaction.atomic():
        run = PassCardRun.objects.create(meeting=meeting, total=total, created_by=actor.user)
        audit.record(
            run,
            "summitdesk.venue.pass_card_run_started",
            actor=actor,
            changes={"cards": [None, total]},
        )
        tasks.print_pass_cards_task.enqueue(run.pk)
    return run


def run_meeting_run(run_id: int) -> None:
    """The task's body: render the meeting's cards as they are now and store the PDF. A
    finished run is left alone; one that failed is marked so, with Typst's message."""
    with transaction.atomic():
        run = (
            PassCardRun.objects.select_for_update()
            .select_related("meeting")
            .filter(pk=run_id)
            .first()
        )
        if run is None or run.status == PrintRunStatus.DONE:
            return
        run.status = PrintRunStatus.RUNNING
        run.save(update_fields=["status"])
    passes = _ordered(meeting_passes(run.meeting))
    try:
        if not passes:
            raise NoCards(_("No secondary passes have been given for this meeting."))
        pdf = render_pdf(TEMPLATE, card_data(passes))
    except (DocumentError, NoCards) as error:
        logger.warning("Pass card run %s failed: %s", run.pk, error)
        PassCardRun.objects.filter(pk=run.pk).update(
            status=PrintRunStatus.FAILED, error=str(error), finished_at=timezone.now()
        )
        return
    name = default_storage.save(
        f"{FOLDER}/{secrets.token_urlsafe(16)}/pass-cards-{run.meeting.code}.pdf",
        ContentFile(pdf),
    )
    PassCardRun.objects.filter(pk=run.pk).update(
        status=PrintRunStatus.DONE,
        file=name,
        total=len(passes),
        error="",
        finished_at=timezone.now(),
    )
