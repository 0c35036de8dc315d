"""A short rehearsal of the cluster (deploy/cluster) under fault: replies submitted
through HAProxy while a web server and a task worker are killed and restarted.

1. A cluster of its own (run directory var/cluster-rehearsal, database
   summitdesk_cluster_rehearsal created afresh, HAProxy on 127.0.0.40:8080, web servers on
   127.0.0.41 and .42): `deploy/cluster up`; a meeting, a circular and --replies
   organisations each invited with one reply link.
2. --replies submissions of a 10-person reply by --clients concurrent browsers, each from
   an address of its own, through HAProxy (GET the form, POST it with its CSRF token, as
   bench/reply_submit.py does). When a quarter have finished, web1 and worker1 are killed
   (SIGKILL to their process groups), then restarted after --down-seconds.
3. The checks: every reply whose POST was answered with success is in the database exactly
   once, submitted, with its 10 delegates and one head; no reply half written (a reply that
   is not submitted has no delegate); once the outbox settles, every email queued was sent
   once (one message in the mailbox per Message-ID) or is marked in doubt; a photo uploaded
   through web1 is shown by web2. HAProxy's error counters over the run, the seconds until
   it took web1 out of rotation and put it back, and the clients' errors are printed.
4. `deploy/cluster down`, the database dropped (unless --keep).

    PYTHONPATH=src .venv/bin/python deploy/rehearse.py [--replies 200] [--clients 16]

Exit status 0 when every check holds, 1 otherwise.
"""

import argparse
import datetime
import io
import os
import re
import secrets
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "src"), str(ROOT / "bench")]

from _common import create_database, drop_database  # noqa: E402
from reply_submit import (  # noqa: E402
    MEMBERS,
    Browser,
    Outcome,
    hidden_inputs,
    load,
    source_address,
    submit,
)

CLUSTER = ROOT / "deploy" / "cluster"
DATABASE = "summitdesk_cluster_rehearsal"
FRONT = ("127.0.0.40", 8080)
WEB = {"web1": ("127.0.0.41", 8000), "web2": ("127.0.0.42", 8000)}
SETTLE_SECONDS = 180.0
# HAProxy's `show stat` columns (docs: management guide, 9.1).
STAT_FIELDS = ("ereq", "econ", "eresp", "wretr", "wredis", "hrsp_5xx", "status")


def cluster_environment(server_url: str, run_dir: Path) -> dict[str, str]:
    """The rehearsal cluster's configuration, made this process's too (to seed and check)."""
    environment = {
        "CLUSTER_DIR": str(run_dir),
        "DATABASE_URL": server_url.rsplit("/", 1)[0] + f"/{DATABASE}",
        "REDIS_URL": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/5"),
        "SECRET_KEY": secrets.token_urlsafe(50),
        "HAPROXY_BIND": f"{FRONT[0]}:{FRONT[1]}",
        "WEB1_ADDRESS": "{}:{}".format(*WEB["web1"]),
        "WEB2_ADDRESS": "{}:{}".format(*WEB["web2"]),
        "SUMMITDESK_FILE_STORAGE": str(run_dir / "shared-files"),
        "HAPROXY_STATS_SOCKET": str(run_dir / "haproxy" / "stats.sock"),
        "SUMMITDESK_BASE_URL": f"http://{FRONT[0]}:{FRONT[1]}",
        "SUMMITDESK_PYTHON": sys.executable,
        # A killed worker's emails come back within seconds, not the production 2 minutes.
        "SUMMITDESK_MAIL_LEASE_SECONDS": "10",
        "EMAIL_TIMEOUT": "5",
        "DJANGO_SETTINGS_MODULE": "summitdesk.settings",
        "SUMMITDESK_VAR_DIR": str(run_dir / "rehearsal"),
        "BEHIND_TLS_PROXY": "true",
        "DEBUG": "false",
    }
    for name in ("EMAIL_HOST", "ALLOWED_HOSTS", "CSRF_TRUSTED_ORIGINS"):
        os.environ.pop(name, None)
    os.environ.update(environment)
    return dict(os.environ)


def cluster(*args: str) -> str:
    done = subprocess.run(
        [str(CLUSTER), *args], capture_output=True, text=True, check=False, timeout=300
    )
    if done.returncode:
        raise SystemExit(f"deploy/cluster {' '.join(args)} failed:\n{done.stdout}{done.stderr}")
    return done.stdout


def haproxy_stat() -> dict[str, dict[str, str]]:
    """`show stat` of the backend `web` and the frontend, by server name (from HAProxy's
    admin socket, read here rather than through `deploy/cluster stat` to time changes
    closely)."""
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as admin:
        admin.settimeout(5)
        admin.connect(os.environ["HAPROXY_STATS_SOCKET"])
        admin.sendall(b"show stat\n")
        chunks = []
        while chunk := admin.recv(65536):
            chunks.append(chunk)
    lines = b"".join(chunks).decode().splitlines()
    header = lines[0].lstrip("# ").split(",")
    rows = {}
    for line in lines[1:]:
        if not line:
            continue
        row = dict(zip(header, line.split(","), strict=False))
        if row["pxname"] in {"web", "summitdesk"}:
            rows[f"{row['pxname']}/{row['svname']}"] = row
    return rows


def counters() -> Counter[str]:
    found: Counter[str] = Counter()
    for name, row in haproxy_stat().items():
        if name in {"web/BACKEND", "summitdesk/FRONTEND"}:
            for field in STAT_FIELDS[:-1]:
                if row.get(field):
                    found[f"{name.split('/')[1].lower()} {field}"] += int(row[field])
    return found


def server_status(name: str) -> str:
    return haproxy_stat()[f"web/{name}"]["status"]


def wait_for(condition: Any, limit: float, step: float = 0.05) -> float | None:
    """Seconds until `condition()` held, None if it did not within `limit`."""
    started = time.monotonic()
    while time.monotonic() - started < limit:
        if condition():
            return time.monotonic() - started
        time.sleep(step)
    return None


class Monitor(threading.Thread):
    """HAProxy's view of both web servers, every 0.2 s: each change of status, timed."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.started = time.monotonic()
        self.stopped = threading.Event()
        self.changes: list[tuple[float, str, str]] = []

    def run(self) -> None:
        last: dict[str, str] = {}
        while not self.stopped.wait(0.2):
            try:
                rows = haproxy_stat()
            except OSError:
                continue
            for name in WEB:
                status = rows[f"web/{name}"]["status"]
                if last.get(name) != status:
                    self.changes.append((time.monotonic() - self.started, name, status))
                    last[name] = status

    def stop(self) -> list[tuple[float, str, str]]:
        self.stopped.set()
        self.join()
        return self.changes


@dataclass
class Fault:
    """Kills web1 and worker1 once `after` submissions have finished, restarts them."""

    after: int
    down_seconds: float
    finished: int = 0
    out_after: float | None = None
    back_after: float | None = None
    killed_at: float = 0.0
    status_before: str = ""

    def __post_init__(self) -> None:
        self.lock = threading.Lock()
        self.go = threading.Event()
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.thread.start()

    def one_done(self) -> None:
        with self.lock:
            self.finished += 1
            if self.finished == self.after:
                self.go.set()

    def run(self) -> None:
        self.go.wait()
        self.status_before = server_status("web1")
        self.killed_at = time.monotonic()
        killed = cluster("kill", "web1").strip()
        if wait_for(lambda: server_status("web1").startswith("DOWN"), 30, 0.02) is not None:
            self.out_after = time.monotonic() - self.killed_at
        print(f"{killed}; {cluster('kill', 'worker1').strip()}")
        time.sleep(max(0.0, self.down_seconds - (time.monotonic() - self.killed_at)))
        restarted = time.monotonic()
        cluster("start", "web1")
        cluster("start", "worker1")
        back = wait_for(lambda: server_status("web1") == "UP", 120, step=0.2)
        self.back_after = None if back is None else time.monotonic() - restarted


def multipart(
    fields: dict[str, str], files: dict[str, tuple[str, bytes, str]]
) -> tuple[bytes, str]:
    boundary = f"----rehearsal{secrets.token_hex(8)}"
    parts = []
    for name, value in fields.items():
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
            f"{value}\r\n".encode()
        )
    for name, (filename, content, kind) in files.items():
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
            f'filename="{filename}"\r\nContent-Type: {kind}\r\n\r\n'.encode()
            + content
            + b"\r\n"
        )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def photo_crosses_servers(token: str, delegate_id: int, meeting: Any) -> list[str]:
    """A photo uploaded through web1 is shown by web2: both serve the same bytes."""
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (800, 1200), (30, 90, 160)).save(buffer, "PNG")
    path = f"/accreditation/from-reply/{token}/{delegate_id}/"
    web1 = Browser(WEB["web1"][1], source_address(900_001), WEB["web1"][0])
    page = web1.request("GET", path)
    if page.status != 200:
        return [f"photo: the delegate's page on web1 answered {page.status}"]
    fields = {
        "csrfmiddlewaretoken": hidden_inputs(page.body.decode())["csrfmiddlewaretoken"],
        "passport_given_name": "Amina",
        "passport_family_name": "Diallo",
        "nationality": "SN",
        "date_of_birth": "1980-04-02",
        "document_number": "A12345678",
        "document_expires": (meeting.end_date + datetime.timedelta(days=400)).isoformat(),
        "consent_to_publish": "on",
        "zoom": "1",
        "position": "centre",
    }
    body, kind = multipart(fields, {"photo": ("me.png", buffer.getvalue(), "image/png")})
    posted = web1.send("POST", path, {"Content-Type": kind}, body)
    if posted.status != 302:
        said = re.findall(r'class="errorlist[^>]*>(.*?)</ul>', posted.body.decode(), re.S)
        return [f"photo: the upload through web1 answered {posted.status}: {said}"]
    shown = {
        name: Browser(port, source_address(900_002), host).request("GET", f"{path}photo.jpg")
        for name, (host, port) in WEB.items()
    }
    if any(answer.status != 200 for answer in shown.values()):
        return [f"photo: {', '.join(f'{n} {a.status}' for n, a in shown.items())}"]
    if shown["web1"].body != shown["web2"].body:
        return ["photo: web1 and web2 serve different bytes"]
    print(
        f"Photo: uploaded through web1, shown by web2 ({len(shown['web2'].body)} bytes, "
        "the same as web1's)"
    )
    return []


def check_replies(meeting: Any, tokens: list[str], outcomes: list[Outcome]) -> list[str]:
    from django.db.models import Count, Q

    from summitdesk.correspondence.models import ReplyLink
    from summitdesk.delegations.enums import ReplyState
    from summitdesk.delegations.models import Reply
    from summitdesk.lib.tokens import hash_token

    organisation_of = dict(
        ReplyLink.objects.filter(token_hash__in=[hash_token(t) for t in tokens]).values_list(
            "token_hash", "organisation_id"
        )
    )
    replies = {
        row["organisation_id"]: row
        for row in Reply.objects.filter(meeting=meeting)
        .annotate(named=Count("delegates"), heads=Count("delegates", Q(delegates__is_head=True)))
        .values("pk", "organisation_id", "state", "named", "heads")
    }
    problems = []
    succeeded = failed_saved = failed_absent = 0
    for token, outcome in zip(tokens, outcomes, strict=True):
        reply = replies.get(organisation_of[hash_token(token)])
        submitted = reply is not None and reply["state"] == ReplyState.SUBMITTED
        whole = submitted and reply is not None and (reply["named"], reply["heads"]) == (MEMBERS, 1)
        if not outcome.error:
            succeeded += 1
            if not whole:
                problems.append(
                    f"a reply answered with success is not in the database whole: {token[:6]}"
                )
        elif submitted:
            failed_saved += 1
            if not whole:
                problems.append(f"a reply is half written: {token[:6]}")
        else:
            failed_absent += 1
    half = [r["pk"] for r in replies.values() if r["state"] != ReplyState.SUBMITTED and r["named"]]
    if half:
        problems.append(f"replies not submitted but with delegates: {half}")
    per_organisation = Counter(
        Reply.objects.filter(meeting=meeting).values_list("organisation_id", flat=True)
    )
    if any(count > 1 for count in per_organisation.values()):
        problems.append("an organisation has two replies")
    print(
        f"Replies: {succeeded} answered with success, all in the database once and whole: "
        f"{'yes' if not problems else 'NO'}; of the {len(outcomes) - succeeded} that failed, "
        f"{failed_saved} were saved whole anyway (killed after the commit), {failed_absent} left "
        "nothing; half-written replies: "
        f"{len(half)}"
    )
    return problems


def settled_outbox() -> bool:
    from summitdesk.correspondence.enums import MessageState
    from summitdesk.correspondence.models import OutboundMessage

    return not OutboundMessage.objects.filter(
        state__in=[MessageState.QUEUED, MessageState.CLAIMED, MessageState.SENDING]
    ).exists()


def check_outbox(settle_seconds: float | None) -> list[str]:
    from django.db import connections

    from summitdesk.correspondence.enums import MessageState
    from summitdesk.correspondence.models import MailboxMessage, OutboundMessage

    connections.close_all()
    rows = list(OutboundMessage.objects.values_list("kind", "state", "message_id"))
    mailbox = Counter(MailboxMessage.objects.values_list("message_id", flat=True))
    states = Counter(f"{kind} {state}" for kind, state, _id in rows)
    problems = []
    if settle_seconds is None:
        problems.append(f"the outbox did not settle within {SETTLE_SECONDS:.0f} s")
    duplicated = [message_id for message_id, count in mailbox.items() if count > 1]
    if duplicated:
        problems.append(f"{len(duplicated)} emails delivered more than once")
    for _kind, state, message_id in rows:
        if state == MessageState.SENT and mailbox[message_id] != 1:
            problems.append(
                f"email {message_id} marked sent, delivered {mailbox[message_id]} times"
            )
        elif state not in {MessageState.SENT, MessageState.IN_DOUBT, MessageState.CANCELLED}:
            problems.append(f"email {message_id or '(not written)'} left {state}")
    in_doubt = sum(1 for _k, state, _m in rows if state == MessageState.IN_DOUBT)
    print(
        f"Outbox: {len(rows)} emails queued; {dict(sorted(states.items()))}; "
        f"{sum(mailbox.values())} delivered to the mailbox, {len(duplicated)} twice; "
        f"{in_doubt} in doubt; settled "
        + (f"{settle_seconds:.0f} s after the rush" if settle_seconds is not None else "NOT")
    )
    return problems[:20]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--replies", type=int, default=200)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--down-seconds", type=float, default=3.0)
    parser.add_argument("--keep", action="store_true", help="leave the cluster and database")
    args = parser.parse_args()
    started = time.monotonic()
    run_dir = ROOT / "var" / "cluster-rehearsal"
    cluster_environment(args.database_url, run_dir)
    cluster("down")
    create_database(args.database_url, DATABASE, replace=True)
    problems: list[str] = []
    try:
        print(cluster("up").strip().splitlines()[-1])
        import django

        django.setup()
        from django.db import connections

        from summitdesk.delegations.models import Delegate

        meeting, tokens = load(args.replies)
        tokens = tokens[: args.replies]
        connections.close_all()
        print(
            f"Cluster up and {len(tokens)} invitations loaded in {time.monotonic() - started:.0f} s"
        )

        before = counters()
        fault = Fault(after=max(1, args.replies // 4), down_seconds=args.down_seconds)

        def one(number: int) -> Outcome:
            try:
                return submit(
                    FRONT[1], tokens[number], source_address(number), number, False, FRONT[0]
                )
            finally:
                fault.one_done()

        monitor = Monitor()
        monitor.start()
        rush_started = time.monotonic()
        with ThreadPoolExecutor(max_workers=args.clients) as pool:
            outcomes = list(pool.map(one, range(len(tokens))))
        rush = time.monotonic() - rush_started
        fault.thread.join(timeout=150)
        changes = monitor.stop()
        killed = fault.killed_at - monitor.started
        print(
            f"HAProxy's view (s from the start of the rush; kill at {killed:.1f} s): "
            + ", ".join(f"{at:.1f} {name} {status}" for at, name, status in changes)
        )
        if any(name == "web2" and status != "UP" for _at, name, status in changes):
            problems.append("web2 left the rotation while healthy")
        if any(at < killed and status != "UP" for at, _name, status in changes):
            problems.append("a web server left the rotation before the kill")
        if fault.status_before != "UP":
            problems.append(f"web1 was {fault.status_before} when killed")
        errors = Counter(outcome.error for outcome in outcomes if outcome.error)
        after = counters()
        print(
            f"Rush: {len(outcomes)} submissions by {args.clients} clients through HAProxy in "
            f"{rush:.1f} s; client errors: {sum(errors.values())} {dict(errors)}"
        )
        print(
            "Fault: web1 and worker1 killed after "
            f"{fault.after} submissions; web1 out of rotation "
            + (
                f"{fault.out_after:.2f} s after the kill"
                if fault.out_after is not None
                else "NEVER"
            )
            + "; back in rotation "
            + (
                f"{fault.back_after:.1f} s after its restart"
                if fault.back_after is not None
                else "NEVER"
            )
            + f" (restarted {args.down_seconds:.0f} s after the kill)"
        )
        print(f"HAProxy during the run: {dict(after - before) or 'no error counted'}")
        if fault.out_after is None or fault.out_after > 5:
            problems.append("web1 did not leave the rotation within 5 s")
        if fault.back_after is None:
            problems.append("web1 did not come back into rotation")

        connections.close_all()
        problems += check_replies(meeting, tokens, outcomes)
        done = [n for n, outcome in enumerate(outcomes) if not outcome.error]
        if done:
            delegate = Delegate.objects.filter(
                reply__meeting=meeting, family_name=f"Delegate {done[0]}-0"
            ).first()
            if delegate is None:
                problems.append("photo: no delegate found for a successful reply")
            else:
                problems += photo_crosses_servers(tokens[done[0]], delegate.pk, meeting)
        settle_started = time.monotonic()
        settle = wait_for(settled_outbox, SETTLE_SECONDS, step=1.0)
        if settle is not None:
            settle = time.monotonic() - settle_started
        problems += check_outbox(settle)
        print(cluster("status").rstrip())
    finally:
        from django.db import connections as open_connections

        open_connections.close_all()
        if not args.keep:
            cluster("down")
            drop_database(args.database_url, DATABASE)
    for problem in problems:
        print(f"FAIL: {problem}")
    print(
        f"Rehearsal {'passed' if not problems else 'FAILED'} in {time.monotonic() - started:.0f} s"
    )
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
