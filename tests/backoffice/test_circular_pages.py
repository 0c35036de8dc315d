"""The circular pages: draft, audience, preview, dispatch, progress, actions on letters,
reminders, and the letters on an organisation's page."""

import datetime
import html
import io
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pypdf
import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse
from pytest_django import Settings

from summitdesk.backoffice import urls
from summitdesk.backoffice.views import circulars as circular_views
from summitdesk.backoffice.views import mailings as mailing_views
from summitdesk.core.audit import Actor
from summitdesk.core.models import AuditEntry, User
from summitdesk.correspondence import services
from summitdesk.correspondence.audience import Audience
from summitdesk.correspondence.enums import CircularStatus, MailingKind, MessageState
from summitdesk.correspondence.models import (
    Circular,
    Invitation,
    Mailing,
    OutboundMessage,
    ReplyLink,
)
from summitdesk.correspondence.services import TextData
from summitdesk.delegations.enums import ReplyState
from summitdesk.delegations.models import Reply
from summitdesk.directory.enums import Category, StakeholderGroup
from summitdesk.directory.models import Organisation
from summitdesk.lib import tokens
from summitdesk.meetings.models import Meeting
from tests.confirm import CONFIRMED, confirmation
from tests.factories import MeetingFactory, OrganisationFactory, PositionFactory
from tests.tasks import run_queued_tasks

pytestmark = pytest.mark.django_db

SUBJECT = "World Summit on the Information Society (WSIS)\nGeneva, Switzerland, 10-12 December 2003"
BODY = (
    "The first phase of the World Summit on the Information Society will take place in "
    "Geneva from 10-12 December 2003.\n\nWe invite {{ organisation }} to be represented at "
    "the highest level."
)


def messages_of(response: Any) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


@pytest.fixture(autouse=True)
def _files(settings: Settings, tmp_path: Path) -> None:
    """Letters are stored in a folder of the test's own."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "files"},
        },
    }


@pytest.fixture
def meeting() -> Meeting:
    return MeetingFactory(
        code="geneva-2003",
        title="World Summit on the Information Society, first phase",
        time_zone="Europe/Zurich",
        start_date=datetime.date(2003, 12, 10),
        end_date=datetime.date(2003, 12, 12),
    )


@dataclass
class Directory:
    acme: Organisation  # its own address
    beta: Organisation  # only its chief executive's
    rostelecom: Organisation  # its own address, writes in Russian
    delta: Organisation  # no address at all
    epsilon: Organisation  # a chief executive without an address
    others: list[Organisation]  # civil society, outside the audience


@pytest.fixture
def directory() -> Directory:
    """Seven organisations: five Sector Members, two of them without any email address."""
    acme = OrganisationFactory(name="Acme Telecom", acronym="ACME", email="info@acme.example.org")
    beta = OrganisationFactory(name="Beta Networks")
    PositionFactory(organisation=beta, person__email="ceo@beta.example.org")
    rostelecom = OrganisationFactory(
        name="Ростелеком", country="RU", language="ru", email="office@rt.example.org"
    )
    delta = OrganisationFactory(name="Delta Cables", address="1 Cable Street\nGeneva")
    epsilon = OrganisationFactory(name="Epsilon Radio")
    PositionFactory(organisation=epsilon, person__email="")
    others: list[Organisation] = [
        OrganisationFactory(
            name=f"Civil {n}",
            category=Category.CIVIL_SOCIETY,
            stakeholder_group=StakeholderGroup.CIVIL_SOCIETY,
            email=f"civil{n}@example.org",
        )
        for n in range(2)
    ]
    return Directory(acme, beta, rostelecom, delta, epsilon, others)


def circular_fields(meeting: Meeting, **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "reference": "DM-1048",
        "date": datetime.date(2003, 7, 9),
        "meeting": meeting,
        "letterhead": "International Telecommunication Union\nPlace des Nations",
        "addressees": "CEOs of ITU Sector Members and Accredited Business Sector Entities",
        "audience": Audience(categories=[Category.SECTOR_MEMBER.value]).to_json(),
        "signatory_name": "Yoshio UTSUMI",
        "signatory_titles": "Secretary-General, International Telecommunication Union (ITU)",
        "contact_email": "wsis-contact@example.org",
        "enclosures": ["reply_form", "information_pack"],
    }
    data.update(overrides)
    return data


def make_circular(user: User, meeting: Meeting, *, body: str = BODY, **overrides: Any) -> Circular:
    circular = Circular()
    services.save_circular(
        circular,
        circular_fields(meeting, **overrides),
        {"en": TextData(subject=SUBJECT, body=body)},
        actor=Actor.staff(user),
    )
    return circular


def dispatch(user: User, circular: Circular) -> Mailing:
    return services.dispatch_circular(circular, actor=Actor.staff(user))


@pytest.fixture
def draft(secretary: User, meeting: Meeting, directory: Directory) -> Circular:
    return make_circular(secretary, meeting)


@dataclass
class Sent:
    """DM-1048 dispatched and sent (three by email, two without); a draft beside it."""

    circular: Circular
    mailing: Mailing
    draft: Circular
    directory: Directory

    def message(self, organisation: Organisation) -> OutboundMessage:
        return OutboundMessage.objects.get(
            mailing=self.mailing, invitation__organisation=organisation
        )


@pytest.fixture
def sent(secretary: User, meeting: Meeting, directory: Directory) -> Sent:
    circular = make_circular(secretary, meeting)
    mailing = dispatch(secretary, circular)
    run_queued_tasks()
    draft = make_circular(secretary, meeting, reference="DM-1050")
    circular.refresh_from_db()
    return Sent(circular, mailing, draft, directory)


def form_data(meeting: Meeting, /, **overrides: Any) -> dict[str, Any]:
    data = {
        "reference": "DM-1048",
        "date": "2003-07-09",
        "meeting": meeting.pk,
        "letterhead": "International Telecommunication Union\n\nPlace des Nations  ",
        "addressees": "CEOs of ITU Sector Members and Accredited Business Sector Entities",
        "signatory_name": "Yoshio UTSUMI",
        "signatory_titles": (
            "Secretary-General, International Telecommunication Union (ITU)\n"
            "Chairman, High-Level Summit Organizing Committee (HLSOC)"
        ),
        "contact_name": "WSIS Executive Secretariat",
        "contact_tel": "+41 22 000 00 00",
        "contact_fax": "+41 22 000 00 01",
        "contact_email": "wsis-contact@example.org",
        "enclosures": ["reply_form", "information_pack"],
        "reply_deadline_date": "",
        "reply_deadline_time": "",
        "subject_en": SUBJECT,
        "salutation_en": "Dear Sir/Madam,",
        "body_en": BODY,
        "closing_en": "Yours faithfully,",
        "subject_fr": "Sommet mondial sur la société de l'information (SMSI)",
        "salutation_fr": "Madame, Monsieur,",
        "body_fr": "La première phase du Sommet se tiendra à Genève.",
        "closing_fr": "Veuillez agréer, Madame, Monsieur, l'assurance de ma haute considération.",
    }
    data.update(overrides)
    return data


# Every page, every persona

Kwargs = Callable[[Sent], dict[str, Any]]

READ_PAGES: list[tuple[str, Kwargs]] = [
    ("backoffice:circular-list", lambda s: {}),
    ("backoffice:circular-detail", lambda s: {"pk": s.circular.pk}),
    ("backoffice:circular-audience-list", lambda s: {"pk": s.circular.pk}),
    ("backoffice:circular-preview", lambda s: {"pk": s.draft.pk}),
    (
        "backoffice:circular-preview-pdf",
        lambda s: {"pk": s.draft.pk, "organisation_pk": s.directory.acme.pk},
    ),
    (
        "backoffice:circular-preview-html",
        lambda s: {"pk": s.draft.pk, "organisation_pk": s.directory.acme.pk},
    ),
    ("backoffice:mailing-progress", lambda s: {"pk": s.mailing.pk}),
    ("backoffice:mailing-status", lambda s: {"pk": s.mailing.pk}),
    (
        "backoffice:organisation-letter-withheld-pdf",
        lambda s: {
            "pk": s.directory.acme.pk,
            "invitation_pk": s.message(s.directory.acme).invitation_id,
        },
    ),
]
#: The letter as sent carries the organisation's live reply link: officers only.
LIVE_LINK_PAGES: list[tuple[str, Kwargs]] = [
    (
        "backoffice:organisation-letter-pdf",
        lambda s: {
            "pk": s.directory.acme.pk,
            "invitation_pk": s.message(s.directory.acme).invitation_id,
        },
    ),
]
WRITE_PAGES: list[tuple[str, Kwargs]] = [
    ("backoffice:circular-create", lambda s: {}),
    ("backoffice:circular-edit", lambda s: {"pk": s.draft.pk}),
    ("backoffice:circular-audience", lambda s: {"pk": s.draft.pk}),
    ("backoffice:circular-dispatch", lambda s: {"pk": s.draft.pk}),
    ("backoffice:circular-remind", lambda s: {"pk": s.circular.pk}),
    ("backoffice:circular-remind-documents", lambda s: {"pk": s.circular.pk}),
    # Printing the postal run writes the letters never sent, each with a new reply link.
    ("backoffice:mailing-letters-pdf", lambda s: {"pk": s.mailing.pk}),
]


def _message_kwargs(organisation: Callable[[Sent], Organisation]) -> Kwargs:
    def kwargs(s: Sent) -> dict[str, Any]:
        return {"mailing_pk": s.mailing.pk, "pk": s.message(organisation(s)).pk}

    return kwargs


WRITE_ACTIONS: list[tuple[str, Kwargs]] = [
    ("backoffice:mailing-retry-failed", lambda s: {"pk": s.mailing.pk}),
    ("backoffice:message-retry", _message_kwargs(lambda s: s.directory.acme)),
    ("backoffice:message-confirm-sent", _message_kwargs(lambda s: s.directory.acme)),
    ("backoffice:message-resend", _message_kwargs(lambda s: s.directory.acme)),
    ("backoffice:message-mark-posted", _message_kwargs(lambda s: s.directory.delta)),
    (
        "backoffice:organisation-reply-link",
        lambda s: {
            "pk": s.directory.acme.pk,
            "invitation_pk": s.message(s.directory.acme).invitation_id,
        },
    ),
]
#: Every URL name these tests cover, for the project-wide coverage check.
URL_NAMES = {
    name.removeprefix("backoffice:")
    for name, _ in READ_PAGES + LIVE_LINK_PAGES + WRITE_PAGES + WRITE_ACTIONS
}


def state() -> tuple[Any, ...]:
    """What any change to circulars, mailings or letters would move."""
    return (
        AuditEntry.objects.count(),
        list(Circular.objects.order_by("pk").values_list("reference", "status", "audience")),
        Mailing.objects.count(),
        Invitation.objects.count(),
        ReplyLink.objects.filter(revoked_at__isnull=True).count(),
        list(OutboundMessage.objects.order_by("pk").values_list("state", "to")),
    )


def test_every_circular_url_is_covered_by_a_permission_test() -> None:
    names = {
        str(pattern.name)
        for pattern in urls.urlpatterns
        if str(pattern.name).startswith(("circular-", "mailing-", "message-"))
        or pattern.name
        in {
            "organisation-letter-pdf",
            "organisation-letter-withheld-pdf",
            "organisation-reply-link",
        }
    }

    assert names == URL_NAMES


@pytest.mark.parametrize(
    ("name", "kwargs"), READ_PAGES + LIVE_LINK_PAGES + WRITE_PAGES + WRITE_ACTIONS
)
def test_circular_pages_send_anonymous_visitors_to_sign_in(
    client: Client, sent: Sent, name: str, kwargs: Kwargs
) -> None:
    url = reverse(name, kwargs=kwargs(sent))
    before = state()

    response = client.get(url)
    posted = client.post(url)

    assert (response.status_code, response["Location"]) == (302, f"/sign-in/?next={url}")
    assert (posted.status_code, posted["Location"]) == (302, f"/sign-in/?next={url}")
    assert state() == before


@pytest.mark.parametrize(("name", "kwargs"), READ_PAGES)
def test_circular_read_pages_open_to_viewer(
    viewer_client: Client, sent: Sent, name: str, kwargs: Kwargs
) -> None:
    before = state()

    response = viewer_client.get(reverse(name, kwargs=kwargs(sent)))

    assert response.status_code == 200
    assert state() == before


@pytest.mark.parametrize(("name", "kwargs"), LIVE_LINK_PAGES)
def test_circular_live_link_pages_refused_to_viewer_open_to_officer_and_administrator(
    viewer_client: Client,
    secretary_client: Client,
    admin_client: Client,
    sent: Sent,
    name: str,
    kwargs: Kwargs,
) -> None:
    url = reverse(name, kwargs=kwargs(sent))
    before = state()

    statuses = [c.get(url).status_code for c in (viewer_client, secretary_client, admin_client)]

    assert statuses == [403, 200, 200]
    assert state() == before


@pytest.mark.parametrize(("name", "kwargs"), WRITE_PAGES)
def test_circular_write_pages_refused_to_viewer(
    viewer_client: Client, sent: Sent, name: str, kwargs: Kwargs
) -> None:
    url = reverse(name, kwargs=kwargs(sent))
    before = state()

    page = viewer_client.get(url)
    posted = viewer_client.post(url, form_data(sent.circular.meeting, reference="DM-2000"))

    assert (page.status_code, posted.status_code) == (403, 403)
    assert state() == before


@pytest.mark.parametrize(("name", "kwargs"), WRITE_ACTIONS)
def test_circular_actions_refused_to_viewer(
    viewer_client: Client, sent: Sent, name: str, kwargs: Kwargs
) -> None:
    OutboundMessage.objects.filter(mailing=sent.mailing, state=MessageState.SENT).update(
        state=MessageState.FAILED
    )
    before = state()

    response = viewer_client.post(reverse(name, kwargs=kwargs(sent)), {"how": "post"})

    assert response.status_code == 403
    assert state() == before


@pytest.mark.parametrize(("name", "kwargs"), WRITE_PAGES)
def test_circular_write_pages_open_to_officer_and_administrator(
    secretary_client: Client, admin_client: Client, sent: Sent, name: str, kwargs: Kwargs
) -> None:
    url = reverse(name, kwargs=kwargs(sent))

    assert secretary_client.get(url).status_code == 200
    assert admin_client.get(url).status_code == 200


def test_circular_actions_need_post(secretary_client: Client, sent: Sent) -> None:
    for name, kwargs in WRITE_ACTIONS:
        assert secretary_client.get(reverse(name, kwargs=kwargs(sent))).status_code == 405


def test_circular_pages_of_unknown_objects_are_404(secretary_client: Client, sent: Sent) -> None:
    urls = [
        "/circulars/999999/",
        "/circulars/999999/edit/",
        "/mailings/999999/",
        "/mailings/999999/status.json",
        f"/circulars/{sent.draft.pk}/preview/999999/letter.pdf",
    ]

    assert [secretary_client.get(url).status_code for url in urls] == [404] * 5


# List


def test_circular_list_shows_status_and_letters_sent(viewer_client: Client, sent: Sent) -> None:
    response = viewer_client.get("/circulars/")

    rows = [
        (c.reference, c.status, c.letters_sent, c.letters_total) for c in response.context["page"]
    ]
    assert sorted(rows) == [
        ("DM-1048", CircularStatus.DISPATCHED, 3, 5),
        ("DM-1050", CircularStatus.DRAFT, 0, 0),
    ]
    content = response.content.decode()
    assert f'<a href="/circulars/{sent.circular.pk}/">DM-1048</a>' in content
    assert "<td>3 / 5</td>" in content
    assert "New circular" not in content  # a viewer cannot draft one


def test_navigation_links_to_circulars_and_mailbox(viewer_client: Client) -> None:
    content = viewer_client.get("/").content.decode()

    assert '<a href="/circulars/">Circulars</a>' in content
    assert '<a href="/mailbox/">Mailbox</a>' in content


# Draft


def test_circular_create_saves_draft_and_records_who(
    secretary_client: Client, secretary: User, meeting: Meeting
) -> None:
    response = secretary_client.post("/circulars/new/", form_data(meeting))

    circular = Circular.objects.get()
    assert response["Location"] == f"/circulars/{circular.pk}/audience/"
    assert messages_of(response) == ["Circular created. Now choose who receives it."]
    assert (circular.reference, circular.status, circular.date) == (
        "DM-1048",
        CircularStatus.DRAFT,
        datetime.date(2003, 7, 9),
    )
    assert circular.letterhead == "International Telecommunication Union\nPlace des Nations"
    assert circular.titles == [
        "Secretary-General, International Telecommunication Union (ITU)",
        "Chairman, High-Level Summit Organizing Committee (HLSOC)",
    ]
    assert (circular.contact_name, circular.contact_tel, circular.contact_fax) == (
        "WSIS Executive Secretariat",
        "+41 22 000 00 00",
        "+41 22 000 00 01",
    )
    assert circular.enclosures == ["reply_form", "information_pack"]
    assert circular.reply_deadline is None
    texts = {t.language: (t.subject, t.salutation, t.closing) for t in circular.texts.all()}
    assert texts == {
        "en": (SUBJECT, "Dear Sir/Madam,", "Yours faithfully,"),
        "fr": (
            "Sommet mondial sur la société de l'information (SMSI)",
            "Madame, Monsieur,",
            "Veuillez agréer, Madame, Monsieur, l'assurance de ma haute considération.",
        ),
    }
    entries = list(AuditEntry.objects.for_object(circular).order_by("id"))
    assert [(e.action, e.actor) for e in entries] == [("summitdesk.circular.created", secretary)]
    assert entries[0].changes["reference"] == [None, "DM-1048"]
    assert entries[0].changes["salutation_fr"] == [None, "Madame, Monsieur,"]
    assert entries[0].changes["closing_fr"] == [
        None,
        "Veuillez agréer, Madame, Monsieur, l'assurance de ma haute considération.",
    ]


def test_circular_create_saves_the_french_letterhead_titles_and_translation_mark(
    secretary_client: Client, meeting: Meeting
) -> None:
    response = secretary_client.post(
        "/circulars/new/",
        form_data(
            meeting,
            letterhead_fr="Union internationale des télécommunications\n\n Place des Nations ",
            addressees_fr=" Directeurs généraux des Membres de Secteur de l'UIT ",
            signatory_titles_fr="Secrétaire général de l'UIT\n\nPrésident du HLSOC",
            contact_name_fr="Secrétariat exécutif du SMSI",
            secretariat_translation_fr="on",
        ),
    )

    assert response.status_code == 302
    circular = Circular.objects.get()
    french = circular.texts.get(language="fr")
    assert (french.letterhead, french.addressees, french.titles, french.contact_name) == (
        "Union internationale des télécommunications\nPlace des Nations",
        "Directeurs généraux des Membres de Secteur de l'UIT",
        ["Secrétaire général de l'UIT", "Président du HLSOC"],
        "Secrétariat exécutif du SMSI",
    )
    assert french.secretariat_translation is True
    entry = AuditEntry.objects.for_object(circular).get()
    assert entry.changes["secretariat_translation_fr"] == [None, True]
    detail = secretary_client.get(f"/circulars/{circular.pk}/").content.decode()
    assert "Secrétariat exécutif du SMSI" in html.unescape(detail)
    assert "Translation by the secretariat: the letters say it is not an official version." in (
        html.unescape(detail)
    )


def test_circular_form_of_a_french_translation_shows_its_letter_parts_folded_in_french(
    secretary_client: Client, meeting: Meeting
) -> None:
    content = secretary_client.get("/circulars/new/").content.decode()

    assert '<textarea name="letterhead_ar" cols="40" rows="3" lang="ar" dir="auto"' in content
    assert 'name="secretariat_translation_zh"' in content
    assert 'name="letterhead_en"' not in content  # English is the circular's own letterhead


def test_circular_form_shows_languages_and_merge_fields(
    secretary_client: Client, meeting: Meeting
) -> None:
    response = secretary_client.get("/circulars/new/")

    content = response.content.decode()
    assert [
        (g["code"], g["required"], g["open"]) for g in response.context["form"].language_groups()
    ] == [
        ("en", True, True),
        ("fr", False, True),
        ("es", False, True),
        ("ar", False, False),
        ("zh", False, False),
        ("ru", False, False),
    ]
    assert '<label for="id_subject_en">Subject (English):</label>' in content
    form = response.context["form"]
    assert (form["salutation_fr"].value(), form["closing_es"].value()) == (
        "Madame, Monsieur,",
        "Le saluda atentamente,",
    )
    assert "<code>{{ organisation }}</code></dt><dd>the organisation&#x27;s name</dd>" in content
    assert (
        "<code>{{ deadline }}</code></dt><dd>the reply deadline, with its time zone</dd>" in content
    )


@pytest.mark.parametrize(
    ("overrides", "field", "error"),
    [
        (
            {"subject_en": "", "body_en": ""},
            "subject_en",
            "Write the English subject: it is used when no other language fits.",
        ),
        (
            {"body_en": "   "},
            "body_en",
            "Write the English body: it is used when no other language fits.",
        ),
        (
            {"body_fr": ""},
            "body_fr",
            "Write the French body, or clear the subject to leave it out.",
        ),
        (
            {"subject_es": "", "body_es": "La primera fase de la Cumbre."},
            "subject_es",
            "Write the Spanish subject, or clear the body to leave it out.",
        ),
        (
            {"reply_deadline_date": "2003-09-12"},
            "reply_deadline_time",
            "Give the time of the deadline too, e.g. 18:00.",
        ),
        (
            {"reply_deadline_time": "18:00"},
            "reply_deadline_date",
            "Give the date of the deadline too.",
        ),
        ({"signatory_titles": " \n "}, "signatory_titles", "This field is required."),
        ({"contact_email": "not an address"}, "contact_email", "Enter a valid email address."),
        ({"meeting": "999999"}, "meeting", "Choose one of the meetings listed."),
        (
            {"salutation_fr": " "},
            "salutation_fr",
            "Write the salutation in French, e.g. “Madame, Monsieur,”.",
        ),
        (
            {"subject_ar": "القمة العالمية لمجتمع المعلومات", "body_ar": "المرحلة الأولى"},
            "closing_ar",
            # The catalogue gives the usual closing in Arabic, offered as the example.
            "Write the closing in Arabic, e.g. “وتفضلوا بقبول فائق الاحترام،”.",
        ),
    ],
)
def test_circular_create_refuses_with_a_clear_message(
    secretary_client: Client, meeting: Meeting, overrides: dict[str, str], field: str, error: str
) -> None:
    response = secretary_client.post("/circulars/new/", form_data(meeting, **overrides))

    assert response.status_code == 200
    assert response.context["form"].errors[field] == [error]
    assert Circular.objects.count() == 0
    assert f'<a href="#id_{field}">' in response.content.decode()


def test_circular_create_refuses_a_duplicate_reference(
    secretary_client: Client, draft: Circular, meeting: Meeting
) -> None:
    response = secretary_client.post("/circulars/new/", form_data(meeting, reference="dm-1048"))

    assert response.context["form"].errors["reference"] == [
        "dm-1048 is already the reference of another circular."
    ]
    assert Circular.objects.count() == 1


def test_circular_deadline_is_entered_in_the_meeting_time_zone(
    secretary_client: Client, meeting: Meeting
) -> None:
    data = form_data(meeting, reply_deadline_date="2003-09-12", reply_deadline_time="18:00")

    secretary_client.post("/circulars/new/", data)

    circular = Circular.objects.get()
    # Geneva keeps summer time in September: 18:00 there is 16:00 UTC.
    assert circular.reply_deadline == datetime.datetime(2003, 9, 12, 16, 0, tzinfo=datetime.UTC)
    page = secretary_client.get(f"/circulars/{circular.pk}/").content.decode()
    assert "<dd>12 September 2003, 18:00 (Europe/Zurich)</dd>" in page
    form = secretary_client.get(f"/circulars/{circular.pk}/edit/").context["form"]
    assert (form["reply_deadline_date"].value(), form["reply_deadline_time"].value()) == (
        datetime.date(2003, 9, 12),
        datetime.time(18, 0),
    )


def test_circular_deadline_in_winter_is_one_hour_from_utc(
    secretary_client: Client, meeting: Meeting
) -> None:
    data = form_data(meeting, reply_deadline_date="2003-11-28", reply_deadline_time="18:00")

    secretary_client.post("/circulars/new/", data)

    assert Circular.objects.get().reply_deadline == datetime.datetime(
        2003, 11, 28, 17, 0, tzinfo=datetime.UTC
    )


def test_circular_edit_saves_changes_and_removes_a_cleared_language(
    secretary_client: Client, secretary: User, meeting: Meeting
) -> None:
    created = secretary_client.post("/circulars/new/", form_data(meeting))
    secretary_client.get(created["Location"])  # shows, and so clears, its message
    circular = Circular.objects.get()

    response = secretary_client.post(
        f"/circulars/{circular.pk}/edit/",
        form_data(meeting, addressees="CEOs of ITU Sector Members", subject_fr="", body_fr=""),
    )

    assert response["Location"] == f"/circulars/{circular.pk}/"
    assert messages_of(response) == ["Saved."]
    circular.refresh_from_db()
    assert circular.addressees == "CEOs of ITU Sector Members"
    assert [t.language for t in circular.texts.all()] == ["en"]
    entry = AuditEntry.objects.for_object(circular).first()
    assert entry is not None
    assert entry.changes["addressees"] == [
        "CEOs of ITU Sector Members and Accredited Business Sector Entities",
        "CEOs of ITU Sector Members",
    ]


def test_circular_edit_of_a_dispatched_circular_is_refused(
    secretary_client: Client, sent: Sent
) -> None:
    url = f"/circulars/{sent.circular.pk}/edit/"
    before = state()

    page = secretary_client.get(url)
    secretary_client.get(page["Location"])  # shows, and so clears, its message
    posted = secretary_client.post(url, form_data(sent.circular.meeting, addressees="Changed"))

    for response in (page, posted):
        assert response["Location"] == f"/circulars/{sent.circular.pk}/"
        assert messages_of(response) == [
            "DM-1048 has been dispatched: it can no longer be changed."
        ]
    assert state() == before


# The circular's page


def test_circular_page_shows_the_letter_and_what_to_check_before_dispatch(
    viewer_client: Client, draft: Circular
) -> None:
    response = viewer_client.get(f"/circulars/{draft.pk}/")

    content = response.content.decode()
    assert response.context["problems"] == []
    assert '<h2 id="to-confirm-title">To check before dispatch</h2>' in content
    assert "<dd>CEOs of ITU Sector Members and Accredited Business Sector Entities</dd>" in content
    assert (
        "Yoshio UTSUMI<br><small>Secretary-General, International Telecommunication Union "
        "(ITU)</small>" in content
    )
    assert (
        '<dd>Reply form, Information pack · <a href="/meetings/geneva-2003/information-pack/">'
        "information pack page</a></dd>"
    ) in content
    assert "<dd>—</dd>" in content  # no deadline
    assert "<dt>Categories</dt><dd>Sector Member</dd>" in content
    assert (
        "This will go to 5 organisations, 2 of which have no email address "
        "(they will get it by post or fax)."
    ) in content
    assert "Dispatch…" not in content  # a viewer cannot dispatch


def test_circular_page_shows_unknown_merge_field_and_dispatch_is_refused(
    secretary_client: Client, secretary: User, meeting: Meeting, directory: Directory
) -> None:
    circular = make_circular(secretary, meeting, body="Dear {{ organisation_name }},")
    problem = (
        "English: Unknown merge field {{ organisation_name }}. Known fields: organisation, "
        "acronym, chief_executive, chief_executive_title, chief_executive_name, country, "
        "reply_link, deadline, reference, meeting."
    )

    page = secretary_client.get(f"/circulars/{circular.pk}/")
    confirm = secretary_client.get(f"/circulars/{circular.pk}/dispatch/")
    posted = secretary_client.post(f"/circulars/{circular.pk}/dispatch/")

    assert page.context["problems"] == [problem]
    assert f"<li>{problem}</li>" in page.content.decode()
    assert f"<li>{problem}</li>" in confirm.content.decode()
    assert "Send DM-1048" not in confirm.content.decode()
    assert posted["Location"] == f"/circulars/{circular.pk}/"
    assert messages_of(posted) == [problem]
    assert Mailing.objects.count() == 0
    assert Circular.objects.get().status == CircularStatus.DRAFT


def test_circular_page_without_audience_says_so(
    secretary_client: Client, secretary: User, meeting: Meeting
) -> None:
    circular = make_circular(secretary, meeting, audience={})

    content = secretary_client.get(f"/circulars/{circular.pk}/").content.decode()

    assert "<li>Choose the audience: no organisation is selected.</li>" in content
    assert "No organisation is chosen yet: this would go to nobody." in content


def test_circular_page_of_a_dispatched_circular_lists_its_mailings(
    secretary_client: Client, sent: Sent
) -> None:
    response = secretary_client.get(f"/circulars/{sent.circular.pk}/")

    content = response.content.decode()
    assert [(row.mailing, row.status["sent"]) for row in response.context["mailings"]] == [
        (sent.mailing, 3)
    ]
    assert f'<a href="/mailings/{sent.mailing.pk}/">Letter</a>' in content
    assert "5 organisations have not replied yet." in content
    assert "Remind those who have not replied" in content
    assert "<p>Sara dispatched DM-1048 <small" in content  # the history


# Audience


def test_audience_summary_counts_organisations_without_email(
    secretary_client: Client, draft: Circular
) -> None:
    response = secretary_client.get(f"/circulars/{draft.pk}/audience/")

    content = response.content.decode()
    assert response.context["summary"] == services.AudienceSummary(total=5, without_email=2)
    assert (
        "This will go to 5 organisations, 2 of which have no email address "
        "(they will get it by post or fax)."
    ) in content
    assert [(o.name, o.by_email) for o in response.context["first_organisations"]] == [
        ("Acme Telecom", True),
        ("Beta Networks", True),
        ("Delta Cables", False),
        ("Epsilon Radio", False),
        ("Ростелеком", True),
    ]


def test_audience_saves_filters_includes_and_excludes(
    secretary_client: Client, secretary: User, draft: Circular, directory: Directory
) -> None:
    civil = directory.others[0]

    response = secretary_client.post(
        f"/circulars/{draft.pk}/audience/",
        {
            "categories": ["sector_member"],
            "countries": ["CH"],
            "include": f"{civil.pk}",
            "exclude": f" {directory.delta.pk}, #{directory.epsilon.pk} ",
        },
    )

    assert response["Location"] == f"/circulars/{draft.pk}/audience/"
    assert messages_of(response) == ["Audience saved."]
    draft.refresh_from_db()
    assert draft.audience == {
        "categories": ["sector_member"],
        "countries": ["CH"],
        "include": [civil.pk],
        "exclude": sorted([directory.delta.pk, directory.epsilon.pk]),
    }
    assert sorted(
        Audience.from_json(draft.audience).organisations().values_list("name", flat=True)
    ) == [
        "Acme Telecom",
        "Beta Networks",
        "Civil 0",
    ]
    page = secretary_client.get(f"/circulars/{draft.pk}/audience/").content.decode()
    assert "This will go to 3 organisations, all with an email address." in page
    entry = AuditEntry.objects.for_object(draft).first()
    assert entry is not None
    assert (entry.action, entry.actor) == ("summitdesk.circular.changed", secretary)
    assert list(entry.changes) == ["audience"]


def test_audience_form_shows_the_saved_choices(secretary_client: Client, draft: Circular) -> None:
    form = secretary_client.get(f"/circulars/{draft.pk}/audience/").context["form"]

    assert form["categories"].value() == ["sector_member"]
    assert form["include"].value() == ""


def test_audience_by_earlier_meeting_and_sector(
    secretary_client: Client, sent: Sent, meeting: Meeting
) -> None:
    directory = sent.directory
    OrganisationFactory(name="Zeta", itu_t=True)
    Organisation.objects.filter(pk=directory.acme.pk).update(itu_t=True)
    # Attended: its reply about that meeting was attending and submitted.
    Reply.objects.create(
        organisation=directory.acme, meeting=meeting, state=ReplyState.SUBMITTED, attending=True
    )

    secretary_client.post(
        f"/circulars/{sent.draft.pk}/audience/",
        {"participated_in": ["geneva-2003"], "sectors": ["ITU-T"]},
    )

    sent.draft.refresh_from_db()
    assert [o.name for o in Audience.from_json(sent.draft.audience).organisations()] == [
        "Acme Telecom"
    ]


@pytest.mark.parametrize(
    ("field", "value", "error"),
    [
        ("include", "99998, 99999", "No current organisation has the number 99998, 99999."),
        (
            "exclude",
            "12a, x",
            "“12a, x” is not an organisation number; write numbers such as 12, 345.",
        ),
    ],
)
def test_audience_refuses_unknown_organisation_numbers(
    secretary_client: Client, draft: Circular, field: str, value: str, error: str
) -> None:
    before = state()

    response = secretary_client.post(
        f"/circulars/{draft.pk}/audience/", {"categories": ["sector_member"], field: value}
    )

    assert response.status_code == 200
    assert response.context["form"].errors[field] == [error]
    assert state() == before


def test_audience_refuses_an_organisation_both_included_and_left_out(
    secretary_client: Client, draft: Circular, directory: Directory
) -> None:
    number = directory.acme.pk

    response = secretary_client.post(
        f"/circulars/{draft.pk}/audience/", {"include": str(number), "exclude": str(number)}
    )

    assert response.context["form"].errors["exclude"] == [
        f"{number} cannot be both included and left out."
    ]


def test_audience_of_a_dispatched_circular_cannot_change(
    secretary_client: Client, sent: Sent
) -> None:
    before = state()

    response = secretary_client.post(
        f"/circulars/{sent.circular.pk}/audience/", {"categories": ["civil_society"]}
    )

    assert messages_of(response) == ["DM-1048 has been dispatched: it can no longer be changed."]
    assert state() == before


def test_audience_list_pages_every_organisation(
    viewer_client: Client, secretary: User, meeting: Meeting
) -> None:
    OrganisationFactory.create_batch(55)
    circular = make_circular(secretary, meeting)

    first = viewer_client.get(f"/circulars/{circular.pk}/audience/organisations/")
    second = viewer_client.get(f"/circulars/{circular.pk}/audience/organisations/", {"page": 2})

    assert (len(first.context["page"]), len(second.context["page"])) == (50, 5)
    assert "55 organisations" in first.content.decode()


def test_audience_page_links_to_the_full_list_beyond_fifty(
    secretary_client: Client, secretary: User, meeting: Meeting
) -> None:
    OrganisationFactory.create_batch(51)
    circular = make_circular(secretary, meeting)

    response = secretary_client.get(f"/circulars/{circular.pk}/audience/")

    assert len(response.context["first_organisations"]) == 50
    assert (
        f'<a href="/circulars/{circular.pk}/audience/organisations/">See all 51 organisations</a>'
        in response.content.decode()
    )


# Preview


def test_preview_shows_the_email_as_the_organisation_will_receive_it(
    viewer_client: Client, draft: Circular, directory: Directory
) -> None:
    response = viewer_client.get(
        f"/circulars/{draft.pk}/preview/", {"organisation": directory.beta.pk}
    )

    email = response.context["email"]
    assert (email.to, email.cc, email.language) == (["ceo@beta.example.org"], [], "en")
    assert email.subject == (
        "World Summit on the Information Society (WSIS), Geneva, Switzerland, 10-12 December 2003"
    )
    assert "We invite Beta Networks to be represented at the highest level." in email.text
    assert "http://127.0.0.1:8000/reply/PREVIEW/" in email.text
    content = response.content.decode()
    assert "A preview: nothing is sent and no reply link is made." in content
    assert f'href="/circulars/{draft.pk}/preview/{directory.beta.pk}/letter.pdf"' in content
    assert ReplyLink.objects.count() == 0
    assert OutboundMessage.objects.count() == 0


def test_preview_falls_back_to_english_and_escapes_names(
    viewer_client: Client, secretary: User, meeting: Meeting
) -> None:
    hostile = OrganisationFactory(name="<script>alert(1)</script>", language="ru")
    circular = make_circular(secretary, meeting)

    response = viewer_client.get(f"/circulars/{circular.pk}/preview/", {"organisation": hostile.pk})

    assert response.context["email"].language_label == "English"
    content = response.content.decode()
    assert "<script>alert(1)</script>" not in content
    assert "We invite &lt;script&gt;alert(1)&lt;/script&gt; to be represented" in content


def test_preview_organisation_chosen_by_part_of_its_name_folded(
    viewer_client: Client, draft: Circular, directory: Directory
) -> None:
    url = f"/circulars/{draft.pk}/preview/"

    beta = viewer_client.get(url, {"name": "BETA"})
    russian = viewer_client.get(url, {"name": "РОСТЕЛЕКОМ"})
    acronym = viewer_client.get(url, {"name": "acme"})

    assert beta.context["organisation"] == directory.beta
    assert beta.context["email"].to == ["ceo@beta.example.org"]
    assert russian.context["organisation"] == directory.rostelecom
    assert acronym.context["organisation"] == directory.acme
    assert 'name="name"' in beta.content.decode()
    assert 'type="number"' not in beta.content.decode()


def test_preview_name_of_several_organisations_offers_each_by_name(
    viewer_client: Client, draft: Circular, directory: Directory
) -> None:
    response = viewer_client.get(f"/circulars/{draft.pk}/preview/", {"name": "TA"})

    content = response.content.decode()
    assert response.context["email"] is None
    assert [o.name for o in response.context["matches"]] == ["Beta Networks", "Delta Cables"]
    assert f'<a href="?organisation={directory.delta.pk}" dir="auto">Delta Cables</a>' in content


@pytest.mark.parametrize("name", ["Civil 0", "%", "' OR 1=1 --", "x" * 101])
def test_preview_name_outside_the_audience_or_hostile_is_refused_plainly(
    viewer_client: Client, draft: Circular, name: str
) -> None:
    response = viewer_client.get(f"/circulars/{draft.pk}/preview/", {"name": name})

    assert response.status_code == 200
    assert response.context["email"] is None
    assert response.context["form"].errors["name"]


def test_preview_refuses_an_organisation_outside_the_audience(
    viewer_client: Client, draft: Circular, directory: Directory
) -> None:
    civil = directory.others[0]

    response = viewer_client.get(f"/circulars/{draft.pk}/preview/", {"organisation": civil.pk})
    pdf = viewer_client.get(f"/circulars/{draft.pk}/preview/{civil.pk}/letter.pdf")

    assert response.context["form"].errors["organisation"] == [
        f"Organisation #{civil.pk} is not in this circular's audience."
    ]
    assert response.context["email"] is None
    assert pdf.status_code == 404


def test_preview_pdf_is_the_letter_with_a_placeholder_link(
    viewer_client: Client, draft: Circular, directory: Directory
) -> None:
    response = viewer_client.get(f"/circulars/{draft.pk}/preview/{directory.acme.pk}/letter.pdf")

    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        f'attachment; filename="DM-1048-preview-{directory.acme.pk}.pdf"'
    )
    text = "".join(
        page.extract_text() for page in pypdf.PdfReader(io.BytesIO(response.content)).pages
    )
    assert "Acme Telecom" in text
    assert "reply/PREVIEW/" in text
    assert ReplyLink.objects.count() == 0


def test_preview_html_is_served_in_a_sandbox(
    viewer_client: Client, draft: Circular, directory: Directory
) -> None:
    response = viewer_client.get(f"/circulars/{draft.pk}/preview/{directory.acme.pk}/email.html")

    assert response["Content-Type"] == "text/html; charset=utf-8"
    assert response["Content-Security-Policy"] == circular_views.SANDBOX_POLICY
    assert "We invite Acme Telecom to be represented" in response.content.decode()


# Dispatch


def test_dispatch_confirmation_shows_the_counts(secretary_client: Client, draft: Circular) -> None:
    content = secretary_client.get(f"/circulars/{draft.pk}/dispatch/").content.decode()

    assert "Send DM-1048 to 5 organisations?" in content
    assert "3 by email now, 2 without email to post or fax." in content


def test_dispatch_creates_the_mailing_and_redirects_to_its_progress(
    secretary_client: Client, secretary: User, draft: Circular
) -> None:
    response = secretary_client.post(f"/circulars/{draft.pk}/dispatch/", {"confirmed": "yes"})

    mailing = Mailing.objects.get()
    assert response["Location"] == f"/mailings/{mailing.pk}/"
    assert messages_of(response) == ["DM-1048 is being sent."]
    assert (mailing.kind, mailing.created_by) == (MailingKind.LETTER, secretary)
    assert Invitation.objects.filter(circular=draft).count() == 5
    assert sorted(mailing.messages.values_list("state", flat=True)) == [
        "no_address",
        "no_address",
        "queued",
        "queued",
        "queued",
    ]
    assert Circular.objects.get(pk=draft.pk).status == CircularStatus.DISPATCHING


def test_dispatch_page_lists_what_to_check_and_the_circular_says_no_more_no_problem(
    secretary_client: Client, draft: Circular
) -> None:
    dispatch_page = secretary_client.get(f"/circulars/{draft.pk}/dispatch/").content.decode()
    circular_page = secretary_client.get(f"/circulars/{draft.pk}/").content.decode()

    points = [
        "There is no reply deadline: the letters will not say by when to reply.",
        "1 organisation has no email and no postal address: its letter can only be faxed, "
        "or not sent at all.",
    ]
    for point in points:
        assert f"<li>{point}</li>" in dispatch_page
        assert f"<li>{point}</li>" in circular_page
    assert "Ready to dispatch: no problem found." not in circular_page
    assert 'name="confirmed" value="yes" required aria-required="true"' in dispatch_page


def test_dispatch_with_points_to_check_waits_for_the_officer_to_confirm(
    secretary_client: Client, draft: Circular
) -> None:
    response = secretary_client.post(f"/circulars/{draft.pk}/dispatch/")

    assert response.status_code == 400
    assert "Confirm that you have checked these points" in response.content.decode()
    assert Mailing.objects.count() == 0
    assert Circular.objects.get(pk=draft.pk).status == CircularStatus.DRAFT


def test_dispatch_of_a_circular_with_a_deadline_and_addresses_needs_no_confirmation(
    secretary_client: Client, secretary: User, meeting: Meeting, directory: Directory
) -> None:
    Organisation.objects.filter(pk=directory.epsilon.pk).update(address="2 Radio Road\nBern")
    deadline = datetime.datetime(2003, 9, 12, 16, 0, tzinfo=datetime.UTC)
    circular = make_circular(secretary, meeting, reply_deadline=deadline)

    circular_page = secretary_client.get(f"/circulars/{circular.pk}/").content.decode()
    response = secretary_client.post(f"/circulars/{circular.pk}/dispatch/")

    assert "Ready to dispatch: no problem found." in circular_page
    assert response["Location"] == f"/mailings/{Mailing.objects.get().pk}/"


def test_dispatch_twice_is_refused(secretary_client: Client, sent: Sent) -> None:
    page = secretary_client.get(f"/circulars/{sent.circular.pk}/dispatch/")
    secretary_client.get(page["Location"])  # shows, and so clears, its message
    posted = secretary_client.post(f"/circulars/{sent.circular.pk}/dispatch/")

    assert messages_of(page) == ["DM-1048 has been dispatched: it can no longer be changed."]
    assert messages_of(posted) == ["This circular has already been dispatched."]
    assert Mailing.objects.count() == 1


# Progress


def test_progress_json_follows_the_mailing(secretary_client: Client, draft: Circular) -> None:
    mailing = services.dispatch_circular(draft, actor=Actor.system("test"))
    url = f"/mailings/{mailing.pk}/status.json"

    before = json.loads(secretary_client.get(url).content)
    run_queued_tasks()
    after = json.loads(secretary_client.get(url).content)

    assert before == {
        "queued": 3,
        "sending": 0,
        "sent": 0,
        "failed": 0,
        "in_doubt": 0,
        "posted": 0,
        "no_address": 2,
        "total": 5,
        "handled": 2,
        "done": False,
        "percent": 40,
    }
    assert after == {**before, "queued": 0, "sent": 3, "handled": 5, "done": True, "percent": 100}


def test_progress_page_refreshes_itself_until_done(
    secretary_client: Client, draft: Circular
) -> None:
    mailing = services.dispatch_circular(draft, actor=Actor.system("test"))

    sending = secretary_client.get(f"/mailings/{mailing.pk}/")
    run_queued_tasks()
    done = secretary_client.get(f"/mailings/{mailing.pk}/")

    assert sending["Refresh"] == "5"
    assert '<progress id="mailing-bar" max="5" value="2"' in sending.content.decode()
    assert "Refresh" not in done
    content = done.content.decode()
    assert '<progress id="mailing-bar" max="5" value="5"' in content
    assert "Done: every letter has been handled." in content
    assert '<dd data-count="sent">3</dd>' in content
    assert '<script src="/static/summitdesk/progress.js" defer></script>' in content


def test_progress_page_lists_failed_letters_with_the_server_message(
    secretary_client: Client, sent: Sent
) -> None:
    message = sent.message(sent.directory.acme)
    OutboundMessage.objects.filter(pk=message.pk).update(
        state=MessageState.FAILED, last_error="550 5.1.1 <info@acme.example.org>: no such user"
    )

    response = secretary_client.get(f"/mailings/{sent.mailing.pk}/")

    content = response.content.decode()
    assert [m.pk for m in response.context["lists"]["failed"]["page"]] == [message.pk]
    assert "550 5.1.1 &lt;info@acme.example.org&gt;: no such user" in content
    assert f'action="/mailings/{sent.mailing.pk}/messages/{message.pk}/retry/"' in content
    assert "Retry all failed" in content


def test_progress_page_explains_letters_in_doubt(secretary_client: Client, sent: Sent) -> None:
    message = sent.message(sent.directory.acme)
    OutboundMessage.objects.filter(pk=message.pk).update(state=MessageState.IN_DOUBT)

    content = secretary_client.get(f"/mailings/{sent.mailing.pk}/").content.decode()

    assert "Check with the mail server's log using the Message-ID shown" in content
    assert f"<code>{message.message_id}</code>" in content.replace("&lt;", "<").replace("&gt;", ">")
    assert "It was sent" in content
    assert "Send again" in content


def test_progress_page_hides_actions_from_viewer(
    viewer_client: Client, secretary_client: Client, sent: Sent
) -> None:
    OutboundMessage.objects.filter(mailing=sent.mailing, state=MessageState.SENT).update(
        state=MessageState.FAILED
    )

    content = viewer_client.get(f"/mailings/{sent.mailing.pk}/").content.decode()
    officers = secretary_client.get(f"/mailings/{sent.mailing.pk}/").content.decode()

    assert "Retry all failed" in officers  # what the viewer does not see is there to see
    assert "Retry all failed" not in content
    assert "/retry/" not in content
    assert "Mark as posted" not in content


# Actions on letters


def test_retry_queues_a_failed_letter_again(
    secretary_client: Client, secretary: User, sent: Sent
) -> None:
    message = sent.message(sent.directory.acme)
    OutboundMessage.objects.filter(pk=message.pk).update(state=MessageState.FAILED, attempts=5)

    response = secretary_client.post(f"/mailings/{sent.mailing.pk}/messages/{message.pk}/retry/")

    assert response["Location"] == f"/mailings/{sent.mailing.pk}/"
    assert messages_of(response) == ["The letter to Acme Telecom is queued."]
    message.refresh_from_db()
    assert (message.state, message.attempts) == (MessageState.QUEUED, 0)
    entry = AuditEntry.objects.get(action="summitdesk.message.retried")
    assert entry.actor == secretary
    assert run_queued_tasks() == 1
    message.refresh_from_db()
    assert message.state == MessageState.SENT


def test_retry_of_a_letter_that_did_not_fail_is_refused(
    secretary_client: Client, sent: Sent
) -> None:
    message = sent.message(sent.directory.acme)
    before = state()

    response = secretary_client.post(f"/mailings/{sent.mailing.pk}/messages/{message.pk}/retry/")

    assert messages_of(response) == [
        "The letter to Acme Telecom (ACME) is Sent, not failed: nothing to retry."
    ]
    assert state() == before


def test_retry_all_failed_queues_each(secretary_client: Client, sent: Sent) -> None:
    OutboundMessage.objects.filter(mailing=sent.mailing, state=MessageState.SENT).update(
        state=MessageState.FAILED
    )

    response = secretary_client.post(f"/mailings/{sent.mailing.pk}/retry-failed/")

    assert messages_of(response) == ["3 letters queued again."]
    assert sorted(sent.mailing.messages.values_list("state", flat=True)) == [
        "no_address",
        "no_address",
        "queued",
        "queued",
        "queued",
    ]


def test_letter_in_doubt_confirmed_as_sent(secretary_client: Client, sent: Sent) -> None:
    message = sent.message(sent.directory.acme)
    OutboundMessage.objects.filter(pk=message.pk).update(state=MessageState.IN_DOUBT)

    response = secretary_client.post(
        f"/mailings/{sent.mailing.pk}/messages/{message.pk}/confirm-sent/"
    )

    assert messages_of(response) == ["The letter to Acme Telecom is recorded as sent."]
    message.refresh_from_db()
    assert message.state == MessageState.SENT
    assert AuditEntry.objects.filter(action="summitdesk.message.confirmed_sent").count() == 1


def test_letter_in_doubt_sent_again(secretary_client: Client, sent: Sent) -> None:
    message = sent.message(sent.directory.acme)
    OutboundMessage.objects.filter(pk=message.pk).update(state=MessageState.IN_DOUBT)

    response = secretary_client.post(f"/mailings/{sent.mailing.pk}/messages/{message.pk}/resend/")

    assert messages_of(response) == ["The letter to Acme Telecom will be sent again."]
    message.refresh_from_db()
    assert message.state == MessageState.QUEUED


@pytest.mark.parametrize(("how", "done"), [("post", "posted"), ("fax", "faxed")])
def test_letter_without_email_marked_as_posted_or_faxed(
    secretary_client: Client, sent: Sent, how: str, done: str
) -> None:
    message = sent.message(sent.directory.delta)

    response = secretary_client.post(
        f"/mailings/{sent.mailing.pk}/messages/{message.pk}/mark-posted/", {"how": how}
    )

    assert messages_of(response) == [f"The letter to Delta Cables is recorded as {done}."]
    message.refresh_from_db()
    assert message.state == MessageState.POSTED
    entry = AuditEntry.objects.get(action="summitdesk.message.posted")
    assert entry.changes["how"] == [None, how]


def test_mark_posted_needs_post_or_fax(secretary_client: Client, sent: Sent) -> None:
    message = sent.message(sent.directory.delta)
    before = state()

    response = secretary_client.post(
        f"/mailings/{sent.mailing.pk}/messages/{message.pk}/mark-posted/", {"how": "pigeon"}
    )

    assert messages_of(response) == ["Say whether the letter went by post or by fax."]
    assert state() == before


def test_message_of_another_mailing_is_404(secretary_client: Client, sent: Sent) -> None:
    other = Mailing.objects.create(circular=sent.circular, kind=MailingKind.REMINDER)
    message = sent.message(sent.directory.acme)

    response = secretary_client.post(f"/mailings/{other.pk}/messages/{message.pk}/retry/")

    assert response.status_code == 404


def test_combined_pdf_holds_every_letter_without_email(
    secretary_client: Client, sent: Sent
) -> None:
    response = secretary_client.get(f"/mailings/{sent.mailing.pk}/post-and-fax.pdf")

    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        f'attachment; filename="DM-1048-letter-{sent.mailing.pk}-post-and-fax.pdf"'
    )
    reader = pypdf.PdfReader(io.BytesIO(response.content))
    assert len(reader.pages) == 2
    assert "Delta Cables" in reader.pages[0].extract_text()
    assert "Epsilon Radio" in reader.pages[1].extract_text()


# Reminders


def test_remind_page_shows_the_count_and_sends(
    secretary_client: Client, secretary: User, sent: Sent
) -> None:
    Invitation.objects.filter(organisation=sent.directory.acme).update(
        replied_at=datetime.datetime(2003, 7, 20, tzinfo=datetime.UTC)
    )

    page = secretary_client.get(f"/circulars/{sent.circular.pk}/remind/")
    posted = secretary_client.post(f"/circulars/{sent.circular.pk}/remind/")

    content = page.content.decode()
    assert "4 organisations have not replied. Remind them?" in content
    assert "2 by email now, 2 without email to post or fax." in content
    reminder = Mailing.objects.get(kind=MailingKind.REMINDER)
    assert posted["Location"] == f"/mailings/{reminder.pk}/"
    assert messages_of(posted) == ["The reminders are being sent."]
    assert reminder.messages.count() == 4
    run_queued_tasks()
    beta = reminder.messages.get(invitation__organisation=sent.directory.beta)
    assert beta.subject.startswith("Reminder: World Summit on the Information Society (WSIS)")
    assert "(Ref. DM-1048 of 9 July 2003)" in beta.subject


def test_remind_a_draft_is_refused(secretary_client: Client, sent: Sent) -> None:
    page = secretary_client.get(f"/circulars/{sent.draft.pk}/remind/")
    posted = secretary_client.post(f"/circulars/{sent.draft.pk}/remind/")

    assert "Only a dispatched circular can be followed by a reminder." in page.content.decode()
    assert messages_of(posted) == ["Only a dispatched circular can be followed by a reminder."]
    assert Mailing.objects.count() == 1


# An organisation's letters


def test_organisation_page_lists_its_letters(viewer_client: Client, sent: Sent) -> None:
    acme = sent.directory.acme
    invitation = Invitation.objects.get(organisation=acme)

    response = viewer_client.get(f"/organisations/{acme.pk}/")

    assert [
        (row.invitation, [m.state for m in row.messages]) for row in response.context["letters"]
    ] == [(invitation, [MessageState.SENT])]
    content = response.content.decode()
    assert f'<a href="/circulars/{sent.circular.pk}/">DM-1048</a>' in content
    assert f'href="/organisations/{acme.pk}/letters/{invitation.pk}/letter.pdf"' not in content
    assert f'href="/organisations/{acme.pk}/letters/{invitation.pk}/letter-withheld.pdf"' in content
    assert "Issue a new reply link" not in content  # a viewer cannot


def test_organisation_page_offers_the_letter_as_sent_to_an_officer(
    secretary_client: Client, sent: Sent
) -> None:
    acme = sent.directory.acme
    invitation = Invitation.objects.get(organisation=acme)

    content = secretary_client.get(f"/organisations/{acme.pk}/").content.decode()

    assert f'href="/organisations/{acme.pk}/letters/{invitation.pk}/letter.pdf"' in content
    assert "letter-withheld.pdf" not in content


def test_organisation_page_offers_no_pdf_before_the_letter_is_written(
    viewer_client: Client, secretary_client: Client, sent: Sent
) -> None:
    delta = sent.directory.delta
    invitation = Invitation.objects.get(organisation=delta)

    page = viewer_client.get(f"/organisations/{delta.pk}/")
    pdf = secretary_client.get(f"/organisations/{delta.pk}/letters/{invitation.pk}/letter.pdf")
    withheld = viewer_client.get(
        f"/organisations/{delta.pk}/letters/{invitation.pk}/letter-withheld.pdf"
    )

    content = page.content.decode()
    assert "No email address" in content
    assert "not written yet" in content
    assert "letter.pdf" not in content
    assert "letter-withheld.pdf" not in content
    assert (pdf.status_code, withheld.status_code) == (404, 404)


def test_organisation_page_without_letters_says_so(
    viewer_client: Client, directory: Directory
) -> None:
    content = viewer_client.get(f"/organisations/{directory.acme.pk}/").content.decode()

    assert "No letter sent to this organisation yet." in content


def test_organisation_letter_pdf_is_the_letter_it_received(
    secretary_client: Client, sent: Sent
) -> None:
    acme = sent.directory.acme
    invitation = Invitation.objects.get(organisation=acme)

    response = secretary_client.get(f"/organisations/{acme.pk}/letters/{invitation.pk}/letter.pdf")

    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="DM-1048-{acme.pk}.pdf"'
    message = sent.message(acme)
    with message.pdf.open("rb") as stored:
        assert response.content == stored.read()


def test_organisation_letter_pdf_refuses_another_organisations_invitation(
    secretary_client: Client, viewer_client: Client, sent: Sent
) -> None:
    beta_invitation = Invitation.objects.get(organisation=sent.directory.beta)
    prefix = f"/organisations/{sent.directory.acme.pk}/letters/{beta_invitation.pk}"

    response = secretary_client.get(f"{prefix}/letter.pdf")
    withheld = viewer_client.get(f"{prefix}/letter-withheld.pdf")

    assert (response.status_code, withheld.status_code) == (404, 404)


def test_reissue_reply_link_shows_the_new_link_once(
    secretary_client: Client, secretary: User, sent: Sent
) -> None:
    acme = sent.directory.acme
    invitation = Invitation.objects.get(organisation=acme)
    url = f"/organisations/{acme.pk}/letters/{invitation.pk}/reply-link/"
    before = state()
    assert confirmation(secretary_client.post(url)) == (
        f"Issue a new reply link to {acme.name} for {invitation.circular.reference}?",
        "Every earlier link of this organisation for this meeting stops working.",
        "Issue a new link",
    )
    assert state() == before

    response = secretary_client.post(url, CONFIRMED)

    assert response["Cache-Control"] == "no-store"
    shown = response.context["url"]
    token = shown.removeprefix("http://127.0.0.1:8000/reply/").removesuffix("/")
    link = ReplyLink.objects.get(token_hash=tokens.hash_token(token))
    assert (link.organisation, link.invitation, link.revoked_at) == (acme, invitation, None)
    assert ReplyLink.objects.filter(organisation=acme, revoked_at__isnull=True).count() == 1
    assert f'value="{shown}"' in response.content.decode()
    assert (
        AuditEntry.objects.filter(action="summitdesk.reply_link.reissued", actor=secretary).count()
        == 1
    )


def test_reissue_reply_link_refuses_another_organisations_invitation(
    secretary_client: Client, sent: Sent
) -> None:
    beta_invitation = Invitation.objects.get(organisation=sent.directory.beta)
    before = state()

    response = secretary_client.post(
        f"/organisations/{sent.directory.acme.pk}/letters/{beta_invitation.pk}/reply-link/"
    )

    assert response.status_code == 404
    assert state() == before


# Queries


def test_organisation_letters_take_one_query(
    sent: Sent, django_assert_num_queries: Callable[..., Any]
) -> None:
    services.send_reminders(sent.circular, actor=Actor.system("test"))

    with django_assert_num_queries(1):
        rows = mailing_views.organisation_letters(sent.directory.acme)
        states = [
            [(m.letter_mailing.kind, m.letter_invitation.circular.reference) for m in r.messages]
            for r in rows
        ]

    assert states == [[("letter", "DM-1048"), ("reminder", "DM-1048")]]
