"""Ports of 127.0.0.1: a free one to start a server on, and which process listens on one
(Linux /proc), to tell our server from another.

A test picks a free port and the server binds it seconds later (Rasa loads its model first); on a
machine shared with other test runs, another process can take the port in between, and then
answers the health check in our server's place.
"""
from __future__ import annotations

import os
import socket
from pathlib import Path
from typing import Set

LISTEN = "0A"


def free_port() -> int:
    """A port of 127.0.0.1 that nothing listens on now (and nothing answers on, until bound)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


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
