"""Circular letters: drafting, dispatching, reminding. Views, CLI and tasks call these.

Each function is atomic and writes the audit trail. Nothing leaves the process here:
dispatching creates outbox rows and enqueues the sending tasks in the same transaction;
the tasks (correspondence.sending) do the rendering and the SMTP conversation.
"""

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from summitdesk.core import audit
from summitdesk.core.audit import Actor
from summitdesk.correspondence import merge_fields, tasks
from summitdesk.correspondence.audience import Audience
from summitdesk.correspondence.enums import (
    CircularStatus,
    MailingKind,
    MessageState,
    ReminderTarget,
)
from summitdesk.correspondence.errors import CircularError as CircularError
from summitdesk.correspondence.models import (
    Circular,
    CircularText,
    Invitation,
    InvitationQuerySet,
    Mailing,
    OutboundMessage,
)
from summitdesk.directory.enums import PositionRole
from summitdesk.directory.models import Organisation, OrganisationQuerySet, Position

CIRCULAR_FIELDS = (
    "reference",
    "date",
    "meeting",
    "addressees",
    "audience",
    "signatory_name",
    "signatory_titles",
    "contact_name",
    "contact_tel",
    "contact_fax",
    "contact_email",
    "enclosures",
    "reply_deadline",
    "status",
)
#: What a circular says in each language (CircularText, TextData).
TEXT_FIELDS = (
    "subject",
    "salutation",
    "body",
    "closing",
    "letterhead",
    "addressees",
    "signatory_titles",
    "contact_name",
    "secretariat_translation",
)
#: The parts printed around the text that a language should have of its own, with the
#: circular field each stands in for.
PRINTED_PARTS = ("letterhead", "addressees", "signatory_titles")
FALLBACK_LANGUAGE = "en"
# Sending is split over this many tasks so that every worker can take a share.
SENDING_TASKS = 4


@dataclass(frozen=True)
class TextData:
    """A circular's text in one language, as written by the secretariat."""

    subject: str
    body: str
    salutation: str = "Dear Sir/Madam,"
    closing: str = "Yours faithfully,"
    # The letter's other printed parts in this language; empty ones print the circular's.
    letterhead: str = ""
    addressees: str = ""
    signatory_titles: str = ""
    contact_name: str = ""
    secretariat_translation: bool = False

    @property
    def empty(self) -> bool:
        return not (self.subject.strip() or self.body.strip())


@dataclass(frozen=True)
class AudienceSummary:
    total: int
    without_email: int


def organisations_with_email() -> Q:
    """Organisations whose letter can go by email: their chief executive has an address,
    or they have one of their own. The one rule, as a query (`recipients` applies it to
    one organisation, and its `to` is empty exactly when this does not match); the others
    go by post or fax. An Exists rather than a join, so that it filters and annotates
    without duplicate rows."""
    ceo_email = Position.objects.filter(
        organisation=OuterRef("pk"), role=PositionRole.CHIEF_EXECUTIVE, person__email__gt=""
    )
    return ~Q(email="") | Q(Exists(ceo_email))


def audience_summary(circular: Circular) -> AudienceSummary:
    organisations = Audience.from_json(circular.audience).organisations()
    reachable = organisations.filter(organisations_with_email()).distinct().count()
    total = organisations.count()
    return AudienceSummary(total=total, without_email=total - reachable)


def text_for(circular: Circular, language: str) -> CircularText | None:
    """The circular's text in `language`, else in English, else None."""
    texts = {text.language: text for text in circular.texts.all()}
    return texts.get(language) or texts.get(FALLBACK_LANGUAGE)


def points_to_confirm(circular: Circular) -> list[str]:
    """What dispatch allows but an officer should see and confirm first: no reply deadline,
    and organisations to reach by post or fax that have no postal address."""
    found = []
    if circular.reply_deadline is None:
        found.append(_("There is no reply deadline: the letters will not say by when to reply."))
    for text in circular.texts.all():
        if text.language == FALLBACK_LANGUAGE:
            continue
        names = {
            "letterhead": _("letterhead"),
            "addressees": _("addressees"),
            "signatory_titles": _("signatory's titles"),
        }
        missing = [
            names[part]
            for part in PRINTED_PARTS
            if getattr(circular, part).strip() and not getattr(text, part).strip()
        ]
        if missing:
            found.append(
                _(
                    "The %(language)s letters will print in English: %(parts)s. Write them "
                    "in %(language)s too."
                )
                % {"language": text.get_language_display(), "parts": ", ".join(missing)}
            )
    organisations = Audience.from_json(circular.audience).organisations()
    unreachable = (
        organisations.exclude(pk__in=organisations.filter(organisations_with_email()))
        .filter(address="")
        .count()
    )
    if unreachable:
        found.append(
            ngettext(
                "%(count)d organisation has no email and no postal address: its letter can "
                "only be faxed, or not sent at all.",
                "%(count)d organisations have no email and no postal address: their letters "
                "can only be faxed, or not sent at all.",
                unreachable,
            )
            % {"count": unreachable}
        )
    return found


def problems(circular: Circular) -> list[str]:
    """Why the circular cannot be dispatched yet; empty when it can."""
    found = []
    texts = list(circular.texts.all())
    if not any(text.language == FALLBACK_LANGUAGE for text in texts):
        found.append(_("The circular needs an English text, used when no other language fits."))
    for text in texts:
        for part in (text.subject, text.body):
            for problem in merge_fields.problems(part):
                found.append(f"{text.get_language_display()}: {problem.message}")
    if Audience.from_json(circular.audience).is_empty:
        found.append(_("Choose the audience: no organisation is selected."))
    return found


@transaction.atomic
def save_circular(
    circular: Circular,
    data: dict[str, Any],
    texts: dict[str, TextData],
    *,
    actor: Actor,
) -> dict[str, list[Any]]:
    """Create or update a draft circular and its texts ({language: TextData}); a language
    given with an empty subject and body is removed."""
    creating = circular.pk is None
    if not creating and circular.status != CircularStatus.DRAFT:
        raise CircularError(_("A circular that has been dispatched can no longer be changed."))
    before = {} if creating else audit.snapshot(circular, CIRCULAR_FIELDS)
    before.update({} if creating else _text_snapshot(circular))
    for name, value in data.items():
        setattr(circular, name, value)
    circular.full_clean()
    circular.save()
    for language, text in texts.items():
        if text.empty:
            CircularText.objects.filter(circular=circular, language=language).delete()
        else:
            CircularText.objects.update_or_create(
                circular=circular,
                language=language,
                defaults={name: getattr(text, name) for name in TEXT_FIELDS},
            )
    after = audit.snapshot(circular, CIRCULAR_FIELDS) | _text_snapshot(circular)
    changes = audit.diff(before, after)
    if changes:
        action = "summitdesk.circular.created" if creating else "summitdesk.circular.changed"
        audit.record(circular, action, actor=actor, changes=changes)
    return changes


def _text_snapshot(circular: Circular) -> dict[str, str]:
    snapshot = {}
    for text in circular.texts.all():
        for name in TEXT_FIELDS:
            snapshot[f"{name}_{text.language}"] = getattr(text, name)
    return snapshot


def chief_executives(organisations: OrganisationQuerySet) -> dict[int, Position]:
    positions = Position.objects.filter(
        organisation__in=organisations, role=PositionRole.CHIEF_EXECUTIVE
    ).select_related("person")
    return {position.organisation_id: position for position in positions}


def recipients(
    organisation: Organisation, people: dict[str, Position]
) -> tuple[list[str], list[str]]:
    """To the chief executive (else the organisation's address), copy to the focal point.
    No `to` means the letter goes by post or fax: the rule `organisations_with_email`
    puts in a query, and the one place that decides it for a single organisation."""
    ceo = people.get(PositionRole.CHIEF_EXECUTIVE)
    to = [ceo.person.email] if ceo and ceo.person.email else []
    if not to and organisation.email:
        to = [organisation.email]
    focal = people.get(PositionRole.FOCAL_POINT)
    cc = [focal.person.email] if focal and focal.person.email and to else []
    return to, [address for address in cc if address not in to]


def _queue_messages(mailing: Mailing, invitations: list[Invitation]) -> int:
    """One outbox row per invitation; returns how many."""
    by_organisation: dict[int, dict[str, Position]] = {}
    positions = Position.objects.filter(
        organisation__in=[inv.organisation_id for inv in invitations],
        role__in=[PositionRole.CHIEF_EXECUTIVE, PositionRole.FOCAL_POINT],
    ).select_related("person")
    for position in positions:
        by_organisation.setdefault(position.organisation_id, {})[position.role] = position
    rows = []
    for invitation in invitations:
        to, cc = recipients(
            invitation.organisation, by_organisation.get(invitation.organisation_id, {})
        )
        state = MessageState.QUEUED if to else MessageState.NO_ADDRESS
        rows.append(
            OutboundMessage(
                kind=mailing.kind,
                organisation_id=invitation.organisation_id,
                created_at=mailing.created_at,
                mailing=mailing,
                invitation=invitation,
                to=to,
                cc=cc,
                state=state,
            )
        )
    OutboundMessage.objects.bulk_create(rows, batch_size=500)
    return len(rows)


def _enqueue_sending(mailing: Mailing) -> None:
    for _index in range(SENDING_TASKS):
        tasks.send_mailing.enqueue(mailing.pk)


@transaction.atomic
def dispatch_circular(circular: Circular, *, actor: Actor) -> Mailing:
    """Send the circular to its audience: one invitation and one outbox row each.

    Side effects: creates invitations, the mailing and its outbox rows, enqueues the
    sending tasks (same transaction), marks the circular dispatching.
    """
    circular = Circular.objects.select_for_update().get(pk=circular.pk)
    if circular.status != CircularStatus.DRAFT:
        raise CircularError(_("This circular has already been dispatched."))
    found = problems(circular)
    if found:
        raise CircularError(" ".join(found))
    organisations = list(Audience.from_json(circular.audience).organisations())
    if not organisations:
        raise CircularError(_("The audience is empty: no organisation would receive it."))
    Invitation.objects.bulk_create(
        [
            Invitation(circular=circular, organisation=org, language=org.language)
            for org in organisations
        ],
        batch_size=500,
    )
    invitations = list(Invitation.objects.filter(circular=circular).select_related("organisation"))
    mailing = Mailing.objects.create(
        circular=circular, kind=MailingKind.LETTER, created_by=actor.user
    )
    count = _queue_messages(mailing, invitations)
    circular.status = CircularStatus.DISPATCHING
    circular.save(update_fields=["status", "updated_at"])
    audit.record(
        circular,
        "summitdesk.circular.dispatched",
        actor=actor,
        changes={"status": [CircularStatus.DRAFT, CircularStatus.DISPATCHING]},
        note=_("%(count)d letters queued") % {"count": count},
    )
    _enqueue_sending(mailing)
    return mailing


def awaiting_reply(circular: Circular) -> list[Invitation]:
    return list(circular.invitations.awaiting_reply().select_related("organisation"))


def reminder_count(circular: Circular) -> int:
    """How many organisations a reminder sent now would go to: shown before sending it."""
    return circular.invitations.awaiting_reply().count()


@transaction.atomic
def send_reminders(
    circular: Circular,
    *,
    actor: Actor,
    target: str = ReminderTarget.UNANSWERED,
    organisations: Iterable[int] = (),
) -> Mailing:
    """Remind every invitation of `circular` still without a reply, with a fresh link; with
    `target` "document missing", the invitations of `organisations` instead (those whose
    delegation lacks a required mandate document, as reports.figures counts them)."""
    if circular.status == CircularStatus.DRAFT:
        raise CircularError(_("Only a dispatched circular can be followed by a reminder."))
    if target == ReminderTarget.DOCUMENT_MISSING:
        invitations = list(
            circular.invitations.filter(organisation__in=list(organisations)).select_related(
                "organisation"
            )
        )
        if not invitations:
            raise CircularError(_("No delegation lacks a required document: nobody to remind."))
    else:
        invitations = awaiting_reply(circular)
        if not invitations:
            raise CircularError(_("Every organisation has replied: nobody to remind."))
    mailing = Mailing.objects.create(
        circular=circular, kind=MailingKind.REMINDER, target=target, created_by=actor.user
    )
    count = _queue_messages(mailing, invitations)
    audit.record(
        circular,
        "summitdesk.circular.reminded",
        actor=actor,
        note=_("%(count)d reminders queued") % {"count": count}
        + ("" if target == ReminderTarget.UNANSWERED else f" ({target})"),
    )
    _enqueue_sending(mailing)
    return mailing


@transaction.atomic
def include_in_audience(
    circular: Circular,
    organisations: "QuerySet[Organisation]",
    *,
    expected: int,
    actor: Actor,
) -> int:
    """Add the organisations an officer chose in the directory (`organisations`, confirmed
    as `expected` many) to the draft `circular`'s explicit includes (whatever its filters
    say; taken out of its excludes). One write and one audit entry, however many: returns
    how many were not included already.

    Raises CircularError when the circular is no longer a draft or the chosen are no
    longer `expected` many (the directory changed since the officer confirmed)."""
    circular = Circular.objects.select_for_update().get(pk=circular.pk)
    if circular.status != CircularStatus.DRAFT:
        raise CircularError(_("A circular that has been dispatched can no longer be changed."))
    chosen = set(organisations.order_by().values_list("pk", flat=True))
    if len(chosen) != expected:
        raise CircularError(
            ngettext(
                "The list changed since you confirmed: %(count)d organisation matches now.",
                "The list changed since you confirmed: %(count)d organisations match now.",
                len(chosen),
            )
            % {"count": len(chosen)}
        )
    audience = Audience.from_json(circular.audience)
    added = chosen - set(audience.include)
    circular.audience = replace(
        audience,
        include=sorted(set(audience.include) | chosen),
        exclude=[pk for pk in audience.exclude if pk not in chosen],
    ).to_json()
    circular.save(update_fields=["audience", "updated_at"])
    audit.record(
        circular,
        "summitdesk.circular.changed",
        actor=actor,
        note=_("%(count)d organisations chosen in the directory added to the audience")
        % {"count": len(added)},
    )
    return len(added)


#: Invitations whose outbox rows are written per query when reminding chosen organisations.
REMIND_CHUNK = 500


@dataclass(frozen=True)
class ChosenReminders:
    """What reminding chosen organisations did: a mailing per circular quoted, and how
    many of the chosen were left out because they have answered (or were not invited by
    a dispatched circular)."""

    mailings: list[Mailing]
    reminded: int
    left_out: int


def chosen_awaiting(
    invitations: InvitationQuerySet, organisations: "QuerySet[Organisation]"
) -> InvitationQuerySet:
    """The invitations among `invitations` of `organisations` (a query, read as a subquery
    however many it holds) by a dispatched circular, still without an answer."""
    return (
        invitations.filter(organisation__in=organisations.order_by().values("pk"))
        .exclude(circular__status=CircularStatus.DRAFT)
        .awaiting_reply()
    )


@transaction.atomic
def remind_chosen(
    invitations: InvitationQuerySet,
    organisations: "QuerySet[Organisation]",
    *,
    expected: int,
    actor: Actor,
) -> ChosenReminders:
    """Remind the organisations an officer chose (`organisations`, confirmed as `expected`
    many) that have not answered: each once, about the latest dispatched circular of
    `invitations` (one circular's, or every circular's about a meeting) that invited it,
    with a fresh link. One mailing per circular quoted, sent by the mailing's tasks as
    every reminder is; one audit entry on each circular.

    Raises CircularError when the chosen are no longer `expected` many (the list changed
    since the officer confirmed) or none of them awaits a reply."""
    chosen = organisations.count()
    if chosen != expected:
        raise CircularError(
            ngettext(
                "The list changed since you confirmed: %(count)d organisation matches now.",
                "The list changed since you confirmed: %(count)d organisations match now.",
                chosen,
            )
            % {"count": chosen}
        )
    latest: dict[int, tuple[int, int]] = {}  # organisation -> (circular, invitation)
    found = chosen_awaiting(invitations, organisations).order_by(
        "organisation_id", "circular__date", "circular_id"
    )
    for organisation_id, circular_id, invitation_id in found.values_list(
        "organisation_id", "circular_id", "pk"
    ).iterator(chunk_size=2000):
        latest[organisation_id] = (circular_id, invitation_id)  # the last one read wins
    if not latest:
        raise CircularError(_("Every organisation chosen has answered: nobody to remind."))
    by_circular: dict[int, list[int]] = {}
    for circular_id, invitation_id in latest.values():
        by_circular.setdefault(circular_id, []).append(invitation_id)
    mailings = []
    for circular in Circular.objects.filter(pk__in=list(by_circular)).order_by("date", "pk"):
        ids = sorted(by_circular[circular.pk])
        mailing = Mailing.objects.create(
            circular=circular,
            kind=MailingKind.REMINDER,
            target=ReminderTarget.CHOSEN,
            created_by=actor.user,
            chosen_invitations=ids,
            chosen_total=len(ids),
        )
        audit.record(
            circular,
            "summitdesk.circular.reminded",
            actor=actor,
            note=_("%(count)d reminders queued") % {"count": len(ids)}
            + f" ({ReminderTarget.CHOSEN}, {chosen} chosen)",
        )
        tasks.prepare_chosen_reminders.enqueue(mailing.pk)
        mailings.append(mailing)
    return ChosenReminders(mailings, reminded=len(latest), left_out=chosen - len(latest))


def prepare_chosen_reminders(mailing_id: int) -> None:
    """Write the outbox rows of a reminder to chosen organisations, a chunk per
    transaction with the progress counted in it, then start its sending. Run again (a
    worker died, or the periodic job found it stalled), it goes on after the last chunk
    written; two runs side by side never write a row twice (each chunk is taken under the
    mailing's lock)."""
    mailing = Mailing.objects.filter(pk=mailing_id).first()
    if mailing is None:
        return
    ids = [int(pk) for pk in mailing.chosen_invitations]
    while True:
        with transaction.atomic():
            mailing = Mailing.objects.select_for_update().get(pk=mailing_id)
            if mailing.prepared >= len(ids):
                break
            chunk = ids[mailing.prepared : mailing.prepared + REMIND_CHUNK]
            invitations = Invitation.objects.filter(pk__in=chunk).select_related("organisation")
            _queue_messages(mailing, list(invitations.order_by("pk")))
            mailing.prepared += len(chunk)
            mailing.prepared_at = timezone.now()
            mailing.save(update_fields=["prepared", "prepared_at"])
    _enqueue_sending(mailing)


def stalled_chosen_reminders(*, quiet_for: timedelta) -> list[int]:
    """The reminders to chosen organisations whose rows are not all written and whose
    progress has not moved for `quiet_for` (their task died)."""
    since = timezone.now() - quiet_for
    return list(
        Mailing.objects.filter(target=ReminderTarget.CHOSEN, prepared__lt=F("chosen_total"))
        .filter(Q(prepared_at__lt=since) | Q(prepared_at__isnull=True, created_at__lt=since))
        .values_list("pk", flat=True)
    )


STATUS_KEYS = ("queued", "sending", "sent", "failed", "in_doubt", "posted", "no_address")


def mailing_status(mailings: list[Mailing] | Any) -> dict[str, int]:
    """Counts by state over the given mailings' outbox (claimed counts as sending)."""
    counts = dict(
        OutboundMessage.objects.filter(mailing__in=mailings)
        .values_list("state")
        .annotate(n=Count("id"))
    )
    status = {key: counts.get(key, 0) for key in STATUS_KEYS}
    status["sending"] += counts.get(MessageState.CLAIMED, 0)
    status["total"] = sum(counts.values())
    return status


def circular_status(circular: Circular, mailing: Mailing | None = None) -> dict[str, Any]:
    """What `summitdesk circular-status` prints: the letters' counts (or one mailing's)."""
    mailings = [mailing] if mailing else circular.mailings.filter(kind=MailingKind.LETTER)
    counts = mailing_status(mailings)
    return {
        "reference": circular.reference,
        "total": counts["total"],
        **{key: counts[key] for key in STATUS_KEYS},
        "done": counts["queued"] == 0 and counts["sending"] == 0,
    }
