"""The accreditation pages: every URL for every persona (anonymous, viewer, check-in desk,
badge desk, registration officer), the officer's list and filters, bulk approval with the
count shown first, rejection with a reason emailed, the detail page and identity data,
the limits page and exception decisions."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib.messages import get_messages
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_tasks_db.models import DBTaskResult
from pytest_django import Settings

from summitdesk.accreditation import services
from summitdesk.accreditation.enums import AccreditationStatus as Status
from summitdesk.accreditation.models import (
    Accreditation,
    BulkDecision,
    DelegateLimit,
    LimitException,
)
from summitdesk.backoffice import urls
from summitdesk.core.enums import Role
from summitdesk.core.models import AuditEntry
from summitdesk.correspondence.models import OutboundMessage
from summitdesk.directory.enums import Category
from summitdesk.meetings.models import Meeting
from tests.accreditation.builders import (
    STAFF,
    accreditations,
    meeting,
    members,
    submitted_reply,
)
from tests.confirm import CONFIRMED, confirmation
from tests.conftest import signed_in
from tests.factories import OrganisationFactory, UserFactory
from tests.tasks import drop_queued_emails, run_queued_tasks

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _mail(settings: Settings) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


@dataclass(frozen=True)
class Sample:
    meeting: Meeting
    accreditation: Accreditation
    approved: Accreditation
    exception: LimitException
    decision: BulkDecision


@pytest.fixture
def sample() -> Sample:
    at = meeting()
    organisation = OrganisationFactory(name="Orange", category=Category.SECTOR_MEMBER)
    accreditation, approved = accreditations(submitted_reply(organisation, at, members(2)))
    services.transition(approved, Status.APPROVED, actor=STAFF)
    exception = services.request_exception(
        organisation, at, requested=3, reason="Ministers.", actor=STAFF
    )
    decision = BulkDecision.objects.create(meeting=at, to=Status.APPROVED)
    drop_queued_emails()
    return Sample(at, accreditation, approved, exception, decision)


Kwargs = Callable[[Sample], dict[str, Any]]


def _code(s: Sample) -> dict[str, Any]:
    return {"code": s.meeting.code}


def _pk(s: Sample) -> dict[str, Any]:
    return {"pk": s.accreditation.pk}


READ_PAGES: list[tuple[str, Kwargs]] = [
    ("backoffice:accreditation-index", lambda s: {}),
    ("backoffice:accreditation-list", _code),
    ("backoffice:accreditation-detail", _pk),
]
OFFICER_PAGES: list[tuple[str, Kwargs]] = [
    ("backoffice:accreditation-limits", _code),
    ("backoffice:accreditation-bulk-decision", lambda s: {"pk": s.decision.pk}),
]
OFFICER_ACTIONS: list[tuple[str, Kwargs, dict[str, Any]]] = [
    (
        "backoffice:accreditation-bulk",
        _code,
        {"action": "approve", "ids": ["{pk}"], "confirm": "1"},
    ),
    ("backoffice:accreditation-move", _pk, {"to": "approved"}),
    ("backoffice:accreditation-remind", _code, {}),
    ("backoffice:accreditation-link", _pk, {"confirmed": "yes"}),
    (
        "backoffice:accreditation-substitute",
        lambda s: {"pk": s.approved.pk},
        {"family_name": "Newman", "given_name": "Nia", "confirmed": "yes"},
    ),
    (
        "backoffice:accreditation-exception-decide",
        lambda s: {"pk": s.exception.pk},
        {"decision": "grant", "granted": "3"},
    ),
]
IDENTITY_ACTIONS: list[tuple[str, Kwargs, dict[str, Any]]] = [
    ("backoffice:accreditation-identity", _pk, {"document_number": "X1234567"}),
]
URL_NAMES = {
    name.removeprefix("backoffice:")
    for name in [
        *(page[0] for page in READ_PAGES + OFFICER_PAGES),
        *(action[0] for action in OFFICER_ACTIONS + IDENTITY_ACTIONS),
    ]
}


def state() -> tuple[Any, ...]:
    return (
        AuditEntry.objects.count(),
        list(Accreditation.objects.order_by("pk").values_list("status", "document_number")),
        list(LimitException.objects.values_list("granted", flat=True)),
    )


def _data(data: dict[str, Any], s: Sample) -> dict[str, Any]:
    return {
        key: [v.format(pk=s.accreditation.pk) for v in value] if isinstance(value, list) else value
        for key, value in data.items()
    }


def persona(role: str) -> Client:
    return signed_in(UserFactory(username=role, role=role))


def test_every_accreditation_url_is_tested() -> None:
    names = {str(p.name) for p in urls.urlpatterns if str(p.name).startswith("accreditation")}
    assert names == URL_NAMES


Case = tuple[str, Kwargs, dict[str, Any]]
OFFICER_ALL: list[Case] = [(n, k, {}) for n, k in OFFICER_PAGES] + OFFICER_ACTIONS
ALL: list[Case] = [(name, kwargs, {}) for name, kwargs in READ_PAGES + OFFICER_PAGES] + [
    *OFFICER_ACTIONS,
    *IDENTITY_ACTIONS,
]


@pytest.mark.parametrize(("name", "kwargs", "data"), ALL)
def test_accreditation_pages_send_anonymous_visitors_to_sign_in(
    client: Client, sample: Sample, name: str, kwargs: Kwargs, data: dict[str, Any]
) -> None:
    url = reverse(name, kwargs=kwargs(sample))
    before = state()

    response = client.get(url)
    posted = client.post(url, _data(data, sample))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("backoffice:login"))
    assert posted.status_code == 302
    assert state() == before


@pytest.mark.parametrize("role", [Role.VIEWER, Role.CHECKIN_DESK, Role.BADGE_DESK])
@pytest.mark.parametrize(("name", "kwargs"), READ_PAGES)
def test_accreditation_read_pages_open_to_every_staff_role(
    sample: Sample, name: str, kwargs: Kwargs, role: str
) -> None:
    response = persona(role).get(reverse(name, kwargs=kwargs(sample)))

    assert response.status_code == 200


@pytest.mark.parametrize("role", [Role.VIEWER, Role.CHECKIN_DESK, Role.BADGE_DESK])
@pytest.mark.parametrize(("name", "kwargs", "data"), OFFICER_ALL)
def test_accreditation_decisions_refused_to_other_roles(
    sample: Sample, name: str, kwargs: Kwargs, data: dict[str, Any], role: str
) -> None:
    client = persona(role)
    url = reverse(name, kwargs=kwargs(sample))
    before = state()

    posted = client.post(url, _data(data, sample))

    assert posted.status_code == 403
    assert client.get(url).status_code == 403
    assert state() == before


@pytest.mark.parametrize("role", [Role.VIEWER, Role.CHECKIN_DESK])
def test_identity_change_refused_to_roles_without_identity_access(
    sample: Sample, role: str
) -> None:
    url = reverse("backoffice:accreditation-identity", kwargs=_pk(sample))
    before = state()

    assert persona(role).post(url, {"document_number": "X1234567"}).status_code == 403
    assert state() == before


@pytest.mark.parametrize("role", [Role.REGISTRATION_OFFICER, Role.BADGE_DESK])
def test_identity_change_open_to_officer_and_badge_desk(sample: Sample, role: str) -> None:
    url = reverse("backoffice:accreditation-identity", kwargs=_pk(sample))

    response = persona(role).post(url, {"document_number": "X1234567"})

    assert response.status_code == 302
    sample.accreditation.refresh_from_db()
    assert sample.accreditation.document_number == "X1234567"


@pytest.mark.parametrize(("name", "kwargs", "data"), OFFICER_ACTIONS + IDENTITY_ACTIONS)
def test_accreditation_actions_refuse_get(
    secretary_client: Client, sample: Sample, name: str, kwargs: Kwargs, data: dict[str, Any]
) -> None:
    assert secretary_client.get(reverse(name, kwargs=kwargs(sample))).status_code == 405


@pytest.mark.parametrize(("name", "kwargs", "data"), OFFICER_ACTIONS)
def test_accreditation_actions_open_to_officer(
    secretary_client: Client, sample: Sample, name: str, kwargs: Kwargs, data: dict[str, Any]
) -> None:
    before = state()

    response = secretary_client.post(reverse(name, kwargs=kwargs(sample)), _data(data, sample))

    assert response.status_code == 302
    assert state() != before


@pytest.mark.parametrize(("name", "kwargs"), READ_PAGES + OFFICER_PAGES)
def test_accreditation_pages_open_to_officer(
    secretary_client: Client, sample: Sample, name: str, kwargs: Kwargs
) -> None:
    assert secretary_client.get(reverse(name, kwargs=kwargs(sample))).status_code == 200


# The officer's work


def _forty() -> tuple[Meeting, list[Accreditation]]:
    at = meeting()
    orange = OrganisationFactory(name="Orange", category=Category.SECTOR_MEMBER)
    reply = submitted_reply(orange, at, members(40))
    other = OrganisationFactory(name="Université de Genève", category=Category.ACADEMIA)
    submitted_reply(other, at, members(2, prefix="Scholar"))
    return at, accreditations(reply)


def test_list_filters_by_organisation_name_and_category(secretary_client: Client) -> None:
    at, _ = _forty()
    url = reverse("backoffice:accreditation-list", kwargs={"code": at.code})

    by_name = secretary_client.get(url, {"organisation": "universite"})
    by_category = secretary_client.get(url, {"category": Category.SECTOR_MEMBER})
    by_status = secretary_client.get(url, {"status": Status.APPROVED})

    assert [a.delegate.family_name for a in by_name.context["page"].object_list] == [
        "Scholar 0",
        "Scholar 1",
    ]
    assert by_category.context["page"].paginator.count == 40
    assert by_status.context["page"].paginator.count == 0


def test_list_queries_do_not_grow_with_accreditations(secretary_client: Client) -> None:
    at, _ = _forty()
    url = reverse("backoffice:accreditation-list", kwargs={"code": at.code})
    with CaptureQueriesContext(connection) as few:
        secretary_client.get(url, {"organisation": "universite"})

    with CaptureQueriesContext(connection) as many:
        response = secretary_client.get(url)

    assert response.context["page"].paginator.count == 42
    # Unfiltered, the count is read from the status counts: one query fewer.
    assert len(many) == len(few) - 1


def test_list_shows_counts_by_status(secretary_client: Client) -> None:
    at, forty = _forty()
    services.transition(forty[0], Status.APPROVED, actor=STAFF)

    response = secretary_client.get(
        reverse("backoffice:accreditation-list", kwargs={"code": at.code})
    )

    assert [(c.status, c.count) for c in response.context["counts"]] == [
        ("pending", 41),
        ("approved", 1),
        ("rejected", 0),
        ("withdrawn", 0),
        ("revoked", 0),
    ]


def test_list_filters_by_organisation_number(secretary_client: Client) -> None:
    at, forty = _forty()
    url = reverse("backoffice:accreditation-list", kwargs={"code": at.code})
    number = forty[0].delegate.reply.organisation_id

    response = secretary_client.get(url, {"organisation": str(number)})

    assert response.context["page"].paginator.count == 40


def test_bulk_approve_forty_shows_the_count_then_approves(secretary_client: Client) -> None:
    at, forty = _forty()
    url = reverse("backoffice:accreditation-bulk", kwargs={"code": at.code})
    ids = [str(a.pk) for a in forty]

    confirm = secretary_client.post(url, {"action": "approve", "ids": ids})

    assert confirm.status_code == 200
    assert confirm.context["count"] == 40
    assert "Approve 40 accreditations?" in confirm.content.decode()
    assert Accreditation.objects.filter(status=Status.APPROVED).count() == 0

    done = secretary_client.post(url, {"action": "approve", "ids": ids, "confirm": "1"})

    assert done.status_code == 302
    assert Accreditation.objects.filter(status=Status.APPROVED).count() == 40
    assert [str(m) for m in get_messages(done.wsgi_request)] == [
        "40 of 40 accreditations are now approved."
    ]


def test_bulk_reject_asks_the_reason_then_emails_delegate_and_focal_point(
    secretary_client: Client,
) -> None:
    at, forty = _forty()
    url = reverse("backoffice:accreditation-bulk", kwargs={"code": at.code})
    ids = [str(forty[5].pk)]

    without = secretary_client.post(url, {"action": "reject", "ids": ids, "confirm": "1"})
    done = secretary_client.post(
        url, {"action": "reject", "ids": ids, "confirm": "1", "reason": "Not on the staff list."}
    )
    run_queued_tasks()

    assert without.status_code == 200
    assert without.context["form"].errors["reason"] == ["Give the reason for the rejection."]
    assert done.status_code == 302
    forty[5].refresh_from_db()
    assert (forty[5].status, forty[5].reason) == (Status.REJECTED, "Not on the staff list.")
    [email] = mail.outbox
    assert email.to == ["member5@example.org", "focal@example.org"]
    assert "Not on the staff list." in email.body


def test_bulk_ignores_another_meetings_accreditations(secretary_client: Client) -> None:
    at, _ = _forty()
    elsewhere = accreditations(
        submitted_reply(OrganisationFactory(), meeting(code="tunis-2005"), members(1))
    )[0]
    url = reverse("backoffice:accreditation-bulk", kwargs={"code": at.code})

    response = secretary_client.post(
        url, {"action": "approve", "ids": [str(elsewhere.pk)], "confirm": "1"}
    )

    assert response.status_code == 302
    elsewhere.refresh_from_db()
    assert elsewhere.status == Status.PENDING


def test_bulk_reports_refusals_beyond_the_limit(secretary_client: Client) -> None:
    at, forty = _forty()
    DelegateLimit.objects.create(meeting=at, category=Category.SECTOR_MEMBER, limit=10)
    url = reverse("backoffice:accreditation-bulk", kwargs={"code": at.code})

    done = secretary_client.post(
        url, {"action": "approve", "ids": [str(a.pk) for a in forty[:12]], "confirm": "1"}
    )

    texts = [str(m) for m in get_messages(done.wsgi_request)]
    assert texts[0] == "10 of 12 accreditations are now approved."
    assert len(texts) == 3
    assert Accreditation.objects.filter(status=Status.APPROVED).count() == 10


def test_substitute_page_revokes_and_opens_the_newcomers_accreditation(
    secretary_client: Client, sample: Sample
) -> None:
    url = reverse("backoffice:accreditation-substitute", kwargs={"pk": sample.approved.pk})

    data = {"family_name": "Newman", "given_name": "Nia", "email": "nia@example.org"}
    assert confirmation(secretary_client.post(url, data)) == (
        f"Replace {sample.approved.delegate} by Nia Newman?",
        f"The badge of {sample.approved.delegate} is revoked at once; the substitute's "
        "accreditation waits for approval.",
        "Revoke and substitute",
    )
    assert not Accreditation.objects.filter(delegate__family_name="Newman").exists()

    response = secretary_client.post(url, {**data, **CONFIRMED})

    newcomer = Accreditation.objects.get(delegate__family_name="Newman")
    assert response["Location"] == reverse(
        "backoffice:accreditation-detail", kwargs={"pk": newcomer.pk}
    )
    sample.approved.refresh_from_db()
    assert (sample.approved.status, newcomer.status) == (Status.REVOKED, Status.PENDING)


def test_remind_page_counts_reminders(secretary_client: Client, sample: Sample) -> None:
    url = reverse("backoffice:accreditation-remind", kwargs=_code(sample))

    response = secretary_client.post(url)

    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "2 reminders of missing details are being sent."
    ]
    assert OutboundMessage.objects.filter(kind="missing_data").count() == 2
    assert DBTaskResult.objects.count() == 1


def test_move_refused_shows_the_reason(secretary_client: Client, sample: Sample) -> None:
    url = reverse("backoffice:accreditation-move", kwargs=_pk(sample))

    response = secretary_client.post(url, {"to": "revoked", "reason": "x"})

    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "An accreditation that is Pending cannot become Revoked."
    ]


def test_withdrawing_asks_for_confirmation_naming_the_delegate(
    secretary_client: Client, sample: Sample
) -> None:
    url = reverse("backoffice:accreditation-move", kwargs=_pk(sample))
    delegate = sample.accreditation.delegate
    before = state()

    asked = secretary_client.post(url, {"to": "withdrawn"})

    assert confirmation(asked) == (
        f"Withdraw the accreditation of {delegate} (Orange)?",
        "The delegate leaves the delegation for good and a badge already printed no longer "
        "works. This cannot be undone.",
        "Withdraw the accreditation",
    )
    assert '<input type="hidden" name="to" value="withdrawn">' in asked.content.decode()
    assert state() == before

    done = secretary_client.post(url, {"to": "withdrawn", **CONFIRMED})

    assert done.status_code == 302
    sample.accreditation.refresh_from_db()
    assert sample.accreditation.status == Status.WITHDRAWN


def test_rejecting_is_confirmed_with_the_reason_kept(
    secretary_client: Client, sample: Sample
) -> None:
    url = reverse("backoffice:accreditation-move", kwargs=_pk(sample))

    asked = secretary_client.post(url, {"to": "rejected", "reason": "No seat left."})

    assert confirmation(asked)[2] == "Reject the accreditation"
    assert '<input type="hidden" name="reason" value="No seat left.">' in asked.content.decode()
    sample.accreditation.refresh_from_db()
    assert sample.accreditation.status == Status.PENDING


def test_rejecting_without_reason_says_so_before_any_confirmation(
    secretary_client: Client, sample: Sample
) -> None:
    url = reverse("backoffice:accreditation-move", kwargs=_pk(sample))

    response = secretary_client.post(url, {"to": "rejected", "reason": " "})

    assert response.status_code == 302
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "Give the reason: the delegate and the focal point read it."
    ]
    sample.accreditation.refresh_from_db()
    assert sample.accreditation.status == Status.PENDING


def test_approving_needs_no_confirmation(secretary_client: Client, sample: Sample) -> None:
    url = reverse("backoffice:accreditation-move", kwargs=_pk(sample))

    response = secretary_client.post(url, {"to": "approved"})

    assert response.status_code == 302
    sample.accreditation.refresh_from_db()
    assert sample.accreditation.status == Status.APPROVED


def test_detail_shows_identity_only_to_allowed_roles(sample: Sample) -> None:
    Accreditation.objects.filter(pk=sample.accreditation.pk).update(document_number="X1234567")
    url = reverse("backoffice:accreditation-detail", kwargs=_pk(sample))

    shown = {
        role: "X1234567" in persona(role).get(url).content.decode()
        for role in (Role.REGISTRATION_OFFICER, Role.BADGE_DESK, Role.CHECKIN_DESK, Role.VIEWER)
    }

    assert shown == {
        Role.REGISTRATION_OFFICER: True,
        Role.BADGE_DESK: True,
        Role.CHECKIN_DESK: False,
        Role.VIEWER: False,
    }


def test_detail_offers_the_allowed_moves_to_officer(
    secretary_client: Client, sample: Sample
) -> None:
    response = secretary_client.get(reverse("backoffice:accreditation-detail", kwargs=_pk(sample)))

    moves = response.context["moves"]
    assert [(m["value"], str(m["button"]), m["destructive"]) for m in moves] == [
        ("approved", "Approve", False),
        ("rejected", "Reject…", True),
        ("withdrawn", "Withdraw…", True),
    ]


def test_limits_page_saves_limits(secretary_client: Client, sample: Sample) -> None:
    url = reverse("backoffice:accreditation-limits", kwargs=_code(sample))

    response = secretary_client.post(url, {Category.SECTOR_MEMBER: "10"})

    assert response.status_code == 302
    assert list(DelegateLimit.objects.values_list("category", "limit")) == [
        (Category.SECTOR_MEMBER, 10)
    ]


def test_exception_refused_from_limits_page(secretary_client: Client, sample: Sample) -> None:
    url = reverse("backoffice:accreditation-exception-decide", kwargs={"pk": sample.exception.pk})

    asked = secretary_client.post(url, {"decision": "refuse"})
    assert confirmation(asked) == (
        "Refuse the request of Orange for 3 delegates?",
        "The usual limit stays; the focal point is told.",
        "Refuse the request",
    )
    sample.exception.refresh_from_db()
    assert sample.exception.decided_at is None

    secretary_client.post(url, {"decision": "refuse", **CONFIRMED})

    sample.exception.refresh_from_db()
    assert (sample.exception.granted, sample.exception.decided_at is not None) == (None, True)


def test_bulk_confirmation_unknown_action_goes_back(
    secretary_client: Client, sample: Sample
) -> None:
    url = reverse("backoffice:accreditation-bulk", kwargs=_code(sample))

    response = secretary_client.post(url, {"action": "print", "ids": [sample.accreditation.pk]})

    assert response.status_code == 302
    assert DBTaskResult.objects.count() == 0
