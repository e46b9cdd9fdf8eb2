"""Bolt's real servers, started as `bolt run` starts them, talked to over Rasa's REST channel."""
import json
import urllib.request
import uuid
from pathlib import Path

import pytest
import yaml

from bolt.core.identity import issue_token
from bolt.processes import bolt_services
from support.live_bolt import serving, settings_on_free_ports

pytestmark = [pytest.mark.model, pytest.mark.server]

DATA = Path(__file__).resolve().parents[2] / "data"
TOKEN_SECRET = "server-test-token-secret-of-32-bytes-at-least"


@pytest.fixture(scope="module")
def rasa_url(trained_model, repository, tmp_path_factory):
    settings = settings_on_free_ports(repository)
    services = bolt_services(settings, trained_model)
    # The account directory (demo accounts) and secrets of this run, not the worktree's var/.
    services[0].env.update({"BOLT_STATE_DIR": str(tmp_path_factory.mktemp("state")),
                            "BOLT_TOKEN_SECRET": TOKEN_SECRET})
    with serving(services, repository, timeout=240):
        yield f"http://127.0.0.1:{settings.rasa_port}"


class Conversation:
    def __init__(self, url, locale=None, token=None):
        self.url = url
        self.sender = f"test-{uuid.uuid4().hex[:8]}"
        self.metadata = {"locale": locale} if locale else {}
        if token:
            self.metadata["auth_token"] = token

    def say(self, text):
        body = {"sender": self.sender, "message": text}
        if self.metadata:
            body["metadata"] = self.metadata
        request = urllib.request.Request(
            f"{self.url}/webhooks/rest/webhook", data=json.dumps(body).encode(),
            headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=60) as response:
            return json.loads(response.read())


def answer(language, key):
    path = DATA / "responses" / language / f"{key}.yml"
    responses = yaml.safe_load(path.read_text(encoding="utf-8"))["responses"]
    return next(iter(responses.values()))[0]["text"]


def text(replies):
    """The bot's reply as one text (Rasa's REST channel sends each paragraph as a message)."""
    return "\n\n".join(reply["text"] for reply in replies if reply.get("text"))


def test_a_german_question_gets_the_german_answer(rasa_url):
    chat = Conversation(rasa_url, locale="de-DE")
    assert text(chat.say("Wie kann ich ein Webticket beim Support einreichen?")) == answer("de", "web_ticket")


def test_the_page_locale_is_used_until_the_user_writes_clearly_in_another_language(rasa_url):
    chat = Conversation(rasa_url, locale="it-IT")
    assert text(chat.say("buongiorno")) == answer("it", "greet")
    assert text(chat.say("What support plans do you offer?")) == answer("en", "support_plans")
    # One word does not flip the language back.
    assert text(chat.say("grazie")) == answer("en", "thank")


def test_phone_numbers_come_in_the_users_language(rasa_url):
    # A demo user who may call (bolt/core/demo_accounts.csv), signed in by the help center.
    token = issue_token(TOKEN_SECRET, "business-premier-member-licensed", "demo-business-premier")
    chat = Conversation(rasa_url, locale="ja-JP", token=token)
    reply = text(chat.say("ドイツのサポート電話番号を教えてください"))
    assert "+49 30 80098621 (内線 2)" in reply and "ドイツ" in reply
    asked = text(chat.say("電話番号は？"))
    assert "+49 30 80098621" in asked  # the country named before is remembered


def test_when_unsure_bolt_offers_topics_and_a_button_answers_exactly(rasa_url):
    chat = Conversation(rasa_url, locale="en")
    replies = chat.say("qwpoeiru zxmcnv")
    assert len(replies) == 1 and replies[0]["text"].strip()
    buttons = replies[0].get("buttons") or []
    assert buttons and all(b["payload"].startswith("/faq/") for b in buttons)
    key = buttons[0]["payload"].split("/")[-1]
    assert text(chat.say(buttons[0]["payload"])) == answer("en", key)
