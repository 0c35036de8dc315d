"""Documents for a meeting's decision: the applications the secretariat recommends, and the
organisations admitted to the process. The same rows feed the staff and public pages, the
PDFs (templates_typst/decision_list.typ) and the exports; they carry the organisation's
name, acronym, country and category only, never the applicant's contact or documents."""

import datetime
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Literal

from django.db.models import QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from summitdesk.admission.enums import AdmissionStatus, ApplicationStatus
from summitdesk.admission.models import Admission, Application
from summitdesk.directory.enums import Category
from summitdesk.lib.countries import country_name
from summitdesk.lib.dates import format_date
from summitdesk.lib.documents import render_pdf
from summitdesk.lib.localized import localized
from summitdesk.meetings.models import Meeting, Process

TEMPLATE = Path(__file__).resolve().parent / "templates_typst" / "decision_list.typ"
RTL = ("ar", "he", "fa", "ur")

ListKind = Literal["recommended", "admitted"]
KINDS: tuple[ListKind, ...] = ("recommended", "admitted")


@dataclass(frozen=True)
class Row:
    name: str
    acronym: str
    country: str
    country_name: str
    category: str
    reference: str = ""
    admitted_on: str = ""


def recommended_applications(process: Process) -> "QuerySet[Application]":
    return Application.objects.filter(
        process=process, status=ApplicationStatus.RECOMMENDED
    ).order_by("name", "pk")


def admitted(process: Process) -> "QuerySet[Admission]":
    return (
        Admission.objects.filter(process=process, status=AdmissionStatus.ADMITTED)
        .select_related("organisation")
        .order_by("organisation__name_key", "pk")
    )


def rows(process: Process, kind: ListKind) -> list[Row]:
    """The list's rows, in the active language."""
    if kind == "recommended":
        return [
            Row(
                name=application.name,
                acronym=application.acronym,
                country=application.country,
                country_name=country_name(application.country),
                category=str(Category(application.category).label)
                if application.category in Category.values
                else application.category,
                reference=application.reference,
            )
            for application in recommended_applications(process)
        ]
    return [
        Row(
            name=admission.organisation.name,
            acronym=admission.organisation.acronym,
            country=admission.organisation.country,
            country_name=country_name(admission.organisation.country),
            category=admission.organisation.get_category_display(),
            admitted_on=format_date(admission.admitted_on),
        )
        for admission in admitted(process)
    ]


def title(process: Process, kind: ListKind) -> str:
    name = localized(process, "name")
    if kind == "recommended":
        return _("Applications recommended for admission: %(process)s") % {"process": name}
    return _("Organisations admitted: %(process)s") % {"process": name}


def deciding_meeting(process: Process, code: object) -> Meeting | None:
    """The meeting of `process` named by `code` (a query's value), else None."""
    text = str(code or "").strip()[:50]
    return Meeting.objects.filter(process=process, code=text).first() if text else None


def subtitle(meeting: Meeting | None) -> str:
    if meeting is None:
        return ""
    return _("For the decision of %(meeting)s") % {"meeting": localized(meeting, "title")}


def document_data(
    process: Process,
    kind: ListKind,
    *,
    meeting: Meeting | None = None,
    now: datetime.datetime | None = None,
) -> dict[str, Any]:
    language = translation.get_language() or "en"
    listed = rows(process, kind)
    return {
        "title": title(process, kind),
        "subtitle": subtitle(meeting) if kind == "recommended" else "",
        "language": language.split("-")[0],
        "direction": "rtl" if language.split("-")[0] in RTL else "ltr",
        "produced_on": format_date(timezone.localdate(now) if now else timezone.localdate()),
        "count": len(listed),
        "labels": {
            "name": _("Organisation"),
            "country": _("Country"),
            "category": _("Category"),
            "reference": _("Reference"),
            "admitted_on": _("Admitted on"),
            "produced_on": _("Produced on"),
            "total": _("Total"),
            "none": _("None."),
        },
        "kind": kind,
        "rows": [asdict(row) for row in listed],
    }


def render(process: Process, kind: ListKind, *, meeting: Meeting | None = None) -> bytes:
    """The list as a PDF (the recommended one naming the meeting that decides, if given)."""
    return render_pdf(TEMPLATE, document_data(process, kind, meeting=meeting))


def file_name(process: Process, kind: ListKind) -> str:
    return f"{process.code}-{kind}.pdf"
