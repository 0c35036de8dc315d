"""The staff page of a process's admission policy: read with the meetings, set and changed
by whoever changes meetings (the window, who may apply, the checklist in six languages)."""

import pytest
from django.test import Client

from summitdesk.admission.models import AdmissionPolicy, RequiredDocument
from summitdesk.core.models import AuditEntry, User
from tests.applying.builders import policy
from tests.factories import ProcessFactory

pytestmark = pytest.mark.django_db


def management(prefix: str, total: int, initial: int) -> dict[str, object]:
    return {
        f"{prefix}-TOTAL_FORMS": total,
        f"{prefix}-INITIAL_FORMS": initial,
        f"{prefix}-MIN_NUM_FORMS": 0,
        f"{prefix}-MAX_NUM_FORMS": 1000,
    }


def test_an_officer_sets_a_policy_with_a_checklist(admin_client: Client) -> None:
    ProcessFactory(code="wsis", name="WSIS")
    assert admin_client.get("/processes/wsis/admission-policy/edit/").status_code == 200

    response = admin_client.post(
        "/processes/wsis/admission-policy/edit/",
        {
            "policy-categories": ["civil_society", "academia"],
            "policy-stakeholder_groups": ["civil_society"],
            "policy-opens_at": "2026-01-01T09:00",
            "policy-closes_at": "2027-06-30T18:00",
            "policy-review_every_months": "24",
            **management("lines", 2, 0),
            "lines-0-title": "Constitution or by-laws",
            "lines-0-title_fr": "Statuts",
            "lines-0-required": "on",
            "lines-0-position": "1",
            "lines-1-title": "",  # the blank line, as the page shows it
            "lines-1-required": "on",
            "lines-1-position": "0",
        },
    )

    assert response.status_code == 302, response.content.decode()[-3000:]
    made = AdmissionPolicy.objects.get()
    assert made.categories == ["civil_society", "academia"]
    assert made.review_every_months == 24
    [line] = RequiredDocument.objects.all()
    assert (line.title, line.title_translations, line.required) == (
        "Constitution or by-laws",
        {"fr": "Statuts"},
        True,
    )
    assert AuditEntry.objects.filter(action="summitdesk.admission_policy.created").exists()
    page = admin_client.get("/processes/wsis/admission-policy/").content.decode()
    assert "Constitution or by-laws" in page
    assert "/processes/wsis/apply/" in page


def test_a_window_closing_before_it_opens_is_refused(admin_client: Client) -> None:
    ProcessFactory(code="wsis")
    response = admin_client.post(
        "/processes/wsis/admission-policy/edit/",
        {
            "policy-opens_at": "2026-06-01T09:00",
            "policy-closes_at": "2026-05-01T09:00",
            **management("lines", 0, 0),
        },
    )
    assert response.status_code == 400
    assert "must close after they open" in response.content.decode()
    assert not AdmissionPolicy.objects.exists()


def test_a_line_is_removed(admin_client: Client) -> None:
    made = policy()
    lines = list(made.required_documents.all())
    data: dict[str, object] = {**management("lines", len(lines), len(lines))}
    for index, line in enumerate(lines):
        data.update(
            {
                f"lines-{index}-id": line.pk,
                f"lines-{index}-policy": made.pk,
                f"lines-{index}-title": line.title,
                f"lines-{index}-required": "on",
                f"lines-{index}-position": line.position,
            }
        )
    data["lines-2-DELETE"] = "on"
    data["policy-categories"] = made.categories
    data["policy-stakeholder_groups"] = made.stakeholder_groups

    response = admin_client.post("/processes/wsis/admission-policy/edit/", data)

    assert response.status_code == 302
    assert made.required_documents.count() == 2


def test_a_viewer_reads_the_policy_and_may_not_change_it(viewer: User) -> None:
    policy()
    client = Client()
    client.force_login(viewer)
    page = client.get("/processes/wsis/admission-policy/")
    assert page.status_code == 200
    assert "Edit the policy" not in page.content.decode()
    assert client.get("/processes/wsis/admission-policy/edit/").status_code == 403
    assert client.post("/processes/wsis/admission-policy/edit/", {}).status_code == 403
