"""The reports against a seeded database (SQLite, and PostgreSQL inside scripts/with-scale-services):
conversations Bolt settled (one confirmed by a "helpful", one assumed after two abstentions on
the same question), one handed off twice with a transfer between agents and a rating, one closed
by a timeout; the figures over HTTP, for supervisors only; the CSVs' columns; the same totals
once retention has deleted conversations (the daily aggregates), and the CSAT counter in
/metrics."""
from __future__ import annotations

import asyncio
import csv
import io
import json
from datetime import timedelta
from typing import Any, Dict

from handoff.rules.ownership import Move
from handoff.rules.report_figures import CONVERSATION_COLUMNS, DAY_COLUMNS
from handoff.services.handoffs import off_the_queue
from handoff.services.satisfaction import BY_TIMEOUT, resolve_data
from handoff.store import forgetting
from handoff.store.schema import utcnow
from support.tokens import METRICS_TOKEN, user_token
from tests.handoff.privacy_data import age

QUESTION = "Wie mache ich den Hintergrund unscharf?"


def nlu(faq=None, abstained=False, intent="faq") -> Dict[str, Any]:
    return {"nlu": {"intent": intent, "faq": faq, "confidence": 0.4 if abstained else 0.93,
                    "abstained": abstained, "articles": []}}


def bot_turn(core, conversation_id: str, asked: str, decision: Dict[str, Any]) -> int:
    """A user's question and Bolt's answer, stored as the hub stores a bot turn."""
    core.desk.timeline.record(conversation_id, "message", "user", text=asked,
                              client_id=f"user:{asked}-{decision['nlu']['abstained']}-"
                                        f"{core.repository.conversation(conversation_id).last_seq}")
    event, _, _ = core.desk.timeline.record(conversation_id, "message", "bot", text="…",
                                            data=decision)
    return event.seq


async def take(agent, conversation_id: str) -> None:
    await agent.send(type="claim", conversation_id=conversation_id)
    await agent.expect("assigned", timeout=5)


async def seed(hub, erika, sam) -> Dict[str, str]:
    core = hub.core
    # Settled by Bolt, confirmed: the user found its answer helpful.
    confirmed = await hub.user(token=user_token(user_id="u-1"))
    a = confirmed.welcome["conversation_id"]
    answer = bot_turn(core, a, "Wie reiche ich ein Webticket ein?", nlu("web_ticket"))
    await confirmed.send(type="feedback", seq=answer, helpful=True)
    await confirmed.event("feedback")

    # Settled by Bolt, assumed: it abstained twice on the same question, spaced and cased apart.
    assumed = await hub.user(token=user_token(user_id="u-2"))
    b = assumed.welcome["conversation_id"]
    bot_turn(core, b, QUESTION, nlu(abstained=True, intent="nlu_fallback"))
    bot_turn(core, b, "  wie mache ich den  Hintergrund unscharf? ", nlu(abstained=True,
                                                                         intent="nlu_fallback"))

    # Handed off twice, transferred from erika to sam, resolved by sam and rated.
    twice = await hub.user(token=user_token(user_id="u-3"))
    c = twice.welcome["conversation_id"]
    bot_turn(core, c, "Meetings brechen ab", nlu("meeting_drops"))
    assert (await hub.hand_off(c, priority="P2", hours=4))[0] == 201
    await take(erika, c)
    await erika.send(type="message", conversation_id=c, client_id="e1", text="Ich schaue nach")
    await twice.event(speaker="agent")
    await erika.send(type="transfer", conversation_id=c, to="agent", agent="sam")
    await sam.expect("assigned", timeout=5)
    await sam.send(type="resolve", conversation_id=c)
    assert (await twice.event("resolved"))["csat"] is True
    await twice.send(type="csat", client_id="r1", score=5, comment="Sehr gut")
    await twice.expect("ack", client_id="r1")
    assert (await hub.hand_off(c, priority="P1", hours=1))[0] == 201
    await take(sam, c)
    await sam.send(type="message", conversation_id=c, client_id="s1", text="Wieder da")
    await twice.event(speaker="agent", text="Wieder da")
    await sam.send(type="resolve", conversation_id=c)
    assert "csat" not in await twice.event("resolved")  # asked once per conversation

    # Closed by a timeout: no rating asked, not resolved by an agent, its first-response target
    # (under a second) passed unanswered.
    timed = await hub.user(token=user_token(user_id="u-4"))
    d = timed.welcome["conversation_id"]
    assert (await hub.hand_off(d, priority="P3", hours=0.0002))[0] == 201
    await take(erika, d)
    core.desk.timeline.move(core.repository.conversation(d), Move.RESOLVE, "resolved",
                            "hub_resolved", changes=off_the_queue(),
                            data=resolve_data(BY_TIMEOUT, False))
    assert (await timed.event("resolved"))["by"] == "timeout"
    await asyncio.sleep(1)
    return {"confirmed": a, "assumed": b, "twice": c, "timed_out": d}


async def report(hub, session: str, query: str = "") -> Dict[str, Any]:
    status, body = await hub.get("/api/reports" + query, token=session)
    assert status == 200, body
    return json.loads(body)


async def test_the_reports_of_a_seeded_database_for_supervisors_only(bolt, agents):
    agents("erika", ["de"])
    agents("sam", ["de"], supervisor=True)
    async with bolt() as (hub, rasa):
        erika, sam = await hub.agent("erika"), await hub.agent("sam")
        ids = await seed(hub, erika, sam)
        session = sam.welcome["session"]

        assert (await hub.get("/api/reports"))[0] == 401
        assert (await hub.get("/api/reports", token="not-a-session"))[0] == 401
        for path in ("/api/reports", "/api/reports/conversations.csv", "/api/reports/days.csv"):
            assert (await hub.get(path, token=erika.welcome["session"]))[0] == 403, path
        assert (await hub.get("/api/reports?from=2026-13-01", token=session))[0] == 400
        assert (await hub.get("/api/reports?from=2026-12-02&to=2026-12-01",
                              token=session))[0] == 400
        assert (await hub.get("/api/reports?language=xx", token=session))[0] == 400

        figures = await report(hub, session)
        totals = figures["totals"]
        counts, rates = totals["counts"], totals["rates"]
        assert {name: counts[name] for name in (
            "conversations", "contained", "contained_confirmed", "contained_assumed",
            "bot_answers", "abstained", "rated_answers", "not_helpful", "handoffs",
            "handed_off_conversations", "transferred", "resolved", "resolved_by_timeout",
            "answered", "assigned", "csat_asked", "csat_responses", "csat_score_sum",
            "targeted_p1", "within_target_p1", "targeted_p2", "within_target_p2",
            "targeted_p3")} == {
            "conversations": 4, "contained": 2, "contained_confirmed": 1, "contained_assumed": 1,
            "bot_answers": 4, "abstained": 2, "rated_answers": 1, "not_helpful": 0,
            "handoffs": 3, "handed_off_conversations": 2, "transferred": 1, "resolved": 2,
            "resolved_by_timeout": 1, "answered": 2, "assigned": 3, "csat_asked": 1,
            "csat_responses": 1, "csat_score_sum": 5,
            "targeted_p1": 1, "within_target_p1": 1, "targeted_p2": 1, "within_target_p2": 1,
            "targeted_p3": 1}
        assert rates["contained"] == {"value": 0.5, "numerator": 2, "denominator": 4,
                                      "of": "conversations"}
        assert rates["abstention"]["value"] == 0.5 and rates["abstention"]["of"] == "bot_answers"
        assert rates["csat_satisfied"]["value"] == 1.0
        assert totals["percentiles"]["queue_seconds"]["of"] == 3
        assert totals["percentiles"]["first_response_seconds"]["p90"] >= \
            totals["percentiles"]["first_response_seconds"]["p50"] >= 0
        assert figures["missed_questions"] == [{"language": "de", "question": QUESTION,
                                                "count": 2}]
        assert figures["by_agent"]["sam"]["averages"]["csat_score"] == 5
        assert figures["by_agent"]["sam"]["counts"]["conversations"] == 1
        assert figures["by_topic"]["web_ticket"]["counts"]["contained_confirmed"] == 1
        assert set(figures["by_language"]) == {"de"}

        assert figures["retention_days"] == 90
        assert figures["aggregates_only_before"] < figures["period"]["from"] <= \
            figures["held_since"]
        old = await report(hub, session, "?from=2020-01-01&to=2020-01-31")
        assert old["totals"]["counts"]["conversations"] == 0
        assert old["totals"]["rates"]["contained"]["value"] is None

        only_sam = await report(hub, session, "?agent=sam")
        assert only_sam["totals"]["counts"]["conversations"] == 1
        assert only_sam["period"]["aggregates_included"] is False

        status, text = await hub.get("/api/reports/conversations.csv", token=session)
        rows = list(csv.DictReader(io.StringIO(text)))
        assert status == 200 and tuple(csv.reader(io.StringIO(text)).__next__()) == \
            CONVERSATION_COLUMNS
        by_id = {row["conversation_id"]: row for row in rows}
        assert set(by_id) == set(ids.values())
        assert (by_id[ids["twice"]]["handoffs"], by_id[ids["twice"]]["transferred"],
                by_id[ids["twice"]]["csat_score"], by_id[ids["twice"]]["agent"]) == (
            "2", "1", "5", "sam")
        assert by_id[ids["timed_out"]]["resolved_by_timeout"] == "1"
        assert QUESTION not in text and "Sehr gut" not in text  # no one's words in a CSV

        text = await metrics_text(hub)
        lines = text.splitlines()
        # The same counts as counters: hand-offs, chats closed, answers and chats rated.
        for line in ('bolt_hub_csat_ratings_total{language="de",score="5"} 1.0',
                     'bolt_hub_handoffs_total{language="de",priority="P1"} 1.0',
                     'bolt_hub_handoffs_total{language="de",priority="P2"} 1.0',
                     'bolt_hub_handoffs_total{language="de",priority="P3"} 1.0',
                     'bolt_hub_chats_resolved_total{by="agent",language="de"} 2.0',
                     'bolt_hub_chats_resolved_total{by="timeout",language="de"} 1.0',
                     'bolt_hub_answer_feedback_total{language="de",rating="helpful"} 1.0'):
            assert line in lines, line

        # Retention deletes the agent chats: their counts stay in the daily aggregates.
        with hub.core.repository.engine.begin() as connection:
            forgetting.forget(connection, [ids["twice"], ids["timed_out"]])
        later = await report(hub, session)
        assert later["totals"]["counts"] == totals["counts"]
        assert later["totals"]["rates"] == totals["rates"]
        assert later["aggregated_conversations"] == 2
        assert later["totals"]["percentiles"]["queue_seconds"]["of"] == 0
        assert "sam" not in later["by_agent"]

        status, text = await hub.get("/api/reports/days.csv", token=session)
        header, *day_rows = list(csv.reader(io.StringIO(text)))
        assert tuple(header) == DAY_COLUMNS and len(day_rows) == 1
        day = dict(zip(header, day_rows[0]))
        assert (day["language"], day["conversations"], day["handoffs"], day["csat_responses"]) \
            == ("de", "4", "3", "1")

        entries = hub.core.audit.entries(action="reports.exported")
        assert [(e["actor"], e["details"]["csv"]) for e in entries] == [
            ("sam", "days"), ("sam", "conversations")]


async def metrics_text(hub) -> str:
    status, text = await hub.get("/metrics", token=METRICS_TOKEN)
    assert status == 200
    return text


async def test_a_period_older_than_the_retention_shows_the_daily_aggregates(bolt, agents):
    agents("erika", ["de"])
    agents("sam", ["de"], supervisor=True)
    async with bolt() as (hub, rasa):
        erika, sam = await hub.agent("erika"), await hub.agent("sam")
        user = await hub.user(token=user_token(user_id="u-9"))
        conversation_id = user.welcome["conversation_id"]
        assert (await hub.hand_off(conversation_id, priority="P2"))[0] == 201
        await take(erika, conversation_id)
        await erika.send(type="message", conversation_id=conversation_id, client_id="e1",
                         text="Hallo")
        await erika.send(type="resolve", conversation_id=conversation_id)
        await user.event("resolved")
        await user.send(type="csat", client_id="r1", score=3)
        await user.expect("ack", client_id="r1")
        await user.close()
        age(hub.core.repository, conversation_id, 200)
        day = (utcnow() - timedelta(days=200)).date().isoformat()
        query = f"?from={day}&to={day}"
        held = await report(hub, sam.welcome["session"], query)

        assert hub.core.retention.sweep()["conversations"] == 1
        aggregated = await report(hub, sam.welcome["session"], query)
        assert aggregated["aggregated_conversations"] == 1
        assert aggregated["totals"]["counts"] == held["totals"]["counts"]
        assert aggregated["totals"]["counts"]["csat_responses"] == 1
        assert aggregated["totals"]["averages"]["csat_score"] == 3
        assert aggregated["totals"]["percentiles"]["first_response_seconds"]["of"] == 0
        assert aggregated["by_agent"] == {} and aggregated["missed_questions"] == []
        assert aggregated["by_day"][day]["counts"]["handoffs"] == 1
        assert aggregated["period"]["from"] < aggregated["aggregates_only_before"]
