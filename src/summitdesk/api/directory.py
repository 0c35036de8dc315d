"""Organisations and people: read, create, update (If-Match), and their change feeds.

Input is checked by the same forms as the back office's pages, so the API accepts and
refuses exactly what a registration officer could type; writes go through
`directory.services` with the token as actor.
"""

from datetime import datetime
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Router, Schema

from summitdesk.api.common import (
    DEFAULT_LIMIT,
    ERRORS,
    NOT_BLANK,
    WRITE_ERRORS,
    Id,
    Page,
    actor,
    changes_operation,
    error,
    feed_record,
    optional,
    page_of,
    scope,
    stale_as_412,
    stated,
    version_matched,
    with_etag,
)
from summitdesk.core.models import AuditEntry
from summitdesk.directory import services
from summitdesk.directory.enums import (
    Category,
    Language,
    OrganisationStatus,
    PositionRole,
    Sector,
    StakeholderGroup,
)
from summitdesk.directory.forms import DirectoryFilterForm, DirectoryPersonForm, OrganisationForm
from summitdesk.directory.models import Organisation, Person, Position
from summitdesk.directory.queries import DirectoryFilter, search_organisations
from summitdesk.directory.validators import (
    MAX_LENGTH,
    ORGANISATION_MAX_LENGTH,
    FamilyName,
    Fax,
    Function,
    GivenName,
    Phone,
    Title,
)
from summitdesk.lib.countries import COUNTRIES

organisations = Router(tags=["organisations"])
people = Router(tags=["people"])

READ = "directory:read"
WRITE = "directory:write"


class PositionOut(Schema):
    person: int
    role: str
    function: str


class OrganisationOut(Schema):
    id: int
    external_id: str | None
    name: str
    acronym: str
    category: str
    stakeholder_group: str
    sectors: list[str]
    country: str
    region: str
    language: str
    address: str
    email: str
    website: str
    status: str
    merged_into: int | None
    people: list[PositionOut]
    created_at: datetime
    updated_at: datetime


LENGTH = ORGANISATION_MAX_LENGTH

#: What the organisation form accepts, for the OpenAPI document (the form enforces it).
ORGANISATION_FIELDS: dict[str, dict[str, Any]] = {
    "name": {"maxLength": LENGTH["name"], "pattern": NOT_BLANK},
    "acronym": {"maxLength": LENGTH["acronym"]},
    "category": {"enum": Category.values},
    "stakeholder_group": {"enum": StakeholderGroup.values},
    "sectors": {"items": {"type": "string", "enum": Sector.values}},
    "country": {"enum": sorted(COUNTRIES)},
    "language": {"enum": Language.values},
    "email": optional("email", LENGTH["email"]),
    "website": optional("uri", LENGTH["website"]),
    "external_id": {"maxLength": LENGTH["external_id"]},
    "status": {"enum": [OrganisationStatus.ACTIVE, OrganisationStatus.INACTIVE]},
}


class OrganisationIn(Schema):
    name: str = stated(**ORGANISATION_FIELDS["name"])
    acronym: str = stated("", **ORGANISATION_FIELDS["acronym"])
    category: str = stated(**ORGANISATION_FIELDS["category"])
    stakeholder_group: str = stated(**ORGANISATION_FIELDS["stakeholder_group"])
    sectors: list[str] = stated([], **ORGANISATION_FIELDS["sectors"])
    country: str = stated(**ORGANISATION_FIELDS["country"])
    language: str = stated("en", **ORGANISATION_FIELDS["language"])
    address: str = ""
    email: str = stated("", **ORGANISATION_FIELDS["email"])
    website: str = stated("", **ORGANISATION_FIELDS["website"])
    external_id: str | None = stated(None, **ORGANISATION_FIELDS["external_id"])
    status: str = stated(OrganisationStatus.ACTIVE, **ORGANISATION_FIELDS["status"])


class OrganisationPatch(Schema):
    """Only the fields sent change."""

    name: str | None = stated(None, **ORGANISATION_FIELDS["name"])
    acronym: str | None = stated(None, **ORGANISATION_FIELDS["acronym"])
    category: str | None = stated(None, **ORGANISATION_FIELDS["category"])
    stakeholder_group: str | None = stated(None, **ORGANISATION_FIELDS["stakeholder_group"])
    sectors: list[str] | None = stated(None, **ORGANISATION_FIELDS["sectors"])
    country: str | None = stated(None, **ORGANISATION_FIELDS["country"])
    language: str | None = stated(None, **ORGANISATION_FIELDS["language"])
    address: str | None = None
    email: str | None = stated(None, **ORGANISATION_FIELDS["email"])
    website: str | None = stated(None, **ORGANISATION_FIELDS["website"])
    external_id: str | None = stated(None, **ORGANISATION_FIELDS["external_id"])
    status: str | None = stated(None, **ORGANISATION_FIELDS["status"])


class PersonOut(Schema):
    id: int
    title: str
    given_name: str
    family_name: str
    email: str
    phone: str
    fax: str
    nationality: str
    created_at: datetime
    updated_at: datetime


PERSON_EMAIL = optional("email", MAX_LENGTH["email"])
PERSON_NATIONALITY: dict[str, Any] = {"enum": ["", *sorted(COUNTRIES)]}


class PersonIn(Schema):
    """A person joins the directory through an organisation, in a role."""

    organisation: Id
    role: str = stated(enum=PositionRole.values)
    function: Function = ""
    title: Title = ""
    given_name: GivenName = ""
    family_name: FamilyName = stated(allOf=[{"pattern": NOT_BLANK}])
    email: str = stated("", **PERSON_EMAIL)
    phone: Phone = ""
    fax: Fax = ""
    nationality: str = stated("", **PERSON_NATIONALITY)


class PersonPatch(Schema):
    title: Title | None = None
    given_name: GivenName | None = None
    family_name: FamilyName | None = None
    email: str | None = stated(None, **PERSON_EMAIL)
    phone: Phone | None = None
    fax: Fax | None = None
    nationality: str | None = stated(None, **PERSON_NATIONALITY)


# Representations


def organisation_data(organisation: Organisation) -> dict[str, Any]:
    positions = sorted(organisation.positions.all(), key=lambda p: (p.role, p.pk))
    return OrganisationOut(
        id=organisation.pk,
        external_id=organisation.external_id,
        name=organisation.name,
        acronym=organisation.acronym,
        category=organisation.category,
        stakeholder_group=organisation.stakeholder_group,
        sectors=organisation.sectors,
        country=organisation.country,
        region=organisation.region,
        language=organisation.language,
        address=organisation.address,
        email=organisation.email,
        website=organisation.website,
        status=organisation.status,
        merged_into=organisation.merged_into_id,
        people=[
            PositionOut(person=p.person_id, role=p.role, function=p.function) for p in positions
        ],
        created_at=organisation.created_at,
        updated_at=organisation.updated_at,
    ).model_dump(mode="json")


def person_data(person: Person) -> dict[str, Any]:
    return PersonOut.model_validate(person).model_dump(mode="json")


def _organisations() -> QuerySet[Organisation]:
    return Organisation.objects.prefetch_related(
        Prefetch("positions", queryset=Position.objects.order_by("role", "id"))
    )


def _organisation(pk: int) -> Organisation:
    return get_object_or_404(_organisations(), pk=pk)


def form_errors(form: Any) -> dict[str, list[str]]:
    return {
        ("body" if field == "__all__" else field): [str(message) for message in messages]
        for field, messages in form.errors.items()
    }


def _refuse(form: Any) -> None:
    error(422, _("Some fields are not valid."), form_errors(form))


def _refuse_nulls(changes: dict[str, Any]) -> None:
    """A PATCH may leave a field out, not empty it with null."""
    nulls = [field for field, value in changes.items() if value is None]
    if nulls:
        error(422, _("Some fields are not valid."), {f: [_("May not be null.")] for f in nulls})


# Organisations


@organisations.get("", response={200: Page[OrganisationOut], **ERRORS})
@scope(READ)
def list_organisations(
    request: HttpRequest,
    q: str = "",
    category: str = "",
    stakeholder_group: str = "",
    sector: str = "",
    country: str = "",
    region: str = "",
    language: str = "",
    status: str = "",
    cursor: str | None = None,
    limit: int = DEFAULT_LIMIT,
) -> HttpResponse:
    """Organisations in id order; without `status`, merged ones are left out."""
    filters = DirectoryFilterForm(
        {
            "q": q,
            "category": category,
            "stakeholder_group": stakeholder_group,
            "sector": sector,
            "region": region,
            "country": country.upper(),
            "language": language,
        }
    )
    if not filters.is_valid():
        error(422, _("Some filters are not valid."), form_errors(filters))
    if status and status not in OrganisationStatus.values:
        error(
            422,
            _("Some filters are not valid."),
            {"status": [_("One of: %(values)s.") % {"values": ", ".join(OrganisationStatus)}]},
        )
    criteria = DirectoryFilter(**filters.cleaned_data, include_merged=bool(status))
    rows = search_organisations(criteria).prefetch_related(
        Prefetch("positions", queryset=Position.objects.order_by("role", "id"))
    )
    if status:
        rows = rows.filter(status=status)
    return page_of(request, rows, cursor=cursor, limit=limit, serialize=organisation_data)


@changes_operation(organisations, ["directory.organisation", "directory.position"], read_scope=READ)
def organisation_changes(entry: AuditEntry) -> dict[str, Any]:
    """Every change to organisations after `since`, in commit order (people's roles in an
    organisation count as a change to it; a merge is `merged` on the duplicate)."""
    if entry.object_type == "directory.position":
        return feed_record(
            entry, "organisations", object_id=str(entry.organisation_id), action="updated"
        )
    action = {
        "summitdesk.organisation.created": "created",
        "summitdesk.organisation.merged": "merged",
    }.get(entry.action, "updated")
    return feed_record(entry, "organisations", action=action)


@organisations.get("/{int:organisation_id}", response={200: OrganisationOut, **ERRORS})
@scope(READ)
def get_organisation(request: HttpRequest, organisation_id: Id) -> HttpResponse:
    """One organisation, with its ETag (send it back in If-Match to update)."""
    return with_etag(request, organisation_data(_organisation(organisation_id)))


@organisations.post("", response={201: OrganisationOut, **WRITE_ERRORS})
@scope(WRITE)
def create_organisation(request: HttpRequest, payload: OrganisationIn) -> HttpResponse:
    data = payload.model_dump()
    data["external_id"] = data["external_id"] or ""
    form = OrganisationForm(data)
    if not form.is_valid():
        _refuse(form)
    organisation = services.create_organisation(
        form.changed_data_for_service(), actor=actor(request)
    )
    services.flag_duplicates(organisation)
    return with_etag(request, organisation_data(_organisation(organisation.pk)), status=201)


def _form_data(organisation: Organisation) -> dict[str, Any]:
    fields = OrganisationForm.Meta.fields
    data = {field: getattr(organisation, field) for field in fields}
    data["external_id"] = data["external_id"] or ""
    data["sectors"] = organisation.sectors
    return data


@organisations.patch("/{int:organisation_id}", response={200: OrganisationOut, **WRITE_ERRORS})
@scope(WRITE)
def update_organisation(
    request: HttpRequest, organisation_id: Id, payload: OrganisationPatch
) -> HttpResponse:
    """Change the fields sent; needs If-Match with the ETag last read."""
    organisation = get_object_or_404(_organisations(), pk=organisation_id)
    # The service locks the row and refuses it if it changed after this read.
    version = version_matched(request, organisation_data(organisation), organisation)
    if organisation.status == OrganisationStatus.MERGED:
        error(
            409,
            _("This organisation was merged into #%(id)s: change that one.")
            % {"id": organisation.merged_into_id},
        )
    changes = payload.model_dump(exclude_unset=True)
    if changes.get("external_id") is None and "external_id" in changes:
        changes["external_id"] = ""
    _refuse_nulls(changes)
    form = OrganisationForm(_form_data(organisation) | changes, instance=organisation)
    if not form.is_valid():
        _refuse(form)
    target = Organisation.objects.get(pk=organisation.pk)
    with stale_as_412():
        services.update_organisation(
            target, form.changed_data_for_service(), actor=actor(request), expected_version=version
        )
    return with_etag(request, organisation_data(_organisation(organisation.pk)))


# People


@people.get("", response={200: Page[PersonOut], **ERRORS})
@scope(READ)
def list_people(
    request: HttpRequest,
    organisation: Id | None = None,
    email: str = "",
    cursor: str | None = None,
    limit: int = DEFAULT_LIMIT,
) -> HttpResponse:
    """People in id order; `organisation` keeps those holding a role in it."""
    rows = Person.objects.all()
    if organisation is not None:
        rows = rows.filter(positions__organisation=organisation).distinct()
    if email:
        rows = rows.filter(email__iexact=email)
    return page_of(request, rows, cursor=cursor, limit=limit, serialize=person_data)


@changes_operation(people, ["directory.person"], read_scope=READ)
def person_changes(entry: AuditEntry) -> dict[str, Any]:
    """Every change to people after `since`, in commit order."""
    return feed_record(entry, "people")


@people.get("/{int:person_id}", response={200: PersonOut, **ERRORS})
@scope(READ)
def get_person(request: HttpRequest, person_id: Id) -> HttpResponse:
    return with_etag(request, person_data(get_object_or_404(Person, pk=person_id)))


@people.post("", response={201: PersonOut, **WRITE_ERRORS})
@scope(WRITE)
def create_person(request: HttpRequest, payload: PersonIn) -> HttpResponse:
    """Add a person to an organisation in a role (a new chief executive or focal point
    replaces the previous one, who stays on as another contact)."""
    organisation = Organisation.objects.current().filter(pk=payload.organisation).first()
    if organisation is None:
        error(
            422,
            _("Some fields are not valid."),
            {"organisation": [_("No current organisation has that id.")]},
        )
    form = DirectoryPersonForm(payload.model_dump(exclude={"organisation"}))
    if not form.is_valid():
        _refuse(form)
    who = actor(request)
    person = Person()
    services.save_person(person, form.person_data(), organisation=organisation, actor=who)
    services.assign_position(
        organisation,
        person,
        role=PositionRole(form.cleaned_data["role"]),
        function=form.cleaned_data["function"],
        actor=who,
    )
    return with_etag(request, person_data(person), status=201)


@people.patch("/{int:person_id}", response={200: PersonOut, **WRITE_ERRORS})
@scope(WRITE)
def update_person(request: HttpRequest, person_id: Id, payload: PersonPatch) -> HttpResponse:
    """Change the fields sent; needs If-Match with the ETag last read."""
    person = get_object_or_404(Person, pk=person_id)
    version = version_matched(request, person_data(person), person)
    changes = payload.model_dump(exclude_unset=True)
    _refuse_nulls(changes)
    position = person.positions.select_related("organisation").order_by("id").first()
    if position is None:
        error(409, _("This person holds no role in any organisation."))
    current = {field: getattr(person, field) for field in DirectoryPersonForm.Meta.fields}
    data = current | changes | {"role": position.role, "function": position.function}
    form = DirectoryPersonForm(data, instance=person)
    if not form.is_valid():
        _refuse(form)
    target = Person.objects.get(pk=person.pk)
    with stale_as_412():
        services.save_person(
            target,
            form.person_data(),
            organisation=position.organisation,
            actor=actor(request),
            expected_version=version,
        )
    return with_etag(request, person_data(target))
