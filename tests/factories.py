from typing import Any

import factory
from factory.django import DjangoModelFactory

from summitdesk.core.enums import Role
from summitdesk.core.models import User
from summitdesk.directory.enums import Category, PositionRole, StakeholderGroup
from summitdesk.directory.models import DuplicateCandidate, Organisation, Person, Position
from summitdesk.directory.services import refresh_search_fields
from summitdesk.meetings.enums import MeetingKind
from summitdesk.meetings.models import Meeting, Process

PASSWORD = "correct horse battery staple"


class UserFactory(DjangoModelFactory[User]):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"staff{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@secretariat.example.org")
    role = Role.VIEWER
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def saved(obj: User, create: bool, extracted: object, **kwargs: object) -> None:
        if create:
            obj.save()


class OrganisationFactory(DjangoModelFactory[Organisation]):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Organisation {n}")
    category = Category.SECTOR_MEMBER
    stakeholder_group = StakeholderGroup.PRIVATE_SECTOR
    country = "CH"
    language = "en"

    @classmethod
    def _create(cls, model_class: type[Organisation], *args: Any, **kwargs: Any) -> Organisation:
        organisation = model_class(**kwargs)
        refresh_search_fields(organisation)
        organisation.save()
        return organisation


class PersonFactory(DjangoModelFactory[Person]):
    class Meta:
        model = Person

    given_name = factory.Sequence(lambda n: f"Given{n}")
    family_name = factory.Sequence(lambda n: f"Family{n}")
    email = factory.LazyAttribute(lambda p: f"{p.given_name.lower()}@example.org")


class PositionFactory(DjangoModelFactory[Position]):
    class Meta:
        model = Position

    organisation = factory.SubFactory(OrganisationFactory)
    person = factory.SubFactory(PersonFactory)
    role = PositionRole.CHIEF_EXECUTIVE
    function = "Chief Executive Officer"


class DuplicateCandidateFactory(DjangoModelFactory[DuplicateCandidate]):
    class Meta:
        model = DuplicateCandidate

    organisation = factory.SubFactory(OrganisationFactory)
    other = factory.SubFactory(OrganisationFactory)
    reason = "same name"


class ProcessFactory(DjangoModelFactory[Process]):
    class Meta:
        model = Process

    code = factory.Sequence(lambda n: f"process-{n}")
    name = factory.Sequence(lambda n: f"Process {n}")


class MeetingFactory(DjangoModelFactory[Meeting]):
    class Meta:
        model = Meeting

    process = factory.SubFactory(ProcessFactory)
    code = factory.Sequence(lambda n: f"meeting-{n}")
    title = factory.Sequence(lambda n: f"Meeting {n}")
    kind = MeetingKind.PREPCOM
    city = "Geneva"
    country = "CH"
    time_zone = "Europe/Zurich"
