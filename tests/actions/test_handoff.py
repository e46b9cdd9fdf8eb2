"""The handoff action with real trackers, the real SQLite directory and a hub on a real socket."""
import asyncio
import json

import pytest
from rasa_sdk.events import ConversationPaused, SlotSet

from actions.handoff import ActionRequestHandoff, impact_payload, summary_of
from bolt.core.identity import issue_token
from support.tokens import TOKEN_SECRET
from support.trackers import claims_for, make_tracker, user_event
from tests.actions.conftest import demo_user

PREMIER_ADMIN = demo_user("business", "premier", "admin", True)
ACCESS_MEMBER = demo_user("pro", "access", "member", True)


@pytest.fixture(autouse=True)
def _accounts(account_env):
    return account_env


def run(tracker, dispatcher):
    return asyncio.run(ActionRequestHandoff().run(dispatcher, tracker, {}))


def texts(dispatcher):
    return "\n".join(m.get("text") or "" for m in dispatcher.messages)


def payloads(dispatcher):
    return [b["payload"] for m in dispatcher.messages for b in m.get("buttons") or []]


def test_a_clear_p1_is_handed_over_with_the_priority_target_and_the_account_card(hub, dispatcher):
    text = "Zoom is down for all users in our company, nobody can join a meeting"
    tracker = make_tracker(text, intent="report_problem", metadata=PREMIER_ADMIN)
    events = run(tracker, dispatcher)
    assert events == [SlotSet("handoff_reason", None), ConversationPaused()]
    assert texts(dispatcher) == (
        "I'm passing this to a support agent as P1 (urgent). You'll get a first response within "
        "1 hour. The agent will join this chat, and you can keep writing here."
    )
    [request] = hub.handoffs
    assert request["conversation_id"] == "test-user"
    assert (request["language"], request["priority"], request["reason"]) == ("en", "P1", "report_problem")
    assert request["first_response_hours"] == 1
    assert request["summary"] == text
    assert request["account"] == {
        "account_id": "demo-business-premier", "account_name": "Demo Business Premier",
        "plan": "business", "support_plan": "premier",
        "user_id": "business-premier-admin-licensed", "user_name": "Business Premier admin, licensed",
        "role": "admin", "licensed": True, "country": "JP",
        "rights": ["live_chat", "web_ticket", "phone", "priority_response", "direct_tier2"],
    }


def test_without_priority_response_the_standard_target_applies(hub, dispatcher):
    tracker = make_tracker("Die Bildschirmfreigabe funktioniert nicht", intent="report_problem",
                           slots={"language": "de"}, metadata=ACCESS_MEMBER)
    run(tracker, dispatcher)
    assert "als P3 (normal)" in texts(dispatcher) and "innerhalb von 24 Stunden" in texts(dispatcher)
    assert hub.handoffs[0]["first_response_hours"] == 24 and hub.handoffs[0]["language"] == "de"


def test_when_unsure_bolt_asks_one_question_then_hands_over_with_the_answer(hub, dispatcher):
    asked = make_tracker("私は人間と話したいです", intent="request_human",
                         slots={"language": "ja"}, metadata=PREMIER_ADMIN)
    events = run(asked, dispatcher)
    assert events == [SlotSet("handoff_reason", "request_human")]
    assert hub.handoffs == []
    question = dispatcher.messages[0]
    assert "どの程度お困りですか" in question["text"]
    assert [b["payload"] for b in question["buttons"]] == [impact_payload(p) for p in ("P1", "P2", "P3", "P4")]
    assert question["buttons"][1]["title"] == "重要な機能に大きな支障がある"
    assert json.loads(question["buttons"][1]["payload"][len("/report_problem"):]) == {"priority": "P2"}

    answer = make_tracker(
        question["buttons"][1]["payload"], intent="report_problem", slots={"language": "ja",
        "handoff_reason": "request_human"}, metadata=PREMIER_ADMIN,
        entities=[{"entity": "priority", "value": "P2"}],
        events=[user_event("私は人間と話したいです", "request_human"),
                {"event": "bot", "text": question["text"], "data": {"buttons": question["buttons"]}},
                user_event(question["buttons"][1]["payload"], "report_problem")],
    )
    answered = type(dispatcher)()
    assert run(answer, answered)[-1] == ConversationPaused()
    [request] = hub.handoffs
    assert (request["priority"], request["reason"]) == ("P2", "request_human")
    assert request["first_response_hours"] == 4
    assert request["summary"] == "私は人間と話したいです"  # the button payload is no description
    assert "優先度P2（高）" in texts(answered) and "4時間以内" in texts(answered)


def test_an_answer_without_a_clear_priority_is_not_asked_twice(hub, dispatcher):
    question_buttons = [{"title": "x", "payload": impact_payload(p)} for p in ("P1", "P2", "P3", "P4")]
    tracker = make_tracker("hmm, hard to say", intent="report_problem", metadata=PREMIER_ADMIN,
                           slots={"handoff_reason": "request_human"}, events=[
        user_event("agent please", "request_human"),
        {"event": "bot", "text": "how much?", "data": {"buttons": question_buttons}},
        user_event("hmm, hard to say", "report_problem")])
    run(tracker, dispatcher)
    assert hub.handoffs[0]["priority"] == "P3" and hub.handoffs[0]["reason"] == "request_human"


@pytest.mark.parametrize("user, language, sentence, offers_ticket", [
    (demo_user("basic", "premier_plus", "owner", True), "en",
     "Live agents aren't included in the Basic plan that Demo Basic Premier+ is on.", False),
    (demo_user("enterprise", "premier", "member", False), "it",
     "L'assistenza con un operatore è riservata agli utenti con licenza e tu non hai una licenza in "
     "Demo Enterprise Premier: il proprietario o un amministratore dell'account può assegnartene una.",
     False),
    (demo_user("education", "access", "admin", False), "ru",
     "Чат с сотрудником поддержки доступен пользователям с лицензией, а у вас нет лицензии в "
     "Demo Education Access: её может назначить владелец или администратор учётной записи.", True),
])
def test_users_without_live_chat_hear_why_in_one_sentence_and_what_they_have(
    hub, dispatcher, user, language, sentence, offers_ticket
):
    tracker = make_tracker("agent", intent="request_human", slots={"language": language},
                           metadata=user)
    assert run(tracker, dispatcher) == [SlotSet("handoff_reason", None)]
    assert dispatcher.messages[0]["text"] == sentence
    offered = payloads(dispatcher)
    assert offered[:3] == ["/faq/help_center", "/faq/community", "/faq/billing"]
    assert ("/faq/web_ticket" in offered) is offers_ticket
    assert "/faq/change_support_plan" in offered
    assert hub.handoffs == []


@pytest.mark.parametrize("metadata", [
    {},
    {"auth_token": "not-a-token"},
    # A help-center token that verifies, posted straight to Rasa: only the hub reads those.
    {"auth_token": issue_token(TOKEN_SECRET, "business-premier-admin-licensed",
                               "demo-business-premier")},
    claims_for("basic-access-owner-licensed", "demo-basic-access",
               secret="another-secret-that-is-32-bytes-long!!"),  # forged
    claims_for("business-premier-admin-licensed", "demo-business-premier",
               sender_id="another-conversation"),  # signed for someone else's conversation
    claims_for("business-premier-admin-licensed", "demo-business-premier", ttl_seconds=-3600),
    claims_for("someone", "demo-business-premier"),  # not in the directory
])
def test_anonymous_visitors_never_get_an_agent_and_are_told_to_sign_in(hub, dispatcher, metadata):
    tracker = make_tracker("I am the admin of demo-business-premier, give me an agent now, "
                           "Zoom is down", intent="request_human", metadata=metadata)
    run(tracker, dispatcher)
    assert dispatcher.messages[0]["text"].startswith("I can only connect signed-in users")
    assert "/faq/change_support_plan" not in payloads(dispatcher)
    assert hub.handoffs == []


def test_a_directory_that_is_down_grants_nothing_and_offers_a_web_ticket(directory_down, hub, dispatcher):
    tracker = make_tracker("Zoom ist komplett ausgefallen", intent="report_problem",
                           slots={"language": "de"}, metadata=PREMIER_ADMIN)
    run(tracker, dispatcher)
    assert texts(dispatcher).startswith("Ich kann Ihr Konto gerade nicht prüfen")
    assert payloads(dispatcher) == ["/faq/web_ticket"]
    assert hub.handoffs == []


def test_no_agent_for_the_language_opens_a_web_ticket(hub, dispatcher):
    hub.mode = "no_agents"
    tracker = make_tracker("Zoom tidak bisa dipakai sama sekali, semua rapat gagal",
                           intent="report_problem", slots={"language": "id"}, metadata=PREMIER_ADMIN)
    events = run(tracker, dispatcher)
    assert ConversationPaused() not in events
    [ticket] = hub.tickets
    assert ticket["reason"] == "no_agents" and ticket["priority"] == "P1"
    assert "first_response_hours" not in ticket
    # The directory's address for the user, where the hub mails the ticket's replies.
    assert ticket["email"] == "business-premier-admin-licensed@demo.example"
    assert "tiket web T-000001" in texts(dispatcher) and "dalam 1 jam" in texts(dispatcher)


@pytest.mark.parametrize("mode", ["broken", "unreachable"])
def test_a_hub_that_fails_is_said_plainly_and_a_web_ticket_offered(request, hub, dispatcher, mode):
    if mode == "broken":
        hub.mode = "broken"
    else:
        request.getfixturevalue("hub_unreachable")
    tracker = make_tracker("everything is down", intent="report_problem", metadata=PREMIER_ADMIN)
    events = run(tracker, dispatcher)
    assert ConversationPaused() not in events
    assert texts(dispatcher).startswith("I can't reach the support agents right now")
    assert payloads(dispatcher) == ["/faq/web_ticket"]


def test_a_wrong_service_token_is_never_taken_for_a_queued_handoff(hub, dispatcher, monkeypatch):
    hub.service_token = "the hub expects another one"
    tracker = make_tracker("everything is down", intent="report_problem", metadata=PREMIER_ADMIN)
    assert ConversationPaused() not in run(tracker, dispatcher)
    assert texts(dispatcher).startswith("I can't reach the support agents")


def test_the_summary_keeps_the_latest_messages_within_the_limit():
    texts_ = [f"message {n} " + "x" * 600 for n in range(8)]
    summary = summary_of(texts_)
    assert len(summary) <= 2000 and summary.endswith(texts_[-1]) and "message 0" not in summary
