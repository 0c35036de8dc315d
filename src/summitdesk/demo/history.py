"""The demo's past: PrepCom-2 (17-28 February 2003) as it might have gone, so that the
dashboard, the List of Participants, the exports, the check-in counts and the API have
something to show on the day the demo is loaded.

Everything happens through the domain services, in the order it would have happened
(invitation, reminder, replies, decisions, photos, scans at the door, the provisional
list), so that the audit trail, the change feed and every invariant the services keep
are those of a real meeting. Only the clock is the demo's: after each step, the times
that step wrote (audit entries, replies, accreditations, scans...) are moved back to the
moment it plays, replayed like the rest of the WSIS calendar.

Three things are left undone on purpose, and said so where they show:
- no letter is written or emailed: the outbox rows are marked sent (or posted) with a
  note in place of the email's text, and no PDF is rendered for them;
- the emails the services enqueue (reply confirmations, focal points' and delegates'
  links, decisions) are taken off the queue again, so the worker started by `make demo`
  sends nobody anything about a meeting that is over;
- the List of Participants is prepared here, at once, rather than by the worker.

The history is seeded (the same every time) and loaded once: it is there when its
circular is.
"""

import datetime
import io
import random
import zoneinfo
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import partial

from django.db import models
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from PIL import Image, ImageDraw

from summitdesk.accreditation import checkin, photos
from summitdesk.accreditation import services as accreditation_services
from summitdesk.accreditation import tasks as accreditation_tasks
from summitdesk.accreditation.badges import badge_code
from summitdesk.accreditation.enums import AccreditationStatus, CheckInResult
from summitdesk.accreditation.models import Accreditation, CheckIn
from summitdesk.core.audit import Actor
from summitdesk.core.enums import Channel
from summitdesk.core.models import AuditEntry, User
from summitdesk.correspondence import outbox, sending
from summitdesk.correspondence import services as correspondence_services
from summitdesk.correspondence import tasks as correspondence_tasks
from summitdesk.correspondence.audience import Audience
from summitdesk.correspondence.enums import Enclosure, MessageState
from summitdesk.correspondence.models import Circular, Invitation, Mailing, OutboundMessage
from summitdesk.correspondence.services import TextData
from summitdesk.delegations import services as reply_services
from summitdesk.delegations import tasks as delegations_tasks
from summitdesk.delegations.enums import Gender, ProtocolLevel, ReplyState
from summitdesk.delegations.models import Reply
from summitdesk.delegations.services import DelegateData, PersonData, ReplyData
from summitdesk.demo import names
from summitdesk.directory.enums import Category, PositionRole
from summitdesk.directory.models import Organisation, Person, Position
from summitdesk.lib.countries import COUNTRIES
from summitdesk.lib.text import fold
from summitdesk.meetings.models import Meeting, Process
from summitdesk.reports import tasks as reports_tasks
from summitdesk.reports.models import Edition, EditionKind
from summitdesk.reports.participants.editions import prepare_edition, publish_edition
from summitdesk.reports.public_statistics import set_public_statistics

MEETING_CODE = "prepcom-2"
# Not an ITU reference: the letter's own is unknown, and the demo invents none.
REFERENCE = "DEMO/PREPCOM-2"
SEED = 2003
AUDIENCE = Audience(
    categories=[
        Category.MEMBER_STATE.value,
        Category.INTERNATIONAL_ORGANISATION.value,
        Category.BUSINESS_ENTITY.value,
    ]
)

# The calendar, as it would have been (historical dates; the demo replays them).
LETTER_DATE = datetime.date(2002, 12, 2)
REMINDER_DATE = datetime.date(2003, 1, 20)
DEADLINE_DATE = datetime.date(2003, 1, 31)
LAST_REPLY_DATE = datetime.date(2003, 2, 12)
MEETING_START = datetime.date(2003, 2, 17)
MEETING_DAYS = 10  # working days from 17 to 28 February
EDITION_DATE = datetime.date(2003, 2, 18)
STATISTICS_DATE = datetime.date(2003, 3, 3)

# Shares of the invited organisations, and of what they send.
ANSWERED = 0.60
DECLINED = 0.13  # of those who answer
LATE = 0.08  # of those who answer: after the deadline, typed in by the secretariat
ON_BEHALF = 0.12  # of those who answer in time: by fax, typed in by the secretariat
STARTED = 0.08  # of those who do not answer: a draft left unsent (the others opened it)
AMENDED = 0.06  # of attending replies: a member added a week or two later
CONSENT = 0.85
GENDER_GIVEN = 0.6
REJECTED = 0.015
WITHDRAWN_COUNT = 2
UNDECIDED = 0.08  # still pending when the meeting opened (named late, usually)
CHECKED_IN = 0.70  # of the approved
REENTERED = 0.06  # of those checked in: scanned again on a later day
PHOTOS = 24

HEAD_LEVELS = [
    (ProtocolLevel.CHIEF_EXECUTIVE, 25),
    (ProtocolLevel.AMBASSADOR, 10),
    (ProtocolLevel.OTHER, 58),
    (ProtocolLevel.MINISTER, 7),
]
DELEGATION_SIZES = [(1, 16), (2, 24), (3, 20), (4, 14), (5, 10), (6, 7), (7, 5), (8, 4)]
DECLINE_REASONS = [
    "Our delegation in Geneva will follow the session remotely.",
    "Budget constraints this year; we will attend PrepCom-3.",
    "The dates coincide with our board meeting.",
    "",
]
REJECTION_REASONS = [
    "Not on the staff of the nominating organisation.",
    "Nominated twice, by two organisations: accredited with the other one.",
    "The nomination was not endorsed by the head of the organisation.",
]
DESKS = ["Door A", "Door A", "Door B", "CICG annex"]
LETTER_NOTE = (
    "Demo history: this letter is shown as sent; it was never written or emailed. "
    "Circular DM-1048 is the one to send."
)
# The tasks the services enqueue for emails about what happens here: taken off the queue.
EMAIL_TASKS = tuple(
    task.module_path
    for task in (
        correspondence_tasks.send_mailing,
        correspondence_tasks.send_outbox,
        delegations_tasks.send_reply_confirmation,
        delegations_tasks.send_focal_point_link,
        accreditation_tasks.send_delegate_links,
        accreditation_tasks.send_accreditation_decision,
        reports_tasks.prepare_edition_task,
    )
)

ENGLISH = (
    "Second meeting of the Preparatory Committee of the World Summit on the Information "
    "Society (PrepCom-2)\nGeneva, 17-28 February 2003",
    [
        "The second meeting of the Preparatory Committee of the World Summit on the "
        "Information Society will be held in Geneva from 17 to 28 February 2003.",
        "I have the honour to invite {{ organisation }} to be represented at this meeting, "
        "which will continue the work on the draft Declaration of Principles and Plan of "
        "Action.",
        "I would be grateful if you could name your focal point and the members of your "
        "delegation by {{ deadline }}, using the reply form: {{ reply_link }}",
    ],
)


@dataclass
class HistorySummary:
    """What the history of the past meeting holds, for load-demo's summary."""

    meeting: str
    title: str
    invited: int = 0
    answered: int = 0
    declined: int = 0
    delegates: int = 0
    approved: int = 0
    checked_in: int = 0
    listed: int = 0


@dataclass
class _Member:
    data: DelegateData
    position: int  # in the delegation: how the member is found once saved
    fate: str = AccreditationStatus.APPROVED
    decided: datetime.datetime | None = None
    scans: list[datetime.datetime] = field(default_factory=list)
    photo: bool = False
    accreditation: Accreditation | None = None  # once the reply naming them is submitted


@dataclass
class _Answer:
    organisation: Organisation
    opened: datetime.datetime
    submitted: datetime.datetime | None = None  # None: opened, or a draft left unsent
    data: ReplyData = field(default_factory=ReplyData)
    members: list[_Member] = field(default_factory=list)
    on_behalf: bool = False
    amended: datetime.datetime | None = None
    added: _Member | None = None


Event = tuple[datetime.datetime, int, Callable[[], None]]


class _History:
    """The plan (drawn from the seed) and its playing, event by event in time order."""

    def __init__(self, process: Process, meeting: Meeting, *, actor: Actor) -> None:
        self.rng = random.Random(SEED)
        self.offset = datetime.timedelta(days=process.replay_offset_days or 0)
        self.meeting = meeting
        self.zone = zoneinfo.ZoneInfo(meeting.time_zone or "UTC")
        staff = {user.username: user for user in User.objects.filter(is_active=True)}
        self.officer = _staff_actor(staff.get("officer"), actor)
        self.comms = _staff_actor(staff.get("comms"), actor)
        self.doors = staff.get("doors")
        self.started = timezone.now()
        self.last_entry = _last_entry_id()
        self.events: list[Event] = []
        self.circular: Circular | None = None
        self.planned: list[tuple[_Answer, _Member]] = []

    # Time

    def at(self, day: datetime.date, hour: int = 9, minute: int = 0) -> datetime.datetime:
        """The replayed moment of `day` at `hour`:`minute` at the venue."""
        return datetime.datetime.combine(
            day + self.offset, datetime.time(hour, minute), tzinfo=self.zone
        )

    def between(self, first: datetime.date, last: datetime.date) -> datetime.datetime:
        """A moment of office hours (8:00 to 17:59) on a weekday between the two dates."""
        days = [
            first + datetime.timedelta(days=n)
            for n in range((last - first).days + 1)
            if (first + datetime.timedelta(days=n)).weekday() < 5
        ]
        return self.at(self.rng.choice(days), self.rng.randint(8, 17), self.rng.randrange(0, 60))

    def stamp(self, when: datetime.datetime, *rows: tuple[type[models.Model], str]) -> None:
        """Move what the last step wrote "now" back to `when`: its audit entries, and the
        given (model, timestamp field) pairs written since the history began."""
        AuditEntry.objects.filter(pk__gt=self.last_entry).update(created_at=when)
        self.last_entry = _last_entry_id()
        for model, name in rows:
            model._default_manager.filter(**{f"{name}__gte": self.started}).update(**{name: when})

    def add(self, when: datetime.datetime, step: Callable[[], None]) -> None:
        self.events.append((when, len(self.events), step))

    # The plan

    def plan(self, organisations: list[Organisation]) -> None:
        rng = self.rng
        self.add(self.at(LETTER_DATE, 9, 30), self.write_circular)
        self.add(self.at(LETTER_DATE, 11), self.dispatch)
        self.add(self.at(REMINDER_DATE, 10), self.remind)
        heads = _chief_executives(organisations)
        for organisation in organisations:
            if rng.random() >= ANSWERED:
                if rng.random() < 0.35:  # a third of the others at least opened it
                    self.plan_unanswered(organisation)
                continue
            answer = self.plan_answer(organisation, heads.get(organisation.pk))
            if not answer.on_behalf:  # an answer by fax never opened the link
                self.add(answer.opened, partial(self.open, answer))
            assert answer.submitted is not None
            self.add(answer.submitted, partial(self.submit, answer))
            if answer.amended is not None:
                self.add(answer.amended, partial(self.amend, answer))
            for member in [*answer.members, *([answer.added] if answer.added else [])]:
                self.plan_member(answer, member)
        self.plan_photos()
        self.plan_withdrawals()
        self.add(self.at(EDITION_DATE, 17), self.publish)
        self.add(self.at(STATISTICS_DATE, 10), self.publish_statistics)

    def plan_unanswered(self, organisation: Organisation) -> None:
        opened = self.between(LETTER_DATE + datetime.timedelta(days=1), LAST_REPLY_DATE)
        answer = _Answer(organisation, opened)
        self.add(answer.opened, partial(self.open, answer))
        if self.rng.random() < STARTED / 0.35:
            culture = _culture(organisation, self.rng)
            answer.data = ReplyData(
                attending=True,
                focal_point=self.focal_point(organisation, culture),
                estimated_participants=self.rng.randint(1, 4),
            )
            draft_at = answer.opened + datetime.timedelta(minutes=self.rng.randint(5, 40))
            self.add(draft_at, partial(self.save_draft, answer, draft_at))

    def plan_answer(self, organisation: Organisation, chief: Position | None) -> _Answer:
        rng = self.rng
        late = rng.random() < LATE
        if late:
            submitted = self.between(DEADLINE_DATE + datetime.timedelta(days=1), LAST_REPLY_DATE)
        else:
            # Most answers come in the first weeks and in the days before the deadline.
            first = LETTER_DATE + datetime.timedelta(days=2)
            if rng.random() < 0.35:
                first = DEADLINE_DATE - datetime.timedelta(days=10)
            submitted = self.between(first, DEADLINE_DATE)
        received = self.at(LETTER_DATE, 12)
        opened = max(submitted - datetime.timedelta(hours=rng.randint(1, 120)), received)
        answer = _Answer(
            organisation, opened, submitted, on_behalf=late or rng.random() < ON_BEHALF
        )
        culture = _culture(organisation, rng)
        if rng.random() < DECLINED:
            answer.data = ReplyData(attending=False, decline_reason=rng.choice(DECLINE_REASONS))
            return answer
        size = rng.choices(*zip(*DELEGATION_SIZES, strict=True))[0]
        level = rng.choices(*zip(*HEAD_LEVELS, strict=True))[0]
        domain = _domain(organisation)
        delegates = []
        for index in range(size):
            head = index == 0
            if head and level == ProtocolLevel.CHIEF_EXECUTIVE and chief is not None:
                delegates.append(self.chief_as_delegate(organisation, chief))
            else:
                delegates.append(self.delegate(organisation, culture, domain, head=head))
            if head:  # the head's level is the delegation's
                delegates[-1] = replace(delegates[-1], protocol_level=level)
        answer.members = [_Member(data, index) for index, data in enumerate(delegates)]
        extra = rng.randint(0, 2)
        answer.data = ReplyData(
            attending=True,
            estimated_participants=size + extra,
            focal_point=self.focal_point(organisation, culture),
            delegates=delegates,
        )
        amend_from = submitted.date() - self.offset + datetime.timedelta(days=3)
        if not late and amend_from < LAST_REPLY_DATE and rng.random() < AMENDED:
            answer.amended = self.between(amend_from, LAST_REPLY_DATE)
            answer.added = _Member(self.delegate(organisation, culture, domain, head=False), size)
        return answer

    def plan_member(self, answer: _Answer, member: _Member) -> None:
        rng = self.rng
        named = answer.amended if member is answer.added else answer.submitted
        assert named is not None
        last = MEETING_START - datetime.timedelta(days=1)
        earliest = named.date() - self.offset + datetime.timedelta(days=1)
        self.planned.append((answer, member))
        roll = rng.random()
        if roll < UNDECIDED or earliest > last:
            member.fate = AccreditationStatus.PENDING
            return
        member.decided = self.between(earliest, min(last, earliest + datetime.timedelta(days=12)))
        if roll < UNDECIDED + REJECTED:
            member.fate = AccreditationStatus.REJECTED
        self.add(member.decided, partial(self.decide, answer, member))
        if member.fate != AccreditationStatus.APPROVED or rng.random() >= CHECKED_IN:
            return
        first_day = rng.choices(range(MEETING_DAYS), [40, 20, 8, 6, 5, 5, 4, 4, 4, 4])[0]
        member.scans = [self.meeting_moment(first_day, early=True)]
        if rng.random() < REENTERED and first_day < MEETING_DAYS - 1:
            member.scans.append(self.meeting_moment(rng.randint(first_day + 1, MEETING_DAYS - 1)))
        for scan in member.scans:
            self.add(scan, partial(self.scan, answer, member, scan))

    def plan_photos(self) -> None:
        """A few approved delegates uploaded a photo the day after their approval."""
        approved = [m for _a, m in self.planned if m.fate == AccreditationStatus.APPROVED]
        for member in self.rng.sample(approved, min(PHOTOS, len(approved))):
            member.photo = True

    def plan_withdrawals(self) -> None:
        """A couple of approved delegates withdrew the week before the meeting."""
        last_week = MEETING_START - datetime.timedelta(days=7)
        candidates = [
            (answer, member)
            for answer, member in self.planned
            if member.fate == AccreditationStatus.APPROVED
            and member.decided is not None
            and member.decided.date() - self.offset < last_week
            and not (member.data.is_head or member.scans or member.photo)
        ]
        for answer, member in self.rng.sample(candidates, min(WITHDRAWN_COUNT, len(candidates))):
            when = self.between(last_week, MEETING_START - datetime.timedelta(days=3))
            member.fate = AccreditationStatus.WITHDRAWN
            self.add(when, partial(self.withdraw, answer, member, when))

    def meeting_moment(self, day: int, *, early: bool = False) -> datetime.datetime:
        date = MEETING_START + datetime.timedelta(days=day + 2 * (day // 5))  # weekends
        hour = self.rng.choice([8, 8, 9, 9, 10]) if early else self.rng.randint(9, 16)
        return self.at(date, hour, self.rng.randrange(0, 60))

    def person(self, culture: str) -> tuple[str, str, bool]:
        woman = self.rng.random() < 0.45
        men, women = names.GIVEN_NAMES[culture]
        his, hers = self.rng.choice(names.FAMILY_NAMES[culture])
        return self.rng.choice(women if woman else men), hers if woman else his, woman

    def focal_point(self, organisation: Organisation, culture: str) -> PersonData:
        given, family, woman = self.person(culture)
        return PersonData(
            title="Ms" if woman else "Mr",
            given_name=given,
            family_name=family,
            function=names.FOCAL_POINT_FUNCTIONS.get(organisation.language, "WSIS focal point"),
            email=_email(given, family, _domain(organisation), "focal.point.prepcom2"),
            phone=f"+999 {self.rng.randint(10, 99)} {self.rng.randint(100, 999)} "
            f"{self.rng.randint(1000, 9999)}",
        )

    def delegate(
        self, organisation: Organisation, culture: str, domain: str, *, head: bool
    ) -> DelegateData:
        rng = self.rng
        # A delegation mixes cultures a little: the capital's staff and the mission's.
        if rng.random() < 0.15:
            culture = rng.choice(["en", "fr", "ar-native", "ru-native", "zh-native", "es"])
        given, family, woman = self.person(culture)
        functions = names.DELEGATE_FUNCTIONS.get(
            organisation.language, names.DELEGATE_FUNCTIONS["en"]
        )
        title = "Dr" if rng.random() < 0.12 else ("Ms" if woman else "Mr")
        gender = ""
        if rng.random() < GENDER_GIVEN:
            gender = Gender.FEMALE if woman else Gender.MALE
        return DelegateData(
            family_name=family,
            given_name=given,
            title=title,
            function=rng.choice(functions),
            email=_email(given, family, domain, f"delegate{rng.randint(1, 999)}")
            if rng.random() < 0.8
            else "",
            nationality=organisation.country,
            gender=str(gender),
            consent_to_publish=rng.random() < CONSENT,
            is_head=head,
        )

    def chief_as_delegate(self, organisation: Organisation, chief: Position) -> DelegateData:
        person = chief.person
        return DelegateData(
            family_name=person.family_name,
            given_name=person.given_name,
            title=person.title,
            function=chief.function,
            email=person.email,
            nationality=person.nationality or organisation.country,
            consent_to_publish=True,
            is_head=True,
        )

    # Playing it

    def play(self, organisations: list[Organisation]) -> None:
        self.plan(organisations)
        for _when, _order, step in sorted(self.events, key=lambda event: event[:2]):
            step()

    def write_circular(self) -> None:
        subject, paragraphs = ENGLISH
        data = {
            "reference": REFERENCE,
            "date": LETTER_DATE + self.offset,
            "meeting": self.meeting,
            "letterhead": "International Telecommunication Union\nPlace des Nations\n"
            "CH-1211 Geneva 20, Switzerland",
            "addressees": "Member States, International Organizations and Business Entities",
            "audience": AUDIENCE.to_json(),
            "signatory_name": "WSIS Executive Secretariat",
            "signatory_titles": "Executive Secretariat of the WSIS",
            "contact_name": "WSIS Executive Secretariat",
            "contact_email": "wsis-contact@example.org",
            "enclosures": [Enclosure.REPLY_FORM.value],
            "reply_deadline": self.at(DEADLINE_DATE, 18),
        }
        text = TextData(subject=subject, body="\n\n".join(paragraphs))
        self.circular = Circular()
        correspondence_services.save_circular(self.circular, data, {"en": text}, actor=self.officer)
        self.stamp(self.at(LETTER_DATE, 9, 30), (Circular, "created_at"), (Circular, "updated_at"))

    def dispatch(self) -> None:
        assert self.circular is not None
        when = self.at(LETTER_DATE, 11)
        mailing = correspondence_services.dispatch_circular(self.circular, actor=self.officer)
        self.stamp(when, (Invitation, "created_at"), (Mailing, "created_at"))
        self.deliver(mailing, when)
        sending.finish_circular(self.circular)
        self.stamp(when + datetime.timedelta(days=2), (Circular, "updated_at"))

    def remind(self) -> None:
        assert self.circular is not None
        when = self.at(REMINDER_DATE, 10)
        self.circular.refresh_from_db()
        mailing = correspondence_services.send_reminders(self.circular, actor=self.officer)
        self.stamp(when, (Mailing, "created_at"))
        self.deliver(mailing, when)

    def deliver(self, mailing: Mailing, when: datetime.datetime) -> None:
        """The mailing's letters as the workers would have left them: emailed over the next
        minutes, and those without an address posted two days later (nothing rendered)."""
        rows = list(OutboundMessage.objects.filter(mailing=mailing).order_by("pk"))
        subject = ENGLISH[0].splitlines()[0]
        for index, row in enumerate(rows):
            row.subject, row.body = subject, LETTER_NOTE
            if row.state == MessageState.QUEUED:
                row.state = MessageState.SENT
                row.attempts = 1
                row.sent_at = when + datetime.timedelta(seconds=3 * index + 20)
        OutboundMessage.objects.bulk_update(
            rows, ["subject", "body", "state", "attempts", "sent_at"]
        )
        posted_at = when + datetime.timedelta(days=2)
        for row in rows:
            if row.state == MessageState.NO_ADDRESS:
                outbox.mark_posted(row, how="post", actor=self.officer)
        self.stamp(posted_at)
        OutboundMessage.objects.filter(mailing=mailing, state=MessageState.POSTED).update(
            sent_at=posted_at
        )
        OutboundMessage.objects.filter(mailing=mailing).update(updated_at=posted_at)

    def open(self, answer: _Answer) -> None:
        reply = reply_services.reply_for(answer.organisation, self.meeting)
        reply_services.open_reply(reply, actor=self.portal(answer))
        Reply.objects.filter(pk=reply.pk).update(opened_at=answer.opened)
        self.stamp(answer.opened, (Reply, "updated_at"))

    def save_draft(self, answer: _Answer, when: datetime.datetime) -> None:
        reply = reply_services.reply_for(answer.organisation, self.meeting)
        reply_services.save_reply(reply, answer.data, submit=False, actor=self.portal(answer))
        self.stamp(when, *_REPLY_ROWS)

    def submit(self, answer: _Answer) -> None:
        assert answer.submitted is not None
        reply = reply_services.reply_for(answer.organisation, self.meeting)
        actor = self.officer if answer.on_behalf else self.portal(answer)
        reply_services.save_reply(reply, answer.data, submit=True, actor=actor)
        Reply.objects.filter(pk=reply.pk).update(submitted_at=answer.submitted)
        Invitation.objects.filter(
            organisation=answer.organisation, circular__meeting=self.meeting
        ).update(replied_at=answer.submitted)
        self.stamp(answer.submitted, *_REPLY_ROWS)
        self.found(answer, reply)

    def amend(self, answer: _Answer) -> None:
        assert answer.amended is not None and answer.added is not None
        reply = reply_services.reply_for(answer.organisation, self.meeting)
        data = reply_services.reply_data(reply)
        estimate = max(data.estimated_participants or 0, len(data.delegates) + 1)
        data = ReplyData(
            attending=True,
            estimated_participants=estimate,
            focal_point=data.focal_point,
            backup_focal_point=data.backup_focal_point,
            delegates=[*data.delegates, answer.added.data],
        )
        reply_services.save_reply(reply, data, submit=True, actor=self.portal(answer))
        self.stamp(answer.amended, *_REPLY_ROWS)
        self.found(answer, reply)

    def found(self, answer: _Answer, reply: Reply) -> None:
        """Each member's accreditation, as the submission created it."""
        by_position = {
            accreditation.delegate.position: accreditation
            for accreditation in Accreditation.objects.filter(delegate__reply=reply).select_related(
                "delegate"
            )
        }
        for member in [*answer.members, *([answer.added] if answer.added else [])]:
            member.accreditation = by_position.get(member.position, member.accreditation)

    def accreditation(self, member: _Member) -> Accreditation:
        assert member.accreditation is not None, "decided before the reply named them"
        return member.accreditation

    def decide(self, answer: _Answer, member: _Member) -> None:
        assert member.decided is not None
        accreditation = self.accreditation(member)
        if member.fate == AccreditationStatus.REJECTED:
            accreditation = accreditation_services.transition(
                accreditation,
                AccreditationStatus.REJECTED,
                reason=self.rng.choice(REJECTION_REASONS),
                actor=self.officer,
            )
        else:
            accreditation = accreditation_services.transition(
                accreditation, AccreditationStatus.APPROVED, actor=self.officer
            )
        member.accreditation = accreditation
        self.stamp(member.decided, (Accreditation, "updated_at"))
        if member.photo:
            when = member.decided + datetime.timedelta(days=1)
            photos.save_photo(
                accreditation,
                _portrait(self.rng),
                None,
                actor=Actor(
                    None, Channel.CLI, f"delegate {member.data.family_name} (demo history)"
                ),
            )
            self.stamp(when, (Accreditation, "updated_at"), (Accreditation, "photo_uploaded_at"))

    def withdraw(self, answer: _Answer, member: _Member, when: datetime.datetime) -> None:
        member.accreditation = accreditation_services.withdraw(
            self.accreditation(member),
            reason="Will not travel after all.",
            actor=self.portal(answer),
        )
        self.stamp(when, (Accreditation, "updated_at"))

    def scan(self, answer: _Answer, member: _Member, when: datetime.datetime) -> None:
        accreditation = self.accreditation(member)
        desk = self.rng.choice(DESKS)
        result = checkin.check_in(
            badge_code(accreditation),
            meeting=self.meeting,
            desk=desk,
            actor=checkin.desk_actor(self.doors, desk),
        )
        assert result.admitted, result.message
        if result.check_in is not None:
            CheckIn.objects.filter(pk=result.check_in.pk).update(scanned_at=when)
        entries = list(AuditEntry.objects.filter(pk__gt=self.last_entry))
        for entry in entries:  # the admission's own record names the time of the scan
            entry.changes = {"checked_in": [None, when.isoformat()], "desk": [None, desk]}
            entry.created_at = when
        AuditEntry.objects.bulk_update(entries, ["changes", "created_at"])
        self.stamp(when)

    def publish(self) -> None:
        when = self.at(EDITION_DATE, 17)
        edition = publish_edition(self.meeting, kind=EditionKind.PROVISIONAL, actor=self.comms)
        Edition.objects.filter(pk=edition.pk).update(date=EDITION_DATE + self.offset)
        prepare_edition(edition.pk)
        Edition.objects.filter(pk=edition.pk).update(
            requested_at=when, published_at=when + datetime.timedelta(minutes=1)
        )
        self.stamp(when)

    def publish_statistics(self) -> None:
        set_public_statistics(self.meeting, enabled=True, actor=self.comms)
        self.stamp(self.at(STATISTICS_DATE, 10))

    def portal(self, answer: _Answer) -> Actor:
        """The focal point answering, named as the portal names them. The channel is the
        command line's, which it is: the portal takes no changes after the deadline, and
        the whole meeting is past."""
        focal = answer.data.focal_point
        holder = f"{focal.given_name} {focal.family_name}".strip() if focal else ""
        return Actor(
            user=None, channel=Channel.CLI, label=f"{holder or 'focal point'} (demo history)"
        )


_REPLY_ROWS: tuple[tuple[type[models.Model], str], ...] = (
    (Reply, "updated_at"),
    (Accreditation, "created_at"),
    (Accreditation, "updated_at"),
    (Person, "created_at"),
    (Person, "updated_at"),
)


def _staff_actor(user: User | None, fallback: Actor) -> Actor:
    return Actor.staff(user) if user is not None else fallback


def _last_entry_id() -> int:
    return AuditEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def _chief_executives(organisations: list[Organisation]) -> dict[int, Position]:
    positions = Position.objects.filter(
        organisation__in=organisations, role=PositionRole.CHIEF_EXECUTIVE
    ).select_related("person")
    return {position.organisation_id: position for position in positions}


def _culture(organisation: Organisation, rng: random.Random) -> str:
    """The culture the delegation's names come from (see names.GIVEN_NAMES)."""
    style = names.COUNTRY_STYLES.get(organisation.country, organisation.language)
    if style == "en":
        region = COUNTRIES[organisation.country].region if organisation.country else ""
        return {"africa": "en-africa", "asia-pacific": "en-asia"}.get(region, "en")
    if style == "nordic":
        return "de"
    if style in ("ar", "ru", "zh") and rng.random() < 0.5:
        return f"{style}-native"
    return style if style in names.GIVEN_NAMES else "en"


def _domain(organisation: Organisation) -> str:
    website = organisation.website.removeprefix("https://").removeprefix("http://")
    return website.strip("/") or "delegates.example.org"


def _email(given: str, family: str, domain: str, fallback: str) -> str:
    words = [word for word in fold(f"{given} {family}").split() if word.isascii()]
    local = ".".join("".join(c for c in word if c.isalnum()) for word in words).strip(".")
    return f"{local or fallback}@{domain}"


def _portrait(rng: random.Random) -> bytes:
    """A small made-up passport photo: a plain silhouette on a pale background (PNG)."""
    background = tuple(rng.randint(205, 240) for _ in range(3))
    figure = tuple(rng.randint(40, 120) for _ in range(3))
    image = Image.new("RGB", (350, 450), background)
    draw = ImageDraw.Draw(image)
    draw.ellipse((115, 80, 235, 220), fill=figure)
    draw.rounded_rectangle((55, 250, 295, 470), radius=90, fill=figure)
    output = io.BytesIO()
    image.save(output, format="PNG")
    return output.getvalue()


def load_history(process: Process, *, actor: Actor) -> HistorySummary | None:
    """Play PrepCom-2's history unless its circular exists; returns what it holds, or
    None when it was there already. Call inside the demo's transaction."""
    if Circular.objects.filter(reference=REFERENCE).exists():
        return None
    meeting = Meeting.objects.get(code=MEETING_CODE)
    organisations = list(AUDIENCE.organisations().order_by("external_id"))
    started = timezone.now()
    history = _History(process, meeting, actor=actor)
    history.play(organisations)
    DBTaskResult.objects.filter(task_path__in=EMAIL_TASKS, enqueued_at__gte=started).delete()
    # The emails (not letters) about what happened here were never written nor sent.
    OutboundMessage.objects.filter(mailing__isnull=True, created_at__gte=started).delete()
    return summarise(meeting)


def summarise(meeting: Meeting) -> HistorySummary:
    replies = Reply.objects.filter(meeting=meeting)
    approved = Accreditation.objects.filter(meeting=meeting, status=AccreditationStatus.APPROVED)
    edition = Edition.objects.filter(meeting=meeting).order_by("-number").first()
    return HistorySummary(
        meeting=meeting.code,
        title=meeting.title,
        invited=Invitation.objects.filter(circular__meeting=meeting).count(),
        answered=replies.answered().count(),
        declined=replies.filter(state=ReplyState.DECLINED).count(),
        delegates=Accreditation.objects.filter(meeting=meeting).count(),
        approved=approved.count(),
        checked_in=CheckIn.objects.filter(meeting=meeting, result=CheckInResult.ENTERED).count(),
        listed=edition.shown if edition else 0,
    )
