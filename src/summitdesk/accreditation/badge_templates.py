"""A meeting's own badge design: a Typst file an administrator uploads to replace the
built-in `templates_typst/badge.typ`.

The file must define `badge(b, width: .., height: ..)`, as the built-in one does; the
program's `badge_sheet.typ` places its badges on pages as the print run's layout says.
It is accepted only when it compiles against sample data (SAMPLE_BADGES, a photo among
them) in every layout within UPLOAD_SECONDS, importing no Typst package. It is compiled
as lib.isolated_documents does it: in a child process, in a root that holds nothing but
the two Typst files, the JSON and the photos, killed when time runs out.

A template that compiles on the sample may still fail on a real badge (a field it
expects empty, say): the print run then fails with Typst's message, and others go on.
"""

import io
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _
from PIL import Image

from summitdesk.accreditation.badges import DESIGN, TEMPLATE, qr_svg, sheet_data
from summitdesk.accreditation.enums import BadgeLayout
from summitdesk.accreditation.models import BadgeTemplate
from summitdesk.core import audit
from summitdesk.core.audit import Actor
from summitdesk.lib.documents import DocumentError
from summitdesk.lib.isolated_documents import MAIN, PackageRefused, TimedOut, render_isolated
from summitdesk.meetings.models import Meeting

#: Seconds a template may take to compile the sample data in every layout, all told.
UPLOAD_SECONDS = 10.0
#: Seconds a print run's PDF may take with a meeting's template: a base and a share per
#: badge, ten times what the built-in design needs (`bench/badges.py` prints its time).
RUN_SECONDS_BASE = 30.0
RUN_SECONDS_PER_BADGE = 0.03
#: Bytes a template file may have: a badge design is a few kilobytes of text.
MAX_BYTES = 256 * 1024
SAMPLE_PHOTO = "photo-sample.png"


class TemplateRefused(Exception):
    """The uploaded file cannot serve as a badge template; `detail` holds Typst's report."""

    def __init__(self, message: str, *, detail: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.detail = detail


def _sample_badge(**values: str) -> dict[str, Any]:
    badge = {
        "given_name": "Amina",
        "family_name": "Haddad",
        "title": "Ms",
        "organisation": "Ministry of Communications and Information Technology",
        "country": "Egypt",
        "category": "Member State",
        "band": "#1f4e9c",
        "ink": "#ffffff",
        "badge_number": "00001",
        "meeting_title": "World Summit on the Information Society",
        "meeting_dates": "10 December 2003 \u2013 12 December 2003",
        "meeting_place": "Geneva",
        "qr_svg": qr_svg("SAMPLE-BADGE-CODE:0000000000000000000000000000000000000000000"),
        "photo": SAMPLE_PHOTO,
    }
    badge.update(values)
    return badge


#: Badges a template must print to be accepted: with and without a photo, long names,
#: Cyrillic, Chinese and Arabic, empty optional fields.
SAMPLE_BADGES = [
    _sample_badge(),
    _sample_badge(
        given_name="",
        family_name="Иванова-Кузнецова",
        title="",
        organisation="Rostelecom",
        country="",
        category="Sector Member",
        band="#00796b",
        badge_number="00002",
        photo="",
    ),
    _sample_badge(
        given_name="小明",
        family_name="王",
        organisation="中华人民共和国工业和信息化部",
        country="China",
        band="#f9c22e",
        ink="#000000",
        badge_number="00003",
        meeting_dates="",
        meeting_place="",
    ),
    _sample_badge(
        given_name="محمد",
        family_name="الحسن",
        organisation="الهيئة الوطنية لتنظيم الاتصالات",
        badge_number="00004",
    ),
]


def sample_photo() -> bytes:
    """A small placeholder photo (PNG) passed with the sample badges."""
    buffer = io.BytesIO()
    Image.new("RGB", (70, 90), (150, 160, 175)).save(buffer, "PNG")
    return buffer.getvalue()


def _support() -> dict[str, str]:
    return {MAIN: TEMPLATE.read_text(encoding="utf-8")}


def check_template(source: str) -> None:
    """Compile `source` against the sample badges in every layout; raise TemplateRefused
    with a specific message (Typst's own for an error in the template)."""
    jobs = [sheet_data(SAMPLE_BADGES, layout=layout) for layout in BadgeLayout.values]
    try:
        render_isolated(
            source,
            jobs,
            support=_support(),
            files={SAMPLE_PHOTO: sample_photo()},
            timeout=UPLOAD_SECONDS,
        )
    except PackageRefused as error:
        raise TemplateRefused(
            _("The template imports a Typst package; templates may use none.")
        ) from error
    except TimedOut as error:
        raise TemplateRefused(
            _("The template took longer than %(seconds)s seconds to print the sample badges.")
            % {"seconds": f"{UPLOAD_SECONDS:g}"}
        ) from error
    except DocumentError as error:
        message = _("The template does not compile: %(error)s") % {"error": error.message}
        if error.message == "unresolved import":
            message += ". " + _("A badge template defines badge(b, width: .., height: ..).")
        raise TemplateRefused(message, detail=error.diagnostic) from error


def _decode(upload: UploadedFile[bytes]) -> str:
    if not (upload.name or "").lower().endswith(".typ"):
        raise TemplateRefused(_("Choose a Typst file (.typ)."))
    if upload.size is None or upload.size > MAX_BYTES:
        raise TemplateRefused(
            _("The template is larger than %(size)s kB.") % {"size": MAX_BYTES // 1024}
        )
    try:
        return bytes(upload.read()).decode("utf-8")
    except UnicodeDecodeError as error:
        raise TemplateRefused(_("The template is not a UTF-8 text file.")) from error


def set_badge_template(
    meeting: Meeting, *, upload: UploadedFile[bytes], actor: Actor
) -> BadgeTemplate:
    """Make `upload` the meeting's badge design, once it compiled against the samples.

    Side effects: the file in the default storage (the earlier one's removed once the
    change is committed), an audit entry. Raises TemplateRefused.
    """
    source = _decode(upload)
    check_template(source)  # outside the transaction: it takes up to ten seconds
    name = (upload.name or "badge.typ")[-200:]
    with transaction.atomic():
        template = BadgeTemplate.objects.select_for_update().filter(meeting=meeting).first()
        earlier = template.file.name if template else ""
        if template is None:
            template = BadgeTemplate(meeting=meeting)
        template.original_name = name
        template.uploaded_by = actor.user
        template.file.save("badge.typ", ContentFile(source.encode("utf-8")), save=False)
        template.save()
        audit.record(meeting, "summitdesk.meeting.badge_template_set", actor=actor, note=name)
        if earlier:
            storage = template.file.storage
            transaction.on_commit(lambda: storage.delete(earlier))
    return template


def remove_badge_template(meeting: Meeting, *, actor: Actor) -> bool:
    """Go back to the built-in design; False when the meeting had none of its own."""
    with transaction.atomic():
        template = BadgeTemplate.objects.select_for_update().filter(meeting=meeting).first()
        if template is None:
            return False
        name, storage = str(template.file.name), template.file.storage
        template.delete()
        audit.record(
            meeting,
            "summitdesk.meeting.badge_template_removed",
            actor=actor,
            note=template.original_name,
        )
        transaction.on_commit(lambda: storage.delete(name))
    return True


def template_source(meeting_id: int) -> str | None:
    """The meeting's own design, or None for the built-in one."""
    template = BadgeTemplate.objects.filter(meeting_id=meeting_id).first()
    if template is None:
        return None
    with template.file.open("rb") as file:
        return bytes(file.read()).decode("utf-8")


def render_with_template(source: str, document: dict[str, Any], files: dict[str, bytes]) -> bytes:
    """A print run's PDF in the meeting's design; raises DocumentError (Typst's message)."""
    seconds = RUN_SECONDS_BASE + RUN_SECONDS_PER_BADGE * len(document["badges"])
    [[pdf]] = render_isolated(source, [document], support=_support(), files=files, timeout=seconds)
    return pdf


def built_in_source() -> str:
    """The built-in design, a starting point for a meeting's own."""
    return DESIGN.read_text(encoding="utf-8")
