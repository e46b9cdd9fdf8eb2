"""The client's address: the socket's peer unless that peer is a trusted proxy, and then the
first address from the right of X-Forwarded-For that is not a trusted proxy."""
import pytest

from handoff.rules.client_address import client_address, parse_networks

PROXIES = parse_networks("10.0.0.0/8, 192.168.1.5, ::1")


def test_without_trusted_proxies_the_header_is_ignored():
    assert client_address("203.0.113.9", "198.51.100.1", ()) == "203.0.113.9"
    assert client_address("10.0.0.2", "198.51.100.1", ()) == "10.0.0.2"


def test_a_peer_that_is_no_trusted_proxy_is_the_client_whatever_it_says():
    assert client_address("203.0.113.9", "198.51.100.1", PROXIES) == "203.0.113.9"


@pytest.mark.parametrize("forwarded, client", [
    ("198.51.100.1", "198.51.100.1"),
    ("6.6.6.6, 198.51.100.1", "198.51.100.1"),  # the left part is the client's own writing
    ("198.51.100.1, 10.1.2.3", "198.51.100.1"),  # through two trusted proxies
    ("198.51.100.1,192.168.1.5,10.9.9.9", "198.51.100.1"),
    ("10.1.1.1, 10.2.2.2", "10.1.1.1"),  # only proxies: the first of them
    ("", "10.0.0.7"),
])
def test_behind_a_trusted_proxy_the_last_untrusted_hop_is_the_client(forwarded, client):
    assert client_address("10.0.0.7", forwarded or None, PROXIES) == client


def test_ipv6_and_no_peer():
    assert client_address("::1", "2001:db8::5", PROXIES) == "2001:db8::5"
    assert client_address(None, None, PROXIES) == ""


def test_a_bad_proxy_entry_is_named():
    with pytest.raises(ValueError, match="not-an-address"):
        parse_networks("10.0.0.0/8, not-an-address")
