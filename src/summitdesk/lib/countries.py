"""ISO 3166-1 countries grouped into the six ITU development regions.

The region grouping follows the ITU Telecommunication Development Sector (BDT) regions used by
the summit secretariat: Africa, Americas, Arab States, Asia-Pacific, CIS and Europe.

Country names and alpha-3 codes come from :mod:`pycountry` at runtime; the region of every
alpha-2 code is spelled out explicitly in :data:`COUNTRY_REGIONS` below, and importing this
module fails loudly if pycountry knows a country that the mapping does not cover.

Names are shown in the reader's language (`country_name`, `country_choices`): in English as
ISO 3166 gives them (pycountry), in the other languages as the Unicode CLDR's catalogues
name the territory (Babel). Nationalities are shown as the name of the country.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

import pycountry
from django.utils.translation import get_language

from summitdesk.lib.locales import cldr_locale
from summitdesk.lib.text import fold

__all__ = [
    "COUNTRIES",
    "COUNTRY_REGIONS",
    "REGIONS",
    "UNKNOWN_REGION",
    "Country",
    "countries_in_region",
    "country_choices",
    "country_name",
    "lookup_country",
    "normalize_name",
    "region_of",
]

#: Region key -> English label.
REGIONS: dict[str, str] = {
    "africa": "Africa",
    "americas": "Americas",
    "arab-states": "Arab States",
    "asia-pacific": "Asia-Pacific",
    "cis": "CIS",
    "europe": "Europe",
}

# Alpha-2 code -> region key.
#
# Sovereign states follow the ITU-D regional grouping: Arab States are the 22 League of Arab
# States members (so Comoros, Djibouti, Somalia, Sudan, Mauritania and the North African Arab
# states are *not* in Africa); CIS is the nine listed states, while Georgia, Moldova and Ukraine
# are in Europe; Cyprus, Israel and Türkiye are in Europe.
#
# Dependent territories and other areas are placed by geography, not by the administering
# state. Judgment calls:
# - EH (Western Sahara): Africa; it is not a League of Arab States member.
# - YT (Mayotte): Africa, although neighbouring Comoros is in Arab States.
# - SH (Saint Helena) and BV (Bouvet Island): South Atlantic, nearest continent is Africa.
# - FK (Falklands) and GS (South Georgia): Americas, off South America.
# - GL (Greenland), BM (Bermuda), PM (Saint Pierre and Miquelon): Americas (North America).
# - AQ (Antarctica), HM (Heard and McDonald), TF (French Southern Territories), IO (British
#   Indian Ocean Territory): Asia-Pacific, as Indian Ocean / Southern Ocean areas.
# - UM (US Minor Outlying Islands): Asia-Pacific; all but Navassa Island lie in the Pacific.
# - HK, MO, TW: Asia-Pacific.
# - SJ (Svalbard and Jan Mayen), AX, FO, GG, GI, IM, JE: Europe.
COUNTRY_REGIONS: dict[str, str] = {
    # Africa (ITU: 44 Member States)
    "AO": "africa",  # Angola
    "BF": "africa",  # Burkina Faso
    "BI": "africa",  # Burundi
    "BJ": "africa",  # Benin
    "BW": "africa",  # Botswana
    "CD": "africa",  # Congo, The Democratic Republic of the
    "CF": "africa",  # Central African Republic
    "CG": "africa",  # Congo
    "CI": "africa",  # Côte d'Ivoire
    "CM": "africa",  # Cameroon
    "CV": "africa",  # Cabo Verde
    "ER": "africa",  # Eritrea
    "ET": "africa",  # Ethiopia
    "GA": "africa",  # Gabon
    "GH": "africa",  # Ghana
    "GM": "africa",  # Gambia
    "GN": "africa",  # Guinea
    "GQ": "africa",  # Equatorial Guinea
    "GW": "africa",  # Guinea-Bissau
    "KE": "africa",  # Kenya
    "LR": "africa",  # Liberia
    "LS": "africa",  # Lesotho
    "MG": "africa",  # Madagascar
    "ML": "africa",  # Mali
    "MU": "africa",  # Mauritius
    "MW": "africa",  # Malawi
    "MZ": "africa",  # Mozambique
    "NA": "africa",  # Namibia
    "NE": "africa",  # Niger
    "NG": "africa",  # Nigeria
    "RW": "africa",  # Rwanda
    "SC": "africa",  # Seychelles
    "SL": "africa",  # Sierra Leone
    "SN": "africa",  # Senegal
    "SS": "africa",  # South Sudan
    "ST": "africa",  # Sao Tome and Principe
    "SZ": "africa",  # Eswatini
    "TD": "africa",  # Chad
    "TG": "africa",  # Togo
    "TZ": "africa",  # Tanzania, United Republic of
    "UG": "africa",  # Uganda
    "ZA": "africa",  # South Africa
    "ZM": "africa",  # Zambia
    "ZW": "africa",  # Zimbabwe
    # Africa: territories and other areas
    "BV": "africa",  # Bouvet Island
    "EH": "africa",  # Western Sahara
    "RE": "africa",  # Réunion
    "SH": "africa",  # Saint Helena, Ascension and Tristan da Cunha
    "YT": "africa",  # Mayotte
    # Americas
    "AG": "americas",  # Antigua and Barbuda
    "AR": "americas",  # Argentina
    "BB": "americas",  # Barbados
    "BO": "americas",  # Bolivia, Plurinational State of
    "BR": "americas",  # Brazil
    "BS": "americas",  # Bahamas
    "BZ": "americas",  # Belize
    "CA": "americas",  # Canada
    "CL": "americas",  # Chile
    "CO": "americas",  # Colombia
    "CR": "americas",  # Costa Rica
    "CU": "americas",  # Cuba
    "DM": "americas",  # Dominica
    "DO": "americas",  # Dominican Republic
    "EC": "americas",  # Ecuador
    "GD": "americas",  # Grenada
    "GT": "americas",  # Guatemala
    "GY": "americas",  # Guyana
    "HN": "americas",  # Honduras
    "HT": "americas",  # Haiti
    "JM": "americas",  # Jamaica
    "KN": "americas",  # Saint Kitts and Nevis
    "LC": "americas",  # Saint Lucia
    "MX": "americas",  # Mexico
    "NI": "americas",  # Nicaragua
    "PA": "americas",  # Panama
    "PE": "americas",  # Peru
    "PY": "americas",  # Paraguay
    "SR": "americas",  # Suriname
    "SV": "americas",  # El Salvador
    "TT": "americas",  # Trinidad and Tobago
    "US": "americas",  # United States
    "UY": "americas",  # Uruguay
    "VC": "americas",  # Saint Vincent and the Grenadines
    "VE": "americas",  # Venezuela, Bolivarian Republic of
    # Americas: territories and other areas
    "AI": "americas",  # Anguilla
    "AW": "americas",  # Aruba
    "BL": "americas",  # Saint Barthélemy
    "BM": "americas",  # Bermuda
    "BQ": "americas",  # Bonaire, Sint Eustatius and Saba
    "CW": "americas",  # Curaçao
    "FK": "americas",  # Falkland Islands (Malvinas)
    "GF": "americas",  # French Guiana
    "GL": "americas",  # Greenland
    "GP": "americas",  # Guadeloupe
    "GS": "americas",  # South Georgia and the South Sandwich Islands
    "KY": "americas",  # Cayman Islands
    "MF": "americas",  # Saint Martin (French part)
    "MQ": "americas",  # Martinique
    "MS": "americas",  # Montserrat
    "PM": "americas",  # Saint Pierre and Miquelon
    "PR": "americas",  # Puerto Rico
    "SX": "americas",  # Sint Maarten (Dutch part)
    "TC": "americas",  # Turks and Caicos Islands
    "VG": "americas",  # Virgin Islands, British
    "VI": "americas",  # Virgin Islands, U.S.
    # Arab States (the 22 League of Arab States members)
    "AE": "arab-states",  # United Arab Emirates
    "BH": "arab-states",  # Bahrain
    "DJ": "arab-states",  # Djibouti
    "DZ": "arab-states",  # Algeria
    "EG": "arab-states",  # Egypt
    "IQ": "arab-states",  # Iraq
    "JO": "arab-states",  # Jordan
    "KM": "arab-states",  # Comoros
    "KW": "arab-states",  # Kuwait
    "LB": "arab-states",  # Lebanon
    "LY": "arab-states",  # Libya
    "MA": "arab-states",  # Morocco
    "MR": "arab-states",  # Mauritania
    "OM": "arab-states",  # Oman
    "PS": "arab-states",  # Palestine, State of
    "QA": "arab-states",  # Qatar
    "SA": "arab-states",  # Saudi Arabia
    "SD": "arab-states",  # Sudan
    "SO": "arab-states",  # Somalia
    "SY": "arab-states",  # Syrian Arab Republic
    "TN": "arab-states",  # Tunisia
    "YE": "arab-states",  # Yemen
    # Asia-Pacific
    "AF": "asia-pacific",  # Afghanistan
    "AU": "asia-pacific",  # Australia
    "BD": "asia-pacific",  # Bangladesh
    "BN": "asia-pacific",  # Brunei Darussalam
    "BT": "asia-pacific",  # Bhutan
    "CN": "asia-pacific",  # China
    "FJ": "asia-pacific",  # Fiji
    "FM": "asia-pacific",  # Micronesia, Federated States of
    "ID": "asia-pacific",  # Indonesia
    "IN": "asia-pacific",  # India
    "IR": "asia-pacific",  # Iran, Islamic Republic of
    "JP": "asia-pacific",  # Japan
    "KH": "asia-pacific",  # Cambodia
    "KI": "asia-pacific",  # Kiribati
    "KP": "asia-pacific",  # Korea, Democratic People's Republic of
    "KR": "asia-pacific",  # Korea, Republic of
    "LA": "asia-pacific",  # Lao People's Democratic Republic
    "LK": "asia-pacific",  # Sri Lanka
    "MH": "asia-pacific",  # Marshall Islands
    "MM": "asia-pacific",  # Myanmar
    "MN": "asia-pacific",  # Mongolia
    "MV": "asia-pacific",  # Maldives
    "MY": "asia-pacific",  # Malaysia
    "NP": "asia-pacific",  # Nepal
    "NR": "asia-pacific",  # Nauru
    "NZ": "asia-pacific",  # New Zealand
    "PG": "asia-pacific",  # Papua New Guinea
    "PH": "asia-pacific",  # Philippines
    "PK": "asia-pacific",  # Pakistan
    "PW": "asia-pacific",  # Palau
    "SB": "asia-pacific",  # Solomon Islands
    "SG": "asia-pacific",  # Singapore
    "TH": "asia-pacific",  # Thailand
    "TL": "asia-pacific",  # Timor-Leste
    "TO": "asia-pacific",  # Tonga
    "TV": "asia-pacific",  # Tuvalu
    "VN": "asia-pacific",  # Viet Nam
    "VU": "asia-pacific",  # Vanuatu
    "WS": "asia-pacific",  # Samoa
    # Asia-Pacific: territories and other areas
    "AQ": "asia-pacific",  # Antarctica
    "AS": "asia-pacific",  # American Samoa
    "CC": "asia-pacific",  # Cocos (Keeling) Islands
    "CK": "asia-pacific",  # Cook Islands
    "CX": "asia-pacific",  # Christmas Island
    "GU": "asia-pacific",  # Guam
    "HK": "asia-pacific",  # Hong Kong
    "HM": "asia-pacific",  # Heard Island and McDonald Islands
    "IO": "asia-pacific",  # British Indian Ocean Territory
    "MO": "asia-pacific",  # Macao
    "MP": "asia-pacific",  # Northern Mariana Islands
    "NC": "asia-pacific",  # New Caledonia
    "NF": "asia-pacific",  # Norfolk Island
    "NU": "asia-pacific",  # Niue
    "PF": "asia-pacific",  # French Polynesia
    "PN": "asia-pacific",  # Pitcairn
    "TF": "asia-pacific",  # French Southern Territories
    "TK": "asia-pacific",  # Tokelau
    "TW": "asia-pacific",  # Taiwan, Province of China
    "UM": "asia-pacific",  # United States Minor Outlying Islands
    "WF": "asia-pacific",  # Wallis and Futuna
    # CIS
    "AM": "cis",  # Armenia
    "AZ": "cis",  # Azerbaijan
    "BY": "cis",  # Belarus
    "KG": "cis",  # Kyrgyzstan
    "KZ": "cis",  # Kazakhstan
    "RU": "cis",  # Russian Federation
    "TJ": "cis",  # Tajikistan
    "TM": "cis",  # Turkmenistan
    "UZ": "cis",  # Uzbekistan
    # Europe (incl. Cyprus, Georgia, Israel, Moldova, Türkiye, Ukraine)
    "AD": "europe",  # Andorra
    "AL": "europe",  # Albania
    "AT": "europe",  # Austria
    "BA": "europe",  # Bosnia and Herzegovina
    "BE": "europe",  # Belgium
    "BG": "europe",  # Bulgaria
    "CH": "europe",  # Switzerland
    "CY": "europe",  # Cyprus
    "CZ": "europe",  # Czechia
    "DE": "europe",  # Germany
    "DK": "europe",  # Denmark
    "EE": "europe",  # Estonia
    "ES": "europe",  # Spain
    "FI": "europe",  # Finland
    "FR": "europe",  # France
    "GB": "europe",  # United Kingdom
    "GE": "europe",  # Georgia
    "GR": "europe",  # Greece
    "HR": "europe",  # Croatia
    "HU": "europe",  # Hungary
    "IE": "europe",  # Ireland
    "IL": "europe",  # Israel
    "IS": "europe",  # Iceland
    "IT": "europe",  # Italy
    "LI": "europe",  # Liechtenstein
    "LT": "europe",  # Lithuania
    "LU": "europe",  # Luxembourg
    "LV": "europe",  # Latvia
    "MC": "europe",  # Monaco
    "MD": "europe",  # Moldova, Republic of
    "ME": "europe",  # Montenegro
    "MK": "europe",  # North Macedonia
    "MT": "europe",  # Malta
    "NL": "europe",  # Netherlands
    "NO": "europe",  # Norway
    "PL": "europe",  # Poland
    "PT": "europe",  # Portugal
    "RO": "europe",  # Romania
    "RS": "europe",  # Serbia
    "SE": "europe",  # Sweden
    "SI": "europe",  # Slovenia
    "SK": "europe",  # Slovakia
    "SM": "europe",  # San Marino
    "TR": "europe",  # Türkiye
    "UA": "europe",  # Ukraine
    "VA": "europe",  # Holy See (Vatican City State)
    # Europe: territories and other areas
    "AX": "europe",  # Åland Islands
    "FO": "europe",  # Faroe Islands
    "GG": "europe",  # Guernsey
    "GI": "europe",  # Gibraltar
    "IM": "europe",  # Isle of Man
    "JE": "europe",  # Jersey
    "SJ": "europe",  # Svalbard and Jan Mayen
}


@dataclass(frozen=True)
class Country:
    """One ISO 3166-1 country with its ITU region."""

    code: str  # ISO 3166-1 alpha-2
    alpha3: str  # ISO 3166-1 alpha-3
    name: str  # pycountry common_name if present, else name
    region: str  # key of REGIONS

    @property
    def region_label(self) -> str:
        return REGIONS[self.region]


# Common English short forms that are not pycountry name / common_name / official_name values.
_ALIASES: dict[str, str] = {
    "Russia": "RU",
    "United States": "US",
    "USA": "US",
    "UK": "GB",
    "United Kingdom": "GB",
    "Great Britain": "GB",
    "South Korea": "KR",
    "North Korea": "KP",
    "Iran": "IR",
    "Syria": "SY",
    "Vietnam": "VN",
    "Bolivia": "BO",
    "Venezuela": "VE",
    "Tanzania": "TZ",
    "Moldova": "MD",
    "Laos": "LA",
    "Czech Republic": "CZ",
    "Turkey": "TR",
    "Ivory Coast": "CI",
    "Palestine": "PS",
    "Brunei": "BN",
    "Micronesia": "FM",
    "Cape Verde": "CV",
    "Holy See": "VA",
    "Vatican": "VA",
    "Democratic Republic of the Congo": "CD",
    "DR Congo": "CD",
}

_NON_ALNUM = re.compile(r"[^0-9a-z]+")


def normalize_name(value: str) -> str:
    """`lib.text.fold`, then every run of characters outside a-z and 0-9 made one space:
    "Côte d'Ivoire" -> "cote d ivoire". A key for country names as typed in English, where
    punctuation and spacing vary ("Cote-d'Ivoire") but mean nothing."""
    return _NON_ALNUM.sub(" ", fold(value)).strip()


def _build_countries() -> dict[str, Country]:
    unknown_regions = sorted(
        f"{code}={region}" for code, region in COUNTRY_REGIONS.items() if region not in REGIONS
    )
    if unknown_regions:
        raise RuntimeError(f"COUNTRY_REGIONS uses unknown region keys: {unknown_regions}")

    countries: dict[str, Country] = {}
    missing: list[str] = []
    for entry in pycountry.countries:
        code = entry.alpha_2
        region = COUNTRY_REGIONS.get(code)
        if region is None:
            missing.append(f"{code} ({entry.name})")
            continue
        common_name: str | None = getattr(entry, "common_name", None)
        countries[code] = Country(
            code=code,
            alpha3=entry.alpha_3,
            name=common_name or entry.name,
            region=region,
        )
    if missing:
        raise RuntimeError(
            "summitdesk.lib.countries: no ITU region for pycountry countries: "
            + ", ".join(missing)
            + " - add them to COUNTRY_REGIONS"
        )
    return dict(sorted(countries.items()))


COUNTRIES: dict[str, Country] = _build_countries()


def _build_index() -> dict[str, Country]:
    index: dict[str, Country] = {}

    def add(key: str, country: Country) -> None:
        normalized = normalize_name(key)
        if not normalized:
            return
        existing = index.get(normalized)
        if existing is not None and existing != country:
            raise RuntimeError(
                f"Ambiguous country lookup key {key!r}: {existing.code} and {country.code}"
            )
        index[normalized] = country

    for entry in pycountry.countries:
        country = COUNTRIES[entry.alpha_2]
        add(entry.alpha_2, country)
        add(entry.alpha_3, country)
        for attr in ("name", "common_name", "official_name"):
            value: str | None = getattr(entry, attr, None)
            if value:
                add(value, country)
    for alias, code in _ALIASES.items():
        add(alias, COUNTRIES[code])
    return index


_INDEX: dict[str, Country] = _build_index()


def lookup_country(value: str) -> Country | None:
    """Find a country by alpha-2, alpha-3 or English name (case/accent/punctuation-insensitive)."""
    return _INDEX.get(normalize_name(value))


#: The region key of a country the lookup does not know (an old code, a typing slip), so
#: that breakdowns still count it somewhere and filters can ask for it.
UNKNOWN_REGION = "unknown"


def region_of(country: str) -> str:
    """The region key of alpha-2 code `country`; UNKNOWN_REGION when it is not known."""
    known = COUNTRIES.get(country)
    return known.region if known else UNKNOWN_REGION


def countries_in_region(region: str) -> list[str]:
    """Sorted alpha-2 codes of the countries in ``region`` (a key of REGIONS)."""
    if region not in REGIONS:
        raise ValueError(f"Unknown region {region!r}; expected one of {sorted(REGIONS)}")
    return sorted(code for code, country in COUNTRIES.items() if country.region == region)


def _language(language: str | None) -> str:
    return (language or get_language() or "en").lower()


def country_name(code: str, language: str | None = None) -> str:
    """The name of the country of alpha-2 code `code` in `language` (Django's code; the
    active language if None): "Switzerland", "Suisse", "سويسرا", "瑞士". An unknown code is
    returned as it is, "" as "". A country CLDR does not name is named in English."""
    return _names(_language(language)).get(code, code)


@cache
def _names(language: str) -> dict[str, str]:
    english = {code: country.name for code, country in COUNTRIES.items()}
    if language.split("-")[0] == "en":
        return english
    territories = cldr_locale(language).territories
    return {code: territories.get(code, name) for code, name in english.items()}


def country_choices(language: str | None = None) -> list[tuple[str, str]]:
    """(alpha-2, name) pairs in `language` (the active one if None), sorted by name
    (accent-insensitive), for form select widgets."""
    return list(_choices(_language(language)))


@cache
def _choices(language: str) -> tuple[tuple[str, str], ...]:
    names = _names(language)
    return tuple(sorted(names.items(), key=lambda pair: (fold(pair[1]), pair[0])))
