"""Every email goes through the outbox (correspondence.messages), through a real SMTP
server: each kind is an outbox row, written when claimed, sent once, listed in the
organisation's page; staff send one again with the same link while it works, and with a
new link (never the dead one) once it does not."""

import re

import pytest
from django.test import Client

from summitdesk.accreditation import delegate_links, emails
from summitdesk.accreditation import services as accreditation_services
from summitdesk.accreditation.enums import AccreditationStatus as Status
from summitdesk.core.audit import Actor
from summitdesk.core.models import AuditEntry, User
from summitdesk.correspondence import reply_links
from summitdesk.correspondence.enums import MessageState
from summitdesk.correspondence.models import OutboundMessage, ReplyLink
from summitdesk.delegations.models import Reply
from tests.accreditation.test_delegate_link import STAFF, accredited
from tests.conftest import Sink, signed_in
from tests.portal.builders import plain, submit_from_portal
from tests.portal.conftest import Invited
from tests.tasks import run_queued_tasks

pytestmark = pytest.mark.django_db

#: The back office pages of this file, each with its permission test below.
URL_NAMES = {"organisation-email", "organisation-email-withheld", "organisation-email-action"}

REPLY_LINK = re.compile(r"http://127\.0\.0\.1:8000/reply/([\w-]+)/")
DELEGATE_LINK = re.compile(r"http://127\.0\.0\.1:8000/accreditation/([\w-]+)/")


def sent_kinds() -> list[tuple[str, str]]:
    return sorted(OutboundMessage.objects.filter(mailing__isnull=True).values_list("kind", "state"))


def focal_point_email(acme: Invited, smtp: Sink) -> OutboundMessage:
    """Acme's reply submitted, its emails sent; the focal point's link email."""
    submit_from_portal(acme)
    run_queued_tasks()
    return OutboundMessage.objects.get(kind="focal_point_link")


def emails_section(client: Client, acme: Invited) -> str:
    html = client.get(f"/organisations/{acme.organisation.pk}/").content.decode()
    return html.partition('id="emails-title"')[2].partition("</section>")[0]


def action(client: Client, row: OutboundMessage, name: str) -> str:
    url = f"/organisations/{row.organisation_id}/emails/{row.pk}/{name}/"
    return client.post(url, follow=True).content.decode()


# Each kind through the outbox


def test_every_kind_of_email_is_an_outbox_row_sent_once_with_its_message_id(
    acme: Invited, smtp: Sink
) -> None:
    [accreditation] = accredited(code="rome-2030")
    [rejected] = accredited(code="tunis-2005")
    [revoked] = accredited(code="geneva-2025")
    emails.queue_delegate_links([accreditation, rejected, revoked])
    submit_from_portal(acme)
    accreditation_services.transition(accreditation, Status.APPROVED, actor=STAFF)
    accreditation_services.transition(rejected, Status.REJECTED, reason="No.", actor=STAFF)
    accreditation_services.transition(revoked, Status.APPROVED, actor=STAFF)
    accreditation_services.transition(revoked, Status.REVOKED, reason="Left.", actor=STAFF)
    accreditation_services.remind_missing_data(accreditation.meeting, actor=STAFF)

    assert run_queued_tasks() == 1  # one task, the outbox's, for all of them

    assert sent_kinds() == [
        ("accreditation_approved", "cancelled"),  # revoked since: its own email went
        ("accreditation_approved", "sent"),
        ("accreditation_rejected", "sent"),
        ("accreditation_revoked", "sent"),
        ("delegate_link", "cancelled"),  # revoked before it was written
        ("delegate_link", "sent"),
        ("delegate_link", "sent"),
        ("focal_point_link", "sent"),
        ("missing_data", "sent"),
        ("reply_confirmation", "sent"),
    ]
    rows = OutboundMessage.objects.filter(state=MessageState.SENT)
    assert sorted(r.message["Message-ID"] for r in smtp.received) == sorted(
        row.message_id for row in rows
    )
    assert len(smtp.received) == 8
    for row in rows:
        assert (row.organisation_id is not None, row.sent_at is not None) == (True, True)
    run_queued_tasks()  # nothing left: nothing sent twice
    assert len(smtp.received) == 8


def test_organisation_page_lists_its_emails_to_every_staff_role(
    acme: Invited, smtp: Sink, viewer: User
) -> None:
    row = focal_point_email(acme, smtp)

    section = emails_section(signed_in(viewer), acme)

    assert "Focal point&#x27;s link" in section and "Reply confirmation" in section
    assert "Your personal link to reply for Acme Telecom" in section
    assert "jane.doe@example.org" in section
    # The text, with its link, is not for viewers: they read it with the link withheld.
    assert f'/emails/{row.pk}/"' not in section
    assert f'/emails/{row.pk}/withheld/"' in section
    assert "Send again" not in section


def test_email_text_is_shown_to_officers_and_administrators_only(
    acme: Invited, smtp: Sink, viewer: User, secretary: User, administrator: User
) -> None:
    row = focal_point_email(acme, smtp)
    url = f"/organisations/{acme.organisation.pk}/emails/{row.pk}/"
    [token] = REPLY_LINK.findall(row.body)

    assert signed_in(viewer).get(url).status_code == 403
    for user in (secretary, administrator):
        response = signed_in(user).get(url)
        assert response.status_code == 200
        assert token in response.content.decode()
        assert response["Cache-Control"] == "no-store"
    assert signed_in(secretary).get(f"/organisations/999999/emails/{row.pk}/").status_code == 404


def test_email_text_with_its_links_withheld_is_for_every_other_role(
    acme: Invited, smtp: Sink, viewer: User
) -> None:
    row = focal_point_email(acme, smtp)
    [token] = REPLY_LINK.findall(row.body)

    response = signed_in(viewer).get(
        f"/organisations/{acme.organisation.pk}/emails/{row.pk}/withheld/"
    )

    content = response.content.decode()
    assert response.status_code == 200
    assert "[personal link withheld]" in content
    assert token not in content
    assert response["Cache-Control"] == "no-store"


# Sending again


def test_send_again_while_the_link_works_sends_the_same_link(
    acme: Invited, smtp: Sink, secretary: User
) -> None:
    row = focal_point_email(acme, smtp)
    client = signed_in(secretary)
    assert "Send again" in emails_section(client, acme)
    before = len(smtp.received)

    page = action(client, row, "send-again")
    run_queued_tasks()

    assert "The email is on its way again." in page
    [again] = smtp.received[before:]
    assert again.rcpt_tos == ["jane.doe@example.org"]
    assert again.message["Message-ID"] != row.message_id
    assert REPLY_LINK.findall(plain(again.message)) == REPLY_LINK.findall(row.body)
    [token] = REPLY_LINK.findall(plain(again.message))
    assert Client().get(f"/reply/{token}/").status_code == 200  # the focal point follows it
    assert ReplyLink.objects.filter(person__isnull=False).count() == 1
    copy = OutboundMessage.objects.get(resent_from=row)
    assert (copy.state, copy.body) == (MessageState.SENT, row.body)
    [entry] = AuditEntry.objects.filter(action="summitdesk.message.sent_again")
    assert (entry.organisation_id, entry.actor_label) == (acme.organisation.pk, "secretary")


def test_send_again_after_the_link_was_revoked_offers_a_new_link_never_the_dead_one(
    acme: Invited, smtp: Sink, secretary: User
) -> None:
    row = focal_point_email(acme, smtp)
    [dead] = REPLY_LINK.findall(row.body)
    reply_links.revoke_all(
        acme.organisation, acme.reply.meeting, actor=Actor.system("test"), why=""
    )
    client = signed_in(secretary)
    section = emails_section(client, acme)
    assert "Issue a new link and send" in section
    assert "Its link no longer works." in section
    before = len(smtp.received)

    refused = action(client, row, "send-again")
    run_queued_tasks()

    assert "The link in this email no longer works" in refused
    assert smtp.received[before:] == []

    page = action(client, row, "new-link")
    run_queued_tasks()

    assert "An email with a new link is on its way." in page
    [fresh] = smtp.received[before:]
    [token] = REPLY_LINK.findall(plain(fresh.message))
    assert token != dead and dead not in plain(fresh.message)
    assert Client().get(f"/reply/{token}/").status_code == 200
    assert Client().get(f"/reply/{dead}/").status_code == 404
    assert AuditEntry.objects.filter(action="summitdesk.message.new_link_queued").count() == 1


def test_delegate_link_replaced_since_is_sent_again_only_with_a_new_link(
    acme: Invited, smtp: Sink, secretary: User
) -> None:
    [accreditation] = accredited(code="rome-2030")
    emails.queue_delegate_links([accreditation])
    run_queued_tasks()
    row = OutboundMessage.objects.get(kind="delegate_link")
    [first] = DELEGATE_LINK.findall(row.body)
    delegate_links.issue(accreditation, actor=STAFF)  # replaced: the first stops working
    client = signed_in(secretary)
    before = len(smtp.received)

    assert "The link in this email no longer works" in action(client, row, "send-again")
    action(client, row, "new-link")
    run_queued_tasks()

    [fresh] = smtp.received[before:]
    [token] = DELEGATE_LINK.findall(plain(fresh.message))
    assert token != first
    assert delegate_links.is_live(token) and not delegate_links.is_live(first)


def test_email_in_doubt_with_a_dead_link_is_not_resent(
    acme: Invited, smtp: Sink, secretary: User
) -> None:
    row = focal_point_email(acme, smtp)
    OutboundMessage.objects.filter(pk=row.pk).update(state=MessageState.IN_DOUBT)
    reply_links.revoke_all(
        acme.organisation, acme.reply.meeting, actor=Actor.system("test"), why=""
    )
    client = signed_in(secretary)
    before = len(smtp.received)

    page = action(client, row, "resend")
    run_queued_tasks()

    assert "The link in this email no longer works" in page
    assert smtp.received[before:] == []
    row.refresh_from_db()
    assert row.state == MessageState.IN_DOUBT


def test_viewer_may_not_send_again(acme: Invited, smtp: Sink, viewer: User) -> None:
    row = focal_point_email(acme, smtp)

    response = signed_in(viewer).post(
        f"/organisations/{acme.organisation.pk}/emails/{row.pk}/send-again/"
    )

    assert response.status_code == 403
    assert not OutboundMessage.objects.filter(resent_from=row).exists()


def test_unknown_action_is_not_found(acme: Invited, smtp: Sink, secretary: User) -> None:
    row = focal_point_email(acme, smtp)

    response = signed_in(secretary).post(
        f"/organisations/{acme.organisation.pk}/emails/{row.pk}/explode/"
    )

    assert response.status_code == 404


def test_confirmation_sent_again_carries_the_same_summary(
    acme: Invited, smtp: Sink, secretary: User
) -> None:
    submit_from_portal(acme)
    run_queued_tasks()
    row = OutboundMessage.objects.get(kind="reply_confirmation")
    [first] = [r for r in smtp.received if r.message["Message-ID"] == row.message_id]
    Reply.objects.filter(pk=acme.reply.pk).update(estimated_participants=99)
    before = len(smtp.received)

    action(signed_in(secretary), row, "send-again")
    run_queued_tasks()

    [again] = smtp.received[before:]
    [one] = list(first.message.iter_attachments())
    [two] = list(again.message.iter_attachments())
    assert two.get_payload(decode=True) == one.get_payload(decode=True)
    assert plain(again.message) == plain(first.message)


def test_email_pages_send_anonymous_visitors_to_sign_in(acme: Invited, smtp: Sink) -> None:
    row = focal_point_email(acme, smtp)
    base = f"/organisations/{acme.organisation.pk}/emails/{row.pk}/"

    for response in (Client().get(base), Client().post(f"{base}send-again/")):
        assert response.status_code == 302
        assert response["Location"].startswith("/sign-in/?next=")
    assert not OutboundMessage.objects.filter(resent_from=row).exists()
