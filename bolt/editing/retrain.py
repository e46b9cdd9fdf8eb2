"""`bolt content train`: the model for the current content, trained the cheapest safe way.

- The model for this exact content exists (bolt.training's fingerprint): use it.
- Only answers changed since a model of the same structure and examples: that model with the
  new answers put in (bolt/editing/answer_patch.py), in seconds, without training. This holds
  while no pipeline component learns from answer texts; `answers_in_training` says when one
  does (a response selector with `use_text_as_label`), and then answers fine-tune.
- Only training examples (and answers) changed since a model whose structure (config,
  domain, rules, phone table, code, and the set of topics and answers) is the same: ask Rasa
  to fine-tune that model, on a fraction of the epochs.
- Anything else (a new or removed topic, a changed domain or config), or Rasa refusing the
  fine-tuning: a full training (Rasa still reuses its cache for unchanged parts).

Each model gets a record beside it (models/bolt-<fingerprint>.json) saying how it was trained,
which is what the next run compares against.
"""
from __future__ import annotations

import codecs
import hashlib
import json
import os
import re
import subprocess
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import List, Optional, Sequence, TextIO, Tuple

import yaml

from bolt.editing.answer_patch import PatchError, patch_answers
from bolt.editing.progress import ProgressDisplay, ProgressState
from bolt.editing.tree import ContentPaths, ContentTree, read_tree
from bolt.core.settings import Settings
from bolt.training import (
    MODEL_PREFIX, fingerprint_inputs, model_path, prune_models, rasa_train_command,
)

CONTENT_FOLDERS = ("nlu", "responses")
DEFAULT_EPOCH_FRACTION = 0.3
# Fine-tuning on top of fine-tuning drifts; after this many, train in full again.
MAX_FINETUNES_IN_A_ROW = 5
LOG_NAME = "last-training.log"
REFUSAL = "Cannot finetune"


class TrainingFailed(RuntimeError):
    """Rasa could not train; the message points at the log."""


@dataclass(frozen=True)
class ModelRecord:
    model: str  # file name in the models folder
    structure: str
    how: str  # "full" | "finetune" | "answers"
    finetunes_in_a_row: int
    seconds: float
    stages: List[str] = field(default_factory=list)
    finished_at: float = 0.0
    examples: str = ""  # fingerprint of the training examples (data/nlu)


@dataclass(frozen=True)
class TrainingPlan:
    kind: str  # "cached" | "answers" | "finetune" | "full"
    target: Path
    base: Optional[Path]
    reason: str


def plan_training(target: Path, structure: str, examples: str, records: Sequence[ModelRecord],
                  models_dir: Path, full: bool = False,
                  answers_in_training: bool = False) -> TrainingPlan:
    """Decides how to get `target`: pure, from what is on disk (records of existing models)."""
    if target.exists() and not full:
        return TrainingPlan("cached", target, None, "the model for this content exists")
    if full:
        return TrainingPlan("full", target, None, "a full training was asked for")
    usable = [r for r in records if (models_dir / r.model).exists()]
    same = sorted((r for r in usable if r.structure == structure),
                  key=lambda r: r.finished_at, reverse=True)
    if not same:
        why = ("topics, answers' names, the domain, rules, config or code changed"
               if usable else "there is no earlier model to fine-tune")
        return TrainingPlan("full", target, None, why)
    same_examples = [r for r in same if r.examples == examples]
    if same_examples and not answers_in_training:
        return TrainingPlan("answers", target, models_dir / same_examples[0].model,
                            "only answers changed")
    base = same[0]
    if base.finetunes_in_a_row >= MAX_FINETUNES_IN_A_ROW:
        return TrainingPlan("full", target, None,
                            f"{base.finetunes_in_a_row} fine-tunings in a row: time for a full one")
    return TrainingPlan("finetune", target, models_dir / base.model,
                        "only examples or answer texts changed")


def structure_fingerprint(settings: Settings, tree: ContentTree) -> str:
    """Everything but the texts of examples and answers: what fine-tuning cannot change."""
    content_roots = [settings.data_dir / folder for folder in CONTENT_FOLDERS]
    digest = hashlib.sha256()
    for path in fingerprint_inputs(settings):
        if any(root in path.parents for root in content_roots):
            continue
        digest.update(str(path.relative_to(settings.home)).encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    labels = sorted(tree.intents()) + sorted({a.name for a in tree.answers
                                              if a.kind == "response"})
    digest.update("\n".join(labels).encode())
    return digest.hexdigest()[:16]


def examples_fingerprint(settings: Settings) -> str:
    digest = hashlib.sha256()
    root = settings.data_dir / "nlu"
    for path in sorted(root.rglob("*.yml")) + sorted(root.rglob("*.yaml")):
        digest.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def answers_in_training(config_file: Path) -> bool:
    """Whether a component learns from answer texts (a response selector can be told to)."""
    try:
        config = yaml.safe_load(config_file.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError):
        return True
    return any(isinstance(c, dict) and c.get("use_text_as_label")
               for c in config.get("pipeline") or [])


def record_path(models_dir: Path, model_name: str) -> Path:
    return models_dir / (model_name[: -len(".tar.gz")] + ".json")


def read_records(models_dir: Path) -> List[ModelRecord]:
    records = []
    for path in sorted(models_dir.glob(f"{MODEL_PREFIX}*.json")):
        try:
            records.append(ModelRecord(**json.loads(path.read_text(encoding="utf-8"))))
        except (OSError, ValueError, TypeError):
            continue  # a record we cannot read only means no fine-tuning from that model
    return records


@dataclass(frozen=True)
class TrainingOutcome:
    model: Path
    how: str  # "cached" | "finetune" | "full"
    seconds: float
    note: str


def train_content(settings: Settings, out: TextIO, interactive: bool, full: bool = False,
                  epoch_fraction: float = DEFAULT_EPOCH_FRACTION) -> TrainingOutcome:
    started = time.monotonic()
    tree = read_tree(ContentPaths.of_project(settings.home))
    structure = structure_fingerprint(settings, tree)
    examples = examples_fingerprint(settings)
    records = read_records(settings.models_dir)
    plan = plan_training(model_path(settings), structure, examples, records, settings.models_dir,
                         full, answers_in_training(settings.config_file))
    display = ProgressDisplay(out, interactive)
    if plan.kind == "cached":
        if not record_path(settings.models_dir, plan.target.name).exists():
            # A model `bolt train` made for exactly this content: remember its structure so
            # that the next change can fine-tune it.
            _write_record(settings.models_dir, ModelRecord(
                model=plan.target.name, structure=structure, how="full", finetunes_in_a_row=0,
                seconds=0.0, finished_at=plan.target.stat().st_mtime, examples=examples))
        return TrainingOutcome(plan.target, "cached", 0.0, plan.reason)
    settings.models_dir.mkdir(parents=True, exist_ok=True)
    expected = _expected_stages(records, settings.config_file)
    note = plan.reason
    how = plan.kind
    stages: List[str] = []
    if plan.kind == "answers":
        display.message(f"Putting the new answers into {plan.base.name}: {plan.reason}, "
                        "nothing to train.")
        try:
            _patch_answers(settings, plan.base, plan.target)
        except PatchError as error:
            display.message(f"{error}; fine-tuning instead.")
            how, note = "finetune", f"{error}; fine-tuned"
    if how == "finetune" and plan.base is not None:
        display.message(f"Fine-tuning {plan.base.name} into {plan.target.name}: {plan.reason}.")
        ok, output, stages = _run_rasa(settings, plan.target, display, expected,
                                       finetune_from=plan.base, epoch_fraction=epoch_fraction)
        if not ok:
            why = ("Rasa refused to fine-tune" if REFUSAL in output
                   else "the fine-tuning failed")
            display.message(f"{why}; training in full instead (see models/{LOG_NAME}).")
            note = f"{why}, trained in full"
            how = "full"
    if how == "full":
        display.message(f"Training {plan.target.name} in full: {plan.reason}.")
        ok, _, stages = _run_rasa(settings, plan.target, display, expected)
        if not ok:
            raise TrainingFailed(f"Rasa could not train the model; its output is in "
                                 f"{settings.models_dir / LOG_NAME}")
    seconds = time.monotonic() - started
    base_record = next((r for r in records if plan.base and r.model == plan.base.name), None)
    in_a_row = {"finetune": 1, "answers": 0}.get(how, 0) + (
        base_record.finetunes_in_a_row if base_record and how != "full" else 0)
    record = ModelRecord(model=plan.target.name, structure=structure, how=how,
                         finetunes_in_a_row=in_a_row, seconds=round(seconds, 1),
                         stages=stages or (base_record.stages if base_record else []),
                         finished_at=time.time(), examples=examples)
    _write_record(settings.models_dir, record)
    prune_models(settings.models_dir.glob(f"{MODEL_PREFIX}*.tar.gz"), keep=plan.target,
                 state_dir=settings.state_dir)
    _remove_orphan_records(settings.models_dir)
    return TrainingOutcome(plan.target, how, seconds, note)


def _patch_answers(settings: Settings, base: Path, target: Path) -> None:
    from bot.importer import language_conditioned_responses  # imports Rasa: only here

    patch_answers(base, target, language_conditioned_responses(settings.data_dir))


def _write_record(models_dir: Path, record: ModelRecord) -> None:
    record_path(models_dir, record.model).write_text(json.dumps(asdict(record), indent=2),
                                                     encoding="utf-8")


def _expected_stages(records: Sequence[ModelRecord], config_file: Path) -> int:
    """How many components the last training trained, else those config.yml lists."""
    latest = max((r for r in records if r.stages), key=lambda r: r.finished_at, default=None)
    if latest is not None:
        return len(latest.stages)
    try:
        config = yaml.safe_load(config_file.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError):
        return 0
    return len(config.get("pipeline") or []) + len(config.get("policies") or [])


def _run_rasa(settings: Settings, target: Path, display: ProgressDisplay, expected: int,
              finetune_from: Optional[Path] = None,
              epoch_fraction: Optional[float] = None) -> Tuple[bool, str, List[str]]:
    """Runs `rasa train`, drawing its progress: (succeeded, whole output, stages trained)."""
    # A fine-tuning keeps the domain, rules and config of a model Rasa validated, and Bolt's
    # validator has checked the content: Rasa's own validation would only read it all again.
    command = rasa_train_command(settings, target, finetune_from, epoch_fraction,
                                 skip_validation=finetune_from is not None)
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "TF_CPP_MIN_LOG_LEVEL": "3"}
    state = ProgressState(expected_stages=expected)
    log_path = settings.models_dir / LOG_NAME
    captured: List[str] = []
    pending = ""  # the end of the last chunk, until its line is complete
    with log_path.open("w", encoding="utf-8") as log:
        process = subprocess.Popen(command, cwd=settings.home, env=env, stdout=subprocess.PIPE,
                                   stderr=subprocess.STDOUT)
        assert process.stdout is not None
        decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        while True:
            # os.read returns what is there: progress shows as soon as Rasa prints it.
            data = os.read(process.stdout.fileno(), 65536)
            if not data:
                break
            chunk = decoder.decode(data)
            log.write(chunk)
            log.flush()
            captured.append(chunk)
            *complete, pending = re.split(r"[\r\n]", pending + chunk)
            for line in complete:
                if line.strip() and state.feed(line):
                    display.show(state)
        process.stdout.close()
        process.wait()
        if pending.strip() and state.feed(pending):
            display.show(state)
    output = "".join(captured)
    succeeded = process.returncode == 0 and target.exists()
    if succeeded:
        state.done = True
        display.show(state)
    return succeeded, output, state.stages


def _remove_orphan_records(models_dir: Path) -> None:
    for record in models_dir.glob(f"{MODEL_PREFIX}*.json"):
        if not (models_dir / (record.stem + ".tar.gz")).exists():
            record.unlink()
