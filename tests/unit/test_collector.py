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


# A block of 1 MiB is mapped and freed, which raises glibc's own threshold above 200 KiB; then
# 200 KiB is asked for: mapped (a block of its own, given back when freed) or from the heap.
MAPPED_AFTER_A_LARGE_FREE = """
import ctypes, sys
import handoff.gc_tuning as tuning
class Info(ctypes.Structure):
    _fields_ = [(n, ctypes.c_size_t) for n in ("arena", "ordblks", "smblks", "hblks", "hblkhd",
                "usmblks", "fsmblks", "uordblks", "fordblks", "keepcost")]
libc = ctypes.CDLL("libc.so.6")
libc.mallinfo2.restype = Info
libc.malloc.restype = ctypes.c_void_p
libc.free.argtypes = [ctypes.c_void_p]
if sys.argv[1] == "fixed":
    assert tuning.fix_allocator_thresholds()
libc.free(libc.malloc(1 << 20))
before = libc.mallinfo2().hblks
block = libc.malloc(200 * 1024)
print(libc.mallinfo2().hblks - before)
libc.free(block)
"""


def test_large_blocks_stay_mapped_after_a_larger_one_was_freed():
    def mapped(mode: str) -> int:
        return int(subprocess.run([sys.executable, "-c", MAPPED_AFTER_A_LARGE_FREE, mode],
                                  capture_output=True, text=True, check=True).stdout)

    assert mapped("glibc's own") == 0  # the threshold rose: the block came from the heap
    assert mapped("fixed") == 1
