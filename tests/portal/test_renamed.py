"""The reply page says what renaming an approved delegate does before saving: a
confirmation step, without JavaScript, that offers Substitute instead."""

import re

import pytest
from django.test import Client

from summitdesk.accreditation import services as accreditation_services
from summitdesk.accreditation.enums import AccreditationStatus
from summitdesk.accreditation.models import Accreditation
from summitdesk.core.audit import Actor
from summitdesk.core.enums import Channel
from tests.portal.conftest import JANE, Invited, posted

pytestmark = pytest.mark.django_db

STAFF = Actor(user=None, channel=Channel.BACKOFFICE, label="registration officer")
MEMBERS = [("Amina", "Acmeceo", "Chief Executive Officer"), ("Bruno", "Senior", "Adviser")]
EMAILS = ("amina@acme.example", "bruno@acme.example")


def form(members: list[tuple[str, str, str]], **extra: str) -> dict[str, str]:
    data = posted(action="submit", estimate=2, focal_point=JANE, members=members, head=0)
    for index, email in enumerate(EMAILS):
        data[f"members-{index}-email"] = email
    return data | extra


@pytest.fixture
def approved(acme: Invited) -> Invited:
    """Acme submitted Amina and Bruno; both are approved."""
    assert Client().post(acme.url, form(MEMBERS)).status_code == 302
    for accreditation in Accreditation.objects.order_by("delegate__position"):
        accreditation_services.transition(accreditation, AccreditationStatus.APPROVED, actor=STAFF)
    return acme


def statuses() -> list[tuple[str, str, int]]:
    return [
        (str(a.delegate), a.status, a.badge_version)
        for a in Accreditation.objects.select_related("delegate").order_by("delegate__position")
    ]


def test_renaming_an_approved_delegate_asks_first_and_saves_nothing(approved: Invited) -> None:
    renamed = [MEMBERS[0], ("Karl", "Schmidt", "Adviser")]

    response = Client().post(approved.url, form(renamed))

    html = response.content.decode()
    assert response.status_code == 409
    start = html.index('<h2 id="identity-heading">')
    notice = html[start : html.index("</section>", start)]
    assert " ".join(re.sub(r"<[^>]+>", " ", notice).split()).startswith(
        "Approved delegates renamed You changed the title or name of delegates whose "
        "accreditation is approved: Bruno Senior → Karl Schmidt (badge 000002)"
    )
    assert f'href="/reply/{approved.token}/delegation/"' in notice
    assert 'name="confirm_renamed"' in notice
    assert 'value="Karl"' in html  # what was typed is kept
    assert statuses() == [
        ("Amina Acmeceo", "approved", 1),
        ("Bruno Senior", "approved", 1),
    ]


def test_renaming_confirmed_returns_the_accreditation_to_pending(approved: Invited) -> None:
    renamed = [MEMBERS[0], ("Karl", "Schmidt", "Adviser")]

    response = Client().post(approved.url, form(renamed, confirm_renamed="1"))

    assert response.status_code == 302
    assert statuses() == [
        ("Amina Acmeceo", "approved", 1),
        ("Karl Schmidt", "pending", 2),
    ]


def test_other_changes_save_without_asking(approved: Invited) -> None:
    changed = [MEMBERS[0], ("Bruno", "Senior", "Senior adviser")]

    response = Client().post(approved.url, form(changed))

    assert response.status_code == 302
    assert statuses() == [
        ("Amina Acmeceo", "approved", 1),
        ("Bruno Senior", "approved", 1),
    ]
