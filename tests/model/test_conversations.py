"""Rasa's end-to-end conversation tests (tests/conversations/test_<language>.yml) on the model.

`--e2e` makes Rasa parse each user message with the model (and reads only files named test_*),
so a test checks the NLU, the FAQ key chosen and the next action of every turn. Rasa runs as
`bolt run` starts it, through bot/rasa_server.py, so its speed-ups are checked here too.
"""
import re
import subprocess
import sys

import pytest
import yaml

pytestmark = pytest.mark.model

EVALUATED = re.compile(r"Evaluating (\d+) stories")


def test_conversations_in_every_language_pass(trained_model, repository, tmp_path):
    files = sorted((repository / "tests" / "conversations").glob("test_*.yml"))
    written = sum(len(yaml.safe_load(f.read_text(encoding="utf-8"))["stories"]) for f in files)
    result = subprocess.run(
        [sys.executable, "-m", "bot.rasa_server", "test", "core", "--model", str(trained_model),
         "--stories", "tests/conversations", "--e2e", "--fail-on-prediction-errors",
         "--out", str(tmp_path)],
        cwd=repository, capture_output=True, text=True, timeout=900,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-5000:]
    evaluated = EVALUATED.search(output)
    assert evaluated and int(evaluated.group(1)) == written >= 6 * 5, output[-3000:]
    failed = yaml.safe_load((tmp_path / "failed_test_stories.yml").read_text()) or {}
    assert not failed.get("stories"), failed
