"""The console's review page over the agent socket: who may read the inbox and who may change
what Bolt knows, an editor adding a group's questions to a topic (written into a copy of the
content in a git work tree, validated, committed, audited) and dismissing another."""
import shutil
import subprocess
from pathlib import Path
from typing import Any, Dict, List

import pytest

from handoff.services.review_desk import answered_topic
from support import REPOSITORY

CONTENT = ("data", "bot/domain.yml", "tests/data/holdout", "tests/data/out_of_scope",
           "tests/conversations")
ABSTAIN = {"intent": "nlu_fallback", "faq": None, "confidence": 0.2, "abstained": True,
           "articles": []}


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of the content in a git work tree of its own."""
    home = tmp_path / "project"
    for part in CONTENT:
        source, target = REPOSITORY / part, home / part
        target.parent.mkdir(parents=True, exist_ok=True)
        (shutil.copytree if source.is_dir() else shutil.copy2)(source, target)
    git = ["git", "-C", str(home), "-c", "user.name=t", "-c", "user.email=t@t"]
    subprocess.run(["git", "init", "-q", str(home)], check=True)
    subprocess.run(git + ["add", "-A"], check=True)
    subprocess.run(git + ["commit", "-qm", "content"], check=True)
    return home


def abstain(body: Dict[str, Any]) -> List[Dict[str, Any]]:
    return [{"recipient_id": body["sender"], "text": "I don't know",
             "metadata": {"nlu": ABSTAIN}}]


async def asked(hub, *texts: str) -> None:
    for text in texts:
        user = await hub.user(locale="de-DE")
        await user.send(type="message", client_id="m1", text=text)
        await user.event(speaker="bot")
        await user.close()


async def test_editors_read_and_change_supervisors_read_agents_neither(bolt, agents, project):
    agents("eda", ["de"], editor=True)
    agents("sue", ["en"], supervisor=True)
    agents("al", ["de"])
    async with bolt(BOLT_CONTENT_DIR=str(project / "data")) as (hub, rasa):
        rasa.reply = abstain
        await asked(hub, "Wo eröffne ich online ein Ticket für den Support?",
                    "Kann ich online ein Support-Ticket eröffnen?",
                    "Wie viele Teilnehmer passen in ein Webinar?")
        al, sue, eda = [await hub.agent(name) for name in ("al", "sue", "eda")]
        await al.send(type="review", language="de")
        assert (await al.expect("error"))["code"] == "forbidden"
        await sue.send(type="review", language="de")
        read = await sue.expect("review")
        assert read["editor"] is False and [g["count"] for g in read["groups"]] == [2, 1]
        await sue.send(type="review_act", client_id="s1", language="de",
                       group_id=read["groups"][1]["group_id"], action="dismiss")
        assert (await sue.expect("error"))["code"] == "forbidden"

        await eda.send(type="review", language="de")
        inbox = await eda.expect("review")
        tickets, webinar = inbox["groups"]
        assert inbox["editor"] is True
        conversation_id = tickets["questions"][0]["conversation_id"]
        await eda.send(type="review_transcript", conversation_id=conversation_id)
        transcript = await eda.expect("review_transcript")
        assert [e["speaker"] for e in transcript["events"]] == ["user", "bot"]

        await eda.send(type="review_act", client_id="e1", language="de",
                       group_id=tickets["group_id"], action="add", topic="web_ticket")
        done = await eda.expect("review_done", timeout=120)
        assert done["ok"] is True, done
        assert done["changed"] == ["data/nlu/de/web_ticket.yml"]
        assert isinstance(done["findings"], list)
        written = (project / "data/nlu/de/web_ticket.yml").read_text(encoding="utf-8")
        assert "    - Kann ich online ein Support-Ticket eröffnen?\n" in written
        log = subprocess.run(["git", "-C", str(project), "log", "-1", "--format=%an|%s"],
                             capture_output=True, text=True, check=True).stdout.strip()
        assert log == "eda|2 missed de question(s) added to web_ticket"

        await eda.send(type="review_act", client_id="e2", language="de",
                       group_id=webinar["group_id"], action="dismiss")
        assert (await eda.expect("review_done"))["ok"] is True
        await eda.send(type="review", language="de")
        after = await eda.expect("review")
        # The added group waits for a published model; the dismissed one is gone.
        assert [(g["count"], g["waiting_for"]) for g in after["groups"]] == [
            (2, ["web_ticket"])]
        actions = [e["action"] for e in hub.core.audit.entries(action="review.")]
        assert sorted(actions) == ["review.added", "review.dismissed"]

        await eda.send(type="review_act", client_id="e3", language="de",
                       group_id=tickets["group_id"], action="add", topic="no_such_topic")
        refused = await eda.expect("review_done", timeout=120)
        assert refused["ok"] is False and "no_such_topic" in refused["message"]
        for client in (al, sue, eda):
            await client.close()


async def test_a_publish_that_fails_is_shown_and_audited_and_only_editors_publish(
        bolt, agents, project):
    agents("eda", ["de"], editor=True)
    agents("sue", ["de"], supervisor=True)
    # The copy has no config.yml: the command fails at once, and says why in its JSON.
    async with bolt(BOLT_CONTENT_DIR=str(project / "data")) as (hub, rasa):
        sue, eda = await hub.agent("sue"), await hub.agent("eda")
        await sue.send(type="content_publish", client_id="s-1")
        assert (await sue.expect("error"))["code"] == "forbidden"
        await eda.send(type="content_publish", client_id="p-1")
        published = await eda.expect("content_published", timeout=120)
        assert published["ok"] is False and published["message"], published
        assert published["client_id"] == "p-1" and published["answered"] == 0
        entry = hub.core.audit.entries(action="content.published")[0]
        assert (entry["actor"], entry["details"]["ok"]) == ("eda", False)
        await sue.close()
        await eda.close()


def test_the_live_models_topic_is_read_from_its_parse():
    answered = {"intent": {"name": "faq"}, "abstention": {"abstained": False},
                "response_selector": {"faq": {"response": {
                    "intent_response_key": "faq/web_ticket"}}}}
    assert answered_topic(answered) == "web_ticket"
    assert answered_topic({**answered, "abstention": {"abstained": True}}) is None
    assert answered_topic({"intent": {"name": "greet"}}) is None
