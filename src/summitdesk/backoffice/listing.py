"""What the back office's long lists share: sorting by a column, a page size, pagination
that stays cheap at 100,000 rows.

A view describes its columns once (`Column`: the heading, and for a sortable column the
fields it orders by, each backed by an index), then builds a `Listing` from the query
string. The listing

- reads `sort` ("country", or "-country" for descending); a key that is not a sortable
  column leaves the default order, so a hostile or outdated link cannot reach any other
  field;
- reads `per_page`, one of PAGE_SIZES; anything else keeps the default and says so
  (`size_refused`), never an error;
- orders the rows by the column's fields, then by id, so that equal values keep a stable
  order from page to page;
- pages in three queries whatever the page: the count, the ids of the page (narrow rows,
  so an OFFSET skips index entries rather than joined rows, and a page in the second half
  read from the other end, so none skips more than half), then those rows.

A list with a bulk action posts its selection (`Selection.posted`): the rows ticked on
the page (`ids`), or, once the whole page is ticked and the list has more pages, every
row its filter matches (`all_matching=1` and the filter's own fields, never ids: the view
finds them again under that filter). The confirmation names the count and posts it back
as `expected`; a count that changed since asks again (`Selection.changed`).

Templates: `backoffice/_sort_header.html` (a heading that sorts, with aria-sort),
`backoffice/_page_size.html` (the page-size choice), `backoffice/_pagination.html`,
`backoffice/_select_all.html` (the banner offering every matching row, with
`static/summitdesk/select-all.js`), `backoffice/_selection_fields.html` (the selection
carried by a confirmation).
"""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from django.core.paginator import Page, Paginator
from django.db.models import F, Model, OrderBy, QuerySet
from django.http import QueryDict
from django_stubs_ext import StrOrPromise

M = TypeVar("M", bound=Model)

#: The page sizes offered on every list.
PAGE_SIZES = (25, 50, 100, 200)
SORT = "sort"
PER_PAGE = "per_page"
PAGE = "page"
ALL_MATCHING = "all_matching"
IDS = "ids"
EXPECTED = "expected"
#: At most this many rows ticked one by one are read from a post (a page holds fewer).
MAX_TICKED = max(PAGE_SIZES)


@dataclass(frozen=True)
class Column:
    """A column of a list: its heading and, when it sorts, the fields it orders by
    (ascending; descending reverses each)."""

    key: str
    label: StrOrPromise
    order: tuple[str, ...] = ()
    #: Its values may be missing (a date not yet known): missing ones sort first, then
    #: last in descending order, on PostgreSQL as on SQLite.
    nullable: bool = False

    @property
    def sortable(self) -> bool:
        return bool(self.order)


@dataclass(frozen=True)
class Header:
    """A column's heading as the template shows it."""

    label: StrOrPromise
    url: str = ""  # empty: the column does not sort
    aria_sort: str = ""  # "ascending" or "descending" on the column the list is sorted by
    next_direction: str = ""  # what following the link does, for its accessible name


class Listing:
    def __init__(
        self,
        params: QueryDict,
        columns: Sequence[Column],
        *,
        default_sort: str,
        default_size: int,
    ) -> None:
        assert default_size in PAGE_SIZES
        self.params = params
        self.columns = list(columns)
        self._sortable = {column.key: column for column in columns if column.sortable}
        assert default_sort.removeprefix("-") in self._sortable
        self.default_sort = default_sort
        self.default_size = default_size
        wanted = str(params.get(SORT, "")).strip()
        self.sort = wanted if wanted.removeprefix("-") in self._sortable else default_sort
        self.sort_key = self.sort.removeprefix("-")
        self.descending = self.sort.startswith("-")
        self.page_size, self.size_refused = self._page_size(params.get(PER_PAGE))

    def _page_size(self, value: Any) -> tuple[int, str]:
        """The page size asked for if offered, else the default; and what was refused."""
        if value in (None, ""):
            return self.default_size, ""
        text = str(value).strip()
        if text.isdigit() and int(text) in PAGE_SIZES:
            return int(text), ""
        return self.default_size, text[:20]

    # Rows

    def order(self, queryset: "QuerySet[M]", *, reverse: bool = False) -> "QuerySet[M]":
        """`queryset` in the chosen column's order, ties broken by id (`reverse`: the
        exact mirror of that order)."""
        column = self._sortable[self.sort_key]
        descending = self.descending != reverse
        return queryset.order_by(
            *(self._ordering(name, descending, column.nullable) for name in column.order),
            self._ordering("pk", descending, False),
        )

    @staticmethod
    def _ordering(name: str, descending: bool, nullable: bool) -> OrderBy:
        expression = F(name)
        if not nullable:  # no NULLS clause: PostgreSQL then reads the column's index
            return expression.desc() if descending else expression.asc()
        return expression.desc(nulls_last=True) if descending else expression.asc(nulls_first=True)

    def page(
        self,
        queryset: "QuerySet[M]",
        *,
        count: int | None = None,
        ids_from: "QuerySet[M] | None" = None,
    ) -> "Page[M]":
        """The page asked for (`page`: a number; anything else the first, beyond the end
        the last) of `queryset` in the chosen order. Its `object_list` is a list of rows
        from `queryset`, with whatever it selects or prefetches. `count`, when the view
        already knows how many rows `queryset` has, spares counting them again.
        `ids_from`, the same rows without the joins and annotations only the shown rows
        need, is what is counted and paged through when given.

        A page in the second half is read from the other end, in the mirrored order, so
        that no page skips more than half the rows (the last page skips none)."""
        narrow = queryset if ids_from is None else ids_from
        ordered = self.order(narrow)
        paginator = Paginator(ordered.values_list("pk", flat=True), self.page_size)
        if count is not None:
            paginator.__dict__["count"] = count  # Paginator.count is a cached property
        number = paginator.get_page(self.params.get(PAGE)).number
        total = paginator.count
        start = (number - 1) * self.page_size
        end = min(start + self.page_size, total)
        if start > total // 2:
            mirrored = self.order(narrow, reverse=True).values_list("pk", flat=True)
            ids = list(mirrored[total - end : total - start])[::-1]
        else:
            ids = list(ordered.values_list("pk", flat=True)[start:end])
        rows = queryset.order_by().filter(pk__in=ids)
        found = {row.pk: row for row in rows} if ids else {}
        return Page([found[pk] for pk in ids if pk in found], number, paginator)

    # Links

    def query(self, **changes: Any) -> str:
        """The list's query string without the page number, with `changes` (None removes)."""
        query = self.params.copy()
        query.pop(PAGE, None)
        for name, value in changes.items():
            if value is None:
                query.pop(name, None)
            else:
                query[name] = str(value)
        return query.urlencode()

    @property
    def headers(self) -> list[Header]:
        headers = []
        for column in self.columns:
            if not column.sortable:
                headers.append(Header(column.label))
                continue
            current = column.key == self.sort_key
            descending_next = current and not self.descending
            aria = ("descending" if self.descending else "ascending") if current else ""
            target = f"-{column.key}" if descending_next else column.key
            headers.append(
                Header(
                    column.label,
                    url="?" + self.query(**{SORT: target}),
                    aria_sort=aria,
                    next_direction="descending" if descending_next else "ascending",
                )
            )
        return headers

    @property
    def page_sizes(self) -> tuple[int, ...]:
        return PAGE_SIZES

    @property
    def size_carried(self) -> list[tuple[str, str]]:
        """What the page-size form keeps of the query (the filter and the sort)."""
        return self.hidden_fields(PER_PAGE)

    def hidden_fields(self, *names: str) -> list[tuple[str, str]]:
        """The query's fields but `names` and the page, to carry in a form that sets them."""
        return [
            (name, value)
            for name in self.params
            if name not in (*names, PAGE)
            for value in self.params.getlist(name)
        ]


# The selection a bulk action applies to


@dataclass(frozen=True)
class Selection:
    """What a list's bulk form posted: every row the posted filter matches
    (`all_matching`), or the rows ticked (`ids`); and, once confirmed, the count the
    confirmation showed (`expected`)."""

    all_matching: bool
    ids: tuple[int, ...] = ()
    expected: int | None = None
    filter_fields: tuple[tuple[str, str], ...] = ()

    @classmethod
    def posted(cls, data: QueryDict, filter_names: Sequence[str]) -> "Selection":
        """The selection in `data`; `filter_names` are the list's filter's fields, carried
        along when every matching row is chosen. Ids that are not numbers are dropped."""
        all_matching = data.get(ALL_MATCHING) == "1"
        ids = tuple(sorted({int(v) for v in data.getlist(IDS) if _number(v)}))[:MAX_TICKED]
        expected_text = str(data.get(EXPECTED, "")).strip()
        expected = int(expected_text) if _number(expected_text) else None
        fields = tuple(
            (name, str(data[name])) for name in filter_names if all_matching and data.get(name)
        )
        return cls(all_matching, () if all_matching else ids, expected, fields)

    @property
    def empty(self) -> bool:
        return not self.all_matching and not self.ids

    def rows(self, matching: "QuerySet[M]") -> "QuerySet[M]":
        """Of `matching` (the list's rows under the posted filter), those chosen."""
        return matching if self.all_matching else matching.filter(pk__in=self.ids)

    def changed(self, count: int) -> bool:
        """Whether `count` rows chosen now is not what the officer confirmed (or nothing
        was confirmed yet)."""
        return self.expected != count

    @property
    def carried(self) -> list[tuple[str, str]]:
        """The hidden fields a confirmation posts back: the filter and all_matching, or
        the ids."""
        if self.all_matching:
            return [*self.filter_fields, (ALL_MATCHING, "1")]
        return [(IDS, str(pk)) for pk in self.ids]


def _number(text: object) -> bool:
    """Whether `text` is a whole number int() reads (ASCII digits: "²" is a digit too)."""
    return isinstance(text, str) and text.isascii() and text.isdigit() and len(text) < 12
