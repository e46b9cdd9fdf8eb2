"""The long soak: tests/reliability/test_soak.py for minutes with hundreds of users.

    .venv/bin/python -m bench.soak [--seconds 300] [--users 300]

The same checks as the short run of `make test`: nothing acknowledged lost, nothing delivered
twice, one owner per conversation, the hub's memory flat after the warm-up.
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys

from support import REPOSITORY


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=300)
    parser.add_argument("--users", type=int, default=300)
    args = parser.parse_args()
    env = {**os.environ, "BOLT_SOAK_SECONDS": str(args.seconds), "BOLT_SOAK_USERS": str(args.users)}
    return subprocess.call([sys.executable, "-m", "pytest", "-q",
                            "tests/reliability/test_soak.py"], cwd=REPOSITORY, env=env)


if __name__ == "__main__":
    sys.exit(main())
