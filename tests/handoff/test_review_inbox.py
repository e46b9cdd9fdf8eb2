"""The review inbox over real conversations through the hub: the questions Bolt abstained on,
answered with low confidence, got "Not helpful" or that led to a person, grouped by meaning,
ranked by how often they came, masked; `bolt content review` over the same data, dismissing a
group, and the marks going with the conversation (erasure)."""
import io
import json
from typing import Any, Dict, List

from bolt.cli.main import main as bolt_command
from handoff.services import privacy
from handoff.services.review import Review
from support.tokens import user_token

ABSTAIN = {"intent": "nlu_fallback", "faq": None, "confidence": 0.2, "abstained": True,
           "articles": []}
UNSURE = {"intent": "faq", "faq": "cloud_recording", "confidence": 0.45, "abstained": False,
          "articles": []}
SURE = {"intent": "faq", "faq": "web_ticket", "confidence": 0.97, "abstained": False,
        "articles": []}
PERSON = {"intent": "request_human", "faq": None, "confidence": 0.99, "abstained": False,
          "articles": []}
OFFER = {"intent": "not_helpful", "faq": None, "confidence": 1.0, "abstained": False,
         "articles": []}
DECISIONS = {
    "how do I change the background during a meeting": ABSTAIN,
    "can I set a virtual background in my calls": ABSTAIN,
    "virtual background not showing up, how to turn it on": ABSTAIN,
    "write to anna.k@example.com, my cloud recording is gone": UNSURE,
    "how do I file a web ticket": SURE,
    "Anna Schmidt here: invoice with our VAT number please, call +49 30 12345678": ABSTAIN,
    "a person please": PERSON,
}


def reply(body: Dict[str, Any]) -> List[Dict[str, Any]]:
    if body["message"] == "/not_helpful":  # Bolt's offer after "Not helpful": no answer
        return [{"recipient_id": body["sender"], "text": "Is your question about one of these?",
                 "buttons": [{"title": "Contact options", "payload": "/faq/contact_options"}],
                 "metadata": {"nlu": OFFER}}]
    decision = DECISIONS[body["message"]]
    return [{"recipient_id": body["sender"], "text": f"answer to {body['message']}",
             "metadata": {"nlu": decision}}]


async def said(user, text: str) -> Dict[str, Any]:
    await user.send(type="message", client_id=f"m-{abs(hash(text))}", text=text)
    return await user.event(speaker="bot")


async def test_missed_questions_are_grouped_ranked_and_masked(bolt, agents):
    agents("erika", ["en"])
    async with bolt() as (hub, rasa):
        rasa.reply = reply
        users = []
        for text in ("how do I change the background during a meeting",
                     "can I set a virtual background in my calls",
                     "virtual background not showing up, how to turn it on"):
            user = await hub.user(locale="en-US")
            await said(user, text)
            users.append(user)
        # Answered with confidence, then rated not helpful: in the inbox for the rating.
        rated = await hub.user(locale="en-US")
        answer = await said(rated, "how do I file a web ticket")
        await rated.send(type="feedback", seq=answer["seq"], helpful=False)
        await rated.event("feedback")
        # Changed back to helpful: the latest rating counts, it leaves again.
        happy = await hub.user(locale="en-US")
        answer = await said(happy, "how do I file a web ticket")
        await happy.send(type="feedback", seq=answer["seq"], helpful=False)
        await happy.event("feedback")
        await happy.send(type="feedback", seq=answer["seq"], helpful=True)
        await happy.event("feedback")
        unsure = await hub.user(locale="en-US")
        await said(unsure, "write to anna.k@example.com, my cloud recording is gone")
        # A question that led to a person, and what the agent answered first.
        handed = await hub.user(token=user_token("u-anna", "acme", name="Anna Schmidt"),
                                locale="en-US")
        await said(handed, "Anna Schmidt here: invoice with our VAT number please, "
                           "call +49 30 12345678")
        await said(handed, "a person please")
        conversation_id = handed.welcome["conversation_id"]
        erika = await hub.agent("erika")
        await hub.hand_off(conversation_id, language="en")
        await erika.expect("offer")
        await erika.send(type="accept", conversation_id=conversation_id)
        await erika.expect("assigned")
        await erika.send(type="message", conversation_id=conversation_id, client_id="a1",
                         text="Hello Anna, the VAT number goes in Billing > Account profile.")
        await handed.event(speaker="agent")

        inbox = Review(hub.core.repository).inbox("en")
        groups = inbox["groups"]
        assert [g["count"] for g in groups] == [3, 1, 1, 1]
        background = groups[0]
        assert background["reasons"] == {"abstained": 3}
        assert {q["text"] for q in background["questions"]} == set(list(DECISIONS)[:3])
        by_reason = {tuple(g["questions"][0]["reasons"]): g["questions"][0] for g in groups[1:]}
        assert by_reason[("low_confidence",)]["text"] == "write to [email], my cloud recording is gone"
        assert by_reason[("low_confidence",)]["answered_topic"] == "cloud_recording"
        assert by_reason[("not_helpful",)]["text"] == "how do I file a web ticket"
        handoff = by_reason[("abstained", "handoff")]
        assert handoff["text"] == ("[name] here: invoice with our VAT number please, "
                                   "call [phone]")
        assert handoff["agent_answer"] == ("Hello [name], the VAT number goes in Billing > "
                                           "Account profile.")
        assert "anna" not in json.dumps(inbox).lower().replace("[name]", "")
        assert Review(hub.core.repository).inbox("de")["groups"] == []
        # BOLT_REVIEW_LOW_CONFIDENCE: an answer at 0.45 is not low under a bar of 0.4.
        stricter = Review(hub.core.repository, low_confidence=0.4).inbox("en")["groups"]
        assert not [q for g in stricter for q in g["questions"]
                    if "low_confidence" in q["reasons"]]
        assert [g["count"] for g in stricter] == [3, 1, 1]

        # The masked transcript of a conversation.
        transcript = Review(hub.core.repository).transcript(conversation_id)
        assert "Schmidt" not in json.dumps(transcript) and "12345678" not in json.dumps(
            transcript)
        assert [e["kind"] for e in transcript][:2] == ["message", "message"]
        for client in [*users, rated, happy, unsure, handed, erika]:
            await client.close()


async def test_the_command_line_lists_and_dismisses_and_erasure_takes_the_marks(
        bolt, hub_env, monkeypatch, capsys):
    for name, value in hub_env.items():
        monkeypatch.setenv(name, value)
    async with bolt() as (hub, rasa):
        rasa.reply = reply
        user = await hub.user(token=user_token("u-7", "acme"), locale="en-US")
        await said(user, "how do I change the background during a meeting")
        await said(user, "can I set a virtual background in my calls")
        await user.close()
        capsys.readouterr()
        assert bolt_command(["content", "review", "--language", "en", "--json"]) == 0
        listed = json.loads(capsys.readouterr().out)
        assert [g["count"] for g in listed["groups"]] == [2]
        group_id = listed["groups"][0]["group_id"]
        assert bolt_command(["content", "review", "--language", "en", "--group", group_id,
                             "--dismiss"]) == 0
        assert "Dismissed 2 question(s)." in capsys.readouterr().out
        assert Review(hub.core.repository).inbox("en")["groups"] == []
        assert bolt_command(["audit", "--json", "--action", "review."]) == 0
        entry = json.loads(capsys.readouterr().out.splitlines()[0])
        assert entry["details"] == {"language": "en", "group": group_id, "questions": 2}

        held = privacy.held_about(hub.core.repository, "u-7")
        assert [m["state"] for m in held["review_marks"]] == ["dismissed", "dismissed"]
        privacy.erase(hub.core.repository, "u-7")
        assert privacy.held_about(hub.core.repository, "u-7")["review_marks"] == []


def test_an_editor_is_added_on_the_command_line(hub_env, monkeypatch, capsys):
    for name, value in hub_env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setattr("sys.stdin", io.StringIO("a long enough password\n"))
    assert bolt_command(["agents", "add", "eda", "--languages", "de", "--editor",
                         "--password-stdin"]) == 0
    assert "editor" in capsys.readouterr().out
    assert bolt_command(["agents", "list"]) == 0
    assert "agent, editor" in capsys.readouterr().out
