"""Where the print runs' tasks lived until they moved to accreditation/tasks.py.

The database queue stores each task by its import path, so runs queued by an earlier
version name `summitdesk.accreditation.print_tasks.print_badges_task`: these aliases keep
them runnable after an upgrade. Remove this module one release after the move.
"""

from summitdesk.accreditation.tasks import print_badges_task as print_badges_task
from summitdesk.accreditation.tasks import (
    requeue_stalled_print_runs as requeue_stalled_print_runs,
)
