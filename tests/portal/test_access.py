"""What a reply link opens, and nothing more: focal point B tries Acme's data by every route
(ids in URLs, query strings and form fields, htmx-style requests, the PDF summary); unknown,
revoked and expired tokens look alike; token endpoints are rate limited."""

import datetime
import io
import re
from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import pypdf
import pytest
from django.conf import settings
from django.contrib.messages import get_messages
from django.test import Client, RequestFactory
from django.utils import timezone

from summitdesk.core import ratelimit
from summitdesk.core.audit import Actor
from summitdesk.core.enums import Channel, Role
from summitdesk.core.models import AuditEntry, User
from summitdesk.correspondence import reply_links
from summitdesk.correspondence.enums import CircularStatus
from summitdesk.correspondence.models import Circular, CircularText, ReplyLink
from summitdesk.delegations.enums import ReplyState
from summitdesk.delegations.models import Delegate, Reply
from summitdesk.lib import tokens
from summitdesk.portal.access import reply_for_token
from tests.delegations.builders import invite, summit
from tests.factories import OrganisationFactory, UserFactory
from tests.portal.conftest import DELEGATION, JANE, Invited, posted, written_letter

pytestmark = pytest.mark.django_db

NOT_VALID = (
    "This link is not valid. It may have expired or been replaced: ask the secretariat for a "
    "new one."
)


@pytest.fixture
def acme_replied(acme: Invited) -> Invited:
    """Acme has submitted: focal point Jane Doe, its delegation of six."""
    response = Client().post(
        acme.url,
        posted(
            action="submit",
            estimate=6,
            focal_point={**JANE, "family_name": "Acmefocal", "email": "jane@acme.example.org"},
            backup={"given_name": "Axel", "family_name": "Acmebackup"},
            members=DELEGATION,
        ),
    )
    assert response.status_code == 302
    return acme


def words_of(content: bytes, content_type: str) -> str:
    if content_type == "application/pdf":
        reader = pypdf.PdfReader(io.BytesIO(content))
        return " ".join(page.extract_text() for page in reader.pages)
    return content.decode()


# Looking up a token


def test_reply_for_token_opens_the_links_organisation_and_meeting(acme: Invited) -> None:
    found = reply_for_token(acme.token, request=RequestFactory().get("/"))

    assert found is not None
    assert (found.organisation, found.reply, found.person) == (
        acme.organisation,
        acme.reply,
        None,
    )
    assert found.actor.label == "reply link of Acme Telecom"
    assert ReplyLink.objects.get(organisation=acme.organisation).last_used_at is not None


def test_reply_for_token_unknown_revoked_and_expired_give_none(acme: Invited) -> None:
    _revoked, revoked = reply_links.issue(acme.organisation, acme.reply.meeting)
    reply_links.revoke_all(
        acme.organisation, acme.reply.meeting, actor=Actor.system("test"), why=""
    )
    _expired, expired = reply_links.issue(
        acme.organisation,
        acme.reply.meeting,
        expires_at=timezone.now() - datetime.timedelta(seconds=1),
    )
    request = RequestFactory().get("/")

    assert [reply_for_token(t, request=request) for t in ("x" * 32, revoked, expired)] == [
        None,
        None,
        None,
    ]


def endpoints(token: str) -> list[tuple[str, str]]:
    base = f"/reply/{token}/"
    return [
        ("get", base),
        ("post", base),
        ("get", base + "letter.pdf"),
        ("get", base + "summary.pdf"),
        ("get", base + "hand-over/"),
        ("post", base + "hand-over/"),
    ]


def test_unknown_revoked_and_expired_tokens_get_identical_answers(acme: Invited) -> None:
    meeting = acme.reply.meeting
    _link, revoked = reply_links.issue(acme.organisation, meeting)
    ReplyLink.objects.filter(token_hash=tokens.hash_token(revoked)).update(
        revoked_at=timezone.now()
    )
    _link, expired = reply_links.issue(
        acme.organisation, meeting, expires_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    unknown = "Zm9yZ2VkLXRva2VuLW5vYm9keS1oYXMtaXQ"

    answers = []
    for token in (unknown, revoked, expired):
        for method, url in endpoints(token):
            response = getattr(Client(), method)(url, {"action": "submit"})
            answers.append((response.status_code, response.content, response["Content-Type"]))

    first = answers[0]
    assert first[0] == 404
    assert NOT_VALID in first[1].decode()
    assert answers == [first] * len(answers)
    assert Reply.objects.get(pk=acme.reply.pk).state == "not_opened"


def test_not_valid_page_gives_the_contacts_of_the_circulars_awaiting_replies(
    acme: Invited,
) -> None:
    meeting = acme.reply.meeting
    Circular.objects.filter(reference="DM-1048").update(
        status=CircularStatus.DISPATCHED,
        contact_name="WSIS Executive Secretariat",
        contact_tel="+41 22 730 6113",
        contact_fax="+41 22 730 6453",
    )
    reminder = invite(acme.organisation, meeting, reference="DM-1050").circular
    Circular.objects.filter(pk=reminder.pk).update(
        status=CircularStatus.DISPATCHED,
        contact_name="WSIS Executive Secretariat",
        contact_tel="+41 22 730 6113",
        contact_fax="+41 22 730 6453",
    )
    invite(acme.organisation, meeting, reference="DM-1099")  # a draft: not sent yet
    closed = summit(
        code="prepcom-1", registration_closes_at=timezone.now() - datetime.timedelta(days=1)
    )
    invite(acme.organisation, closed, reference="DM-0900")
    Circular.objects.filter(reference__in=["DM-1099", "DM-0900"]).update(
        contact_email="elsewhere@itu.int"
    )
    Circular.objects.filter(reference="DM-0900").update(status=CircularStatus.DISPATCHED)
    unknown = Client().get("/reply/Zm9yZ2VkLXRva2VuLW5vYm9keS1oYXMtaXQ/")
    ReplyLink.objects.update(revoked_at=timezone.now())
    revoked = Client().get(acme.url)

    addresses = [
        " ".join(re.sub(r"<[^>]+>", " ", block).split())
        for block in re.findall(r"<address>(.*?)</address>", unknown.content.decode(), re.S)
    ]

    assert addresses == [
        "WSIS Executive Secretariat Tel: +41 22 730 6113 Fax: +41 22 730 6453 wsis@itu.int"
    ]
    assert 'href="tel:+41227306113"' in unknown.content.decode()
    assert (revoked.status_code, revoked.content) == (404, unknown.content)


def test_not_valid_page_names_the_contact_as_the_letters_in_its_language_do(
    acme: Invited,
) -> None:
    circular = Circular.objects.get(reference="DM-1048")
    Circular.objects.filter(pk=circular.pk).update(
        status=CircularStatus.DISPATCHED, contact_name="WSIS Executive Secretariat"
    )
    CircularText.objects.create(
        circular=circular,
        language="fr",
        subject="Sommet",
        body="Texte",
        contact_name="Secrétariat exécutif du SMSI",
    )

    french = Client().get("/reply/Zm9yZ2VkLXRva2VuLW5vYm9keS1oYXMtaXQ/?lang=fr")
    spanish = Client().get("/reply/Zm9yZ2VkLXRva2VuLW5vYm9keS1oYXMtaXQ/?lang=es")

    def names(page: Any) -> list[str]:
        blocks = re.findall(r"<address>(.*?)</address>", page.content.decode(), re.S)
        return [
            " ".join(re.sub(r"<[^>]+>", " ", block).split()).split(" Tel")[0] for block in blocks
        ]

    assert names(french) == ["Secrétariat exécutif du SMSI wsis@itu.int"]
    assert names(spanish) == ["WSIS Executive Secretariat wsis@itu.int"]


def test_not_valid_page_without_circulars_awaiting_replies_says_ask_the_secretariat(
    acme: Invited,
) -> None:
    response = Client().get("/reply/Zm9yZ2VkLXRva2VuLW5vYm9keS1oYXMtaXQ/")

    assert response.status_code == 404
    assert NOT_VALID in response.content.decode()
    assert "<address>" not in response.content.decode()


def forged(acme: Invited) -> dict[str, str]:
    """Every id of Acme's one might put in a request, under every name one might try."""
    reply = acme.reply
    delegate = Delegate.objects.filter(reply=reply).first()
    assert delegate is not None and reply.focal_point_id is not None
    ids = {
        "reply": str(reply.pk),
        "reply_id": str(reply.pk),
        "organisation": str(acme.organisation.pk),
        "organisation_id": str(acme.organisation.pk),
        "meeting": str(reply.meeting_id),
        "person": str(reply.focal_point_id),
        "focal_point": str(reply.focal_point_id),
        "focal_point_id": str(reply.focal_point_id),
        "delegate": str(delegate.pk),
        "id": str(delegate.pk),
        "pk": str(reply.pk),
        "token": acme.token,
    }
    for index in range(3):
        ids[f"members-{index}-id"] = str(delegate.pk)
        ids[f"members-{index}-reply"] = str(reply.pk)
    return ids


def routes(borealis: Invited, acme: Invited) -> Iterator[tuple[str, str, dict[str, str]]]:
    """Every request focal point B can make with B's token and Acme's ids."""
    ids = forged(acme)
    base = borealis.url
    query = "?" + "&".join(f"{key}={value}" for key, value in ids.items())
    for suffix in ("", "letter.pdf", "summary.pdf", "hand-over/", "earlier/"):
        yield "get", base + suffix, {}
        yield "get", base + suffix + query, {}
    for action in ("save", "submit", "add_rows", "request_change"):
        data = posted(action=action, estimate=4, members=[("Bo", "Borealmember", "Adviser")])
        yield "post", base, {**data, **ids}
        yield "post", base + query, {**data, **ids}
    yield (
        "post",
        base + "hand-over/",
        {
            **ids,
            "new-given_name": "Bea",
            "new-family_name": "Borealnew",
            "new-email": "bea@borealis.example.org",
        },
    )
    # Starting from an earlier delegation with Acme's delegates' ids.
    yield "post", base + "earlier/", {**ids, "member": ids["delegate"], "from": "geneva-2003"}


def test_b_with_acmes_ids_in_every_parameter_never_sees_acme(
    acme_replied: Invited, borealis: Invited
) -> None:
    acme = acme_replied
    written_letter(acme)
    written_letter(borealis)
    before = [(str(d), d.function) for d in acme.reply.delegates.all()]
    acme_focal_point = acme.reply.focal_point_id
    client = Client()
    seen = 0

    for method, url, data in routes(borealis, acme):
        for headers in ({}, {"HX-Request": "true", "HX-Target": "members"}):
            response = getattr(client, method)(url, data, headers=headers)
            if response.status_code == 302:
                response = client.get(response["Location"])
            words = words_of(response.content, response["Content-Type"].split(";")[0])
            assert response.status_code in (200, 400, 404), url
            assert re.search(r"acme", words, re.I) is None, (method, url)
            seen += 1

    assert seen == 40
    # Acme's reply is as it was, and B's changes went to B's reply.
    assert [(str(d), d.function) for d in acme.reply.delegates.all()] == before
    assert acme.reply.focal_point_id == acme_focal_point
    assert [str(d) for d in borealis.reply.delegates.all()] == ["Bo Borealmember"]
    assert str(borealis.reply.focal_point) == "Bea Borealnew"


def test_b_summary_pdf_holds_only_bs_reply(acme_replied: Invited, borealis: Invited) -> None:
    client = Client()
    client.post(
        borealis.url,
        posted(action="submit", estimate=1, focal_point=JANE, members=[("Bo", "Borealis", "CEO")]),
    )

    response = client.get(borealis.url + "summary.pdf?reply=" + str(acme_replied.reply.pk))

    words = words_of(response.content, "application/pdf")
    assert "Borealis Networks" in words
    assert "Bo Borealis" in words
    for name in ("Acme", "Acmeceo", "Acmefocal", "Acmebackup", "Senior", "Adviser"):
        assert name not in words


def test_acmes_focal_point_link_opens_only_acmes_reply(
    acme_replied: Invited, borealis: Invited
) -> None:
    focal_point = acme_replied.reply.focal_point
    assert focal_point is not None
    _link, token = reply_links.issue(
        acme_replied.organisation, acme_replied.reply.meeting, person=focal_point
    )

    html = Client().get(f"/reply/{token}/?organisation={borealis.organisation.pk}").content.decode()

    assert "Acme Telecom" in html
    assert "Borealis" not in html


def test_acmes_link_shows_only_acmes_submitted_reply(
    acme_replied: Invited, borealis: Invited
) -> None:
    url = f"{acme_replied.url}submitted/?organisation={borealis.organisation.pk}"

    html = Client().get(url).content.decode()

    assert "Acme Telecom" in html
    assert "Borealis" not in html
    forged = Client().get("/reply/Zm9yZ2VkLXRva2VuLW5vYm9keS1oYXMtaXQ/submitted/")
    assert forged.status_code == 404
    assert NOT_VALID in forged.content.decode()


# Rate limits


@pytest.fixture
def one_window(monkeypatch: pytest.MonkeyPatch) -> None:
    """The rate limiter's clock stands still: its fixed windows would otherwise start
    afresh whenever a test runs across the turn of a minute."""
    monkeypatch.setattr(ratelimit, "time", SimpleNamespace(time=lambda: 1_000_000_020.0))


def test_token_pages_allow_sixty_requests_a_minute_from_one_address(
    acme: Invited, one_window: None
) -> None:
    client = Client()
    for _count in range(settings.SUMMITDESK_PORTAL_REQUESTS_PER_MINUTE):
        assert client.get(acme.url).status_code == 200

    response = client.get(acme.url)

    assert response.status_code == 429
    assert response["Retry-After"] == "60"
    assert (
        "Too many attempts came from your connection in a short time. Please wait 1 minute, "
        "then open your link again."
    ) in response.content.decode()
    # Another address is not held back.
    assert client.get(acme.url, REMOTE_ADDR="192.0.2.7").status_code == 200


def test_failed_lookups_hold_back_guesses_but_not_a_valid_link(
    acme: Invited, one_window: None
) -> None:
    """An office behind one address, one of whom mistyped a link twenty times: the others'
    links still open; only tokens that open nothing are answered "too many"."""
    client = Client()
    for count in range(settings.SUMMITDESK_PORTAL_FAILED_LINKS):
        assert client.get(f"/reply/guess-{count}/").status_code == 404

    guessed = client.get("/reply/guess-again/")
    valid = client.get(acme.url)

    assert (guessed.status_code, valid.status_code) == (429, 200)
    assert guessed["Retry-After"] == "600"
    assert "Please wait 10 minutes" in guessed.content.decode()
    assert client.get("/reply/guess-once-more/").status_code == 429
    # Another address is not held back by these failures.
    assert client.get("/reply/guess-x/", REMOTE_ADDR="192.0.2.7").status_code == 404


# A staff member opening the portal as the organisation


def open_as(client: Client, invited: Invited) -> Any:
    organisation = invited.organisation
    meeting_code = Reply.objects.get(organisation=organisation).meeting.code
    return client.post(
        f"/organisations/{organisation.pk}/replies/{meeting_code}/open-as-organisation/"
    )


@pytest.fixture
def officer(db: None) -> User:
    return UserFactory(username="olga", role=Role.REGISTRATION_OFFICER)


def test_open_as_organisation_takes_the_officer_in_and_audits_them_by_name(
    acme: Invited, officer: User
) -> None:
    client = Client()
    client.force_login(officer)

    response = open_as(client, acme)

    assert response.status_code == 302
    assert re.fullmatch(r"/reply/[A-Za-z0-9_-]{32}/", response["Location"])
    assert response["Cache-Control"] == "no-store"
    assert client.get(response["Location"]).status_code == 200
    link = ReplyLink.objects.get(opened_by=officer)
    entry = AuditEntry.objects.get(action="summitdesk.reply_link.opened_as_organisation")
    assert (entry.actor, entry.actor_label, entry.channel, entry.organisation_id, entry.note) == (
        officer,
        "olga",
        Channel.BACKOFFICE,
        acme.organisation.pk,
        "olga opened the portal as the organisation",
    )
    assert (entry.object_type, entry.object_id) == ("correspondence.replylink", str(link.pk))


def test_open_as_organisation_does_not_mark_the_reply_opened(acme: Invited, officer: User) -> None:
    client = Client()
    client.force_login(officer)
    portal_url = open_as(client, acme)["Location"]

    officer_touch = client.post(f"{portal_url}opened/")
    after_officer = Reply.objects.get(pk=acme.reply.pk).state
    focal_point_touch = Client().post(f"{acme.url}opened/")

    assert (officer_touch.status_code, focal_point_touch.status_code) == (204, 204)
    assert after_officer == ReplyState.NOT_OPENED
    assert Reply.objects.get(pk=acme.reply.pk).state == ReplyState.OPENED


def test_open_as_organisation_records_changes_as_the_officer_for_the_organisation(
    acme: Invited, officer: User
) -> None:
    client = Client()
    client.force_login(officer)
    portal_url = open_as(client, acme)["Location"]

    response = client.post(
        portal_url,
        posted(action="submit", estimate=6, focal_point=JANE, members=DELEGATION, head=0),
    )

    assert response.status_code == 302
    entry = AuditEntry.objects.get(action="summitdesk.reply.submitted")
    assert (entry.actor, entry.actor_label, entry.channel, entry.note) == (
        officer,
        "olga for Acme Telecom",
        Channel.PORTAL,
        "Entered by the secretariat on the organisation's behalf",
    )
    assert acme.reply.entered_on_behalf is True


def test_open_as_organisation_link_opens_for_nobody_else(
    acme: Invited, officer: User, viewer: User, administrator: User
) -> None:
    officers_client = Client()
    officers_client.force_login(officer)
    portal_url = open_as(officers_client, acme)["Location"]
    viewers_client = Client()
    viewers_client.force_login(viewer)
    admins_client = Client()
    admins_client.force_login(administrator)

    statuses = [c.get(portal_url).status_code for c in (Client(), viewers_client, admins_client)]

    assert statuses == [404, 404, 404]
    officer.role = Role.VIEWER
    officer.save()
    assert officers_client.get(portal_url).status_code == 404


@pytest.mark.parametrize(
    "role", [Role.VIEWER, Role.COMMUNICATIONS, Role.CHECKIN_DESK, Role.BADGE_DESK]
)
def test_open_as_organisation_refused_to_other_roles(acme: Invited, role: Role) -> None:
    client = Client()
    client.force_login(UserFactory(username="someone", role=role))
    links = ReplyLink.objects.count()

    response = open_as(client, acme)

    assert response.status_code == 403
    assert ReplyLink.objects.count() == links
    assert not AuditEntry.objects.filter(
        action="summitdesk.reply_link.opened_as_organisation"
    ).exists()


def test_open_as_organisation_without_an_invitation_is_refused_with_a_message(
    meeting: Any, officer: User
) -> None:
    organisation = OrganisationFactory(name="Never Invited")
    client = Client()
    client.force_login(officer)

    response = client.post(
        f"/organisations/{organisation.pk}/replies/{meeting.code}/open-as-organisation/"
    )

    assert response.status_code == 302
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "No circular about this meeting was sent to it: no portal to open."
    ]
    assert ReplyLink.objects.filter(opened_by=officer).count() == 0


def test_open_as_organisation_page_offers_the_action_to_officers_only(
    acme: Invited, officer: User, viewer: User
) -> None:
    organisation = acme.organisation
    url = f"/organisations/{organisation.pk}/replies/{acme.reply.meeting.code}/"
    officers_client, viewers_client = Client(), Client()
    officers_client.force_login(officer)
    viewers_client.force_login(viewer)

    assert "Open as this organisation" in officers_client.get(url).content.decode()
    assert "Open as this organisation" not in viewers_client.get(url).content.decode()
