"""Freed memory given back to the system (issue 16 B4): the C library's trim is found and run."""

from __future__ import annotations

import gc
import re
import sys
import weakref
from pathlib import Path

import pytest

from model.memory import _malloc_trim, freeze_long_lived_objects, give_back_freed_memory


def resident_mb() -> float:
    return int(re.search(r"VmRSS:\s+(\d+)", Path("/proc/self/status").read_text())[1]) / 1024


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's malloc_trim")
def test_freed_heap_pages_go_back_to_the_system():
    assert _malloc_trim() is not None
    # 200 MB in 2 KiB blocks, on glibc's heap; one block allocated after them stays, so the
    # heap's top is not free and glibc keeps the freed pages below it (without the trim, the
    # process stayed at 211 of 217 MB here).
    blocks = [bytearray(2048) for _ in range(100_000)]
    pinned = bytearray(2048)
    held = resident_mb()
    del blocks
    give_back_freed_memory()
    assert resident_mb() < held - 150
    assert len(pinned) == 2048


class Node:
    """An object in a reference cycle: only the cycle collector frees it."""

    def __init__(self) -> None:
        self.me = self


def test_freezing_the_startup_heap_keeps_no_garbage_and_collects_later_cycles():
    before = Node()
    dropped_before = weakref.ref(before)
    del before
    kept = Node()
    try:
        freeze_long_lived_objects.__wrapped__()
        assert dropped_before() is None  # collected, not frozen forever
        assert gc.get_freeze_count() > 1000  # the modules' objects, out of every collection
        after = Node()
        dropped_after = weakref.ref(after)
        del after
        gc.collect()
        assert dropped_after() is None  # what is made later is collected as before
        assert kept.me is kept
    finally:
        gc.unfreeze()
