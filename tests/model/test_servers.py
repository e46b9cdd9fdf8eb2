"""Bolt's real servers, started as `bolt run` starts them, talked to over Rasa's REST channel."""
import pytest

from actions.messages import render
from bolt.core.identity import issue_token
from bolt.processes import bolt_services
from support.content import answer
from support.live_bolt import Chat, serving, settings_on_free_ports

pytestmark = [pytest.mark.model, pytest.mark.server]

TOKEN_SECRET = "server-test-token-secret-of-32-bytes-at-least"


@pytest.fixture(scope="module")
def rasa_url(trained_model, repository, tmp_path_factory):
    settings = settings_on_free_ports(repository, BOLT_DEMO="true")  # the demo accounts
    services = bolt_services(settings, trained_model)
    # The account directory (demo accounts) and secrets of this run, not the worktree's var/.
    services[0].env.update({"BOLT_STATE_DIR": str(tmp_path_factory.mktemp("state")),
                            "BOLT_TOKEN_SECRET": TOKEN_SECRET})
    with serving(services, repository, timeout=240):
        yield f"http://127.0.0.1:{settings.rasa_port}"


def test_a_german_question_gets_the_german_answer(rasa_url):
    chat = Chat(rasa_url, locale="de-DE")
    assert chat.say("Wie kann ich ein Webticket beim Support einreichen?") == answer("de", "web_ticket")


def test_the_page_locale_is_used_until_the_user_writes_clearly_in_another_language(rasa_url):
    chat = Chat(rasa_url, locale="it-IT")
    assert chat.say("buongiorno") == answer("it", "greet")
    assert chat.say("What support plans do you offer?") == answer("en", "support_plans")
    # One word does not flip the language back.
    assert chat.say("grazie") == answer("en", "thank")


def test_phone_numbers_come_in_the_users_language(rasa_url):
    # A demo user who may call (bolt/core/demo_accounts.csv), signed in by the help center.
    token = issue_token(TOKEN_SECRET, "business-premier-member-licensed", "demo-business-premier")
    chat = Chat(rasa_url, locale="ja-JP", token=token)
    reply = chat.say("ドイツのサポート電話番号を教えてください")
    assert "+49 30 80098621 (内線 2)" in reply and "ドイツ" in reply
    asked = chat.say("電話番号は？")
    assert "+49 30 80098621" in asked  # the country named before is remembered


def test_when_unsure_bolt_says_so_and_a_topic_button_answers_exactly(rasa_url):
    chat = Chat(rasa_url, locale="en")
    replies = chat.replies("qwpoeiru zxmcnv")
    assert replies[0]["text"] in (render("abstain", "en"), render("abstain_not_ours", "en"))
    # An anonymous visitor is offered no person; any topic offered is one of Bolt's.
    payloads = [b["payload"] for r in replies for b in r.get("buttons") or []]
    assert all(p.startswith("/faq/") for p in payloads)
    assert chat.say("/faq/web_ticket") == answer("en", "web_ticket")
