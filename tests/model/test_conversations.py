"""Rasa's end-to-end conversation tests (tests/conversations/<language>.yml) on the model."""
import subprocess
import sys

import pytest

pytestmark = pytest.mark.model


@pytest.mark.xfail(
    strict=False,
    reason="issue #2: some conversation turns are still misclassified (see the held-out bar)",
)
def test_conversations_in_every_language_pass(trained_model, repository, tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "rasa", "test", "core", "--model", str(trained_model),
         "--stories", "tests/conversations", "--fail-on-prediction-errors",
         "--out", str(tmp_path)],
        cwd=repository, capture_output=True, text=True, timeout=900,
    )
    assert result.returncode == 0, (result.stdout + result.stderr)[-5000:]
    failed = tmp_path / "failed_test_stories.yml"
    assert not failed.exists() or "stories: []" in failed.read_text() or \
        not failed.read_text().strip(), failed.read_text()
