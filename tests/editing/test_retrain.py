"""How `bolt content train` decides between the cache, fine-tuning and a full training, and
how it shows Rasa's progress."""
import io
import json
import subprocess
import sys
from dataclasses import asdict
from pathlib import Path

from bolt.editing.progress import ProgressDisplay, ProgressState
from bolt.editing.retrain import (
    MAX_FINETUNES_IN_A_ROW, ModelRecord, plan_training, read_records, record_path,
    structure_fingerprint,
)
from bolt.editing.scaffold import create_topic
from bolt.editing.tree import ContentPaths, read_tree
from bolt.core.settings import Settings
from support.edits import edit
from tests.editing.conftest import REPOSITORY


def record(name, structure="s1", finished_at=1.0, in_a_row=0, examples="e0"):
    return ModelRecord(model=name, structure=structure, how="full", finetunes_in_a_row=in_a_row,
                       seconds=1.0, finished_at=finished_at, examples=examples)


def models(tmp_path, *names):
    for name in names:
        (tmp_path / name).write_bytes(b"model")
    return tmp_path


def test_the_model_of_this_content_is_used_as_it_is(tmp_path):
    folder = models(tmp_path, "bolt-new.tar.gz")
    plan = plan_training(folder / "bolt-new.tar.gz", "s1", "e1", [], folder)
    assert plan.kind == "cached"


def test_same_structure_fine_tunes_the_newest_such_model(tmp_path):
    folder = models(tmp_path, "bolt-a.tar.gz", "bolt-b.tar.gz", "bolt-c.tar.gz")
    records = [record("bolt-a.tar.gz", finished_at=1), record("bolt-b.tar.gz", finished_at=3),
               record("bolt-c.tar.gz", structure="other", finished_at=5)]
    plan = plan_training(folder / "bolt-new.tar.gz", "s1", "e1", records, folder)
    assert (plan.kind, plan.base) == ("finetune", folder / "bolt-b.tar.gz")


def test_only_changed_answers_reuse_the_model_with_the_same_examples(tmp_path):
    folder = models(tmp_path, "bolt-a.tar.gz", "bolt-b.tar.gz")
    records = [record("bolt-a.tar.gz", examples="e1", finished_at=1),
               record("bolt-b.tar.gz", examples="e2", finished_at=3)]
    plan = plan_training(folder / "bolt-new.tar.gz", "s1", "e1", records, folder)
    assert (plan.kind, plan.base) == ("answers", folder / "bolt-a.tar.gz")
    learns_from_answers = plan_training(folder / "bolt-new.tar.gz", "s1", "e1", records, folder,
                                        answers_in_training=True)
    assert (learns_from_answers.kind, learns_from_answers.base) == (
        "finetune", folder / "bolt-b.tar.gz")


def test_another_structure_or_no_model_trains_in_full(tmp_path):
    folder = models(tmp_path, "bolt-a.tar.gz")
    assert plan_training(folder / "bolt-new.tar.gz", "s2", "e1", [record("bolt-a.tar.gz")],
                         folder).kind == "full"
    assert plan_training(folder / "bolt-new.tar.gz", "s1", "e1", [record("bolt-gone.tar.gz")],
                         folder).kind == "full"
    assert plan_training(folder / "bolt-new.tar.gz", "s1", "e1", [], folder).kind == "full"


def test_full_is_forced_on_request_and_after_many_fine_tunings(tmp_path):
    folder = models(tmp_path, "bolt-a.tar.gz")
    assert plan_training(folder / "bolt-a.tar.gz", "s1", "e1", [record("bolt-a.tar.gz")], folder,
                         full=True).kind == "full"
    tired = record("bolt-a.tar.gz", in_a_row=MAX_FINETUNES_IN_A_ROW)
    assert plan_training(folder / "bolt-new.tar.gz", "s1", "e1", [tired], folder).kind == "full"


def _project_settings(project: Path) -> Settings:
    for part in ("config.yml", "constraints.txt"):
        (project / part).write_bytes((REPOSITORY / part).read_bytes())
    return Settings.from_env({"BOLT_HOME": str(project)})


def _structure(settings: Settings) -> str:
    return structure_fingerprint(settings, read_tree(ContentPaths.of_project(settings.home)))


def test_changed_examples_and_answers_keep_the_structure_a_new_topic_changes_it(project):
    settings = _project_settings(project)
    before = _structure(settings)
    edit(project / "data" / "responses" / "de" / "billing.yml", "  - text: |-\n      ",
         "  - text: |-\n      Kurz gesagt: ")
    with (project / "data" / "nlu" / "en" / "billing.yml").open("a", encoding="utf-8") as out:
        out.write("    - question about my bill\n")
    assert _structure(settings) == before
    create_topic(ContentPaths.of_project(project), "screen_sharing")
    assert _structure(settings) != before


def test_a_changed_rule_or_domain_changes_the_structure(project):
    settings = _project_settings(project)
    before = _structure(settings)
    edit(project / "bot" / "domain.yml", "session_expiration_time: 60",
         "session_expiration_time: 30")
    assert _structure(settings) != before


def test_records_are_read_back_and_unreadable_ones_skipped(tmp_path):
    good = record("bolt-a.tar.gz")
    record_path(tmp_path, "bolt-a.tar.gz").write_text(json.dumps(asdict(good)))
    record_path(tmp_path, "bolt-b.tar.gz").write_text("{not json")
    assert read_records(tmp_path) == [good]


RASA_OUTPUT = [
    "2026-12-01 08:48:18 INFO rasa.engine.training.hooks  - Restored component "
    "'MultilingualTokenizer' from cache.",
    "2026-12-01 08:48:18 INFO rasa.engine.training.hooks  - Starting to train component "
    "'CountVectorsFeaturizer'.",
    "2026-12-01 08:48:38 INFO rasa.engine.training.hooks  - Starting to train component "
    "'DIETClassifier'.",
    "Epochs:   0%|          | 0/50 [00:00<?, ?it/s]",
    "Epochs:  24%|██▍       | 12/50 [01:02<02:35,  4.08s/it, t_loss=2.35, i_acc=1]",
    "Epochs:  24%|██▍       | 12/50 [01:02<02:35,  4.08s/it, t_loss=2.35, i_acc=1]",
    "Epochs:  50%|█████     | 25/50 [01:38<01:09,  2.79s/it, t_loss=2.26, i_acc=1]",
    "\x1b[92mYour Rasa model is trained and saved at '/m/bolt-x.tar.gz'.\x1b[0m",
]


def test_progress_follows_rasa_stages_and_epochs():
    state = ProgressState(expected_stages=4)
    changed = [state.feed(line) for line in RASA_OUTPUT]
    assert changed == [True, True, True, True, True, False, True, True]
    assert state.stages == ["CountVectorsFeaturizer", "DIETClassifier"]
    assert state.restored == ["MultilingualTokenizer"]
    assert state.done and state.fraction() == 1.0


def test_progress_estimate_and_description_mid_training():
    state = ProgressState(expected_stages=4)
    for line in RASA_OUTPUT[:7]:
        state.feed(line)
    assert state.describe() == "training DIETClassifier (step 2 of about 4), epoch 25/50"
    assert state.fraction() == (1 + 0.5) / 4


def test_a_log_gets_a_few_lines_and_a_terminal_one_redrawn_line():
    for interactive in (False, True):
        out = io.StringIO()
        display = ProgressDisplay(out, interactive=interactive, clock=lambda: 0.0)
        state = ProgressState(expected_stages=4)
        for line in RASA_OUTPUT:
            if state.feed(line):
                display.show(state)
        text = out.getvalue()
        if interactive:
            assert text.count("\r") >= 5 and text.count("\n") == 1
            assert "[" + "#" * 30 + "] 100%" in text
        else:
            assert text.splitlines() == [
                "0:00   0% preparing (1 parts reused from the cache)",
                "0:00   0% training CountVectorsFeaturizer (step 1 of about 4)",
                "0:00  25% training DIETClassifier (step 2 of about 4)",
                "0:00  38% training DIETClassifier (step 2 of about 4), epoch 25/50",
                "0:00 100% model saved",
            ]


def test_train_refuses_content_that_does_not_validate(project):
    _project_settings(project)
    create_topic(ContentPaths.of_project(project), "screen_sharing")
    result = subprocess.run([sys.executable, "-m", "bolt.cli", "content", "train"],
                            cwd=REPOSITORY, env={"BOLT_HOME": str(project), "PATH": "/usr/bin"},
                            capture_output=True, text=True)
    assert result.returncode == 1
    assert "TODO" in result.stdout and "nothing was trained" in result.stderr
    assert not (project / "models").exists()
