"""Circulars over the API: reading, the sending status (the CLI's figures) and dispatch,
which queues the letters exactly as the back office does."""

from collections.abc import Callable

import pytest
from django_tasks_db.models import DBTaskResult

from summitdesk.core.enums import Channel
from summitdesk.core.models import AuditEntry
from summitdesk.correspondence import services
from summitdesk.correspondence.enums import CircularStatus, MessageState
from summitdesk.correspondence.models import Circular, Invitation, OutboundMessage
from tests.api.conftest import ApiClient, error_fields, make_token
from tests.correspondence.builders import dm1048, organisation

pytestmark = pytest.mark.django_db

ApiFor = Callable[..., ApiClient]


@pytest.fixture
def sender() -> ApiClient:
    return ApiClient(make_token("circulars:read", "circulars:write", name="mail robot"))


def _draft(count: int = 3) -> Circular:
    organisations = [organisation(f"Org {n}") for n in range(count)]
    organisations.append(organisation("Paper only", email=False))
    return dm1048(organisations)


def test_list_and_get(api_for: ApiFor) -> None:
    circular = _draft()
    api = api_for("circulars:read")

    items = api.walk("/circulars")
    one = api.get(f"/circulars/{circular.pk}")

    assert [item["reference"] for item in items] == ["DM-1048"]
    assert one.status_code == 200 and one["ETag"]
    body = one.json()
    assert body["status"] == "draft" and body["meeting"] == circular.meeting_id
    assert body["texts"][0]["language"] == "en"
    assert [item["id"] for item in api.walk(f"/circulars?meeting={circular.meeting_id}")] == [
        circular.pk
    ]
    assert api.walk("/circulars?status=dispatched") == []


def test_dispatch_queues_the_letters_like_the_back_office(sender: ApiClient) -> None:
    circular = _draft(3)

    response = sender.post(f"/circulars/{circular.pk}/dispatch")

    assert response.status_code == 202, response.content
    body = response.json()
    circular.refresh_from_db()
    assert circular.status == CircularStatus.DISPATCHING
    assert Invitation.objects.filter(circular=circular).count() == 4
    assert body["mailing"] == circular.mailings.get().pk
    assert body["status"]["total"] == 4 and body["status"]["queued"] == 3
    assert body["status"]["no_address"] == 1 and body["status"]["done"] is False
    assert DBTaskResult.objects.filter(task_path__endswith="send_mailing").count() == (
        services.SENDING_TASKS
    )
    entry = AuditEntry.objects.get(action="summitdesk.circular.dispatched")
    assert entry.channel == Channel.API and entry.actor_label == "API token mail robot"


def test_status_gives_the_same_figures_as_the_cli(sender: ApiClient) -> None:
    circular = _draft(2)
    assert sender.post(f"/circulars/{circular.pk}/dispatch").status_code == 202
    OutboundMessage.objects.filter(state=MessageState.QUEUED).update(state=MessageState.FAILED)

    response = sender.get(f"/circulars/{circular.pk}/status")

    assert response.status_code == 200
    assert response.json() == services.circular_status(circular)
    assert response.json()["failed"] == 2 and response.json()["done"] is True


def test_dispatch_twice_is_409_and_queues_nothing_more(sender: ApiClient) -> None:
    circular = _draft(1)
    assert sender.post(f"/circulars/{circular.pk}/dispatch").status_code == 202

    again = sender.post(f"/circulars/{circular.pk}/dispatch")

    assert again.status_code == 409 and "already" in again.json()["detail"]
    assert OutboundMessage.objects.count() == 2


def test_dispatch_of_a_circular_not_ready_is_422_with_reasons(sender: ApiClient) -> None:
    circular = dm1048([], audience={})

    response = sender.post(f"/circulars/{circular.pk}/dispatch")

    assert response.status_code == 422
    assert any("audience" in message for message in error_fields(response)["circular"])
    circular.refresh_from_db()
    assert circular.status == CircularStatus.DRAFT
    assert not OutboundMessage.objects.exists()


def test_dispatch_refusals(api_for: ApiFor, sender: ApiClient, anonymous: ApiClient) -> None:
    circular = _draft(1)

    read_only = api_for("circulars:read").post(f"/circulars/{circular.pk}/dispatch")

    assert read_only.status_code == 403
    assert error_fields(read_only) == {"scope": ["circulars:write"]}
    assert anonymous.post(f"/circulars/{circular.pk}/dispatch").status_code == 401
    assert sender.post("/circulars/777777/dispatch").status_code == 404
    assert sender.get("/circulars/777777/status").status_code == 404
    circular.refresh_from_db()
    assert circular.status == CircularStatus.DRAFT
