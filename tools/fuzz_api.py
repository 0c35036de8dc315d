"""`make fuzz`: the REST API fuzzed from its own OpenAPI document, over HTTP, against a
real server with the demo loaded. Exits non-zero on any finding.

1. A scratch directory: SQLite database, files; `migrate`, `load-demo`, and a token that
   holds every scope.
2. `summitdesk serve` on a free 127.0.0.1 port.
3. Every operation of the document is called without a token and with an unknown one:
   each must answer 401 (or 429 once the address has tried too many unknown tokens),
   never anything else.
4. `st run` (schemathesis) with the token and `If-Match: *`, a random seed (printed, so a
   finding can be replayed with `--seed`), at least 25 generated cases per operation, and
   the checks not_a_server_error and response_schema_conformance; the warnings that say
   the document and the API disagree (operations refusing most of the data the document
   allows) fail the run too (tools/schemathesis.toml).

Usage: python tools/fuzz_api.py [--seed N] [--examples N]; the `summitdesk` and `st`
commands are looked for next to this Python (the project's virtualenv).
"""

import argparse
import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

BIN = Path(sys.executable).parent
EXAMPLES = 25
CHECKS = "not_a_server_error,response_schema_conformance"
SCHEMA_PATH = "/api/v1/openapi.json"
UNKNOWN_TOKEN = "sd_00000000_" + "0" * 43


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def summitdesk(*args: str, env: dict[str, str]) -> str:
    done = subprocess.run(
        [str(BIN / "summitdesk"), *args], env=env, check=True, capture_output=True, text=True
    )
    return done.stdout


def wait_for(url: str, server: subprocess.Popen[bytes], seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit(f"The server stopped before answering (exit code {server.returncode}).")
        try:
            with urllib.request.urlopen(url, timeout=5):
                return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.5)
    sys.exit(f"No answer from {url} within {seconds:.0f} s.")


def status_of(url: str, method: str, headers: dict[str, str], body: bytes | None) -> int:
    request = urllib.request.Request(url, data=body, method=method, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            status: int = response.status
    except urllib.error.HTTPError as refused:
        status = refused.code
    return status


def unauthenticated_findings(base: str, document: dict[str, Any]) -> list[str]:
    """Each operation called without a token and with an unknown one: what did not refuse."""
    findings = []
    for path, operations in document["paths"].items():
        url = base + re.sub(r"{[^}]+}", "1", path)
        for method, operation in operations.items():
            body = b"{}" if "requestBody" in operation else None
            plain = {"Content-Type": "application/json"} if body else {}
            for label, headers, accepted in (
                ("without a token", plain, {401}),
                # An address that tried too many unknown tokens is held off (429) first.
                (
                    "with an unknown token",
                    plain | {"Authorization": f"Bearer {UNKNOWN_TOKEN}"},
                    {401, 429},
                ),
            ):
                status = status_of(url, method.upper(), headers, body)
                if status not in accepted:
                    findings.append(f"{method.upper()} {path} {label}: {status}")
    return findings


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=secrets.randbelow(2**31))
    parser.add_argument("--examples", type=int, default=EXAMPLES)
    options = parser.parse_args()
    if options.examples < EXAMPLES:
        parser.error(f"--examples must be at least {EXAMPLES}")
    started = time.monotonic()
    scratch = Path(tempfile.mkdtemp(prefix="summitdesk-fuzz-"))
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = os.environ | {
        "DATABASE_URL": f"sqlite:///{scratch / 'fuzz.sqlite3'}",
        "SUMMITDESK_VAR_DIR": str(scratch),
        "SUMMITDESK_BASE_URL": base,
        # The fuzzer's token sends thousands of requests a minute.
        "SUMMITDESK_API_RATE_LIMIT": "100000000",
        "LOG_LEVEL": "ERROR",
    }
    env.pop("DEBUG", None)
    server: subprocess.Popen[bytes] | None = None
    try:
        print(f"== scratch database in {scratch}; loading the demo", flush=True)
        summitdesk("migrate", "--noinput", "-v0", env=env)
        summitdesk("load-demo", env=env)
        created = json.loads(
            summitdesk(
                "create-api-token",
                "--name",
                "fuzz",
                "--scopes",
                ",".join(scopes(env)),
                "--format",
                "json",
                env=env,
            )
        )
        token = created["token"]
        print(
            f"== demo loaded in {time.monotonic() - started:.0f} s; serving on {base}", flush=True
        )
        server = subprocess.Popen(
            [str(BIN / "summitdesk"), "serve", "--bind", f"127.0.0.1:{port}"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for(base + SCHEMA_PATH, server)
        with urllib.request.urlopen(base + SCHEMA_PATH, timeout=30) as response:
            document = json.load(response)

        print("== every operation without a valid token", flush=True)
        findings = unauthenticated_findings(base, document)
        for finding in findings:
            print(f"   answered: {finding}")
        print(f"   {len(findings)} finding(s)", flush=True)

        print(f"== schemathesis, seed {options.seed}, {options.examples} examples", flush=True)
        fuzzed = subprocess.run(
            [
                str(BIN / "st"),
                "--config-file",
                str(Path(__file__).resolve().with_name("schemathesis.toml")),
                "run",
                base + SCHEMA_PATH,
                "--checks",
                CHECKS,
                "--seed",
                str(options.seed),
                "--max-examples",
                str(options.examples),
                "--header",
                f"Authorization: Bearer {token}",
                "--header",
                "If-Match: *",
                "--workers",
                "2",
                "--generation-database",
                "none",
                "--no-color",
            ],
            env=env,
            check=False,
            # Its cache of requests and crashes goes with the scratch directory.
            cwd=scratch,
        )
        print(
            f"== done in {time.monotonic() - started:.0f} s (seed {options.seed}): "
            f"{len(findings)} unauthenticated answer(s), schemathesis exit {fuzzed.returncode}",
            flush=True,
        )
        return 1 if findings or fuzzed.returncode != 0 else 0
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
        shutil.rmtree(scratch, ignore_errors=True)


def scopes(env: dict[str, str]) -> list[str]:
    """Every scope a token can hold, as the application defines them."""
    code = "from summitdesk.api.models import ApiScope; print(','.join(ApiScope.values))"
    done = subprocess.run(
        [str(BIN / "summitdesk"), "shell", "-c", code],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    # The shell may print a line of its own first.
    return done.stdout.strip().splitlines()[-1].split(",")


if __name__ == "__main__":
    sys.exit(main())
