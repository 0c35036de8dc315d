import datetime

import pytest

from summitdesk.credentials import services
from summitdesk.credentials.enums import DocumentKind
from summitdesk.credentials.models import Credentials
from summitdesk.directory.enums import Category
from tests.accreditation.builders import STAFF, members, submitted_reply
from tests.api.conftest import ApiClient, make_token
from tests.credentials.builders import government, received
from tests.delegations.builders import summit
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


def test_the_register_lists_governments_with_their_state_and_documents() -> None:
    at = summit()
    ruritania = government(at)
    submitted_reply(
        OrganisationFactory(name="Acme", category=Category.SECTOR_MEMBER), at, members(1)
    )
    services.set_requirement(
        at, Category.MEMBER_STATE, DocumentKind.NOTE_VERBALE, required=True, actor=STAFF
    )
    received(ruritania, DocumentKind.NOMINATION_LETTER)
    api = ApiClient(make_token("credentials:read"))

    items = api.get(f"/credentials?meeting={at.code}").json()["items"]

    assert [item["organisation"]["name"] for item in items] == ["Ruritania"]
    [item] = items
    assert item["state"] == "missing"
    assert item["missing_documents"] == ["note_verbale"]
    assert [d["kind"] for d in item["documents"]] == ["nomination_letter"]
    assert "file" not in item["documents"][0]
    assert api.get("/credentials?state=in_order").json()["items"] == []


def test_recording_through_the_api_needs_if_match_and_shows_in_the_feed() -> None:
    reply = government(summit())
    api = ApiClient(make_token("credentials:read", "credentials:write"))
    current = api.get(f"/credentials/{reply.pk}")
    body = {
        "received_on": datetime.date.today().isoformat(),
        "form": "original",
        "examined": "in_order",
    }

    assert api.put(f"/credentials/{reply.pk}", body).status_code == 428
    changed = api.put(f"/credentials/{reply.pk}", body, headers={"If-Match": current["ETag"]})

    assert changed.status_code == 200
    assert changed.json()["state"] == "in_order"
    feed = api.get("/credentials/changes?since=0").json()["items"]
    assert [record["action"] for record in feed] == ["recorded", "examined"]
    stale = api.put(f"/credentials/{reply.pk}", body, headers={"If-Match": current["ETag"]})
    assert stale.status_code == 412


def test_a_wrong_entry_is_refused_and_a_reader_may_not_write() -> None:
    reply = government(summit())
    writer = ApiClient(make_token("credentials:read", "credentials:write"))
    etag = writer.get(f"/credentials/{reply.pk}")["ETag"]

    refused = writer.put(
        f"/credentials/{reply.pk}", {"examined": "in_order"}, headers={"If-Match": etag}
    )
    assert refused.status_code == 409
    assert "Record when the credentials were received" in refused.json()["detail"]
    reader = ApiClient(make_token("credentials:read"))
    assert reader.put(f"/credentials/{reply.pk}", {}, headers={"If-Match": etag}).status_code == 403
    assert ApiClient(make_token("replies:read")).get("/credentials").status_code == 403
    assert not Credentials.objects.exists()


def test_the_replies_resource_carries_the_credentials_state() -> None:
    at = summit()
    reply = government(at)
    services.save_credentials(
        reply,
        services.CredentialsData(received_on=datetime.date.today()),
        actor=STAFF,
    )
    business = submitted_reply(
        OrganisationFactory(name="Acme", category=Category.SECTOR_MEMBER), at, members(1)
    )
    api = ApiClient(make_token("replies:read"))

    listed = {item["id"]: item["credentials"] for item in api.get("/replies").json()["items"]}

    assert listed == {reply.pk: "received", business.pk: "not_required"}
    assert api.get(f"/replies/{reply.pk}").json()["credentials"] == "received"
