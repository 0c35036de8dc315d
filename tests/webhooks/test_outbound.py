"""Webhooks cannot reach inside: private and local addresses are refused at subscription
and again at every connection, the log keeps plain reasons, and a delivery has a deadline."""

import ipaddress
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse
from pytest_django import Settings

from summitdesk.webhooks import outbound, services
from summitdesk.webhooks.enums import Event
from summitdesk.webhooks.models import Delivery, Subscription
from tests.api.conftest import ApiClient, error_fields, make_token
from tests.core.test_secret_key import PRINT_KEY, run
from tests.webhooks.conftest import Receiver
from tests.webhooks.test_delivery import ADMIN, approve, fan_out_and_send, subscribe

pytestmark = pytest.mark.django_db

REFUSED = [
    "127.0.0.1",
    "127.8.9.10",
    "10.1.2.3",
    "172.16.0.1",
    "192.168.1.1",
    "169.254.169.254",
    "0.0.0.0",  # noqa: S104 (an address refused, not one bound)
    "0.1.2.3",
    "100.64.0.1",
    "100.127.255.254",
    "224.0.0.1",
    "239.255.255.250",
    "255.255.255.255",
    "::",
    "::1",
    "fe80::1",
    "fc00::1",
    "fd12:3456::1",
    "ff02::1",
    "::ffff:127.0.0.1",
    "::ffff:8.8.8.8",
    "64:ff9b::808:808",
]
PERMITTED = ["8.8.8.8", "93.184.215.14", "100.128.0.1", "2001:4860:4860::8888"]


@pytest.mark.parametrize("address", REFUSED)
def test_inside_addresses_are_refused_by_default(address: str) -> None:
    assert outbound.permitted(ipaddress.ip_address(address), []) is False


@pytest.mark.parametrize("address", PERMITTED)
def test_public_addresses_are_permitted(address: str) -> None:
    assert outbound.permitted(ipaddress.ip_address(address), []) is True


def test_the_allow_list_opens_only_its_networks() -> None:
    allowed = [ipaddress.ip_network("10.20.0.0/16")]

    assert outbound.permitted(ipaddress.ip_address("10.20.3.4"), allowed) is True
    assert outbound.permitted(ipaddress.ip_address("10.21.3.4"), allowed) is False
    assert outbound.permitted(ipaddress.ip_address("127.0.0.1"), allowed) is False


@pytest.mark.parametrize(
    ("url", "host", "address"),
    [
        ("http://127.0.0.1:8080/hook", "127.0.0.1", "127.0.0.1"),
        ("http://localhost:8080/hook", "localhost", None),
        ("http://[::1]/hook", "::1", "::1"),
        ("http://[::ffff:127.0.0.1]/hook", "::ffff:127.0.0.1", "::ffff:7f00:1"),
        ("https://169.254.169.254/latest/meta-data", "169.254.169.254", "169.254.169.254"),
        ("http://2130706433/hook", "2130706433", "127.0.0.1"),
        ("http://10.0.0.5/hook", "10.0.0.5", "10.0.0.5"),
    ],
)
def test_subscribing_an_inside_address_is_refused_without_the_allow_list(
    settings: Settings, url: str, host: str, address: str | None
) -> None:
    settings.SUMMITDESK_WEBHOOK_ALLOWED_NETWORKS = []

    with pytest.raises(services.WebhookError) as refused:
        subscribe(url)

    message = str(refused.value)
    assert message.startswith(f"{host} is a private or local address (")
    if address is not None:  # localhost: 127.0.0.1 or ::1, whichever resolves first
        assert f"({address})" in message
    assert message.endswith(
        "webhooks are not sent inside the installation's network unless the administrator "
        "of the installation lists it in SUMMITDESK_WEBHOOK_ALLOWED_NETWORKS."
    )
    assert refused.value.field == "target_url"
    assert Subscription.objects.count() == 0


def test_loopback_receiver_is_not_reached_without_the_allow_list(
    settings: Settings, receiver: Receiver
) -> None:
    """127.0.0.1 and localhost, subscribed while allowed (or, for a name, while it still
    resolved elsewhere: DNS rebinding): every connection is checked again."""
    subscribe(receiver.url)
    subscribe(f"http://localhost:{receiver.port}/hooks/summitdesk")
    settings.SUMMITDESK_WEBHOOK_ALLOWED_NETWORKS = []
    approve()

    fan_out_and_send()

    assert receiver.received == []
    assert sorted(Delivery.objects.values_list("status", "last_status_code", "last_error")) == [
        ("pending", None, "refused: private address"),
        ("pending", None, "refused: private address"),
    ]


def test_a_name_resolving_inside_at_sending_time_is_refused(
    settings: Settings, receiver: Receiver
) -> None:
    """Stored as if it had resolved to a public address when subscribed."""
    settings.SUMMITDESK_WEBHOOK_ALLOWED_NETWORKS = []
    Subscription.objects.create(
        name="Rebound",
        target_url=f"http://localhost:{receiver.port}/hooks/summitdesk",
        events=[Event.ACCREDITATION_APPROVED],
        secret=services.new_secret(),
    )
    approve()

    fan_out_and_send()

    assert receiver.received == []
    assert Delivery.objects.get().last_error == "refused: private address"


def test_the_allow_list_reaches_the_local_receiver(receiver: Receiver) -> None:
    """tests/webhooks/conftest.py allows 127.0.0.1/32, as an administrator would."""
    subscribe(receiver.url)
    approve()

    fan_out_and_send()

    assert len(receiver.received) == 1
    assert Delivery.objects.get().last_error == ""


def test_closed_port_and_non_http_service_are_logged_alike(closed_port: int) -> None:
    """The log must not tell an open port from a closed one."""
    with socket.socket() as service:
        service.bind(("127.0.0.1", 0))
        service.listen()
        open_port = service.getsockname()[1]

        def babble() -> None:
            connection, _ = service.accept()
            with connection:
                connection.recv(65536)
                connection.sendall(b"SSH-2.0-OpenSSH_9.6\r\n")

        thread = threading.Thread(target=babble, daemon=True)
        thread.start()
        subscribe(f"http://127.0.0.1:{open_port}/hook")
        subscribe(f"http://127.0.0.1:{closed_port}/hook")
        approve()
        fan_out_and_send()
        thread.join(5)

    assert list(Delivery.objects.values_list("last_status_code", "last_error")) == [
        (None, "connection failed"),
        (None, "connection failed"),
    ]


@pytest.fixture
def trickler() -> Iterator[int]:
    """A receiver that answers one header byte every tenth of a second, for ever: each
    read gets something well within the read timeout."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    stop = threading.Event()

    def serve() -> None:
        connection, _ = server.accept()
        with connection:
            connection.recv(65536)
            connection.sendall(b"HTTP/1.1 200 OK\r\nX-Slow: ")
            while not stop.is_set():
                try:
                    connection.sendall(b"a")
                except OSError:
                    return
                time.sleep(0.1)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield server.getsockname()[1]
    stop.set()
    server.close()
    thread.join(5)


def test_a_slow_receiver_is_cut_at_the_deadline(settings: Settings, trickler: int) -> None:
    settings.SUMMITDESK_WEBHOOK_DEADLINE = 1.0
    subscribe(f"http://127.0.0.1:{trickler}/hook")
    approve()

    started = time.monotonic()
    fan_out_and_send()
    took = time.monotonic() - started

    assert 1.0 <= took < 3.0
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.last_status_code, delivery.last_error) == (
        "pending",
        None,
        "timeout",
    )


def test_back_office_form_names_the_refused_address(
    settings: Settings, admin_client: Client
) -> None:
    settings.SUMMITDESK_WEBHOOK_ALLOWED_NETWORKS = []

    response = admin_client.post(
        reverse("webhooks:subscription-create"),
        {
            "name": "Inside",
            "target_url": "http://192.168.1.20/hook",
            "events": ["accreditation.approved"],
        },
    )

    assert response.status_code == 200
    assert "192.168.1.20 is a private or local address (192.168.1.20)" in (
        response.content.decode().replace("&#x27;", "'")
    )
    assert Subscription.objects.count() == 0


def test_api_refuses_an_inside_address(settings: Settings) -> None:
    settings.SUMMITDESK_WEBHOOK_ALLOWED_NETWORKS = []
    api = ApiClient(make_token("webhooks:manage", name="security"))

    response = api.post(
        "/webhooks/subscriptions",
        {
            "name": "Inside",
            "target_url": "http://127.0.0.1:9000/hook",
            "events": ["accreditation.approved"],
        },
    )

    assert response.status_code == 422
    [message] = error_fields(response)["target_url"]
    assert message.startswith("127.0.0.1 is a private or local address (127.0.0.1): ")
    assert Subscription.objects.count() == 0


def test_an_edit_keeping_a_now_refused_address_still_saves(
    settings: Settings, receiver: Receiver
) -> None:
    """Deactivating stays possible after the allow-list shrank."""
    subscription = subscribe(receiver.url)
    settings.SUMMITDESK_WEBHOOK_ALLOWED_NETWORKS = []

    assert services.deactivate(subscription, actor=ADMIN).active is False


def test_an_ipv6_address_without_port_is_reached_on_port_80(settings: Settings) -> None:
    """http.client alone would read "[::1]" without a port as host ":" and port 1."""
    settings.SUMMITDESK_WEBHOOK_ALLOWED_NETWORKS = []

    response = services.post("http://[::1]/hook", b"{}", {})

    assert (response.status, response.reason) == (None, "refused: private address")


def test_a_malformed_allow_list_stops_start_up(tmp_path: Path) -> None:
    result = run(
        ["-c", PRINT_KEY],
        tmp_path,
        SECRET_KEY="k" * 60,
        SUMMITDESK_WEBHOOK_ALLOWED_NETWORKS="10.0.0.0/8, intranet",
    )

    assert result.returncode == 1
    assert (
        "SUMMITDESK_WEBHOOK_ALLOWED_NETWORKS: 'intranet' is not an address or network"
        in result.stderr
    )
