"""A service given the version its writer read refuses to write over a change made since,
saying who made it and when: organisations, people, replies and accreditations."""

import datetime
from dataclasses import replace

import pytest

from summitdesk.accreditation import services as accreditation_services
from summitdesk.accreditation.enums import AccreditationStatus as Status
from summitdesk.accreditation.models import Accreditation
from summitdesk.core import versions
from summitdesk.core.audit import Actor
from summitdesk.core.enums import Channel
from summitdesk.core.models import AuditEntry
from summitdesk.delegations import services as reply_services
from summitdesk.directory import services
from summitdesk.directory.models import Organisation, Person
from tests.accreditation.builders import one
from tests.factories import OrganisationFactory, PositionFactory

pytestmark = pytest.mark.django_db

AMIRA = Actor.system("amira", Channel.BACKOFFICE)
BRUNO = Actor.system("bruno", Channel.BACKOFFICE)
AT = datetime.datetime(2026, 3, 4, 9, 5, tzinfo=datetime.UTC)


def _stamp(row: Organisation | Person | Accreditation, action: str) -> None:
    """The latest change to `row` (by `action`) happened at AT."""
    type(row).objects.filter(pk=row.pk).update(updated_at=AT)
    AuditEntry.objects.for_object(row).filter(action=action).update(created_at=AT)


def test_version_of_a_row_not_saved_is_empty() -> None:
    assert versions.version_of(None) == ""
    assert versions.version_of(Organisation()) == ""


def test_organisation_update_over_a_change_made_since_is_refused() -> None:
    organisation = services.create_organisation(
        {"name": "Swisscom", "acronym": "SC", "category": "sector_member", "country": "CH"},
        actor=AMIRA,
    )
    opened = versions.version_of(organisation)
    services.update_organisation(
        Organisation.objects.get(pk=organisation.pk), {"acronym": "SWC"}, actor=BRUNO
    )
    _stamp(organisation, "summitdesk.organisation.changed")

    with pytest.raises(versions.Conflict) as raised:
        services.update_organisation(
            Organisation.objects.get(pk=organisation.pk),
            {"acronym": "XX"},
            actor=AMIRA,
            expected_version=opened,
        )

    conflict = raised.value
    assert (conflict.changed_by, conflict.changed_at) == ("bruno", AT)
    assert conflict.version == "1772615100.000000"
    assert str(conflict) == "Changed by bruno at 4 March 2026, 09:05 since you opened it."
    assert Organisation.objects.get(pk=organisation.pk).acronym == "SWC"
    assert AuditEntry.objects.filter(actor_label="amira").count() == 1  # the creation only


def test_organisation_update_at_the_version_read_saves() -> None:
    organisation = OrganisationFactory(name="Swisscom", acronym="SC")

    changes = services.update_organisation(
        Organisation.objects.get(pk=organisation.pk),
        {"acronym": "SWC"},
        actor=AMIRA,
        expected_version=versions.version_of(organisation),
    )

    assert changes == {"acronym": ["SC", "SWC"]}
    assert Organisation.objects.get(pk=organisation.pk).acronym == "SWC"


def test_conflict_without_an_audit_entry_gives_the_time_only() -> None:
    organisation = OrganisationFactory(name="Swisscom", acronym="SC")
    opened = versions.version_of(organisation)
    Organisation.objects.filter(pk=organisation.pk).update(acronym="SWC", updated_at=AT)

    with pytest.raises(versions.Conflict) as raised:
        services.update_organisation(
            organisation, {"acronym": "XX"}, actor=AMIRA, expected_version=opened
        )

    assert raised.value.changed_by == ""
    assert str(raised.value) == "Changed at 4 March 2026, 09:05 since you opened it."


def test_person_update_over_a_change_made_since_is_refused() -> None:
    position = PositionFactory(person__title="")
    person = position.person
    opened = versions.version_of(person)
    services.save_person(
        Person.objects.get(pk=person.pk),
        {"title": "Dr"},
        organisation=position.organisation,
        actor=BRUNO,
    )
    _stamp(person, "summitdesk.person.changed")

    with pytest.raises(versions.Conflict) as raised:
        services.save_person(
            Person.objects.get(pk=person.pk),
            {"title": "Prof"},
            organisation=position.organisation,
            actor=AMIRA,
            expected_version=opened,
        )

    assert (raised.value.changed_by, raised.value.changed_at) == ("bruno", AT)
    assert Person.objects.get(pk=person.pk).title == "Dr"


def test_reply_saved_over_a_change_made_since_is_refused() -> None:
    accreditation = one()
    reply = accreditation.delegate.reply
    opened = versions.version_of(reply)
    data = reply_services.reply_data(reply)
    reply_services.save_reply(
        reply, replace(data, estimated_participants=7), submit=True, actor=BRUNO
    )
    before = AuditEntry.objects.count()

    with pytest.raises(versions.Conflict) as raised:
        reply_services.save_reply(
            reply,
            replace(data, estimated_participants=9),
            submit=True,
            actor=AMIRA,
            expected_version=opened,
        )

    assert raised.value.changed_by == "bruno"
    reply.refresh_from_db()
    assert reply.estimated_participants == 7
    assert AuditEntry.objects.count() == before


def test_accreditation_decision_over_a_change_made_since_is_refused() -> None:
    accreditation = one()
    opened = versions.version_of(accreditation)
    accreditation_services.transition(accreditation, Status.REJECTED, reason="Late", actor=BRUNO)

    with pytest.raises(versions.Conflict) as raised:
        accreditation_services.transition(
            accreditation, Status.APPROVED, actor=AMIRA, expected_version=opened
        )

    assert raised.value.changed_by == "bruno"
    assert Accreditation.objects.get(pk=accreditation.pk).status == Status.REJECTED


def test_accreditation_decision_at_the_version_read_is_made() -> None:
    accreditation = one()

    moved = accreditation_services.transition(
        accreditation,
        Status.APPROVED,
        actor=AMIRA,
        expected_version=versions.version_of(accreditation),
    )

    assert moved.status == Status.APPROVED
    assert versions.version_of(moved) != versions.version_of(accreditation)
