"""Admission's background jobs: the deletion of applications whose email address was
never confirmed (admission.applying.purge_unconfirmed), periodic review reminders, and
the retention purge of applications not admitted (admission.review)."""

import datetime

from django_tasks import task

from summitdesk.admission import applying, review
from summitdesk.core.audit import Actor
from summitdesk.core.periodic import periodic


@periodic("purge-unconfirmed-applications", every=datetime.timedelta(hours=6))
@task()
def purge_unconfirmed_applications() -> dict[str, int]:
    return {"deleted": applying.purge_unconfirmed()}


@periodic("admission-review-reminders", every=datetime.timedelta(days=1))
@task()
def remind_reviews() -> int:
    """Remind the admissions whose periodic review date has passed."""
    return review.remind_reviews(actor=Actor.system("admission review"))


@periodic("purge-applications", every=datetime.timedelta(days=1))
@task()
def purge_applications() -> int:
    """Delete applications not admitted once the identity data's retention has passed."""
    return review.purge_applications(actor=Actor.system("application purge"))
