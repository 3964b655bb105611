"""Latency of every numeric question generator: p50 and p95 over many seeds.

    .venv/bin/python benchmarks/bench_generate.py [--seeds N] [--only NAME ...]

Each generator makes questions for seeds 0..N-1 (default 200), one call timed at a time with
perf_counter; every seed is a different variant, so a live generator's training run is never a
cache hit here (its lru_cache only helps a repeated seed). One warm-up call per generator (seed
10**6) pays the imports first. Goal (issue 4): p95 < 20 ms, < 50 ms for live generators. The
exit status is 1 when a goal is missed.
"""

from __future__ import annotations

import os

# One thread for NumPy's BLAS: set before numpy is imported anywhere.
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"

import argparse  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from engine.generators import GENERATORS, generate  # noqa: E402

GOAL_MS = {False: 20.0, True: 50.0}


def measure(name: str, seeds: int) -> np.ndarray:
    """Milliseconds per call for seeds 0..seeds-1."""
    generate(name, 10**6)
    out = np.empty(seeds)
    for seed in range(seeds):
        start = time.perf_counter()
        generate(name, seed)
        out[seed] = (time.perf_counter() - start) * 1000.0
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--seeds", type=int, default=200, help="variants per generator (default 200)"
    )
    parser.add_argument(
        "--only", nargs="*", default=None, metavar="NAME", help="just these generators"
    )
    args = parser.parse_args(argv)
    names = args.only or list(GENERATORS)
    width = max(len(n) for n in names)
    print(f"{'generator':<{width}}  live  {'p50 ms':>7}  {'p95 ms':>7}  {'max ms':>7}  goal p95")
    missed = []
    for name in names:
        live = GENERATORS[name].live
        ms = measure(name, args.seeds)
        p50, p95 = np.percentile(ms, [50, 95])
        goal = GOAL_MS[live]
        ok = p95 < goal
        if not ok:
            missed.append(name)
        print(
            f"{name:<{width}}  {'yes ' if live else '    '}  {p50:7.2f}  {p95:7.2f}  {ms.max():7.2f}  "
            f"< {goal:g} {'ok' if ok else 'MISSED'}"
        )
    if missed:
        print(f"goal missed: {', '.join(missed)}")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
