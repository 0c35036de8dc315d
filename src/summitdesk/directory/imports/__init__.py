"""Importing organisations from CSV and XLSX files: the CLI, the upload page and its task.

Four steps, each usable alone:

1. `read_file`: bytes and a file name -> `SourceFile`, the rows numbered as a spreadsheet
   shows them (the header is row 1), or `FileError` when the file cannot be read at all
   (not CSV or XLSX, no "name" column, too many rows).
2. `check_rows`: every row cleaned on its own, without the database: categories, groups,
   sectors, countries and languages matched ignoring case; emails and web addresses
   checked; an external ID used twice in the file refused. -> `CheckedFile`.
3. `plan_import`: the rows against the directory (reads only): which create, update or
   leave an organisation unchanged, which are refused (a new organisation without a
   name...), and which look like organisations already there. -> `ImportPlan`.
4. `apply_plan`: writes the plan with bulk queries in one transaction, with an audit entry
   for every organisation, person and position created or changed and a duplicate
   candidate for every likely duplicate; writes nothing when a row was refused (unless
   `only_valid`) or on a dry run. -> `ImportReport`.

`import_organisations` runs the four. `create_job`, `preview_job`, `confirm_job` and
`run_job` are the upload page's steps: keep the file, preview it in the background, queue,
run in the background.

Matching rows to organisations: a row whose external ID is in the directory updates that
organisation (or the one it was merged into), its blank cells leaving fields as they
were. A row without an external ID makes a new organisation, except when an organisation
with exactly the values the row gives (same name, country...) is already there: then it
is unchanged, so that importing the same file twice changes nothing.

The stages live in modules of their own: `reading`, `checking`, `planning`, `writing`
(with `import_organisations`) and `jobs`; `results` holds what several stages share (the
errors, the duplicate flags, the report). This package re-exports the names that the
command, the upload page, the tasks, the tests and the benchmark use.
"""

from summitdesk.directory.imports.checking import check_rows
from summitdesk.directory.imports.jobs import (
    confirm_job,
    create_job,
    discard_job,
    preview_job,
    requeue_stalled_jobs,
    run_job,
)
from summitdesk.directory.imports.reading import COLUMNS, MAX_ROWS, read_file, template_csv
from summitdesk.directory.imports.results import (
    CHECKING,
    DuplicateFlag,
    FileError,
    ImportReport,
    RowError,
)
from summitdesk.directory.imports.writing import import_organisations

__all__ = [
    "CHECKING",
    "COLUMNS",
    "MAX_ROWS",
    "DuplicateFlag",
    "FileError",
    "ImportReport",
    "RowError",
    "check_rows",
    "confirm_job",
    "create_job",
    "discard_job",
    "import_organisations",
    "preview_job",
    "read_file",
    "requeue_stalled_jobs",
    "run_job",
    "template_csv",
]
