"""Random exploration of the readers, outside the test run (like the benchmarks).

    python tests/fuzz/fuzz_readers.py [--minutes 5] [--seed N]

Real files with random bytes overwritten, and random bytes alone, go through the whole import
(read, check, plan, write into a throwaway SQLite store). Anything but an import or a refusal
with a French sentence is printed with the file and the mutations that produced it, ready to
become an explicit `@example` in tests/test_hostile.py. CI runs the derandomised property
tests only: it never passes or fails by chance.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
import traceback
from pathlib import Path

import polars as pl

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from model.db import get_engine, init_db
from model.importing import import_file
from tests.support import NOW, SETTINGS
from tests.test_hostile import FILES

Mutation = tuple[int, bytes]


def mutate(data: bytes, mutations: list[Mutation]) -> bytes:
    """The same transformation as test_mutated_real_files_never_escape_as_an_exception."""
    buffer = bytearray(data)
    for position, chunk in mutations:
        at = position % max(len(buffer), 1)
        buffer[at : at + len(chunk)] = chunk
    return bytes(buffer)


def random_mutations(rng: random.Random) -> list[Mutation]:
    return [
        (rng.randint(0, 10**6), rng.randbytes(rng.randint(1, 8))) for _ in range(rng.randint(0, 6))
    ]


def escapes(data: bytes) -> str | None:
    """The traceback when importing `data` escapes as an exception or gives no sentence."""
    engine = get_engine("sqlite://")
    init_db(engine)
    try:
        result = import_file(engine, data, "fuzz.csv", settings=SETTINGS, now=NOW)
    except (Exception, pl.exceptions.PanicException):
        return traceback.format_exc()
    finally:
        engine.dispose()
        get_engine.cache_clear()
    if result.status == "rejected" and not result.message.strip():
        return "rejected without a sentence"
    if "erreur inattendue" in result.message:
        return "caught as an unexpected error (see the log): " + result.message
    return None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=5)
    parser.add_argument("--seed", type=int, default=random.randrange(2**32))
    args = parser.parse_args()
    rng = random.Random(args.seed)
    deadline, tried, found = time.monotonic() + args.minutes * 60, 0, 0
    print(f"seed {args.seed}")
    while time.monotonic() < deadline:
        tried += 1
        if rng.random() < 0.1:
            path, mutations, data = None, [], rng.randbytes(rng.randint(0, 4096))
        else:
            path, mutations = rng.choice(FILES), random_mutations(rng)
            data = mutate(path.read_bytes(), mutations)
        problem = escapes(data)
        if problem:
            found += 1
            where = path.relative_to(path.parents[2]) if path else f"random bytes {data!r}"
            print(f"\n--- {where} mutations={mutations!r}\n{problem}", flush=True)
    print(f"\n{tried} inputs tried, {found} escaped")
    return 1 if found else 0


if __name__ == "__main__":
    raise SystemExit(main())
