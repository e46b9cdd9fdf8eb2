"""An editor's whole workflow on a copy of the project, into a running Bolt:
change an answer, add a topic (`bolt content new`, filled in six languages), validate, train,
publish; the new answers are live and the conversation that was going on carries on."""
from __future__ import annotations

import pytest

from bolt.core.secrets import load_secrets
from support.content import answer
from support.edits import edit
from support.live_bolt import Chat, bolt_command, copy_project, running_bolt
from support.new_topic import ANSWERS, KEY, fill_topic

pytestmark = [pytest.mark.model, pytest.mark.server]


def succeed(settings, *args: str) -> str:
    result = bolt_command(settings, *args)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return result.stdout


@pytest.fixture(scope="module")
def bolt(trained_model, tmp_path_factory):
    settings = copy_project(tmp_path_factory.mktemp("project"), trained_model)
    succeed(settings, "content", "train")  # the copied model is current: nothing to train
    with running_bolt(settings, trained_model) as url:
        yield settings, url


def test_a_changed_answer_and_a_new_topic_go_live_without_dropping_a_conversation(bolt):
    settings, url = bolt
    data = settings.home / "data"
    ongoing = Chat(url, locale="de-DE")
    assert ongoing.say("Wie reiche ich ein Webticket ein?") == answer("de", "web_ticket", data)

    # A changed answer: no training, the model gets the new text.
    edit(settings.home / "data" / "responses" / "en" / "web_ticket.yml",
         "Submit a web ticket to get help quickly:",
         "To get help quickly, submit a web ticket:")
    assert "only answers changed" in succeed(settings, "content", "train")
    published = succeed(settings, "content", "publish")
    assert "Live now: bolt-" in published
    assert Chat(url, locale="en").say("How do I submit a ticket?").startswith(
        "To get help quickly, submit a web ticket:")

    # A new topic, through the commands.
    succeed(settings, "content", "new", KEY)
    assert bolt_command(settings, "content", "validate").returncode == 1  # TODOs left
    fill_topic(settings.home, KEY)
    assert "The content is valid" in succeed(settings, "content", "validate")
    trained = succeed(settings, "content", "train")
    assert "in full" in trained  # a new topic changes the labels: no fine-tuning
    succeed(settings, "content", "publish")
    status = succeed(settings, "model")
    assert status.strip().endswith(".tar.gz")

    assert Chat(url, locale="en").say("which languages can Bolt speak?") == ANSWERS["en"]
    assert Chat(url, locale="de-DE").say("Welche Sprachen sprichst du?") == ANSWERS["de"]

    # The German conversation from before both swaps carries on in German.
    assert ongoing.say("danke") == answer("de", "thank", data)
    rasa_token = load_secrets(settings.state_dir).rasa_token
    assert ongoing.user_texts(rasa_token) == ["Wie reiche ich ein Webticket ein?", "danke"]
