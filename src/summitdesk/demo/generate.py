"""A directory of fictional organisations, generated from a seed: the same seed and count
always give the same organisations, people and external IDs.

Nothing here touches the database; `summitdesk.demo.load` saves what this describes, and the
benchmarks use it to make larger directories.
"""

import random
import re
from dataclasses import dataclass

from summitdesk.demo import names
from summitdesk.directory.enums import Category, Language, StakeholderGroup
from summitdesk.directory.models import Organisation, Person
from summitdesk.lib.countries import COUNTRIES, REGIONS
from summitdesk.lib.text import fold

# Each category's stakeholder group, as the WSIS counted participation.
STAKEHOLDER_GROUPS: dict[str, str] = {
    Category.MEMBER_STATE: StakeholderGroup.GOVERNMENTS,
    Category.SECTOR_MEMBER: StakeholderGroup.PRIVATE_SECTOR,
    Category.ASSOCIATE: StakeholderGroup.PRIVATE_SECTOR,
    Category.BUSINESS_ENTITY: StakeholderGroup.PRIVATE_SECTOR,
    # Universities and research institutes sat with civil society at the WSIS (its
    # "academic and educational" family); they were not yet an ITU membership category.
    Category.ACADEMIA: StakeholderGroup.CIVIL_SOCIETY,
    Category.CIVIL_SOCIETY: StakeholderGroup.CIVIL_SOCIETY,
    Category.INTERNATIONAL_ORGANISATION: StakeholderGroup.INTERNATIONAL_ORGANISATIONS,
    # The demo's media are broadcasters, newspapers and news agencies run as businesses;
    # community media, which the WSIS counted under civil society, are left out.
    Category.MEDIA: StakeholderGroup.PRIVATE_SECTOR,
}

# Share of the organisations that are not Member States, by category (Member States are
# one per country).
CATEGORY_SHARES: dict[str, float] = {
    Category.SECTOR_MEMBER: 0.33,
    Category.ASSOCIATE: 0.11,
    Category.ACADEMIA: 0.09,
    Category.BUSINESS_ENTITY: 0.17,
    Category.CIVIL_SOCIETY: 0.15,
    Category.INTERNATIONAL_ORGANISATION: 0.06,
    Category.MEDIA: 0.09,
}

# How often an acronym comes naturally, by category (Latin-script names only).
ACRONYM_ODDS: dict[str, float] = {
    Category.MEMBER_STATE: 0.6,
    Category.SECTOR_MEMBER: 0.3,
    Category.ASSOCIATE: 0.2,
    Category.ACADEMIA: 0.7,
    Category.BUSINESS_ENTITY: 0.3,
    Category.CIVIL_SOCIETY: 0.5,
    Category.INTERNATIONAL_ORGANISATION: 1.0,
    Category.MEDIA: 0.4,
}

MEMBER_STATES: list[str] = sorted(set(COUNTRIES) - names.NOT_MEMBER_STATES)
STATES_BY_REGION: dict[str, list[str]] = {
    region: [code for code in MEMBER_STATES if COUNTRIES[code].region == region]
    for region in REGIONS
}

# In every category some names are written in Arabic, Chinese, Cyrillic and accented
# Latin, whatever the draw: the directory must show that each script works everywhere.
SCRIPT_COUNTRIES = {"arabic": "EG", "chinese": "CN", "cyrillic": "RU", "accented": "SN"}

# Larger economies are home to more of the directory's companies and bodies; a country not
# listed weighs 1 within its region.
COUNTRY_WEIGHTS: dict[str, int] = {
    "CN": 12, "JP": 4, "IN": 4, "KR": 2, "AU": 2, "US": 5, "BR": 3, "MX": 2, "AR": 2,
    "CA": 2, "RU": 4, "KZ": 2, "FR": 3, "DE": 3, "GB": 3, "IT": 2, "ES": 2, "EG": 3,
    "SA": 3, "AE": 2, "MA": 2, "ZA": 3, "NG": 3, "KE": 2, "SN": 2,
}  # fmt: skip

NO_EMAIL_SHARE = 0.04  # organisations known only by fax and telephone
FOCAL_POINT_SHARE = 0.30
OTHER_LANGUAGE_SHARE = 0.10  # organisations corresponding in English, not their own language

# Legal forms and small words, left out of acronyms and web addresses.
_LEGAL_WORDS = frozenset(
    (
        "ltd", "plc", "inc", "sa", "sarl", "ag", "gmbh", "ltda", "as", "ab", "oy", "s", "a",
        "l", "c", "v", "de", "of", "the", "and", "for", "la", "las", "los", "del", "des", "du",
        "et", "y", "e", "da", "do", "para", "pour", "en", "in", "an",
    )
)  # fmt: skip
_ACCENTED = re.compile(r"[\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f]")
_ASCII_WORD = re.compile(r"[a-z0-9]+")


@dataclass(frozen=True)
class PersonSpec:
    title: str
    given_name: str
    family_name: str
    function: str
    email: str
    phone: str
    fax: str
    nationality: str

    def person(self) -> Person:
        return Person(
            title=self.title,
            given_name=self.given_name,
            family_name=self.family_name,
            email=self.email,
            phone=self.phone,
            fax=self.fax,
            nationality=self.nationality,
        )


@dataclass(frozen=True)
class OrganisationSpec:
    external_id: str
    name: str
    acronym: str
    category: str
    stakeholder_group: str
    itu_r: bool
    itu_t: bool
    itu_d: bool
    country: str
    language: str
    address: str
    email: str
    website: str
    chief_executive: PersonSpec
    focal_point: PersonSpec | None

    def organisation(self) -> Organisation:
        """An unsaved organisation (search fields not yet filled)."""
        return Organisation(
            external_id=self.external_id,
            name=self.name,
            acronym=self.acronym,
            category=self.category,
            stakeholder_group=self.stakeholder_group,
            itu_r=self.itu_r,
            itu_t=self.itu_t,
            itu_d=self.itu_d,
            country=self.country,
            language=self.language,
            address=self.address,
            email=self.email,
            website=self.website,
        )


def is_accented(text: str) -> bool:
    return bool(_ACCENTED.search(text))


def country_language(country: str) -> str:
    local = names.LOCAL_COUNTRY_NAMES.get(country)
    return local[0] if local else Language.ENGLISH.value


def category_counts(count: int) -> dict[str, int]:
    """How many organisations of each category make `count` in all."""
    states = min(count, len(MEMBER_STATES))
    others = count - states
    counts = {str(category): int(others * share) for category, share in CATEGORY_SHARES.items()}
    counts[Category.SECTOR_MEMBER.value] += others - sum(counts.values())
    return {Category.MEMBER_STATE.value: states, **counts}


class _Generator:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.names: set[str] = set()
        self.domains: set[str] = set()

    def directory(self, count: int) -> list[OrganisationSpec]:
        slots: list[tuple[str, str, str]] = []  # category, country, forced script
        counts = category_counts(count)
        states = self.rng.sample(MEMBER_STATES, counts.pop(Category.MEMBER_STATE.value))
        slots += [(Category.MEMBER_STATE.value, country, "") for country in states]
        for category, number in counts.items():
            forced = list(SCRIPT_COUNTRIES.items())[:number]
            slots += [(category, country, script) for script, country in forced]
            slots += [(category, "", "") for _ in range(number - len(forced))]
        self.rng.shuffle(slots)
        return [
            self.organisation(f"demo-{index:04d}", category, country, script)
            for index, (category, country, script) in enumerate(slots, start=1)
        ]

    def organisation(
        self, external_id: str, category: str, country: str, script: str
    ) -> OrganisationSpec:
        rng = self.rng
        if not country:
            states = STATES_BY_REGION[rng.choice(sorted(REGIONS))]
            weights = [COUNTRY_WEIGHTS.get(code, 1) for code in states]
            country = rng.choices(states, weights)[0]
        language = country_language(country)
        style = names.COUNTRY_STYLES.get(country, language)
        if (
            category != Category.MEMBER_STATE
            and not script
            and language != Language.ENGLISH
            and rng.random() < OTHER_LANGUAGE_SHARE
        ):
            language = style = Language.ENGLISH.value
        if category == Category.MEMBER_STATE:
            name = self.ministry(country, language)
        else:
            name = self.unique_name(category, style, accented=script == "accented")
        acronym = ""
        if rng.random() < ACRONYM_ODDS[category]:
            acronym = initials(name)
        domain = self.domain(name, acronym, external_id)
        reachable = rng.random() >= NO_EMAIL_SHARE
        mailbox = {"fr": "contact", "es": "contacto"}.get(language, "info")
        culture = self.culture(style, country)
        head_functions = names.HEAD_FUNCTIONS[category]
        chief = self.person(
            culture,
            country,
            function=head_functions.get(language, head_functions["en"]),
            domain=domain if reachable else "",
            role_mailbox="office.head",
            excellency=category == Category.MEMBER_STATE,
        )
        focal_point = None
        if reachable and rng.random() < FOCAL_POINT_SHARE:
            focal_point = self.person(
                culture,
                country,
                function=names.FOCAL_POINT_FUNCTIONS[language],
                domain=domain,
                role_mailbox="focal.point",
            )
        sectors = self.sectors(category)
        return OrganisationSpec(
            external_id=external_id,
            name=name,
            acronym=acronym,
            category=category,
            stakeholder_group=str(STAKEHOLDER_GROUPS[category]),
            itu_r="ITU-R" in sectors,
            itu_t="ITU-T" in sectors,
            itu_d="ITU-D" in sectors,
            country=country,
            language=language,
            address=self.address(style, country) if reachable else "",
            email=f"{mailbox}@{domain}" if reachable else "",
            website=f"https://{domain}/",
            chief_executive=chief,
            focal_point=focal_point,
        )

    def ministry(self, country: str, language: str) -> str:
        local = names.LOCAL_COUNTRY_NAMES.get(country)
        country_name = local[1] if local else COUNTRIES[country].name
        template = self.rng.choice(names.MINISTRIES[language])
        return self.claim(template.format(country=country_name))

    def unique_name(self, category: str, style: str, *, accented: bool = False) -> str:
        """A name not given yet; `accented` insists on accented Latin letters."""
        templates = names.TEMPLATES[style].get(category) or names.TEMPLATES["en"][category]
        for attempt in range(60):
            stem = self.rng.choice(names.STEMS[style])
            if attempt >= 10:  # the simple names are taken: join two stems
                joiner = "" if style == "zh" else ("-" if style == "ru" else " ")
                stem = f"{stem}{joiner}{self.rng.choice(names.STEMS[style])}"
            area_style = style if style in names.AREAS else "en"
            name = self.rng.choice(templates).format(
                stem=stem,
                place=self.rng.choice(names.PLACES[style]),
                area=self.rng.choice(names.AREAS[area_style]),
            )
            if name not in self.names and (not accented or is_accented(name)):
                return self.claim(name)
        number = 2
        while f"{name} {number}" in self.names:
            number += 1
        return self.claim(f"{name} {number}")

    def claim(self, name: str) -> str:
        self.names.add(name)
        return name

    def domain(self, name: str, acronym: str, external_id: str) -> str:
        # Folding leaves Arabic, Chinese and Cyrillic letters, which the ASCII words skip.
        words = [word for word in _ASCII_WORD.findall(fold(name)) if word not in _LEGAL_WORDS]
        if acronym and acronym.isascii():
            base = acronym.lower()
        elif words:
            base = "-".join(words[:3])
        else:
            base = external_id.replace("demo-", "org")
        domain, number = f"{base}.example.org", 2
        while domain in self.domains:
            domain, number = f"{base}-{number}.example.org", number + 1
        self.domains.add(domain)
        return domain

    def culture(self, style: str, country: str) -> str:
        region = COUNTRIES[country].region
        if style == "en":
            return {"africa": "en-africa", "asia-pacific": "en-asia"}.get(region, "en")
        if style == "nordic":
            return "de"
        if style in ("ar", "ru") and self.rng.random() < 0.4:
            return f"{style}-native"
        return style

    def person(
        self,
        culture: str,
        country: str,
        *,
        function: str,
        domain: str,
        role_mailbox: str,
        excellency: bool = False,
    ) -> PersonSpec:
        rng = self.rng
        woman = rng.random() < 0.4
        men, women = names.GIVEN_NAMES[culture]
        given = rng.choice(women if woman else men)
        his, hers = rng.choice(names.FAMILY_NAMES[culture])
        family = hers if woman else his
        if excellency:
            title = "H.E."
        elif rng.random() < 0.15:
            title = "Dr"
        else:
            title = "Ms" if woman else "Mr"
        email = ""
        if domain:
            # Names in Arabic or Cyrillic letters get a mailbox named after the role.
            local = ".".join(_ASCII_WORD.findall(fold(f"{given} {family}"))) or role_mailbox
            email = f"{local}@{domain}"
        return PersonSpec(
            title=title,
            given_name=given,
            family_name=family,
            function=function,
            email=email,
            phone=fictional_number(rng),
            fax=fictional_number(rng),
            nationality=country,
        )

    def sectors(self, category: str) -> set[str]:
        everything = ["ITU-R", "ITU-T", "ITU-D"]
        if category == Category.SECTOR_MEMBER:
            held = {sector for sector in everything if self.rng.random() < 0.5}
            return held or {self.rng.choice(everything)}
        if category == Category.ASSOCIATE:  # an associate takes part in one sector's work
            return {self.rng.choice(everything)}
        return set()

    def address(self, style: str, country: str) -> str:
        street = self.rng.choice(names.STREETS[style]).format(n=self.rng.randint(1, 250))
        postcode = str(self.rng.randint(1000, 99999))
        local = names.LOCAL_COUNTRY_NAMES.get(country)
        country_name = local[1] if local else COUNTRIES[country].name
        return f"{street}\n{postcode}\n{country_name.upper()}"


def fictional_number(rng: random.Random) -> str:
    """A telephone number no one answers: +999 is a country code ITU has never assigned."""
    return f"+999 {rng.randint(10, 99)} {rng.randint(100, 999)} {rng.randint(1000, 9999)}"


def initials(name: str) -> str:
    """An acronym from the capitalised words of a Latin-script name, or "" when none fits."""
    words = re.findall(r"[^\W\d_]+", name)
    letters = [
        word[0].upper()
        for word in words
        if word[0].isupper() and word.lower() not in _LEGAL_WORDS and word.isalpha()
    ]
    acronym = fold("".join(letters)).upper()  # acronyms go without accents: "TES", not "TÉS"
    if not 2 <= len(acronym) <= 6 or not acronym.isascii():
        return ""
    return acronym


def generate_directory(count: int, *, seed: int) -> list[OrganisationSpec]:
    """`count` fictional organisations: every Member State (when `count` allows), then the
    other categories in fixed shares, across all regions and the six languages."""
    return _Generator(seed).directory(count)
