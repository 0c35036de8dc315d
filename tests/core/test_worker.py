import datetime
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest
from django.contrib.sessions.models import Session
from django.db import connection
from django.utils import timezone
from django_tasks import task
from django_tasks_db.models import DBTaskResult

from summitdesk.cli import main
from summitdesk.core.models import PeriodicRun
from summitdesk.core.periodic import PeriodicJob, registered_jobs, run_due_jobs

PROJECT_DIR = Path(__file__).resolve().parents[2]
NOW = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)
HOUR = datetime.timedelta(hours=1)


@task()
def shout(text: str) -> str:
    return text.upper()


@task()
def fail() -> None:
    raise RuntimeError("This task always fails.")


@task()
def tick() -> str:
    return "tick"


TICK = PeriodicJob(name="tick", every=HOUR, task=tick)


def test_run_due_jobs_claims_a_job_once_at_the_same_moment(db: None) -> None:
    first = run_due_jobs(NOW, jobs=[TICK])
    second = run_due_jobs(NOW, jobs=[TICK])

    assert (first, second) == (["tick"], [])
    assert DBTaskResult.objects.filter(task_path="tests.core.test_worker.tick").count() == 1
    assert PeriodicRun.objects.get(name="tick").last_started_at == NOW


def test_run_due_jobs_claims_a_job_again_after_its_interval(db: None) -> None:
    run_due_jobs(NOW, jobs=[TICK])

    too_soon = run_due_jobs(NOW + HOUR - datetime.timedelta(seconds=1), jobs=[TICK])
    on_time = run_due_jobs(NOW + HOUR, jobs=[TICK])

    assert (too_soon, on_time) == ([], ["tick"])
    assert DBTaskResult.objects.filter(task_path="tests.core.test_worker.tick").count() == 2


def test_run_due_jobs_leaves_a_job_another_worker_claimed(db: None) -> None:
    PeriodicRun.objects.create(name="tick", last_started_at=NOW - datetime.timedelta(minutes=10))

    claimed = run_due_jobs(NOW, jobs=[TICK])

    assert claimed == []
    assert DBTaskResult.objects.count() == 0
    assert PeriodicRun.objects.get(name="tick").last_started_at == NOW - datetime.timedelta(
        minutes=10
    )


@pytest.mark.django_db(transaction=True)
def test_run_due_jobs_in_parallel_workers_claims_a_job_once() -> None:
    claims: list[list[str]] = []
    start = threading.Barrier(4)

    def worker() -> None:
        try:
            start.wait()
            claims.append(run_due_jobs(NOW, jobs=[TICK]))
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(claims) == [[], [], [], ["tick"]]
    assert DBTaskResult.objects.count() == 1


def test_registered_jobs_purge_expired_sessions_daily() -> None:
    jobs = {job.name: job.every for job in registered_jobs()}

    assert jobs["purge-expired-sessions"] == datetime.timedelta(days=1)


@pytest.mark.django_db(transaction=True)
def test_worker_once_runs_queued_tasks_and_due_jobs() -> None:
    now = timezone.now()
    Session.objects.create(session_key="e" * 32, session_data="", expire_date=now - HOUR)
    Session.objects.create(session_key="l" * 32, session_data="", expire_date=now + HOUR)
    result = shout.enqueue("hello")

    main(["summitdesk", "worker", "--once", "--verbosity", "0"])  # no SystemExit: exit code 0

    result.refresh()
    assert (result.status, result.return_value) == ("SUCCESSFUL", "HELLO")
    assert list(Session.objects.values_list("session_key", flat=True)) == ["l" * 32]
    assert DBTaskResult.objects.exclude(status="SUCCESSFUL").count() == 0
    assert PeriodicRun.objects.filter(name="purge-expired-sessions").count() == 1


@pytest.mark.django_db(transaction=True)
def test_worker_once_exits_3_when_a_task_fails(capsys: pytest.CaptureFixture[str]) -> None:
    fail.enqueue()
    shout.enqueue("still runs")

    with pytest.raises(SystemExit) as stopped:
        main(["summitdesk", "worker", "--once", "--verbosity", "0"])

    assert stopped.value.code == 3
    assert capsys.readouterr().err.endswith("\nCommandError: 1 task failed.\n")
    assert list(
        DBTaskResult.objects.filter(task_path__startswith="tests.")
        .order_by("task_path")
        .values_list("task_path", "status")
    ) == [
        ("tests.core.test_worker.fail", "FAILED"),
        ("tests.core.test_worker.shout", "SUCCESSFUL"),
    ]


def test_serve_help_describes_the_options(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stopped:
        main(["summitdesk", "serve", "--help"])

    help_text = capsys.readouterr().out
    assert stopped.value.code == 0
    assert "--bind BIND" in help_text
    assert "--workers WORKERS" in help_text
    assert "Exit codes: 0 stopped cleanly" in " ".join(help_text.split())


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.mark.integration
def test_serve_answers_requests_and_stops_on_sigterm(tmp_path: Path) -> None:
    port = free_port()
    environment = {
        **os.environ,
        "SUMMITDESK_VAR_DIR": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'serve.sqlite3'}",
    }
    server = subprocess.Popen(  # noqa: S603 -- this interpreter and the project's manage.py
        [sys.executable, "manage.py", "serve", "--bind", f"127.0.0.1:{port}", "--workers", "1"],
        cwd=PROJECT_DIR,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        status = 0
        for _ in range(100):
            try:
                url = f"http://127.0.0.1:{port}/sign-in/"
                with urllib.request.urlopen(url) as response:
                    status = response.status
                break
            except OSError:
                time.sleep(0.1)
    finally:
        server.terminate()
        output, _ = server.communicate(timeout=30)

    assert status == 200
    assert server.returncode == 0
    assert '"GET /sign-in/ HTTP/1.1" 200' in output
