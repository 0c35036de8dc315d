"""A meeting's own badge design: upload (accepted, refused), use in print runs, removal."""

import io
import time
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from summitdesk.accreditation import badge_templates, print_runs
from summitdesk.accreditation.enums import BadgeLayout, PrintRunStatus
from summitdesk.accreditation.models import Accreditation, BadgeTemplate, PrintRun
from summitdesk.core.audit import Actor
from summitdesk.core.enums import Role
from summitdesk.core.models import AuditEntry
from summitdesk.meetings.models import Meeting
from tests.accreditation.builders import (
    make_accreditations,
)
from tests.conftest import signed_in
from tests.factories import MeetingFactory, UserFactory
from tests.tasks import run_queued_tasks

ACTOR = Actor.system("test")
BUILT_IN = badge_templates.built_in_source()
# The built-in design with a word of its own after the category.
MARKED = BUILT_IN.replace("[#upper(b.category)]", "[#upper(b.category) OWNDESIGN]")


@pytest.fixture
def meeting(db: None) -> Meeting:
    return MeetingFactory(code="wsis-geneva", title="World Summit on the Information Society")


@pytest.fixture
def four(meeting: Meeting) -> list[Accreditation]:
    names = [(f"Given{index}", f"Family{index:02d}") for index in range(4)]
    return make_accreditations(meeting, names)


def upload(client: Client, meeting: Meeting, source: str, name: str = "design.typ") -> bytes:
    url = reverse("backoffice:badge-template-upload", args=[meeting.code])
    response = client.post(url, {"template": SimpleUploadedFile(name, source.encode())})
    if response.status_code == 302:
        return b""
    assert response.status_code == 400
    return bytes(response.content)


def pdf_text(name: str) -> str:
    with default_storage.open(name, "rb") as file:
        reader = PdfReader(io.BytesIO(file.read()))
    return "".join(page.extract_text() for page in reader.pages)


def test_accepted_template_prints_the_runs(
    meeting: Meeting, four: list[Accreditation], admin_client: Client
) -> None:
    assert MARKED != BUILT_IN
    assert upload(admin_client, meeting, MARKED) == b""
    template = BadgeTemplate.objects.get(meeting=meeting)
    assert template.original_name == "design.typ"
    with default_storage.open(str(template.file.name), "rb") as file:
        assert file.read().decode() == MARKED
    entry = AuditEntry.objects.get(action="summitdesk.meeting.badge_template_set")
    assert (entry.object_id, entry.note) == (str(meeting.pk), "design.typ")
    page = admin_client.get(reverse("backoffice:badge-print", args=[meeting.code]))
    assert b"in this meeting's own design, design.typ" in page.content

    run = print_runs.start_print_run(
        meeting, [item.pk for item in four], actor=ACTOR, layout=BadgeLayout.A4_FOUR
    )
    assert run_queued_tasks() == 1
    run.refresh_from_db()
    assert run.status == PrintRunStatus.DONE
    text = pdf_text(run.files[0])
    assert text.count("OWNDESIGN") == 4
    assert all(f"Family{index:02d}" in text for index in range(4))
    with default_storage.open(run.files[0], "rb") as file:
        assert len(PdfReader(io.BytesIO(file.read())).pages) == 1  # four on one A4 sheet


def test_syntax_error_is_refused_with_typsts_message(
    meeting: Meeting, admin_client: Client
) -> None:
    broken = BUILT_IN + "\n#let unfinished = (\n"
    content = upload(admin_client, meeting, broken)
    assert b"The template does not compile: unclosed delimiter" in content
    assert b"badge.typ:" in content  # Typst's report, with the line
    assert not BadgeTemplate.objects.exists()
    assert not AuditEntry.objects.filter(action__startswith="summitdesk.meeting.badge").exists()


def test_template_without_a_badge_function_is_refused(
    meeting: Meeting, admin_client: Client
) -> None:
    content = upload(admin_client, meeting, "= A plain document\n")
    assert (
        b"The template does not compile: unresolved import. "
        b"A badge template defines badge(b, width: .., height: ..)." in content
    )
    assert not BadgeTemplate.objects.exists()


def test_endless_template_is_refused_within_the_time_limit(meeting: Meeting) -> None:
    # Ten billion turns over small ranges: time runs out long before memory (one range of
    # a trillion would be an array that exhausts the child's memory limit first).
    endless = BUILT_IN + "\n#for i in range(100000) { for j in range(100000) { } }\n"
    started = time.perf_counter()
    with (
        mock.patch.object(badge_templates, "UPLOAD_SECONDS", 2.0),
        pytest.raises(badge_templates.TemplateRefused) as refused,
    ):
        badge_templates.check_template(endless)
    elapsed = time.perf_counter() - started
    assert refused.value.message == (
        "The template took longer than 2 seconds to print the sample badges."
    )
    assert elapsed < 4.0


@pytest.mark.parametrize("path", ["/etc/passwd", str(Path(__file__).resolve())])
def test_template_reading_an_absolute_path_reads_inside_its_root(path: str) -> None:
    reader = BUILT_IN.replace("#let QR-WIDTH", f'#let stolen = read("{path}")\n#let QR-WIDTH', 1)
    with pytest.raises(badge_templates.TemplateRefused) as refused:
        badge_templates.check_template(reader)
    # "/" is the template's root, a fresh temporary folder holding nothing of the host's.
    message = refused.value.message
    assert message.startswith("The template does not compile: file not found (searched at /")
    assert message.endswith(f"/root{path})")


def test_template_reading_outside_its_root_is_refused() -> None:
    reader = BUILT_IN.replace(
        "#let QR-WIDTH", '#let stolen = read("../../settings.py")\n#let QR-WIDTH', 1
    )
    with pytest.raises(badge_templates.TemplateRefused) as refused:
        badge_templates.check_template(reader)
    assert refused.value.message == (
        'The template does not compile: path `"../../settings.py"` would escape the project root'
    )


@pytest.mark.parametrize(
    "header",
    [
        '#import "@preview/cetz:0.3.0": canvas\n',
        '#include "@local/mine:1.0.0"\n',
        '#let name = "@pre" + "view/cetz:0.3.0"\n#import name\n',
    ],
)
def test_package_imports_are_refused(header: str) -> None:
    with pytest.raises(badge_templates.TemplateRefused) as refused:
        badge_templates.check_template(header + BUILT_IN)
    assert refused.value.message == (
        "The template imports a Typst package; templates may use none."
    )


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("design.txt", BUILT_IN.encode(), b"Choose a Typst file (.typ)."),
        ("design.typ", b"\xff\xfe\x00bad", b"The template is not a UTF-8 text file."),
        ("design.typ", b"x" * (256 * 1024 + 1), b"The template is larger than 256 kB."),
    ],
)
def test_unusable_files_are_refused(
    meeting: Meeting, admin_client: Client, name: str, content: bytes, message: bytes
) -> None:
    url = reverse("backoffice:badge-template-upload", args=[meeting.code])
    response = admin_client.post(url, {"template": SimpleUploadedFile(name, content)})
    assert response.status_code == 400
    assert message in response.content
    assert not BadgeTemplate.objects.exists()


def test_template_failing_on_one_badge_fails_its_run_only(
    meeting: Meeting,
    four: list[Accreditation],
    admin_client: Client,
    django_capture_on_commit_callbacks: Any,
) -> None:
    # Prints the samples, fails on one real delegate.
    picky = (
        BUILT_IN.replace(
            "#let badge(b, width: 100mm, height: 140mm) = block(",
            '#let badge(b, width: 100mm, height: 140mm) = if b.family_name == "Family02" '
            '{ panic("no badge for " + b.family_name) } else { block(',
        ).rstrip()
        + "}\n"
    )
    assert upload(admin_client, meeting, picky) == b""
    failing = print_runs.start_print_run(meeting, [item.pk for item in four], actor=ACTOR)
    other_meeting = MeetingFactory(code="wsis-tunis")
    [elsewhere] = make_accreditations(other_meeting, [("Amina", "Haddad")], first_number=50)
    working = print_runs.start_print_run(other_meeting, [elsewhere.pk], actor=ACTOR)
    # One worker runs both tasks: the first fails, the second prints.
    assert run_queued_tasks() == 2
    failing.refresh_from_db()
    working.refresh_from_db()
    assert failing.status == PrintRunStatus.FAILED
    assert failing.error.startswith(
        "The meeting's badge template failed: panicked with: no badge for Family02"
    )
    assert "badge.typ:" in failing.error
    assert not Accreditation.objects.filter(meeting=meeting, badge_printed_version=1).exists()
    assert working.status == PrintRunStatus.DONE and "Haddad" in pdf_text(working.files[0])
    page = admin_client.get(reverse("backoffice:print-run", args=[failing.pk]))
    assert b"panicked with: no badge for Family02" in page.content
    # Back to the built-in design: the same badges print.
    remove = reverse("backoffice:badge-template-remove", args=[meeting.code])
    stored = str(BadgeTemplate.objects.get().file.name)
    with django_capture_on_commit_callbacks(execute=True):
        assert admin_client.post(remove).status_code == 302
    assert not BadgeTemplate.objects.exists() and not default_storage.exists(stored)
    assert AuditEntry.objects.filter(action="summitdesk.meeting.badge_template_removed").exists()
    again = print_runs.create_print_run(meeting, [item.pk for item in four], actor=ACTOR)
    print_runs.run_print_run(again.pk)
    again.refresh_from_db()
    assert again.status == PrintRunStatus.DONE


def test_only_administrators_change_the_design(meeting: Meeting, viewer_client: Client) -> None:
    desk = signed_in(UserFactory(username="badges", role=Role.BADGE_DESK))
    upload_url = reverse("backoffice:badge-template-upload", args=[meeting.code])
    remove_url = reverse("backoffice:badge-template-remove", args=[meeting.code])
    for client in (desk, viewer_client):
        file = SimpleUploadedFile("design.typ", MARKED.encode())
        assert client.post(upload_url, {"template": file}).status_code == 403
        assert client.post(remove_url).status_code == 403
    assert Client().post(remove_url).status_code == 302  # to sign-in
    # The badge desk prints, but is not offered the design form.
    page = desk.get(reverse("backoffice:badge-print", args=[meeting.code]))
    assert page.status_code == 200 and upload_url.encode() not in page.content
    assert not BadgeTemplate.objects.exists()
    assert not PrintRun.objects.exists()


def test_print_badges_command_reports_the_templates_failure(
    meeting: Meeting, four: list[Accreditation], tmp_path: Path
) -> None:
    failing = BUILT_IN + '\n#let badge(b, width: 0mm, height: 0mm) = panic("no " + b.given_name)\n'
    upload = SimpleUploadedFile("failing.typ", failing.encode())
    with pytest.raises(badge_templates.TemplateRefused):  # the samples fail as well
        badge_templates.set_badge_template(meeting, upload=upload, actor=ACTOR)
    picky = BUILT_IN + '\n#let badge(b, width: 0mm, height: 0mm) = if b.given_name == "Given1" '
    picky += '{ panic("no " + b.given_name) } else { [#b.family_name] }\n'
    upload = SimpleUploadedFile("picky.typ", picky.encode())
    badge_templates.set_badge_template(meeting, upload=upload, actor=ACTOR)
    with pytest.raises(CommandError) as failed:
        call_command("print_badges", "--meeting", meeting.code, "--out", str(tmp_path))
    assert failed.value.returncode == 1
    assert str(failed.value).startswith(
        "Printing failed: The meeting's badge template failed: panicked with: no Given1"
    )
