"""What the stages of an import share, and what an import tells about a file.

`FileError` when a file cannot be read at all; `RowError` for a refused row (checking
finds some, planning others); `DuplicateFlag` for a new organisation that looks like
another; `ImportReport`, what `apply_plan` did or would do, kept with an import job as a
dict. Also the progress callback the checking and writing stages report to, and the size
of the chunks they work in.
"""

from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from summitdesk.directory.services import DirectoryError

CHUNK = 500  # values per IN (...) query and rows per INSERT/UPDATE statement

READING, CHECKING, WRITING = "reading", "checking", "writing"

#: progress(stage, done, total), stage being READING (total unknown: 0), CHECKING or WRITING.
Progress = Callable[[str, int, int], None]


class FileError(DirectoryError):
    """The file cannot be read at all; the message says why, for the person who sent it."""


@dataclass(frozen=True)
class RowError:
    row: int
    column: str  # "" when the whole row is at fault
    reason: str

    def __str__(self) -> str:
        if self.column:
            return _("row %(row)s, %(column)s: %(reason)s") % asdict(self)
        return _("row %(row)s: %(reason)s") % asdict(self)


@dataclass(frozen=True)
class DuplicateFlag:
    """A row's new organisation looks like another, in the directory or in the file."""

    row: int
    name: str
    reason: str
    other_name: str
    other_id: int | None = None  # an organisation already in the directory
    other_row: int | None = None  # another new organisation of this file
    organisation_id: int | None = None  # the row's organisation, once written


@dataclass
class ImportReport:
    filename: str
    total_rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    refused: int = 0
    errors: list[RowError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    duplicates: list[DuplicateFlag] = field(default_factory=list)
    dry_run: bool = False
    only_valid: bool = False
    written: bool = False  # whether the directory was changed (or would have been)

    @property
    def exit_code(self) -> int:
        """0 when every row is good, 3 when some were refused (2 is for unreadable files)."""
        return 3 if self.refused else 0

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["exit_code"] = self.exit_code
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "ImportReport":
        values = {key: data[key] for key in cls.__dataclass_fields__ if key in data}
        values["errors"] = [RowError(**error) for error in data.get("errors", [])]
        values["duplicates"] = [DuplicateFlag(**flag) for flag in data.get("duplicates", [])]
        return cls(**values)
