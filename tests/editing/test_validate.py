"""Each check of `bolt content validate`: the mistake is made in a copy and reported there."""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from typing import List

import pytest

from bolt.editing.findings import Finding
from bolt.editing.validate import validate
from bolt.core.languages import SUPPORTED_LANGUAGES
from support.edits import edit
from tests.editing.conftest import REPOSITORY, line_of

# The article sits in shared/ beside the repository (beside the main checkout for a worktree).
HELP_CENTER = next((folder / "shared" / "help-center" for folder in REPOSITORY.parents
                    if (folder / "shared" / "help-center").is_dir()),
                   REPOSITORY.parent / "shared" / "help-center")


def findings_of(project: Path, check: str) -> List[Finding]:
    return [f for f in validate(project) if f.check == check]


def rendered(project: Path) -> List[str]:
    return [f.render(project) for f in validate(project)]


def test_the_copied_content_is_clean(project):
    assert rendered(project) == []


def test_validate_runs_in_seconds_without_rasa():
    script = ("import sys, time; t = time.perf_counter(); from pathlib import Path; "
              "from bolt.editing.validate import validate; validate(Path('.').resolve()); "
              "print(time.perf_counter() - t); "
              "print(any(m.split('.')[0] in ('rasa', 'tensorflow') for m in sys.modules))")
    result = subprocess.run([sys.executable, "-c", script], cwd=REPOSITORY,
                            capture_output=True, text=True, check=True)
    seconds, imported_rasa = result.stdout.split()
    assert imported_rasa == "False"
    assert float(seconds) < 5.0


def test_a_yaml_error_is_reported_with_its_line(project):
    path = project / "data" / "nlu" / "de" / "web_ticket.yml"
    edit(path, "    - Ticket eröffnen\n", "    - Ticket eröffnen\n  bad: [unclosed\n")
    [finding] = findings_of(project, "yaml")
    assert finding.path == path
    assert finding.message.startswith("not valid YAML: did not find expected ',' or ']' (while "
                                      "parsing a flow sequence that starts on line 7)")
    path.write_text('version: "3.1"\nnlu:\n- intent: faq/web_ticket\n  examples: |\n'
                    '    - one\n   bad: indent\n', encoding="utf-8")
    [finding] = findings_of(project, "yaml")
    assert finding.line == 6


def test_a_training_file_of_the_wrong_shape_is_reported(project):
    path = project / "data" / "nlu" / "en" / "billing.yml"
    path.write_text('version: "3.1"\nnlu:\n- intent: faq/billing\n  example: oops\n',
                    encoding="utf-8")
    messages = [f.render(project) for f in findings_of(project, "schema")]
    assert messages == ["data/nlu/en/billing.yml:3: `faq/billing` needs `examples: |` followed "
                        "by lines that start with `- `"]


def test_an_example_line_without_a_dash_is_reported(project):
    path = project / "data" / "nlu" / "it" / "web_ticket.yml"
    text = path.read_text(encoding="utf-8").splitlines()
    text[5] = text[5].replace("- ", "", 1)
    path.write_text("\n".join(text) + "\n", encoding="utf-8")
    [finding] = findings_of(project, "schema")
    assert (finding.path, finding.line) == (path, 6)


def test_an_answer_file_with_an_unknown_key_is_reported(project):
    path = project / "data" / "responses" / "ru" / "billing.yml"
    edit(path, "responses:", "answers: []\nresponses:")
    [finding] = findings_of(project, "schema")
    assert finding.path == path and "unknown keys answers" in finding.message


def test_an_empty_answer_is_reported_at_its_name(project):
    path = project / "data" / "responses" / "id" / "fallback.yml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.split("  abstain:")[0] + "  abstain: \"\"\n", encoding="utf-8")
    [finding] = findings_of(project, "schema")
    assert (finding.path, finding.line) == (path, line_of(path, "abstain:"))
    assert finding.message == "message 'abstain' needs a text"


def test_a_topic_missing_in_one_language_is_reported(project):
    (project / "data" / "nlu" / "ja" / "web_ticket.yml").unlink()
    (project / "data" / "responses" / "it" / "web_ticket.yml").unlink()
    messages = [f.message for f in findings_of(project, "coverage")]
    assert "`faq/web_ticket` has no examples in ja: add them to " \
           "data/nlu/ja/web_ticket.yml" in messages
    assert "the topic `web_ticket` has no answer `utter_faq/web_ticket` in it" in messages


def test_too_few_examples_are_reported(project):
    path = project / "data" / "nlu" / "id" / "community.yml"
    lines = path.read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join(lines[:4 + 5]) + "\n", encoding="utf-8")
    [finding] = findings_of(project, "coverage")
    assert finding.path == path and finding.line == 5
    assert "has 5 different examples in id; it needs at least 12" in finding.message


def test_a_missing_title_or_message_translation_is_reported(project):
    edit(project / "data" / "responses" / "de" / "billing.yml",
         next(l for l in (project / "data" / "responses" / "de" / "billing.yml")
              .read_text(encoding="utf-8").splitlines(keepends=True) if l.startswith("title")),
         "")
    fallback = project / "data" / "responses" / "ja" / "fallback.yml"
    fallback.unlink()
    messages = [f.message for f in findings_of(project, "coverage")]
    assert any("`billing` needs a `title:` in de" in m for m in messages)
    assert any(m.startswith("the message `abstain` has no ja version") for m in messages)


def test_the_same_example_under_two_topics_is_reported(project):
    path = project / "data" / "nlu" / "en" / "billing.yml"
    with path.open("a", encoding="utf-8") as out:
        out.write("    - how do I submit a ticket!\n")
    other = project / "data" / "nlu" / "en" / "web_ticket.yml"
    found = {(f.path, f.line): f.message for f in findings_of(project, "duplicate")}
    assert set(found) == {(path, line_of(path, "submit a ticket!")),
                          (other, line_of(other, "How do I submit a ticket?"))}
    assert "under `faq/billing` is the same example as \"How do I submit a ticket?\" " \
           "under `faq/web_ticket`" in found[(path, line_of(path, "submit a ticket!"))]


def test_a_nearly_identical_example_under_two_topics_is_reported(project):
    path = project / "data" / "nlu" / "en" / "community.yml"
    with path.open("a", encoding="utf-8") as out:
        out.write("    - How do I submit a tickets\n")
    findings = findings_of(project, "duplicate")
    assert len(findings) == 2
    assert all("nearly the same" in f.message for f in findings)
    assert {f.path.name for f in findings} == {"community.yml", "web_ticket.yml"}


def test_a_todo_left_in_an_answer_or_example_is_reported(project):
    answer = project / "data" / "responses" / "it" / "billing.yml"
    edit(answer, "  - text: |-\n      ", "  - text: |-\n      TODO check this. ")
    examples = project / "data" / "nlu" / "ru" / "billing.yml"
    with examples.open("a", encoding="utf-8") as out:
        out.write("    - TODO another question\n")
    found = {(f.path, f.line) for f in findings_of(project, "todo")}
    assert found == {(answer, line_of(answer, "TODO")), (examples, line_of(examples, "TODO"))}


def test_a_response_time_that_differs_in_one_language_is_reported(project):
    path = project / "data" / "responses" / "ru" / "response_times.yml"
    edit(path, "- P1 «Срочный»: 1 час", "- P1 «Срочный»: 2 часа")
    [finding] = findings_of(project, "facts")
    assert (finding.path, finding.line) == (path, 7)
    assert finding.message == (
        "`utter_faq/response_times`: the time for P1 differs between languages "
        "(de, en, id, it, ja: 1 h, 4 h; ru: 2 h, 4 h); make every language say the same")


def test_a_phone_number_that_differs_in_one_language_is_reported(project):
    numbers = {"en": "+39 07611811003", "de": "+39 07611811003", "it": "+39 07611811003",
               "id": "+39 07611811003", "ru": "+39 07611811003", "ja": "+39-0761811003"}
    for language, number in numbers.items():
        path = project / "data" / "responses" / language / "phone_support.yml"
        edit(path, "  - text: |-\n", f"  - text: |-\n      {number}\n")
    findings = findings_of(project, "facts")
    ja = project / "data" / "responses" / "ja" / "phone_support.yml"
    assert {(f.path, f.line) for f in findings} == {(ja, 6)}
    assert {f.message for f in findings} == {
        "`utter_faq/phone_support`: the phone number for Italy (+39) differs between languages "
        "(de, en, id, it, ru: +39 07611811003; ja: +39-0761811003); make every language say "
        "the same",
        "+39-0761811003 is not in data/phone_numbers.yml (Italy: +39 07611811003): numbers "
        "come from that table; correct the answer or the table",
    }


def test_a_number_the_phone_table_does_not_have_is_reported(project):
    for language in SUPPORTED_LANGUAGES:
        path = project / "data" / "responses" / language / "billing.yml"
        edit(path, "  - text: |-\n", "  - text: |-\n      +49 30 1234567\n")
    findings = findings_of(project, "facts")
    assert len(findings) == 6
    assert all(f.message.startswith("+49 30 1234567 is not in data/phone_numbers.yml "
                                    "(Germany: +49 30 80098621, +49 0800 0010429)")
               for f in findings)


def _phone_lines(language: str) -> List[str]:
    text = (HELP_CENTER / f"support-guidelines.{language}.txt").read_text(encoding="utf-8")
    return [line.strip() for line in text.splitlines() if re.search(r"\+(39|81)\b", line)]


@pytest.mark.skipif(not HELP_CENTER.is_dir(), reason="shared/help-center is not beside the "
                                                     "repository")
def test_the_help_center_articles_disagreements_are_reported(project):
    """The article's Italy (ja) and Japan (ru) numbers, planted as answers, are reported."""
    planted = {language: _phone_lines(language) for language in ("ja", "ru", "id", "it", "de")}
    planted["en"] = planted["de"]
    for language, lines in planted.items():
        body = "\n".join(f"      {line}" for line in lines)
        (project / "data" / "responses" / language / "numbers.yml").write_text(
            f'version: "3.1"\ntitle: numbers\nresponses:\n  utter_numbers:\n  - text: |-\n'
            f'{body}\n', encoding="utf-8")
    facts = findings_of(project, "facts")
    differs = {(f.path.parent.name, re.search(r"phone number for (\w+)", f.message).group(1))
               for f in facts if "differs between languages" in f.message}
    assert ("ja", "Italy") in differs and ("ru", "Japan") in differs
    assert not {(lang, country) for lang, country in differs
                if country == "Japan" and lang != "ru"}
    assert not {(lang, country) for lang, country in differs
                if country == "Italy" and lang not in ("ja", "ru")}
    italy = next(f for f in facts if f.path.parent.name == "ja" and "Italy" in f.message)
    assert "+39-0761811003" in italy.message and "+39 07611811003" in italy.message
    not_in_table = {f.path.parent.name for f in facts if "is not in data/" in f.message}
    assert not_in_table == {"ja", "ru"}


def test_a_rule_naming_a_removed_topic_or_answer_is_reported(project):
    rules = project / "data" / "rules" / "dialogue.yml"
    edit(rules, "  - intent: bot_challenge\n  - action: utter_bot_challenge",
         "  - intent: bot_question\n  - action: utter_bot_question")
    story = project / "tests" / "conversations" / "test_en.yml"
    edit(story, "  - action: utter_faq\n", "  - action: utter_faq/phone_help\n")
    found = {(f.path, f.line, f.message.split(" does not")[0])
             for f in findings_of(project, "references")}
    assert (rules, line_of(rules, "bot_question"), "intent `bot_question`") in found
    assert (rules, line_of(rules, "utter_bot_question"), "action `utter_bot_question`") in found
    assert (story, line_of(story, "phone_help"), "action `utter_faq/phone_help`") in found
    domain = project / "bot" / "domain.yml"
    assert any(f.path == domain and "`bot_challenge` is in the domain" in f.message
               for f in findings_of(project, "references")) is False


def test_a_domain_intent_without_examples_is_reported(project):
    for language in SUPPORTED_LANGUAGES:
        (project / "data" / "nlu" / language / "deny.yml").unlink()
    domain = project / "bot" / "domain.yml"
    messages = {(f.path, f.line, f.message) for f in findings_of(project, "references")}
    assert (domain, line_of(domain, "- deny"),
            "intent `deny` is in the domain but has no training examples") in messages


def test_examples_of_an_intent_the_domain_lacks_are_reported_once_per_language(project):
    for language in ("en", "de"):
        path = project / "data" / "nlu" / language / "thank.yml"
        edit(path, "- intent: thank", "- intent: thanks")
    found = [f for f in findings_of(project, "references") if "`thanks` is not in" in f.message]
    assert sorted(f.path.parent.name for f in found) == ["de", "en"]


def test_a_held_out_question_that_is_trained_on_is_reported(project):
    holdout = project / "tests" / "data" / "holdout" / "en.yml"
    edit(holdout, "    - self-help resources\n", "    - How do I submit a ticket?\n")
    [finding] = findings_of(project, "holdout")
    assert (finding.path, finding.line) == (holdout, line_of(holdout, "submit a ticket"))


def test_a_held_out_japanese_question_trained_on_with_other_punctuation_is_reported(project):
    # The tokenizer makes the same words of both: the model was trained on this question.
    holdout = project / "tests" / "data" / "holdout" / "ja.yml"
    edit(holdout, "    - いや、違うんです\n", "    - いや、 違う。\n")
    [finding] = findings_of(project, "holdout")
    assert (finding.path, finding.line) == (holdout, line_of(holdout, "いや、 違う。"))
    assert "is also a training example \"いや違う\" (ja/deny.yml:" in finding.message


def plant(training: Path, trained: str, kept_apart: Path, kept: str) -> None:
    """`trained` appended to a training file; `kept` in place of a kept-apart file's first
    example."""
    with training.open("a", encoding="utf-8") as out:
        out.write(f"    - {trained}\n")
    text = kept_apart.read_text(encoding="utf-8")
    first = next(line for line in text.splitlines() if line.startswith("    - "))
    kept_apart.write_text(text.replace(first, f"    - {kept}", 1), encoding="utf-8")


def test_a_held_out_question_that_near_copies_a_training_example_is_reported(project):
    holdout = project / "tests" / "data" / "holdout" / "en.yml"
    plant(project / "data" / "nlu" / "en" / "web_ticket.yml",
          "where can I find a list of the support plans",
          holdout, "where can I find a list of support plans")
    [finding] = findings_of(project, "holdout")
    assert (finding.path, finding.line) == (holdout, line_of(holdout, "a list of support plans"))
    assert "is a near copy of the training example \"where can I find a list of the support " \
           "plans\" (en/web_ticket.yml:" in finding.message


def test_a_kept_apart_example_trained_on_in_another_language_is_reported(project):
    # One model learns every language: an error message in German training is not new to it
    # when the Russian held-out set asks it.
    holdout = project / "tests" / "data" / "out_of_scope" / "ru.yml"
    plant(project / "data" / "nlu" / "de" / "out_of_scope.yml",
          "ImportError: cannot import name 'Quaternion' from 'mathutils'",
          holdout, "ImportError: cannot import name Quaternion from mathutils")
    [finding] = findings_of(project, "holdout")
    assert (finding.path, finding.line) == (holdout, line_of(holdout, "Quaternion from mathutils"))
    assert "(de/out_of_scope.yml:" in finding.message


def test_a_message_that_loses_its_placeholder_is_reported(project):
    path = project / "data" / "responses" / "ru" / "phone_number.yml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("    {numbers}\n", "    numbers\n", 1), encoding="utf-8")
    [finding] = findings_of(project, "placeholders")
    assert finding.path == path and finding.line == line_of(path, "phone_numbers:") + 1
    assert "has the placeholders {country}, but {country}, {numbers}" in finding.message


def test_an_answer_too_long_for_the_sidebar_is_reported(project):
    path = project / "data" / "responses" / "de" / "billing.yml"
    edit(path, "  - text: |-\n", "  - text: |-\n      " + "Sehr lang. " * 120 + "\n")
    [finding] = findings_of(project, "length")
    assert finding.path == path


def test_the_command_prints_path_and_line_and_fails(project):
    (project / "data" / "nlu" / "ja" / "web_ticket.yml").unlink()
    result = subprocess.run([sys.executable, "-m", "bolt.cli", "content", "validate"],
                            cwd=REPOSITORY, env={"BOLT_HOME": str(project), "PATH": "/usr/bin"},
                            capture_output=True, text=True)
    assert result.returncode == 1
    assert re.search(r"^data/nlu/\w\w/web_ticket\.yml:\d+: `faq/web_ticket` has no examples "
                     r"in ja", result.stdout, re.MULTILINE)
    clean = subprocess.run([sys.executable, "-m", "bolt.cli", "content", "validate"],
                           cwd=REPOSITORY, env={"BOLT_HOME": str(REPOSITORY), "PATH": "/usr/bin"},
                           capture_output=True, text=True)
    assert clean.returncode == 0 and "The content is valid" in clean.stdout
