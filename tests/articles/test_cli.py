"""`bolt articles import|search|report` as an editor runs them."""
from __future__ import annotations

import subprocess
import sys

import pytest

from support import REPOSITORY
from support.articles_eval import EXPORT


@pytest.fixture
def bolt(tmp_path):
    env = {"BOLT_HOME": str(REPOSITORY), "BOLT_STATE_DIR": str(tmp_path / "state"),
           "PATH": "/usr/bin"}

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "bolt.cli", "articles", *args],
                              cwd=REPOSITORY, env=env, capture_output=True, text=True)
    return run


def test_import_search_and_report(bolt, tmp_path):
    first = bolt("import", str(EXPORT), "--source-name", "tasklane")
    assert first.returncode == 0, first.stderr
    assert "108 added, 0 updated, 0 unchanged, 0 removed" in first.stdout
    assert (tmp_path / "state" / "articles.sqlite3").is_file()
    again = bolt("import", str(EXPORT), "--source-name", "tasklane")
    assert "0 added, 0 updated, 108 unchanged, 0 removed" in again.stdout
    found = bolt("search", "Abo kündigen", "--language", "de")
    assert found.returncode == 0
    lines = found.stdout.splitlines()
    assert lines[0].startswith("1. ") and "Abo kündigen und Erstattungen > Abo kündigen" in lines[0]
    assert lines[1].strip().endswith("#cancel")
    nothing = bolt("search", "wie wird das Wetter morgen in Lissabon", "--language", "de")
    assert "Nothing to suggest" in nothing.stdout
    report = bolt("report")
    assert report.returncode == 0 and "Articles never suggested (108)" in report.stdout


def test_a_bad_import_says_every_problem_and_writes_nothing(bolt, tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text('{"articles": [{"id": 1, "locale": "en", "title": "", "body": "x", '
                   '"html_url": "https://h.example/1"}, {"id": 2}], "next_page": null}',
                   encoding="utf-8")
    result = bolt("import", str(bad))
    assert result.returncode == 1
    assert result.stderr.splitlines()[:2] == [
        "Error: bad.json, article 1 (id 1): missing or empty: title",
        "Error: bad.json, article 2 (id 2): missing or empty: locale, title, body, html_url"]
    assert "nothing was imported" in result.stderr
    assert "No articles in en" in bolt("search", "x", "--language", "en").stderr
