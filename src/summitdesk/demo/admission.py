"""The demo's applications for admission to the WSIS: a handful in every state of the
review, and PrepCom-2's decision already taken (three organisations admitted, with their
applicant as focal point; one not admitted; one admitted then suspended). The admitted
ones were already in the directory (civil society entries): staff chose that entry as the
same body, so admission completed it rather than making a second one. Played through the
review services; a second run adds nothing."""

import datetime
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from summitdesk.admission import review
from summitdesk.admission.enums import ApplicationStatus
from summitdesk.admission.models import AdmissionPolicy, Application, ApplicationDocument
from summitdesk.core.audit import Actor
from summitdesk.core.documents import DocumentState
from summitdesk.correspondence.models import OutboundMessage
from summitdesk.demo.history import EMAIL_TASKS
from summitdesk.directory.enums import Category
from summitdesk.directory.models import Organisation
from summitdesk.meetings.models import Meeting, Process

S = ApplicationStatus
PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Count 0/Kids[]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


@dataclass(frozen=True)
class Applicant:
    reference: str
    name: str
    acronym: str
    country: str
    given_name: str
    family_name: str
    #: Where the demo leaves it: a review status, or "admitted"/"not_admitted" by PrepCom-2.
    ends: str
    note: str = ""


APPLICANTS = [
    Applicant(
        "WSIS-A-001", "Rural Connectivity Alliance", "RCA", "KE", "Wanjiru", "Kamau", S.ADMITTED
    ),
    Applicant(
        "WSIS-A-002",
        "Red de Telecentros de América Latina",
        "RTAL",
        "PE",
        "Lucía",
        "Quispe",
        S.ADMITTED,
    ),
    Applicant("WSIS-A-003", "جمعية المعرفة الرقمية", "JMR", "JO", "Rania", "Haddad", S.ADMITTED),
    Applicant(
        "WSIS-A-004",
        "Open Spectrum Foundation",
        "OSF",
        "DE",
        "Jonas",
        "Weber",
        "suspended",
        "The secretariat learned that the foundation is a front for a vendor.",
    ),
    Applicant(
        "WSIS-A-005",
        "Global Gadget Promoters",
        "GGP",
        "US",
        "Kyle",
        "Barnes",
        S.NOT_ADMITTED,
        "A commercial reseller: outside the civil society criteria.",
    ),
    Applicant(
        "WSIS-A-006",
        "Association des Bibliothèques Numériques",
        "ABN",
        "SN",
        "Awa",
        "Diop",
        S.RECEIVED,
    ),
    Applicant(
        "WSIS-A-007",
        "Pacific Women in ICT",
        "PWICT",
        "FJ",
        "Mere",
        "Tuilagi",
        S.INCOMPLETE,
        "The signed statutes and the list of the board's members.",
    ),
    Applicant("WSIS-A-008", "Цифровое будущее", "ЦБ", "RU", "Olga", "Ivanova", S.UNDER_REVIEW),
    Applicant("WSIS-A-009", "数字包容网络", "DIN", "CN", "Li", "Wei", S.RECOMMENDED),
    Applicant(
        "WSIS-A-010",
        "Community Radio Network of South Asia",
        "CRNSA",
        "NP",
        "Sita",
        "Gurung",
        S.RECOMMENDED,
    ),
    Applicant(
        "WSIS-A-011",
        "Crypto Freedom League",
        "CFL",
        "MT",
        "Mark",
        "Borg",
        S.NOT_RECOMMENDED,
        "Its activities do not concern the information society's development goals.",
    ),
    Applicant(
        "WSIS-A-012",
        "Youth Coders Collective",
        "YCC",
        "GH",
        "Kofi",
        "Mensah",
        S.DEFERRED,
        "Registered three months ago: reconsidered once its first annual report is out.",
    ),
    Applicant(
        "WSIS-A-013", "Mesh Networks Without Borders", "MNWB", "BR", "Ana", "Souza", S.UNCONFIRMED
    ),
]

#: The review steps that lead to each status.
STEPS: dict[str, list[str]] = {
    S.RECEIVED: [],
    S.INCOMPLETE: [S.INCOMPLETE],
    S.UNDER_REVIEW: [S.UNDER_REVIEW],
    S.RECOMMENDED: [S.UNDER_REVIEW, S.RECOMMENDED],
    S.NOT_RECOMMENDED: [S.UNDER_REVIEW, S.NOT_RECOMMENDED],
    S.DEFERRED: [S.UNDER_REVIEW, S.DEFERRED],
    S.ADMITTED: [S.UNDER_REVIEW, S.RECOMMENDED],
    "suspended": [S.UNDER_REVIEW, S.RECOMMENDED],
    S.NOT_ADMITTED: [S.UNDER_REVIEW, S.NOT_RECOMMENDED],
}


def load_admission(process: Process, *, actor: Actor) -> int:
    """The applications and PrepCom-2's decision; returns how many applications were made."""
    AdmissionPolicy.objects.get_or_create(process=process, defaults={"review_every_months": 24})
    decider = Meeting.objects.filter(process=process, code="prepcom-2").first()
    if decider is None:
        return 0
    started = timezone.now()
    existing = set(Application.objects.filter(process=process).values_list("reference", flat=True))
    made = [applicant for applicant in APPLICANTS if applicant.reference not in existing]
    entries = iter(
        Organisation.objects.current()
        .filter(category=Category.CIVIL_SOCIETY, applications__isnull=True)
        .order_by("external_id", "pk")[:10]
    )
    for applicant in made:
        entry = next(entries, None) if applicant.ends in (S.ADMITTED, "suspended") else None
        _apply(process, applicant, entry=entry, actor=actor)
    admit = [a.reference for a in made if a.ends in (S.ADMITTED, "suspended")]
    not_admit = [a for a in made if a.ends == S.NOT_ADMITTED]
    if admit or not_admit:
        decided_on = decider.end_date or timezone.localdate()
        review.decide_many(
            decider,
            admit=admit,
            not_admit=[a.reference for a in not_admit],
            reasons=not_admit[0].note if not_admit else "",
            decided_on=decided_on,
            actor=actor,
        )
    for applicant in made:
        if applicant.ends == "suspended":
            application = Application.objects.get(reference=applicant.reference)
            review.suspend(application.admission, reason=applicant.note, actor=actor)
    # The applicants' emails about this past were never written nor sent.
    DBTaskResult.objects.filter(task_path__in=EMAIL_TASKS, enqueued_at__gte=started).delete()
    OutboundMessage.objects.filter(mailing__isnull=True, created_at__gte=started).delete()
    return len(made)


def _apply(
    process: Process, applicant: Applicant, *, entry: Organisation | None, actor: Actor
) -> None:
    confirmed = applicant.ends != S.UNCONFIRMED
    application = Application.objects.create(
        process=process,
        reference=applicant.reference,
        status=S.RECEIVED if confirmed else S.UNCONFIRMED,
        name=entry.name if entry else applicant.name,
        acronym=entry.acronym if entry else applicant.acronym,
        category="civil_society",
        stakeholder_group="civil_society",
        country=entry.country if entry else applicant.country,
        language="en",
        purpose="Brings the benefits of the information society to the communities it serves.",
        contact_title="Ms" if applicant.given_name[-1] in "aeiu" else "Mr",
        contact_given_name=applicant.given_name,
        contact_family_name=applicant.family_name,
        contact_function="Executive director",
        contact_email=f"{applicant.given_name}.{applicant.family_name}@{applicant.acronym.lower()}.example.org".lower(),
        email_confirmed_at=timezone.now() - datetime.timedelta(days=30) if confirmed else None,
    )
    if confirmed:
        document = ApplicationDocument(
            application=application,
            original_name="statutes.pdf",
            media_type="application/pdf",
            size=len(PDF),
            pages=0,
            state=DocumentState.ACCEPTED,
        )
        document.file.save(
            f"{applicant.reference.lower()}-statutes.pdf", ContentFile(PDF), save=False
        )
        document.save()
    if entry is not None:
        review.choose_entry(application, entry, actor=actor)
    for step in STEPS.get(applicant.ends, []):
        review.review(
            application,
            to=step,
            missing=applicant.note if step == S.INCOMPLETE else "",
            reasons=applicant.note if step in (S.NOT_RECOMMENDED, S.DEFERRED) else "",
            actor=actor,
        )
