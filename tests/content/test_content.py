"""The content every language must have, checked without training anything."""
import re
import subprocess
import sys

import pytest

from bolt.core.content import load_answers
from bolt.core.hub_intents import HUB_INTENTS
from bolt.editing.validate import validate
from support.content import (
    ALL_INTENTS, DATA, DIALOGUE_INTENTS, FAQ_KEYS, LANGUAGES, REPOSITORY, holdout_examples,
    training_examples,
)

SHARED_TOPICS = REPOSITORY.parent / "shared" / "help-center" / "TOPICS.md"


@pytest.mark.skipif(not SHARED_TOPICS.exists(), reason="shared/ is not beside the repository")
def test_the_catalogue_matches_the_shared_topics_file():
    topics = SHARED_TOPICS.read_text(encoding="utf-8")
    listed = set(re.findall(r"^\| ([a-z_]+) \|", topics, flags=re.MULTILINE)) - {"key", "intent"}
    dialogue = {name.strip() for row in re.findall(r"^\| ([a-z_, ]+) \| ", topics, re.MULTILINE)
                for name in row.split(",") if name.strip() not in ("key", "intent")}
    assert set(FAQ_KEYS) <= listed
    assert set(DIALOGUE_INTENTS) <= dialogue | listed


def test_the_content_passes_bolt_content_validate():
    """Examples and answers in every language, no TODO, no example under two topics, held-out
    questions never trained on nor near-copied, messages with the same placeholders in every
    language, facts that agree across languages: bolt/editing/checks.py."""
    findings = validate(REPOSITORY)
    assert [f.render(REPOSITORY) for f in findings] == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_catalogue_intent_has_examples(language):
    assert set(ALL_INTENTS) <= set(training_examples(language))


@pytest.mark.parametrize("language", LANGUAGES)
def test_one_file_per_topic_per_language(language):
    files = {path.stem for path in (DATA / "nlu" / language).glob("*.yml")}
    assert set(FAQ_KEYS) | set(DIALOGUE_INTENTS) <= files
    answers = {path.stem for path in (DATA / "responses" / language).glob("*.yml")}
    assert set(FAQ_KEYS) <= answers


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_phone_holdout_example_names_a_country(language):
    for text in holdout_examples(language)["phone_number"]:
        assert "](country)" in text or '"entity": "country"' in text, text


@pytest.mark.parametrize("language", LANGUAGES)
def test_action_messages_exist_with_their_placeholders(language):
    answers = load_answers(DATA)
    assert {"country", "numbers"} <= set(
        re.findall(r"\{(\w+)\}", answers.message(language, "phone_numbers") or ""))
    assert "{countries}" in (answers.message(language, "phone_ask_country") or "")
    for honest_answer in ("abstain", "abstain_not_ours", "abstain_close", "abstain_person",
                          "abstain_person_button", "abstain_ticket"):
        assert (answers.message(language, honest_answer) or "").strip(), honest_answer


FACTS = {
    "response_times": ["1", "4", "8", "24"],
    "priority_levels": ["P1", "P2", "P3", "P4"],
    "support_plans": ["Premier", "Premier+"],  # "Access" is localised (Akses, アクセス)
    "phone_support": ["PMI"],
}


@pytest.mark.parametrize("language", LANGUAGES)
def test_answers_state_the_key_facts(language):
    responses = load_answers(DATA).responses_by_language()[language]
    for key, facts in FACTS.items():
        text = responses[f"utter_faq/{key}"][0]["text"]
        for fact in facts:
            assert fact in text, f"{language} utter_faq/{key} lacks {fact!r}"


def test_rasa_data_validate_is_clean():
    """`rasa data validate --fail-on-warnings`, and no warning of Rasa's own either.

    Rasa 3.6 exits 0 on some warnings (unused responses) even with --fail-on-warnings, so its
    warnings are also read from the output. The intents only the hub sends
    (bolt/core/hub_intents.py) have no training examples by design: that warning, for exactly
    them, is expected.
    """
    result = subprocess.run(
        [sys.executable, "-m", "rasa", "data", "validate", "--fail-on-warnings",
         "--config", "config.yml", "--domain", "bot/domain.yml", "--data", "data"],
        cwd=REPOSITORY, capture_output=True, text=True, timeout=600,
    )
    output = result.stdout + result.stderr
    expected = tuple(f"UserWarning: The intent '{intent}' is listed in the domain file, but is "
                     "not found in the NLU training data." for intent in sorted(HUB_INTENTS))
    rasa_warnings = [line for line in output.splitlines()
                     if "rasa/" in line and "UserWarning" in line
                     and not line.endswith(expected)]
    assert result.returncode == 0, output[-3000:]
    assert rasa_warnings == [], "\n".join(rasa_warnings)
