"""`bolt content new`: a topic in every language, rejected by validate until it is written."""
import subprocess
import sys

import pytest

from bolt.editing.scaffold import ScaffoldError, create_topic
from bolt.editing.tree import ContentPaths
from bolt.editing.validate import validate
from bolt.core.languages import SUPPORTED_LANGUAGES
from support.new_topic import fill_topic
from tests.editing.conftest import REPOSITORY


def test_new_creates_the_topic_in_every_language_full_of_todos(project):
    paths = ContentPaths.of_project(project)
    created = create_topic(paths, "screen_sharing")
    assert len(created) == 3 * len(SUPPORTED_LANGUAGES)
    for language in SUPPORTED_LANGUAGES:
        assert (project / "data" / "nlu" / language / "screen_sharing.yml").is_file()
        assert (project / "data" / "responses" / language / "screen_sharing.yml").is_file()
        assert "faq/screen_sharing" in (project / "tests" / "data" / "holdout" /
                                        f"{language}.yml").read_text(encoding="utf-8")
    findings = validate(project)
    assert findings and {f.check for f in findings} == {"todo", "coverage", "holdout"}
    todo_files = {f.path for f in findings if f.check == "todo"}
    assert todo_files == set(created)


def test_a_filled_in_topic_is_valid(project):
    create_topic(ContentPaths.of_project(project), "screen_sharing")
    fill_topic(project, "screen_sharing")
    assert [f.render(project) for f in validate(project)] == []


@pytest.mark.parametrize("key", ["Screen", "1topic", "with-dash", "x", "faq/x"])
def test_a_bad_key_is_refused(project, key):
    with pytest.raises(ScaffoldError, match="not a valid topic key"):
        create_topic(ContentPaths.of_project(project), key)


def test_an_existing_topic_is_refused_and_nothing_is_written(project):
    before = sorted(p for p in project.rglob("*") if p.is_file())
    with pytest.raises(ScaffoldError, match="already exists"):
        create_topic(ContentPaths.of_project(project), "web_ticket")
    assert sorted(p for p in project.rglob("*") if p.is_file()) == before


def test_a_broken_holdout_file_is_restored(project):
    holdout = project / "tests" / "data" / "holdout" / "de.yml"
    holdout.write_text(holdout.read_text(encoding="utf-8") + "  broken: [\n", encoding="utf-8")
    broken = holdout.read_text(encoding="utf-8")
    with pytest.raises(ScaffoldError, match="nothing was changed"):
        create_topic(ContentPaths.of_project(project), "screen_sharing")
    assert holdout.read_text(encoding="utf-8") == broken
    assert not list(project.rglob("screen_sharing.yml"))


def test_the_command_lists_the_files_to_fill_in(project):
    result = subprocess.run([sys.executable, "-m", "bolt.cli", "content", "new", "screen_sharing"],
                            cwd=REPOSITORY, env={"BOLT_HOME": str(project), "PATH": "/usr/bin"},
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "data/responses/ja/screen_sharing.yml" in result.stdout
    again = subprocess.run([sys.executable, "-m", "bolt.cli", "content", "new", "screen_sharing"],
                           cwd=REPOSITORY, env={"BOLT_HOME": str(project), "PATH": "/usr/bin"},
                           capture_output=True, text=True)
    assert again.returncode == 1 and "already exists" in again.stderr
