"""Ports of 127.0.0.1: a free one to start a server on, and which process listens on one
(Linux /proc), to tell our server from another.

A test picks a free port and the server binds it seconds later (Rasa loads its model first); on a
machine shared with other test runs, another process can take the port in between, and then
answers the health check in our server's place. Free ports are therefore taken below the kernel's
range of ephemeral ports: a port the kernel picks for a bind to port 0 is one it also gives to the
local end of an outgoing connection, which took such a port from a test's hub between the pick
and the bind ("address already in use").
"""
from __future__ import annotations

import os
import random
import socket
from pathlib import Path
from typing import Set, Tuple

LISTEN = "0A"


EPHEMERAL_RANGE_FILE = Path("/proc/sys/net/ipv4/ip_local_port_range")
LOWEST_PORT = 10000
_random = random.Random()


def ephemeral_ports() -> Tuple[int, int]:
    """The first and last port the kernel gives to outgoing connections (Linux's default if it
    does not say)."""
    try:
        first, last = (int(part) for part in EPHEMERAL_RANGE_FILE.read_text().split())
        return first, last
    except (OSError, ValueError):
        return 32768, 60999


def free_port() -> int:
    """A port of 127.0.0.1 that nothing is bound to now, outside the ephemeral range (above)."""
    first, _ = ephemeral_ports()
    for _ in range(200):
        port = _random.randrange(LOWEST_PORT, max(first, LOWEST_PORT + 1))
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError(f"no free port of 127.0.0.1 between {LOWEST_PORT} and {first}")


def listening_inodes(port: int) -> Set[str]:
    inodes: Set[str] = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            if fields[3] == LISTEN and int(fields[1].rsplit(":", 1)[1], 16) == port:
                inodes.add(fields[9])
    return inodes


def listens(pid: int, port: int) -> bool:
    """Whether the process `pid` holds a socket listening on `port`."""
    wanted = {f"socket:[{inode}]" for inode in listening_inodes(port)}
    fds = Path(f"/proc/{pid}/fd")
    try:
        return any(os.readlink(fds / fd) in wanted for fd in os.listdir(fds))
    except OSError:  # the process is gone
        return False
