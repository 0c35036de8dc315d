"""Accreditation: who the secretariat lets into a meeting.

Every change goes through these functions; each is atomic, writes one audit entry per
accreditation changed (dotted codes `summitdesk.accreditation.<what>`) and enqueues its
emails (accreditation.tasks) in the same transaction.

- `transition` is the one function that knows the moves of the status (MOVES); every
  other service that changes a status calls it.
- The badge: approving issues a new badge version (and a badge number, unique per
  meeting, kept across re-approvals); revoking, rejecting or withdrawing an approved
  accreditation bumps the version again, so every code printed before is refused.
- Limits: `check_limit` counts an organisation's delegates against the limit of its
  category for the meeting, raised by a granted exception; an approval beyond it is refused.
- Identity data: the audit trail names the fields changed, never their values; they are
  purged on schedule after the meeting (`purge_identity_data`, run by a periodic task).
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from summitdesk.accreditation import completeness, delegate_links, emails
from summitdesk.accreditation.completeness import missing_data as missing_data
from summitdesk.accreditation.completeness import missing_fields as missing_fields
from summitdesk.accreditation.enums import COUNTED as COUNTED
from summitdesk.accreditation.enums import DETACHED as DETACHED
from summitdesk.accreditation.enums import AccreditationStatus as Status
from summitdesk.accreditation.models import Accreditation, DelegateLimit, LimitException
from summitdesk.core import audit, versions
from summitdesk.core.audit import Actor
from summitdesk.core.enums import Channel
from summitdesk.core.models import AuditEntry, User
from summitdesk.core.permissions import Permission, may
from summitdesk.credentials.services import approval_refusal
from summitdesk.delegations.data import DelegateData
from summitdesk.delegations.enums import ReplyState
from summitdesk.delegations.models import Delegate, Reply
from summitdesk.delegations.participant_types import counts_against_limit
from summitdesk.directory.models import Organisation
from summitdesk.lib.locales import join_list
from summitdesk.meetings.models import Meeting


class AccreditationError(Exception):
    """A change refused, with a message for the person who asked for it."""


#: The allowed moves: from each status, the statuses it may go to. Withdrawn and revoked
#: are final (a delegate named again is a new delegate with a new accreditation).
MOVES: dict[str, frozenset[str]] = {
    Status.PENDING: frozenset({Status.APPROVED, Status.REJECTED, Status.WITHDRAWN}),
    # Back to pending: the person's title or name changed from the portal or the API (see
    # `on_identity_changed`); the approval was for someone else's name.
    Status.APPROVED: frozenset({Status.PENDING, Status.REJECTED, Status.REVOKED, Status.WITHDRAWN}),
    Status.REJECTED: frozenset({Status.PENDING, Status.WITHDRAWN}),
    Status.WITHDRAWN: frozenset(),
    Status.REVOKED: frozenset(),
}
#: Moves that need a reason (the delegate and the focal point receive it).
NEEDS_REASON = frozenset({Status.REJECTED, Status.REVOKED})
IDENTITY_FIELDS = (
    "passport_given_name",
    "passport_family_name",
    "date_of_birth",
    "document_number",
    "document_expires",
)
#: What the purge deletes (the passport names stay for the List of Participants and badges).
PURGED_FIELDS = ("date_of_birth", "document_number", "document_expires")
BADGE_NUMBER_DIGITS = 6


def can_see_identity(user: User | Any) -> bool:
    """Whether `user` may see identity document data (`core.permissions`: the officers
    who accredit and the badge desk, which hands a badge over against the document)."""
    return may(user, Permission.IDENTITY_DATA_READ)


def allowed_moves(accreditation: Accreditation) -> list[str]:
    """The statuses `accreditation` may move to, in the order of AccreditationStatus."""
    moves = MOVES[accreditation.status]
    return [value for value in Status.values if value in moves]


# Creating accreditations


@transaction.atomic
def ensure_accreditations(reply: Reply, *, actor: Actor) -> list[Accreditation]:
    """Pending accreditations for the named delegates of an answered, attending reply who
    have none yet; returns those created (one audit entry each)."""
    if reply.attending is not True or reply.state not in (ReplyState.SUBMITTED, ReplyState.AMENDED):
        return []
    delegates = list(Delegate.objects.filter(reply=reply, accreditation__isnull=True))
    created = Accreditation.objects.bulk_create(
        [Accreditation(delegate=delegate, meeting_id=reply.meeting_id) for delegate in delegates]
    )
    if created and created[0].pk is None:  # backends that return no keys from bulk_create
        created = list(Accreditation.objects.filter(delegate__in=delegates))
    AuditEntry.objects.bulk_create(
        [
            audit.entry(
                accreditation,
                "summitdesk.accreditation.created",
                actor=actor,
                changes={"status": [None, Status.PENDING]},
                organisation_id=reply.organisation_id,
            )
            for accreditation in created
        ]
    )
    for accreditation in created:
        accreditation.delegate.reply = reply
    # One write for the whole reply: a submission stays one write more.
    emails.queue_delegate_links(
        [accreditation for accreditation in created if accreditation.delegate.email]
    )
    return created


@transaction.atomic
def on_reply_saved(
    reply: Reply,
    *,
    removed: Iterable[int],
    submitted: bool,
    actor: Actor,
    renamed: Iterable[int] = (),
    keep_approval: bool = False,
) -> None:
    """On delegations.signals.reply_saved (accreditation.receivers): the accreditations of
    the delegates taken out of the delegation are withdrawn (their rows are kept), those of
    the delegates whose title or name changed are dealt with by `on_identity_changed`, and
    a submitted, attending reply's new delegates get a pending accreditation."""
    on_identity_changed(renamed, actor=actor, keep_approval=keep_approval)
    removed = list(removed)
    withdrawn = (
        Accreditation.objects.filter(delegate__in=removed).exclude(status__in=DETACHED)
        if removed
        else Accreditation.objects.none()
    )
    for accreditation in withdrawn:
        transition(
            accreditation,
            Status.WITHDRAWN,
            reason=_("Removed from the delegation by the reply."),
            actor=actor,
        )
    if submitted:
        ensure_accreditations(reply, actor=actor)


def on_identity_changed(delegates: Iterable[int], *, actor: Actor, keep_approval: bool) -> None:
    """The title, given name or family name of these delegates changed. An approved
    accreditation returns to pending (a new approval, a new badge version), unless staff
    corrected the name (`keep_approval`): then it stays approved, with a new badge version
    all the same, because the badge shows the name. Other statuses are not affected:
    nothing was approved on the old name."""
    ids = list(delegates)
    if not ids:
        return
    approved = Accreditation.objects.filter(delegate__in=ids, status=Status.APPROVED)
    for accreditation in approved.order_by("pk"):
        if keep_approval:
            _raise_badge_version(accreditation, actor=actor)
        else:
            transition(
                accreditation,
                Status.PENDING,
                reason=_(
                    "The delegate's title or name changed: the secretariat approves the "
                    "accreditation again before a badge is printed."
                ),
                actor=actor,
            )


def _raise_badge_version(accreditation: Accreditation, *, actor: Actor) -> None:
    """A new badge version for a name corrected by staff: the badge printed with the old
    spelling is refused at the door, and the accreditation waits to be printed again."""
    accreditation = Accreditation.objects.select_for_update(of=("self",)).get(pk=accreditation.pk)
    old = accreditation.badge_version
    accreditation.badge_version = old + 1
    accreditation.save(update_fields=["badge_version", "updated_at"])
    audit.record(
        accreditation,
        "summitdesk.accreditation.badge_version_raised",
        actor=actor,
        changes={"badge_version": [old, accreditation.badge_version]},
        note=_("The delegate's name was corrected."),
        organisation_id=accreditation.delegate.reply.organisation_id,
    )


# The status


def _next_badge_number(meeting_id: int) -> str:
    """The next badge number of the meeting (the caller holds the meeting's row lock)."""
    highest = (
        Accreditation.objects.filter(meeting=meeting_id)
        .exclude(badge_number="")
        .aggregate(highest=Max("badge_number"))["highest"]
    )
    number = int(highest) + 1 if highest and highest.isdigit() else 1
    return f"{number:0{BADGE_NUMBER_DIGITS}d}"


@transaction.atomic
def transition(
    accreditation: Accreditation,
    to: str,
    *,
    reason: str = "",
    actor: Actor,
    expected_version: str | None = None,
) -> Accreditation:
    """Move `accreditation` to status `to`, or raise AccreditationError saying why not.

    Side effects: on approval, a new badge version and (first time) a badge number, within
    the organisation's limit; leaving `approved`, the badge version is bumped so the
    printed badge is refused at the door; emails to the delegate and the focal point
    (approved, rejected, revoked); one audit entry. With `expected_version`
    (`versions.version_of` when the writer read it), raises `versions.Conflict` if the
    accreditation changed since, before any other check.
    """
    if to not in Status.values:
        raise AccreditationError(_("Unknown status: %(status)s.") % {"status": to})
    reason = reason.strip()
    if to == Status.APPROVED:
        # One approval at a time per meeting: badge numbers and limits stay right.
        Meeting.objects.select_for_update().filter(pk=accreditation.meeting_id).first()
    accreditation = (
        Accreditation.objects.select_for_update(of=("self",))
        .select_related("delegate__reply__organisation", "meeting")
        .get(pk=accreditation.pk)
    )
    versions.check(accreditation, expected_version)
    current = accreditation.status
    if to not in MOVES[current]:
        raise AccreditationError(
            _("An accreditation that is %(current)s cannot become %(to)s.")
            % {"current": Status(current).label, "to": Status(to).label}
        )
    needs_reason = to in NEEDS_REASON or (current == Status.APPROVED and to == Status.PENDING)
    if needs_reason and not reason:
        raise AccreditationError(_("Give the reason: the delegate and the focal point read it."))
    organisation = accreditation.delegate.reply.organisation
    if to == Status.APPROVED and accreditation.meeting.approval_requires_identity:
        lacking = completeness.missing_for_badge(accreditation)
        if lacking:
            raise AccreditationError(
                _("This meeting approves only complete accreditations; missing: %(missing)s.")
                % {"missing": join_list(lacking)}
            )
    if to == Status.APPROVED:
        # A meeting may wait for a delegation's mandate documents (credentials app).
        waiting = approval_refusal(accreditation.delegate.reply)
        if waiting:
            raise AccreditationError(waiting)
    limit = _limit_if_counted(accreditation, organisation) if to == Status.APPROVED else None
    if limit is not None and limit.allowed is not None and limit.approved >= limit.allowed:
        raise AccreditationError(
            _(
                "%(organisation)s already has %(approved)d approved delegates, its limit "
                "for this meeting: grant an exception to approve more."
            )
            % {"organisation": organisation.name, "approved": limit.approved}
        )
    before = audit.snapshot(accreditation, ("status", "reason", "badge_version", "badge_number"))
    accreditation.status = to
    accreditation.reason = reason if to != Status.APPROVED else ""
    if to == Status.APPROVED:
        accreditation.badge_version += 1
        if not accreditation.badge_number:
            accreditation.badge_number = _next_badge_number(accreditation.meeting_id)
    elif current == Status.APPROVED:
        accreditation.badge_version += 1  # the badge printed before is invalid now
    accreditation.save(
        update_fields=["status", "reason", "badge_version", "badge_number", "updated_at"]
    )
    after = audit.snapshot(accreditation, ("status", "reason", "badge_version", "badge_number"))
    audit.record(
        accreditation,
        f"summitdesk.accreditation.{'reconsidered' if to == Status.PENDING else to}",
        actor=actor,
        changes=audit.diff(before, after),
        organisation_id=organisation.pk,
    )
    if to in (Status.APPROVED, Status.REJECTED, Status.REVOKED):
        emails.queue_decision(accreditation)
    return accreditation


@dataclass
class BulkReport:
    """What a bulk move did: how many moved, and why each of the others did not."""

    moved: int = 0
    refused: dict[int, str] = field(default_factory=dict)


def bulk_transition(ids: Iterable[int], to: str, *, reason: str = "", actor: Actor) -> BulkReport:
    """Move every accreditation of `ids` to `to`, each one completely or not at all (one
    refused does not stop the others); the report says which were refused and why."""
    report = BulkReport()
    for accreditation in Accreditation.objects.filter(pk__in=list(ids)).order_by("pk"):
        try:
            transition(accreditation, to, reason=reason, actor=actor)
        except AccreditationError as error:
            report.refused[accreditation.pk] = str(error)
        else:
            report.moved += 1
    return report


# Limits


@dataclass(frozen=True)
class LimitCheck:
    """An organisation's delegates for a meeting against what it may have (None: no limit)."""

    limit: int | None
    granted: int | None
    approved: int
    pending: int

    @property
    def allowed(self) -> int | None:
        if self.limit is None:
            return None
        return max(self.limit, self.granted or 0)

    @property
    def over(self) -> bool:
        """Whether the approved and pending delegates together exceed what is allowed."""
        return self.allowed is not None and self.approved + self.pending > self.allowed


def _limit_if_counted(
    accreditation: Accreditation, organisation: Organisation
) -> LimitCheck | None:
    """The organisation's limit, the others' accreditations counted (check_limit), when the
    category has a limit for the meeting and the delegate's participant type counts
    against it; None otherwise (no limit, or a delegate who takes no seat)."""
    meeting = accreditation.meeting
    limit = _category_limit(meeting, organisation.category)
    if limit is None:  # nothing to check: spare the counting
        return None
    counted = counts_against_limit(meeting, organisation.category)
    if not Accreditation.objects.filter(counted, pk=accreditation.pk).exists():
        return None
    return check_limit(
        organisation, meeting, exclude=accreditation.pk, limit=limit, counted=counted
    )


def _category_limit(meeting: Meeting, category: str) -> int | None:
    return (
        DelegateLimit.objects.filter(meeting=meeting, category=category)
        .values_list("limit", flat=True)
        .first()
    )


def check_limit(
    organisation: Organisation,
    meeting: Meeting,
    *,
    exclude: int | None = None,
    limit: int | None = None,
    counted: Q | None = None,
) -> LimitCheck:
    """The limit of the organisation's category for the meeting, the exception granted
    (a total of delegates, which replaces the limit when higher: the latest one decided),
    and its approved and pending accreditations (but `exclude`). `limit` and `counted`
    (counts_against_limit), when the caller has read them already."""
    if limit is None:
        limit = _category_limit(meeting, organisation.category)
    if counted is None:
        counted = counts_against_limit(meeting, organisation.category)
    granted = (
        LimitException.objects.filter(
            meeting=meeting, organisation=organisation, granted__isnull=False
        )
        .order_by("-decided_at", "-pk")
        .values_list("granted", flat=True)
        .first()
    )
    accreditations = Accreditation.objects.filter(
        meeting=meeting, delegate__reply__organisation=organisation, status__in=COUNTED
    ).filter(counted)
    if exclude is not None:
        accreditations = accreditations.exclude(pk=exclude)
    found = accreditations.aggregate(
        approved=Count("pk", filter=Q(status=Status.APPROVED)),
        pending=Count("pk", filter=Q(status=Status.PENDING)),
    )
    return LimitCheck(
        limit=limit, granted=granted, approved=found["approved"], pending=found["pending"]
    )


@transaction.atomic
def set_limit(meeting: Meeting, category: str, limit: int | None, *, actor: Actor) -> None:
    """Set (or with None remove) the limit of a category of organisation for `meeting`."""
    current = DelegateLimit.objects.filter(meeting=meeting, category=category).first()
    old = current.limit if current else None
    if old == limit:
        return
    if limit is None:
        assert current is not None
        current.delete()
    else:
        DelegateLimit.objects.update_or_create(
            meeting=meeting, category=category, defaults={"limit": limit}
        )
    audit.record(
        meeting,
        "summitdesk.accreditation.limit_set",
        actor=actor,
        changes={f"limit: {category}": [old, limit]},
    )


@transaction.atomic
def request_exception(
    organisation: Organisation, meeting: Meeting, *, requested: int, reason: str, actor: Actor
) -> LimitException:
    """An organisation asks for `requested` delegates in all, beyond its limit."""
    if requested < 1:
        raise AccreditationError(_("Ask for at least one delegate."))
    if LimitException.objects.filter(
        meeting=meeting, organisation=organisation, decided_at__isnull=True
    ).exists():
        raise AccreditationError(_("A request is already waiting for the secretariat."))
    exception = LimitException.objects.create(
        meeting=meeting, organisation=organisation, requested=requested, reason=reason.strip()
    )
    audit.record(
        exception,
        "summitdesk.accreditation.exception_requested",
        actor=actor,
        changes={"requested": [None, requested]},
        organisation_id=organisation.pk,
        note=reason,
    )
    return exception


@transaction.atomic
def decide_exception(
    exception: LimitException, *, granted: int | None, reason: str = "", actor: Actor
) -> LimitException:
    """Grant `granted` delegates in all (at most what was asked), or refuse (None), with
    the reason the focal point reads."""
    exception = LimitException.objects.select_for_update().get(pk=exception.pk)
    if exception.decided_at is not None:
        raise AccreditationError(_("This request has already been decided."))
    if granted is not None and not 1 <= granted <= exception.requested:
        raise AccreditationError(
            _("Grant between 1 and the %(requested)d delegates asked for.")
            % {"requested": exception.requested}
        )
    exception.granted = granted
    exception.decision_reason = reason.strip()
    exception.decided_at = timezone.now()
    exception.save(update_fields=["granted", "decision_reason", "decided_at"])
    audit.record(
        exception,
        "summitdesk.accreditation.exception_granted"
        if granted is not None
        else "summitdesk.accreditation.exception_refused",
        actor=actor,
        changes={
            "granted": [None, granted],
            "decision_reason": ["", exception.decision_reason],
        },
        organisation_id=exception.organisation_id,
    )
    return exception


# Withdrawal and substitution


def registration_open(meeting: Meeting, *, now: datetime.datetime | None = None) -> bool:
    """Whether the meeting's registration window (if it has one) is open: focal points may
    substitute delegates only then."""
    now = now or timezone.now()
    opens, closes = meeting.registration_opens_at, meeting.registration_closes_at
    return (opens is None or opens <= now) and (closes is None or now <= closes)


@transaction.atomic
def withdraw(accreditation: Accreditation, *, reason: str = "", actor: Actor) -> Accreditation:
    """A delegate leaves the delegation (the focal point withdraws them, or they withdraw):
    the accreditation becomes withdrawn (an approved one's badge is refused from now on)
    and the delegate no longer heads the delegation, so that another may."""
    withdrawn = transition(accreditation, Status.WITHDRAWN, reason=reason, actor=actor)
    Delegate.objects.filter(pk=withdrawn.delegate_id, is_head=True).update(is_head=False)
    return withdrawn


@transaction.atomic
def substitute(
    accreditation: Accreditation, newcomer: DelegateData, *, actor: Actor
) -> Accreditation:
    """A focal point replaces an approved delegate: the old accreditation is revoked (its
    badge refused from now on), the newcomer joins the delegation in the old delegate's
    place with a pending accreditation. Returns the newcomer's accreditation."""
    accreditation = Accreditation.objects.select_related("delegate__reply", "meeting").get(
        pk=accreditation.pk
    )
    if actor.channel == Channel.PORTAL and not registration_open(accreditation.meeting):
        raise AccreditationError(
            _("Registration for this meeting is closed: ask the secretariat for the substitution.")
        )
    if accreditation.status != Status.APPROVED:
        raise AccreditationError(_("Only an approved delegate can be substituted."))
    if not newcomer.family_name.strip():
        raise AccreditationError(_("Give the family name of the substitute."))
    old = accreditation.delegate
    transition(
        accreditation,
        Status.REVOKED,
        reason=_("Substituted by %(name)s.")
        % {"name": " ".join(p for p in (newcomer.given_name, newcomer.family_name) if p)},
        actor=actor,
    )
    was_head = old.is_head
    if was_head:
        Delegate.objects.filter(pk=old.pk).update(is_head=False)
    values = {name: getattr(newcomer, name) for name in DelegateData.__dataclass_fields__}
    values["is_head"] = was_head
    delegate = Delegate.objects.create(reply=old.reply, position=old.position, **values)
    created = Accreditation.objects.create(delegate=delegate, meeting_id=accreditation.meeting_id)
    audit.record(
        created,
        "summitdesk.accreditation.substitute_named",
        actor=actor,
        changes={"substitutes": [None, f"{old} (#{old.pk})"], "status": [None, Status.PENDING]},
        organisation_id=old.reply.organisation_id,
    )
    if delegate.email:
        emails.queue_delegate_links([created])
    return created


# Identity data and consent


@transaction.atomic
def update_identity(
    accreditation: Accreditation, data: dict[str, Any], *, actor: Actor
) -> list[str]:
    """Change identity fields (those of IDENTITY_FIELDS in `data`); returns the names of
    the fields changed. The audit entry names them, never their values."""
    accreditation = Accreditation.objects.select_for_update(of=("self",)).get(pk=accreditation.pk)
    unknown = set(data) - set(IDENTITY_FIELDS)
    if unknown:
        raise AccreditationError(_("Not identity fields: %(names)s.") % {"names": sorted(unknown)})
    changed = [name for name, value in data.items() if getattr(accreditation, name) != value]
    if not changed:
        return []
    for name in changed:
        setattr(accreditation, name, data[name])
    accreditation.save(update_fields=[*changed, "updated_at"])
    audit.record(
        accreditation,
        "summitdesk.accreditation.identity_changed",
        actor=actor,
        changes={name: ["…", _("changed")] for name in changed},
        organisation_id=Reply.objects.filter(delegates=accreditation.delegate_id)
        .values_list("organisation_id", flat=True)
        .first(),
    )
    return changed


@transaction.atomic
def set_nationality(delegate: Delegate, nationality: str, *, actor: Actor) -> bool:
    """The delegate's nationality (ISO 3166 alpha-2, as on the passport); returns whether it
    changed. Recorded as identity data: the field's name, never its value."""
    delegate = Delegate.objects.select_for_update().select_related("reply").get(pk=delegate.pk)
    if delegate.nationality == nationality:
        return False
    delegate.nationality = nationality
    delegate.save(update_fields=["nationality"])
    audit.record(
        delegate,
        "summitdesk.accreditation.identity_changed",
        actor=actor,
        changes={"nationality": ["…", _("changed")]},
        organisation_id=delegate.reply.organisation_id,
    )
    return True


@transaction.atomic
def reissue_delegate_link(accreditation: Accreditation, *, actor: Actor) -> None:
    """Revoke the delegate's links at once and send them a new one (the task issues it, so
    that the token exists only in the email). Refused without an email address, or for a
    delegate no longer in the delegation."""
    accreditation = Accreditation.objects.select_related("delegate__reply").get(pk=accreditation.pk)
    if accreditation.status in DETACHED:
        raise AccreditationError(_("This delegate is no longer in the delegation."))
    if not accreditation.delegate.email:
        raise AccreditationError(
            _("The delegate has no email address: the focal point completes the details.")
        )
    revoked = delegate_links.revoke(accreditation)
    audit.record(
        accreditation,
        "summitdesk.accreditation.link_reissued",
        actor=actor,
        changes={"delegate link": [revoked or None, _("a new link is sent")]},
        organisation_id=accreditation.delegate.reply.organisation_id,
    )
    emails.queue_delegate_links([accreditation])


@transaction.atomic
def set_consent(delegate: Delegate, consent: bool, *, actor: Actor) -> bool:
    """The delegate's consent to appear on the published List of Participants; returns
    whether it changed."""
    delegate = Delegate.objects.select_for_update().select_related("reply").get(pk=delegate.pk)
    if delegate.consent_to_publish == consent:
        return False
    delegate.consent_to_publish = consent
    delegate.save(update_fields=["consent_to_publish"])
    audit.record(
        delegate,
        "summitdesk.delegate.consent_changed",
        actor=actor,
        changes={"consent_to_publish": [not consent, consent]},
        organisation_id=delegate.reply.organisation_id,
    )
    return True


def retention_days() -> int:
    return int(getattr(settings, "SUMMITDESK_IDENTITY_RETENTION_DAYS", 30))


@transaction.atomic
def purge_identity_data(*, now: datetime.datetime | None = None, actor: Actor) -> int:
    """Delete the identity document data of every accreditation whose meeting ended more
    than SUMMITDESK_IDENTITY_RETENTION_DAYS days ago (by its end date, else its start
    date); returns how many were purged. One audit entry each, naming the fields only."""
    now = now or timezone.now()
    cutoff = now.date() - datetime.timedelta(days=retention_days())
    ended = Q(meeting__end_date__lt=cutoff) | Q(
        meeting__end_date__isnull=True, meeting__start_date__lt=cutoff
    )
    due = list(
        Accreditation.objects.filter(ended, identity_purged_at__isnull=True)
        .select_related("delegate__reply")
        .order_by("pk")
    )
    if not due:
        return 0
    Accreditation.objects.filter(pk__in=[a.pk for a in due]).update(
        date_of_birth=None, document_number="", document_expires=None, identity_purged_at=now
    )
    AuditEntry.objects.bulk_create(
        [
            audit.entry(
                accreditation,
                "summitdesk.accreditation.identity_purged",
                actor=actor,
                changes={name: ["…", _("deleted")] for name in PURGED_FIELDS},
                organisation_id=accreditation.delegate.reply.organisation_id,
            )
            for accreditation in due
        ]
    )
    return len(due)


# Reminders


@transaction.atomic
def online_access(accreditation: Accreditation, *, by_focal_point: bool = False) -> str:
    """The meeting's online access details as the delegate's own page shows them: only to
    an online participant whose accreditation is approved, on their own link (never to
    the focal point looking at the page, nor to anyone else); "" otherwise."""
    if by_focal_point or not accreditation.delegate.online:
        return ""
    if accreditation.status != Status.APPROVED:
        return ""
    return accreditation.meeting.online_access.strip()


def remind_missing_data(meeting: Meeting, *, actor: Actor) -> int:
    """Enqueue a reminder for every pending or approved accreditation of `meeting` that
    misses data; returns how many."""
    due = [
        accreditation
        for accreditation in Accreditation.objects.filter(
            meeting=meeting, status__in=COUNTED
        ).select_related("delegate__reply")
        if missing_data(accreditation)
    ]
    emails.queue_missing_data(due)
    if due:
        audit.record(
            meeting,
            "summitdesk.accreditation.reminded",
            actor=actor,
            changes={"reminders": [None, len(due)]},
        )
    return len(due)
