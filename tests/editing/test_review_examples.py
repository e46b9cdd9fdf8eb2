"""Questions from the review inbox written into the content (bolt/editing/examples.py): added to
a topic's examples with the file's layout kept, never twice; a new topic with them as its
examples; the change recorded as a git commit in a git work tree, else in the change log."""
import subprocess

import pytest

from bolt.editing.changes import CHANGE_LOG, record_change
from bolt.editing.examples import ExamplesError, add_examples, new_topic
from bolt.editing.tree import ContentPaths
from bolt.editing.validate import validate


def test_questions_are_added_after_the_topics_examples_and_nothing_else_changes(project):
    path = project / "data/nlu/de/web_ticket.yml"
    before = path.read_text(encoding="utf-8").splitlines()
    written = add_examples(project / "data", "de", "web_ticket",
                           ["Wo kann ich ein\nTicket im Web aufmachen?", before[-1][6:]])
    assert written == path
    after = path.read_text(encoding="utf-8").splitlines()
    # One line more, right after the last example; the existing one is not written twice.
    assert after == before + ["    - Wo kann ich ein Ticket im Web aufmachen?"]
    assert add_examples(project / "data", "de", "web_ticket",
                        ["wo kann ich ein ticket im web aufmachen"]) is None
    assert not [f for f in validate(project) if "web_ticket" in str(f.path)]


def test_an_unknown_topic_writes_nothing(project):
    with pytest.raises(ExamplesError):
        add_examples(project / "data", "ja", "no_such_topic", ["何か"])


def test_a_new_topic_takes_the_questions_in_its_language_and_todos_elsewhere(project):
    paths = ContentPaths.of_project(project)
    new_topic(paths, "virtual_background", "it",
              ["come cambio lo sfondo", "posso usare uno sfondo virtuale?"])
    text = (project / "data/nlu/it/virtual_background.yml").read_text(encoding="utf-8")
    assert "TODO" not in text and "    - posso usare uno sfondo virtuale?\n" in text
    assert "TODO" in (project / "data/nlu/de/virtual_background.yml").read_text("utf-8")
    checks = {f.check for f in validate(project) if "virtual_background" in str(f.path)}
    assert checks  # the validator still asks for the other languages and the answers


def test_a_change_is_a_commit_in_a_git_work_tree_else_a_log_line(project, tmp_path):
    path = project / "data/nlu/en/web_ticket.yml"
    state = tmp_path / "state"
    logged = record_change(project / "data", state, [path], "one question added", "eda")
    assert logged["how"] == "log"
    assert "one question added" in (state / CHANGE_LOG).read_text(encoding="utf-8")

    subprocess.run(["git", "init", "-q", str(project)], check=True)
    subprocess.run(["git", "-C", str(project), "add", "-A"], check=True)
    subprocess.run(["git", "-C", str(project), "-c", "user.name=t", "-c", "user.email=t@t",
                    "commit", "-qm", "content"], check=True)
    add_examples(project / "data", "en", "web_ticket", ["web ticket form please"])
    committed = record_change(project / "data", state, [path], "web ticket question", "eda")
    assert committed["how"] == "git"
    shown = subprocess.run(["git", "-C", str(project), "log", "-1", "--format=%an|%s",
                            "--name-only"], capture_output=True, text=True, check=True).stdout
    assert shown.splitlines()[0] == "eda|web ticket question"
    assert "data/nlu/en/web_ticket.yml" in shown
