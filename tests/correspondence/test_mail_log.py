"""The mail log: every email SummitDesk wrote, searched by recipient, organisation and
subject (the outbox, and the local mailbox), read with its headers and attachments; the
links SummitDesk issued clickable for the roles that may follow them, withheld for the
others, and nothing from outside turned into a link."""

import datetime

import pytest
from django.core.files.base import ContentFile
from django.core.mail import EmailMessage
from django.test import Client
from django.utils import timezone
from pytest_django import Settings

from summitdesk.backoffice import urls
from summitdesk.core.enums import Role
from summitdesk.core.permissions import GRANTS, Permission
from summitdesk.correspondence import reply_links
from summitdesk.correspondence.enums import MessageKind, MessageState
from summitdesk.correspondence.mailbox import MailboxBackend
from summitdesk.correspondence.models import MailboxMessage, OutboundMessage
from summitdesk.correspondence.queries import QUERY_CHARS, MailSearch, search_outbox
from summitdesk.correspondence.withholding import WITHHELD, linkify_own
from summitdesk.directory.models import Organisation
from tests.conftest import signed_in
from tests.correspondence.builders import organisation, wsis_meeting
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

FORGED = "Zz9Yy8Xx7Ww6Vv5Uu4Tt3Ss2Rr1Qq0Pp"

#: Every back-office URL name these tests cover, for the project-wide coverage check.
URL_NAMES = {"mail-log", "mail-log-message", "mail-log-message-withheld"}


def officer() -> Client:
    return signed_in(UserFactory(username="officer", role=Role.REGISTRATION_OFFICER))


def viewer() -> Client:
    return signed_in(UserFactory(username="viewer", role=Role.VIEWER))


def email(
    to: Organisation,
    subject: str,
    body: str = "",
    *,
    address: str = "",
    minutes_ago: int = 0,
) -> OutboundMessage:
    row = OutboundMessage.objects.create(
        kind=MessageKind.REPLY_CONFIRMATION,
        organisation=to,
        to=[address or f"focal-{to.pk}@example.org"],
        subject=subject,
        body=body,
        state=MessageState.SENT,
        sent_at=timezone.now(),
        message_id=f"<{subject.replace(' ', '.')}-{to.pk}@summitdesk.example>",
    )
    OutboundMessage.objects.filter(pk=row.pk).update(
        created_at=timezone.now() - datetime.timedelta(minutes=minutes_ago)
    )
    return row


def live_link(to: Organisation) -> str:
    _link, token = reply_links.issue(to, wsis_meeting())
    return reply_links.reply_url(token)


# Who may open what


def test_every_mail_log_url_is_covered_by_a_permission_test() -> None:
    names = {str(p.name) for p in urls.urlpatterns if str(p.name).startswith("mail-log")}

    assert names == URL_NAMES


@pytest.mark.parametrize("role", list(Role))
def test_mail_log_pages_open_to_each_role_as_the_permission_table_says(role: Role) -> None:
    acme = organisation("Acme")
    row = email(acme, "Your reply is received")
    client = signed_in(UserFactory(username=f"user-{role}", role=role))
    live = Permission.STORED_MAIL_READ in GRANTS[role]
    listed = Permission.MAILBOX_READ in GRANTS[role]
    withheld = Permission.STORED_MAIL_READ_WITHHELD in GRANTS[role]

    statuses = [
        client.get(url).status_code
        for url in ("/mail-log/", f"/mail-log/{row.pk}/", f"/mail-log/{row.pk}/withheld/")
    ]

    assert statuses == [
        200 if listed else 403,
        200 if live else 403,
        200 if withheld else 403,
    ]


def test_mail_log_pages_send_anonymous_visitors_to_sign_in(client: Client) -> None:
    row = email(organisation("Acme"), "Your reply is received")

    for url in ("/mail-log/", f"/mail-log/{row.pk}/", f"/mail-log/{row.pk}/withheld/"):
        response = client.get(url)
        assert (response.status_code, response["Location"]) == (302, f"/sign-in/?next={url}")


def test_mail_log_message_of_no_row_is_404() -> None:
    assert officer().get("/mail-log/999999/").status_code == 404


# Search


def test_search_by_recipient_organisation_and_subject_each_narrows() -> None:
    acme = organisation("Acmé Télécom")
    beta = organisation("Beta Radio")
    first = email(acme, "Your reply is received", address="ana@acme.example", minutes_ago=2)
    second = email(beta, "Your reply is received", address="bo@beta.example", minutes_ago=1)
    third = email(beta, "Accreditation approved", address="bo@beta.example")

    assert list(search_outbox(MailSearch(recipient="ana@acme"))) == [first]
    # Folded like the directory's search: without accents, any case.
    assert list(search_outbox(MailSearch(organisation="ACME telecom"))) == [first]
    assert list(search_outbox(MailSearch(subject="REPLY received"))) == [second, first]
    assert list(search_outbox(MailSearch(organisation="beta", subject="approved"))) == [third]
    assert list(search_outbox(MailSearch())) == [third, second, first]


@pytest.mark.parametrize(
    "hostile",
    ["%", "_", "' OR 1=1 --", '"); DROP TABLE x; --', "<script>alert(1)</script>", "\\"],
)
def test_search_with_hostile_input_finds_nothing_and_breaks_nothing(hostile: str) -> None:
    acme = organisation("Acme")
    email(acme, "Your reply is received")

    page = officer().get(
        "/mail-log/", {"recipient": hostile, "organisation": hostile, "subject": hostile}
    )

    assert page.status_code == 200
    assert page.context["page"].paginator.count == 0
    assert "<script>alert(1)</script>" not in page.content.decode()
    assert "No message matches this search." in page.content.decode()


def test_search_of_control_characters_only_is_no_search() -> None:
    acme = organisation("Acme")
    email(acme, "Your reply is received")

    page = officer().get("/mail-log/", {"subject": "\x00\x07", "recipient": "\r\n"})

    assert page.status_code == 200
    assert page.context["search"] == MailSearch()
    assert page.context["page"].paginator.count == 1


def test_search_literal_percent_finds_only_itself() -> None:
    acme = organisation("Acme")
    email(acme, "Discount 100% off")
    email(acme, "Something else")

    assert [row.subject for row in search_outbox(MailSearch(subject="100%"))] == [
        "Discount 100% off"
    ]


def test_search_of_a_huge_query_is_cut_to_its_bound() -> None:
    search = MailSearch.of({"subject": "reply " * 20_000, "recipient": "a" * 50_000})

    assert len(search.subject) == QUERY_CHARS
    assert len(search.recipient) == QUERY_CHARS
    page = officer().get("/mail-log/", {"subject": "x" * 50_000})
    assert page.status_code == 200
    assert page.context["search"].subject == "x" * QUERY_CHARS


def test_mail_log_pages_keep_the_search() -> None:
    acme = organisation("Acme")
    for number in range(51):
        email(acme, f"Reply {number}", minutes_ago=number)

    content = officer().get("/mail-log/", {"subject": "reply"}).content.decode()

    assert "51 messages" in content
    assert 'href="?subject=reply&amp;page=2"' in content


def test_mail_log_empty_says_where_to_start() -> None:
    content = officer().get("/mail-log/").content.decode()

    assert "No email or letter has been written yet." in content
    assert 'href="/circulars/"' in content


def test_mailbox_search_by_recipient_subject_and_organisation() -> None:
    acme = organisation("Acme")
    row = email(acme, "Your reply is received", address="ana@acme.example")
    backend = MailboxBackend()
    kept = EmailMessage(
        "Your reply is received", "Thanks", "desk@example.org", ["ana@acme.example"]
    )
    kept.extra_headers["Message-ID"] = row.message_id
    other = EmailMessage("Agenda", "See", "desk@example.org", ["bo@beta.example"])
    backend.send_messages([kept, other])
    client = officer()

    def subjects(**query: str) -> list[str]:
        return [
            message.subject for message, _subject in client.get("/mailbox/", query).context["rows"]
        ]

    assert subjects(recipient="ana@") == ["Your reply is received"]
    assert subjects(subject="agenda") == ["Agenda"]
    assert subjects(organisation="acme") == ["Your reply is received"]
    assert subjects(organisation="%") == []


# Reading a message


def test_message_headers_and_attachment_listed_with_name_and_size() -> None:
    acme = organisation("Acme")
    row = email(acme, "Accreditation approved", "Dear delegate,")
    row.attachment_name = "badge-letter.pdf"
    row.pdf.save("letter.pdf", ContentFile(b"%PDF-1.4 " + b"x" * 2039), save=True)
    row.cc = ["ceo@acme.example"]
    row.save()

    content = officer().get(f"/mail-log/{row.pk}/").content.decode()

    assert "<dt>Cc</dt><dd>ceo@acme.example</dd>" in content
    assert "<dt>Message-ID</dt><dd>&lt;Accreditation.approved-" in content
    assert 'badge-letter.pdf <small class="muted">(2.0\xa0KB)</small>' in content


def test_live_role_gets_the_link_summitdesk_issued_clickable() -> None:
    acme = organisation("Acme")
    url = live_link(acme)
    row = email(acme, "Your reply link", f"Reply here:\n{url}\nThanks.")

    content = officer().get(f"/mail-log/{row.pk}/").content.decode()

    assert f'<a href="{url}" rel="noreferrer">{url}</a>' in content


def test_text_from_outside_is_never_made_a_link(settings: Settings) -> None:
    acme = organisation('Evil "https://evil.example/phish" Ltd')
    forged = reply_links.reply_url(FORGED)  # our address, a token never issued
    url = live_link(acme)
    body = (
        f"Organisation: {acme.name}\nA comment: https://evil.example/x\n"
        f"Forged: {forged}\nOther host: https://other.example/reply/{FORGED}/\nYours: {url}\n"
    )
    row = email(acme, "Confirmation", body)

    content = officer().get(f"/mail-log/{row.pk}/").content.decode()

    assert content.count('<a href="http') == 1  # the one link SummitDesk issued
    assert 'href="https://evil.example' not in content
    assert f'href="{forged}"' not in content
    assert f'href="https://other.example/reply/{FORGED}/"' not in content
    assert f'<a href="{url}"' in content


def test_linkify_escapes_everything_around_the_links() -> None:
    acme = organisation("Acme")
    url = live_link(acme)

    html = str(linkify_own(f"<b>bold</b> & {url}"))

    assert html == f'&lt;b&gt;bold&lt;/b&gt; &amp; <a href="{url}" rel="noreferrer">{url}</a>'


def test_role_without_live_links_reads_it_withheld_with_nothing_clickable() -> None:
    acme = organisation("Acme")
    url = live_link(acme)
    row = email(acme, "Your reply link", f"Reply here:\n{url}\n")
    client = viewer()

    assert client.get(f"/mail-log/{row.pk}/").status_code == 403
    listed = client.get("/mail-log/").content.decode()
    content = client.get(f"/mail-log/{row.pk}/withheld/").content.decode()

    assert f'href="/mail-log/{row.pk}/withheld/"' in listed
    assert f'href="/mail-log/{row.pk}/"' not in listed
    assert url not in content
    assert WITHHELD in content
    assert '<a href="http' not in content


def test_a_subject_carrying_a_link_is_withheld_in_the_list_for_other_roles() -> None:
    acme = organisation("Acme")
    url = live_link(acme)
    email(acme, f"Link {url}")

    assert url not in viewer().get("/mail-log/").content.decode()
    assert url in officer().get("/mail-log/").content.decode()


def test_stored_mail_with_a_folded_header_reads_on_one_line(settings: Settings) -> None:
    subject = "Accréditation : détails manquants pour Ann Member, Sommet mondial, première phase"
    MailboxBackend().send_messages(
        [EmailMessage(subject, "Texte", "desk@example.org", ["ana@acme.example"])]
    )
    kept = MailboxMessage.objects.get()
    assert b"\r\n " in bytes(kept.raw)  # folded as it was sent

    content = officer().get(f"/mailbox/{kept.pk}/").content.decode()

    assert f"<dt>Subject</dt><dd>{subject}</dd>" in content
    assert "No attachment." in content


def test_stored_mail_links_only_what_summitdesk_issued() -> None:
    acme = organisation("Acme")
    url = live_link(acme)
    forged = reply_links.reply_url(FORGED)
    MailboxBackend().send_messages(
        [EmailMessage("Link", f"{url}\n{forged}\nhttps://evil.example/", "d@x.org", ["a@x.org"])]
    )
    kept = MailboxMessage.objects.get()

    content = officer().get(f"/mailbox/{kept.pk}/").content.decode()
    withheld = viewer().get(f"/mailbox/{kept.pk}/withheld/").content.decode()

    assert f'<a href="{url}"' in content
    assert f'href="{forged}"' not in content
    assert 'href="https://evil.example/' not in content
    assert url not in withheld and '<a href="http' not in withheld
