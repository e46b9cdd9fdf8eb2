"""The long soak: tests/reliability/test_soak.py for minutes with hundreds of users.

    .venv/bin/python -m bench.soak [--seconds 300] [--users 300] [--warm-up 5]
    .venv/bin/python -m bench.soak --seconds 1800 --warm-up 120   # the 30-minute soak

The same checks as the short run of `make test`: nothing acknowledged lost, nothing delivered
twice, one owner per conversation, the hub's memory flat after the warm-up. The hub's resident
memory is sampled every 5 s; the report (printed, and written to bench/results/soak.json) gives
it after the warm-up and at the end, and the slope of the samples after the warm-up in MiB per
10 minutes (flat: under 1).
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from support import REPOSITORY
from support.load import write_results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=300)
    parser.add_argument("--users", type=int, default=300)
    parser.add_argument("--warm-up", type=float, default=5.0,
                        help="seconds before the memory trend is measured")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bolt-soak-") as folder:
        report = Path(folder) / "soak.json"
        env = {**os.environ, "BOLT_SOAK_SECONDS": str(args.seconds),
               "BOLT_SOAK_USERS": str(args.users), "BOLT_SOAK_WARM_UP_SECONDS": str(args.warm_up),
               "BOLT_SOAK_REPORT": str(report)}
        code = subprocess.call([sys.executable, "-m", "pytest", "-q",
                                "tests/reliability/test_soak.py"], cwd=REPOSITORY, env=env)
        if report.exists():
            results = json.loads(report.read_text(encoding="utf-8"))
            write_results("soak", {**results, "passed": code == 0})
    return code


if __name__ == "__main__":
    sys.exit(main())
