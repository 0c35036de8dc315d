from django.test import override_settings

from summitdesk.core.ratelimit import client_ip

BEHIND_PROXY = {"REMOTE_ADDR": "10.0.0.2", "HTTP_X_FORWARDED_FOR": "6.6.6.6, 203.0.113.7"}


def test_client_ip_without_proxy_is_the_socket_address() -> None:
    with override_settings(BEHIND_TLS_PROXY=False):
        assert client_ip(BEHIND_PROXY) == "10.0.0.2"


def test_client_ip_behind_trusted_proxy_is_the_hop_the_proxy_appended() -> None:
    with override_settings(BEHIND_TLS_PROXY=True):
        assert client_ip(BEHIND_PROXY) == "203.0.113.7"


def test_client_ip_behind_proxy_without_header_falls_back_to_socket() -> None:
    with override_settings(BEHIND_TLS_PROXY=True):
        assert client_ip({"REMOTE_ADDR": "10.0.0.2"}) == "10.0.0.2"
