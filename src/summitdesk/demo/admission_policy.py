# Russian text: its Cyrillic letters are meant.
# ruff: noqa: RUF001
"""The demo process's admission policy: non-governmental organisations, civil society and
business entities may apply, from a month before the replayed today to three months after
it, sending the documents the WSIS asked of them (purpose and activities, annual reports
with financial statements, governing body, constitution or by-laws). A second run leaves
an existing policy as it is."""

import datetime

from summitdesk.admission.models import AdmissionPolicy
from summitdesk.admission.policies import ChecklistLine, save_policy
from summitdesk.core.audit import Actor
from summitdesk.directory.enums import Category, StakeholderGroup
from summitdesk.meetings.models import Process

#: (English title, the other five, what it must show), in the WSIS's order.
CHECKLIST = (
    (
        "Purpose, programmes and activities",
        {
            "fr": "Objet, programmes et activités",
            "es": "Objetivos, programas y actividades",
            "ar": "الأهداف والبرامج والأنشطة",
            "ru": "Цели, программы и деятельность",
            "zh": "宗旨、方案和活动",
        },
        "The organisation's purpose and its programmes and activities in areas relevant "
        "to the Summit, with the country or countries where they are carried out.",
    ),
    (
        "Annual reports with financial statements",
        {
            "fr": "Rapports annuels et états financiers",
            "es": "Informes anuales con estados financieros",
            "ar": "التقارير السنوية مع البيانات المالية",
            "ru": "Годовые отчеты с финансовой отчетностью",
            "zh": "年度报告及财务报表",
        },
        "The latest annual reports, with financial statements and the sources of funding, "
        "governmental contributions included.",
    ),
    (
        "Governing body and membership",
        {
            "fr": "Organe directeur et membres",
            "es": "Órgano rector y miembros",
            "ar": "هيئة الإدارة والعضوية",
            "ru": "Руководящий орган и члены",
            "zh": "理事机构和成员",
        },
        "The members of the governing body with their nationalities; the number of "
        "members, the organisations among them and where they are.",
    ),
    (
        "Constitution or by-laws",
        {
            "fr": "Statuts ou règlement intérieur",
            "es": "Estatutos o reglamento",
            "ar": "النظام الأساسي أو اللوائح الداخلية",
            "ru": "Устав или положение",
            "zh": "章程或细则",
        },
        "A copy of the constitution or by-laws.",
    ),
)


def load_admission_policy(process: Process, *, actor: Actor, today: datetime.date) -> bool:
    """Give `process` its policy with the checklist; False when it had one already."""
    if AdmissionPolicy.objects.filter(process=process).exists():
        return False
    midnight = datetime.datetime.combine(today, datetime.time.min, tzinfo=datetime.UTC)
    save_policy(
        process,
        {
            "categories": [
                Category.CIVIL_SOCIETY,
                Category.ACADEMIA,
                Category.BUSINESS_ENTITY,
                Category.MEDIA,
            ],
            "stakeholder_groups": [StakeholderGroup.CIVIL_SOCIETY, StakeholderGroup.PRIVATE_SECTOR],
            "opens_at": midnight - datetime.timedelta(days=30),
            "closes_at": midnight + datetime.timedelta(days=90),
            "review_every_months": 48,
        },
        [
            ChecklistLine(
                pk=None,
                data={
                    "title": title,
                    "title_translations": translations,
                    "description": description,
                    "required": True,
                    "position": position,
                },
            )
            for position, (title, translations, description) in enumerate(CHECKLIST, start=1)
        ],
        actor=actor,
    )
    return True
