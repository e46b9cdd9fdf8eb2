"""The hub's process freezes what it built and spaces out collections (handoff/gc_tuning.py)."""
from __future__ import annotations

import subprocess
import sys

from handoff.gc_tuning import OLDER, YOUNGEST


def test_serving_freezes_what_exists_and_spaces_out_the_collections():
    script = ("import gc, handoff.app, handoff.gc_tuning as c; before = gc.get_freeze_count(); "
              "tracked = len(gc.get_objects()); c.settle_for_serving(); "
              "print(before, tracked, gc.get_freeze_count(), *gc.get_threshold())")
    # Its own interpreter: the settings are the process's, not to be left in the test run's.
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                         check=True).stdout.split()
    before, tracked, frozen, *threshold = map(int, out)
    assert before == 0 and frozen > 0.9 * tracked  # all that was built, but for garbage
    assert threshold == [YOUNGEST, OLDER, OLDER]
