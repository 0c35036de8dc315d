"""The reply page: opening, drafts, submission, declining, checks shown beside the fields,
more rows without saving, the deadline, handing over, the letter and the summary."""

import datetime
import io
import re

import pypdf
import pytest
from django.core import mail
from django.core.files.base import ContentFile
from django.test import Client
from django.utils import timezone

from summitdesk.core.models import AuditEntry
from summitdesk.correspondence import reply_links
from summitdesk.correspondence.enums import MailingKind, MessageState
from summitdesk.correspondence.models import Circular, Invitation, Mailing, OutboundMessage
from summitdesk.delegations.enums import ChangeRequestStatus, ReplyState
from summitdesk.delegations.models import ChangeRequest, Reply
from summitdesk.directory.models import Person
from summitdesk.meetings.models import Meeting
from tests.delegations.builders import invite, summit
from tests.portal.conftest import DEADLINE_TEXT, DELEGATION, JANE, Invited, posted
from tests.tasks import run_queued_tasks

pytestmark = pytest.mark.django_db


def page(response: object) -> str:
    content = getattr(response, "content", b"")
    assert isinstance(content, bytes)
    return content.decode()


def texts(html: str, pattern: str) -> list[str]:
    """The text of each element matched by `pattern` (a regular expression with one group),
    tags removed and spaces collapsed."""
    return [
        " ".join(re.sub(r"<[^>]+>", " ", found).split())
        for found in re.findall(pattern, html, re.S)
    ]


def member_rows(html: str) -> int:
    return len(re.findall(r'<fieldset class="member" id="member-\d+">', html))


def pdf_text(content: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(content))
    return " ".join(" ".join(p.extract_text() for p in reader.pages).split())


# Opening


def test_reply_page_get_changes_nothing(acme: Invited) -> None:
    # Mail scanners and link previews fetch links too: only a person's POST opens a reply.
    client = Client()
    response = client.get(acme.url)
    client.get(acme.url)

    html = page(response)
    assert response.status_code == 200
    assert acme.reply.state == ReplyState.NOT_OPENED
    assert acme.reply.opened_at is None
    assert texts(html, r'<span class="status[^"]*" id="reply-state">(.*?)</span>') == ["Not opened"]
    assert texts(html, r"<dt>Reply by</dt><dd>(.*?)</dd>") == [DEADLINE_TEXT]
    assert '<a href="/meetings/geneva-2003/information-pack/">' in html
    assert member_rows(html) == 3
    assert f'data-opened-url="/reply/{acme.token}/opened/"' in html
    assert response["Cache-Control"] == "max-age=0, no-cache, no-store, must-revalidate, private"
    assert AuditEntry.objects.filter(action="summitdesk.reply.opened").count() == 0


def test_reply_opened_post_opens_the_reply_once(acme: Invited) -> None:
    client = Client(enforce_csrf_checks=True)
    html = page(client.get(acme.url))
    csrf = re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)[0]

    first = client.post(f"{acme.url}opened/", HTTP_X_CSRFTOKEN=csrf)
    client.post(f"{acme.url}opened/", HTTP_X_CSRFTOKEN=csrf)

    assert first.status_code == 204
    assert acme.reply.state == ReplyState.OPENED
    entries = AuditEntry.objects.filter(action="summitdesk.reply.opened")
    assert [(e.channel, e.actor_label) for e in entries] == [
        ("portal", "reply link of Acme Telecom")
    ]
    assert 'data-opened-url="' not in page(client.get(acme.url))


def test_reply_opened_post_without_csrf_token_is_refused(acme: Invited) -> None:
    client = Client(enforce_csrf_checks=True)
    client.get(acme.url)

    response = client.post(f"{acme.url}opened/")

    assert response.status_code == 403
    assert acme.reply.state == ReplyState.NOT_OPENED


def test_reply_opened_get_changes_nothing(acme: Invited) -> None:
    response = Client().get(f"{acme.url}opened/")

    assert response.status_code == 302
    assert acme.reply.state == ReplyState.NOT_OPENED


def test_reply_page_draft_saved_opens_the_reply_first(acme: Invited) -> None:
    Client().post(acme.url, posted(action="save", estimate=3, members=DELEGATION[:1]))

    assert acme.reply.state == ReplyState.DRAFT
    assert acme.reply.opened_at is not None
    entries = AuditEntry.objects.filter(object_id=str(acme.reply.pk)).order_by("pk")
    assert list(entries.values_list("action", flat=True)) == [
        "summitdesk.reply.opened",
        "summitdesk.reply.saved",
    ]


def test_reply_page_shows_blank_rows_for_the_seats_not_yet_named(acme: Invited) -> None:
    client = Client()
    client.post(acme.url, posted(estimate=6, members=DELEGATION[:2]))

    html = page(client.get(acme.url))

    # Two named, four seats held without names.
    assert member_rows(html) == 6
    assert 'value="Acmeceo"' in html
    assert html.count('<option value="CH" selected>Switzerland</option>') == 2


def test_reply_page_without_javascript_shows_at_least_three_blank_rows(acme: Invited) -> None:
    client = Client()
    client.post(acme.url, posted(estimate=6, members=DELEGATION))

    assert member_rows(page(client.get(acme.url))) == 9


# Drafts, submission, declining


def test_reply_post_draft_saves_and_says_so(acme: Invited) -> None:
    client = Client()

    response = client.post(acme.url, posted(estimate=10, members=DELEGATION[:3], rows=2))

    assert response.status_code == 302
    assert response["Location"] == acme.url
    reply = acme.reply
    assert reply.state == ReplyState.DRAFT
    assert [str(d) for d in reply.delegates.all()] == [
        "Amina Acmeceo",
        "Bruno Senior",
        "Carla Senior",
    ]
    html = page(client.get(acme.url))
    assert texts(html, r'<p class="message success">(.*?)</p>') == [
        "Your draft is saved. Come back with the same link to complete it."
    ]
    assert texts(html, r'id="reply-state">(.*?)</span>') == ["Draft"]


def test_reply_post_submit_records_the_reply_and_queues_the_emails(acme: Invited) -> None:
    client = Client()

    response = client.post(
        acme.url,
        posted(
            action="submit",
            estimate=6,
            focal_point=JANE,
            members=DELEGATION,
            head=0,
            consent=(0, 2),
        ),
    )

    assert response.status_code == 302
    reply = Reply.objects.select_related("focal_point").get(pk=acme.reply.pk)
    assert reply.state == ReplyState.SUBMITTED
    assert reply.estimated_participants == 6
    assert reply.head_level == "chief_executive"  # the head's protocol level
    assert reply.focal_point is not None
    assert (str(reply.focal_point), reply.focal_point.phone) == ("Ms Jane Doe", "+41 22 730 51 11")
    assert [
        (str(d), d.is_head, d.consent_to_publish, d.nationality) for d in reply.delegates.all()
    ] == [
        ("Amina Acmeceo", True, True, "CH"),
        ("Bruno Senior", False, False, "CH"),
        ("Carla Senior", False, True, "CH"),
        ("Dmitri Adviser", False, False, "CH"),
        ("Elena Adviser", False, False, "CH"),
        ("Farid Adviser", False, False, "CH"),
    ]
    assert Invitation.objects.get(organisation=acme.organisation).replied_at is not None
    html = page(client.get(acme.url))
    assert texts(html, r'<p class="message (?:success|info)">(.*?)</p>') == [
        "Thank you: your reply is submitted. A confirmation is on its way by email.",
        "The focal point you named will receive their own link by email.",
    ]
    assert texts(html, r'id="reply-state">(.*?)</span>') == ["Submitted"]
    # Once submitted, the page offers to submit changes, not to save a draft.
    assert "Submit the changes" in html
    assert 'value="save" class="secondary"' not in html
    entry = AuditEntry.objects.get(action="summitdesk.reply.submitted")
    assert (entry.channel, entry.actor_label) == ("portal", "reply link of Acme Telecom")


def big_delegation(count: int) -> dict[str, str]:
    """The reply page as a browser posts it with `count` people named, every field of
    every row sent (blank or not), consent ticked for all."""
    data = posted(action="submit", estimate=count, focal_point=JANE, head=0)
    data["members-TOTAL_FORMS"] = str(count)
    for index in range(count):
        data |= {
            f"members-{index}-title": "Mx",
            f"members-{index}-given_name": f"Given{index}",
            f"members-{index}-family_name": f"Family{index}",
            f"members-{index}-function": "Adviser",
            f"members-{index}-email": f"person{index}@acme.example.org",
            f"members-{index}-nationality": "CH",
            f"members-{index}-gender": "",
            f"members-{index}-consent_to_publish": "on",
            f"members-{index}-protocol_level": "minister" if index == 0 else "",
            f"members-{index}-affiliation": "",
            f"members-{index}-relationship": "",
        }
    return data


def test_reply_post_delegation_of_two_hundred_is_saved(acme: Invited) -> None:
    data = big_delegation(200)
    assert len(data) > 1_600

    response = Client().post(acme.url, data)

    assert response.status_code == 302
    reply = Reply.objects.get(pk=acme.reply.pk)
    assert reply.state == ReplyState.SUBMITTED
    assert reply.delegates.count() == 200
    assert reply.delegates.filter(consent_to_publish=True).count() == 200


def test_reply_post_delegation_of_two_hundred_and_one_is_refused(acme: Invited) -> None:
    response = Client().post(acme.url, big_delegation(201))

    assert response.status_code == 400
    assert "A delegation can list at most 200 people." in page(response)
    assert Reply.objects.get(pk=acme.reply.pk).delegates.count() == 0


def test_reply_post_submit_again_amends_the_reply(acme: Invited) -> None:
    client = Client()
    client.post(acme.url, posted(action="submit", estimate=7, focal_point=JANE, members=DELEGATION))

    client.post(
        acme.url,
        posted(
            action="submit",
            estimate=7,
            focal_point=JANE,
            members=[*DELEGATION, ("Greta", "Adviser", "Adviser")],
        ),
    )

    reply = acme.reply
    assert reply.state == ReplyState.AMENDED
    assert reply.delegates.count() == 7


def test_reply_post_decline_with_a_reason(acme: Invited) -> None:
    client = Client()

    response = client.post(
        acme.url,
        posted(
            action="submit",
            attending="no",
            decline_reason="Our board meets that week.",
            # Rows left over from before are not looked at when declining.
            members=[("", "", "Adviser")],
        ),
    )

    assert response.status_code == 302
    reply = acme.reply
    assert (reply.state, reply.attending, reply.decline_reason) == (
        ReplyState.DECLINED,
        False,
        "Our board meets that week.",
    )
    html = page(client.get(acme.url))
    assert texts(html, r'<p class="message success">(.*?)</p>') == [
        "Your answer is recorded: your organisation declines."
    ]


# Checks


def test_reply_post_submit_incomplete_shows_the_problems_and_saves_nothing(
    acme: Invited,
) -> None:
    response = Client().post(acme.url, posted(action="submit", members=DELEGATION[:1], head=None))

    html = page(response)
    assert response.status_code == 400
    assert 'role="alert"' in html
    assert texts(html, r'<div class="error-summary"[^>]*>.*?<ul>(.*?)</ul>') == [
        "Estimated number of participants: Estimate the number of participants. "
        "Name the designated focal point. "
        "Mark the head of delegation among the people named."
    ]
    # Each beside its field too, announced through aria-describedby.
    assert (
        '<ul class="errorlist" id="id_estimated_participants_error">'
        "<li>Estimate the number of participants.</li></ul>"
    ) in html
    assert 'aria-invalid="true" aria-describedby="id_estimated_participants_helptext ' in html
    # Nothing saved; the person's POST opened the reply all the same.
    assert acme.reply.state == ReplyState.OPENED
    assert acme.reply.delegates.count() == 0


def test_reply_post_estimate_below_the_names_is_refused(acme: Invited) -> None:
    response = Client().post(acme.url, posted(estimate=2, members=DELEGATION[:3]))

    assert response.status_code == 400
    assert texts(
        page(response), r'<ul class="errorlist" id="id_estimated_participants_error">(.*?)</ul>'
    ) == ["The estimate (2) is lower than the 3 people named."]
    assert acme.reply.delegates.count() == 0


def test_reply_post_member_without_family_name_is_refused_on_its_row(acme: Invited) -> None:
    response = Client().post(
        acme.url, posted(estimate=3, members=[*DELEGATION[:1], ("Zoe", "", "Adviser")])
    )

    html = page(response)
    assert response.status_code == 400
    assert texts(html, r'<ul class="errorlist" id="id_members-1-family_name_error">(.*?)</ul>') == [
        "Give the family name."
    ]
    assert (
        '<li><a href="#id_members-1-family_name">'
        "Member 2, Family name: Give the family name.</a></li>"
    ) in html


def test_reply_post_unknown_nationality_is_refused(acme: Invited) -> None:
    data = posted(estimate=1, members=DELEGATION[:1])
    data["members-0-nationality"] = "XX"

    response = Client().post(acme.url, data)

    assert response.status_code == 400
    assert texts(
        page(response), r'<ul class="errorlist" id="id_members-0-nationality_error">(.*?)</ul>'
    ) == ["Choose a country from the list."]


def test_reply_post_add_rows_shows_more_rows_and_saves_nothing(acme: Invited) -> None:
    client = Client()
    client.get(acme.url)

    response = client.post(
        acme.url, posted(action="add_rows", estimate=10, members=DELEGATION[:2], rows=1, head=1)
    )

    html = page(response)
    assert response.status_code == 200
    assert member_rows(html) == 10
    assert 'value="Acmeceo"' in html
    assert '<input type="radio" name="head" value="1" id="head-1" checked>' in html
    assert 'class="errorlist"' not in html
    assert acme.reply.state == ReplyState.OPENED
    assert list(AuditEntry.objects.values_list("action", flat=True)) == ["summitdesk.reply.opened"]


def test_reply_post_add_rows_adds_five_beyond_the_estimate(acme: Invited) -> None:
    response = Client().post(acme.url, posted(action="add_rows", members=DELEGATION, rows=0))

    assert member_rows(page(response)) == 11


# The deadline rule


def test_reply_page_after_the_deadline_offers_a_change_request(acme: Invited) -> None:
    Circular.objects.update(reply_deadline=timezone.now() - datetime.timedelta(hours=1))

    html = page(Client().get(acme.url))

    assert (
        "The deadline has passed. You can still send changes: they go to the secretariat as a "
        "request, which it will review."
    ) in html
    assert '<button type="submit" name="action" value="request_change">' in html
    assert 'value="save" class="secondary"' not in html


def test_reply_post_submit_after_the_deadline_is_refused(acme: Invited) -> None:
    Circular.objects.update(reply_deadline=timezone.now() - datetime.timedelta(hours=1))

    response = Client().post(
        acme.url, posted(action="submit", estimate=6, focal_point=JANE, members=DELEGATION)
    )

    assert response.status_code == 400
    assert texts(page(response), r'<ul class="errorlist" id="reply-errors">(.*?)</ul>') == [
        "The deadline has passed: send your changes to the secretariat as a request."
    ]
    assert acme.reply.delegates.count() == 0


def test_reply_post_change_request_after_the_deadline_waits_for_the_secretariat(
    acme: Invited,
) -> None:
    Circular.objects.update(reply_deadline=timezone.now() - datetime.timedelta(hours=1))
    client = Client()

    response = client.post(
        acme.url,
        posted(
            action="request_change",
            estimate=6,
            focal_point=JANE,
            members=DELEGATION,
            note="Our chief executive can come after all.",
        ),
    )

    assert response.status_code == 302
    request = ChangeRequest.objects.get()
    assert (request.reply_id, request.status, request.note) == (
        acme.reply.pk,
        ChangeRequestStatus.PENDING,
        "Our chief executive can come after all.",
    )
    assert acme.reply.delegates.count() == 0
    html = page(client.get(acme.url))
    assert "1 change request is waiting for the secretariat." in html
    assert texts(html, r'<p class="message success">(.*?)</p>') == [
        "Your request has been sent to the secretariat, who will review it."
    ]


# Focal points: their own link, handing over


def focal_point_link(client: Client, invited: Invited, focal_point: dict[str, str]) -> str:
    """Submit naming `focal_point`, run the queued tasks, and return the URL of the link
    their email carried."""

    client.post(
        invited.url,
        posted(action="submit", estimate=6, focal_point=focal_point, members=DELEGATION),
    )
    run_queued_tasks()
    [email] = [m for m in mail.outbox if m.to == [focal_point["email"]]]
    match = re.search(r"http://127\.0\.0\.1:8000(/reply/[A-Za-z0-9_-]+/)", str(email.body))
    assert match is not None
    return match.group(1)


def test_focal_point_link_opens_the_same_reply_as_the_letters_link(acme: Invited) -> None:
    client = Client()
    url = focal_point_link(client, acme, JANE)

    html = page(client.get(url))

    assert url != acme.url
    assert texts(html, r"<dt>Link of</dt><dd>(.*?)</dd>") == ["Ms Jane Doe"]
    assert 'value="Acmeceo"' in html
    client.post(
        url,
        posted(
            action="submit",
            estimate=7,
            focal_point=JANE,
            members=[*DELEGATION, ("Greta", "Adviser", "Adviser")],
        ),
    )
    assert acme.reply.delegates.count() == 7
    entry = AuditEntry.objects.filter(action="summitdesk.reply.submitted").order_by("id").last()
    assert entry is not None
    assert entry.actor_label == "focal point Jane Doe"


def test_hand_over_from_the_focal_points_link_ends_that_link(acme: Invited) -> None:
    client = Client()
    url = focal_point_link(client, acme, JANE)

    response = client.post(
        url + "hand-over/",
        {
            "new-given_name": "Kofi",
            "new-family_name": "Mensah",
            "new-function": "Director",
            "new-email": "kofi.mensah@example.org",
        },
    )

    html = page(response)
    assert response.status_code == 200
    assert texts(html, r"<h1>(.*?)</h1>") == ["Handed over"]
    assert (
        "<bdi>Kofi Mensah</bdi> is now the designated focal point of <bdi>Acme Telecom</bdi> "
        "for <bdi>World Summit on the Information Society, first phase</bdi>, and will receive "
        "their own link by email."
    ) in html
    reply = Reply.objects.select_related("focal_point").get(pk=acme.reply.pk)
    assert str(reply.focal_point) == "Kofi Mensah"
    assert client.get(url).status_code == 404
    # The letter's link still opens the reply.
    assert client.get(acme.url).status_code == 200


def test_hand_over_from_the_letters_link_keeps_it(acme: Invited) -> None:
    client = Client()
    client.post(acme.url, posted(estimate=6, focal_point=JANE, members=DELEGATION))
    client.get(acme.url)  # shows the draft's messages

    response = client.post(
        acme.url + "hand-over/",
        {"new-given_name": "Kofi", "new-family_name": "Mensah", "new-email": "kofi@example.org"},
    )

    assert response.status_code == 302
    html = page(client.get(acme.url))
    assert texts(html, r'<p class="message success">(.*?)</p>') == [
        "Kofi Mensah is now the focal point and will receive their own link by email."
    ]


def test_hand_over_without_an_email_is_refused(acme: Invited) -> None:
    response = Client().post(
        acme.url + "hand-over/", {"new-given_name": "Kofi", "new-family_name": "Mensah"}
    )

    html = page(response)
    assert response.status_code == 400
    assert '<li><a href="#id_new-email">Hand over, Email: This field is required.</a></li>' in html
    assert Person.objects.filter(family_name="Mensah").count() == 0


# Languages


def test_reply_page_in_arabic_is_right_to_left(acme: Invited) -> None:
    client = Client()

    html = page(client.get(acme.url + "?lang=ar"))
    again = page(client.get(acme.url))

    assert '<html lang="ar" dir="rtl">' in html
    assert '<html lang="ar" dir="rtl">' in again
    assert '<a href="?lang=ar" lang="ar" hreflang="ar" aria-current="true">' in html


def test_reply_page_follows_the_browsers_language(acme: Invited) -> None:
    response = Client().get(acme.url, headers={"accept-language": "fr"})

    assert '<html lang="fr" dir="ltr">' in page(response)
    assert response["Content-Language"] == "fr"


def test_reply_page_accepts_zh_for_chinese(acme: Invited) -> None:
    html = page(Client().get(acme.url + "?lang=zh"))

    assert '<html lang="zh-hans" dir="ltr">' in html


# The letter and the summary


def letter_row(invited: Invited, content: bytes) -> OutboundMessage:
    invitation = Invitation.objects.get(organisation=invited.organisation)
    mailing = Mailing.objects.create(circular=invitation.circular, kind=MailingKind.LETTER)
    row = OutboundMessage.objects.create(
        mailing=mailing,
        invitation=invitation,
        state=MessageState.SENT,
        sent_at=timezone.now(),
        to=["ceo@acme.example.org"],
    )
    row.pdf.save("DM-1048-ACME.pdf", ContentFile(content))
    return row


def test_letter_from_the_letters_link_is_the_letter_as_received(acme: Invited) -> None:
    letter_row(acme, b"%PDF-1.7 the letter as sent")

    response = Client().get(acme.url + "letter.pdf")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content == b"%PDF-1.7 the letter as sent"


def test_letter_from_a_focal_points_link_carries_that_link_not_the_letters(
    acme: Invited,
) -> None:
    letter_row(acme, b"%PDF-1.7 the letter as sent")
    person = Person.objects.create(given_name="Jane", family_name="Doe", email="jane@example.org")
    _link, token = reply_links.issue(acme.organisation, acme.reply.meeting, person=person)

    response = Client().get(f"/reply/{token}/letter.pdf")

    words = pdf_text(response.content)
    assert response.status_code == 200
    assert f"http://127.0.0.1:8000/reply/{token}/" in words
    assert acme.token not in words
    assert "Dear all." in words


def test_reply_page_shows_the_letters_text(acme: Invited) -> None:
    letter_row(acme, b"%PDF-1.7")

    html = page(Client().get(acme.url))

    assert texts(
        html, r'<section class="invitation"[^>]*>\s*<h2[^>]*>[^<]*</h2>\s*<p>(.*?)</p>'
    ) == ["Letter DM-1048 of 9 July 2003: World Summit on the Information Society"]
    assert "<p>Dear all.</p>" in html
    assert f'<a href="{acme.url}letter.pdf">' in html


def test_letter_without_a_letter_written_is_not_found(acme: Invited) -> None:
    response = Client().get(acme.url + "letter.pdf")

    assert response.status_code == 404
    assert page(response) == "No letter has been written to your organisation yet."


def test_summary_pdf_holds_the_reply(acme: Invited) -> None:
    client = Client()
    client.post(
        acme.url,
        posted(action="submit", estimate=8, focal_point=JANE, members=DELEGATION, consent=(0,)),
    )

    response = client.get(acme.url + "summary.pdf")

    words = pdf_text(response.content)
    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        f'inline; filename="reply-geneva-2003-{acme.reply.pk}.pdf"'
    )
    assert "Reply of Acme Telecom" in words
    assert "State Submitted" in words
    assert "Estimated number of participants 8 (6 named)" in words
    assert "Head of delegation Amina Acmeceo Level Chief executive" in words
    assert "Ms Jane Doe Head of external relations jane.doe@example.org +41 22 730 51 11" in words
    assert "Amina Acmeceo (head of delegation) Chief Executive Officer Switzerland Yes" in words
    for given, family, function in DELEGATION[1:]:
        assert f"{given} {family} {function} Switzerland No" in words


def test_meeting_of_the_link_decides_the_reply(acme: Invited, meeting: Meeting) -> None:
    prepcom = summit(code="prepcom-3", title="Third Preparatory Committee")
    invite(acme.organisation, prepcom, reference="DM-1001")
    _link, token = reply_links.issue(acme.organisation, prepcom)
    Client().post(acme.url, posted(estimate=6, members=DELEGATION))

    html = page(Client().get(f"/reply/{token}/"))

    assert "Third Preparatory Committee" in html
    assert "Acmeceo" not in html
    assert Reply.objects.filter(organisation=acme.organisation).count() == 2
