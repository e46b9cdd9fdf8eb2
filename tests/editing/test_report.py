"""`bolt content report`: examples per topic and language, with the last evaluation."""
import json
import subprocess
import sys

import pytest

from bolt.editing.report import (
    EVALUATION_FILE, evaluation_record, read_evaluation, render_report, topic_cells,
    write_evaluation,
)
from bolt.editing.tree import ContentPaths, read_tree
from tests.editing.conftest import REPOSITORY

RESULTS = [("en", "how do I open a ticket", "faq/web_ticket", "faq/web_ticket"),
           ("en", "ticket pls", "faq/web_ticket", "faq/billing"),
           ("de", "Rechnung", "faq/billing", "faq/billing")]


def test_the_evaluation_is_written_and_read_back_per_topic(tmp_path):
    write_evaluation(tmp_path, evaluation_record(RESULTS, "bolt-abc.tar.gz"))
    raw = json.loads((tmp_path / EVALUATION_FILE).read_text(encoding="utf-8"))
    assert raw["accuracy_by_language"] == {"en": 0.5, "de": 1.0}
    assert raw["errors"] == [{"language": "en", "text": "ticket pls",
                              "expected": "faq/web_ticket", "predicted": "faq/billing"}]
    evaluation = read_evaluation(tmp_path)
    assert evaluation.model == "bolt-abc.tar.gz"
    assert evaluation.accuracy == {("en", "faq/web_ticket"): 0.5, ("de", "faq/billing"): 1.0}
    assert evaluation.questions[("en", "faq/web_ticket")] == 2


def test_the_report_shows_counts_accuracy_and_what_needs_work(project):
    write_evaluation(project, evaluation_record(RESULTS, "bolt-abc.tar.gz"))
    tree = read_tree(ContentPaths.of_project(project))
    cells = topic_cells(tree, read_evaluation(project))
    lines = (project / "data" / "nlu" / "en" / "web_ticket.yml").read_text(encoding="utf-8")
    written = {line.strip().casefold() for line in lines.splitlines() if line.startswith("    - ")}
    assert cells["faq/web_ticket"]["en"].examples == len(written)
    assert cells["faq/web_ticket"]["en"].accuracy == 0.5
    assert cells["faq/web_ticket"]["en"].needs_work
    assert not cells["faq/billing"]["de"].needs_work
    text = render_report(cells, read_evaluation(project))
    row = next(line for line in text.splitlines() if line.startswith("faq/web_ticket "))
    assert f" {len(written)}  50%*" in row
    assert "evaluation of bolt-abc.tar.gz" in text


def test_the_report_without_an_evaluation_says_how_to_get_one(project):
    result = subprocess.run([sys.executable, "-m", "bolt.cli", "content", "report"],
                            cwd=REPOSITORY, env={"BOLT_HOME": str(project), "PATH": "/usr/bin"},
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "No evaluation yet" in result.stdout
    assert any(line.startswith("faq/billing ") for line in result.stdout.splitlines())


def test_an_unreadable_evaluation_is_a_clear_error(project):
    (project / EVALUATION_FILE).parent.mkdir(parents=True)
    (project / EVALUATION_FILE).write_text("{", encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "bolt.cli", "content", "report"],
                            cwd=REPOSITORY, env={"BOLT_HOME": str(project), "PATH": "/usr/bin"},
                            capture_output=True, text=True)
    assert result.returncode == 1 and "cannot read the last evaluation" in result.stderr


def test_the_abstention_figures_are_shown_per_language_and_kind(tmp_path):
    from bolt.editing.report import (
        ABSTENTION_FILE, read_abstention, render_abstention, write_abstention,
    )

    assert "No abstention figures yet" in render_abstention(read_abstention(tmp_path))
    write_abstention(tmp_path, {"model": "bolt-x.tar.gz", "threshold": 0.5, "languages": {
        "en": {"in_scope_top1": 0.851, "answered": {"out_of_scope": 0.052,
                                                    "product_question": 0.0}}}})
    shown = render_abstention(read_abstention(tmp_path), languages=("en", "ja"))
    lines = {line.split("  ")[0]: line for line in shown.splitlines()}
    assert lines["in-scope answered right"].split()[-2:] == ["85%", "-"]
    assert lines["not ours answered"].split()[-2:] == ["5%", "-"]
    assert lines["product questions answered"].split()[-2:] == ["0%", "-"]
    assert "bolt-x.tar.gz" in shown and str(ABSTENTION_FILE) in shown
    (tmp_path / ABSTENTION_FILE).write_text("{broken", encoding="utf-8")
    with pytest.raises(ValueError):
        read_abstention(tmp_path)
