import asyncio

from rasa_sdk import Tracker

from actions.session import ActionSessionStart


def start(slots):
    tracker = Tracker("u", slots, {}, [], False, None, {}, "action_listen")
    return asyncio.run(ActionSessionStart().run(None, tracker, {}))


def test_session_takes_the_page_locale():
    events = start({"language": "en", "session_started_metadata": {"locale": "ja-JP"}})
    assert events[0]["event"] == "session_started"
    assert {"event": "slot", "timestamp": None, "name": "language", "value": "ja"} in events
    assert (events[-1]["event"], events[-1]["name"]) == ("action", "action_listen")


def test_unknown_locale_keeps_the_language_and_slots_carry_over():
    events = start({"language": "de", "country": "AT",
                    "session_started_metadata": {"locale": "pt-BR"}})
    slot_events = [(e["name"], e["value"]) for e in events if e["event"] == "slot"]
    assert slot_events == [("language", "de"), ("country", "AT")]
