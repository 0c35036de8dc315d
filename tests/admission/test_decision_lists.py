"""Documents for a meeting's decision: the recommended applications and the admitted
organisations, as public pages and PDFs in every script, with no personal data."""

import io
from typing import cast

import pytest
from django.test import Client
from django.utils import translation
from pypdf import PdfReader
from pypdf.generic import DictionaryObject

from summitdesk.admission import decision_lists, review
from summitdesk.admission.enums import ApplicationStatus
from tests.admission.builders import STAFF, application, prepcom

pytestmark = pytest.mark.django_db
S = ApplicationStatus


def fonts(pdf: bytes) -> set[str]:
    page = PdfReader(io.BytesIO(pdf)).pages[0]
    resources = cast(DictionaryObject, page["/Resources"].get_object())
    found = cast(DictionaryObject, resources["/Font"].get_object())
    return {
        str(cast(DictionaryObject, font.get_object())["/BaseFont"]).split("+", 1)[-1]
        for font in found.values()
    }


def text(pdf: bytes) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def test_the_public_pages_show_names_countries_and_categories_only() -> None:
    meeting = prepcom()
    application(meeting.process, status=S.RECOMMENDED, name="Rural Schools Network")
    admitted = application(meeting.process, status=S.RECOMMENDED, name="Open Spectrum Alliance")
    review.decide(admitted, meeting=meeting, admit=True, actor=STAFF)
    application(meeting.process, status=S.RECEIVED, name="Still Under Review")
    stranger = Client()

    recommended = stranger.get(f"/processes/{meeting.process.code}/recommended/").content.decode()
    listed = stranger.get(f"/processes/{meeting.process.code}/admitted/").content.decode()

    assert "Rural Schools Network" in recommended and "Kenya" in recommended
    assert "Civil society" in recommended
    assert "Open Spectrum Alliance" not in recommended and "Still Under Review" not in recommended
    assert "Open Spectrum Alliance" in listed and "Rural Schools Network" not in listed
    for page in (recommended, listed):
        assert "wanjiru" not in page.lower() and "Applicant" not in page and "APP-" not in page
    assert stranger.get(f"/processes/{meeting.process.code}/secret.pdf").status_code == 404
    assert stranger.get("/processes/nowhere/admitted/").status_code == 404
    pdf = stranger.get(f"/processes/{meeting.process.code}/admitted.pdf")
    assert "Open Spectrum Alliance" in text(pdf.content)


@pytest.mark.parametrize(
    ("language", "name", "font"),
    [
        ("zh-hans", "开放频谱联盟", "NotoSansCJKsc-Regular"),
        ("ar", "تحالف الطيف المفتوح", "NotoSansArabic-Regular"),
        ("ru", "Открытый спектр", ""),
        ("fr", "Réseau des écoles rurales", ""),
        ("es", "Red de escuelas rurales", ""),
    ],
)
def test_the_pdf_prints_every_script(language: str, name: str, font: str) -> None:
    meeting = prepcom()
    admitted = application(meeting.process, status=S.RECOMMENDED, name=name)
    review.decide(admitted, meeting=meeting, admit=True, actor=STAFF)

    with translation.override(language):
        pdf = decision_lists.render(meeting.process, "admitted")

    if font:
        assert any(found.startswith(font) for found in fonts(pdf))
    if language != "ar":  # Arabic's extracted text is unreliable; its font is checked
        assert name in text(pdf)


def test_the_public_lists_are_rate_limited_per_address() -> None:
    meeting = prepcom()
    stranger = Client()
    url = f"/processes/{meeting.process.code}/admitted/"

    answers = [stranger.get(url, REMOTE_ADDR="203.0.113.9").status_code for _ in range(61)]

    assert answers[:60] == [200] * 60 and answers[60] == 429
    assert stranger.get(url, REMOTE_ADDR="203.0.113.10").status_code == 200
