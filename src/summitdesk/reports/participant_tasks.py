"""Where the List of Participants' task lived until it moved to reports/tasks.py.

The database queue stores each task by its import path, so editions queued by an earlier
version name `summitdesk.reports.participant_tasks.prepare_edition_task`: this alias
keeps them runnable after an upgrade. Remove this module one release after the move.
"""

from summitdesk.reports.tasks import prepare_edition_task as prepare_edition_task
