"""A real HTTP receiver on 127.0.0.1, started by the test, that records what it is sent."""

import http.server
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest
from pytest_django import Settings

#: An answer that is not HTTP at all.
GARBLED = 999


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class Receiver:
    """Answers each POST with the next of `answers` (the last one repeats)."""

    port: int = 0
    answers: list[int] = field(default_factory=lambda: [200])
    received: list[Received] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hooks/summitdesk"


def _handler(receiver: Receiver) -> type[http.server.BaseHTTPRequestHandler]:
    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            receiver.received.append(
                Received(self.path, {k.lower(): v for k, v in self.headers.items()}, body)
            )
            index = min(len(receiver.received), len(receiver.answers)) - 1
            status = receiver.answers[index]
            if status == GARBLED:
                self.wfile.write(b"NONSENSE\r\n\r\n")
                return
            self.send_response(status)
            if 300 <= status < 400:
                self.send_header("Location", f"http://127.0.0.1:{receiver.port}/elsewhere")
            reply = b"ok" if status < 300 else f"answer {status}".encode()
            self.send_header("Content-Length", str(len(reply)))
            self.end_headers()
            self.wfile.write(reply)

        def do_GET(self) -> None:  # a followed redirect would arrive here
            receiver.received.append(
                Received(self.path, {k.lower(): v for k, v in self.headers.items()}, b"")
            )
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: object) -> None:
            pass

    return Handler


@pytest.fixture(autouse=True)
def local_receivers_allowed(settings: Settings) -> None:
    """The receivers of these tests listen on 127.0.0.1: allowed the way an administrator
    allows an internal receiver (refused without it: test_outbound.py)."""
    settings.SUMMITDESK_WEBHOOK_ALLOWED_NETWORKS = ["127.0.0.1/32"]


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    state = Receiver()
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _handler(state))
    state.port = server.server_address[1]
    # shutdown() waits for the next poll: the default half second, per test, adds up.
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    )
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


@pytest.fixture
def closed_port() -> int:
    """A port nobody listens on: connections to it are refused."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])
