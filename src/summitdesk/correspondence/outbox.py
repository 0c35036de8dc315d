"""Staff actions on the outbox, one letter at a time: settling letters in doubt, retrying
failures, marking letters posted or faxed, re-issuing reply links, and the PDFs of
letters for the postal or fax run. Each action is atomic and writes one audit entry;
the sending itself stays in correspondence.sending.
"""

from collections.abc import Iterable
from typing import Any, Literal

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.crypto import get_random_string
from django.utils.translation import gettext as _

from summitdesk.core import audit
from summitdesk.core.audit import Actor
from summitdesk.correspondence import compose, messages, reply_links, services
from summitdesk.correspondence.enums import MailingKind, MessageState
from summitdesk.correspondence.letters import render_letter, render_letters
from summitdesk.correspondence.models import (
    Invitation,
    OutboundMessage,
    ReplyLink,
)
from summitdesk.correspondence.sending import PRINTABLE, SendingError, ensure_task, link_expiry
from summitdesk.directory.enums import PositionRole
from summitdesk.directory.models import Position
from summitdesk.lib.tokens import hash_token, new_token

# Staff actions on single letters. Each is atomic and writes one audit entry.


def _locked(message: OutboundMessage, allowed: Iterable[str], refusal: str) -> OutboundMessage:
    row = (
        # Only the row is locked: its organisation and mailing are outer joins (an email
        # of no mailing), which PostgreSQL does not lock.
        OutboundMessage.objects.select_for_update(of=("self",))
        .select_related("organisation", "mailing")
        .get(pk=message.pk)
    )
    if row.state not in allowed:
        raise SendingError(
            refusal % {"state": MessageState(row.state).label, "organisation": row.organisation}
        )
    return row


def _record(
    row: OutboundMessage, action: str, before: str, *, actor: Actor, **changes: list[Any]
) -> None:
    audit.record(
        row,
        action,
        actor=actor,
        changes={"state": [before, row.state], **changes},
        organisation_id=row.organisation_id,
    )


@transaction.atomic
def confirm_sent(message: OutboundMessage, *, actor: Actor) -> OutboundMessage:
    """A letter in doubt did arrive (the recipient says so): record it as sent."""
    row = _locked(
        message,
        [MessageState.IN_DOUBT],
        _("The letter to %(organisation)s is %(state)s, not in doubt: nothing to confirm."),
    )
    before = row.state
    row.state = MessageState.SENT
    row.sent_at = timezone.now()
    row.claimed_by, row.claimed_until, row.last_error = "", None, ""
    row.save(update_fields=["state", "sent_at", "claimed_by", "claimed_until", "last_error"])
    _record(row, "summitdesk.message.confirmed_sent", before, actor=actor)
    return row


@transaction.atomic
def resend(message: OutboundMessage, *, actor: Actor) -> OutboundMessage:
    """A letter in doubt did not arrive: send it again (same letter, link and Message-ID,
    so a mailbox that did get the first shows the second as the same message).

    Side effects: the row is queued again and a sending task enqueued.
    """
    row = _locked(
        message,
        [MessageState.IN_DOUBT],
        _("The letter to %(organisation)s is %(state)s, not in doubt: it cannot be resent."),
    )
    _refuse_dead_link(row)
    before = row.state
    _requeue(row)
    _record(row, "summitdesk.message.resent", before, actor=actor)
    return row


@transaction.atomic
def retry(message: OutboundMessage, *, actor: Actor) -> OutboundMessage:
    """Try a failed letter again, to the addresses the directory has now (staff may have
    corrected the one the server refused), with a fresh count of attempts.

    Side effects: the row is queued again and a sending task enqueued.
    """
    row = _locked(
        message,
        [MessageState.FAILED],
        _("The letter to %(organisation)s is %(state)s, not failed: nothing to retry."),
    )
    if not row.is_letter:
        # Written again from what the directory says now (a corrected address), with a
        # new link where it carries one: the one written before was never delivered.
        before = row.state
        row.attempts, row.subject, row.body, row.message_id, row.to = 0, "", "", "", []
        _requeue(row, "subject", "body", "message_id")
        _record(row, "summitdesk.message.retried", before, actor=actor)
        return row
    organisation = row.letter_invitation.organisation
    people = {
        position.role: position
        for position in Position.objects.filter(
            organisation=organisation,
            role__in=[PositionRole.CHIEF_EXECUTIVE, PositionRole.FOCAL_POINT],
        ).select_related("person")
    }
    to, cc = services.recipients(organisation, people)
    if not to:
        raise SendingError(
            _("%(organisation)s has no email address now: send the letter by post or fax.")
            % {"organisation": organisation}
        )
    before, old_to, old_cc = row.state, list(row.to), list(row.cc)
    row.to, row.cc, row.attempts = to, cc, 0
    _requeue(row)
    changes = {"to": [old_to, to], "cc": [old_cc, cc]}
    _record(
        row,
        "summitdesk.message.retried",
        before,
        actor=actor,
        **{name: pair for name, pair in changes.items() if pair[0] != pair[1]},
    )
    return row


def _requeue(row: OutboundMessage, *fields: str) -> None:
    row.state = MessageState.QUEUED
    row.claimed_by, row.claimed_until, row.next_attempt_at, row.last_error = "", None, None, ""
    row.save(
        update_fields=[
            *fields,
            "state",
            "to",
            "cc",
            "attempts",
            "claimed_by",
            "claimed_until",
            "next_attempt_at",
            "last_error",
            "updated_at",
        ]
    )
    # In the same transaction: the row is never queued without a task to send it.
    ensure_task(row.mailing_id)


class LinkDead(SendingError):
    """The link a stored email carries no longer works: it is not sent again."""


def _refuse_dead_link(row: OutboundMessage) -> None:
    if not messages.link_alive(row):
        raise LinkDead(
            _(
                "The link in this email no longer works (it was revoked or replaced): "
                "issue a new link and send that instead."
            )
        )


#: States of an email that may be sent again as it was (a new row, a new Message-ID).
SENDABLE_AGAIN = (MessageState.SENT,)


@transaction.atomic
def send_again(message: OutboundMessage, *, actor: Actor) -> OutboundMessage:
    """Send an email that went out once again, as it was: the same text, attachment and
    link, to the same addresses; returns the new outbox row. Refused (LinkDead) when the
    link it carries has been revoked or replaced since: see send_with_new_link.

    Side effects: a row queued, already written, and a sending task enqueued.
    """
    row = _locked(
        message,
        SENDABLE_AGAIN,
        _("The email to %(organisation)s is %(state)s: it cannot be sent again."),
    )
    if row.is_letter:
        raise SendingError(_("A circular's letter is sent again from its mailing's page."))
    _refuse_dead_link(row)
    return _queue_copy(
        row,
        "summitdesk.message.sent_again",
        actor=actor,
        to=row.to,
        cc=row.cc,
        reply_to=row.reply_to,
        language=row.language,
        subject=row.subject,
        body=row.body,
        pdf=row.pdf.name or "",
        attachment_name=row.attachment_name,
        message_id=compose.new_message_id(),
    )


@transaction.atomic
def send_with_new_link(message: OutboundMessage, *, actor: Actor) -> OutboundMessage:
    """The email again, written anew with a new link (the kind decides whether earlier
    links stop working, as when it is first sent); returns the new outbox row.

    Side effects: a row queued, to be written by the worker, and a sending task enqueued.
    """
    row = _locked(
        message,
        [*SENDABLE_AGAIN, MessageState.IN_DOUBT, MessageState.FAILED],
        _("The email to %(organisation)s is %(state)s: it cannot be sent again."),
    )
    if not messages.carries_link(row):
        raise SendingError(_("This email carries no personal link."))
    return _queue_copy(row, "summitdesk.message.new_link_queued", actor=actor)


def _queue_copy(
    row: OutboundMessage, action: str, *, actor: Actor, **written: Any
) -> OutboundMessage:
    """A new outbox row for the same kind, addressee and subject of mail as `row`, with
    what is already `written` of it (nothing: the worker writes it anew), its sending task
    and its audit entry."""
    copy = OutboundMessage.objects.create(
        kind=row.kind,
        organisation_id=row.organisation_id,
        about_type=row.about_type,
        about_id=row.about_id,
        person_id=row.person_id,
        params=row.params,
        resent_from=row,
        **written,
    )
    ensure_task(None)
    audit.record(
        copy,
        action,
        actor=actor,
        changes={"resent_from": [None, row.pk]},
        organisation_id=row.organisation_id,
    )
    return copy


@transaction.atomic
def mark_posted(
    message: OutboundMessage, *, how: Literal["post", "fax"], actor: Actor
) -> OutboundMessage:
    """The letter went by post or fax (an organisation without email, or a failed one)."""
    if how not in ("post", "fax"):
        raise SendingError(_("A letter goes by post or by fax."))
    row = _locked(
        message,
        [MessageState.NO_ADDRESS, MessageState.FAILED],
        _("The letter to %(organisation)s is %(state)s: it cannot be marked as posted."),
    )
    before = row.state
    row.state = MessageState.POSTED
    row.sent_at = timezone.now()
    row.next_attempt_at = None
    row.save(update_fields=["state", "sent_at", "next_attempt_at", "updated_at"])
    _record(row, "summitdesk.message.posted", before, actor=actor, how=[None, how])
    return row


@transaction.atomic
def reissue_reply_link(invitation: Invitation, *, actor: Actor) -> str:
    """A new reply link for the invitation's organisation and meeting, every earlier one
    revoked (one leaked); returns the token, which is stored nowhere: show it once."""
    invitation = Invitation.objects.select_related("organisation", "circular__meeting").get(
        pk=invitation.pk
    )
    meeting = invitation.circular.meeting
    revoked = reply_links.revoke_all(
        invitation.organisation, meeting, actor=actor, why=_("A new link was issued.")
    )
    _link, token = reply_links.issue(
        invitation.organisation,
        meeting,
        invitation=invitation,
        expires_at=link_expiry(meeting),
    )
    audit.record(
        invitation,
        "summitdesk.reply_link.reissued",
        actor=actor,
        organisation_id=invitation.organisation_id,
        note=_("%(count)d earlier links revoked") % {"count": revoked},
    )
    return token


def combined_pdf(messages: Iterable[OutboundMessage]) -> bytes:
    """The letters of the given rows (without email, failed, or posted) in one PDF, each
    on new pages: the postal and fax run, in the order given.

    A letter already written is printed again with its own link; one never written gets
    its link now, and is stored, so that the letter on paper carries a live link and the
    organisation's download shows the same letter. Raises CircularError for a row that
    goes by email.
    """
    wanted = [message.pk for message in messages]
    rows = {
        row.pk: row
        for row in OutboundMessage.objects.filter(pk__in=wanted)
        .select_related("invitation__organisation")
        .prefetch_related(
            Prefetch(
                "invitation__organisation__positions",
                queryset=Position.objects.filter(role=PositionRole.CHIEF_EXECUTIVE).select_related(
                    "person"
                ),
            )
        )
    }
    contexts: dict[int, compose.MailingContext] = {}
    letters = []
    for pk in wanted:
        row = rows[pk]
        if row.state not in PRINTABLE:
            raise SendingError(
                _("The letter to %(organisation)s goes by email (%(state)s): it is not printed.")
                % {
                    "organisation": row.letter_invitation.organisation,
                    "state": MessageState(row.state).label,
                }
            )
        mailing_id = row.letter_mailing_id
        if mailing_id not in contexts:
            contexts[mailing_id] = compose.MailingContext.load(mailing_id)
        context = contexts[mailing_id]
        token = compose.token_in(row.body) if row.pdf else None
        if token is None:
            token = _write_for_paper(row, context)
        letters.append(compose.letter_for(row, token, context))
    if not letters:
        raise SendingError(_("Choose the letters to print."))
    return render_letters(letters)


def _write_for_paper(row: OutboundMessage, context: compose.MailingContext) -> str:
    """Write and store the letter of a row never sent by email; returns its token."""
    token = new_token()
    letter = compose.letter_for(row, token, context)
    pdf = render_letter(letter)
    subject, body = compose.email_text(row, letter, context)
    previous = row.pdf.name or ""
    reference = compose.attachment_name(row, context).removesuffix(".pdf")
    row.pdf.save(f"{reference}-{get_random_string(12)}.pdf", ContentFile(pdf), save=False)
    with transaction.atomic():
        stored = OutboundMessage.objects.filter(pk=row.pk, pdf=previous).update(
            pdf=row.pdf.name,
            subject=subject,
            body=body,
            message_id=row.message_id or compose.new_message_id(),
            updated_at=timezone.now(),
        )
        if stored:
            ReplyLink.objects.create(
                organisation_id=row.letter_invitation.organisation_id,
                meeting=context.meeting,
                invitation_id=row.invitation_id,
                token_hash=hash_token(token),
                expires_at=link_expiry(context.meeting),
            )
    if not stored:
        row.pdf.delete(save=False)
        raise SendingError(_("A letter being printed changed meanwhile: print again."))
    row.subject, row.body = subject, body
    return token


def letter_pdf(invitation: Invitation) -> bytes | None:
    """The stored PDF of the letter the invitation's organisation received (its first),
    or None when none has been written yet."""
    row = (
        OutboundMessage.objects.filter(invitation=invitation, mailing__kind=MailingKind.LETTER)
        .exclude(pdf="")
        .order_by("id")
        .first()
    )
    if row is None:
        return None
    with row.pdf.open("rb") as stored:
        return bytes(stored.read())
