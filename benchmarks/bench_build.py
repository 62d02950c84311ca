"""Build time: the web book built from scratch with Sphinx reading one page at a time, then one
page per core (scripts/jupyter_book_jobs.py, as `make book` runs it).

Each build goes into a fresh temporary folder (no doctrees, no execution to reuse), with
NBLIB_SCRUBBER=1 as `make book` sets it. Printed: the seconds of each build and their ratio.
The two builds' chapter pages differ only in measured timings and widget ids.

Usage: .venv/bin/python benchmarks/bench_build.py [--jobs N ...]   (default: 1 and one per core)
"""

import argparse
import os
import pathlib
import subprocess
import sys
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))
import jupyter_book_jobs  # noqa: E402


def build_seconds(jobs):
    with tempfile.TemporaryDirectory() as folder:
        start = time.perf_counter()
        subprocess.run([sys.executable, str(ROOT / "scripts" / "jupyter_book_jobs.py"), "--jobs", str(jobs),
                        "build", str(ROOT), "--builder", "html",
                        "--path-output", folder, "-W", "-n", "--keep-going", "-q"],
                       cwd=ROOT, env={**os.environ, "NBLIB_SCRUBBER": "1"}, check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        return time.perf_counter() - start


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, nargs="+", default=[1, jupyter_book_jobs.jobs()])
    args = parser.parse_args(argv)
    print(f"{os.cpu_count()} cores; the web book built from scratch:")
    times = {}
    for jobs in args.jobs:
        times[jobs] = build_seconds(jobs)
        print(f"  jobs {jobs}: {times[jobs]:6.0f} s", flush=True)
    if len(times) > 1:
        first, last = times[args.jobs[0]], times[args.jobs[-1]]
        print(f"  jobs {args.jobs[-1]} takes {last / first:.2f} of the time of jobs {args.jobs[0]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
