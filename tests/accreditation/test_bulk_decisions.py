"""Deciding on every accreditation the officer's list matches, across its pages: the list
offers it carrying the filter, the confirmation names the count, the decision runs as a
background task with a progress page, moves exactly the filtered set, and only for an
officer who may decide accreditations, when it is confirmed and when it runs."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from pytest_django import Settings

from summitdesk.accreditation import bulk_decisions
from summitdesk.accreditation.enums import AccreditationStatus as Status
from summitdesk.accreditation.enums import BulkDecisionStatus
from summitdesk.accreditation.models import Accreditation, BulkDecision
from summitdesk.accreditation.queries import ListFilter
from summitdesk.core.audit import Actor
from summitdesk.core.enums import Role
from summitdesk.core.models import User
from summitdesk.directory.enums import Category
from summitdesk.meetings.models import Meeting
from tests.accreditation.builders import make_accreditations, meeting
from tests.tasks import run_queued_tasks

pytestmark = pytest.mark.django_db

FILTER = {"status": "pending", "category": Category.SECTOR_MEMBER}


@pytest.fixture(autouse=True)
def _mail(settings: Settings) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture
def at() -> Meeting:
    """30 pending accreditations of sector members (the filtered set), 5 pending of a
    Member State, 2 withdrawn sector members, and 3 pending sector members of another
    meeting."""
    geneva = meeting()
    names = [("Ann", f"Member {n:02d}") for n in range(30)]
    make_accreditations(
        geneva, names, category=Category.SECTOR_MEMBER, organisation_name="Orange", status="pending"
    )
    make_accreditations(
        geneva,
        [("Ben", f"State {n}") for n in range(5)],
        category=Category.MEMBER_STATE,
        organisation_name="Ministry",
        status="pending",
    )
    make_accreditations(
        geneva,
        [("Cy", "Withdrawn A"), ("Cy", "Withdrawn B")],
        category=Category.SECTOR_MEMBER,
        organisation_name="Sonatel",
        status="withdrawn",
    )
    make_accreditations(
        meeting(code="tunis-2005"),
        [("Di", f"Tunis {n}") for n in range(3)],
        category=Category.SECTOR_MEMBER,
        organisation_name="Orange Tunisie",
        status="pending",
    )
    return geneva


def bulk_url(at: Meeting) -> str:
    return reverse("backoffice:accreditation-bulk", kwargs={"code": at.code})


def list_url(at: Meeting) -> str:
    return reverse("backoffice:accreditation-list", kwargs={"code": at.code})


def filtered_ids(at: Meeting) -> set[int]:
    return set(
        Accreditation.objects.filter(
            meeting=at,
            status=Status.PENDING,
            delegate__reply__organisation__category=Category.SECTOR_MEMBER,
        ).values_list("pk", flat=True)
    )


def test_list_of_several_pages_offers_all_matching_with_the_filter(
    secretary_client: Client, at: Meeting
) -> None:
    page = secretary_client.get(list_url(at), {**FILTER, "per_page": "25"}).content.decode()

    assert "data-select-all-banner hidden" in page
    assert "Select all 30 matching accreditations" in page
    assert "All 30 matching accreditations are selected, on every page." in page
    assert '<input type="hidden" name="status" value="pending">' in page
    assert '<input type="hidden" name="category" value="sector_member">' in page
    assert '<input type="hidden" name="all_matching" value="" data-all-matching>' in page


def test_list_of_one_page_has_no_select_all_banner(secretary_client: Client, at: Meeting) -> None:
    page = secretary_client.get(list_url(at), FILTER).content.decode()

    assert "data-select-all-banner" not in page
    assert "data-select-page" in page


def test_viewer_list_has_no_selection(viewer_client: Client, at: Meeting) -> None:
    page = viewer_client.get(list_url(at), {**FILTER, "per_page": "25"}).content.decode()

    assert "data-select-all-banner" not in page
    assert 'name="ids"' not in page


def test_all_matching_confirmation_names_the_count_and_changes_nothing(
    secretary_client: Client, at: Meeting
) -> None:
    response = secretary_client.post(
        bulk_url(at), {**FILTER, "all_matching": "1", "action": "approve"}
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert response.context["count"] == 30
    assert "Approve 30 accreditations?" in page
    assert "and 10 more" in page
    assert '<input type="hidden" name="expected" value="30">' in page
    assert '<input type="hidden" name="category" value="sector_member">' in page
    assert 'name="ids"' not in page
    assert not BulkDecision.objects.exists()
    assert not DBTaskResult.objects.exists()
    assert not Accreditation.objects.filter(status=Status.APPROVED).exists()


def test_all_matching_approval_runs_as_a_task_on_exactly_the_filtered_set(
    secretary_client: Client, secretary: User, at: Meeting
) -> None:
    chosen = filtered_ids(at)
    others = dict(Accreditation.objects.exclude(pk__in=chosen).values_list("pk", "status"))

    response = secretary_client.post(
        bulk_url(at),
        {**FILTER, "all_matching": "1", "action": "approve", "confirm": "1", "expected": "30"},
    )

    decision = BulkDecision.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/accreditations/bulk-decisions/{decision.pk}/"
    assert (decision.status, decision.total, decision.done) == (BulkDecisionStatus.QUEUED, 30, 0)
    assert decision.criteria == {
        "status": "pending",
        "organisation": "",
        "category": "sector_member",
        "ready": False,
    }
    assert decision.created_by == secretary
    queued = secretary_client.get(response["Location"])
    assert queued["Refresh"] == "3"
    assert "Waiting for a worker to start" in queued.content.decode()
    assert Accreditation.objects.filter(pk__in=chosen, status=Status.APPROVED).count() == 0

    run_queued_tasks()

    decision.refresh_from_db()
    assert (decision.status, decision.done, decision.moved, decision.refused) == (
        BulkDecisionStatus.DONE,
        30,
        30,
        {},
    )
    approved = set(
        Accreditation.objects.filter(status=Status.APPROVED, meeting=at).values_list(
            "pk", flat=True
        )
    )
    assert approved == chosen
    assert dict(Accreditation.objects.exclude(pk__in=chosen).values_list("pk", "status")) == others
    done = secretary_client.get(response["Location"])
    assert "Refresh" not in done
    assert "Done." in done.content.decode()


def test_all_matching_refuses_when_the_list_changed_since_the_confirmation(
    secretary_client: Client, at: Meeting
) -> None:
    response = secretary_client.post(
        bulk_url(at),
        {**FILTER, "all_matching": "1", "action": "approve", "confirm": "1", "expected": "29"},
    )

    assert response.status_code == 200
    assert "The list changed since you confirmed: 30 accreditations match now." in (
        response.content.decode()
    )
    assert '<input type="hidden" name="expected" value="30">' in response.content.decode()
    assert not BulkDecision.objects.exists()


def test_all_matching_rejection_asks_the_reason(secretary_client: Client, at: Meeting) -> None:
    data = {**FILTER, "all_matching": "1", "action": "reject", "confirm": "1", "expected": "30"}

    without = secretary_client.post(bulk_url(at), data)
    done = secretary_client.post(bulk_url(at), {**data, "reason": "Over the quota."})
    run_queued_tasks()

    assert without.context["form"].errors["reason"] == ["Give the reason for the rejection."]
    assert done.status_code == 302
    assert set(
        Accreditation.objects.filter(status=Status.REJECTED, reason="Over the quota.").values_list(
            "pk", flat=True
        )
    ) == filtered_ids(at) | set(
        Accreditation.objects.filter(reason="Over the quota.").values_list("pk", flat=True)
    )
    assert Accreditation.objects.filter(status=Status.REJECTED).count() == 30


@pytest.mark.parametrize("action", ["", "withdraw", "delete"])
def test_all_matching_with_unknown_action_goes_back(
    secretary_client: Client, at: Meeting, action: str
) -> None:
    response = secretary_client.post(
        bulk_url(at),
        {**FILTER, "all_matching": "1", "action": action, "confirm": "1", "expected": "30"},
    )

    assert response.status_code == 302
    assert response["Location"] == list_url(at)
    assert not BulkDecision.objects.exists()


@pytest.mark.parametrize("role", [Role.VIEWER, Role.BADGE_DESK, Role.CHECKIN_DESK])
def test_all_matching_refused_to_roles_that_do_not_decide(
    client: Client, at: Meeting, role: str
) -> None:
    user = User.objects.create(username=f"u-{role}", role=role)
    client.force_login(user)

    response = client.post(
        bulk_url(at),
        {**FILTER, "all_matching": "1", "action": "approve", "confirm": "1", "expected": "30"},
    )

    assert response.status_code == 403
    assert not BulkDecision.objects.exists()
    assert not Accreditation.objects.filter(status=Status.APPROVED).exists()


def test_service_refuses_an_actor_who_may_not_decide(viewer: User, at: Meeting) -> None:
    with pytest.raises(bulk_decisions.BulkDecisionError, match="You may not decide"):
        bulk_decisions.start_bulk_decision(
            at,
            ListFilter(status="pending"),
            Status.APPROVED,
            expected=35,
            actor=Actor.staff(viewer),
        )

    assert not BulkDecision.objects.exists()


def test_task_stops_when_the_officer_lost_the_right_to_decide(secretary: User, at: Meeting) -> None:
    decision = bulk_decisions.start_bulk_decision(
        at,
        ListFilter(status="pending", category=Category.SECTOR_MEMBER),
        Status.APPROVED,
        expected=30,
        actor=Actor.staff(secretary),
    )
    secretary.role = Role.VIEWER
    secretary.save()

    run_queued_tasks()

    decision.refresh_from_db()
    assert decision.status == BulkDecisionStatus.FAILED
    assert decision.error == (
        "Stopped: the officer who confirmed may no longer decide accreditations."
    )
    assert decision.moved == 0
    assert not Accreditation.objects.filter(status=Status.APPROVED).exists()


def test_task_skips_incomplete_ones_when_asked(secretary: User, at: Meeting) -> None:
    decision = bulk_decisions.start_bulk_decision(
        at,
        ListFilter(status="pending", category=Category.SECTOR_MEMBER),
        Status.APPROVED,
        expected=30,
        skip_incomplete=True,
        actor=Actor.staff(secretary),
    )

    run_queued_tasks()

    decision.refresh_from_db()
    # None has a photo or identity data: every one is left pending.
    assert (decision.status, decision.done, decision.moved, decision.skipped) == (
        BulkDecisionStatus.DONE,
        30,
        0,
        30,
    )
    assert not Accreditation.objects.filter(status=Status.APPROVED).exists()


def test_task_reports_each_refusal_and_moves_the_others(
    secretary_client: Client, secretary: User, at: Meeting
) -> None:
    withdrawn = sorted(
        Accreditation.objects.filter(status=Status.WITHDRAWN, meeting=at).values_list(
            "pk", flat=True
        )
    )
    decision = bulk_decisions.start_bulk_decision(
        at,
        ListFilter(category=Category.SECTOR_MEMBER),
        Status.APPROVED,
        expected=32,
        actor=Actor.staff(secretary),
    )

    run_queued_tasks()

    decision.refresh_from_db()
    refusal = "An accreditation that is Withdrawn cannot become Approved."
    assert (decision.status, decision.done, decision.moved) == (BulkDecisionStatus.DONE, 32, 30)
    assert decision.refused == {str(pk): refusal for pk in withdrawn}
    page = secretary_client.get(f"/accreditations/bulk-decisions/{decision.pk}/").content.decode()
    assert f'<a href="/accreditations/{withdrawn[0]}/">#{withdrawn[0]}</a>: {refusal}' in page


def test_task_run_twice_moves_nothing_more(secretary: User, at: Meeting) -> None:
    decision = bulk_decisions.start_bulk_decision(
        at,
        ListFilter(status="pending", category=Category.SECTOR_MEMBER),
        Status.APPROVED,
        expected=30,
        actor=Actor.staff(secretary),
    )
    run_queued_tasks()

    bulk_decisions.run_bulk_decision(decision.pk)

    decision.refresh_from_db()
    assert (decision.moved, decision.refused) == (30, {})


def test_stalled_decision_is_enqueued_again_and_finishes(secretary: User, at: Meeting) -> None:
    decision = bulk_decisions.start_bulk_decision(
        at,
        ListFilter(status="pending", category=Category.SECTOR_MEMBER),
        Status.APPROVED,
        expected=30,
        actor=Actor.staff(secretary),
    )
    DBTaskResult.objects.all().delete()  # the worker died with it
    assert bulk_decisions.requeue_stalled_decisions() == 0  # not quiet for long yet
    BulkDecision.objects.filter(pk=decision.pk).update(
        status=BulkDecisionStatus.RUNNING,
        done=10,
        moved=10,
        updated_at=timezone.now() - timedelta(minutes=20),
    )

    assert bulk_decisions.requeue_stalled_decisions() == 1
    run_queued_tasks()

    decision.refresh_from_db()
    assert (decision.status, decision.done, decision.moved) == (BulkDecisionStatus.DONE, 30, 30)
    assert bulk_decisions.requeue_stalled_decisions(quiet_for=timedelta(0)) == 0
