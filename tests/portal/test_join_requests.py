"""Requests to join a delegation: the public page, the confirmation link, the
organisation's inbox in its portal, the emails through the outbox."""

import datetime
import re
from types import SimpleNamespace
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from summitdesk.accreditation.models import Accreditation, DelegateLimit
from summitdesk.admission.models import Admission
from summitdesk.core import ratelimit
from summitdesk.core.audit import Actor
from summitdesk.core.models import AuditEntry
from summitdesk.correspondence.enums import MessageKind, MessageState
from summitdesk.correspondence.models import OutboundMessage
from summitdesk.delegations import join_requests
from summitdesk.delegations.enums import JoinRequestStatus
from summitdesk.delegations.join_requests import JoinerData
from summitdesk.delegations.models import Delegate, JoinRequest
from summitdesk.delegations.tasks import purge_unconfirmed_join_requests
from summitdesk.meetings.models import Meeting
from tests.factories import OrganisationFactory
from tests.portal.conftest import DELEGATION, JANE, Invited, invited, posted
from tests.tasks import run_queued_tasks

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def one_window(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ratelimit, "time", SimpleNamespace(time=lambda: 1_000_000_020.0))


@pytest.fixture
def acme_replied(acme: Invited) -> Invited:
    """Acme has submitted: focal point Jane Acmefocal, its delegation of six."""
    response = Client().post(
        acme.url,
        posted(
            action="submit",
            estimate=6,
            focal_point={**JANE, "family_name": "Acmefocal", "email": "jane@acme.example.org"},
            members=DELEGATION,
        ),
    )
    assert response.status_code == 302
    run_queued_tasks()
    mail.outbox.clear()
    return acme


def join_url(meeting: Meeting) -> str:
    return f"/join/{meeting.code}/"


def choice_link(client: Client, meeting: Meeting, query: str) -> str:
    page = client.get(join_url(meeting), {"q": query}).content.decode()
    found = re.findall(r'href="(/join/[^"]+\?organisation=[^"]+)"', page)
    assert len(found) == 1, page
    return found[0].replace("&amp;", "&")


def ask(client: Client, meeting: Meeting, query: str, **changes: str) -> Any:
    link = choice_link(client, meeting, query)
    choice = re.search(r"organisation=([^&]+)", link)
    assert choice is not None
    data = {
        "organisation": choice.group(1).replace("%3A", ":"),
        "given_name": "Paula",
        "family_name": "Joiner",
        "function": "Adviser",
        "email": "paula@example.net",
        "nationality": "CH",
        "affiliation": "University of Geneva",
        "relationship": "consultant",
        "message": "I work on your project.",
    } | changes
    return client.post(join_url(meeting), data)


def confirmation_link() -> str:
    run_queued_tasks()
    bodies = [str(m.body) for m in mail.outbox if "/join/confirm/" in str(m.body)]
    assert bodies, [m.subject for m in mail.outbox]
    match = re.search(r"(/join/confirm/[A-Za-z0-9_-]+/)", bodies[-1])
    assert match is not None
    return match.group(1)


def test_a_person_asks_confirms_and_the_focal_point_accepts(acme_replied: Invited) -> None:
    meeting = acme_replied.reply.meeting
    client = Client()

    sent = ask(client, meeting, "Acme Telecom")
    assert "We sent a link to" in sent.content.decode()
    request = JoinRequest.objects.get()
    assert request.status == JoinRequestStatus.UNCONFIRMED
    link = confirmation_link()
    stored = JoinRequest.objects.get().token_hash
    assert stored and link.split("/")[-2] not in stored  # only the hash is stored

    assert "Yes, send my request" in client.get(link).content.decode()
    assert JoinRequest.objects.get().status == JoinRequestStatus.UNCONFIRMED  # GET changes nothing
    confirmed = client.post(link)
    assert "Your email address is confirmed" in confirmed.content.decode()
    assert JoinRequest.objects.get().status == JoinRequestStatus.PENDING
    # Used: the link no longer confirms; it is the person's page of the request.
    again = client.post(link)
    assert "Waiting for a decision" in again.content.decode()
    assert AuditEntry.objects.filter(action="summitdesk.join_request.received").count() == 1

    run_queued_tasks()
    digest = [m for m in mail.outbox if m.subject.startswith("Requests to join")]
    assert [m.to for m in digest] == [["jane@acme.example.org"]]
    assert "Paula Joiner" in digest[0].body

    inbox = Client().get(acme_replied.url + "join-requests/").content.decode()
    assert "Paula Joiner" in inbox and "University of Geneva" in inbox
    reply_page = Client().get(acme_replied.url).content.decode()
    assert "1 waiting for your decision" in reply_page

    accepted = Client().post(
        acme_replied.url + f"join-requests/{request.pk}/", {"decision": "accept"}, follow=True
    )
    assert "Paula Joiner is now a member of your delegation." in accepted.content.decode()
    request.refresh_from_db()
    assert request.status == JoinRequestStatus.ACCEPTED
    delegate = Delegate.objects.get(family_name="Joiner")
    assert request.delegate == delegate
    assert (delegate.affiliation, delegate.relationship) == ("University of Geneva", "consultant")
    assert Accreditation.objects.filter(delegate=delegate, status="pending").exists()
    # The delegation kept its members' other data.
    assert acme_replied.reply.delegates.count() == len(DELEGATION) + 1
    mail.outbox.clear()
    run_queued_tasks()
    subjects = {m.subject: m.to for m in mail.outbox}
    assert subjects["You are in the delegation of Acme Telecom"] == ["paula@example.net"]
    # Accreditation follows as for any delegate: their own link to complete it.
    assert any(subject.startswith("Complete your accreditation") for subject in subjects)


def test_decline_tells_the_person_with_the_reason(acme_replied: Invited) -> None:
    meeting = acme_replied.reply.meeting
    organisation = acme_replied.organisation
    request = join_requests.submit(
        meeting, organisation, JoinerData(family_name="Nope", email="nope@example.net")
    )
    JoinRequest.objects.filter(pk=request.pk).update(status=JoinRequestStatus.PENDING)

    Client().post(
        acme_replied.url + f"join-requests/{request.pk}/",
        {"decision": "decline", "reason": "Our delegation is complete."},
    )

    request.refresh_from_db()
    assert request.status == JoinRequestStatus.DECLINED
    assert request.decline_reason == "Our delegation is complete."
    mail.outbox.clear()
    run_queued_tasks()
    declined = [m for m in mail.outbox if "declined" in m.subject]
    assert declined[0].to == ["nope@example.net"]
    assert "Our delegation is complete." in declined[0].body
    assert not Delegate.objects.filter(family_name="Nope").exists()


def test_search_needs_letters_and_never_lists_many(acme: Invited, borealis: Invited) -> None:
    meeting = acme.reply.meeting
    for index in range(6):
        OrganisationFactory(name=f"Network Operator {index}")
    client = Client()

    def page(query: str) -> str:
        return client.get(join_url(meeting), {"q": query}).content.decode()

    def found(query: str) -> list[str]:
        return re.findall(r"<li><bdi>([^<]+)</bdi>", page(query))

    assert "Type at least four letters" in page("acm")
    assert found("acme telecom") == ["Acme Telecom"]
    assert found("ACME") == ["Acme Telecom"]  # a whole word of the name
    assert found("acm telecom x") == []
    assert found("Teleco") == []  # no partial words
    # Not invited: never found, whatever is typed.
    assert found("Network Operator 1") == []


def test_search_with_too_many_matches_lists_nobody(meeting: Meeting) -> None:
    for index in range(6):
        invited(meeting, f"Global Telecom {index}", ceo=("A", f"Ceo{index}"))

    page = Client().get(join_url(meeting), {"q": "global telecom"}).content.decode()

    assert "Too many organisations match" in page
    assert "<li><bdi>" not in page


def test_admitted_organisations_can_be_asked_too(meeting: Meeting) -> None:
    admitted = OrganisationFactory(name="Digital Commons Foundation")
    Admission.objects.create(
        process=meeting.process, organisation=admitted, admitted_on=datetime.date(2003, 1, 1)
    )

    page = Client().get(join_url(meeting), {"q": "Digital Commons"}).content.decode()

    assert "Digital Commons Foundation" in page


def test_a_forged_organisation_choice_is_refused(acme: Invited, borealis: Invited) -> None:
    meeting = acme.reply.meeting
    response = Client().post(
        join_url(meeting),
        {"organisation": str(acme.organisation.pk), "family_name": "X", "email": "x@example.net"},
    )

    assert response.status_code == 400
    assert "Search for the organisation again" in response.content.decode()
    assert not JoinRequest.objects.exists()


def test_bad_input_gets_a_message_and_nothing_is_recorded(acme: Invited) -> None:
    response = ask(
        Client(), acme.reply.meeting, "Acme Telecom", email="not-an-email", family_name=""
    )

    assert response.status_code == 400
    assert "Enter a valid email address." in response.content.decode()
    assert not JoinRequest.objects.exists()


def test_sending_is_limited_per_email_and_per_address(acme: Invited, borealis: Invited) -> None:
    meeting = acme.reply.meeting
    client = Client()
    answers = [
        ask(client, meeting, "Acme Telecom", family_name=f"J{i}").status_code for i in range(4)
    ]
    assert answers == [200, 200, 200, 429]
    # Another address, another email: fine; the same email from elsewhere: still held back.
    other = Client(REMOTE_ADDR="192.0.2.9")
    assert ask(other, meeting, "Borealis Networks").status_code == 429
    assert ask(other, meeting, "Borealis Networks", email="x@example.net").status_code == 200


def test_the_same_request_twice_resends_the_link(acme: Invited) -> None:
    meeting = acme.reply.meeting
    client = Client()
    first = ask(client, meeting, "Acme Telecom")
    second = ask(client, meeting, "Acme Telecom")

    assert first.content == second.content
    assert JoinRequest.objects.count() == 1
    run_queued_tasks()
    assert len([m for m in mail.outbox if "/join/confirm/" in m.body]) == 2


def test_unknown_used_and_expired_links_answer_alike(acme: Invited) -> None:
    meeting = acme.reply.meeting
    ask(Client(), meeting, "Acme Telecom")
    link = confirmation_link()
    JoinRequest.objects.update(token_expires_at=timezone.now() - datetime.timedelta(seconds=1))
    client = Client()

    expired = client.get(link)
    unknown = client.get("/join/confirm/Zm9yZ2VkLXRva2VuLW5vYm9keS1oYXMtaXQ/")

    assert expired.status_code == unknown.status_code == 404
    assert expired.content == unknown.content
    assert JoinRequest.objects.get().status == JoinRequestStatus.UNCONFIRMED


def test_guessing_links_is_held_back(acme: Invited) -> None:
    client = Client()
    for count in range(10):
        assert client.get(f"/join/confirm/guess-{count}/").status_code == 404

    assert client.get("/join/confirm/guess-again/").status_code == 429


def test_without_a_focal_point_requests_wait_for_staff(acme: Invited) -> None:
    meeting = acme.reply.meeting
    ask(Client(), meeting, "Acme Telecom")
    Client().post(confirmation_link())

    assert list(join_requests.waiting_for_staff(meeting)) == [JoinRequest.objects.get()]
    assert not OutboundMessage.objects.filter(kind=MessageKind.JOIN_REQUEST_DIGEST).exists()


def test_one_digest_a_day(acme_replied: Invited) -> None:
    meeting = acme_replied.reply.meeting
    for name in ("One", "Two", "Three"):
        request = join_requests.submit(
            meeting,
            acme_replied.organisation,
            JoinerData(family_name=name, email=f"{name}@example.net"),
        )
        JoinRequest.objects.filter(pk=request.pk).update(status=JoinRequestStatus.PENDING)
        join_requests.notify_focal_point(acme_replied.organisation, meeting)
        run_queued_tasks()

    digests = OutboundMessage.objects.filter(kind=MessageKind.JOIN_REQUEST_DIGEST)
    assert [d.state for d in digests] == [MessageState.SENT, MessageState.QUEUED]
    later = digests.last()
    assert later is not None and later.next_attempt_at is not None
    assert later.next_attempt_at > timezone.now() + datetime.timedelta(hours=23)


def test_a_person_already_accredited_is_flagged_and_waits_for_staff(
    acme_replied: Invited, borealis: Invited
) -> None:
    meeting = acme_replied.reply.meeting
    already = Delegate.objects.filter(reply=acme_replied.reply).first()
    assert already is not None
    ask(
        Client(),
        meeting,
        "Borealis Networks",
        given_name=already.given_name,
        family_name=already.family_name.upper(),
        email="other@example.net",
    )
    Client().post(confirmation_link())
    request = JoinRequest.objects.get()
    assert request.possible_duplicate
    assert "Acme Telecom" in request.duplicate_notes

    result = join_requests.decide(request, accept=True, actor=Actor.system("focal point"))
    assert result.referred
    assert JoinRequest.objects.get().status == JoinRequestStatus.PENDING
    with pytest.raises(join_requests.JoinRequestError, match="may already be accredited"):
        join_requests.decide(request, accept=True, actor=Actor.system("staff"), by_staff=True)
    join_requests.decide(
        request, accept=True, actor=Actor.system("staff"), by_staff=True, duplicate_checked=True
    )
    assert JoinRequest.objects.get().status == JoinRequestStatus.ACCEPTED


def test_the_inbox_says_when_the_delegation_is_at_its_limit(acme_replied: Invited) -> None:
    meeting = acme_replied.reply.meeting
    DelegateLimit.objects.create(
        meeting=meeting, category=acme_replied.organisation.category, limit=len(DELEGATION)
    )
    html = Client().get(acme_replied.url + "join-requests/").content.decode()
    assert "Your delegation is at its limit (6 delegates)" in html


def test_the_public_pages_reveal_nothing_of_the_delegation(acme_replied: Invited) -> None:
    meeting = acme_replied.reply.meeting
    client = Client()
    pages = [
        client.get(join_url(meeting), {"q": "Acme Telecom"}),
        client.get(choice_link(client, meeting, "Acme Telecom")),
        ask(client, meeting, "Acme Telecom"),
    ]
    for page in pages:
        html = page.content.decode()
        for name in ("Acmefocal", "Acmeceo", *[family for _g, family, _f in DELEGATION]):
            assert name not in html


def test_a_reply_naming_someone_accredited_elsewhere_is_flagged_to_staff(
    acme_replied: Invited, borealis: Invited, viewer_client: Client
) -> None:
    already = Delegate.objects.filter(reply=acme_replied.reply).first()
    assert already is not None
    response = Client().post(
        borealis.url,
        posted(
            action="submit",
            estimate=1,
            focal_point={**JANE, "email": "b@borealis.example.org"},
            members=[(already.given_name, already.family_name, "Adviser")],
        ),
    )
    assert response.status_code == 302

    entry = AuditEntry.objects.get(action="summitdesk.reply.possible_duplicate")
    assert "Acme Telecom" in entry.note
    page = viewer_client.get(
        f"/organisations/{borealis.organisation.pk}/replies/{borealis.reply.meeting.code}/"
    ).content.decode()
    assert "Possibly already accredited" in page and "Acme Telecom" in page


def test_the_inbox_shows_the_waiting_requests_page_by_page(acme_replied: Invited) -> None:
    meeting = acme_replied.reply.meeting
    for number in range(30):
        request = join_requests.submit(
            meeting,
            acme_replied.organisation,
            JoinerData(family_name=f"Waiting{number:02d}", email=f"w{number}@example.net"),
        )
        JoinRequest.objects.filter(pk=request.pk).update(status=JoinRequestStatus.PENDING)
    url = acme_replied.url + "join-requests/"

    first = Client().get(url).content.decode()
    second = Client().get(url + "?page=2").content.decode()
    hostile = Client().get(url + "?page=x%00")

    assert "30 requests are waiting, the oldest first." in first
    assert "Waiting00" in first and "Waiting24" in first and "Waiting25" not in first
    assert "Waiting25" in second and "Waiting29" in second
    assert "Later requests" in first and "Earlier requests" in second
    assert hostile.status_code == 200


def test_unconfirmed_requests_are_deleted_days_after_their_link_expired(acme: Invited) -> None:
    meeting = acme.reply.meeting
    request = join_requests.submit(
        meeting, acme.organisation, JoinerData(family_name="Silent", email="s@example.net")
    )
    JoinRequest.objects.filter(pk=request.pk).update(
        token_expires_at=timezone.now() - datetime.timedelta(days=4)
    )
    kept = join_requests.submit(
        meeting, acme.organisation, JoinerData(family_name="Recent", email="r@example.net")
    )
    JoinRequest.objects.filter(pk=kept.pk).update(
        token_expires_at=timezone.now() - datetime.timedelta(days=1)
    )

    assert purge_unconfirmed_join_requests.call() == 1
    assert list(JoinRequest.objects.values_list("family_name", flat=True)) == ["Recent"]


def test_a_newly_named_focal_point_hears_of_the_waiting_requests(acme: Invited) -> None:
    meeting = acme.reply.meeting
    ask(Client(), meeting, "Acme Telecom")
    Client().post(confirmation_link())
    mail.outbox.clear()

    Client().post(
        acme.url,
        posted(action="save", estimate=2, focal_point={**JANE, "email": "new@acme.example.org"}),
    )
    run_queued_tasks()

    digest = [m for m in mail.outbox if m.subject.startswith("Requests to join")]
    assert [m.to for m in digest] == [["new@acme.example.org"]]
    assert join_requests.waiting_for_staff(meeting).count() == 0


def test_someone_already_in_the_delegation_is_not_added_twice(acme_replied: Invited) -> None:
    member = Delegate.objects.filter(reply=acme_replied.reply).first()
    assert member is not None
    request = join_requests.submit(
        acme_replied.reply.meeting,
        acme_replied.organisation,
        JoinerData(
            family_name=member.family_name, given_name=member.given_name, email="x@example.net"
        ),
    )
    JoinRequest.objects.filter(pk=request.pk).update(status=JoinRequestStatus.PENDING)

    with pytest.raises(join_requests.JoinRequestError, match="already a member"):
        join_requests.decide(request, accept=True, actor=Actor.system("staff"), by_staff=True)
    assert Delegate.objects.filter(reply=acme_replied.reply).count() == len(DELEGATION)


def test_hostile_searches_get_a_message_and_find_nothing(acme: Invited) -> None:
    url = join_url(acme.reply.meeting)
    client = Client()

    nul = client.get(url, {"q": "Acme\x00Telecom"})
    long = client.get(url, {"q": "x" * 101})
    forged = client.get(url, {"organisation": "1:forged:signature"})

    assert nul.status_code == long.status_code == 400
    assert "<li><bdi>" not in nul.content.decode()
    assert "Ensure this value has at most 100 characters" in long.content.decode()
    assert forged.status_code == 200 and "Send my request" not in forged.content.decode()
