"""The join-request links and pages open only their own holder's data, as the reply links
(test_access.py): B's reply link with Acme's request ids on every join route answers 404
or B's own data, never Acme's; one person's confirmation link with another's request id
confirms only its own request."""

import re

import pytest
from django.test import Client

from summitdesk.core.audit import Actor
from summitdesk.delegations import join_requests
from summitdesk.delegations.enums import JoinRequestStatus
from summitdesk.delegations.join_requests import JoinerData
from summitdesk.delegations.models import JoinRequest
from tests.portal.conftest import Invited
from tests.portal.test_join_requests import confirmation_link
from tests.tasks import run_queued_tasks

pytestmark = pytest.mark.django_db


def pending(invited: Invited, family_name: str) -> JoinRequest:
    request = join_requests.submit(
        invited.reply.meeting,
        invited.organisation,
        JoinerData(family_name=family_name, email=f"{family_name.lower()}@example.net"),
    )
    JoinRequest.objects.filter(pk=request.pk).update(status=JoinRequestStatus.PENDING)
    return request


def test_b_with_acmes_request_ids_on_every_join_route_never_sees_or_decides_them(
    acme: Invited, borealis: Invited
) -> None:
    acmes = pending(acme, "Acmejoiner")
    pending(borealis, "Borealjoiner")
    ids = {
        "id": acmes.pk,
        "pk": acmes.pk,
        "request": acmes.pk,
        "request_id": acmes.pk,
        "organisation": acme.organisation.pk,
        "reply": acme.reply.pk,
    }
    query = "?" + "&".join(f"{key}={value}" for key, value in ids.items())
    base = borealis.url + "join-requests/"
    client = Client()
    seen = 0
    for method, url, data in [
        ("get", base, {}),
        ("get", base + query, {}),
        ("post", base, {**ids, "decision": "accept"}),
        ("get", f"{base}{acmes.pk}/", {}),
        ("post", f"{base}{acmes.pk}/", {"decision": "accept"}),
        ("post", f"{base}{acmes.pk}/", {"decision": "decline", "reason": "x"}),
        ("post", f"{base}{acmes.pk}/{query}", {**ids, "decision": "accept"}),
    ]:
        response = getattr(client, method)(url, data)
        if response.status_code == 302:
            response = client.get(response["Location"])
        html = response.content.decode()
        assert response.status_code in (200, 404, 405), url
        assert re.search(r"acme", html, re.I) is None, (method, url)
        seen += 1

    assert seen == 7
    assert JoinRequest.objects.get(pk=acmes.pk).status == JoinRequestStatus.PENDING
    # B's own inbox shows B's request.
    assert "Borealjoiner" in client.get(base).content.decode()


def test_a_confirmation_link_confirms_only_its_own_request(
    acme: Invited, borealis: Invited
) -> None:
    meeting = acme.reply.meeting
    join_requests.submit(meeting, acme.organisation, JoinerData(family_name="Aa", email="a@x.net"))
    link = confirmation_link()
    other = join_requests.submit(
        meeting, borealis.organisation, JoinerData(family_name="Bb", email="b@x.net")
    )
    run_queued_tasks()

    Client().post(link + f"?id={other.pk}", {"id": other.pk, "request": other.pk})

    statuses = dict(JoinRequest.objects.values_list("family_name", "status"))
    assert statuses == {"Aa": JoinRequestStatus.PENDING, "Bb": JoinRequestStatus.UNCONFIRMED}


def test_a_revoked_link_answers_as_an_unknown_one(acme: Invited) -> None:
    meeting = acme.reply.meeting
    request = join_requests.submit(
        meeting, acme.organisation, JoinerData(family_name="Aa", email="a@x.net")
    )
    link = confirmation_link()
    unknown = Client().get("/join/confirm/Zm9yZ2VkLXRva2VuLW5vYm9keS1oYXMtaXQ/")
    join_requests.withdraw(request, actor=Actor.system("test"))

    revoked = Client().get(link)
    assert (revoked.status_code, revoked.content) == (404, unknown.content)
