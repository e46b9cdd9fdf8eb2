"""How an editor's change to the content is recorded: a git commit of the changed files when
data/ is in a git work tree, else a line in the change log under the state folder
(`content-changes.jsonl`: when, who, what, which files)."""
from __future__ import annotations

import json
import os
import subprocess
from datetime import datetime, timezone
from pathlib import Path
from typing import Dict, Sequence

CHANGE_LOG = "content-changes.jsonl"
GIT_SECONDS = 30


def in_git_work_tree(data_dir: Path) -> bool:
    try:
        found = subprocess.run(["git", "-C", str(data_dir), "rev-parse", "--is-inside-work-tree"],
                               capture_output=True, text=True, timeout=GIT_SECONDS)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return found.returncode == 0 and found.stdout.strip() == "true"


def record_change(data_dir: Path, state_dir: Path, paths: Sequence[Path], message: str,
                  editor: str) -> Dict[str, str]:
    """Records the change; says how (`git` with the commit, or `log` with the file)."""
    if in_git_work_tree(data_dir):
        return {"how": "git", "commit": _commit(data_dir, paths, message, editor)}
    state_dir.mkdir(parents=True, exist_ok=True)
    log = state_dir / CHANGE_LOG
    entry = {"at": datetime.now(timezone.utc).isoformat(), "editor": editor, "change": message,
             "files": [str(p) for p in paths]}
    with log.open("a", encoding="utf-8") as out:
        out.write(json.dumps(entry, ensure_ascii=False) + "\n")
    return {"how": "log", "log": str(log)}


def _commit(data_dir: Path, paths: Sequence[Path], message: str, editor: str) -> str:
    def git(*args: str) -> str:
        # The editor is the author; a machine with no git identity commits as Bolt's review.
        env = {**os.environ, "GIT_AUTHOR_NAME": editor,
               "GIT_AUTHOR_EMAIL": os.environ.get("GIT_AUTHOR_EMAIL", "editor@bolt.invalid")}
        env.setdefault("GIT_COMMITTER_NAME", "Bolt review")
        env.setdefault("GIT_COMMITTER_EMAIL", "review@bolt.invalid")
        return subprocess.run(["git", "-C", str(data_dir), *args], capture_output=True,
                              text=True, check=True, env=env, timeout=GIT_SECONDS).stdout.strip()

    files = [str(p.resolve()) for p in paths]
    git("add", "--", *files)
    git("commit", "--quiet", "-m", message, "--", *files)
    return git("rev-parse", "HEAD")
