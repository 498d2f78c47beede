"""Benchmark: score 100,000 simulated respondents and compare with a bare numpy mean.

Run ``python benchmarks/bench_scoring.py [--n 100000] [--repeat 30] [--missing 0.05]``. The
floor is ``responses.mean(axis=1)`` over the same matrix in the same run: one pass over the
data, the least any scoring could cost. The target is a ratio within 5x of that floor.

Both are timed in turns and the best run of each counts. Wall-clock time suffers when other
processes share the CPU, so the CPU time of the timing thread is reported too (scoring keeps
BLAS on that one thread); on a quiet machine the two agree. The exit status is 1 when either
ratio is over the target, so the script can gate a CI job.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable

import numpy as np

from hiring.assessment.questionnaires import load_questionnaire
from hiring.assessment.scoring import score_matrix
from hiring.store.paths import data_dir

try:
    from benchmarks.simulate_norms import simulate_responses
except ImportError:  # run as a script: python benchmarks/bench_scoring.py
    from simulate_norms import simulate_responses  # type: ignore[no-redef]

TARGET_RATIO = 5.0


def best_times(
    runs: list[Callable[[], object]], repeat: int, clock: Callable[[], float]
) -> list[float]:
    """The fastest of ``repeat`` runs of each, in seconds, taking turns so both see the same load."""
    times: list[list[float]] = [[] for _ in runs]
    for _ in range(repeat):
        for run, spent in zip(runs, times, strict=True):
            start = clock()
            run()
            spent.append(clock() - start)
    return [min(spent) for spent in times]


def report(name: str, n: int, scoring: float, floor: float) -> bool:
    """Print one timing comparison; return whether it is within the target."""
    ratio = scoring / floor
    within = ratio <= TARGET_RATIO
    print(f"{name}")
    print(f"  score_matrix      {scoring * 1000:8.1f} ms  {n / scoring:14,.0f} respondents/s")
    print(f"  numpy mean floor  {floor * 1000:8.1f} ms  {n / floor:14,.0f} respondents/s")
    verdict = "within" if within else "OVER"
    print(f"  ratio             {ratio:8.2f} x the floor ({verdict} the {TARGET_RATIO:g}x target)")
    return within


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000, help="respondents")
    parser.add_argument("--repeat", type=int, default=30, help="timed runs; the best counts")
    parser.add_argument("--missing", type=float, default=0.0, help="share of blank answers")
    args = parser.parse_args(argv)
    q = load_questionnaire(data_dir("questionnaires") / "wetco-service-v1.yaml")
    responses = simulate_responses(q, args.n, seed=1)
    if args.missing:
        blank = np.random.default_rng(2).random(responses.shape) < args.missing
        responses[blank] = np.nan
    score_matrix(q, responses[:100])  # warm up
    runs = [lambda: score_matrix(q, responses), lambda: responses.mean(axis=1)]
    blank = f", {args.missing:.0%} blank" if args.missing else ""
    print(f"{q.label}: {len(q.item_ids)} items, {responses.shape[0]:,} respondents{blank}")
    wall = report("wall-clock time", args.n, *best_times(runs, args.repeat, time.perf_counter))
    cpu = report(
        "CPU time of this thread", args.n, *best_times(runs, args.repeat, time.thread_time)
    )
    print("target met" if wall and cpu else f"OVER the {TARGET_RATIO:g}x target")
    return 0 if wall and cpu else 1


if __name__ == "__main__":
    raise SystemExit(main())
