"""Rasa as the hub sees it: the REST channel for bot replies, the tracker API to pause/resume.

Rasa's HTTP API is opened with a token (`--auth-token`, BOLT_RASA_TOKEN): the hub sends it as
the `token` query parameter, the one way Rasa accepts it. The REST channel needs none.
"""
from __future__ import annotations

import asyncio
from typing import Any, Dict, List, Mapping, Optional

from urllib.parse import urlencode

import aiohttp

REPLY_FIELDS = ("text", "buttons", "custom", "image", "attachment")
# The longest wait for Rasa's /version when the hub looks whether Rasa answers.
LOOK_SECONDS = 2.0


def kept(reply: Mapping[str, Any]) -> Dict[str, Any]:
    """What the hub keeps of one reply: what the user may see, and the NLU's decision
    (`metadata.nlu`, bot/turn_decisions.py) as `nlu` with the next best topics after an answer
    as `next_topics`, which the user's socket never gets."""
    fields = {k: reply[k] for k in REPLY_FIELDS if reply.get(k) is not None}
    metadata = reply.get("metadata")
    decision = metadata.get("nlu") if isinstance(metadata, Mapping) else None
    if isinstance(decision, Mapping):
        fields["nlu"] = dict(decision)
        following = metadata.get("next_topics")
        if isinstance(following, list):
            fields["next_topics"] = [str(key) for key in following]
    return fields


class BotUnavailable(Exception):
    """Rasa did not answer in time, or answered with an error."""


class RasaClient:
    def __init__(self, base_url: str, timeout_seconds: float, api_token: str = ""):
        self.base_url = base_url.rstrip("/")
        self.api_token = api_token
        self.timeout = aiohttp.ClientTimeout(total=timeout_seconds)
        self._session: Optional[aiohttp.ClientSession] = None

    async def start(self) -> None:
        self._session = aiohttp.ClientSession(timeout=self.timeout)

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def send(self, sender: str, message: str,
                   metadata: Mapping[str, Any]) -> List[Dict[str, Any]]:
        """The bot's replies to one user message, each reduced to what the user may see."""
        body = {"sender": sender, "message": message, "metadata": dict(metadata)}
        replies = await self._post("/webhooks/rest/webhook", body)
        if not isinstance(replies, list):
            raise BotUnavailable("the REST channel answered with something other than a list")
        return [kept(reply) for reply in replies if isinstance(reply, dict)]

    async def parse(self, text: str, metadata: Mapping[str, Any]) -> Dict[str, Any]:
        """What the live model makes of `text` (Rasa's /model/parse: no conversation, no
        dialogue, nothing stored)."""
        parsed = await self._post("/model/parse", {"text": text, "metadata": dict(metadata)},
                                  {"token": self.api_token})
        if not isinstance(parsed, dict):
            raise BotUnavailable("/model/parse answered with something other than an object")
        return parsed

    async def answers(self) -> bool:
        """Whether Rasa answers `/version` now (it does once its model is loaded)."""
        if self._session is None:
            return False
        try:
            async with self._session.get(self.base_url + "/version",
                                         timeout=aiohttp.ClientTimeout(total=LOOK_SECONDS)
                                         ) as response:
                return response.status == 200
        except (aiohttp.ClientError, asyncio.TimeoutError):
            return False

    async def pause(self, sender: str) -> None:
        await self._events(sender, {"event": "pause"})

    async def resume(self, sender: str) -> None:
        # Rasa 3.6 only predicts again after the resume when the tracker ends with a listen.
        await self._events(sender, [{"event": "resume"},
                                    {"event": "action", "name": "action_listen"}])

    async def _events(self, sender: str, events: Any) -> None:
        # Rasa answers appended events with the conversation; without include_events=NONE, with
        # all of its events, which the hub never reads (tens of KB encoded by Rasa and decoded
        # here at every pause and resume).
        await self._post(f"/conversations/{sender}/tracker/events", events,
                         {"include_events": "NONE", "token": self.api_token})

    async def _post(self, path: str, body: Any, query: Optional[Dict[str, str]] = None) -> Any:
        """Rasa's answer to a POST of `body`; errors name the path, never the query (the token)."""
        if self._session is None:
            raise RuntimeError("RasaClient.start() was not called")
        url = self.base_url + path + (f"?{urlencode(query)}" if query else "")
        try:
            async with self._session.post(url, json=body) as response:
                if response.status >= 400:
                    raise BotUnavailable(f"Rasa answered {response.status} to {path}")
                return await response.json(content_type=None)
        except (aiohttp.ClientError, asyncio.TimeoutError, ValueError) as error:
            detail = repr(error).replace(self.api_token, "…") if self.api_token else repr(error)
            raise BotUnavailable(f"Rasa did not answer {path}: {detail}") from error
