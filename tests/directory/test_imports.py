import io
import json
import os
import random
import subprocess
import sys
import zipfile
from collections import Counter
from datetime import timedelta
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from summitdesk.core.audit import Actor
from summitdesk.core.enums import Channel
from summitdesk.core.models import AuditEntry
from summitdesk.directory import imports
from summitdesk.directory.enums import OrganisationStatus, PositionRole
from summitdesk.directory.imports import DuplicateFlag, FileError, ImportReport, RowError
from summitdesk.directory.models import (
    DuplicateCandidate,
    ImportJob,
    ImportJobStatus,
    Organisation,
    Person,
    Position,
)
from summitdesk.lib.progress import ProgressBar
from tests.factories import OrganisationFactory, PersonFactory, PositionFactory, UserFactory
from tests.tasks import run_queued_tasks

pytestmark = pytest.mark.django_db
ACTOR = Actor.system("import-organisations", Channel.CLI)
CATEGORIES = (
    "Member State, Sector Member, Associate, Academia, Accredited business entity, "
    "Civil society, International organisation, Media"
)


def csv_file(*lines: str, encoding: str = "utf-8") -> bytes:
    return "\r\n".join(lines).encode(encoding) + b"\r\n"


def run(content: bytes, filename: str = "orgs.csv", **options: Any) -> ImportReport:
    return imports.import_organisations(content, filename, actor=ACTOR, **options)


def directory_state() -> tuple[list[tuple[Any, ...]], int, int, int, int]:
    organisations = list(
        Organisation.objects.order_by("pk").values_list(
            "pk", "external_id", "name", "acronym", "category", "country", "email", "updated_at"
        )
    )
    return (
        organisations,
        Person.objects.count(),
        Position.objects.count(),
        AuditEntry.objects.count(),
        DuplicateCandidate.objects.count(),
    )


MESSY = "\ufeff" + "\r\n".join(
    [
        " EXTERNAL_ID ;Name; Category ;stakeholder group;SECTORS;Country;language;"
        " CEO Email ;Ceo Family Name;ceo given name",
        'A-1; Télécom Sans Frontières ;sector member;Private Sector;"ITU-T; ITU-D";FRA; fr ;'
        " ceo@tsf.example.org ;Dupont;Claire",
        "",
        "A-2;Global  Radio Union;Member State;;r;Switzerland;EN;;;",
        ";;;;;;;;;",
        "A-3;Academia Nuts;academia;civil_society;itu-r, itu-d;Côte d'Ivoire;Spanish;;;",
    ]
)


def test_import_messy_csv_creates_every_row() -> None:
    report = run(MESSY.encode("utf-8"))

    assert (report.total_rows, report.created, report.refused, report.errors) == (3, 3, 0, [])
    rows = Organisation.objects.order_by("external_id").values_list(
        "external_id",
        "name",
        "category",
        "stakeholder_group",
        "itu_r",
        "itu_t",
        "itu_d",
        "country",
        "language",
    )
    assert list(rows) == [
        (
            "A-1",
            "Télécom Sans Frontières",
            "sector_member",
            "private_sector",
            False,
            True,
            True,
            "FR",
            "fr",
        ),
        (
            "A-2",
            "Global Radio Union",
            "member_state",
            "governments",
            True,
            False,
            False,
            "CH",
            "en",
        ),
        ("A-3", "Academia Nuts", "academia", "civil_society", True, False, True, "CI", "es"),
    ]


def test_import_messy_csv_creates_chief_executive() -> None:
    run(MESSY.encode("utf-8"))

    position = Position.objects.select_related("person", "organisation").get()
    assert position.organisation.external_id == "A-1"
    assert position.role == PositionRole.CHIEF_EXECUTIVE
    person = position.person
    assert (person.given_name, person.family_name, person.email) == (
        "Claire",
        "Dupont",
        "ceo@tsf.example.org",
    )
    entries = AuditEntry.objects.filter(organisation=position.organisation).order_by("pk")
    assert [(entry.action, entry.note) for entry in entries] == [
        ("summitdesk.organisation.created", "orgs.csv, row 2"),
        ("summitdesk.person.created", "orgs.csv, row 2"),
        ("summitdesk.position.assigned", "orgs.csv, row 2"),
    ]


def test_import_windows_1252_keeps_accents() -> None:
    # The apostrophe is a typographic one, a byte that UTF-8 does not allow alone.
    content = csv_file(
        "external_id,name,category,country",
        "W-1,L’Union Télécom de Zürich,Member State,CHE",  # noqa: RUF001
        "W-2,Société Générale,Accredited business entity,France",
        encoding="cp1252",
    )

    report = run(content)

    assert report.created == 2
    assert list(
        Organisation.objects.order_by("external_id").values_list("name", "stakeholder_group")
    ) == [
        ("L’Union Télécom de Zürich", "governments"),  # noqa: RUF001
        ("Société Générale", "private_sector"),
    ]


def test_import_reports_every_bad_row_and_writes_nothing() -> None:
    OrganisationFactory(external_id="B-9", name="Already There")
    before = directory_state()
    content = csv_file(
        "external_id,name,category,stakeholder_group,country,email",
        "B-1,Good One,Member State,,CH,info@good.example.org",
        "B-2,Atlantis Telecom,Sector Member,Private sector,Atlantis,",
        "B-3,Bad Mail,Academia,Civil society,FR,not-an-email",
        "B-4,,Academia,Civil society,FR,",
        "B-1,Again,Member State,,CH,",
        "B-5,Odd,Space agency,Governments,CH,",
        "B-9,,,,,",
    )

    report = run(content)

    assert report.errors == [
        RowError(3, "country", 'unknown country "Atlantis"'),
        RowError(4, "email", 'not a valid email address: "not-an-email"'),
        RowError(5, "name", "required for a new organisation"),
        RowError(6, "external_id", 'external ID "B-1" already used in row 2'),
        RowError(7, "category", f'unknown category "Space agency"; expected one of: {CATEGORIES}'),
    ]
    assert (report.created, report.unchanged, report.refused, report.written) == (1, 1, 5, False)
    assert directory_state() == before


def xlsx_file(rows: list[list[Any]]) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_import_mangled_files_are_refused_whole_or_row_by_row() -> None:
    rng = random.Random(20030709)
    samples = {
        "orgs.csv": MESSY.encode("utf-8"),
        "orgs.xlsx": xlsx_file([line.split(";") for line in MESSY.splitlines()]),
    }
    outcomes: Counter[str] = Counter()
    # FUZZ=5000 searches harder (about ten seconds); 60 keeps the suite quick.
    for _attempt in range(int(os.environ.get("FUZZ", "60"))):
        filename = rng.choice(sorted(samples))
        content = bytearray(samples[filename])
        for _change in range(rng.randint(1, 6)):
            position = rng.randrange(len(content))
            if rng.random() < 0.5:
                content[position] = rng.choice(b';,"\r\n\x00\xff\xe9 aZ9')
            else:
                del content[position]
        before = directory_state()
        try:
            report = run(bytes(content), filename)
        except FileError:
            outcomes["unreadable"] += 1
            assert directory_state() == before
            continue
        outcomes["refused" if report.refused else "imported"] += 1
        if report.refused:
            assert directory_state() == before

    assert sorted(outcomes) == ["imported", "refused", "unreadable"]


def test_row_error_reads_as_row_column_reason() -> None:
    error = RowError(7, "country", 'unknown country "Atlantis"')

    assert str(error) == 'row 7, country: unknown country "Atlantis"'


def test_import_only_valid_imports_good_rows() -> None:
    content = csv_file(
        "external_id,name,category,country",
        "C-1,Good,Member State,CH",
        "C-2,Bad,Member State,Atlantis",
        "C-3,Also Good,Civil society,Kenya",
    )

    report = run(content, only_valid=True)

    assert (report.created, report.refused, report.written, report.exit_code) == (2, 1, True, 3)
    assert list(Organisation.objects.order_by("pk").values_list("external_id", flat=True)) == [
        "C-1",
        "C-3",
    ]


@pytest.mark.parametrize("only_valid", [False, True])
def test_import_dry_run_writes_nothing(only_valid: bool) -> None:
    OrganisationFactory(external_id="D-1", name="Before")
    before = directory_state()
    content = csv_file(
        "external_id,name,category,country,ceo_family_name",
        "D-1,After,,,Okafor",
        "D-2,New,Member State,NG,",
        "D-3,Bad,Member State,Atlantis,",
    )

    report = run(content, dry_run=True, only_valid=only_valid)

    assert (report.created, report.updated, report.refused, report.written) == (1, 1, 1, False)
    assert directory_state() == before


def test_import_same_file_twice_changes_nothing() -> None:
    content = csv_file(
        "external_id,name,acronym,category,stakeholder_group,country,website,ceo_family_name",
        "R-1,Radio One,R1,Member State,,CH,www.radio-one.example.org,Keller",
        ",No Key Institute,NKI,Academia,Civil society,FR,,",
        ",No Key Institute,NKI,Academia,Civil society,FR,,Tanaka",
    )
    first = run(content)
    before = directory_state()

    again = run(content)

    assert (first.created, first.refused, len(first.duplicates)) == (3, 0, 1)
    assert (again.created, again.updated, again.unchanged, again.written) == (0, 0, 3, False)
    assert directory_state() == before


def test_import_update_leaves_blank_cells_alone() -> None:
    organisation = OrganisationFactory(
        external_id="U-1",
        name="Old Name",
        acronym="ON",
        email="old@example.org",
        itu_t=True,
        language="fr",
    )
    content = csv_file(
        "external_id,name,acronym,category,sectors,country,language,email",
        "U-1, New Name ,,,,,,",
    )

    report = run(content)

    organisation.refresh_from_db()
    assert (report.updated, report.created) == (1, 0)
    assert (organisation.name, organisation.acronym, organisation.email) == (
        "New Name",
        "ON",
        "old@example.org",
    )
    assert (organisation.itu_t, organisation.language, organisation.country) == (True, "fr", "CH")
    assert organisation.name_key == "newname"


def test_import_update_records_old_and_new_values() -> None:
    organisation = OrganisationFactory(external_id="U-2", name="Old", email="old@example.org")
    content = csv_file("external_id,name,email,sectors", "U-2,New,new@example.org,ITU-D")

    run(content)

    entry = AuditEntry.objects.get(action="summitdesk.organisation.changed")
    assert entry.organisation_id == organisation.pk
    assert (entry.channel, entry.actor_label, entry.note) == (
        "cli",
        "import-organisations",
        "orgs.csv, row 2",
    )
    assert entry.changes == {
        "name": ["Old", "New"],
        "email": ["old@example.org", "new@example.org"],
        "itu_d": [False, True],
    }


def test_import_create_records_every_field() -> None:
    content = csv_file(
        "external_id,name,category,country,website", "N-1,Newcomer,Member State,CH,www.n.org"
    )

    run(content)

    entry = AuditEntry.objects.get(action="summitdesk.organisation.created")
    assert entry.object_id == str(Organisation.objects.get().pk)
    assert entry.changes == {
        "external_id": [None, "N-1"],
        "name": [None, "Newcomer"],
        "acronym": [None, ""],
        "category": [None, "member_state"],
        "stakeholder_group": [None, "governments"],
        "itu_r": [None, False],
        "itu_t": [None, False],
        "itu_d": [None, False],
        "country": [None, "CH"],
        "language": [None, "en"],
        "address": [None, ""],
        "email": [None, ""],
        "website": [None, "https://www.n.org"],
        "status": [None, "active"],
    }


def test_import_external_id_of_merged_organisation_updates_the_kept_one() -> None:
    kept = OrganisationFactory(external_id="K-1", name="Kept")
    merged = OrganisationFactory(
        external_id="M-1", name="Merged", status=OrganisationStatus.MERGED, merged_into=kept
    )

    report = run(csv_file("external_id,name,acronym", "M-1,,KPT"))

    kept.refresh_from_db()
    merged.refresh_from_db()
    assert (report.updated, report.created) == (1, 0)
    assert (kept.acronym, kept.external_id, merged.acronym) == ("KPT", "K-1", "")


def test_import_two_rows_for_one_organisation_refuses_the_second() -> None:
    kept = OrganisationFactory(external_id="K-2", name="Kept")
    OrganisationFactory(
        external_id="M-2", name="Merged", status=OrganisationStatus.MERGED, merged_into=kept
    )

    report = run(csv_file("external_id,name,acronym", "K-2,,A", "M-2,,B"))

    assert report.errors == [RowError(3, "external_id", "updates the same organisation as row 2")]


def test_import_flags_same_name_with_other_accents_and_punctuation() -> None:
    existing = OrganisationFactory(name="Télécom Sans Frontières", country="FR")

    report = run(csv_file("name,category,country", "Telecom sans-frontieres!,Civil society,BE"))

    new = Organisation.objects.get(country="BE")
    assert report.duplicates == [
        DuplicateFlag(
            row=2,
            name="Telecom sans-frontieres!",
            reason="same name",
            other_name="Télécom Sans Frontières",
            other_id=existing.pk,
            organisation_id=new.pk,
        )
    ]
    candidate = DuplicateCandidate.objects.get()
    assert (candidate.organisation_id, candidate.other_id, candidate.reason) == (
        existing.pk,
        new.pk,
        "same name",
    )


def test_import_flags_same_acronym_and_country() -> None:
    existing = OrganisationFactory(name="International Telecommunication Union", acronym="ITU")

    report = run(
        csv_file(
            "name,acronym,category,stakeholder_group,country",
            "Union of Telecoms,itu,Associate,Private sector,CH",
            "Other Union,I.T.U.,Associate,Private sector,FR",
        )
    )

    assert [(flag.row, flag.reason, flag.other_id) for flag in report.duplicates] == [
        (2, "same acronym and country", existing.pk)
    ]
    assert DuplicateCandidate.objects.count() == 1


def test_import_flags_likely_duplicates_within_the_file() -> None:
    report = run(
        csv_file("name,category,country", "Acme Corp,Member State,CH", "ACME corp.,Member State,DE")
    )

    first, second = Organisation.objects.order_by("pk")
    assert [(flag.row, flag.other_row, flag.other_name) for flag in report.duplicates] == [
        (3, 2, "Acme Corp")
    ]
    candidate = DuplicateCandidate.objects.get()
    assert (candidate.organisation_id, candidate.other_id) == (first.pk, second.pk)


def test_import_xlsx_reads_numbers_as_text() -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["External ID", "Name", "Category", "Country", "CEO Family Name", "CEO Phone"])
    sheet.append([123, "Numbers Inc", "Accredited business entity", "DEU", "Schmidt", 41227305111])
    sheet.append([])
    sheet.append([124.0, " Floats Ltd ", "Member State", "Atlantis", None, None])
    buffer = io.BytesIO()
    workbook.save(buffer)

    report = run(buffer.getvalue(), "orgs.xlsx", only_valid=True)

    assert report.errors == [RowError(4, "country", 'unknown country "Atlantis"')]
    organisation = Organisation.objects.get()
    assert (organisation.external_id, organisation.country) == ("123", "DE")
    assert Person.objects.get().phone == "41227305111"


def test_import_chief_executive_update_changes_the_same_person() -> None:
    organisation = OrganisationFactory(external_id="P-1")
    person = PersonFactory(given_name="Amina", family_name="Diallo", phone="1")
    PositionFactory(organisation=organisation, person=person)

    report = run(csv_file("external_id,name,ceo_family_name,ceo_phone", "P-1,,DIALLO,+221 33 000"))

    person.refresh_from_db()
    assert (report.updated, Person.objects.count()) == (1, 1)
    assert person.phone == "+221 33 000"
    entry = AuditEntry.objects.get(action="summitdesk.person.changed")
    assert (entry.changes, entry.organisation_id) == (
        {"family_name": ["Diallo", "DIALLO"], "phone": ["1", "+221 33 000"]},
        organisation.pk,
    )


def test_import_new_chief_executive_replaces_the_previous_one() -> None:
    organisation = OrganisationFactory(external_id="P-2")
    previous = PositionFactory(organisation=organisation).person

    run(csv_file("external_id,name,ceo_given_name,ceo_family_name", "P-2,,Jean,Martin"))

    roles = organisation.positions.order_by("role").values_list("person__family_name", "role")
    assert list(roles) == [
        ("Martin", PositionRole.CHIEF_EXECUTIVE),
        (previous.family_name, PositionRole.OTHER_CONTACT),
    ]


def test_import_new_chief_executive_needs_a_family_name() -> None:
    report = run(csv_file("name,category,country,ceo_email", "Org,Member State,CH,a@b.org"))

    assert report.errors == [
        RowError(2, "ceo_family_name", "needed to record a new chief executive")
    ]


def test_import_checks_website_and_stakeholder_group() -> None:
    content = csv_file(
        "name,category,stakeholder_group,country,website",
        "Site,Member State,,CH,not a site",
        "Group,Sector Member,,CH,",
        "Fine,Media,civil society,CH,http://media.example.org/",
    )

    report = run(content)

    assert report.errors == [
        RowError(2, "website", 'not a valid web address: "not a site"'),
        RowError(3, "stakeholder_group", "required for a new organisation"),
    ]


def test_import_refuses_row_with_more_cells_than_columns() -> None:
    report = run(csv_file("name,category,country", "Acme, Inc,Member State,CH"))

    assert report.errors == [
        RowError(
            2,
            "",
            "more cells than the header has columns: a value containing the delimiter must be "
            "in quotes",
        )
    ]


def test_import_reads_utf16_tab_separated_text() -> None:
    content = "name\tcategory\tcountry\n电信研究院\tMember State\tChina\n".encode("utf-16")

    report = run(content, "orgs.txt")

    assert (report.created, Organisation.objects.get().country) == (1, "CN")


def test_import_title_row_without_delimiter_keeps_semicolon_columns() -> None:
    content = csv_file(
        "Liste des organisations",
        "Name;Category;Stakeholder group;Country",
        "Société des Télécoms;Sector Member;Private sector;France",
        encoding="cp1252",
    )

    report = run(content)

    assert (report.created, report.errors) == (1, [])
    assert Organisation.objects.get().name == "Société des Télécoms"


def test_import_semicolons_with_commas_in_quoted_address_keep_their_columns() -> None:
    # Excel's CSV in French, Spanish or German: semicolons, and an address quoted because
    # it holds commas (more commas on the row than semicolons).
    content = csv_file(
        "Liste des organisations, 2026",
        "name;category;stakeholder group;address;country",
        'Telefónica;Sector Member;Private sector;"Gran Vía, 28, planta 3, 28013 Madrid, España";ES',
        encoding="cp1252",
    )

    report = run(content)

    assert (report.created, report.errors) == (1, [])
    assert report.warnings == [
        "the file is not UTF-8: its text was read as Windows-1252 (Western European); "
        "check its accents",
        "rows above the header ignored: 1",
    ]
    assert list(Organisation.objects.values_list("name", "address", "country")) == [
        ("Telefónica", "Gran Vía, 28, planta 3, 28013 Madrid, España", "ES")
    ]


def test_import_semicolons_after_excel_sep_line_with_commas_in_quotes() -> None:
    content = csv_file(
        "sep=;",
        "Organisations, 2026;;",
        "name;category;stakeholder group;address;country",
        'Deutsche Telekom;Sector Member;Private sector;"Friedrich-Ebert-Allee 140, 53113 Bonn, '
        'Germany";DE',
    )

    report = run(content)

    # The "sep=" line is not a row: Excel does not show it.
    assert (report.created, report.errors, report.warnings) == (
        1,
        [],
        ["rows above the header ignored: 1"],
    )
    assert Organisation.objects.get().address == "Friedrich-Ebert-Allee 140, 53113 Bonn, Germany"


def test_import_cyrillic_windows_1251_is_recognised_and_named() -> None:
    content = csv_file(
        "name;category;stakeholder group;address;country",
        'Ростелеком;Sector Member;Private sector;"Москва, ул. Гончарова, 17";RU',
        'Мегафон;Sector Member;Private sector;"Москва, Кадашёвская наб., 30";RU',
        encoding="cp1251",
    )

    report = run(content)

    assert (report.created, report.errors) == (2, [])
    assert report.warnings == [
        "the file is not UTF-8: its text was read as Windows-1251 (Cyrillic); check its accents"
    ]
    assert sorted(Organisation.objects.values_list("name", flat=True)) == ["Мегафон", "Ростелеком"]


def test_import_semicolons_told_apart_from_commas_inside_quotes() -> None:
    content = csv_file(
        "name;category;country;address",
        'ACME;Member State;CH;"Rue du Lac, 12, case postale 3, 1211 Genève, Suisse"',
    )

    report = run(content, dry_run=True)

    assert (report.created, report.errors, report.warnings) == (1, [], [])


def test_import_utf8_names_no_encoding() -> None:
    report = run(csv_file("name;category;country", "Ростелеком;Member State;RU"), dry_run=True)

    assert (report.created, report.warnings) == (1, [])


def test_import_finds_header_below_title_rows() -> None:
    content = csv_file(
        "Organisations for WSIS,,", ",,", "Organisation name,Category,Country code", "A,Academia,CH"
    )

    report = run(content, dry_run=True)

    assert report.warnings == ["rows above the header ignored: 1"]
    assert (report.created, report.errors) == (
        0,
        [RowError(4, "stakeholder_group", "required for a new organisation")],
    )


def test_import_refuses_cells_swallowed_by_a_missing_quote() -> None:
    content = csv_file(
        "name,category,country", '"Acme,Member State,CH', "Zenith,Member State,FR", "Last,Media,CH"
    )

    report = run(content)

    assert report.errors == [
        RowError(2, "name", "a line break inside the cell: is a closing quote missing?")
    ]
    assert Organisation.objects.count() == 0


def test_import_warns_once_about_unknown_columns() -> None:
    content = csv_file("name,Notes,category,country", "A,x,Member State,CH", "B,y,Member State,FR")

    report = run(content)

    assert (report.created, report.warnings) == (2, ['unknown column "Notes" ignored'])


@pytest.mark.parametrize(
    ("content", "filename", "message"),
    [
        (bytes(range(256)) * 4, "orgs.csv", "neither an XLSX workbook nor CSV text"),
        (b"id,title\r\n1,x\r\n", "orgs.csv", 'found: "id", "title"'),
        (b"external_id,name\r\n1,x\r\n", "orgs.xlsx", "not a valid XLSX workbook"),
        (b"PK\x03\x04garbage", "orgs.csv", "not a valid XLSX workbook"),
        (b"\xd0\xcf\x11\xe0" + bytes(100), "orgs.xls", "Old Excel files"),
        (b"\r\n\r\n", "orgs.csv", "The file is empty."),
        (b"name,Name\r\nx,y\r\n", "orgs.csv", 'The column "name" appears twice'),
    ],
)
def test_read_file_refuses_unreadable_file(content: bytes, filename: str, message: str) -> None:
    with pytest.raises(FileError, match=message):
        imports.read_file(content, filename)


def test_read_file_refuses_too_many_rows(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(imports.reading, "MAX_ROWS", 2)

    with pytest.raises(FileError, match="more than 2 rows"):
        imports.read_file(csv_file("name", "a", "b", "c"), "orgs.csv")


def test_read_file_stops_after_a_thousand_blank_rows_in_a_row() -> None:
    content = csv_file("name,country", "A,CH", *[","] * 999, "B,FR", *[""] * 1000, "C,DE")

    source = imports.read_file(content, "orgs.csv")

    assert [(row.number, row.cells["name"]) for row in source.rows] == [(2, "A"), (1002, "B")]
    assert source.warnings == [
        "reading stopped at row 2002 after 1,000 blank rows in a row: anything below was not read"
    ]


def test_read_file_stops_in_a_workbook_formatted_down_to_its_last_rows() -> None:
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append(["name", "country"])
    sheet.append(["A", "CH"])
    for _row in range(5000):
        sheet.append([None, None])  # what a sheet formatted far below its data holds
    buffer = io.BytesIO()
    workbook.save(buffer)
    rows_read: list[tuple[str, int, int]] = []

    source = imports.read_file(
        buffer.getvalue(), "orgs.xlsx", progress=lambda *report: rows_read.append(report)
    )

    assert [row.number for row in source.rows] == [2]
    assert rows_read == [("reading", 1000, 0)]
    assert source.warnings == [
        "reading stopped at row 1002 after 1,000 blank rows in a row: anything below was not read"
    ]


def test_read_file_reports_rows_read() -> None:
    rows_read: list[tuple[str, int, int]] = []
    content = csv_file("name", *[f"Org {n}" for n in range(2500)])

    imports.read_file(content, "orgs.csv", progress=lambda *report: rows_read.append(report))

    assert rows_read == [("reading", 1000, 0), ("reading", 2000, 0)]


def test_read_file_refuses_workbook_unpacking_beyond_the_ceiling() -> None:
    buffer = io.BytesIO()
    with (
        zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive,
        archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as member,
    ):
        for _chunk in range(imports.reading.MAX_UNPACKED_BYTES // (1 << 20) + 1):
            member.write(b" " * (1 << 20))
    assert len(buffer.getvalue()) < 1_000_000

    with pytest.raises(FileError, match=r"^This workbook is too large to import"):
        imports.read_file(buffer.getvalue(), "orgs.xlsx")


def test_unpacked_ceiling_holds_a_hundred_thousand_template_rows() -> None:
    # 5,000 rows of the template's example, each cell made unique, in inline strings (the
    # larger way): twenty times as many must fit under the ceiling, with room to spare.
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append(list(imports.COLUMNS))
    for n in range(5000):
        sheet.append([f"{value} {n}" for value in imports.reading.TEMPLATE_EXAMPLE])
    buffer = io.BytesIO()
    workbook.save(buffer)
    with zipfile.ZipFile(buffer) as archive:
        unpacked = sum(info.file_size for info in archive.infolist())

    assert 4_000_000 < unpacked * 20 < imports.reading.MAX_UNPACKED_BYTES * 0.75


def test_read_file_numbers_rows_as_a_spreadsheet_shows_them() -> None:
    content = csv_file("sep=;", "name;address", 'A;"1 Rue\nGenève"', "", "B;")

    source = imports.read_file(content, "orgs.csv")

    assert [(row.number, row.cells) for row in source.rows] == [
        (2, {"name": "A", "address": "1 Rue\nGenève"}),
        (4, {"name": "B", "address": ""}),
    ]


def test_template_csv_imports_cleanly() -> None:
    report = run(imports.template_csv(), dry_run=True)

    assert (report.created, report.errors, report.warnings) == (1, [], [])


def test_report_survives_json() -> None:
    report = run(csv_file("name,category,country", "A,Member State,XX"), dry_run=True)

    assert ImportReport.from_dict(json.loads(json.dumps(report.as_dict()))) == report


# The command line ---------------------------------------------------------------------


def write(tmp_path: Path, content: bytes, name: str = "orgs.csv") -> str:
    path = tmp_path / name
    path.write_bytes(content)
    return str(path)


def test_command_imports_file_with_exit_code_0(tmp_path: Path) -> None:
    out = io.StringIO()
    path = write(tmp_path, csv_file("name,category,country", "A,Member State,CH"))

    call_command("import_organisations", path, stdout=out)

    assert out.getvalue().splitlines() == [
        "orgs.csv: 1 rows.",
        "Created 1, updated 0, unchanged 0, refused 0.",
    ]
    entry = AuditEntry.objects.get()
    assert (entry.channel, entry.actor_label) == (Channel.CLI, "import-organisations")


def test_command_lists_refused_rows_with_exit_code_3(tmp_path: Path) -> None:
    out = io.StringIO()
    path = write(
        tmp_path, csv_file("name,category,country", "A,Member State,CH", "B,Member State,Atlantis")
    )

    with pytest.raises(CommandError) as raised:
        call_command("import_organisations", path, stdout=out)

    assert raised.value.returncode == 3
    assert out.getvalue().splitlines() == [
        "orgs.csv: 2 rows.",
        "Would create 1, update 0, leave 0 unchanged; 1 refused.",
        'row 3, country: unknown country "Atlantis"',
        "Nothing was written because 1 rows were refused. Correct them, or run again with "
        "--only-valid to import the other rows.",
    ]
    assert Organisation.objects.count() == 0


def test_command_only_valid_imports_good_rows_with_exit_code_3(tmp_path: Path) -> None:
    path = write(
        tmp_path, csv_file("name,category,country", "A,Member State,CH", "B,Member State,Atlantis")
    )

    with pytest.raises(CommandError) as raised:
        call_command("import_organisations", path, "--only-valid", stdout=io.StringIO())

    assert raised.value.returncode == 3
    assert list(Organisation.objects.values_list("name", flat=True)) == ["A"]


def test_command_dry_run_prints_json_and_writes_nothing(tmp_path: Path) -> None:
    out = io.StringIO()
    path = write(tmp_path, csv_file("name,category,country", "A,Member State,CH"))

    call_command("import_organisations", path, "--dry-run", "--format", "json", stdout=out)

    report = json.loads(out.getvalue())
    assert (report["created"], report["dry_run"], report["exit_code"]) == (1, True, 0)
    assert Organisation.objects.count() == 0


@pytest.mark.parametrize(
    ("content", "name"),
    [(b"\x00\x01\x02garbage", "orgs.csv"), (b"not,a,workbook\r\n", "orgs.xlsx")],
)
def test_command_unreadable_file_exits_2(tmp_path: Path, content: bytes, name: str) -> None:
    out = io.StringIO()

    with pytest.raises(CommandError) as raised:
        call_command(
            "import_organisations", write(tmp_path, content, name), "--format", "json", stdout=out
        )

    assert raised.value.returncode == 2
    assert json.loads(out.getvalue())["exit_code"] == 2


def test_command_missing_file_exits_2(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="Cannot read") as raised:
        call_command("import_organisations", str(tmp_path / "missing.csv"))

    assert raised.value.returncode == 2


def summitdesk(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    script = Path(sys.executable).parent / "summitdesk"
    return subprocess.run(  # noqa: S603 (our own console script)
        [str(script), *args], capture_output=True, text=True, env=env, timeout=120, check=False
    )


@pytest.mark.integration
@pytest.mark.parametrize(
    ("arguments", "stderr"),
    [
        (["{garbage}"], "neither an XLSX workbook nor CSV text"),
        (["{garbage}", "--bogus"], "unrecognized arguments: --bogus"),
        ([], "the following arguments are required: file"),
    ],
)
def test_console_script_exits_2_on_unreadable_file_or_bad_arguments(
    tmp_path: Path, arguments: list[str], stderr: str
) -> None:
    garbage = write(tmp_path, bytes(range(256)))
    # A database of its own: the command must fail before it would be used.
    env = {**os.environ, "SUMMITDESK_VAR_DIR": str(tmp_path)}
    env.pop("DATABASE_URL", None)

    result = summitdesk(
        "import-organisations", *(arg.format(garbage=garbage) for arg in arguments), env=env
    )

    assert result.returncode == 2
    assert stderr in result.stderr


def database_url() -> str:
    database = settings.DATABASES["default"]
    if database["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{database['NAME']}"
    password = f":{database['PASSWORD']}" if database.get("PASSWORD") else ""
    return (
        f"postgres://{database['USER']}{password}@{database['HOST']}:{database['PORT']}/"
        f"{database['NAME']}"
    )


@pytest.mark.integration
@pytest.mark.django_db(transaction=True)
def test_console_script_only_valid_exits_3_after_importing_good_rows(tmp_path: Path) -> None:
    path = write(
        tmp_path, csv_file("name,category,country", "A,Member State,CH", "B,Member State,Atlantis")
    )
    env = {**os.environ, "DATABASE_URL": database_url(), "SUMMITDESK_VAR_DIR": str(tmp_path)}

    result = summitdesk("import-organisations", path, "--only-valid", env=env)

    assert result.returncode == 3
    assert 'row 3, country: unknown country "Atlantis"' in result.stdout
    assert list(Organisation.objects.values_list("name", flat=True)) == ["A"]


# Progress ------------------------------------------------------------------------------


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_bar_redraws_one_line_on_a_terminal() -> None:
    terminal = Terminal()
    times = iter([0.0, 0.0, 0.05, 0.5, 0.6])
    bar = ProgressBar(terminal, width=10, clock=lambda: next(times))

    bar.update(1, 4, "Checking rows")
    bar.update(2, 4, "Checking rows")  # too soon after the first: not drawn
    bar.update(3, 4, "Checking rows")
    bar.update(4, 4, "Checking rows")
    bar.close()

    assert terminal.getvalue() == (
        "\r[##--------] Checking rows: 1/4 (25%)"
        "\r[#######---] Checking rows: 3/4 (75%)"
        "\r[##########] Checking rows: 4/4 (100%)\n"
    )


def test_progress_bar_writes_occasional_lines_elsewhere() -> None:
    log = io.StringIO()
    times = iter([0.0, 1.0, 11.0, 12.0])
    bar = ProgressBar(log, log_every=10, clock=lambda: next(times))

    bar.update(1, 300, "Writing")
    bar.update(200, 300, "Writing")
    bar.update(300, 300, "Writing")
    bar.close()

    assert log.getvalue() == "Writing: 200/300 (66%)\n"


# The background job ---------------------------------------------------------------------


def test_import_job_runs_once_when_run_twice() -> None:
    user = UserFactory()
    actor = Actor.staff(user)
    content = csv_file("name,category,country", "A,Member State,CH")
    job = imports.create_job(content, "orgs.csv", actor=actor)
    assert run_queued_tasks() == 1  # the preview
    imports.confirm_job(job, only_valid=False, actor=actor)

    ran = run_queued_tasks()
    imports.run_job(job.pk)

    job.refresh_from_db()
    assert (ran, job.status, job.report["created"], bytes(job.content)) == (
        1,
        ImportJobStatus.DONE,
        1,
        b"",
    )
    entry = AuditEntry.objects.get()
    assert (entry.channel, entry.actor_id) == (Channel.IMPORT, user.pk)


def test_import_preview_runs_in_the_worker_and_keeps_what_importing_would_do() -> None:
    user = UserFactory()
    content = csv_file("name,category,country", "A,Member State,CH", "B,Media,Atlantis")

    job = imports.create_job(content, "orgs.csv", actor=Actor.staff(user))
    queued = ImportJob.objects.get(pk=job.pk)
    ran = run_queued_tasks()

    job.refresh_from_db()
    assert (queued.status, queued.preview) == (ImportJobStatus.PREVIEWING, {})
    assert (ran, job.status, job.rows_total) == (1, ImportJobStatus.PREVIEWED, 2)
    assert (job.preview["created"], job.preview["refused"]) == (1, 1)
    assert Organisation.objects.count() == 0 and AuditEntry.objects.count() == 0


def test_import_preview_of_an_unreadable_file_fails_the_job_and_forgets_the_file() -> None:
    job = imports.create_job(b"\r\n\r\n", "orgs.csv", actor=ACTOR)

    run_queued_tasks()

    job.refresh_from_db()
    assert (job.status, job.error, bytes(job.content)) == (
        ImportJobStatus.FAILED,
        "The file is empty.",
        b"",
    )


def test_stalled_import_preview_is_queued_again() -> None:
    job = ImportJob.objects.create(
        filename="orgs.csv",
        content=csv_file("name,category,country", "A,Member State,CH"),
        status=ImportJobStatus.PREVIEWING,
        queued_at=timezone.now() - timedelta(hours=1),
    )

    requeued = imports.requeue_stalled_jobs()
    ran = run_queued_tasks()

    job.refresh_from_db()
    assert (requeued, ran, job.status, job.preview["created"]) == (
        1,
        1,
        ImportJobStatus.PREVIEWED,
        1,
    )


def test_import_job_left_running_by_a_dead_worker_imports_from_the_start() -> None:
    job = ImportJob.objects.create(
        filename="orgs.csv",
        content=csv_file("name,category,country", "A,Member State,CH"),
        status=ImportJobStatus.RUNNING,
        rows_total=1,
    )

    imports.run_job(job.pk)

    job.refresh_from_db()
    assert (job.status, job.rows_done, Organisation.objects.count()) == (ImportJobStatus.DONE, 1, 1)
    assert AuditEntry.objects.get().actor_label == "import"


def test_stalled_import_job_is_queued_again_and_imported() -> None:
    job = ImportJob.objects.create(
        filename="orgs.csv",
        content=csv_file("name,category,country", "A,Member State,CH"),
        status=ImportJobStatus.RUNNING,
        started_at=timezone.now() - timedelta(hours=1),
    )
    recent = ImportJob.objects.create(
        filename="recent.csv", status=ImportJobStatus.RUNNING, started_at=timezone.now()
    )

    requeued = imports.requeue_stalled_jobs()
    ran = run_queued_tasks()

    job.refresh_from_db()
    recent.refresh_from_db()
    assert (requeued, ran, job.status, recent.status) == (
        1,
        1,
        ImportJobStatus.DONE,
        ImportJobStatus.RUNNING,
    )
    assert Organisation.objects.count() == 1
