"""Which address a request comes from: the socket's peer, or, when that peer is a proxy the hub
was told to trust, the address that proxy says it forwarded for.

X-Forwarded-For lists the addresses a request passed through, the client first; each proxy
appends the address it received the request from. Read from the right, every address that is a
trusted proxy is skipped and the first that is not is the client: anything to its left was
written by the client itself and proves nothing.
"""
from __future__ import annotations

import ipaddress
from typing import Iterable, Optional, Tuple, Union

Network = Union[ipaddress.IPv4Network, ipaddress.IPv6Network]


def parse_networks(raw: str) -> Tuple[Network, ...]:
    """`10.0.0.5, 10.1.0.0/16, ::1`: addresses and CIDR blocks; ValueError names a bad one."""
    networks = []
    for item in (part.strip() for part in raw.split(",")):
        if item:
            try:
                networks.append(ipaddress.ip_network(item, strict=False))
            except ValueError:
                raise ValueError(f"not an address or CIDR block: {item!r}") from None
    return tuple(networks)


def _trusted(address: str, networks: Iterable[Network]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in networks)


def client_address(peer: Optional[str], forwarded_for: Optional[str],
                   trusted: Tuple[Network, ...]) -> str:
    """The client's address ("" when the server did not see one)."""
    peer = peer or ""
    if not trusted or not forwarded_for or not _trusted(peer, trusted):
        return peer
    hops = [hop.strip() for hop in forwarded_for.split(",") if hop.strip()]
    for hop in reversed(hops):
        if not _trusted(hop, trusted):
            return hop
    return hops[0] if hops else peer
