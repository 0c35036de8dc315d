"""The Credentials Committee's report on a meeting: the delegations asked for credentials,
listed by what the examination found (in order, provisional, missing, not in order; those
received and not examined yet last), as a PDF (templates_typst/committee_report.typ) and
as rows for a CSV or XLSX file.

`report_for` reads the register into plain strings in the active language; `render_report`
lays them out and makes no query. Every value is printed by the template as text.
"""

import dataclasses
import datetime
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.utils import translation
from django.utils.translation import gettext as _

from summitdesk.correspondence.letters import RTL_LANGUAGES
from summitdesk.credentials import queries
from summitdesk.credentials.enums import CredentialsState
from summitdesk.credentials.models import Credentials
from summitdesk.lib.countries import COUNTRIES, country_name
from summitdesk.lib.dates import format_date
from summitdesk.lib.documents import render_pdf
from summitdesk.lib.localized import localized
from summitdesk.meetings.models import Meeting

TEMPLATE = Path(__file__).resolve().parent / "templates_typst" / "committee_report.typ"
CONTENT_TYPE = "application/pdf"

#: The report's sections, in its order.
SECTIONS = (
    CredentialsState.IN_ORDER,
    CredentialsState.PROVISIONAL,
    CredentialsState.MISSING,
    CredentialsState.NOT_IN_ORDER,
    CredentialsState.RECEIVED,
)


@dataclass(frozen=True)
class ReportLine:
    organisation: str
    country: str
    received_on: str = ""
    details: str = ""
    proxy_to: str = ""
    notes: str = ""


@dataclass(frozen=True)
class ReportSection:
    state: str
    title: str
    lines: list[ReportLine]


@dataclass(frozen=True)
class CommitteeReport:
    """The report's text: `dataclasses.asdict` is the template's JSON."""

    language: str
    title: str
    meeting: str
    produced_on: str
    summary: str
    sections: list[ReportSection] = field(default_factory=list)
    labels: dict[str, str] = field(default_factory=dict)
    direction: str = "ltr"


def _details(credentials: Credentials | None) -> str:
    if credentials is None:
        return ""
    parts = [
        credentials.get_form_display(),
        credentials.issuing_authority or credentials.get_issued_by_display(),
        credentials.get_scope_display(),
        credentials.get_standing_display(),
    ]
    return "; ".join(str(part) for part in parts if part)


def _country(code: str) -> str:
    return country_name(code) if code in COUNTRIES else ""


def report_for(meeting: Meeting, *, today: datetime.date) -> CommitteeReport:
    """The report on `meeting` as the register stands, in the active language."""
    language = (translation.get_language() or "en").split("-")[0]
    rows = queries.register(meeting)
    sections = []
    for state in SECTIONS:
        lines = [
            ReportLine(
                organisation=row.reply.organisation.name,
                country=_country(row.reply.organisation.country),
                received_on=format_date(row.credentials.received_on)
                if row.credentials and row.credentials.received_on
                else "",
                details=_details(row.credentials),
                proxy_to=row.proxy_to.organisation.name if row.proxy_to else "",
                notes=row.credentials.notes if row.credentials else "",
            )
            for row in rows
            if row.state == state
        ]
        if lines or state != CredentialsState.RECEIVED:
            sections.append(ReportSection(state.value, str(state.label), lines))
    counts = {section.state: len(section.lines) for section in sections}
    return CommitteeReport(
        language=language,
        title=_("Report of the Credentials Committee"),
        meeting=localized(meeting, "title"),
        produced_on=format_date(today),
        summary=_(
            "%(total)d delegations asked for credentials: %(in_order)d in order, "
            "%(provisional)d provisional, %(missing)d missing, %(not_in_order)d not in order."
        )
        % {
            "total": len(rows),
            "in_order": counts.get(CredentialsState.IN_ORDER, 0),
            "provisional": counts.get(CredentialsState.PROVISIONAL, 0),
            "missing": counts.get(CredentialsState.MISSING, 0),
            "not_in_order": counts.get(CredentialsState.NOT_IN_ORDER, 0),
        },
        sections=sections,
        labels={
            "meeting": _("Meeting"),
            "produced_on": _("Produced on"),
            "organisation": _("Delegation"),
            "country": _("Country"),
            "received_on": _("Received on"),
            "details": _("Form, issued by, scope"),
            "proxy_to": _("Powers transferred to"),
            "notes": _("Notes"),
            "none": _("None."),
        },
        direction="rtl" if language in RTL_LANGUAGES else "ltr",
    )


def render_report(report: CommitteeReport) -> bytes:
    return render_pdf(TEMPLATE, dataclasses.asdict(report))


def file_name(meeting: Meeting, extension: str) -> str:
    return f"credentials-{meeting.code}.{extension}"


HEADER = [
    "organisation",
    "name",
    "country",
    "credentials_state",
    "received_on",
    "form",
    "issued_by",
    "issuing_authority",
    "scope",
    "standing",
    "proxy_to",
    "missing_documents",
    "notes",
]


def rows(meeting: Meeting) -> Iterator[list[Any]]:
    """The register as rows of values (header apart, `HEADER`), in the report's order."""
    register = queries.register(meeting)
    for state in SECTIONS:
        for row in register:
            if row.state != state:
                continue
            credentials = row.credentials
            yield [
                row.reply.organisation_id,
                row.reply.organisation.name,
                row.reply.organisation.country,
                row.state.value,
                credentials.received_on if credentials and credentials.received_on else "",
                credentials.form if credentials else "",
                credentials.issued_by if credentials else "",
                credentials.issuing_authority if credentials else "",
                credentials.scope if credentials else "",
                credentials.standing if credentials else "",
                row.proxy_to.organisation.name if row.proxy_to else "",
                ",".join(kind.value for kind in row.missing),
                credentials.notes if credentials else "",
            ]
