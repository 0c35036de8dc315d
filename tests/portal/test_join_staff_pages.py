"""The secretariat's page of requests to join delegations to a meeting."""

import pytest
from django.test import Client

from summitdesk.backoffice import urls as backoffice_urls
from summitdesk.core.models import AuditEntry
from summitdesk.delegations import join_requests
from summitdesk.delegations.enums import JoinRequestStatus
from summitdesk.delegations.join_requests import JoinerData
from summitdesk.delegations.models import Delegate, JoinRequest
from tests.portal.conftest import Invited
from tests.portal.test_join_requests import acme_replied  # noqa: F401 -- a fixture

pytestmark = pytest.mark.django_db


def pending(invited: Invited, family_name: str, **changes: object) -> JoinRequest:
    request = join_requests.submit(
        invited.reply.meeting,
        invited.organisation,
        JoinerData(family_name=family_name, email=f"{family_name.lower()}@example.net"),
    )
    JoinRequest.objects.filter(pk=request.pk).update(status=JoinRequestStatus.PENDING, **changes)
    return JoinRequest.objects.get(pk=request.pk)


def url(invited: Invited) -> str:
    return f"/meetings/{invited.reply.meeting.code}/join-requests/"


def test_staff_see_requests_waiting_for_them(
    acme_replied: Invited,  # noqa: F811
    borealis: Invited,
    viewer_client: Client,
) -> None:
    pending(borealis, "Nofocal")  # Borealis has no focal point
    pending(acme_replied, "Withfocal")  # Acme's focal point decides
    pending(acme_replied, "Flagged", possible_duplicate=True, duplicate_notes="Jane Doe, Acme")

    waiting = viewer_client.get(url(borealis)).content.decode()
    every = viewer_client.get(url(borealis) + "?show=all").content.decode()

    assert "Nofocal" in waiting and "Flagged" in waiting and "Withfocal" not in waiting
    assert "Possibly already accredited" in waiting and "Jane Doe, Acme" in waiting
    assert "Withfocal" in every
    assert 'name="decision"' not in waiting  # a viewer decides nothing


def test_a_viewer_may_not_decide(borealis: Invited, viewer_client: Client) -> None:
    request = pending(borealis, "Nofocal")

    response = viewer_client.post(url(borealis) + f"{request.pk}/decide/", {"decision": "accept"})

    assert response.status_code == 403
    assert JoinRequest.objects.get(pk=request.pk).status == JoinRequestStatus.PENDING


def test_staff_accept_a_request_of_an_organisation_without_focal_point(
    borealis: Invited, secretary_client: Client
) -> None:
    request = pending(borealis, "Nofocal")

    response = secretary_client.post(
        url(borealis) + f"{request.pk}/decide/", {"decision": "accept"}, follow=True
    )

    assert "Nofocal is now in the delegation of Borealis Networks." in response.content.decode()
    assert Delegate.objects.filter(reply=borealis.reply, family_name="Nofocal").exists()
    assert AuditEntry.objects.filter(action="summitdesk.join_request.accepted").count() == 1


def test_a_flagged_request_needs_the_staff_confirmation(
    borealis: Invited, secretary_client: Client
) -> None:
    request = pending(borealis, "Flagged", possible_duplicate=True)
    target = url(borealis) + f"{request.pk}/decide/"

    refused = secretary_client.post(target, {"decision": "accept"}, follow=True)
    assert "may already be accredited" in refused.content.decode()
    assert JoinRequest.objects.get(pk=request.pk).status == JoinRequestStatus.PENDING

    secretary_client.post(target, {"decision": "accept", "duplicate_checked": "1"})
    assert JoinRequest.objects.get(pk=request.pk).status == JoinRequestStatus.ACCEPTED


def test_hostile_input_changes_nothing(borealis: Invited, secretary_client: Client) -> None:
    request = pending(borealis, "Nofocal")
    target = url(borealis) + f"{request.pk}/decide/"

    answers = [
        secretary_client.post(target, data, follow=True).content.decode()
        for data in (
            {"decision": "maybe"},
            {"decision": "decline", "reason": "a\x00b"},
            {"decision": "decline", "reason": "x" * 1001},
        )
    ]
    assert "Choose whether to accept or decline the request." in answers[0]
    assert "plain text of at most 1000 characters" in answers[1]
    assert "plain text of at most 1000 characters" in answers[2]
    assert JoinRequest.objects.get(pk=request.pk).status == JoinRequestStatus.PENDING
    assert secretary_client.post(url(borealis) + "999999/decide/", {}).status_code == 404
    assert secretary_client.get("/meetings/nowhere/join-requests/").status_code == 404


#: The back-office pages this module tests role by role (tests/backoffice/test_directory_pages
#: checks that every back-office page is in some module's URL_NAMES).
URL_NAMES = {"join-request-decide", "join-request-list"}


def test_url_names_are_this_modules_pages() -> None:
    names = {
        pattern.name
        for pattern in backoffice_urls.urlpatterns
        if str(pattern.name).startswith(("join-request",))
    }
    assert names == URL_NAMES
