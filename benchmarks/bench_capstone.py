"""Benchmark of chapter 13's capstone: accuracy and training time of its five models over splits.

For each stratified split (chapter 13's 70/15/15, seeds 0..N-1) trains softmax regression, the
chapter's recipe (AdamW, cosine schedule, early stopping), its Adam + L2 twin in nblib, and
scikit-learn's MLPClassifier at the same budget and at its defaults, each on one core, and prints
per model: the mean test accuracy, its standard deviation over the splits, the 95% interval
corrected for overlapping splits (Nadeau & Bengio 2003), CPU seconds per run, epochs and
milliseconds per epoch; then the ratios the chapter's prose quotes. The chapter asserts these
only as loose ratios; this script is where the seconds are measured and recorded.

Run: .venv/bin/python benchmarks/bench_capstone.py [--splits N]
"""

import argparse
import platform
import time

import numpy as np

from nblib.chapters import ch13


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--splits", type=int, default=len(ch13.SPLIT_SEEDS),
                        help="number of stratified splits (seeds 0..N-1); the chapter uses 5")
    args = parser.parse_args()
    seeds = tuple(range(args.splits))
    print(f"{platform.processor() or platform.machine()}, Python {platform.python_version()}, "
          f"{len(seeds)} splits, one core (threadpoolctl)")
    start = time.perf_counter()
    runs = ch13.split_runs(seeds)
    wall = time.perf_counter() - start
    data = ch13.split(0)
    n_train, n_test = len(data.y_train), len(data.y_test)
    print(f"{'model':>16} {'mean %':>7} {'sd':>5} {'95% interval':>15} {'s/run':>7} {'epochs':>7} {'ms/epoch':>9}")
    for name, run in runs.items():
        mean, low, high = ch13.interval(run["accuracy"], n_train, n_test)
        per_epoch = 1e3 * np.mean(run["seconds"] / run["epochs"])
        print(f"{name:>16} {100 * mean:7.2f} {100 * run['accuracy'].std(ddof=1):5.2f} "
              f"{100 * low:6.2f} to {100 * high:6.2f} {run['seconds'].mean():7.3f} "
              f"{run['epochs'].mean():7.1f} {per_epoch:9.2f}")
    versus = ch13.evaluation_numbers(runs, n_train, n_test)
    print(f"sklearn defaults / recipe: {versus.speedup} times the CPU time, {versus.epoch_ratio} times the epochs")
    print(f"sklearn same budget / nblib twin: {versus.twin_ratio} times the CPU time")
    print(f"recipe - sklearn defaults: {versus.gap_mean} points on average, interval {versus.gap_low} to "
          f"{versus.gap_high}")
    print(f"wall time of all runs: {wall:.1f} s")


if __name__ == "__main__":
    main()
