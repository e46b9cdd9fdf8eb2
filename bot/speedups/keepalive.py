"""Rasa's calls to the action server over kept-alive connections.

Rasa 3.6 makes a new `aiohttp.ClientSession`, so a new TCP connection, for every request to an
endpoint (`EndpointConfig.session`): one per custom action, on every message. `install()` makes
those sessions share one connection pool per event loop, which closing a session leaves open;
the headers, auth and timeout are the ones Rasa sets.

Custom action calls post the conversation (`tracker.current_state()`; the slot mapping only its
latest turn, bot/speedups/action_calls.py), and encoding it with the standard library's `json` was the
largest single cost of a call (py-spy, docs/performance.md); these sessions encode it with
`ujson` (bolt/core/jsontext.py), three times as fast and decoded to the same values.
"""
from __future__ import annotations

import asyncio
from typing import Callable, Dict

import aiohttp
from rasa.core.constants import DEFAULT_REQUEST_TIMEOUT
from rasa.utils.endpoints import EndpointConfig

from bolt.core.jsontext import dumps

# aiohttp: the sessions are built here, with its pooling and serialising options.
TESTED_ON = {"rasa": "3.6.21", "aiohttp": "3.9.5"}

_ORIGINAL: Callable[[EndpointConfig], aiohttp.ClientSession] = EndpointConfig.session
_connectors: Dict[asyncio.AbstractEventLoop, aiohttp.TCPConnector] = {}


def _connector(loop: asyncio.AbstractEventLoop) -> aiohttp.TCPConnector:
    connector = _connectors.get(loop)
    if connector is None or connector.closed:
        connector = aiohttp.TCPConnector(limit=100, keepalive_timeout=30)  # Rasa's limit
        _connectors[loop] = connector
    return connector


def session(self: EndpointConfig) -> aiohttp.ClientSession:
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:  # outside a running loop: Rasa's own session
        return _ORIGINAL(self)
    auth = (aiohttp.BasicAuth(self.basic_auth["username"], self.basic_auth["password"])
            if self.basic_auth else None)
    return aiohttp.ClientSession(
        connector=_connector(loop), connector_owner=False, headers=self.headers, auth=auth,
        timeout=aiohttp.ClientTimeout(total=DEFAULT_REQUEST_TIMEOUT), json_serialize=dumps)


async def close() -> None:
    """Closes the running loop's pool (a server leaves it to the process's exit)."""
    connector = _connectors.pop(asyncio.get_running_loop(), None)
    if connector is not None:
        await connector.close()


def install() -> None:
    EndpointConfig.session = session  # type: ignore[assignment]


def uninstall() -> None:
    EndpointConfig.session = _ORIGINAL  # type: ignore[assignment]
