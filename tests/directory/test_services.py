import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from summitdesk.core.audit import Actor
from summitdesk.core.enums import Channel
from summitdesk.core.models import AuditEntry, User
from summitdesk.directory import services
from summitdesk.directory.enums import (
    Category,
    DuplicateStatus,
    Language,
    OrganisationStatus,
    PositionRole,
    StakeholderGroup,
)
from summitdesk.directory.models import DuplicateCandidate, Organisation, Person, Position
from summitdesk.directory.queries import DirectoryFilter, search_organisations
from tests.factories import (
    DuplicateCandidateFactory,
    OrganisationFactory,
    PersonFactory,
    PositionFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def actor(secretary: User) -> Actor:
    return Actor.staff(secretary)


def names(queryset: object) -> list[str]:
    return [organisation.name for organisation in queryset]  # type: ignore[attr-defined]


# Creating and changing organisations


def test_create_organisation_records_every_initial_value(actor: Actor, secretary: User) -> None:
    data = {
        "name": "Telefónica Móviles",
        "acronym": "TM",
        "category": Category.SECTOR_MEMBER,
        "stakeholder_group": StakeholderGroup.PRIVATE_SECTOR,
        "country": "ES",
        "language": Language.SPANISH,
        "itu_t": True,
    }

    organisation = services.create_organisation(data, actor=actor)

    entry = AuditEntry.objects.get()
    assert entry.action == "summitdesk.organisation.created"
    assert entry.actor == secretary
    assert entry.actor_label == "secretary"
    assert entry.channel == Channel.BACKOFFICE
    assert entry.organisation == organisation
    assert entry.object_id == str(organisation.pk)
    assert entry.changes == {
        "name": [None, "Telefónica Móviles"],
        "acronym": [None, "TM"],
        "category": [None, "sector_member"],
        "stakeholder_group": [None, "private_sector"],
        "itu_r": [None, False],
        "itu_t": [None, True],
        "itu_d": [None, False],
        "country": [None, "ES"],
        "language": [None, "es"],
        "address": [None, ""],
        "email": [None, ""],
        "website": [None, ""],
        "status": [None, "active"],
    }


def test_create_organisation_stores_folded_search_text_and_name_key(actor: Actor) -> None:
    organisation = services.create_organisation(
        {
            "name": "Telefónica Móviles",
            "acronym": "TM",
            "category": Category.SECTOR_MEMBER,
            "stakeholder_group": StakeholderGroup.PRIVATE_SECTOR,
            "country": "ES",
            "external_id": "ES-001",
        },
        actor=actor,
    )

    organisation.refresh_from_db()
    assert organisation.search_text == "telefonica moviles tm spain es 001"
    assert organisation.name_key == "telefonicamoviles"


def test_update_organisation_records_old_and_new_values(actor: Actor, secretary: User) -> None:
    organisation = OrganisationFactory(name="Telefonica", acronym="TEF", country="ES")

    changes = services.update_organisation(
        organisation, {"name": "Telefónica Móviles", "acronym": "TEF", "itu_d": True}, actor=actor
    )

    expected = {"name": ["Telefonica", "Telefónica Móviles"], "itu_d": [False, True]}
    assert changes == expected
    entry = AuditEntry.objects.get()
    assert entry.action == "summitdesk.organisation.changed"
    assert entry.changes == expected
    assert entry.actor == secretary
    assert entry.channel == Channel.BACKOFFICE
    assert entry.organisation_id == organisation.pk
    organisation.refresh_from_db()
    assert organisation.name == "Telefónica Móviles"
    assert organisation.search_text == "telefonica moviles tef spain"
    assert organisation.name_key == "telefonicamoviles"


def test_update_organisation_records_a_system_actor_by_its_label() -> None:
    organisation = OrganisationFactory(acronym="")

    services.update_organisation(
        organisation, {"acronym": "XY"}, actor=Actor.system("nightly import", Channel.IMPORT)
    )

    entry = AuditEntry.objects.get()
    assert (entry.actor, entry.actor_label, entry.channel) == (None, "nightly import", "import")


def test_update_organisation_without_change_records_nothing(actor: Actor) -> None:
    organisation = OrganisationFactory(name="Same", acronym="S")
    updated_at = organisation.updated_at

    changes = services.update_organisation(
        organisation, {"name": "Same", "acronym": "S"}, actor=actor
    )

    assert changes == {}
    assert AuditEntry.objects.count() == 0
    organisation.refresh_from_db()
    assert organisation.updated_at == updated_at


# People and positions


def test_save_person_creating_records_values_in_the_organisation_history(actor: Actor) -> None:
    organisation = OrganisationFactory()

    changes = services.save_person(
        Person(),
        {"title": "Mr", "given_name": "Ivan", "family_name": "Petrov", "email": "ip@example.org"},
        organisation=organisation,
        actor=actor,
    )

    assert changes == {
        "title": [None, "Mr"],
        "given_name": [None, "Ivan"],
        "family_name": [None, "Petrov"],
        "email": [None, "ip@example.org"],
        "phone": [None, ""],
        "fax": [None, ""],
        "nationality": [None, ""],
    }
    entry = AuditEntry.objects.get()
    assert (entry.action, entry.organisation_id) == ("summitdesk.person.created", organisation.pk)
    assert Person.objects.get().family_name == "Petrov"


def test_save_person_changing_records_only_changed_fields(actor: Actor) -> None:
    position = PositionFactory(person__given_name="Ivan", person__family_name="Petrov")

    changes = services.save_person(
        position.person,
        {"given_name": "Iván", "family_name": "Petrov"},
        organisation=position.organisation,
        actor=actor,
    )

    assert changes == {"given_name": ["Ivan", "Iván"]}
    entry = AuditEntry.objects.get()
    assert entry.action == "summitdesk.person.changed"
    assert entry.changes == {"given_name": ["Ivan", "Iván"]}
    assert entry.organisation_id == position.organisation_id


def test_save_person_without_change_records_nothing(actor: Actor) -> None:
    position = PositionFactory(person__family_name="Petrov")

    changes = services.save_person(
        position.person,
        {"family_name": "Petrov"},
        organisation=position.organisation,
        actor=actor,
    )

    assert changes == {}
    assert AuditEntry.objects.count() == 0


def test_assign_position_records_the_new_position(actor: Actor) -> None:
    organisation = OrganisationFactory()
    person = PersonFactory()

    position = services.assign_position(
        organisation, person, role=PositionRole.FOCAL_POINT, function="Adviser", actor=actor
    )

    assert (position.role, position.function) == ("focal_point", "Adviser")
    entry = AuditEntry.objects.get()
    assert entry.action == "summitdesk.position.assigned"
    assert entry.changes == {"role": [None, "focal_point"], "function": [None, "Adviser"]}
    assert entry.organisation_id == organisation.pk


def test_assign_position_writes_a_new_position_once(actor: Actor) -> None:
    """A new position is inserted with its function, not inserted then saved again."""
    organisation = OrganisationFactory()
    person = PersonFactory()

    with CaptureQueriesContext(connection) as captured:
        services.assign_position(
            organisation, person, role=PositionRole.FOCAL_POINT, function="Adviser", actor=actor
        )

    table = f'"{Position._meta.db_table}"'
    writes = [
        query["sql"].split()[0]
        for query in captured
        if table in query["sql"] and not query["sql"].startswith("SELECT")
    ]
    assert writes == ["INSERT"]
    assert Position.objects.get(person=person).function == "Adviser"


def test_assign_position_replaces_the_chief_executive(actor: Actor) -> None:
    previous = PositionFactory(role=PositionRole.CHIEF_EXECUTIVE)
    organisation = previous.organisation
    successor = PersonFactory()

    services.assign_position(
        organisation, successor, role=PositionRole.CHIEF_EXECUTIVE, function="CEO", actor=actor
    )

    roles = {(position.person_id, position.role) for position in Position.objects.all()}
    assert roles == {
        (previous.person_id, PositionRole.OTHER_CONTACT),
        (successor.pk, PositionRole.CHIEF_EXECUTIVE),
    }
    demoted = AuditEntry.objects.get(object_id=str(previous.pk))
    assert demoted.changes == {"role": ["chief_executive", "other_contact"]}


def test_assign_position_drops_replaced_chief_already_another_contact(actor: Actor) -> None:
    previous = PositionFactory(role=PositionRole.CHIEF_EXECUTIVE)
    organisation = previous.organisation
    PositionFactory(
        organisation=organisation, person=previous.person, role=PositionRole.OTHER_CONTACT
    )

    services.assign_position(
        organisation, PersonFactory(), role=PositionRole.CHIEF_EXECUTIVE, actor=actor
    )

    assert Position.objects.filter(person=previous.person).count() == 1
    entry = AuditEntry.objects.get(action="summitdesk.position.changed")
    assert entry.object_id == str(previous.pk)
    assert entry.changes == {"role": ["chief_executive", "other_contact"]}


def test_assign_position_again_with_another_function_records_the_change(actor: Actor) -> None:
    position = PositionFactory(role=PositionRole.CHIEF_EXECUTIVE, function="CEO")

    services.assign_position(
        position.organisation,
        position.person,
        role=PositionRole.CHIEF_EXECUTIVE,
        function="President",
        actor=actor,
    )

    position.refresh_from_db()
    assert position.function == "President"
    entry = AuditEntry.objects.get()
    assert entry.action == "summitdesk.position.changed"
    assert entry.changes == {"function": ["CEO", "President"], "role": [None, "chief_executive"]}


def test_remove_position_deletes_it_and_records_the_role(actor: Actor) -> None:
    position = PositionFactory(role=PositionRole.FOCAL_POINT)
    position_pk = position.pk

    services.remove_position(position, actor=actor)

    assert Position.objects.count() == 0
    entry = AuditEntry.objects.get()
    assert (entry.action, entry.object_id) == ("summitdesk.position.removed", str(position_pk))
    assert entry.changes == {"role": ["focal_point", None]}


# Merging


@pytest.fixture
def kept() -> Organisation:
    return OrganisationFactory(name="Telefónica", acronym="", address="", website="")


@pytest.fixture
def duplicate() -> Organisation:
    return OrganisationFactory(
        name="Telefonica S.A.",
        acronym="TEF",
        address="Gran Vía 28, Madrid",
        website="https://telefonica.example.com",
        email="",
    )


def test_merge_moves_people_and_demotes_a_second_chief_executive(
    kept: Organisation, duplicate: Organisation, actor: Actor
) -> None:
    kept_chief = PositionFactory(organisation=kept, role=PositionRole.CHIEF_EXECUTIVE)
    other_chief = PositionFactory(organisation=duplicate, role=PositionRole.CHIEF_EXECUTIVE)
    focal_point = PositionFactory(organisation=duplicate, role=PositionRole.FOCAL_POINT)

    services.merge_organisations(kept, duplicate, actor=actor)

    roles = {(position.person_id, position.role) for position in kept.positions.all()}
    assert roles == {
        (kept_chief.person_id, PositionRole.CHIEF_EXECUTIVE),
        (other_chief.person_id, PositionRole.OTHER_CONTACT),
        (focal_point.person_id, PositionRole.FOCAL_POINT),
    }
    assert duplicate.positions.count() == 0


def test_merge_drops_a_position_the_kept_organisation_already_has(
    kept: Organisation, duplicate: Organisation, actor: Actor
) -> None:
    person = PersonFactory()
    PositionFactory(organisation=kept, person=person, role=PositionRole.OTHER_CONTACT)
    PositionFactory(organisation=duplicate, person=person, role=PositionRole.OTHER_CONTACT)

    services.merge_organisations(kept, duplicate, actor=actor)

    assert list(Position.objects.values_list("organisation", "person", "role")) == [
        (kept.pk, person.pk, "other_contact")
    ]


def test_merge_moves_history_to_the_kept_organisation(
    kept: Organisation, duplicate: Organisation, actor: Actor
) -> None:
    services.update_organisation(duplicate, {"email": "info@telefonica.example.com"}, actor=actor)
    earlier = AuditEntry.objects.get()

    services.merge_organisations(kept, duplicate, actor=actor)

    earlier.refresh_from_db()
    assert earlier.organisation_id == kept.pk
    assert AuditEntry.objects.filter(organisation=duplicate).count() == 0


def test_merge_fills_blank_fields_and_records_it(
    kept: Organisation, duplicate: Organisation, actor: Actor
) -> None:
    services.merge_organisations(kept, duplicate, actor=actor)

    kept.refresh_from_db()
    assert (kept.name, kept.acronym, kept.address, kept.website) == (
        "Telefónica",
        "TEF",
        "Gran Vía 28, Madrid",
        "https://telefonica.example.com",
    )
    filled = AuditEntry.objects.get(action="summitdesk.organisation.changed")
    assert filled.changes == {
        "acronym": ["", "TEF"],
        "address": ["", "Gran Vía 28, Madrid"],
        "website": ["", "https://telefonica.example.com"],
    }


def test_merge_keeps_fields_already_filled(
    kept: Organisation, duplicate: Organisation, actor: Actor
) -> None:
    Organisation.objects.filter(pk=kept.pk).update(acronym="TDE", website="https://t.example")

    services.merge_organisations(kept, duplicate, actor=actor)

    kept.refresh_from_db()
    assert (kept.acronym, kept.website) == ("TDE", "https://t.example")


def test_merge_marks_the_duplicate_merged_and_records_both_sides(
    kept: Organisation, duplicate: Organisation, actor: Actor
) -> None:
    services.merge_organisations(kept, duplicate, actor=actor)

    duplicate.refresh_from_db()
    assert (duplicate.status, duplicate.merged_into) == (OrganisationStatus.MERGED, kept)
    merged = AuditEntry.objects.get(action="summitdesk.organisation.merged")
    assert merged.object_id == str(duplicate.pk)
    assert merged.organisation_id == kept.pk
    assert merged.changes == {
        "status": ["active", "merged"],
        "merged_into": [None, "Telefónica (TEF)"],
    }
    absorbed = AuditEntry.objects.get(action="summitdesk.organisation.absorbed")
    assert absorbed.note == f"Merged in: Telefonica S.A. (#{duplicate.pk})"
    assert list(Organisation.objects.current()) == [kept]


def test_merge_settles_the_pair_and_drops_other_open_candidates(
    kept: Organisation, duplicate: Organisation, actor: Actor
) -> None:
    third = OrganisationFactory()
    pair = DuplicateCandidateFactory(organisation=kept, other=duplicate)
    DuplicateCandidateFactory(organisation=duplicate, other=third)

    services.merge_organisations(kept, duplicate, actor=actor)

    assert list(DuplicateCandidate.objects.values_list("pk", "status")) == [
        (pair.pk, DuplicateStatus.MERGED)
    ]


def test_merge_points_earlier_merges_at_the_kept_organisation(
    kept: Organisation, duplicate: Organisation, actor: Actor
) -> None:
    older = OrganisationFactory(name="Telefonica de Espana")
    services.merge_organisations(duplicate, older, actor=actor)

    services.merge_organisations(kept, duplicate, actor=actor)

    older.refresh_from_db()
    assert older.merged_into == kept


def test_merge_with_itself_is_refused(kept: Organisation, actor: Actor) -> None:
    with pytest.raises(services.DirectoryError) as error:
        services.merge_organisations(kept, kept, actor=actor)

    assert str(error.value) == "An organisation cannot be merged with itself."
    assert AuditEntry.objects.count() == 0


def test_merge_of_an_already_merged_duplicate_is_refused(
    kept: Organisation, duplicate: Organisation, actor: Actor
) -> None:
    third = OrganisationFactory()
    services.merge_organisations(kept, duplicate, actor=actor)
    entries = AuditEntry.objects.count()

    with pytest.raises(services.DirectoryError) as error:
        services.merge_organisations(third, duplicate, actor=actor)

    assert str(error.value) == "One of these organisations has already been merged."
    duplicate.refresh_from_db()
    assert duplicate.merged_into == kept
    assert AuditEntry.objects.count() == entries


def test_merge_into_a_merged_organisation_is_refused(
    kept: Organisation, duplicate: Organisation, actor: Actor
) -> None:
    third = OrganisationFactory()
    services.merge_organisations(kept, duplicate, actor=actor)

    with pytest.raises(services.DirectoryError) as error:
        services.merge_organisations(duplicate, third, actor=actor)

    assert str(error.value) == "One of these organisations has already been merged."
    third.refresh_from_db()
    assert (third.status, third.merged_into) == (OrganisationStatus.ACTIVE, None)


# Duplicates


def test_keep_apart_closes_the_candidate_and_records_it(actor: Actor) -> None:
    candidate = DuplicateCandidateFactory(organisation__name="ITU", other__name="ITU Staff Union")

    services.keep_apart(candidate, actor=actor)

    candidate.refresh_from_db()
    assert candidate.status == DuplicateStatus.KEPT
    entry = AuditEntry.objects.get()
    assert entry.action == "summitdesk.organisation.kept_apart"
    assert entry.note == "ITU Staff Union"
    assert entry.organisation_id == candidate.organisation_id


def test_flag_duplicates_finds_the_same_name_with_other_accents_and_punctuation() -> None:
    existing = OrganisationFactory(name="Télécom Sans Frontières")
    new = OrganisationFactory(name="TELECOM sans-frontieres")

    created = services.flag_duplicates(new)

    assert created == 1
    candidate = DuplicateCandidate.objects.get()
    assert (candidate.organisation, candidate.other) == (existing, new)
    assert (candidate.reason, candidate.status) == ("same name", DuplicateStatus.OPEN)


def test_flag_duplicates_finds_the_same_acronym_in_the_same_country() -> None:
    existing = OrganisationFactory(name="Swisscom AG", acronym="SCM", country="CH")
    OrganisationFactory(name="Société Commerciale", acronym="SCM", country="FR")
    new = OrganisationFactory(name="Swiss Communications", acronym="scm", country="CH")

    created = services.flag_duplicates(new)

    assert created == 1
    candidate = DuplicateCandidate.objects.get()
    assert (candidate.organisation, candidate.other) == (existing, new)
    assert candidate.reason == "same acronym and country"


def test_flag_duplicates_compares_acronyms_beyond_ascii() -> None:
    mts = (
        "\N{CYRILLIC CAPITAL LETTER EM}\N{CYRILLIC CAPITAL LETTER TE}\N{CYRILLIC CAPITAL LETTER ES}"
    )
    existing = OrganisationFactory(name="Мобильные ТелеСистемы", acronym=mts, country="RU")
    new = OrganisationFactory(name="ПАО Мобильные системы", acronym="мтс", country="RU")

    created = services.flag_duplicates(new)

    assert created == 1
    assert DuplicateCandidate.objects.get().organisation == existing


def test_flag_duplicates_ignores_other_acronyms_containing_the_same_letters() -> None:
    OrganisationFactory(name="Swiss Communications Media", acronym="SCMM", country="CH")
    new = OrganisationFactory(name="Swisscom", acronym="SCM", country="CH")

    assert services.flag_duplicates(new) == 0


def test_flag_duplicates_twice_creates_nothing_new() -> None:
    OrganisationFactory(name="Télécom Sans Frontières")
    new = OrganisationFactory(name="Telecom Sans Frontieres")
    services.flag_duplicates(new)

    assert services.flag_duplicates(new) == 0
    assert DuplicateCandidate.objects.count() == 1


def test_flag_duplicates_does_not_reopen_a_pair_kept_apart(actor: Actor) -> None:
    OrganisationFactory(name="Télécom Sans Frontières")
    new = OrganisationFactory(name="Telecom Sans Frontieres")
    services.flag_duplicates(new)
    services.keep_apart(DuplicateCandidate.objects.get(), actor=actor)

    assert services.flag_duplicates(new) == 0
    assert DuplicateCandidate.objects.get().status == DuplicateStatus.KEPT


def test_flag_duplicates_ignores_merged_organisations(actor: Actor) -> None:
    kept = OrganisationFactory(name="Orange")
    gone = OrganisationFactory(name="Telecom Sans Frontieres")
    services.merge_organisations(kept, gone, actor=actor)
    new = OrganisationFactory(name="Télécom Sans Frontières")

    assert services.flag_duplicates(new) == 0


# Searching


@pytest.fixture
def directory() -> dict[str, Organisation]:
    """Organisations across scripts, categories and regions; one merged."""
    telefonica = OrganisationFactory(
        name="Telefónica Móviles", acronym="TM", country="ES", language="es", itu_t=True
    )
    organisations: dict[str, Organisation] = {
        "telefonica": telefonica,
        "rostelecom": OrganisationFactory(
            name="Ростелеком", country="RU", language="ru", itu_d=True
        ),
        "ministry": OrganisationFactory(
            name="Ministère des Postes",
            country="SN",
            language="fr",
            category=Category.MEMBER_STATE,
            stakeholder_group=StakeholderGroup.GOVERNMENTS,
            itu_r=True,
        ),
        "university": OrganisationFactory(
            name="Université de Genève",
            country="CH",
            language="fr",
            category=Category.ACADEMIA,
            stakeholder_group=StakeholderGroup.CIVIL_SOCIETY,
        ),
        "arab": OrganisationFactory(name="شَرِكَة الاتِّصالات", country="AE", language="ar"),
        "china": OrganisationFactory(name="中国电信", country="CN", language="zh"),
        "merged": OrganisationFactory(
            name="Telefonica Moviles SA",
            country="ES",
            status=OrganisationStatus.MERGED,
            merged_into=telefonica,
        ),
    }
    return organisations


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("telefonica moviles", ["Telefónica Móviles"]),
        ("TELEFÓNICA", ["Telefónica Móviles"]),
        ("mov tele", ["Telefónica Móviles"]),
        ("ростелеком", ["Ростелеком"]),
        ("РОСТЕЛЕКОМ", ["Ростелеком"]),
        ("شركة", ["شَرِكَة الاتِّصالات"]),
        ("电信", ["中国电信"]),
        ("universite geneve", ["Université de Genève"]),
        ("switzerland", ["Université de Genève"]),
        ("telefonica ростелеком", []),
        ("nothing-like-it", []),
    ],
)
def test_search_organisations_ignores_case_and_accents(
    directory: dict[str, Organisation], query: str, expected: list[str]
) -> None:
    assert names(search_organisations(DirectoryFilter(q=query))) == expected


def test_search_organisations_without_criteria_lists_current_ones(
    directory: dict[str, Organisation],
) -> None:
    result = search_organisations(DirectoryFilter())

    assert set(result) == set(directory.values()) - {directory["merged"]}


def test_search_organisations_can_include_merged_ones(
    directory: dict[str, Organisation],
) -> None:
    result = search_organisations(DirectoryFilter(q="telefonica", include_merged=True))

    assert names(result) == ["Telefónica Móviles", "Telefonica Moviles SA"]


@pytest.mark.parametrize(
    ("criteria", "expected"),
    [
        (DirectoryFilter(category=Category.MEMBER_STATE), ["Ministère des Postes"]),
        (DirectoryFilter(stakeholder_group="civil_society"), ["Université de Genève"]),
        (DirectoryFilter(sector="ITU-R"), ["Ministère des Postes"]),
        (DirectoryFilter(sector="ITU-T"), ["Telefónica Móviles"]),
        (DirectoryFilter(sector="ITU-D"), ["Ростелеком"]),
        (DirectoryFilter(region="africa"), ["Ministère des Postes"]),
        (DirectoryFilter(region="cis"), ["Ростелеком"]),
        (DirectoryFilter(region="arab-states"), ["شَرِكَة الاتِّصالات"]),
        (DirectoryFilter(region="europe"), ["Telefónica Móviles", "Université de Genève"]),
        (DirectoryFilter(country="CN"), ["中国电信"]),
        (DirectoryFilter(language="fr"), ["Ministère des Postes", "Université de Genève"]),
        (DirectoryFilter(language="fr", region="europe"), ["Université de Genève"]),
        (DirectoryFilter(q="postes", language="fr", region="africa"), ["Ministère des Postes"]),
        (DirectoryFilter(q="postes", region="europe"), []),
        (DirectoryFilter(q="telefonica", country="ES", sector="ITU-T"), ["Telefónica Móviles"]),
        (DirectoryFilter(category="academia", stakeholder_group="governments"), []),
    ],
)
def test_search_organisations_filters(
    directory: dict[str, Organisation], criteria: DirectoryFilter, expected: list[str]
) -> None:
    assert names(search_organisations(criteria)) == expected
