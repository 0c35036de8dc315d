"""Requests to join in the REST API (scope join_requests:read, change feed), in webhooks
and in the staff export."""

import csv
import io
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from summitdesk.core.audit import Actor
from summitdesk.core.models import AuditEntry, User
from summitdesk.delegations import join_requests
from summitdesk.delegations.enums import JoinRequestStatus
from summitdesk.delegations.join_requests import JoinerData
from summitdesk.delegations.models import JoinRequest
from summitdesk.lib.tokens import hash_token, new_token
from summitdesk.webhooks import services as webhook_services
from summitdesk.webhooks.enums import EVENT_OF
from tests.api.conftest import ApiClient, make_token
from tests.portal.conftest import Invited

pytestmark = pytest.mark.django_db


def received(invited: Invited, family_name: str) -> JoinRequest:
    """A request whose email address is confirmed (through the emailed link)."""
    request = join_requests.submit(
        invited.reply.meeting,
        invited.organisation,
        JoinerData(family_name=family_name, email=f"{family_name.lower()}@example.net"),
    )
    token = new_token()
    JoinRequest.objects.filter(pk=request.pk).update(
        token_hash=hash_token(token), token_expires_at=timezone.now() + timedelta(days=1)
    )
    confirmed = join_requests.confirm(token)
    assert confirmed is not None
    return confirmed


def test_the_api_lists_confirmed_requests_with_its_scope(acme: Invited, borealis: Invited) -> None:
    confirmed = received(acme, "Confirmed")
    join_requests.submit(
        borealis.reply.meeting,
        borealis.organisation,
        JoinerData(family_name="Unc", email="u@x.net"),
    )
    api = ApiClient(make_token("join_requests:read"))

    listed = api.request("GET", "/join-requests?meeting=geneva-2003").json()

    assert [item["family_name"] for item in listed["items"]] == ["Confirmed"]
    assert listed["items"][0]["organisation"] == {
        "id": acme.organisation.pk,
        "name": "Acme Telecom",
    }
    one = api.request("GET", f"/join-requests/{confirmed.pk}")
    assert one.status_code == 200 and one.json()["status"] == "pending"
    unconfirmed = JoinRequest.objects.get(family_name="Unc")
    assert api.request("GET", f"/join-requests/{unconfirmed.pk}").status_code == 404
    assert ApiClient(make_token("replies:read")).request("GET", "/join-requests").status_code == 403


def test_the_change_feed_tells_received_and_decided(acme: Invited) -> None:
    request = received(acme, "Feed")
    join_requests.decide(request, accept=False, actor=Actor.system("staff"), reason="Full")
    api = ApiClient(make_token("join_requests:read"))

    feed = api.request("GET", "/join-requests/changes?since=0").json()

    assert [(i["action"], i["status"]) for i in feed["items"] if i["id"] == request.pk] == [
        ("updated", None),  # submitted, unconfirmed
        ("created", "pending"),
        ("declined", "declined"),
    ]


def test_webhooks_carry_the_request_without_the_persons_data(acme: Invited) -> None:
    request = received(acme, "Hooked")
    entry = AuditEntry.objects.get(action="summitdesk.join_request.received")

    assert EVENT_OF[entry.action] == "join_request.received"
    data = webhook_services.events_data([entry])[entry.pk]
    assert data["join_request"] == {"id": request.pk, "status": "pending", "delegate": None}
    assert data["organisation"]["name"] == "Acme Telecom"
    assert "Hooked" not in str(data)


def test_staff_export_the_requests(
    acme: Invited, admin_client: Client, administrator: User
) -> None:
    received(acme, "Exported")

    response = admin_client.post("/exports/join_requests/?meeting=geneva-2003", {"format": "csv"})

    assert response.status_code == 200
    body = b"".join(response.streaming_content).decode("utf-8-sig")  # type: ignore[attr-defined]
    rows = list(csv.reader(io.StringIO(body)))
    assert "Family name" in rows[0]
    assert any("Exported" in row for row in rows[1:])
    assert str(JoinRequestStatus.PENDING.label) in rows[1]
