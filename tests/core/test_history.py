"""The history shown on records, in words: who changed which field from what to what,
fields named by their verbose names in the reader's language, collapsed by default."""

import pytest
from django.test import Client
from django.utils import translation

from summitdesk.core import audit
from summitdesk.core.audit import Actor
from summitdesk.core.enums import Role
from summitdesk.core.history import describe
from summitdesk.core.models import AuditEntry
from summitdesk.directory import services
from summitdesk.directory.enums import PositionRole
from tests.conftest import signed_in
from tests.factories import OrganisationFactory, PersonFactory, UserFactory

pytestmark = pytest.mark.django_db


def officer() -> Actor:
    user = UserFactory(
        username="amina",
        first_name="Amina",
        last_name="Diallo",
        role=Role.REGISTRATION_OFFICER,
    )
    return Actor.staff(user)


def test_one_changed_field_reads_as_one_sentence_with_who_and_verbose_name() -> None:
    organisation = OrganisationFactory()
    person = PersonFactory(email="a@x.org")
    services.save_person(
        person,
        {"given_name": person.given_name, "family_name": person.family_name, "email": "b@y.org"},
        organisation=organisation,
        actor=officer(),
    )
    entry = AuditEntry.objects.for_object(person).get(action="summitdesk.person.changed")

    line = describe(entry)

    assert line.sentence == "Amina Diallo changed the email from a@x.org to b@y.org"
    assert line.changes == []


def test_field_names_read_in_the_readers_language() -> None:
    organisation = OrganisationFactory()
    person = PersonFactory(email="a@x.org")
    services.save_person(
        person,
        {"given_name": person.given_name, "family_name": person.family_name, "email": "b@y.org"},
        organisation=organisation,
        actor=officer(),
    )
    entry = AuditEntry.objects.for_object(person).get(action="summitdesk.person.changed")

    with translation.override("fr"):
        line = describe(entry)

    # The field's verbose name as the French catalogue has it.
    assert "courrier électronique" in line.sentence
    assert "a@x.org" in line.sentence and "b@y.org" in line.sentence


def test_several_changes_read_as_a_sentence_each_under_the_action() -> None:
    organisation = OrganisationFactory(name="Old name", acronym="")
    services.update_organisation(
        organisation, {"name": "New name", "acronym": "NN"}, actor=officer()
    )
    entry = AuditEntry.objects.get(action="summitdesk.organisation.changed")

    line = describe(entry)

    assert line.sentence == "Amina Diallo changed New name (NN)"
    assert sorted(line.changes) == [
        "the acronym set to NN",
        "the name changed from Old name to New name",
    ]


def test_a_choice_reads_as_its_label_and_a_flag_as_yes_or_no() -> None:
    organisation = OrganisationFactory()
    entry = audit.record(
        organisation,
        "summitdesk.organisation.changed",
        actor=Actor.system("import"),
        changes={"category": ["member_state", "observer"], "active": [True, False]},
    )

    line = describe(entry)

    assert line.sentence == f"import changed {organisation}"
    assert line.changes[1] == "the active changed from yes to no"
    assert "member_state" not in line.changes[0]


def test_an_unknown_action_and_field_still_read_in_words() -> None:
    organisation = OrganisationFactory(name="Acme")
    entry = audit.record(
        organisation,
        "summitdesk.meeting.pack_item_added",
        actor=Actor.system("demo"),
        changes={"pack_item": [None, "Agenda"]},
    )

    line = describe(entry)

    assert line.sentence == "demo recorded “meeting: pack item added” on Acme"
    assert line.changes == ["the pack item set to Agenda"]


def test_a_cleared_value_says_what_it_was() -> None:
    organisation = OrganisationFactory(acronym="ACM")
    services.update_organisation(organisation, {"acronym": ""}, actor=officer())
    entry = AuditEntry.objects.get(action="summitdesk.organisation.changed")

    assert describe(entry).sentence == "Amina Diallo cleared the acronym (it was ACM)"


def test_history_on_the_organisation_page_is_collapsed_and_escaped() -> None:
    actor = officer()
    organisation = OrganisationFactory(acronym="TM")
    services.update_organisation(organisation, {"acronym": "<b>TMV</b>"}, actor=actor)
    assert actor.user is not None

    content = signed_in(actor.user).get(f"/organisations/{organisation.pk}/").content.decode()

    assert '<details>\n    <summary><h2 id="history-title">History</h2>' in content
    assert "<details open" not in content
    assert "Amina Diallo changed the acronym from TM to &lt;b&gt;TMV&lt;/b&gt;" in content


def test_history_of_a_record_without_changes_says_what_will_be_listed(
    secretary_client: Client,
) -> None:
    organisation = OrganisationFactory()
    AuditEntry.objects.all().delete()

    content = secretary_client.get(f"/organisations/{organisation.pk}/").content.decode()

    assert "No recorded changes yet: every change made here" in content


def test_person_page_shows_the_persons_history(secretary_client: Client) -> None:
    actor = officer()
    organisation = OrganisationFactory()
    person = PersonFactory(phone="")
    position = services.assign_position(
        organisation, person, role=PositionRole.FOCAL_POINT, actor=actor
    )
    services.save_person(
        person,
        {"given_name": person.given_name, "family_name": person.family_name, "phone": "+41 22"},
        organisation=organisation,
        actor=actor,
    )

    content = secretary_client.get(
        f"/organisations/{organisation.pk}/positions/{position.pk}/edit/"
    ).content.decode()

    assert "Amina Diallo set the phone to +41 22" in content
