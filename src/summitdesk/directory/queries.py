"""Reading the directory: search and filters shared by pages, CLI and API."""

from dataclasses import dataclass

from django.db.models import Q

from summitdesk.directory.models import Organisation, OrganisationQuerySet
from summitdesk.lib.countries import countries_in_region
from summitdesk.lib.text import search_words

SECTOR_FIELDS = {"ITU-R": "itu_r", "ITU-T": "itu_t", "ITU-D": "itu_d"}


@dataclass(frozen=True)
class DirectoryFilter:
    q: str = ""
    category: str = ""
    stakeholder_group: str = ""
    sector: str = ""
    region: str = ""
    country: str = ""
    language: str = ""
    include_merged: bool = False


def search_organisations(f: DirectoryFilter) -> OrganisationQuerySet:
    """Organisations matching every word of `q` (ignoring case and accents) and the filters."""
    queryset = Organisation.objects.all() if f.include_merged else Organisation.objects.current()
    for word in search_words(f.q):
        queryset = queryset.filter(search_text__contains=word)
    exact = {
        "category": f.category,
        "stakeholder_group": f.stakeholder_group,
        "country": f.country,
        "language": f.language,
    }
    queryset = queryset.filter(**{field: value for field, value in exact.items() if value})
    if f.sector in SECTOR_FIELDS:
        queryset = queryset.filter(**{SECTOR_FIELDS[f.sector]: True})
    if f.region:
        queryset = queryset.filter(Q(country__in=countries_in_region(f.region)))
    return queryset
