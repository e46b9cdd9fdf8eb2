"""Stock Rasa 3.6 trained on Bolt's data: the peer of the bot-path benchmark.

    .venv/bin/python bench/stock_rasa.py      # trains once per fingerprint, prints the model

The model is named by a fingerprint of bench/stock/config.yml and everything Bolt's own model is
trained from (bolt.training), so an unchanged tree does not retrain DIET and TED (minutes here).
"""
from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPOSITORY))

from bolt.settings import Settings  # noqa: E402
from bolt.training import fingerprint_inputs  # noqa: E402

STOCK_CONFIG = REPOSITORY / "bench" / "stock" / "config.yml"
MODEL_PREFIX = "stock-"


def stock_fingerprint(settings: Settings) -> str:
    digest = hashlib.sha256(STOCK_CONFIG.read_bytes())
    for path in fingerprint_inputs(settings):
        if path == settings.config_file:
            continue
        digest.update(str(path.relative_to(settings.home)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


def ensure_stock_model(settings: Settings) -> Path:
    target = settings.models_dir / f"{MODEL_PREFIX}{stock_fingerprint(settings)}.tar.gz"
    if target.exists():
        return target
    settings.models_dir.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [sys.executable, "-m", "rasa", "train", "--config", str(STOCK_CONFIG),
         "--domain", str(settings.domain_file), "--data", str(settings.data_dir),
         "--out", str(settings.models_dir), "--fixed-model-name", target.name[: -len(".tar.gz")]],
        cwd=settings.home, check=True)
    if not target.exists():
        raise RuntimeError(f"rasa train finished but {target} was not written")
    return target


def main() -> int:
    settings = Settings.from_env({**os.environ, "BOLT_HOME": str(REPOSITORY)})
    print(ensure_stock_model(settings))
    return 0


if __name__ == "__main__":
    sys.exit(main())
