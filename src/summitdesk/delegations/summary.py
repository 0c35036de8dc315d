"""A reply as a one- or two-page PDF: what the organisation answered, as the secretariat
holds it. Attached to the confirmation email and downloadable from the portal.

`summary_for` reads the reply (a few queries) into a `ReplySummary` of plain strings, in
the active language; `render_summary` lays that out with templates_typst/reply_summary.typ
and makes no query. Every value is printed as text by the template, never as markup.
"""

import dataclasses
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from django.utils import translation
from django.utils.translation import gettext as _

from summitdesk.correspondence.compose import format_deadline
from summitdesk.correspondence.letters import RTL_LANGUAGES
from summitdesk.delegations import services
from summitdesk.delegations.enums import ReplyState
from summitdesk.delegations.models import Reply
from summitdesk.delegations.participant_types import head_level, level_label
from summitdesk.delegations.services import PersonData
from summitdesk.lib.countries import COUNTRIES, country_name
from summitdesk.lib.documents import render_pdf
from summitdesk.lib.localized import localized

CONTENT_TYPE = "application/pdf"
TEMPLATE = Path(__file__).resolve().parent / "templates_typst" / "reply_summary.typ"


@dataclass(frozen=True)
class SummaryPerson:
    name: str
    function: str = ""
    email: str = ""
    phone: str = ""


@dataclass(frozen=True)
class SummaryMember:
    name: str
    function: str = ""
    nationality: str = ""
    is_head: bool = False
    consent: str = ""


@dataclass(frozen=True)
class ReplySummary:
    """The summary's text, ready to print: `dataclasses.asdict` is the template's JSON."""

    language: str
    title: str
    organisation: str
    meeting: str
    state: str
    answer: str
    declined: bool = False
    decline_reason: str = ""
    focal_point: SummaryPerson | None = None
    backup_focal_point: SummaryPerson | None = None
    estimate: str = ""
    head: str = ""
    head_level: str = ""
    members: list[SummaryMember] = field(default_factory=list)
    submitted_at: str = ""
    produced_at: str = ""
    labels: dict[str, str] = field(default_factory=dict)
    direction: str = "ltr"


def _labels() -> dict[str, str]:
    return {
        "organisation": _("Organisation"),
        "meeting": _("Meeting"),
        "state": _("State"),
        "answer": _("Answer"),
        "decline_reason": _("Reason for declining"),
        "focal_point": _("Designated focal point"),
        "backup_focal_point": _("Backup focal point"),
        "estimate": _("Estimated number of participants"),
        "head": _("Head of delegation"),
        "head_level": _("Level"),
        "members": _("Delegation"),
        "name": _("Name"),
        "function": _("Function"),
        "nationality": _("Nationality"),
        "consent": _("On the published List of Participants"),
        "submitted_at": _("Submitted"),
        "produced_at": _("Summary produced"),
        "none": _("Nobody named yet."),
        "head_mark": _("head of delegation"),
    }


def _when(value: datetime | None, time_zone: str, language: str) -> str:
    """In the meeting's time zone, which it names: 12 September 2003, 18:00 (Europe/Zurich)."""
    return format_deadline(value, time_zone, language)


def _name(*parts: str) -> str:
    return " ".join(part for part in parts if part)


def _person(data: PersonData | None) -> SummaryPerson | None:
    if data is None:
        return None
    return SummaryPerson(
        name=_name(data.title, data.given_name, data.family_name),
        function=data.function,
        email=data.email,
        phone=data.phone,
    )


def summary_for(reply: Reply, *, now: datetime) -> ReplySummary:
    """The summary of `reply` as it stands, in the active language."""
    reply = Reply.objects.select_related("organisation", "meeting", "focal_point").get(pk=reply.pk)
    data = services.reply_data(reply)
    time_zone = reply.meeting.time_zone
    language = translation.get_language() or "en"
    if reply.attending is True:
        answer = _("Will attend")
    elif reply.attending is False:
        answer = _("Declines the invitation")
    else:
        answer = _("Not answered yet")
    members = [
        SummaryMember(
            name=_name(member.title, member.given_name, member.family_name),
            function=member.function,
            nationality=(
                country_name(member.nationality) if member.nationality in COUNTRIES else ""
            ),
            is_head=member.is_head,
            consent=_("Yes") if member.consent_to_publish else _("No"),
        )
        for member in data.delegates
    ]
    head = next((member for member in members if member.is_head), None)
    estimate = ""
    if data.estimated_participants is not None:
        estimate = _("%(estimate)d (%(named)d named)") % {
            "estimate": data.estimated_participants,
            "named": len(members),
        }
    return ReplySummary(
        language=language.split("-")[0],
        title=_("Reply of %(organisation)s") % {"organisation": reply.organisation.name},
        organisation=str(reply.organisation),
        meeting=localized(reply.meeting, "title"),
        state=str(ReplyState(reply.state).label),
        answer=answer,
        declined=reply.attending is False,
        decline_reason=data.decline_reason if reply.attending is False else "",
        focal_point=_person(data.focal_point),
        backup_focal_point=_person(data.backup_focal_point),
        estimate=estimate,
        head=head.name if head else "",
        head_level=level_label(head_level(data)),
        members=members if reply.attending is not False else [],
        submitted_at=_when(reply.submitted_at, time_zone, language),
        produced_at=_when(now, time_zone, language),
        labels=_labels(),
        direction="rtl" if language.split("-")[0] in RTL_LANGUAGES else "ltr",
    )


def summary_data(summary: ReplySummary) -> dict[str, Any]:
    """The JSON value the template reads."""
    return dataclasses.asdict(summary)


def render_summary(summary: ReplySummary) -> bytes:
    """The summary as a PDF (application/pdf)."""
    return render_pdf(TEMPLATE, summary_data(summary))


def file_name(reply: Reply) -> str:
    """`reply-<meeting code>-<reply id>.pdf`: nothing an organisation wrote goes in it."""
    return f"reply-{reply.meeting.code}-{reply.pk}.pdf"
