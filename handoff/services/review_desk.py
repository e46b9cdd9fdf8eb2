"""The console's review page: what editors and supervisors read of the review inbox, and what
editors do there (add a group's questions to a topic, start a new topic from them, dismiss them,
publish, roll back).

Writing the content and publishing are the command line's (`python -m bolt.cli content
add-examples|publish|rollback --json`), run as subprocesses in the project that holds the hub's
content (the folder above BOLT_CONTENT_DIR, BOLT_HOME's data/ by default) so the event loop
never waits on them; each prints one JSON object, passed on to the console with the validator's
findings or the check that refused a model. Every action is recorded in the audit log. After a
publish that went live, the questions waiting for it are asked of the live model again: those
it now answers with their topic leave the inbox.
"""
from __future__ import annotations

import asyncio
import json
import os
import sys
from pathlib import Path
from typing import Any, Dict, List, Mapping, Optional

from bolt.core import logs
from handoff.services.audit import (
    CONTENT_PUBLISHED, CONTENT_ROLLED_BACK, REVIEW_ADDED, REVIEW_DISMISSED, REVIEW_NEW_TOPIC,
    Audit, agent_actor,
)
from handoff.services.rasa_client import BotUnavailable, RasaClient
from handoff.services.review import ADDED, DISMISSED, NEW_TOPIC, Review
from handoff.store.schema import Agent
from handoff.wire.protocol import Frame, ProtocolError

log = logs.get_logger(__name__)
SOURCE = Path(__file__).resolve().parents[2]
# Adding questions validates the whole content (seconds); publishing trains (minutes).
EDIT_SECONDS = 120.0
PUBLISH_SECONDS = 1800.0


class ReviewDesk:
    def __init__(self, review: Review, audit: Audit, rasa: RasaClient, project: Path) -> None:
        self.review = review
        self.audit = audit
        self.rasa = rasa
        self.project = project
        self._publishing = asyncio.Lock()

    @staticmethod
    def may_read(agent: Agent) -> bool:
        return bool(agent.editor or agent.supervisor)

    def _reader(self, agent: Agent) -> None:
        if not self.may_read(agent):
            raise ProtocolError("forbidden", "only editors and supervisors see the review inbox")

    @staticmethod
    def _editor(agent: Agent) -> None:
        if not agent.editor:
            raise ProtocolError("forbidden", "only editors change what Bolt knows")

    async def inbox(self, agent: Agent, frame: Frame) -> Dict[str, Any]:
        self._reader(agent)
        # Reading a month of conversations and grouping them: off the loop.
        inbox = await asyncio.to_thread(self.review.inbox, frame["language"])
        return {"type": "review", **inbox, "editor": bool(agent.editor)}

    def transcript(self, agent: Agent, frame: Frame) -> Dict[str, Any]:
        self._reader(agent)
        try:
            events = self.review.transcript(frame["conversation_id"])
        except LookupError:
            raise ProtocolError("forbidden", "no such conversation") from None
        return {"type": "review_transcript", "conversation_id": frame["conversation_id"],
                "events": events}

    async def act(self, agent: Agent, frame: Frame, origin: str) -> Dict[str, Any]:
        """Adds a group's questions to a topic, starts a new topic, or dismisses them."""
        self._editor(agent)
        language, action = frame["language"], frame["action"]
        try:
            found = await asyncio.to_thread(self.review.find_group, language,
                                            frame["group_id"])
        except LookupError:
            raise ProtocolError("not_found", "no such group in the review inbox (it may have "
                                "been handled meanwhile)", field="group_id") from None
        keys = [(q["conversation_id"], q["seq"]) for q in found["questions"]]
        actor = agent_actor(agent.name, origin)
        details = {"language": language, "group": frame["group_id"], "questions": len(keys)}
        answer = {"type": "review_done", "client_id": frame["client_id"],
                  "group_id": frame["group_id"], "action": action}
        if action == "dismiss":
            self.review.mark(keys, language, DISMISSED, None, agent.name)
            self.audit.record(actor, REVIEW_DISMISSED, **details)
            return {**answer, "ok": True, "findings": [], "message": ""}
        topic = frame.get("topic")
        if not topic:
            raise ProtocolError("invalid_field", "name the topic", field="topic")
        where = ["--topic", topic] if action == "add" else ["--new", topic]
        result = await self._command(
            ["add-examples", "--language", language, *where, "--editor", agent.name],
            json.dumps([q["text"] for q in found["questions"]]), EDIT_SECONDS)
        if result.get("ok"):
            self.review.mark(keys, language, ADDED if action == "add" else NEW_TOPIC, topic,
                             agent.name)
            self.audit.record(actor, REVIEW_ADDED if action == "add" else REVIEW_NEW_TOPIC,
                              topic=topic, recorded=(result.get("recorded") or {}).get("how"),
                              **details)
        return {**answer, "ok": bool(result.get("ok")), "topic": topic,
                "findings": list(result.get("findings") or []),
                "changed": list(result.get("changed") or []),
                "message": str(result.get("message") or "")}

    async def publish(self, agent: Agent, frame: Frame, origin: str,
                      rollback: bool = False) -> Dict[str, Any]:
        """Runs `bolt content publish` (or `rollback`); one at a time per hub."""
        self._editor(agent)
        answer_type = "content_rolled_back" if rollback else "content_published"
        if self._publishing.locked():
            raise ProtocolError("busy", "a publish or a rollback is running")
        async with self._publishing:
            result = await self._command(["rollback" if rollback else "publish", "--json",
                                          "--by", agent.name], None, PUBLISH_SECONDS)
            answered: List[Any] = []
            if result.get("ok") and not rollback:
                answered = await self.review.recheck(self._answers_with, agent.name)
        if not result.get("ok"):
            # A model that went live is recorded by the command itself, with the editor's name;
            # one refused or failed is recorded here.
            self.audit.record(agent_actor(agent.name, origin),
                              CONTENT_ROLLED_BACK if rollback else CONTENT_PUBLISHED, ok=False,
                              live=result.get("live"), failed_check=result.get("failed_check"))
        return {"type": answer_type, "client_id": frame["client_id"],
                "ok": bool(result.get("ok")), "live": result.get("live"),
                "previous": result.get("previous"), "failed_check": result.get("failed_check"),
                "message": str(result.get("message") or ""), "answered": len(answered)}

    async def _answers_with(self, text: str, language: str) -> Optional[str]:
        """The FAQ key the live model answers `text` with (None: abstains, or no topic)."""
        try:
            parsed = await self.rasa.parse(text, {"locale": language})
        except BotUnavailable as error:
            log.warning("review.recheck_failed", error=str(error))
            return None
        return answered_topic(parsed)

    async def _command(self, args: List[str], stdin: Optional[str],
                       seconds: float) -> Dict[str, Any]:
        """`python -m bolt.cli content ARGS` in the content's project: its one JSON object."""
        # The command of the same code as this hub, whatever the content's folder holds.
        path = os.pathsep.join(p for p in (str(SOURCE), os.environ.get("PYTHONPATH")) if p)
        env = {**os.environ, "BOLT_HOME": str(self.project), "PYTHONPATH": path}
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bolt.cli", "content", *args, cwd=str(self.project), env=env,
            stdin=asyncio.subprocess.PIPE if stdin is not None else asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
        try:
            out, err = await asyncio.wait_for(
                process.communicate(stdin.encode() if stdin is not None else None), seconds)
        except asyncio.TimeoutError:
            process.kill()
            await process.wait()
            return {"ok": False, "message": f"bolt content {args[0]} took over {seconds:.0f} s"}
        lines = [line for line in out.decode(errors="replace").splitlines() if line.startswith("{")]
        try:
            result = json.loads(lines[-1]) if lines else None
        except ValueError:
            result = None
        if not isinstance(result, dict):
            tail = err.decode(errors="replace").strip().splitlines()[-1:] or ["no answer"]
            log.warning("review.command_failed", command=args[0], returncode=process.returncode)
            return {"ok": False, "message": f"bolt content {args[0]} failed: {tail[0]}"}
        return result


def answered_topic(parsed: Mapping[str, Any]) -> Optional[str]:
    """The FAQ key of a parse Bolt answers with a topic, as its NLU reports it."""
    record = parsed.get("abstention")
    if isinstance(record, Mapping) and record.get("abstained"):
        return None
    if ((parsed.get("intent") or {}).get("name")) != "faq":
        return None
    selected = ((parsed.get("response_selector") or {}).get("faq") or {}).get("response") or {}
    key = selected.get("intent_response_key")
    return key.split("/", 1)[1] if isinstance(key, str) and key.startswith("faq/") else None
