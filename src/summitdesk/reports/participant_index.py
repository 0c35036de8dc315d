"""The index and search of a published List of Participants: written with the edition
(one EditionEntry per section, delegation and person, with its page), read by the public
page without opening the pages.

- The index: the sections (each category of each stakeholder group) with their first page,
  and the delegations (countries and organisations) under their initial letter.
- The search: every word of the query, folded (lib.text.fold: any case, no accents, any
  script), in a delegation's or a person's name. Bounded whatever is typed: the query is
  cut to QUERY_CHARS characters and QUERY_WORDS words, and at most RESULTS rows are read.
  People who may no longer be listed are left out at once, as on the pages.
"""

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from summitdesk.lib.text import fold, search_words
from summitdesk.meetings.models import Meeting
from summitdesk.reports import figures
from summitdesk.reports.models import Edition, EditionEntry, EntryKind

QUERY_CHARS = 100
QUERY_WORDS = 5
RESULTS = 50
_NAME_CHARS = EditionEntry._meta.get_field("name").max_length or 300


def _letter(folded: str) -> str:
    """The letter a name is indexed under: its first letter or digit, upper case."""
    for char in folded:
        if char.isalnum():
            return char.upper()
    return "#"


def _entry(edition: Edition, kind: str, page: int, name: str, **more: Any) -> EditionEntry:
    name = name[:_NAME_CHARS]
    folded = fold(name)[:_NAME_CHARS]
    return EditionEntry(
        edition=edition,
        kind=kind,
        page=page,
        name=name,
        folded=folded,
        letter=_letter(folded) if kind == EntryKind.DELEGATION else "",
        **more,
    )


def entries(edition: Edition, pages: Iterable[dict[str, Any]]) -> Iterator[EditionEntry]:
    """The index rows of `edition` from its pages (reports.participants.page_data), the
    first page of each section and delegation only."""
    seen_sections: set[tuple[str, str]] = set()
    seen_delegations: set[tuple[str, str, str]] = set()
    for number, page in enumerate(pages, start=1):
        for group in page["groups"]:
            for section in group["sections"]:
                section_key = (group["key"], section["key"])
                if section_key not in seen_sections:
                    seen_sections.add(section_key)
                    yield _entry(
                        edition,
                        EntryKind.SECTION,
                        number,
                        section["title"],
                        context=group["title"][:_NAME_CHARS],
                    )
                for delegation in section["delegations"]:
                    delegation_key = (*section_key, delegation["name"])
                    if delegation_key not in seen_delegations:
                        seen_delegations.add(delegation_key)
                        yield _entry(
                            edition,
                            EntryKind.DELEGATION,
                            number,
                            delegation["name"],
                            context=section["title"][:_NAME_CHARS],
                        )
                    for person in delegation["people"]:
                        yield _entry(
                            edition,
                            EntryKind.PERSON,
                            number,
                            person["name"],
                            context=delegation["name"][:_NAME_CHARS],
                            delegate_id=person.get("id"),
                        )


@dataclass(frozen=True)
class Section:
    group: str
    title: str
    page: int


def sections(edition: Edition) -> list[Section]:
    """The edition's sections in the list's order, each with its first page."""
    # Unordered in SQL, sorted here: "ORDER BY id" would lead the database to walk every
    # entry of the edition by id instead of the few sections through their index.
    rows = sorted(
        EditionEntry.objects.filter(edition=edition, kind=EntryKind.SECTION).order_by(),
        key=lambda row: row.id,
    )
    return [Section(group=row.context, title=row.name, page=row.page) for row in rows]


def letters(edition: Edition) -> list[str]:
    """The initial letters of the edition's delegations, in order."""
    found = (
        EditionEntry.objects.filter(edition=edition, kind=EntryKind.DELEGATION)
        .order_by()  # DISTINCT on the letter alone, read from the index
        .values_list("letter", flat=True)
        .distinct()
    )
    return sorted(set(found), key=lambda letter: (not letter.isalpha(), letter))


def delegations_under(edition: Edition, letter: str) -> list[EditionEntry]:
    """The delegations whose name starts with `letter`, by name (at most a few hundred:
    one per country or organisation)."""
    letter = letter[:4].upper()
    rows = EditionEntry.objects.filter(
        edition=edition, kind=EntryKind.DELEGATION, letter=letter
    ).order_by("folded", "page")
    return list(rows)


def clean_query(text: str) -> str:
    """The query as searched: blanks and control characters folded to single spaces, cut
    to QUERY_CHARS."""
    text = "".join(" " if ord(char) < 32 or ord(char) == 127 else char for char in text[:1000])
    return " ".join(text.split())[:QUERY_CHARS]


def search(edition: Edition, meeting: Meeting, query: str) -> tuple[list[EditionEntry], bool]:
    """The delegations and people whose name holds every word of `query`, in the list's
    order (the order `entries` wrote them in), at most RESULTS, and whether there were
    more. People no longer listable are left out (one query)."""
    words = search_words(clean_query(query))[:QUERY_WORDS]
    if not words:
        return [], False
    rows = EditionEntry.objects.filter(
        edition=edition, kind__in=[EntryKind.DELEGATION, EntryKind.PERSON]
    )
    for word in words:
        rows = rows.filter(folded__contains=word)
    # Rows are written in the list's order: by id, a common word stops at the first
    # RESULTS + 1 matches instead of sorting them all.
    found = list(rows.order_by("id")[: RESULTS + 1])
    ids = [row.delegate_id for row in found if row.delegate_id is not None]
    if ids:
        listable = set(
            figures.approved_delegates(meeting)
            .filter(figures.CONSENTED, pk__in=ids)
            .values_list("pk", flat=True)
        )
        found = [row for row in found if row.delegate_id is None or row.delegate_id in listable]
    return found[:RESULTS], len(found) > RESULTS
