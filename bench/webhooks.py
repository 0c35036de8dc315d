"""Webhooks: fanning a bulk approval out to the subscriptions, and how soon a receiver
hears of an approval through a real worker.

Aims: 10,000 approvals fanned out to 3 subscriptions (30,000 deliveries, payloads built
and stored) in under 10 s; an approval reaching the receiver, through `summitdesk worker`
running in another process, in under 5 s at the 95th percentile.

1. Fan-out: N approved accreditations are loaded with one `accreditation.approved` audit
   entry each (bulk, as a bulk approval leaves them), then `webhooks.services.fan_out()`
   is timed: numbering, reading, payloads, inserting. Baseline in the same process: the
   bare read of the same audit entries (the floor any fan-out pays). A second fan-out
   over the same entries (cursor reset, as after a crash) is timed too: it must add none.
2. Latency: a receiver (http.server on 127.0.0.1) and `summitdesk worker --interval 1`
   in a child process on the same database; approvals through
   `accreditation.services.transition`, each timed from its commit to the receiver's
   POST. Then the same without the after-commit shortcut (signal disconnected): only the
   periodic job finds the approval, the baseline.

PostgreSQL when --database-url is given (a database is created and dropped), else a
temporary SQLite file.

    .venv/bin/python bench/webhooks.py [--approvals 10000] [--samples 20]
    .venv/bin/python bench/webhooks.py --database-url postgres://postgres@127.0.0.1:5432/postgres
"""

import argparse
import datetime
import http.server
import json
import os
import subprocess
import sys
import threading
import time
from typing import Any

from _common import (
    ROOT,
    aims_verdict,
    database_url_option,
    delegates_in_bulk,
    percentile,
    scratch_database,
    setup_django,
)

FAN_OUT_AIM_SECONDS = 10.0
LATENCY_P95_AIM_SECONDS = 5.0
SUBSCRIPTIONS = 3
PER_ORGANISATION = 10
PERIODIC_SAMPLES = 2


def load(approved: int, pending: int) -> list[Any]:
    """`approved` accreditations with their audit entries, and `pending` ones (returned)."""
    from summitdesk.accreditation.enums import AccreditationStatus
    from summitdesk.accreditation.models import Accreditation
    from summitdesk.core import audit
    from summitdesk.core.audit import Actor
    from summitdesk.core.enums import Channel
    from summitdesk.core.models import AuditEntry
    from summitdesk.meetings.models import Meeting, Process

    process = Process.objects.create(code="wsis", name="World Summit on the Information Society")
    meeting = Meeting.objects.create(process=process, code="wsis-geneva", title="WSIS Geneva")
    total = approved + pending
    delegates = delegates_in_bulk(
        meeting, total, PER_ORGANISATION, reply={"state": "submitted", "attending": True}
    )
    accreditations = Accreditation.objects.bulk_create(
        Accreditation(
            delegate=delegate,
            meeting=meeting,
            status=AccreditationStatus.APPROVED if n < approved else AccreditationStatus.PENDING,
            badge_version=1 if n < approved else 0,
            badge_number=f"{n + 1:06d}" if n < approved else "",
        )
        for n, delegate in enumerate(delegates)
    )
    if accreditations and accreditations[0].pk is None:
        accreditations = list(Accreditation.objects.order_by("pk"))
    staff = Actor.system("bench", Channel.CLI)
    AuditEntry.objects.bulk_create(
        (
            audit.entry(
                accreditation,
                "summitdesk.accreditation.approved",
                actor=staff,
                changes={"status": ["pending", "approved"]},
                organisation_id=delegates[n].reply.organisation_id,
            )
            for n, accreditation in enumerate(accreditations[:approved])
        ),
        batch_size=2000,
    )
    return accreditations[approved:]


class Receiver:
    """Records when each event's POST arrived, by accreditation id."""

    def __init__(self) -> None:
        self.arrived: dict[str, float] = {}
        self.got = threading.Condition()
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:

                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                data = json.loads(body)["data"]
                key = str(data.get("accreditation", {}).get("id", data.get("subscription")))
                with receiver.got:
                    receiver.arrived.setdefault(key, time.perf_counter())
                    receiver.got.notify_all()
                self.send_response(204)
                self.end_headers()

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def wait_for(self, key: str, timeout: float) -> float | None:
        deadline = time.perf_counter() + timeout
        with self.got:
            while key not in self.arrived:
                left = deadline - time.perf_counter()
                if left <= 0:
                    return None
                self.got.wait(left)
            return self.arrived[key]


def run(approvals: int, samples: int) -> bool:
    setup_django()
    from django.db import connection
    from django.db.models.signals import post_save
    from django.utils import timezone

    from summitdesk.accreditation import services as accreditation_services
    from summitdesk.accreditation.enums import AccreditationStatus
    from summitdesk.core.audit import Actor
    from summitdesk.core.changes import assign_sequences
    from summitdesk.core.enums import Channel
    from summitdesk.core.models import AuditEntry
    from summitdesk.webhooks import services, signals
    from summitdesk.webhooks.models import Delivery, FanOutCursor, Subscription

    staff = Actor.system("bench", Channel.CLI)
    started = time.perf_counter()
    pending = load(approvals, samples + PERIODIC_SAMPLES + 1)
    print(
        f"Database: {connection.vendor}; {approvals} approvals (audit entries) and "
        f"{len(pending)} pending accreditations loaded in {time.perf_counter() - started:.1f} s"
    )

    # 1. Fan-out
    subscriptions = [
        services.create_subscription(
            name=f"Receiver {n}",
            target_url=f"https://receiver-{n}.example.org/hook",
            events=["accreditation.approved"],
            actor=staff,
        )
        for n in range(SUBSCRIPTIONS)
    ]
    # The subscriptions predate the approvals, as in real life.
    Subscription.objects.update(created_at=timezone.now() - datetime.timedelta(days=1))
    begun = time.perf_counter()
    assign_sequences()
    numbering = time.perf_counter() - begun
    begun = time.perf_counter()
    entries = list(
        AuditEntry.objects.filter(action="summitdesk.accreditation.approved").order_by("sequence")
    )
    floor = time.perf_counter() - begun
    begun = time.perf_counter()
    made = services.fan_out()
    fan_out_seconds = time.perf_counter() - begun + numbering
    stored = Delivery.objects.count()
    FanOutCursor.objects.update(last_sequence=0)
    begun = time.perf_counter()
    services.fan_out()
    again_seconds = time.perf_counter() - begun
    again_stored = Delivery.objects.count()
    print(
        f"1. fan-out: {len(entries)} approvals x {SUBSCRIPTIONS} subscriptions -> "
        f"{stored} deliveries ({made} offered) in {fan_out_seconds:.2f} s "
        f"({stored / fan_out_seconds:,.0f} deliveries/s; numbering {numbering:.2f} s)"
    )
    print(
        f"   baseline: reading the {len(entries)} audit entries alone {floor:.3f} s "
        f"(the fan-out takes x{fan_out_seconds / floor:.1f} of it)"
    )
    print(
        f"   again after a crash (cursor reset): {again_seconds:.2f} s, "
        f"{again_stored - stored} deliveries added"
    )

    # 2. Latency through a real worker
    for subscription in subscriptions:
        services.deactivate(subscription, actor=staff)
    Delivery.objects.all().delete()
    receiver = Receiver()
    services.create_subscription(
        name="Latency", target_url=receiver.url, events=["accreditation.approved"], actor=staff
    )
    worker = subprocess.Popen(
        [sys.executable, "-m", "summitdesk.cli", "worker", "--interval", "1", "-v", "0"],
        cwd=ROOT,
        env=os.environ.copy(),
    )
    try:
        ready = time.perf_counter()
        warm_up = pending.pop()
        accreditation_services.transition(warm_up, AccreditationStatus.APPROVED, actor=staff)
        if receiver.wait_for(str(warm_up.pk), 120) is None:
            print("FAILED: the worker delivered nothing within two minutes")
            return False
        print(f"   worker up and delivering after {time.perf_counter() - ready:.1f} s")
        latencies = []
        for accreditation in pending[:samples]:
            time.sleep(0.3)
            accreditation_services.transition(
                accreditation, AccreditationStatus.APPROVED, actor=staff
            )
            committed = time.perf_counter()
            arrived = receiver.wait_for(str(accreditation.pk), 60)
            latencies.append((arrived or float("inf")) - committed)
        post_save.disconnect(sender=AuditEntry, dispatch_uid="webhooks-fan-out-soon")
        periodic = []
        for accreditation in pending[samples : samples + PERIODIC_SAMPLES]:
            accreditation_services.transition(
                accreditation, AccreditationStatus.APPROVED, actor=staff
            )
            committed = time.perf_counter()
            arrived = receiver.wait_for(str(accreditation.pk), 90)
            periodic.append((arrived or float("inf")) - committed)
        post_save.connect(
            signals.fan_out_soon, sender=AuditEntry, dispatch_uid="webhooks-fan-out-soon"
        )
    finally:
        worker.terminate()
        worker.wait(30)
    p50, p95 = percentile(latencies, 0.5), percentile(latencies, 0.95)
    print(
        f"2. latency, approval committed -> receiver, {len(latencies)} approvals: "
        f"p50 {p50:.2f} s, p95 {p95:.2f} s, max {max(latencies):.2f} s"
    )
    print(
        "   baseline, periodic job only (no after-commit enqueue), "
        f"{len(periodic)} approvals: {', '.join(f'{s:.1f} s' for s in periodic)} "
        f"(p95 x{percentile(periodic, 0.95) / p95:.0f} of the shortcut's)"
    )
    ok = (
        fan_out_seconds < FAN_OUT_AIM_SECONDS
        and again_stored == stored == approvals * SUBSCRIPTIONS
        and p95 < LATENCY_P95_AIM_SECONDS
    )
    print(
        f"Fan-out {fan_out_seconds:.2f} s (aim: under {FAN_OUT_AIM_SECONDS:.0f} s for "
        f"{approvals} x {SUBSCRIPTIONS}); latency p95 {p95:.2f} s (aim: under "
        f"{LATENCY_P95_AIM_SECONDS:.0f} s); "
        f"{'no duplicate' if again_stored == stored else 'DUPLICATES'} after a repeated fan-out"
    )
    print(aims_verdict(ok))
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--approvals", type=int, default=10_000)
    parser.add_argument("--samples", type=int, default=20)
    database_url_option(parser)
    args = parser.parse_args()

    with scratch_database("webhooks", args.database_url):
        return 0 if run(args.approvals, args.samples) else 1


if __name__ == "__main__":
    sys.exit(main())
