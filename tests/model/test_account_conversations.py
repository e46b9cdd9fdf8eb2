"""The account check in whole conversations: real Rasa and action servers over the REST channel,
a real SQLite directory with the demo accounts, and a hub (support/fake_hub.py) that
checks every request against docs/handoff-api.md.

Each kind of user, in English, German and Japanese (and a few in Italian, Russian, Indonesian):
an eligible user, a free user, an unlicensed member, an anonymous visitor, a directory that is
down.
"""
import shutil
from typing import Any, Callable, Dict, List

import pytest

from actions.messages import render
from bolt.processes import bolt_services
from support.fake_hub import FakeHub, RunningHub
from support.content import answer
from support.live_bolt import Chat, serving, settings_on_free_ports, signed_in
from support.tokens import demo_user_ids

pytestmark = [pytest.mark.model, pytest.mark.server]

CLAIMS_SECRET = "conversation-test-claims-secret-of-32-bytes"
SERVICE_TOKEN = "conversation-test-service-token"

REQUEST_HUMAN = {"en": "I want to speak to a human", "de": "Ich möchte mit einem Menschen sprechen",
                 "ja": "担当者と話したい", "it": "vorrei parlare con una persona vera",
                 "ru": "хочу поговорить с живым человеком", "id": "hubungkan saya dengan manusia"}
OUTAGE = {"en": "zoom is down for our whole company",
          "de": "Zoom ist bei uns in der ganzen Firma ausgefallen",
          "ja": "全社でサービスがダウンしてる"}
LANGUAGES = ("en", "de", "ja")


@pytest.fixture(scope="module")
def bolt_servers(trained_model, repository, tmp_path_factory):
    state = tmp_path_factory.mktemp("accounts")
    hub = RunningHub(FakeHub(service_token=SERVICE_TOKEN))
    fake_hub = hub.start()
    settings = settings_on_free_ports(repository, BOLT_DEMO="true")  # the demo accounts
    services = bolt_services(settings, trained_model)
    services[0].env.update({
        "BOLT_STATE_DIR": str(state / "var"),
        "BOLT_ACCOUNTS_DATABASE_URL": f"sqlite:///{state / 'db' / 'accounts.sqlite3'}",
        "BOLT_HUB_URL": fake_hub.url,
        "BOLT_CLAIMS_SECRET": CLAIMS_SECRET,
        "BOLT_SERVICE_TOKEN": SERVICE_TOKEN,
    })
    try:
        with serving(services, repository, timeout=240):
            yield {"url": f"http://127.0.0.1:{settings.rasa_port}", "hub": fake_hub,
                   "db_dir": state / "db"}
    finally:
        hub.stop()


@pytest.fixture
def hub(bolt_servers) -> FakeHub:
    bolt_servers["hub"].mode = "queue"
    return bolt_servers["hub"]


@pytest.fixture
def directory_down(bolt_servers):
    """The directory's database disappears (as an unmounted volume would) and comes back."""
    db_dir = bolt_servers["db_dir"]
    away = db_dir.with_name("db-away")
    shutil.move(str(db_dir), str(away))
    try:
        yield
    finally:
        shutil.move(str(away), str(db_dir))


def demo_token(plan: str, support_plan: str, role: str, licensed: bool) -> Callable[[str], str]:
    """A demo user signed in, as the hub passes them on."""
    return signed_in(CLAIMS_SECRET, *demo_user_ids(plan, support_plan, role, licensed))


def texts(replies) -> List[str]:
    return [reply["text"] for reply in replies if reply.get("text")]


def payloads(replies) -> List[str]:
    return [button["payload"] for reply in replies for button in reply.get("buttons") or []]


def handoffs_of(hub: FakeHub, chat: Chat) -> List[Dict[str, Any]]:
    return [h for h in hub.handoffs if h["conversation_id"] == chat.sender]


@pytest.mark.parametrize("language", LANGUAGES)
def test_an_eligible_user_is_asked_the_impact_then_queued_and_bolt_goes_quiet(
    bolt_servers, hub, language
):
    chat = Chat(bolt_servers["url"], language, demo_token("business", "premier", "admin", True))
    question = chat.replies(REQUEST_HUMAN[language])
    assert texts(question) == [render("impact_question", language)]
    buttons = question[0]["buttons"]
    assert [b["title"] for b in buttons] == [render(f"impact_P{n}", language) for n in range(1, 5)]
    queued = chat.replies(buttons[1]["payload"])
    assert texts(queued) == [render(
        "handoff_requested", language, priority="P2",
        priority_name=render("priority_name_P2", language),
        target=render("duration_hours", language, hours="4"))]
    [request] = handoffs_of(hub, chat)
    assert (request["language"], request["priority"], request["reason"]) == (language, "P2", "request_human")
    assert request["first_response_hours"] == 4
    assert request["summary"] == REQUEST_HUMAN[language]
    assert request["account"]["user_id"] == "business-premier-admin-licensed"
    assert chat.replies("hello?") == []  # the queue holds the conversation now


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_clear_outage_goes_straight_to_the_queue_as_p1(bolt_servers, hub, language):
    chat = Chat(bolt_servers["url"], language,
                        demo_token("enterprise", "premier_plus", "member", True))
    replies = chat.replies(OUTAGE[language])
    [request] = handoffs_of(hub, chat)
    assert (request["priority"], request["reason"]) == ("P1", "report_problem")
    # A licensed member without priority response: the standard target.
    assert request["first_response_hours"] == 24
    assert "automatic_escalation" in request["account"]["rights"]
    assert texts(replies) == [render(
        "handoff_requested", language, priority="P1",
        priority_name=render("priority_name_P1", language),
        target=render("duration_hours", language, hours="24"))]


@pytest.mark.parametrize("language", LANGUAGES + ("it",))
def test_a_free_user_hears_why_and_what_there_is(bolt_servers, hub, language):
    chat = Chat(bolt_servers["url"], language, demo_token("basic", "access", "owner", True))
    replies = chat.replies(REQUEST_HUMAN[language])
    assert texts(replies) == [
        render("refused_plan", language, plan="Basic", account="Demo Basic Access"),
        render("alternatives", language)]
    assert payloads(replies) == ["/faq/help_center", "/faq/community", "/faq/billing",
                                 "/faq/change_support_plan"]
    assert handoffs_of(hub, chat) == []


@pytest.mark.parametrize("language", LANGUAGES + ("ru",))
def test_an_unlicensed_member_hears_who_can_give_a_licence(bolt_servers, hub, language):
    chat = Chat(bolt_servers["url"], language,
                        demo_token("business", "access", "member", False))
    replies = chat.replies(REQUEST_HUMAN[language])
    assert texts(replies)[0] == render("refused_not_licensed", language, account="Demo Business Access")
    assert "/faq/web_ticket" not in payloads(replies)
    assert handoffs_of(hub, chat) == []


@pytest.mark.parametrize("language", LANGUAGES + ("id",))
def test_an_anonymous_visitor_is_told_to_sign_in(bolt_servers, hub, language):
    forged = signed_in("somebody-else's-secret-of-32-bytes-or-more",
                       "business-premier-admin-licensed", "demo-business-premier")
    for token in (None, forged):
        chat = Chat(bolt_servers["url"], language, token)
        replies = chat.replies(REQUEST_HUMAN[language])
        assert texts(replies) == [render("refused_anonymous", language), render("alternatives", language)]
        assert handoffs_of(hub, chat) == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_directory_that_is_down_gets_no_agent_but_a_web_ticket_offer(
    bolt_servers, hub, directory_down, language
):
    chat = Chat(bolt_servers["url"], language, demo_token("business", "premier", "admin", True))
    replies = chat.replies(OUTAGE[language])
    assert texts(replies) == [render("directory_unavailable", language)]
    assert payloads(replies) == ["/faq/web_ticket"]
    assert handoffs_of(hub, chat) == []


@pytest.mark.parametrize("language, ask", [("en", "support phone number for Germany"),
                                           ("de", "Telefonnummer des Supports in Deutschland"),
                                           ("ja", "ドイツのサポート電話番号を教えてください")])
def test_phone_numbers_only_for_those_who_may_call(bolt_servers, hub, language, ask):
    allowed = Chat(bolt_servers["url"], language,
                   demo_token("education", "premier", "member", True))
    assert "+49 30 80098621" in "\n".join(texts(allowed.replies(ask)))
    refused = Chat(bolt_servers["url"], language, demo_token("pro", "access", "owner", True))
    replies = texts(refused.replies(ask))
    assert "+49" not in "\n".join(replies)
    assert replies[0] == render("phone_refused", language)


def test_no_agents_online_opens_a_web_ticket(bolt_servers, hub):
    hub.mode = "no_agents"
    chat = Chat(bolt_servers["url"], "de", demo_token("api", "premier_plus", "admin", True))
    replies = chat.replies(OUTAGE["de"])
    [ticket] = [t for t in hub.tickets if t["conversation_id"] == chat.sender]
    assert texts(replies) == [render("ticket_opened", "de", ticket=f"T-{len(hub.tickets):06d}",
                                     target=render("duration_hour", "de"))]
    assert ticket["priority"] == "P1" and ticket["account"]["support_plan"] == "premier_plus"


PRODUCT_QUESTION = {
    "en": "how do I blur my background during a video call",
    "de": "Wie kann ich im Meeting meinen Hintergrund unscharf machen?",
    "it": "come faccio a sfocare lo sfondo durante una videochiamata?",
    "ja": "ビデオ会議中に背景をぼかすにはどうすればいいですか",
    "ru": "как размыть фон во время видеозвонка?",
    "id": "bagaimana cara memburamkan latar belakang saat rapat video?",
}
NOT_OURS = {"en": "wake me up at 6:30 tomorrow", "de": "weck mich morgen um halb sieben",
            "it": "svegliami domani alle 6:30", "ja": "明日の朝6時半に起こして",
            "ru": "разбуди меня завтра в 6:30", "id": "bangunkan saya besok jam setengah tujuh"}
ALL_LANGUAGES = ("en", "de", "ja", "it", "ru", "id")


@pytest.mark.parametrize("language", ALL_LANGUAGES)
def test_a_paid_user_gets_the_honest_answer_and_a_person_on_request(bolt_servers, hub, language):
    chat = Chat(bolt_servers["url"], language, demo_token("business", "access", "member", True))
    replies = chat.replies(PRODUCT_QUESTION[language])
    assert texts(replies) == [render("abstain", language), render("abstain_person", language)]
    assert payloads(replies) == ["/request_human"]
    assert handoffs_of(hub, chat) == []
    queued = chat.replies(payloads(replies)[0])
    if texts(queued) == [render("impact_question", language)]:  # the triage could not tell
        queued = chat.replies(queued[0]["buttons"][3]["payload"])
    assert texts(queued) == [render(
        "handoff_requested", language, priority="P4",
        priority_name=render("priority_name_P4", language),
        target=render("duration_hours", language, hours="24"))]
    [request] = handoffs_of(hub, chat)
    assert (request["reason"], request["priority"]) == ("request_human", "P4")
    assert request["summary"] == PRODUCT_QUESTION[language]


@pytest.mark.parametrize("language", ALL_LANGUAGES)
def test_what_is_not_ours_is_declined_plainly_with_a_person_for_a_paid_user(
    bolt_servers, hub, language
):
    chat = Chat(bolt_servers["url"], language, demo_token("pro", "premier", "owner", True))
    replies = chat.replies(NOT_OURS[language])
    assert texts(replies) == [render("abstain_not_ours", language),
                              render("abstain_person", language)]
    assert payloads(replies) == ["/request_human"]


@pytest.mark.parametrize("language", ALL_LANGUAGES)
def test_an_anonymous_visitor_gets_the_honest_answer_and_no_person(bolt_servers, hub, language):
    chat = Chat(bolt_servers["url"], language, None)
    for message, said in ((PRODUCT_QUESTION[language], "abstain"),
                          (NOT_OURS[language], "abstain_not_ours")):
        replies = chat.replies(message)
        assert texts(replies) == [render(said, language)]
        assert payloads(replies) == []
    assert handoffs_of(hub, chat) == []


def test_abstaining_twice_in_a_row_never_hands_over_by_itself(bolt_servers, hub):
    chat = Chat(bolt_servers["url"], "en", demo_token("pro", "premier", "owner", True))
    for gibberish in ("qwpoeiru zxmcnv", "asdlkj qwepoi zmxn"):
        replies = chat.replies(gibberish)
        assert texts(replies)[0] in (render("abstain", "en"), render("abstain_not_ours", "en"))
        assert payloads(replies)[-1] == "/request_human"
    assert handoffs_of(hub, chat) == []


# "Not helpful" on a topic answer: the hub sends `/not_helpful` with the next best topics Rasa
# gave with the answer and the question; Bolt's offer depends on the account.
RATED = {"en": ("how can I send zoom support a web ticket",
                "what ways are there to contact zoom support"),
         "de": ("Wie schicke ich dem Support ein Webticket?",
                "Welche Wege gibt es, den Zoom-Support zu erreichen?")}


def rated_not_helpful(chat: Chat, question: str) -> List[Dict[str, Any]]:
    """The offer after the topic answer to `question` was rated not helpful, as the hub asks."""
    answered = chat.replies(question)
    decision = answered[0]["metadata"]["nlu"]
    assert (decision["intent"], decision["faq"]) == ("faq", "web_ticket")
    following = answered[0]["metadata"]["next_topics"]
    offer = chat.replies("/not_helpful", {"not_helpful": {"next_topics": following,
                                                          "question": question}})
    topics = [f"/faq/{key}" for key in following]
    assert [p for p in payloads(offer) if p in topics] == topics
    for reply in offer:  # the decision of the internal turn: no answer, no abstention
        assert reply["metadata"]["nlu"] == {"intent": "not_helpful", "faq": None,
                                            "confidence": 1.0, "abstained": False,
                                            "articles": []}
    return offer


@pytest.mark.parametrize("language", ("en", "de"))
def test_not_helpful_offers_a_paid_user_a_person_and_the_chat_goes_on(bolt_servers, hub,
                                                                      language):
    chat = Chat(bolt_servers["url"], language, demo_token("business", "premier", "admin", True))
    question, next_question = RATED[language]
    offer = rated_not_helpful(chat, question)
    assert texts(offer)[-1] == render("abstain_person", language)
    assert payloads(offer)[-1] == "/request_human"
    # The next message is answered as it would have been.
    assert chat.say(next_question) == answer(language, "contact_options")
    # The person offered: the account check, then the queue.
    queued = chat.replies(payloads(offer)[-1])
    if texts(queued) == [render("impact_question", language)]:  # the triage could not tell
        queued = chat.replies(queued[0]["buttons"][3]["payload"])
    [request] = handoffs_of(hub, chat)
    assert (request["reason"], request["account"]["user_id"]) == (
        "request_human", "business-premier-admin-licensed")
    assert question in request["summary"] and "/not_helpful" not in request["summary"]


@pytest.mark.parametrize("language", ("en", "de"))
def test_not_helpful_offers_a_free_user_or_a_visitor_no_person(bolt_servers, hub, language):
    question, next_question = RATED[language]
    for token in (demo_token("basic", "access", "owner", True), None):
        chat = Chat(bolt_servers["url"], language, token)
        offer = rated_not_helpful(chat, question)
        assert not {"/request_human", "/faq/web_ticket"} & set(payloads(offer))
        assert render("abstain_person", language) not in texts(offer)
        if not payloads(offer):
            assert texts(offer) == [render("articles_not_helpful", language)]
        assert chat.say(next_question) == answer(language, "contact_options")
