"""The content every language must have, checked without training anything."""
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from bolt.content import load_answers
from tests.content.helpers import (
    ALL_INTENTS, DATA, DIALOGUE_INTENTS, FAQ_KEYS, LANGUAGES, REPOSITORY, holdout_examples,
    near_copies, plain_text, training_examples,
)

MIN_TRAINING_EXAMPLES = 12
MIN_HOLDOUT_EXAMPLES = 5
PLACEHOLDER = re.compile(r"\b(TODO|TBD|FIXME|lorem ipsum|XXX)\b|\?\?\?", re.IGNORECASE)
SHARED_TOPICS = REPOSITORY.parent / "shared" / "help-center" / "TOPICS.md"


def normalise(text: str) -> str:
    return re.sub(r"\W+", " ", plain_text(text).casefold()).strip()


@pytest.mark.skipif(not SHARED_TOPICS.exists(), reason="shared/ is not beside the repository")
def test_the_catalogue_matches_the_shared_topics_file():
    topics = SHARED_TOPICS.read_text(encoding="utf-8")
    listed = set(re.findall(r"^\| ([a-z_]+) \|", topics, flags=re.MULTILINE)) - {"key", "intent"}
    dialogue = {name.strip() for row in re.findall(r"^\| ([a-z_, ]+) \| ", topics, re.MULTILINE)
                for name in row.split(",") if name.strip() not in ("key", "intent")}
    assert set(FAQ_KEYS) <= listed
    assert set(DIALOGUE_INTENTS) <= dialogue | listed


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_intent_has_enough_distinct_training_examples(language):
    examples = training_examples(language)
    short = {intent: len(set(examples.get(intent, []))) for intent in ALL_INTENTS
             if len(set(examples.get(intent, []))) < MIN_TRAINING_EXAMPLES}
    assert short == {}, f"intents with fewer than {MIN_TRAINING_EXAMPLES} examples"


@pytest.mark.parametrize("language", LANGUAGES)
def test_one_file_per_topic_per_language(language):
    files = {path.stem for path in (DATA / "nlu" / language).glob("*.yml")}
    assert set(FAQ_KEYS) | set(DIALOGUE_INTENTS) <= files
    answers = {path.stem for path in (DATA / "responses" / language).glob("*.yml")}
    assert set(FAQ_KEYS) <= answers


@pytest.mark.parametrize("language", LANGUAGES)
def test_holdout_is_large_enough_and_never_trained_on(language):
    holdout = holdout_examples(language)
    short = {i: len(holdout.get(i, [])) for i in ALL_INTENTS
             if len(holdout.get(i, [])) < MIN_HOLDOUT_EXAMPLES}
    assert short == {}
    trained = {normalise(t) for texts in training_examples(language).values() for t in texts}
    leaked = [t for texts in holdout.values() for t in texts if normalise(t) in trained]
    assert leaked == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_training_example_is_a_near_copy_of_a_held_out_one(language):
    # A held-out question with one word changed in training measures memory, not
    # understanding: editors rephrase rather than copy (see docs/content-layout.md).
    held_out = [normalise(t) for texts in holdout_examples(language).values() for t in texts]
    trained = [normalise(t) for texts in training_examples(language).values() for t in texts]
    assert near_copies(held_out, trained) == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_example_is_taught_under_two_intents(language):
    owners = {}
    for intent, texts in training_examples(language).items():
        for text in texts:
            owners.setdefault(normalise(text), set()).add(intent)
    assert {t: i for t, i in owners.items() if len(i) > 1} == {}


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_phone_holdout_example_names_a_country(language):
    for text in holdout_examples(language)["phone_number"]:
        assert "](country)" in text or '"entity": "country"' in text, text


def test_every_answer_exists_in_every_language_and_is_no_placeholder():
    answers = load_answers(DATA)
    by_language = answers.responses_by_language()
    names = set().union(*(set(r) for r in by_language.values()))
    for language in LANGUAGES:
        missing = names - set(by_language.get(language, {}))
        assert missing == set(), f"{language} lacks {sorted(missing)}"
        for key in FAQ_KEYS:
            assert f"utter_faq/{key}" in by_language[language]
        titles = answers.topic_titles(language)
        assert set(FAQ_KEYS) <= set(titles), f"{language}: FAQ files need a title"
    for answer_file in answers.files:
        for variations in answer_file.responses.values():
            for variation in variations:
                assert not PLACEHOLDER.search(variation["text"]), answer_file.path
                assert len(variation["text"]) < 1200, f"{answer_file.path}: too long for a sidebar"
        for template in answer_file.messages.values():
            assert not PLACEHOLDER.search(template), answer_file.path


@pytest.mark.parametrize("language", LANGUAGES)
def test_action_messages_exist_with_their_placeholders(language):
    answers = load_answers(DATA)
    assert {"country", "numbers"} <= set(
        re.findall(r"\{(\w+)\}", answers.message(language, "phone_numbers") or ""))
    assert "{countries}" in (answers.message(language, "phone_ask_country") or "")
    assert (answers.message(language, "fallback") or "").strip()


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
    warnings are also read from the output.
    """
    result = subprocess.run(
        [sys.executable, "-m", "rasa", "data", "validate", "--fail-on-warnings",
         "--config", "config.yml", "--domain", "bot/domain.yml", "--data", "data"],
        cwd=REPOSITORY, capture_output=True, text=True, timeout=600,
    )
    output = result.stdout + result.stderr
    rasa_warnings = [line for line in output.splitlines()
                     if "rasa/" in line and "UserWarning" in line]
    assert result.returncode == 0, output[-3000:]
    assert rasa_warnings == [], "\n".join(rasa_warnings)


def test_every_action_message_exists_in_every_language_with_the_same_placeholders():
    answers = load_answers(DATA)
    names = {name for answer_file in answers.files for name in answer_file.messages}
    for name in sorted(names):
        english = answers.message("en", name)
        assert english is not None, f"en lacks message {name}"
        expected = set(re.findall(r"\{(\w+)\}", english))
        for language in LANGUAGES:
            text = answers.message(language, name)
            assert text is not None, f"{language} lacks message {name}"
            assert set(re.findall(r"\{(\w+)\}", text)) == expected, f"{language} {name}"
