"""A circular's audience: saved filters over the directory.

Filters of different kinds all apply (category AND region...); several values of one kind
are alternatives (Africa OR Arab States). Explicit includes are added whatever the filters
say; explicit excludes are removed last.
"""

from dataclasses import asdict, dataclass, field, fields
from typing import Any

from django.db.models import Q

from summitdesk.admission.enums import AdmissionStatus
from summitdesk.admission.models import Admission
from summitdesk.delegations.enums import ReplyState
from summitdesk.delegations.models import Reply
from summitdesk.directory.models import Organisation, OrganisationQuerySet
from summitdesk.directory.queries import SECTOR_FIELDS
from summitdesk.lib.countries import countries_in_region


@dataclass(frozen=True)
class Audience:
    categories: list[str] = field(default_factory=list)
    stakeholder_groups: list[str] = field(default_factory=list)
    sectors: list[str] = field(default_factory=list)
    regions: list[str] = field(default_factory=list)
    countries: list[str] = field(default_factory=list)
    languages: list[str] = field(default_factory=list)
    # Codes of earlier meetings: organisations that attended any of them, i.e. whose reply
    # about it said they would come and was sent (submitted or amended). Being invited
    # is not enough. (The name is kept: saved circulars use it.)
    participated_in: list[str] = field(default_factory=list)
    # Codes of processes: organisations admitted to any of them and not suspended or
    # withdrawn (read when the circular is dispatched, so it reaches those admitted since).
    admitted_to: list[str] = field(default_factory=list)
    include: list[int] = field(default_factory=list)
    exclude: list[int] = field(default_factory=list)

    @classmethod
    def from_json(cls, data: dict[str, Any] | None) -> "Audience":
        known = {f.name for f in fields(cls)}
        return cls(**{key: list(value) for key, value in (data or {}).items() if key in known})

    def to_json(self) -> dict[str, list[Any]]:
        return {key: value for key, value in asdict(self).items() if value}

    @property
    def is_empty(self) -> bool:
        return not any(asdict(self).values())

    def organisations(self) -> OrganisationQuerySet:
        """The current organisations this audience reaches (none when nothing is chosen)."""
        if self.is_empty:
            return Organisation.objects.none()
        matched = Q()
        filtered = False
        for name, column in (
            ("categories", "category"),
            ("stakeholder_groups", "stakeholder_group"),
            ("countries", "country"),
            ("languages", "language"),
        ):
            values = getattr(self, name)
            if values:
                matched &= Q(**{f"{column}__in": values})
                filtered = True
        if self.sectors:
            any_sector = Q()
            for sector in self.sectors:
                if sector in SECTOR_FIELDS:
                    any_sector |= Q(**{SECTOR_FIELDS[sector]: True})
            matched &= any_sector
            filtered = True
        if self.regions:
            countries = [code for region in self.regions for code in countries_in_region(region)]
            matched &= Q(country__in=countries)
            filtered = True
        if self.participated_in:
            attended = Reply.objects.filter(
                meeting__code__in=self.participated_in,
                state__in=[ReplyState.SUBMITTED, ReplyState.AMENDED],
                attending=True,
            )
            matched &= Q(pk__in=attended.values("organisation"))
            filtered = True
        if self.admitted_to:
            admitted = Admission.objects.filter(
                process__code__in=self.admitted_to, status=AdmissionStatus.ADMITTED
            )
            matched &= Q(pk__in=admitted.values("organisation"))
            filtered = True
        selection = matched if filtered else Q(pk__in=[])
        if self.include:
            selection |= Q(pk__in=self.include)
        queryset = Organisation.objects.current().filter(selection)
        if self.exclude:
            queryset = queryset.exclude(pk__in=self.exclude)
        return queryset.distinct()
