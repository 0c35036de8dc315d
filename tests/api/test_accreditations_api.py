"""The accreditations API: lists with filters and pages, one accreditation with its ETag,
approve and reject through the same transition as the back office (If-Match required),
the change feed, what is never shown, and the integrator's five-minute sync."""

from collections.abc import Callable
from typing import Any

import pytest

from summitdesk.accreditation import services
from summitdesk.accreditation.badges import badge_code
from summitdesk.accreditation.enums import AccreditationStatus as Status
from summitdesk.accreditation.models import Accreditation
from summitdesk.api.common import etag_of
from summitdesk.core.enums import Channel
from summitdesk.core.models import AuditEntry
from summitdesk.directory import services as directory_services
from summitdesk.directory.enums import Category
from summitdesk.meetings.models import Meeting
from tests.accreditation.builders import (
    STAFF,
    accreditations,
    meeting,
    members,
    submitted_reply,
)
from tests.api.conftest import ApiClient, error_fields
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

READ = "accreditations:read"
WRITE = "accreditations:write"


@pytest.fixture
def summit() -> Meeting:
    return meeting()


@pytest.fixture
def delegation(summit: Meeting) -> list[Accreditation]:
    """Three pending accreditations of Orange (Switzerland, Sector Member)."""
    orange = OrganisationFactory(name="Orange", category=Category.SECTOR_MEMBER, country="CH")
    return accreditations(submitted_reply(orange, summit, members(3)))


@pytest.fixture
def reader(api_for: Callable[..., ApiClient]) -> ApiClient:
    return api_for(READ)


@pytest.fixture
def officer(api_for: Callable[..., ApiClient]) -> ApiClient:
    return api_for(READ, WRITE)


def etag(api: ApiClient, accreditation: Accreditation) -> str:
    response = api.get(f"/accreditations/{accreditation.pk}")
    assert response.status_code == 200
    return str(response["ETag"])


# Refusals common to every operation


def test_list_without_token_is_refused_with_the_error_body(anonymous: ApiClient) -> None:
    response = anonymous.get("/accreditations")

    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert error_fields(response) == {}


def test_wrong_token_is_refused(delegation: list[Accreditation]) -> None:
    response = ApiClient("sd_nothing_real").get("/accreditations")

    assert response.status_code == 401


def test_token_without_the_scope_is_refused_naming_it(
    api_for: Callable[..., ApiClient], delegation: list[Accreditation]
) -> None:
    api = api_for("directory:read")

    listing = api.get("/accreditations")
    one = api.get(f"/accreditations/{delegation[0].pk}")
    feed = api.get("/accreditations/changes")

    assert [listing.status_code, one.status_code, feed.status_code] == [403, 403, 403]
    assert error_fields(listing) == {"scope": [READ]}


# Reading


def test_list_pages_through_every_accreditation_once(
    reader: ApiClient, delegation: list[Accreditation]
) -> None:
    first = reader.get("/accreditations?limit=2").json()
    second = reader.get(f"/accreditations?limit=2&cursor={first['next_cursor']}").json()

    assert [item["id"] for item in first["items"] + second["items"]] == [a.pk for a in delegation]
    assert second["next_cursor"] is None


def test_list_refuses_a_forged_cursor_and_a_bad_limit(reader: ApiClient) -> None:
    forged = reader.get("/accreditations?cursor=eyJhZnRlciI6MX0:abc")
    too_many = reader.get("/accreditations?limit=501")

    assert forged.status_code == 400
    assert "cursor" in error_fields(forged)
    assert too_many.status_code == 422
    assert "limit" in error_fields(too_many)


def test_list_filters(reader: ApiClient, summit: Meeting, delegation: list[Accreditation]) -> None:
    services.transition(delegation[0], Status.APPROVED, actor=STAFF)
    sonatel = OrganisationFactory(name="Sonatel", category=Category.ACADEMIA, country="SN")
    [senegal] = accreditations(submitted_reply(sonatel, summit, members(1, prefix="Sn")))
    other = meeting(code="tunis-2005", title="Second phase")
    [elsewhere] = accreditations(submitted_reply(sonatel, other, members(1, prefix="Tn")))

    def ids(query: str) -> list[int]:
        response = reader.get(f"/accreditations?{query}")
        assert response.status_code == 200, response.content
        return [item["id"] for item in response.json()["items"]]

    assert ids("status=approved") == [delegation[0].pk]
    assert ids("meeting=tunis-2005") == [elsewhere.pk]
    assert ids(f"organisation={sonatel.pk}") == [senegal.pk, elsewhere.pk]
    assert ids("category=academia&meeting=geneva-2003") == [senegal.pk]
    assert ids("region=africa") == [senegal.pk, elsewhere.pk]
    assert ids("meeting=nowhere") == []
    assert ids(f"id={senegal.pk}&id={delegation[1].pk}") == [delegation[1].pk, senegal.pk]
    assert reader.get("/accreditations?id=one").status_code == 422
    unknown = reader.get("/accreditations?region=atlantis")
    assert unknown.status_code == 422
    assert "region" in error_fields(unknown)
    assert reader.get("/accreditations?status=flying").status_code == 422
    nul = reader.get("/accreditations?meeting=%00")  # PostgreSQL refuses NUL in text
    assert nul.status_code == 422
    assert "meeting" in error_fields(nul)


def test_one_accreditation_shows_the_badge_but_no_identity_data_nor_code(
    reader: ApiClient, delegation: list[Accreditation]
) -> None:
    accreditation = delegation[0]
    services.update_identity(
        accreditation,
        {"passport_family_name": "PASSPORTNAME", "document_number": "X1234567"},
        actor=STAFF,
    )
    services.transition(accreditation, Status.APPROVED, actor=STAFF)
    accreditation.refresh_from_db()

    response = reader.get(f"/accreditations/{accreditation.pk}")

    body = response.json()
    assert response.status_code == 200
    assert body["status"] == "approved"
    assert body["badge"] == {"number": "000001", "version": 1, "printed_version": 0}
    assert body["delegate"]["family_name"] == "Member 0"
    assert body["organisation"]["name"] == "Orange"
    assert body["organisation"]["region"] == "europe"
    text = response.content.decode()
    for secret in ("PASSPORTNAME", "X1234567", badge_code(accreditation), "document", "passport"):
        assert secret not in text
    listed = reader.get("/accreditations").content.decode()
    assert "X1234567" not in listed and badge_code(accreditation) not in listed


def test_one_accreditation_etag_and_not_modified(
    reader: ApiClient, delegation: list[Accreditation]
) -> None:
    first = reader.get(f"/accreditations/{delegation[0].pk}")

    again = reader.get(
        f"/accreditations/{delegation[0].pk}", headers={"If-None-Match": first["ETag"]}
    )

    assert first["ETag"] == etag_of(first.json())
    assert again.status_code == 304


def test_unknown_accreditation_is_not_found(reader: ApiClient) -> None:
    response = reader.get("/accreditations/999999")

    assert response.status_code == 404
    assert error_fields(response) == {}


# Approving and rejecting


def test_approve_with_the_current_etag(officer: ApiClient, delegation: list[Accreditation]) -> None:
    accreditation = delegation[0]

    response = officer.post(
        f"/accreditations/{accreditation.pk}/approve",
        headers={"If-Match": etag(officer, accreditation)},
    )

    assert response.status_code == 200, response.content
    assert response.json()["status"] == "approved"
    assert response.json()["badge"]["number"] == "000001"
    assert response["ETag"] == etag(officer, accreditation)
    entry = AuditEntry.objects.for_object(accreditation).get(
        action="summitdesk.accreditation.approved"
    )
    assert (entry.channel, entry.actor) == (Channel.API, None)
    assert entry.actor_label.startswith("API token integrator-")
    assert entry.changes["status"] == ["pending", "approved"]


def test_approve_without_if_match_is_refused(
    officer: ApiClient, delegation: list[Accreditation]
) -> None:
    response = officer.post(f"/accreditations/{delegation[0].pk}/approve")

    assert response.status_code == 428
    assert "If-Match" in error_fields(response)
    assert Accreditation.objects.get(pk=delegation[0].pk).status == Status.PENDING


def test_approve_with_a_stale_etag_is_refused(
    officer: ApiClient, delegation: list[Accreditation]
) -> None:
    accreditation = delegation[0]
    seen = etag(officer, accreditation)
    services.transition(accreditation, Status.REJECTED, reason="Late", actor=STAFF)

    response = officer.post(
        f"/accreditations/{accreditation.pk}/approve", headers={"If-Match": seen}
    )

    assert response.status_code == 412
    assert "If-Match" in error_fields(response)
    assert Accreditation.objects.get(pk=accreditation.pk).status == Status.REJECTED


def test_approve_over_a_change_made_after_the_etag_was_checked_is_refused(
    officer: ApiClient, delegation: list[Accreditation], monkeypatch: pytest.MonkeyPatch
) -> None:
    accreditation = delegation[0]
    seen = etag(officer, accreditation)
    transition = services.transition

    def after_another_change(target: Accreditation, to: str, **options: Any) -> Accreditation:
        transition(target, Status.REJECTED, reason="Late", actor=STAFF)
        return transition(target, to, **options)

    monkeypatch.setattr(services, "transition", after_another_change)

    response = officer.post(
        f"/accreditations/{accreditation.pk}/approve", headers={"If-Match": seen}
    )

    assert response.status_code == 412 and "If-Match" in error_fields(response)
    assert Accreditation.objects.get(pk=accreditation.pk).status == Status.REJECTED


def test_approve_needs_the_write_scope(reader: ApiClient, delegation: list[Accreditation]) -> None:
    accreditation = delegation[0]

    response = reader.post(
        f"/accreditations/{accreditation.pk}/approve",
        headers={"If-Match": etag(reader, accreditation)},
    )

    assert response.status_code == 403
    assert error_fields(response) == {"scope": [WRITE]}
    assert Accreditation.objects.get(pk=accreditation.pk).status == Status.PENDING


def test_approve_a_move_the_rules_refuse_is_a_conflict(
    officer: ApiClient, delegation: list[Accreditation]
) -> None:
    accreditation = delegation[0]
    services.withdraw(accreditation, actor=STAFF)

    response = officer.post(
        f"/accreditations/{accreditation.pk}/approve",
        headers={"If-Match": etag(officer, accreditation)},
    )

    assert response.status_code == 409
    assert response.json()["detail"] == "An accreditation that is Withdrawn cannot become Approved."


def test_approve_beyond_the_limit_is_a_conflict(
    officer: ApiClient, summit: Meeting, delegation: list[Accreditation]
) -> None:
    services.set_limit(summit, Category.SECTOR_MEMBER, 1, actor=STAFF)
    services.transition(delegation[0], Status.APPROVED, actor=STAFF)

    response = officer.post(
        f"/accreditations/{delegation[1].pk}/approve",
        headers={"If-Match": etag(officer, delegation[1])},
    )

    assert response.status_code == 409
    assert "limit" in response.json()["detail"]
    assert Accreditation.objects.get(pk=delegation[1].pk).status == Status.PENDING


def test_unknown_accreditation_cannot_be_approved(officer: ApiClient) -> None:
    response = officer.post("/accreditations/999999/approve", headers={"If-Match": '"x"'})

    assert response.status_code == 404


def test_reject_with_a_reason(officer: ApiClient, delegation: list[Accreditation]) -> None:
    accreditation = delegation[0]

    response = officer.post(
        f"/accreditations/{accreditation.pk}/reject",
        {"reason": "  Not an eligible organisation. "},
        headers={"If-Match": etag(officer, accreditation)},
    )

    assert response.status_code == 200, response.content
    assert (response.json()["status"], response.json()["reason"]) == (
        "rejected",
        "Not an eligible organisation.",
    )
    assert AuditEntry.objects.for_object(accreditation).filter(channel=Channel.API).count() == 1


@pytest.mark.parametrize(
    "body", [{}, {"reason": ""}, {"reason": "   "}, {"reason": 5}, {"reason": "nul\x00"}]
)
def test_reject_without_a_reason_is_refused_on_the_field(
    officer: ApiClient, delegation: list[Accreditation], body: dict[str, object]
) -> None:
    accreditation = delegation[0]

    response = officer.post(
        f"/accreditations/{accreditation.pk}/reject",
        body,
        headers={"If-Match": etag(officer, accreditation)},
    )

    assert response.status_code == 422
    assert "reason" in error_fields(response)
    assert Accreditation.objects.get(pk=accreditation.pk).status == Status.PENDING


def test_approve_many_reports_each_refusal(
    officer: ApiClient, reader: ApiClient, delegation: list[Accreditation]
) -> None:
    first, second, third = delegation
    services.withdraw(third, actor=STAFF)

    response = officer.post(
        "/accreditations/approve", {"ids": [first.pk, second.pk, third.pk, 999999, first.pk]}
    )
    refused = reader.post("/accreditations/approve", {"ids": [first.pk]})
    empty = officer.post("/accreditations/approve", {"ids": []})

    assert response.status_code == 200, response.content
    assert response.json() == {
        "approved": 2,
        "refused": [
            {
                "id": third.pk,
                "message": "An accreditation that is Withdrawn cannot become Approved.",
            },
            {"id": 999999, "message": "No accreditation with this id."},
        ],
    }
    assert list(
        Accreditation.objects.filter(pk__in=[first.pk, second.pk]).values_list("status", flat=True)
    ) == [Status.APPROVED, Status.APPROVED]
    assert (
        AuditEntry.objects.filter(
            channel=Channel.API, action="summitdesk.accreditation.approved"
        ).count()
        == 2
    )
    assert refused.status_code == 403
    assert empty.status_code == 422
    assert "ids" in error_fields(empty)


# The change feed


def test_change_feed_lists_changes_in_order_with_withdrawals_and_revocations(
    reader: ApiClient, delegation: list[Accreditation]
) -> None:
    start = reader.get("/accreditations/changes").json()["next_since"]
    first, second, third = delegation
    services.transition(first, Status.APPROVED, actor=STAFF)
    services.transition(first, Status.REVOKED, reason="Left the organisation", actor=STAFF)
    services.withdraw(second, actor=STAFF)
    # Another resource's change is not in this feed.
    directory_services.update_organisation(
        first.delegate.reply.organisation, {"acronym": "OR"}, actor=STAFF
    )

    feed = reader.get(f"/accreditations/changes?since={start}").json()

    assert [(r["id"], r["action"], r["status"]) for r in feed["items"]] == [
        (first.pk, "approved", "approved"),
        (first.pk, "revoked", "revoked"),
        (second.pk, "withdrawn", "withdrawn"),
    ]
    assert {r["resource"] for r in feed["items"]} == {"accreditations"}
    assert reader.get(f"/accreditations/changes?since={feed['next_since']}").json()["items"] == []
    assert third.pk not in {r["id"] for r in feed["items"]}


def test_change_feed_refuses_a_negative_since(reader: ApiClient) -> None:
    response = reader.get("/accreditations/changes?since=-1")

    assert response.status_code == 422
    assert "since" in error_fields(response)


# The integrator's sync


def test_integrator_syncs_approved_delegates_then_only_what_changed(
    api_for: Callable[..., ApiClient], summit: Meeting
) -> None:
    """A token with directory:read and accreditations:read; every five minutes, the
    access-control system asks what changed since its last sync."""
    organisations = [
        OrganisationFactory(name=f"Organisation {n}", category=Category.SECTOR_MEMBER)
        for n in range(6)
    ]
    pending = [
        accreditation
        for organisation in organisations
        for accreditation in accreditations(
            submitted_reply(organisation, summit, members(20, prefix=f"O{organisation.pk}"))
        )
    ]
    approved_before = pending[:10]
    for accreditation in approved_before:
        services.transition(accreditation, Status.APPROVED, actor=STAFF)
    integrator = api_for("directory:read", "accreditations:read")

    # The first sync: every approved delegate, and where the feed stands.
    since = integrator.get("/accreditations/changes?limit=1").json()
    listed = integrator.walk(f"/accreditations?status=approved&meeting={summit.code}&limit=3")
    mark = integrator.get(f"/accreditations/changes?since={since['next_since']}&limit=500")
    assert sorted(item["id"] for item in listed) == sorted(a.pk for a in approved_before)
    assert integrator.get(f"/organisations/{organisations[0].pk}").status_code == 200
    last_sync = mark.json()["next_since"]
    while True:  # the feed read up to now, page by page
        page = integrator.get(f"/accreditations/changes?since={last_sync}&limit=500").json()
        if not page["items"]:
            break
        last_sync = page["next_since"]

    # 100 changes: 99 approvals and one revocation.
    for accreditation in pending[10:109]:
        services.transition(accreditation, Status.APPROVED, actor=STAFF)
    revoked = approved_before[0]
    services.transition(revoked, Status.REVOKED, reason="Badge lost and misused", actor=STAFF)

    records: list[dict[str, Any]] = []
    since_value = last_sync
    while True:
        page = integrator.get(f"/accreditations/changes?since={since_value}&limit=40").json()
        records.extend(page["items"])
        since_value = page["next_since"]
        if len(page["items"]) < 40:
            break

    assert len(records) == 100
    assert [r["id"] for r in records[:99]] == [a.pk for a in pending[10:109]]
    assert {r["action"] for r in records[:99]} == {"approved"}
    assert records[-1]["id"] == revoked.pk
    assert (records[-1]["action"], records[-1]["status"]) == ("revoked", "revoked")
    sequences = [r["sequence"] for r in records]
    assert sequences == sorted(sequences)
    nothing = integrator.get(f"/accreditations/changes?since={since_value}").json()
    assert nothing["items"] == []
    # What a record names, the integrator reads (the revoked one says revoked, no badge).
    again = integrator.get(f"/accreditations/{revoked.pk}").json()
    assert again["status"] == "revoked"
    assert again["badge"]["version"] == 2
