"""Giving freed memory back to the system after the heavy steps of a long-running server.

Freed memory is not returned by itself: glibc keeps the pages of its heap (SQLite's page cache,
Python's larger objects) and polars' jemalloc keeps its own until they age. A server that had
imported a 50 MB file then held 0.8 GB at rest.
"""

from __future__ import annotations

import ctypes
import gc
from functools import cache

# For polars' jemalloc (read once, when polars loads): freed pages go back after a second,
# through a background thread, instead of waiting for the next allocations.
JEMALLOC_RETURNS_FREED = "background_thread:true,dirty_decay_ms:1000,muzzy_decay_ms:0"


@cache
def _malloc_trim():
    """glibc's `malloc_trim`, or None on a system without it (musl, macOS, Windows)."""
    try:
        trim = ctypes.CDLL(None).malloc_trim  # the C library the interpreter is linked with
    except (OSError, AttributeError):
        return None
    trim.argtypes, trim.restype = [ctypes.c_size_t], ctypes.c_int
    return trim


def give_back_freed_memory() -> None:
    """Collect cycles, then return the C heap's free pages to the system (a few ms)."""
    gc.collect()
    trim = _malloc_trim()
    if trim is not None:
        trim(0)


@cache
def freeze_long_lived_objects() -> None:
    """Once per server process, after its first page: the objects of every module loaded by then
    (about 250 000 functions, classes, dicts) leave the cycle collector's reach for good. A full
    collection walked them all, a 0.1 s pause in the middle of some redraw (Taux de charge's warm
    redraw on 1M lines: 0.20 s instead of 0.08 s). Garbage is collected first, so that none is
    kept forever; what is made later is collected as before, and frozen objects that are no
    longer referenced are still freed by their reference counts."""
    gc.collect()
    gc.freeze()
