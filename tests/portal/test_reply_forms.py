"""The reply form says what it needs: required fields marked, seats held with an estimate and
no names, a failed submission titled "Error:", and a summary after a submission."""

import re

import pytest
from django.test import Client

from summitdesk.delegations.enums import ReplyState
from tests.portal.conftest import DELEGATION, JANE, Invited, posted

pytestmark = pytest.mark.django_db


def html_of(response: object) -> str:
    return response.content.decode()  # type: ignore[attr-defined]


def title_of(html: str) -> str:
    found = re.search(r"<title>(.*?)</title>", html, re.S)
    assert found is not None
    return found.group(1).strip()


def label_of(html: str, field_id: str) -> str:
    found = re.search(rf'<label for="{field_id}">(.*?)</label>', html, re.S)
    assert found is not None, field_id
    return re.sub(r"<[^>]+>", "", found.group(1)).strip()


def input_of(html: str, name: str) -> str:
    found = re.search(rf'<input type="[a-z]+" name="{re.escape(name)}"[^>]*>', html)
    assert found is not None, name
    return found.group(0)


def test_reply_page_marks_what_a_submission_needs(acme: Invited) -> None:
    html = html_of(Client().get(acme.url))

    assert label_of(html, "id_estimated_participants") == (
        "Estimated number of participants (required)"
    )
    assert label_of(html, "id_focal_point-family_name") == "Family name (required)"
    assert label_of(html, "id_focal_point-email") == "Email (required)"
    # Said to assistive technology; not the browser's `required`, since a draft may be saved
    # without them.
    estimate = input_of(html, "estimated_participants")
    assert 'aria-required="true"' in estimate
    assert " required" not in estimate
    assert 'aria-required="true"' in input_of(html, "focal_point-family_name")
    # The answer is a group of radios: the group is required, not each radio.
    assert re.search(
        r'<fieldset class="field" id="field-attending"[^>]* role="radiogroup" '
        r'aria-required="true">\s*<legend>Will your organisation attend\? '
        r'<span class="required" aria-hidden="true">\(required\)</span></legend>',
        html,
    )
    # What is optional is not marked.
    assert label_of(html, "id_focal_point-phone") == "Phone"
    assert label_of(html, "id_backup-family_name") == "Family name"
    assert 'aria-required="true"' not in input_of(html, "backup-family_name")


def test_reply_submitted_with_an_estimate_and_no_names_holds_the_seats(acme: Invited) -> None:
    client = Client()

    response = client.post(
        acme.url, posted(action="submit", estimate=4, focal_point=JANE, head=None, head_level="")
    )

    assert response.status_code == 302
    assert response["Location"] == f"{acme.url}submitted/"
    reply = acme.reply
    assert (reply.state, reply.estimated_participants, reply.delegates.count()) == (
        ReplyState.SUBMITTED,
        4,
        0,
    )
    html = html_of(client.get(response["Location"]))
    assert "Thank you: your reply is submitted." in html
    assert re.search(r'<p id="summary-no-names">\s*No names yet: 4 seats are held\.', html)


def test_reply_page_promises_seats_before_names(acme: Invited) -> None:
    html = html_of(Client().get(acme.url))

    assert (
        "Seats are held with the estimate alone: you can submit now and name the members "
        "of the delegation later."
    ) in html


def test_reply_submitted_shows_the_summary_not_the_form(acme: Invited) -> None:
    client = Client()
    client.post(
        acme.url,
        posted(action="submit", estimate=3, focal_point=JANE, members=DELEGATION[:2], head=1),
    )

    response = client.get(f"{acme.url}submitted/")

    html = html_of(response)
    assert response.status_code == 200
    assert 'id="reply-form"' not in html
    assert 'name="estimated_participants"' not in html
    summary = re.search(r'<section class="reply-summary".*?</section>', html, re.S)
    assert summary is not None
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", summary.group(0))).strip()
    assert text == (
        "Your reply Will your organisation attend? Yes, we will attend "
        "Designated focal point Ms Jane Doe , Head of external relations "
        "jane.doe@example.org +41 22 730 51 11 "
        "Estimated number of participants 3 "
        "Level of the head of delegation Chief executive "
        "Members of the delegation "
        "Bruno Senior , Senior Vice-President (head of delegation) "
        "Amina Acmeceo , Chief Executive Officer "
        "Change the reply"
    )
    assert f'<a class="button" id="change-reply" href="{acme.url}">' in html
    assert 'id="reply-state">Submitted</span>' in html


def test_reply_summary_of_a_reply_not_submitted_is_the_form(acme: Invited) -> None:
    response = Client().get(f"{acme.url}submitted/")

    assert (response.status_code, response["Location"]) == (302, acme.url)


def test_reply_draft_goes_back_to_the_form(acme: Invited) -> None:
    response = Client().post(acme.url, posted(estimate=4))

    assert (response.status_code, response["Location"]) == (302, acme.url)


def test_reply_failed_submission_says_error_in_the_title_and_puts_the_summary_first(
    acme: Invited,
) -> None:
    response = Client().post(acme.url, posted(action="submit", head=None))

    html = html_of(response)
    assert response.status_code == 400
    assert title_of(html) == "Error: Reply of Acme Telecom"
    main = html.split('<main id="main">', 1)[1]
    assert main.index('id="error-summary"') < main.index("<h1>")


def test_reply_page_title_has_no_error_prefix_when_nothing_failed(acme: Invited) -> None:
    assert title_of(html_of(Client().get(acme.url))) == "Reply of Acme Telecom"
