"""Choosing organisations on the reply list and reminding them: the boxes and the banner
offering every matching organisation (the filter carried, never ids), the confirmation
naming the count and asking again when it changed, the reminders queued for those that
have not answered (the latest circular that invited each), sent by the mailing's tasks,
and who may do it, role by role."""

import datetime
import re
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from summitdesk.core.audit import Actor
from summitdesk.core.enums import Role
from summitdesk.core.models import User
from summitdesk.core.permissions import Permission, may
from summitdesk.correspondence import services, tasks
from summitdesk.correspondence.enums import MailingKind, ReminderTarget
from summitdesk.correspondence.models import Circular, Mailing, OutboundMessage
from summitdesk.delegations import queries
from summitdesk.delegations.enums import ReplyState
from summitdesk.directory.enums import Category
from summitdesk.directory.models import Organisation
from summitdesk.meetings.models import Meeting
from tests.conftest import signed_in
from tests.delegations.conftest import invite, make_circular, reply
from tests.factories import MeetingFactory, OrganisationFactory, UserFactory
from tests.tasks import run_queued_tasks

pytestmark = pytest.mark.django_db


class Invited:
    def __init__(self) -> None:
        """Thirty sector members and five academia invited by DM-1048 about prepcom-3;
        sector members 0 to 9 have answered (attending), the others are silent."""
        self.meeting: Meeting = MeetingFactory(code="prepcom-3")
        self.circular: Circular = make_circular(self.meeting, "DM-1048")
        self.sector: list[Organisation] = []
        for n in range(30):
            organisation = OrganisationFactory(
                name=f"Sector {n:02d}", category=Category.SECTOR_MEMBER
            )
            invite(self.circular, organisation)
            if n < 10:
                reply(organisation, self.meeting, ReplyState.SUBMITTED, estimate=1)
            self.sector.append(organisation)
        self.academia = []
        for n in range(5):
            organisation = OrganisationFactory(name=f"Academia {n}", category=Category.ACADEMIA)
            invite(self.circular, organisation)
            self.academia.append(organisation)

    @property
    def scope(self) -> queries.Scope:
        return queries.Scope(self.meeting, self.circular)

    @property
    def list_url(self) -> str:
        return f"/circulars/{self.circular.pk}/replies/"

    @property
    def remind_url(self) -> str:
        return f"/circulars/{self.circular.pk}/replies/remind/"


@pytest.fixture
def invited() -> Invited:
    return Invited()


def reminded() -> list[str]:
    """The organisations with a reminder queued, by name."""
    return sorted(
        OutboundMessage.objects.filter(mailing__kind=MailingKind.REMINDER).values_list(
            "organisation__name", flat=True
        )
    )


# The list


def test_list_of_several_pages_offers_every_matching_organisation_with_the_filter(
    secretary_client: Client, invited: Invited
) -> None:
    response = secretary_client.get(
        invited.list_url, {"category": "sector_member", "per_page": "25"}
    )
    html = response.content.decode()

    assert response.status_code == 200
    assert html.count('name="ids"') == 25
    assert "data-select-all-banner" in html
    assert "Select all 30 matching" in html
    assert '<input type="hidden" name="category" value="sector_member">' in html
    # The page size and the sort are not part of what is chosen.
    assert '<input type="hidden" name="per_page"' not in html.split("data-bulk")[1]
    assert f'action="{invited.remind_url}"' in html


def test_list_of_one_page_has_boxes_but_no_banner(
    secretary_client: Client, invited: Invited
) -> None:
    html = secretary_client.get(invited.list_url, {"category": "academia"}).content.decode()

    assert html.count('name="ids"') == 5
    assert "data-select-all-banner" not in html


@pytest.mark.parametrize("role", list(Role))
def test_only_roles_that_send_reminders_see_the_boxes_and_may_post(
    invited: Invited, role: Role
) -> None:
    user: User = UserFactory(username=f"u-{role}", role=role)
    client = signed_in(user)
    allowed = may(user, Permission.CIRCULARS_SEND) and may(user, Permission.REPLIES_READ)

    page = client.get(invited.list_url)
    posted = client.post(invited.remind_url, {"ids": [invited.sector[20].pk]})

    if not may(user, Permission.REPLIES_READ):
        assert page.status_code == 403
    else:
        html = page.content.decode()
        assert ('name="ids"' in html) == allowed
        assert ("Remind selected" in html) == allowed
    assert posted.status_code == (200 if allowed else 403)
    assert not Mailing.objects.exists()


def test_reply_list_queries_do_not_grow_with_the_boxes(
    secretary_client: Client, invited: Invited
) -> None:
    with CaptureQueriesContext(connection) as few:
        assert secretary_client.get(invited.list_url, {"fresh": "1"}).status_code == 200
    for n in range(40):
        invite(invited.circular, OrganisationFactory(name=f"More {n:02d}"))
    with CaptureQueriesContext(connection) as many:
        response = secretary_client.get(invited.list_url, {"fresh": "1"})

    assert response.content.decode().count('name="ids"') == 50
    assert len(many) == len(few)


# The confirmation and the reminders


def test_all_matching_confirmation_names_the_count_and_sends_nothing(
    secretary_client: Client, invited: Invited
) -> None:
    response = secretary_client.post(
        invited.remind_url, {"all_matching": "1", "category": "sector_member"}
    )
    html = response.content.decode()

    assert response.status_code == 200
    assert "Remind 20 organisations?" in html
    assert "filter matches, on every page: 30" in html
    assert "10 of them have answered" in html
    assert '<input type="hidden" name="expected" value="30">' in html
    assert '<input type="hidden" name="category" value="sector_member">' in html
    assert 'name="ids"' not in html
    assert not Mailing.objects.exists()


def test_all_matching_confirmed_reminds_exactly_the_silent_ones_the_filter_matches(
    secretary_client: Client, invited: Invited
) -> None:
    response = secretary_client.post(
        invited.remind_url,
        {"all_matching": "1", "category": "sector_member", "expected": "30", "confirm": "1"},
    )

    mailing = Mailing.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("backoffice:mailing-progress", args=[mailing.pk])
    assert (mailing.kind, mailing.target, mailing.circular) == (
        MailingKind.REMINDER,
        ReminderTarget.CHOSEN,
        invited.circular,
    )
    # Nothing written in the request: a task writes the rows, then the mailing's tasks
    # send them, as every reminder is sent; its page follows.
    assert reminded() == []
    preparing = secretary_client.get(response["Location"])
    assert "Preparing the reminders: 0 of 20 written." in preparing.content.decode()
    assert preparing["Refresh"]
    assert preparing.context["status"]["done"] is False
    assert run_queued_tasks() >= 2
    assert reminded() == [f"Sector {n:02d}" for n in range(10, 30)]
    assert not OutboundMessage.objects.filter(mailing=mailing, state="queued").exists()
    done = secretary_client.get(response["Location"])
    assert "Preparing the reminders" not in done.content.decode()
    assert done.context["status"]["done"] is True


def test_all_matching_refused_when_the_count_changed_since_the_confirmation(
    secretary_client: Client, invited: Invited
) -> None:
    newcomer = OrganisationFactory(name="Sector 99", category=Category.SECTOR_MEMBER)
    invite(invited.circular, newcomer)

    response = secretary_client.post(
        invited.remind_url,
        {"all_matching": "1", "category": "sector_member", "expected": "30", "confirm": "1"},
    )
    html = response.content.decode()

    assert response.status_code == 400
    assert "The list changed since you confirmed: 31 organisations match now." in html
    # Asked again, with the new count.
    assert '<input type="hidden" name="expected" value="31">' in html
    assert not Mailing.objects.exists()


def test_ticked_organisations_alone_are_reminded(
    secretary_client: Client, invited: Invited
) -> None:
    chosen = [invited.sector[3].pk, invited.sector[12].pk, invited.academia[1].pk]
    confirmation = secretary_client.post(invited.remind_url, {"ids": chosen})
    html = confirmation.content.decode()

    assert "Remind 2 organisations?" in html
    assert re.findall(r'name="ids" value="(\d+)"', html) == [str(pk) for pk in sorted(chosen)]
    response = secretary_client.post(
        invited.remind_url, {"ids": chosen, "expected": "3", "confirm": "1"}
    )

    assert response.status_code == 302
    run_queued_tasks()
    assert reminded() == ["Academia 1", "Sector 12"]


def test_ticked_organisations_of_another_list_are_not_reminded(
    secretary_client: Client, invited: Invited
) -> None:
    stranger = OrganisationFactory(name="Stranger")
    other = make_circular(MeetingFactory(code="other"), "DM-9")
    invite(other, stranger)

    response = secretary_client.post(
        invited.remind_url, {"ids": [stranger.pk], "expected": "1", "confirm": "1"}
    )

    assert response.status_code == 302  # back to the list: nothing of it was chosen
    assert not Mailing.objects.exists()


def test_nothing_ticked_goes_back_to_the_list(secretary_client: Client, invited: Invited) -> None:
    response = secretary_client.post(
        invited.remind_url, {"ids": ["x", "²", "1" * 30, "-3"], "expected": "³"}
    )

    assert (response.status_code, response["Location"]) == (302, invited.list_url)
    assert not Mailing.objects.exists()


def test_every_one_chosen_answered_offers_no_sending(
    secretary_client: Client, invited: Invited
) -> None:
    chosen = [invited.sector[0].pk, invited.sector[1].pk]

    page = secretary_client.post(invited.remind_url, {"ids": chosen})
    refused = secretary_client.post(
        invited.remind_url, {"ids": chosen, "expected": "2", "confirm": "1"}
    )

    assert "Every organisation chosen has answered: nobody to remind." in page.content.decode()
    assert refused.status_code == 400
    assert not Mailing.objects.exists()


def test_meeting_list_reminds_each_about_the_latest_circular_that_invited_it(
    secretary_client: Client, invited: Invited
) -> None:
    later = make_circular(invited.meeting, "DM-1050")
    later.date = invited.circular.date.replace(year=2004)
    later.save()
    invite(later, invited.sector[25])
    url = reverse("backoffice:tracker-meeting-remind", args=[invited.meeting.code])
    chosen = [invited.sector[24].pk, invited.sector[25].pk]

    response = secretary_client.post(url, {"ids": chosen, "expected": "2", "confirm": "1"})

    assert response.status_code == 302
    run_queued_tasks()
    quoted = dict(
        OutboundMessage.objects.values_list("organisation__name", "mailing__circular__reference")
    )
    assert quoted == {"Sector 24": "DM-1048", "Sector 25": "DM-1050"}


def test_service_refuses_a_count_that_changed(invited: Invited, secretary: User) -> None:
    chosen = queries.tracker_selection(queries.Scope(invited.meeting), queries.ListFilter())

    with pytest.raises(services.CircularError, match="35 organisations match now"):
        services.remind_chosen(
            invited.circular.invitations.all(), chosen, expected=34, actor=Actor.staff(secretary)
        )
    assert not Mailing.objects.exists()


# The task that writes the rows


def _chosen_mailing(invited: Invited, secretary: User) -> Mailing:
    chosen = queries.tracker_selection(invited.scope, queries.ListFilter(category="sector_member"))
    done = services.remind_chosen(
        invited.circular.invitations.all(), chosen, expected=30, actor=Actor.staff(secretary)
    )
    return done.mailings[0]


def test_task_writes_the_rows_a_chunk_at_a_time_and_resumes_after_a_crash(
    invited: Invited, secretary: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(services, "REMIND_CHUNK", 8)
    mailing = _chosen_mailing(invited, secretary)
    written = services._queue_messages
    calls = 0

    def dies_on_the_second_chunk(*args: Any, **kwargs: Any) -> int:
        nonlocal calls
        calls += 1
        if calls == 2:
            raise RuntimeError("worker killed")
        return written(*args, **kwargs)

    monkeypatch.setattr(services, "_queue_messages", dies_on_the_second_chunk)
    with pytest.raises(RuntimeError):
        services.prepare_chosen_reminders(mailing.pk)
    mailing.refresh_from_db()
    assert (mailing.prepared, mailing.chosen_total) == (8, 20)
    assert OutboundMessage.objects.filter(mailing=mailing).count() == 8
    assert mailing.preparing

    services.prepare_chosen_reminders(mailing.pk)  # run again: goes on after the 8 written
    services.prepare_chosen_reminders(mailing.pk)  # and again: nothing more

    mailing.refresh_from_db()
    assert (mailing.prepared, mailing.preparing) == (20, False)
    assert reminded() == [f"Sector {n:02d}" for n in range(10, 30)]


def test_stalled_preparation_is_enqueued_again_and_finishes(
    invited: Invited, secretary: User
) -> None:
    mailing = _chosen_mailing(invited, secretary)
    DBTaskResult.objects.all().delete()  # its task was lost with its worker
    Mailing.objects.filter(pk=mailing.pk).update(
        created_at=timezone.now() - datetime.timedelta(minutes=30)
    )

    assert tasks.requeue_stalled_chosen_reminders.call() == 1
    run_queued_tasks()

    mailing.refresh_from_db()
    assert not mailing.preparing
    assert len(reminded()) == 20
    assert tasks.requeue_stalled_chosen_reminders.call() == 0
