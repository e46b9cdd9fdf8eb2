"""Which user messages Bolt missed, read from a conversation's events
(handoff/services/missed_questions.py): abstained, low confidence, rated "Not helpful" (the
latest rating counts, records of either form), and the question that led to a person, with the
first thing the agent answered; pressed buttons are never questions."""
from datetime import datetime
from typing import Any, Dict, List, Optional

from handoff.services.missed_questions import missed_in

AT = datetime(2026, 12, 1, 9, 0)


def event(seq: int, kind: str, speaker: str, text: Optional[str] = None,
          **data: Any) -> Dict[str, Any]:
    return {"seq": seq, "kind": kind, "speaker": speaker, "text": text, "data": data or None,
            "created_at": AT}


def nlu(intent: str, faq: Optional[str] = None, confidence: float = 0.99,
        abstained: bool = False) -> Dict[str, Any]:
    return {"intent": intent, "faq": faq, "confidence": confidence, "abstained": abstained,
            "articles": []}


def reasons(events: List[Dict[str, Any]], low: float = 0.85) -> Dict[int, List[str]]:
    return {m.seq: sorted(m.reasons) for m in missed_in("c-1", "en", None, events, low)}


def test_abstained_and_low_confidence_answers_are_missed_and_confident_ones_not():
    events = [event(1, "message", "user", "sso?"),
              event(2, "message", "bot", "not sure", nlu=nlu("nlu_fallback", abstained=True)),
              event(3, "message", "user", "tickets?"),
              event(4, "message", "bot", "a ticket", nlu=nlu("faq", "web_ticket", 0.8)),
              event(5, "message", "user", "phone?"),
              event(6, "message", "bot", "the phone", nlu=nlu("faq", "phone_support", 0.97))]
    assert reasons(events) == {1: ["abstained"], 3: ["low_confidence"]}
    assert reasons(events, low=0.5) == {1: ["abstained"]}
    unsure = missed_in("c-1", "en", None, events)[1]
    assert unsure.answered_topic == "web_ticket" and unsure.text == "tickets?"


def test_the_latest_rating_counts_in_either_form():
    events = [event(1, "message", "user", "plans?"),
              event(2, "message", "bot", "part one", nlu=nlu("faq", "support_plans")),
              event(3, "message", "bot", "part two", nlu=nlu("faq", "support_plans")),
              event(4, "feedback", "user", about_seq=3, rating="not_helpful"),
              event(5, "message", "user", "billing?"),
              event(6, "message", "bot", "billing", nlu=nlu("faq", "billing")),
              event(7, "feedback", "user", about_seq=6, rating="not_helpful"),
              event(8, "feedback", "user", about_seq=6, rating="helpful"),
              event(9, "message", "user", "old?"),
              event(10, "message", "bot", "old", nlu=nlu("faq", "community")),
              event(11, "feedback", "user", about=10, helpful=False)]
    assert reasons(events) == {1: ["not_helpful"], 9: ["not_helpful"]}


def test_the_offer_after_not_helpful_answers_no_question():
    offer = {"offer": "not_helpful"}
    events = [event(1, "message", "user", "tickets?"),
              event(2, "message", "bot", "a ticket", nlu=nlu("faq", "web_ticket")),
              event(3, "feedback", "user", about_seq=2, rating="not_helpful"),
              event(4, "message", "user", "and by phone?"),
              # What the hub's internal turn decided never marks the question asked meanwhile.
              event(5, "message", "bot", "one of these?",
                    nlu=nlu("not_helpful", confidence=0.2, abstained=True), **offer),
              event(6, "message", "bot", "more", nlu=nlu("faq", "billing", 0.3), **offer),
              event(7, "message", "bot", "the phone", nlu=nlu("faq", "phone_support")),
              event(8, "feedback", "user", about_seq=6, rating="not_helpful")]
    assert reasons(events) == {1: ["not_helpful"]}


def test_the_question_before_a_handoff_and_the_agents_first_answer():
    events = [event(1, "message", "user", "my invoice needs our VAT id"),
              event(2, "message", "bot", "not sure", nlu=nlu("nlu_fallback", abstained=True)),
              event(3, "message", "user", "a person please"),
              event(4, "message", "bot", "which impact?", nlu=nlu("request_human")),
              event(5, "message", "user", "Many people", payload="/impact{\"priority\":\"P2\"}"),
              event(6, "queued", "system", "You are in the queue"),
              event(7, "message", "agent", "Hello, the VAT id goes in the profile."),
              event(8, "message", "agent", "Anything else?")]
    missed = missed_in("c-1", "en", "Anna", events)
    assert [(m.seq, sorted(m.reasons)) for m in missed] == [(1, ["abstained", "handoff"])]
    assert missed[0].agent_answer == "Hello, the VAT id goes in the profile."
    assert missed[0].user_name == "Anna"


def test_a_handoff_without_a_content_question_takes_the_last_thing_asked():
    events = [event(1, "message", "user", "hi"),
              event(2, "message", "bot", "hello", nlu=nlu("greet")),
              event(3, "message", "user", "agent"),
              event(4, "message", "bot", "ok", nlu=nlu("request_human")),
              event(5, "queued", "system", "queued")]
    assert reasons(events) == {3: ["handoff"]}
