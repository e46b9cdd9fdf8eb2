"""Stock Rasa 3.6 trained on Bolt's data: the peer of the bot-path benchmark.

    .venv/bin/python -m bench.stock_rasa [--epochs N]   # trains once per fingerprint

The model is named by a fingerprint of bench/stock/config.yml and everything Bolt's own model is
trained from (bolt.training), so an unchanged tree does not retrain DIET and TED. `--epochs`
trains the same pipeline for fewer epochs than Rasa's 100: on this shared 2-core machine one
DIET epoch over Bolt's data takes 35-70 s, so the full stock model takes hours. The serving cost
(what the throughput benchmark measures) does not depend on the epochs; the accuracy does.
"""
from __future__ import annotations

import argparse
import hashlib
import os
import re
import subprocess
import sys
from pathlib import Path

from bolt.core.settings import Settings
from bolt.training import fingerprint_inputs
from support import REPOSITORY

STOCK_CONFIG = REPOSITORY / "bench" / "stock" / "config.yml"
MODEL_PREFIX = "stock-"


def stock_config(epochs: int) -> str:
    return re.sub(r"epochs: \d+", f"epochs: {epochs}", STOCK_CONFIG.read_text())


def config_fingerprint(settings: Settings, config_text: str) -> str:
    """A config's text and everything Bolt's own model is trained from, but Bolt's config."""
    digest = hashlib.sha256(config_text.encode())
    for path in fingerprint_inputs(settings):
        if path == settings.config_file:
            continue
        digest.update(str(path.relative_to(settings.home)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


def ensure_config_model(settings: Settings, config: Path, config_text: str, prefix: str) -> Path:
    """The model `config_text` trains from Bolt's data, trained once per fingerprint; the text is
    written to `config` first (where its importer's content_dir is right)."""
    target = settings.models_dir / f"{prefix}{config_fingerprint(settings, config_text)}.tar.gz"
    if target.exists():
        return target
    settings.models_dir.mkdir(parents=True, exist_ok=True)
    config.write_text(config_text)
    subprocess.run(
        [sys.executable, "-m", "bot.rasa_server", "train", "--config", str(config),
         "--domain", str(settings.domain_file), "--data", str(settings.data_dir),
         "--out", str(settings.models_dir), "--fixed-model-name", target.name[: -len(".tar.gz")]],
        cwd=settings.home, check=True)
    if not target.exists():
        raise RuntimeError(f"rasa train finished but {target} was not written")
    return target


def ensure_stock_model(settings: Settings, epochs: int = 100) -> Path:
    # Beside the stock config, so that its importer finds ../../data as from there.
    return ensure_config_model(settings, STOCK_CONFIG.with_name(f"config-{epochs}-epochs.yml"),
                               stock_config(epochs), MODEL_PREFIX)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=100)
    epochs = parser.parse_args().epochs
    settings = Settings.from_env({**os.environ, "BOLT_HOME": str(REPOSITORY)})
    print(ensure_stock_model(settings, epochs))
    return 0


if __name__ == "__main__":
    sys.exit(main())
