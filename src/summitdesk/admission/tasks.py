"""Background tasks of admission: the periodic deletion of applications whose email
address was never confirmed (admission.applying.purge_unconfirmed)."""

import datetime

from django_tasks import task

from summitdesk.admission import applying
from summitdesk.core.periodic import periodic


@periodic("purge-unconfirmed-applications", every=datetime.timedelta(hours=6))
@task()
def purge_unconfirmed_applications() -> dict[str, int]:
    return {"deleted": applying.purge_unconfirmed()}
