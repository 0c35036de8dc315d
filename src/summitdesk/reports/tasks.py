"""Background work of the reports: counting a dashboard again while its page shows the
figures counted before."""

from django_tasks import task


@task()
def recount_dashboard(kind: str, pk: int, filters: dict[str, str]) -> None:
    from summitdesk.reports import dashboard

    dashboard.recount(kind, pk, filters)
