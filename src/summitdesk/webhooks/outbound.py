"""Where a webhook may be sent: never inside the installation's own network unless an
administrator lists the network in SUMMITDESK_WEBHOOK_ALLOWED_NETWORKS.

The rule is applied to the address a connection is actually opened to, resolved at that
moment (`GuardedHTTPConnection`), so a name that resolved to a public address when the
subscription was made and to 127.0.0.1 since (DNS rebinding) is refused all the same.
The check at subscription time (`refusal`) only gives the administrator an early, clear
message.
"""

import contextlib
import http.client
import ipaddress
import socket
import time
from typing import Any

from django.conf import settings

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network

#: Refused by default, besides every address Python does not count as global.
REFUSED_NETWORKS: tuple[Network, ...] = tuple(
    ipaddress.ip_network(network)
    for network in (
        "0.0.0.0/8",  # "this network"; 0.0.0.0 reaches the local host
        "10.0.0.0/8",
        "100.64.0.0/10",  # carrier-grade NAT, shared address space
        "127.0.0.0/8",
        "169.254.0.0/16",  # link-local, cloud metadata services
        "172.16.0.0/12",
        "192.168.0.0/16",
        "224.0.0.0/4",  # multicast
        "240.0.0.0/4",
        "::/128",
        "::1/128",
        "::ffff:0:0/96",  # IPv4-mapped: would carry an IPv4 address past the IPv4 rules
        "64:ff9b::/96",  # NAT64: the same, through a translator
        "fc00::/7",  # unique-local
        "fe80::/10",  # link-local
        "ff00::/8",  # multicast
    )
)


class RefusedAddress(OSError):
    """Every address the target's name resolves to is refused."""


def allowed_networks() -> list[Network]:
    return [
        ipaddress.ip_network(network, strict=False)
        for network in settings.SUMMITDESK_WEBHOOK_ALLOWED_NETWORKS
    ]


def permitted(address: Address, allowed: list[Network]) -> bool:
    """Whether a webhook may be sent to `address`."""
    if any(address.version == network.version and address in network for network in allowed):
        return True
    if any(
        address.version == network.version and address in network for network in REFUSED_NETWORKS
    ):
        return False
    return address.is_global and not address.is_multicast


def _address(sockaddr: tuple[Any, ...]) -> Address:
    # A scoped IPv6 address comes back as "fe80::1%eth0": the scope is not part of it.
    return ipaddress.ip_address(str(sockaddr[0]).split("%", 1)[0])


def resolve(host: str, port: int) -> list[tuple[Any, ...]]:
    """getaddrinfo results for `host` that may be connected to; RefusedAddress when it
    resolves only to refused addresses (socket.gaierror when it does not resolve)."""
    found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    allowed = allowed_networks()
    usable = [info for info in found if permitted(_address(info[4]), allowed)]
    if not usable:
        raise RefusedAddress(f"{host} resolves only to refused addresses")
    return usable


def refusal(host: str) -> Address | None:
    """The first refused address `host` resolves to now, or None (all allowed, or the name
    does not resolve yet: it is checked again at each connection)."""
    try:
        found = socket.getaddrinfo(host, 443, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError, ValueError):
        return None
    allowed = allowed_networks()
    for info in found:
        address = _address(info[4])
        if not permitted(address, allowed):
            return address
    return None


def connect(host: str, port: int, timeout: float, deadline: float) -> socket.socket:
    """A TCP connection to the first permitted address of `host` that answers, each try
    bounded by `timeout` and all of them by `deadline` (time.monotonic())."""
    last: OSError = RefusedAddress(host)
    for family, kind, protocol, _name, sockaddr in resolve(host, port):
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise TimeoutError("deadline reached while connecting")
        sock = socket.socket(family, kind, protocol)
        try:
            sock.settimeout(min(timeout, remaining))
            sock.connect(sockaddr)
        except OSError as error:
            sock.close()
            last = error
            continue
        sock.settimeout(timeout)
        return sock
    raise last


class _Guarded:
    """What both kinds of connection add: a permitted address, reached within `deadline`,
    and a way to cut the connection from another thread."""

    sock: socket.socket | None

    def guard(self, deadline: float) -> None:
        self._create_connection = lambda address, timeout, source=None: connect(
            address[0], address[1], timeout, deadline
        )

    def abort(self) -> None:
        """Cut the connection: a read in progress ends at once."""
        sock = self.sock
        if sock is not None:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)


class GuardedHTTPConnection(_Guarded, http.client.HTTPConnection):
    pass


class GuardedHTTPSConnection(_Guarded, http.client.HTTPSConnection):
    """Over TLS, the certificate checked against the name, as usual."""


def open_connection(
    scheme: str, host: str, port: int | None, *, timeout: float, deadline: float
) -> GuardedHTTPConnection | GuardedHTTPSConnection:
    """A connection (not yet connected) to `host`; ValueError for a malformed port."""
    kind = GuardedHTTPSConnection if scheme == "https" else GuardedHTTPConnection
    connection = kind(host, port, timeout=timeout)
    connection.guard(deadline)
    return connection
