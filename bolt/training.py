"""Trains the model only when what it is trained from has changed.

A model is named by the fingerprint of its inputs (config, domain, training data, the custom
components' code and the pinned dependencies), so an unchanged tree finds its model and does not
retrain, whatever the files' timestamps (a fresh clone has new ones).
"""
from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path
from typing import Iterable, List, Optional

from bolt.core.settings import Settings

MODEL_PREFIX = "bolt-"
KEEP_MODELS = 3
# The shared core's modules the custom components and the importer run when training.
TRAINING_CORE_MODULES = (
    "content.py", "phonebook.py", "languages.py", "yamlfile.py", "text.py",
)


def fingerprint_inputs(settings: Settings) -> List[Path]:
    home = settings.home
    files = [settings.config_file, settings.domain_file, home / "constraints.txt"]
    files += sorted(settings.data_dir.rglob("*.yml")) + sorted(settings.data_dir.rglob("*.yaml"))
    files += sorted((home / "bot").rglob("*.py"))
    files += [home / "bolt" / "core" / name for name in TRAINING_CORE_MODULES]
    return [f for f in files if f.is_file()]


def fingerprint(settings: Settings) -> str:
    digest = hashlib.sha256()
    for path in fingerprint_inputs(settings):
        digest.update(str(path.relative_to(settings.home)).encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()[:16]


def model_path(settings: Settings) -> Path:
    return settings.models_dir / f"{MODEL_PREFIX}{fingerprint(settings)}.tar.gz"


def ensure_model(settings: Settings, force: bool = False, quiet: bool = False) -> Path:
    """Returns the model for the current tree, training it first if there is none."""
    target = model_path(settings)
    if target.exists() and not force:
        if not quiet:
            print(f"Model is up to date: {target}")
        return target
    settings.models_dir.mkdir(parents=True, exist_ok=True)
    print(f"Training {target.name} (the data changed or there is no model yet) ...", flush=True)
    subprocess.run(rasa_train_command(settings, target), cwd=settings.home, check=True)
    if not target.exists():
        raise RuntimeError(f"Rasa finished but {target} was not written")
    prune_models(settings.models_dir.glob(f"{MODEL_PREFIX}*.tar.gz"), keep=target,
                 state_dir=settings.state_dir)
    return target


def rasa_train_command(settings: Settings, target: Path, finetune_from: Optional[Path] = None,
                       epoch_fraction: Optional[float] = None,
                       skip_validation: bool = False) -> List[str]:
    """`rasa train` writing `target`; with finetune_from, Rasa's fine-tuning of that model.
    skip_validation leaves out Rasa's own check of the domain and data (reading them all once
    more), for a caller that knows they passed it."""
    command = [
        # Rasa's own command line, with Bolt's speed-ups (bot/speedups: the fingerprints of its
        # training cache are most of what they change in a training).
        sys.executable, "-m", "bot.rasa_server", "train",
        "--config", str(settings.config_file),
        "--domain", str(settings.domain_file),
        "--data", str(settings.data_dir),
        "--out", str(settings.models_dir),
        "--fixed-model-name", target.name[: -len(".tar.gz")],
    ]
    if finetune_from is not None:
        command += ["--finetune", str(finetune_from)]
        if epoch_fraction is not None:
            command += ["--epoch-fraction", str(epoch_fraction)]
    if skip_validation:
        command.append("--skip-validation")
    return command


def prune_models(models: Iterable[Path], keep: Path, state_dir: Optional[Path] = None) -> None:
    """Keeps the newest few models so that a revert does not retrain, and always the models
    the live record in state_dir names (live and previous: a rollback needs no training)."""
    spared = {keep.name}
    if state_dir is not None:
        from bolt.editing.live_record import read_live

        record = read_live(state_dir)
        if record is not None:
            spared |= {record.live, record.previous or ""}
    older = sorted((m for m in models if m.name not in spared),
                   key=lambda m: m.stat().st_mtime, reverse=True)
    for stale in older[KEEP_MODELS - 1 :]:
        stale.unlink()


def current_model(settings: Settings) -> Optional[Path]:
    target = model_path(settings)
    return target if target.exists() else None
