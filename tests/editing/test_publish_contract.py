"""The contract of `bolt content publish --json` and `bolt content rollback --json`, which the
console's buttons run: one JSON object on stdout with exactly these keys, and the exit code
says how it went (0 live, 3 refused by a check, 1 any other error). Here: the errors that need
no Rasa server; the live and refused paths, on real servers, are in test_gate.py."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Dict, Tuple

from bolt.editing.publish_outcome import FAILED, LIVE, REFUSED, failed, refused, went_live
from support.ports import free_port

KEYS = {"ok", "live", "previous", "failed_check", "message"}


def command(project: Path, *args: str) -> Tuple[int, Dict[str, object], str]:
    env = {**os.environ, "BOLT_HOME": str(project), "BOLT_STATE_DIR": str(project / "var"),
           "BOLT_RASA_PORT": str(free_port())}
    done = subprocess.run([sys.executable, "-m", "bolt.cli", "content", *args, "--json"],
                          cwd=project, env=env, capture_output=True, text=True, timeout=120)
    return done.returncode, json.loads(done.stdout), done.stderr


def test_each_outcome_has_its_exit_code_and_the_same_keys():
    assert went_live("bolt-b.tar.gz", "bolt-a.tar.gz", "live").exit_code == LIVE == 0
    assert refused("accuracy", "bolt-a.tar.gz", None, "refused").exit_code == REFUSED == 3
    assert failed(None, None, "broken").exit_code == FAILED == 1
    for outcome in (went_live("b", "a", "m"), refused("accuracy", "a", None, "m"),
                    failed(None, None, "m")):
        assert set(json.loads(outcome.to_json())) == KEYS


def test_rollback_with_nothing_published_is_an_error_in_one_json_object(project):
    code, answer, _ = command(project, "rollback")
    assert code == FAILED
    assert set(answer) == KEYS
    assert answer["ok"] is False and answer["failed_check"] is None
    assert "no earlier model" in answer["message"]
