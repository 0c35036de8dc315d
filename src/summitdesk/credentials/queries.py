"""Reading mandate documents and credentials: what a reply still lacks, the credentials
state of delegations, and the register of a meeting.

`lacking_documents` is the one definition of "a required document is missing": the
accreditation check, the portal, the staff pages and reports.figures (the tracker's
figure, the reminders' recipients) all read it.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.db.models import (
    Case,
    CharField,
    Count,
    Exists,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)

from summitdesk.core.documents import DocumentState
from summitdesk.credentials.enums import CredentialsState, DocumentKind
from summitdesk.credentials.models import (
    Credentials,
    CredentialsPolicy,
    DocumentRequirement,
    MandateDocument,
)
from summitdesk.delegations.enums import ATTENDING_STATES
from summitdesk.delegations.models import Reply
from summitdesk.directory.enums import Category
from summitdesk.lib.text import fold
from summitdesk.meetings.models import Meeting

#: The categories asked for credentials when a meeting says nothing: governments.
DEFAULT_CATEGORIES = frozenset({Category.MEMBER_STATE.value})


def _unmet(*, approval_waits: bool = False) -> QuerySet[DocumentRequirement]:
    """Requirements of the reply in the outer query that no accepted document meets."""
    requirements = DocumentRequirement.objects.filter(
        meeting=OuterRef("meeting"), category=OuterRef("organisation__category")
    )
    if approval_waits:
        requirements = requirements.filter(approval_waits=True)
    received = MandateDocument.objects.filter(
        reply=OuterRef(OuterRef("pk")), kind=OuterRef("kind"), state=DocumentState.ACCEPTED
    )
    return requirements.exclude(Exists(received))


def lacking_documents(*, approval_waits: bool = False) -> Exists:
    """A condition on replies: a document their meeting requires of their category has not
    been received (accepted); with `approval_waits`, only documents approval waits for."""
    return Exists(_unmet(approval_waits=approval_waits))


def missing_kinds(reply: Reply, *, approval_waits: bool = False) -> list[DocumentKind]:
    """The kinds of document `reply` still lacks, in the order of DocumentKind."""
    required = DocumentRequirement.objects.filter(
        meeting_id=reply.meeting_id, category=reply.organisation.category
    )
    if approval_waits:
        required = required.filter(approval_waits=True)
    wanted = set(required.values_list("kind", flat=True))
    if not wanted:  # most meetings require nothing: no need to read what was received
        return []
    wanted -= set(
        reply.mandate_documents.filter(state=DocumentState.ACCEPTED).values_list("kind", flat=True)
    )
    return [kind for kind in DocumentKind if kind.value in wanted]


def required_kinds(meeting: Meeting, category: str) -> list[DocumentRequirement]:
    return list(DocumentRequirement.objects.filter(meeting=meeting, category=category))


def categories_needing_credentials(meeting: Meeting) -> set[str]:
    """The categories whose delegations `meeting` asks for credentials."""
    wanted = set(DEFAULT_CATEGORIES)
    for category, required in CredentialsPolicy.objects.filter(meeting=meeting).values_list(
        "category", "required"
    ):
        if required:
            wanted.add(category)
        else:
            wanted.discard(category)
    return wanted


def needs_credentials(reply: Reply) -> bool:
    return reply.organisation.category in categories_needing_credentials(reply.meeting)


def state_from(examined: str | None, received_on: object) -> CredentialsState:
    """The state of a delegation asked for credentials: the examination's finding, else
    received (to examine) or missing."""
    if examined:
        return CredentialsState(examined)
    return CredentialsState.RECEIVED if received_on else CredentialsState.MISSING


def state_of(credentials: Credentials | None) -> CredentialsState:
    """The state of a delegation asked for credentials, from its register entry (or none)."""
    if credentials is None:
        return CredentialsState.MISSING
    return state_from(credentials.examined, credentials.received_on)


def with_credentials_state(replies: QuerySet[Reply]) -> QuerySet[Reply]:
    """`replies` annotated for `annotated_state` (one query for a list, whatever its length)."""
    credentials = Credentials.objects.filter(reply=OuterRef("pk"))
    policy = CredentialsPolicy.objects.filter(
        meeting=OuterRef("meeting"), category=OuterRef("organisation__category")
    )
    return replies.annotate(
        credentials_examined=Subquery(credentials.values("examined")[:1]),
        credentials_received=Subquery(credentials.values("received_on")[:1]),
        credentials_policy=Subquery(policy.values("required")[:1]),
    )


def annotated_state(reply: Reply) -> CredentialsState:
    """`credentials_state` of a reply read through `with_credentials_state`."""
    policy = getattr(reply, "credentials_policy", None)
    required = (
        bool(policy) if policy is not None else reply.organisation.category in DEFAULT_CATEGORIES
    )
    if not required:
        return CredentialsState.NOT_REQUIRED
    return state_from(
        getattr(reply, "credentials_examined", ""), getattr(reply, "credentials_received", None)
    )


def credentials_state(reply: Reply) -> CredentialsState:
    """What the reply pages, the tracker and the API show for `reply`."""
    if not needs_credentials(reply):
        return CredentialsState.NOT_REQUIRED
    return state_of(Credentials.objects.filter(reply=reply).first())


def states_of(replies: Iterable[Reply]) -> dict[int, CredentialsState]:
    """`credentials_state` for many replies of any meetings, in three queries."""
    replies = list(replies)
    wanted: dict[int, set[str]] = {}
    for meeting in {reply.meeting for reply in replies}:
        wanted[meeting.pk] = categories_needing_credentials(meeting)
    found = {c.reply_id: c for c in Credentials.objects.filter(reply__in=replies)}
    return {
        reply.pk: state_of(found.get(reply.pk))
        if reply.organisation.category in wanted[reply.meeting_id]
        else CredentialsState.NOT_REQUIRED
        for reply in replies
    }


def documents(reply: Reply) -> QuerySet[MandateDocument]:
    return reply.mandate_documents.order_by("kind", "uploaded_at", "pk")


def held_bytes(reply: Reply) -> int:
    return sum(reply.mandate_documents.values_list("size", flat=True))


def delegations(meeting: Meeting, categories: Iterable[str] | None = None) -> QuerySet[Reply]:
    """The delegations of `meeting` asked for credentials: attending replies of the
    categories concerned (`categories_needing_credentials`, unless the caller has them),
    in the organisations' order."""
    if categories is None:
        categories = categories_needing_credentials(meeting)
    return (
        Reply.objects.filter(
            meeting=meeting,
            state__in=ATTENDING_STATES,
            organisation__category__in=list(categories),
        )
        .select_related("organisation", "meeting", "credentials", "credentials__proxy_to")
        .order_by("organisation__name_key", "pk")
    )


@dataclass(frozen=True)
class RegisterRow:
    reply: Reply
    credentials: Credentials | None
    state: CredentialsState
    missing: list[DocumentKind] = field(default_factory=list)

    @property
    def proxy_to(self) -> Reply | None:
        return self.credentials.proxy_to if self.credentials else None


def register(meeting: Meeting, *, state: str = "") -> list[RegisterRow]:
    """The credentials register of `meeting`, optionally only the rows in `state`; in
    three queries, whatever the number of delegations."""
    rows = register_rows(meeting, list(delegations(meeting)))
    return [row for row in rows if not state or row.state == state]


def register_rows(meeting: Meeting, replies: Sequence[Reply]) -> list[RegisterRow]:
    """The register's rows of `replies` (from `delegations` or `register_list`), with the
    documents each lacks: two queries, whatever their number."""
    required: dict[str, set[str]] = {}
    for category, kind in DocumentRequirement.objects.filter(meeting=meeting).values_list(
        "category", "kind"
    ):
        required.setdefault(category, set()).add(kind)
    received: dict[int, set[str]] = {}
    if required and replies:
        for reply_id, kind in MandateDocument.objects.filter(
            reply__in=[reply.pk for reply in replies], state=DocumentState.ACCEPTED
        ).values_list("reply_id", "kind"):
            received.setdefault(reply_id, set()).add(kind)
    rows = []
    for reply in replies:
        credentials = getattr(reply, "credentials", None)
        wanted = required.get(reply.organisation.category, set()) - received.get(reply.pk, set())
        missing = [kind for kind in DocumentKind if kind.value in wanted]
        rows.append(RegisterRow(reply, credentials, state_of(credentials), missing))
    return rows


def register_state() -> Case:
    """`state_of` a delegation's credentials as an SQL expression on replies (asked for
    credentials), to filter and count the register in the database."""
    return Case(
        When(
            Q(credentials__examined__isnull=False) & ~Q(credentials__examined=""),
            then="credentials__examined",
        ),
        When(credentials__received_on__isnull=False, then=Value(CredentialsState.RECEIVED.value)),
        default=Value(CredentialsState.MISSING.value),
        output_field=CharField(),
    )


def register_list(
    meeting: Meeting,
    *,
    state: str = "",
    search: str = "",
    categories: Iterable[str] | None = None,
) -> QuerySet[Reply]:
    """The delegations of the register, optionally only those in `state` and those whose
    organisation `search` names (its number, or part of its name or acronym); for a list
    that pages in the database (`register_rows` of a page)."""
    replies = delegations(meeting, categories).annotate(credentials_state=register_state())
    if state:
        replies = replies.filter(credentials_state=state)
    text = search.strip()
    if text.isdigit():
        replies = replies.filter(organisation=int(text))
    elif text:
        replies = replies.filter(organisation__search_text__contains=fold(text))
    return replies


def register_counts(meeting: Meeting, categories: Iterable[str] | None = None) -> dict[str, int]:
    """How many delegations of the register are in each state (every state present, "not
    required" apart): one query."""
    counts = {
        value: 0 for value in CredentialsState.values if value != CredentialsState.NOT_REQUIRED
    }
    found = (
        delegations(meeting, categories)
        .order_by()
        .annotate(credentials_state=register_state())
        .values("credentials_state")
        .annotate(count=Count("pk"))
    )
    for row in found:
        counts[row["credentials_state"]] = row["count"]
    return counts


def lacking_replies(replies: QuerySet[Reply]) -> QuerySet[Reply]:
    return replies.filter(lacking_documents())


def proxy_choices(reply: Reply) -> QuerySet[Reply]:
    """The delegations `reply` may transfer its powers to: the other attending ones of its
    meeting."""
    return (
        Reply.objects.filter(meeting_id=reply.meeting_id, state__in=ATTENDING_STATES)
        .exclude(pk=reply.pk)
        .select_related("organisation")
        .order_by("organisation__name_key")
    )
