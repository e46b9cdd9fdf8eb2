"""Bolt's real servers, started as `bolt run` starts them, talked to over Rasa's REST channel:
what they answer, and what they refuse to whoever reaches them without going through the hub."""
import json
import urllib.error
import urllib.request
import re
from typing import Dict, FrozenSet, Tuple

import pytest

from actions.messages import render
from bolt.core.identity import issue_token
from bolt.processes import bolt_services
from support.content import answer
from support.live_bolt import Chat, serving, settings_on_free_ports, signed_in

pytestmark = [pytest.mark.model, pytest.mark.server]

TOKEN_SECRET = "server-test-token-secret-of-32-bytes-at-least"
CLAIMS_SECRET = "server-test-claims-secret-of-32-bytes-at-least"
RASA_TOKEN = "server-test-rasa-api-token"
PREMIER_ADMIN = ("business-premier-admin-licensed", "demo-business-premier")
REQUEST_HUMAN = "I want to speak to a human"


@pytest.fixture(scope="module")
def servers(trained_model, repository, tmp_path_factory):
    settings = settings_on_free_ports(repository, BOLT_DEMO="true")  # the demo accounts
    actions, rasa, _hub = bolt_services(settings, trained_model)
    # The account directory (demo accounts) and secrets of this run, not the worktree's var/.
    actions.env.update({"BOLT_STATE_DIR": str(tmp_path_factory.mktemp("state")),
                        "BOLT_TOKEN_SECRET": TOKEN_SECRET, "BOLT_CLAIMS_SECRET": CLAIMS_SECRET})
    rasa.env["BOLT_RASA_TOKEN"] = RASA_TOKEN
    with serving([actions, rasa], repository, timeout=240):
        yield settings


@pytest.fixture(scope="module")
def rasa_url(servers):
    return servers.rasa_url


def status_of(method: str, url: str, body=None) -> int:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method,
                                     headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def test_rasas_api_refuses_a_call_without_its_token(rasa_url):
    chat = Chat(rasa_url, locale="en")
    chat.say("hello")
    tracker = f"{rasa_url}/conversations/{chat.sender}/tracker"
    for method, url, body in (("GET", tracker, None),
                              ("POST", f"{tracker}/events", {"event": "pause"}),
                              ("PUT", f"{rasa_url}/model", {"model_file": "/tmp/other.tar.gz"}),
                              ("GET", f"{rasa_url}/status", None)):
        assert status_of(method, url, body) == 401, (method, url)
        assert status_of(method, f"{url}?token=a-guess", body) == 401, (method, url)
    assert status_of("GET", f"{tracker}?token={RASA_TOKEN}") == 200
    assert chat.user_texts(RASA_TOKEN) == ["hello"]


def test_a_message_posted_to_rasa_directly_with_forged_claims_gets_anonymous_rights(rasa_url):
    refused = [render("refused_anonymous", "en"), render("alternatives", "en")]
    help_center_token = issue_token(TOKEN_SECRET, *PREMIER_ADMIN)
    forgeries = {
        # A help-center token that verifies: only the hub reads those.
        "help-center token": lambda sender: {"auth_token": help_center_token},
        "help-center token as claims": lambda sender: {"claims": help_center_token},
        "claims signed with a guessed secret": lambda sender: {
            "claims": signed_in("a-guessed-secret-that-is-long-enough!!", *PREMIER_ADMIN)(sender)},
        "claims signed for another conversation": lambda sender: {
            "claims": signed_in(CLAIMS_SECRET, *PREMIER_ADMIN)("someone-elses-conversation")},
        "invented claims": lambda sender: {"claims": {"sub": PREMIER_ADMIN[0],
                                                      "account": PREMIER_ADMIN[1]}},
    }
    for forgery, metadata in forgeries.items():
        chat = Chat(rasa_url, locale="en")
        body = {"sender": chat.sender, "message": REQUEST_HUMAN, "metadata": metadata(chat.sender)}
        request = urllib.request.Request(f"{rasa_url}/webhooks/rest/webhook",
                                         data=json.dumps(body).encode(),
                                         headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=120) as response:
            replies = json.loads(response.read())
        assert [r["text"] for r in replies if r.get("text")] == refused, forgery
    # The same user, with claims the hub signed for this conversation, is offered a person.
    chat = Chat(rasa_url, locale="en", user=signed_in(CLAIMS_SECRET, *PREMIER_ADMIN))
    assert chat.say(REQUEST_HUMAN) == render("impact_question", "en")


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
    user = signed_in(CLAIMS_SECRET, "business-premier-member-licensed", "demo-business-premier")
    chat = Chat(rasa_url, locale="ja-JP", user=user)
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


Series = Dict[Tuple[str, FrozenSet[Tuple[str, str]]], float]


def metrics_of(url: str) -> Series:
    """A metrics address's series, by name and label set."""
    with urllib.request.urlopen(url, timeout=30) as response:
        text = response.read().decode()
    series: Series = {}
    for line in text.splitlines():
        match = re.fullmatch(r"(\w+)(?:\{(.*)\})? (\S+)", line)
        if match:
            labels = frozenset(re.findall(r'(\w+)="([^"]*)"', match.group(2) or ""))
            series[(match.group(1), labels)] = float(match.group(3))
    return series


def counted(series: Series, name: str, **labels: str) -> float:
    """The sum over the series `name` that carry (at least) these labels."""
    wanted = set(labels.items())
    return sum(value for (metric, have), value in series.items()
               if metric == name and wanted <= have)


def test_rasa_and_the_action_server_export_their_metrics_on_loopback(servers, trained_model):
    german = Chat(servers.rasa_url, locale="de-DE")
    assert german.say("Wie kann ich ein Webticket beim Support einreichen?") == answer(
        "de", "web_ticket")
    unsure = Chat(servers.rasa_url, locale="en")
    unsure.replies("qwpoeiru zxmcnv")
    anonymous = Chat(servers.rasa_url, locale="en")
    anonymous.say(REQUEST_HUMAN)
    services = {service.name: service for service in bolt_services(servers, trained_model)}
    assert services["Rasa server"].metrics_url.startswith("http://127.0.0.1:")

    rasa = metrics_of(services["Rasa server"].metrics_url)
    assert counted(rasa, "bolt_rasa_messages_total", language="de") >= 1
    assert counted(rasa, "bolt_rasa_response_seconds_count", language="de") >= 1
    assert counted(rasa, "bolt_rasa_nlu_decisions_total", intent="faq", decision="answered",
                   language="de") >= 1
    assert counted(rasa, "bolt_rasa_nlu_decisions_total", decision="abstained",
                   language="en") >= 1
    assert counted(rasa, "bolt_rasa_model_info", model=trained_model.name) == 1
    assert counted(rasa, "bolt_rasa_model_loaded_timestamp_seconds") > 0

    actions = metrics_of(services["action server"].metrics_url)
    assert counted(actions, "bolt_actions_calls_total", outcome="ok") >= 1
    assert counted(actions, "bolt_actions_calls_total", outcome="error") == 0
    assert counted(actions, "bolt_actions_account_checks_total", result="anonymous") >= 1
    # Labels stay bounded: no conversation is named in either.
    values = {value for _, labels in (*rasa, *actions) for _, value in labels}
    assert not {chat.sender for chat in (german, unsure, anonymous)} & values
