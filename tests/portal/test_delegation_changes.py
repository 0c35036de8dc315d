"""The delegation page of the reply portal: each delegate's accreditation, withdrawing and
substituting a delegate, the limit of the organisation's category and a request for an
exception; ids of another reply refused like an unknown link; nothing changed on refusal;
every change recorded with the portal as channel. And the secretariat's side: an exception
requested in the portal, granted on the limits page, lets more approvals through."""

import datetime
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pytest_django import Settings

from summitdesk.accreditation import checkin, services
from summitdesk.accreditation.badges import badge_code
from summitdesk.accreditation.enums import AccreditationStatus as Status
from summitdesk.accreditation.enums import CheckInResult
from summitdesk.accreditation.models import Accreditation, DelegateLimit, LimitException
from summitdesk.accreditation.services import AccreditationError
from summitdesk.core.audit import Actor
from summitdesk.core.enums import Channel
from summitdesk.core.models import AuditEntry
from summitdesk.delegations import services as delegation_services
from summitdesk.delegations.models import Delegate
from summitdesk.delegations.services import DelegateData, ReplyData
from summitdesk.directory.enums import Category
from summitdesk.meetings.models import Meeting
from tests.portal.builders import STAFF, delegation_url, submit
from tests.portal.conftest import Invited

pytestmark = pytest.mark.django_db


def page(response: object) -> str:
    content = getattr(response, "content", b"")
    assert isinstance(content, bytes)
    return " ".join(content.decode().split())


def text_of(html: str, element_id: str, element: str = "p") -> str:
    """The text of the `element` with `element_id`, tags removed and spaces collapsed."""
    found = re.search(rf'<{element}[^>]* id="{element_id}"[^>]*>(.*?)</{element}>', html, re.S)
    assert found, element_id
    return " ".join(re.sub(r"<[^>]+>", " ", found.group(1)).split())


def accreditation_of(invited: Invited, family_name: str) -> Accreditation:
    return Accreditation.objects.select_related("delegate").get(
        delegate__reply__organisation=invited.organisation, delegate__family_name=family_name
    )


def approve(invited: Invited, family_name: str) -> Accreditation:
    return services.transition(accreditation_of(invited, family_name), Status.APPROVED, actor=STAFF)


def state() -> list[tuple[str, str, int]]:
    """Every accreditation as (family name, status, badge version): what a refusal must
    leave as it was."""
    return list(
        Accreditation.objects.order_by("pk").values_list(
            "delegate__family_name", "status", "badge_version"
        )
    )


def portal_entries(action: str) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(action=action, channel=Channel.PORTAL))


@pytest.fixture
def accredited(acme: Invited) -> Invited:
    """Acme's reply submitted: Acmeceo (head) and Müller approved, Senior pending."""
    submit(acme)
    approve(acme, "Acmeceo")
    approve(acme, "Müller")
    return acme


# The reply page and the delegation page


def test_reply_page_links_to_the_delegation_only_once_accredited(acme: Invited) -> None:
    before = page(Client().get(acme.url))
    submit(acme)

    after = page(Client().get(acme.url))

    assert "delegation-link" not in before
    assert f'href="{delegation_url(acme)}"' in after


def test_delegation_page_shows_each_status_badge_reason_and_missing_data(
    accredited: Invited,
) -> None:
    services.transition(
        accreditation_of(accredited, "Senior"), Status.REJECTED, reason="Not eligible", actor=STAFF
    )
    number = accreditation_of(accredited, "Müller").badge_number

    html = page(Client().get(delegation_url(accredited)))

    mueller = accreditation_of(accredited, "Müller").delegate_id
    senior = accreditation_of(accredited, "Senior").delegate_id
    card = text_of(html, f"delegate-{mueller}", "article")
    assert f"Approved Badge {number}" in card
    missing = "Still missing for the badge: photo, given name(s) as in the passport, family name"
    assert missing in card
    assert "Rejected Reason: Not eligible" in text_of(html, f"delegate-{senior}", "article")
    details = reverse("delegate:focal-point", args=[accredited.token, mueller])
    assert f'href="{details}">Complete accreditation details' in html


def test_details_link_opens_the_delegates_page(accredited: Invited) -> None:
    delegate = accreditation_of(accredited, "Müller").delegate_id

    response = Client().get(reverse("delegate:focal-point", args=[accredited.token, delegate]))

    assert response.status_code == 200
    assert "Müller" in page(response)


def test_delegation_page_of_another_token_is_not_valid(accredited: Invited) -> None:
    response = Client().get("/reply/not-a-token/delegation/")

    assert response.status_code == 404


# Withdrawing


def test_withdraw_page_asks_for_confirmation_and_changes_nothing(accredited: Invited) -> None:
    delegate = accreditation_of(accredited, "Müller").delegate_id
    before = state()

    response = Client().get(f"{delegation_url(accredited)}{delegate}/withdraw/")

    html = page(response)
    assert response.status_code == 200
    assert "Withdraw <bdi>Bruno Müller</bdi>?" in html
    assert "Their badge stops working at the door at once" in html
    assert state() == before


def test_withdraw_approved_delegate_refuses_their_badge_at_the_door(
    accredited: Invited, meeting: Meeting
) -> None:
    accreditation = accreditation_of(accredited, "Müller")
    code = badge_code(accreditation)

    response = Client().post(
        f"{delegation_url(accredited)}{accreditation.delegate_id}/withdraw/",
        {"reason": "Cannot travel"},
        follow=True,
    )

    accreditation.refresh_from_db()
    assert accreditation.status == Status.WITHDRAWN
    assert accreditation.reason == "Cannot travel"
    assert "Bruno Müller is withdrawn from the delegation." in page(response)
    scan = checkin.check_in(code, meeting=meeting, desk="1", actor=checkin.desk_actor(None, "1"))
    assert scan.result == CheckInResult.REFUSED
    [entry] = portal_entries("summitdesk.accreditation.withdrawn")
    assert entry.object_id == str(accreditation.pk)
    assert entry.actor_label == "reply link of Acme Telecom"
    assert entry.changes["status"] == [Status.APPROVED, Status.WITHDRAWN]


def test_withdrawn_delegate_leaves_the_delegation_and_the_reply_form(accredited: Invited) -> None:
    accreditation = accreditation_of(accredited, "Müller")
    Client().post(f"{delegation_url(accredited)}{accreditation.delegate_id}/withdraw/")

    html = page(Client().get(delegation_url(accredited)))
    reply_html = page(Client().get(accredited.url))

    former = html.split('id="former-heading"')[1]
    assert "Bruno Müller" in former
    assert 'value="Müller"' not in reply_html
    assert [d.family_name for d in delegation_services.reply_data(accredited.reply).delegates] == [
        "Acmeceo",
        "Senior",
    ]


def test_withdrawing_the_head_lets_the_reply_name_another(accredited: Invited) -> None:
    head = accreditation_of(accredited, "Acmeceo")
    Client().post(f"{delegation_url(accredited)}{head.delegate_id}/withdraw/")
    data = delegation_services.reply_data(accredited.reply)
    delegates = [
        DelegateData(
            **{
                **d.__dict__,
                "is_head": d.family_name == "Senior",
                "protocol_level": "minister" if d.family_name == "Senior" else "",
            }
        )
        for d in data.delegates
    ]

    delegation_services.save_reply(
        accredited.reply,
        ReplyData(**{**data.__dict__, "delegates": delegates}),
        submit=True,
        actor=STAFF,
    )

    assert list(Delegate.objects.filter(is_head=True).values_list("family_name", flat=True)) == [
        "Senior"
    ]


def test_withdraw_twice_is_refused_with_a_message(accredited: Invited) -> None:
    delegate = accreditation_of(accredited, "Müller").delegate_id
    url = f"{delegation_url(accredited)}{delegate}/withdraw/"
    Client().post(url)
    before = state()

    response = Client().post(url, follow=True)

    assert "Bruno Müller cannot be withdrawn: the accreditation is withdrawn." in page(response)
    assert state() == before
    assert len(portal_entries("summitdesk.accreditation.withdrawn")) == 1


def test_another_replys_delegate_is_refused_like_an_unknown_link(
    accredited: Invited, borealis: Invited
) -> None:
    submit(borealis, [("Bjorn", "Borealceo")])
    theirs = accreditation_of(borealis, "Borealceo")
    services.transition(theirs, Status.APPROVED, actor=STAFF)
    before = state()
    unknown = Client().get("/reply/not-a-token/delegation/")

    responses = [
        Client().get(f"{delegation_url(accredited)}{theirs.delegate_id}/withdraw/"),
        Client().post(f"{delegation_url(accredited)}{theirs.delegate_id}/withdraw/"),
        Client().get(f"{delegation_url(accredited)}{theirs.delegate_id}/substitute/"),
        Client().post(
            f"{delegation_url(accredited)}{theirs.delegate_id}/substitute/",
            {"substitute-family_name": "Intruder"},
        ),
    ]

    assert [r.status_code for r in responses] == [404, 404, 404, 404]
    assert {r.content for r in responses} == {unknown.content}
    assert state() == before
    assert not AuditEntry.objects.filter(channel=Channel.PORTAL).exclude(
        action="summitdesk.reply.opened"
    )


def test_withdraw_post_without_the_csrf_token_is_refused(accredited: Invited) -> None:
    delegate = accreditation_of(accredited, "Müller").delegate_id
    before = state()

    response = Client(enforce_csrf_checks=True).post(
        f"{delegation_url(accredited)}{delegate}/withdraw/"
    )

    assert response.status_code == 403
    assert state() == before


def test_delegation_pages_are_rate_limited(accredited: Invited, settings: Settings) -> None:
    settings.SUMMITDESK_PORTAL_REQUESTS_PER_MINUTE = 2
    client = Client()

    codes = [client.get(delegation_url(accredited)).status_code for _ in range(3)]

    assert codes == [200, 200, 429]


# Substituting


def newcomer(**changes: str) -> dict[str, str]:
    data = {
        "substitute-title": "Dr",
        "substitute-given_name": "José",
        "substitute-family_name": "Ramírez",
        "substitute-function": "Adviser",
        "substitute-email": "jose@example.org",
        "substitute-nationality": "ES",
        "substitute-gender": "",
    }
    data.update(changes)
    return data


def test_substitute_revokes_the_old_badge_and_names_a_pending_newcomer(
    accredited: Invited, meeting: Meeting
) -> None:
    old = accreditation_of(accredited, "Müller")
    code = badge_code(old)

    response = Client().post(
        f"{delegation_url(accredited)}{old.delegate_id}/substitute/", newcomer(), follow=True
    )

    old.refresh_from_db()
    new = accreditation_of(accredited, "Ramírez")
    assert old.status == Status.REVOKED
    assert new.status == Status.PENDING
    assert (new.delegate.given_name, new.delegate.function, new.delegate.nationality) == (
        "José",
        "Adviser",
        "ES",
    )
    assert "Bruno Müller&#x27;s badge is revoked" in page(response)
    assert (
        checkin.check_in(
            code, meeting=meeting, desk="1", actor=checkin.desk_actor(None, "1")
        ).admitted
        is False
    )
    assert [e.object_id for e in portal_entries("summitdesk.accreditation.revoked")] == [
        str(old.pk)
    ]
    assert [e.object_id for e in portal_entries("summitdesk.accreditation.substitute_named")] == [
        str(new.pk)
    ]


def test_substitute_of_a_pending_delegate_is_refused(accredited: Invited) -> None:
    pending = accreditation_of(accredited, "Senior")
    before = state()

    response = Client().post(
        f"{delegation_url(accredited)}{pending.delegate_id}/substitute/", newcomer(), follow=True
    )

    assert "Only an approved delegate can be substituted." in page(response)
    assert state() == before


def test_substitute_after_registration_closed_is_refused_clearly(
    accredited: Invited, meeting: Meeting
) -> None:
    Meeting.objects.filter(pk=meeting.pk).update(
        registration_closes_at=timezone.now() - datetime.timedelta(hours=1)
    )
    old = accreditation_of(accredited, "Müller")
    before = state()

    response = Client().post(
        f"{delegation_url(accredited)}{old.delegate_id}/substitute/", newcomer()
    )

    assert response.status_code == 400
    assert (
        "Registration for this meeting is closed: ask the secretariat for the substitution."
        in page(response)
    )
    assert state() == before
    assert not Delegate.objects.filter(family_name="Ramírez").exists()


def test_substitute_without_a_family_name_is_refused_on_the_field(accredited: Invited) -> None:
    old = accreditation_of(accredited, "Müller")
    before = state()

    response = Client().post(
        f"{delegation_url(accredited)}{old.delegate_id}/substitute/",
        newcomer(
            **{
                "substitute-family_name": "",
                "substitute-given_name": "",
                "substitute-title": "",
                "substitute-function": "",
                "substitute-email": "",
                "substitute-nationality": "",
            }
        ),
    )

    assert response.status_code == 400
    assert "Family name: Give the family name of the substitute." in page(response)
    assert state() == before


def test_substitution_by_staff_after_registration_closed_still_works(
    accredited: Invited, meeting: Meeting
) -> None:
    Meeting.objects.filter(pk=meeting.pk).update(
        registration_closes_at=timezone.now() - datetime.timedelta(hours=1)
    )

    created = services.substitute(
        accreditation_of(accredited, "Müller"), DelegateData(family_name="Late"), actor=STAFF
    )

    assert created.status == Status.PENDING


def test_portal_substitution_service_refuses_after_registration_closed(
    accredited: Invited, meeting: Meeting
) -> None:
    Meeting.objects.filter(pk=meeting.pk).update(
        registration_closes_at=timezone.now() - datetime.timedelta(hours=1)
    )
    portal = Actor.system("focal point", Channel.PORTAL)

    with pytest.raises(AccreditationError, match="Registration for this meeting is closed"):
        services.substitute(
            accreditation_of(accredited, "Müller"), DelegateData(family_name="Late"), actor=portal
        )


# The limit and exceptions


@pytest.fixture
def limited(accredited: Invited, meeting: Meeting) -> Invited:
    """Sector Members may have two delegates approved at this meeting."""
    DelegateLimit.objects.create(meeting=meeting, category=Category.SECTOR_MEMBER, limit=2)
    return accredited


def test_delegation_page_shows_the_limit_of_the_category(limited: Invited) -> None:
    html = page(Client().get(delegation_url(limited)))

    assert text_of(html, "limit-text") == (
        "2 delegates at most for a Sector Member; 3 named. 2 approved, 1 waiting for approval."
    )
    assert "Ask the secretariat for more delegates" in html


def test_exception_request_is_recorded_and_shown_waiting(limited: Invited) -> None:
    response = Client().post(
        f"{delegation_url(limited)}exception/",
        {"requested": "4", "reason": "Two ministers join us"},
        follow=True,
    )

    [request] = LimitException.objects.all()
    assert (request.organisation, request.requested, request.reason) == (
        limited.organisation,
        4,
        "Two ministers join us",
    )
    html = page(response)
    assert text_of(html, "exception-status") == (
        "Your request for 4 delegates in all is waiting for the secretariat."
    )
    assert "Ask the secretariat for more delegates" not in html
    [entry] = portal_entries("summitdesk.accreditation.exception_requested")
    assert entry.organisation_id == limited.organisation.pk


def test_exception_request_not_above_the_limit_is_refused(limited: Invited) -> None:
    response = Client().post(
        f"{delegation_url(limited)}exception/", {"requested": "2", "reason": "More"}
    )

    assert response.status_code == 400
    assert "Your limit is already 2: ask for more than that." in page(response)
    assert not LimitException.objects.exists()


def test_exception_request_without_a_reason_is_refused(limited: Invited) -> None:
    response = Client().post(f"{delegation_url(limited)}exception/", {"requested": "5"})

    assert response.status_code == 400
    assert "Give the reason: the secretariat decides on it." in page(response)
    assert not LimitException.objects.exists()


def test_second_exception_request_while_one_waits_is_refused(limited: Invited) -> None:
    url = f"{delegation_url(limited)}exception/"
    Client().post(url, {"requested": "4", "reason": "First"})

    response = Client().post(url, {"requested": "6", "reason": "Second"})

    assert response.status_code == 400
    assert "A request is already waiting for the secretariat." in page(response)
    assert list(LimitException.objects.values_list("requested", flat=True)) == [4]


def test_exception_request_without_a_limit_is_refused(accredited: Invited) -> None:
    response = Client().post(
        f"{delegation_url(accredited)}exception/", {"requested": "9", "reason": "More"}, follow=True
    )

    assert "Your organisation&#x27;s category has no limit here." in page(response)
    assert not LimitException.objects.exists()


def test_exception_granted_by_the_secretariat_lets_more_approvals_through(
    limited: Invited, meeting: Meeting, secretary_client: Client
) -> None:
    pending = accreditation_of(limited, "Senior")
    with pytest.raises(AccreditationError, match="limit"):
        services.transition(pending, Status.APPROVED, actor=STAFF)
    Client().post(f"{delegation_url(limited)}exception/", {"requested": "4", "reason": "Ministers"})
    [request] = LimitException.objects.all()

    limits_page = page(secretary_client.get(f"/meetings/{meeting.code}/accreditations/limits/"))
    secretary_client.post(
        f"/limit-exceptions/{request.pk}/decide/", {"decision": "grant", "granted": "3"}
    )
    approved = services.transition(pending, Status.APPROVED, actor=STAFF)
    focal_point_page = page(Client().get(delegation_url(limited)))

    assert "Ministers" in limits_page
    assert f'action="/limit-exceptions/{request.pk}/decide/"' in limits_page
    assert approved.status == Status.APPROVED
    assert text_of(focal_point_page, "exception-status") == (
        "Exception granted: 3 delegates in all (you asked for 4)."
    )
    assert text_of(focal_point_page, "limit-text").startswith(
        "3 delegates at most for a Sector Member; 3 named."
    )


def test_exception_refused_by_the_secretariat_is_shown_refused(
    limited: Invited, secretary_client: Client
) -> None:
    Client().post(f"{delegation_url(limited)}exception/", {"requested": "4", "reason": "More"})
    [request] = LimitException.objects.all()

    secretary_client.post(
        f"/limit-exceptions/{request.pk}/decide/",
        {"decision": "refuse", "reason": "The hall is full", "confirmed": "yes"},
    )

    html = page(Client().get(delegation_url(limited)))
    assert text_of(html, "exception-status") == (
        "Your request for 4 delegates in all was refused. "
        "The secretariat's reason: The hall is full"
    )
    assert "Ask the secretariat for more delegates" in html
