"""A person withdraws their own request to join from their link's page: confirmed, only
while the request is undecided, only their own request, once."""

import re
from types import SimpleNamespace

import pytest
from django.core import mail
from django.test import Client

from summitdesk.core import ratelimit
from summitdesk.core.audit import Actor
from summitdesk.core.models import AuditEntry
from summitdesk.delegations import join_requests
from summitdesk.delegations.enums import JoinRequestStatus
from summitdesk.delegations.join_requests import JoinerData
from summitdesk.delegations.models import JoinRequest
from summitdesk.meetings.models import Meeting
from tests.portal.conftest import Invited
from tests.tasks import run_queued_tasks

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def one_window(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ratelimit, "time", SimpleNamespace(time=lambda: 1_000_000_020.0))


def link_of(meeting: Meeting, organisation: Invited, family_name: str) -> str:
    """A request to join `organisation`'s delegation, confirmed: its person's link."""
    mail.outbox.clear()
    join_requests.submit(
        meeting,
        organisation.organisation,
        JoinerData(family_name=family_name, email=f"{family_name.lower()}@example.net"),
    )
    run_queued_tasks()
    bodies = [str(m.body) for m in mail.outbox if "/join/confirm/" in str(m.body)]
    match = re.search(r"(/join/confirm/[A-Za-z0-9_-]+/)", bodies[-1])
    assert match is not None
    confirmed = Client().post(match.group(1))
    assert "now your page of the request" in confirmed.content.decode()
    return match.group(1)


def status_of(family_name: str) -> str:
    return str(JoinRequest.objects.get(family_name=family_name).status)


def withdrawals() -> int:
    return AuditEntry.objects.filter(action="summitdesk.join_request.withdrawn").count()


def test_the_person_withdraws_their_request_after_confirming(acme: Invited) -> None:
    link = link_of(acme.reply.meeting, acme, "Paula")
    client = Client(enforce_csrf_checks=True)

    page = client.get(link)
    content = page.content.decode()
    assert "Waiting for a decision" in content
    assert 'name="withdraw"' in content and "Withdraw my request…" in content
    assert 'name="csrfmiddlewaretoken"' in content
    csrf = client.cookies["csrftoken"].value

    asked = client.post(link, {"withdraw": "yes", "csrfmiddlewaretoken": csrf})
    assert "Withdraw your request?" in asked.content.decode()
    assert 'class="destructive"' in asked.content.decode()
    assert status_of("Paula") == JoinRequestStatus.PENDING  # nothing yet

    done = client.post(link, {"withdraw": "yes", "confirmed": "yes", "csrfmiddlewaretoken": csrf})

    assert "You withdrew your request" in done.content.decode()
    assert status_of("Paula") == JoinRequestStatus.WITHDRAWN
    assert withdrawals() == 1
    entry = AuditEntry.objects.get(action="summitdesk.join_request.withdrawn")
    assert entry.actor is None and "Paula" in entry.actor_label
    # Afterwards the page says it was withdrawn, and offers nothing more.
    later = client.get(link).content.decode()
    assert "You withdrew your request" in later and 'name="withdraw"' not in later
    # The organisation's inbox shows it withdrawn, no longer to decide.
    assert (
        "<bdi>Paula</bdi>: Withdrawn" in Client().get(acme.url + "join-requests/").content.decode()
    )


def test_withdrawing_needs_the_csrf_token(acme: Invited) -> None:
    link = link_of(acme.reply.meeting, acme, "Paula")

    refused = Client(enforce_csrf_checks=True).post(link, {"withdraw": "yes", "confirmed": "yes"})

    assert refused.status_code == 403
    assert status_of("Paula") == JoinRequestStatus.PENDING


def test_a_second_withdrawal_changes_nothing(acme: Invited) -> None:
    link = link_of(acme.reply.meeting, acme, "Paula")
    client = Client()
    client.post(link, {"withdraw": "yes", "confirmed": "yes"})
    withdrawn_at = JoinRequest.objects.get(family_name="Paula").updated_at

    again = client.post(link, {"withdraw": "yes", "confirmed": "yes"})

    assert again.status_code == 200
    assert "You withdrew your request" in again.content.decode()
    assert withdrawals() == 1
    assert JoinRequest.objects.get(family_name="Paula").updated_at == withdrawn_at


def test_another_requests_link_cannot_withdraw_this_one(acme: Invited, borealis: Invited) -> None:
    meeting = acme.reply.meeting
    link_of(meeting, acme, "Paula")
    other_link = link_of(meeting, borealis, "Otto")
    paula = JoinRequest.objects.get(family_name="Paula")

    Client().post(
        other_link + f"?id={paula.pk}",
        {"withdraw": "yes", "confirmed": "yes", "id": paula.pk, "request": paula.pk},
    )

    assert status_of("Paula") == JoinRequestStatus.PENDING
    assert status_of("Otto") == JoinRequestStatus.WITHDRAWN


def test_a_decided_request_cannot_be_withdrawn(acme: Invited) -> None:
    link = link_of(acme.reply.meeting, acme, "Paula")
    request = JoinRequest.objects.get(family_name="Paula")
    join_requests.decide(request, accept=False, actor=Actor.system("test"), reason="Full.")

    page = Client().get(link).content.decode()
    posted = Client().post(link, {"withdraw": "yes", "confirmed": "yes"})

    assert "Your request has been decided" in page and 'name="withdraw"' not in page
    assert "Your request has been decided" in posted.content.decode()
    assert status_of("Paula") == JoinRequestStatus.DECLINED
    assert withdrawals() == 0


def test_an_unknown_link_withdraws_nothing(acme: Invited) -> None:
    link_of(acme.reply.meeting, acme, "Paula")

    response = Client().post(
        "/join/confirm/Zm9yZ2VkLXRva2VuLW5vYm9keS1oYXMtaXQ/",
        {"withdraw": "yes", "confirmed": "yes"},
    )

    assert response.status_code == 404
    assert status_of("Paula") == JoinRequestStatus.PENDING
