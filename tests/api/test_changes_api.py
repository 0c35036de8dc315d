"""The change feeds: every change after `since`, in commit order, with merges, removals
and late commits as records rather than silence."""

from collections.abc import Callable
from typing import Any

import pytest

from summitdesk.core import audit
from summitdesk.core.audit import Actor
from summitdesk.core.enums import Channel
from summitdesk.core.models import AuditEntry
from summitdesk.correspondence.services import dispatch_circular
from summitdesk.directory import services
from summitdesk.directory.enums import PositionRole
from summitdesk.meetings.services import save_meeting
from tests.api.conftest import ApiClient, error_fields
from tests.correspondence.builders import dm1048, organisation
from tests.factories import MeetingFactory, OrganisationFactory, PersonFactory, PositionFactory

pytestmark = pytest.mark.django_db

ApiFor = Callable[..., ApiClient]
STAFF = Actor.system("secretary", Channel.BACKOFFICE)


def _feed(api: ApiClient, path: str) -> dict[str, Any]:
    response = api.get(path)
    assert response.status_code == 200, response.content
    body: dict[str, Any] = response.json()
    return body


def _records(feed: dict[str, Any]) -> list[tuple[str, int, str]]:
    return [(item["resource"], item["id"], item["action"]) for item in feed["items"]]


@pytest.fixture
def reader(api_for: ApiFor) -> ApiClient:
    return api_for("directory:read", "meetings:read", "circulars:read")


def test_create_update_and_later_since(reader: ApiClient) -> None:
    swisscom = services.create_organisation(
        {"name": "Swisscom", "category": "sector_member", "country": "CH"}, actor=STAFF
    )
    first = _feed(reader, "/organisations/changes")
    services.update_organisation(swisscom, {"acronym": "SC"}, actor=STAFF)

    later = _feed(reader, f"/organisations/changes?since={first['next_since']}")
    nothing = _feed(reader, f"/organisations/changes?since={later['next_since']}")

    assert _records(first) == [("organisations", swisscom.pk, "created")]
    assert _records(later) == [("organisations", swisscom.pk, "updated")]
    assert later["items"][0]["audit_action"] == "summitdesk.organisation.changed"
    assert later["items"][0]["sequence"] > first["items"][0]["sequence"]
    assert later["next_since"] > first["next_since"]
    assert nothing == {"items": [], "next_since": later["next_since"]}


def test_merge_is_a_merged_record_for_the_duplicate(reader: ApiClient) -> None:
    kept, duplicate = OrganisationFactory(), OrganisationFactory()
    since = _feed(reader, "/organisations/changes")["next_since"]

    services.merge_organisations(kept, duplicate, actor=STAFF)

    records = _records(_feed(reader, f"/organisations/changes?since={since}"))
    assert ("organisations", duplicate.pk, "merged") in records
    assert ("organisations", kept.pk, "updated") in records
    merged_item = reader.get(f"/organisations/{duplicate.pk}").json()
    assert merged_item["status"] == "merged" and merged_item["merged_into"] == kept.pk


def test_position_removed_is_a_change_of_the_organisation(reader: ApiClient) -> None:
    position = PositionFactory(role=PositionRole.FOCAL_POINT)
    since = _feed(reader, "/organisations/changes")["next_since"]

    services.remove_position(position, actor=STAFF)

    feed = _feed(reader, f"/organisations/changes?since={since}")
    assert _records(feed) == [("organisations", position.organisation_id, "updated")]
    assert feed["items"][0]["audit_action"] == "summitdesk.position.removed"


def test_people_feed(reader: ApiClient) -> None:
    person = PersonFactory()
    services.save_person(person, {"title": "Dr"}, organisation=OrganisationFactory(), actor=STAFF)

    feed = _feed(reader, "/people/changes")

    assert _records(feed) == [("people", person.pk, "updated")]


def test_feed_pages_with_limit_and_skips_other_resources(reader: ApiClient) -> None:
    organisations = [OrganisationFactory() for _ in range(5)]
    for org in organisations:
        audit.record(org, "summitdesk.organisation.changed", actor=STAFF)
        save_meeting(MeetingFactory.build(process=MeetingFactory().process), {}, actor=STAFF)

    seen: list[int] = []
    since = 0
    while True:
        feed = _feed(reader, f"/organisations/changes?since={since}&limit=2")
        seen += [item["id"] for item in feed["items"]]
        if not feed["items"]:
            break
        since = feed["next_since"]

    assert seen == [org.pk for org in organisations]
    meetings = _feed(reader, "/meetings/changes")
    assert [item["action"] for item in meetings["items"]] == ["created"] * 5


def test_a_change_committed_after_a_read_is_not_skipped(reader: ApiClient) -> None:
    """An entry without a sequence yet (its transaction committed after others were
    numbered) gets one above every number given, so the next read finds it."""
    early, late = OrganisationFactory(), OrganisationFactory()
    audit.record(early, "summitdesk.organisation.changed", actor=STAFF)
    late_entry = audit.record(late, "summitdesk.organisation.changed", actor=STAFF)
    AuditEntry.objects.filter(pk=late_entry.pk).update(sequence=-1)
    first = _feed(reader, "/organisations/changes")
    AuditEntry.objects.filter(pk=late_entry.pk).update(sequence=None)

    second = _feed(reader, f"/organisations/changes?since={first['next_since']}")

    assert _records(first) == [("organisations", early.pk, "updated")]
    assert _records(second) == [("organisations", late.pk, "updated")]


def test_circular_feed_names_dispatch(api_for: ApiFor) -> None:
    circular = dm1048([organisation("Org")])
    dispatch_circular(circular, actor=STAFF)

    feed = _feed(api_for("circulars:read"), "/circulars/changes")
    assert _records(feed) == [("circulars", circular.pk, "dispatched")]


def test_feed_refusals(api_for: ApiFor, reader: ApiClient) -> None:
    assert api_for("meetings:read").get("/organisations/changes").status_code == 403
    negative = reader.get("/organisations/changes?since=-1")
    assert negative.status_code == 422 and "since" in error_fields(negative)
    too_many = reader.get("/people/changes?limit=1000")
    assert too_many.status_code == 422 and "limit" in error_fields(too_many)
