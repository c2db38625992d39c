"""Benchmark: batch runs at archive scale (jixiao run as a user starts it, in a subprocess).

On N text sources (the seeds copied into N files, 500 per folder) it prints:
  - at N/10 and at N sources: forms/s of a first run with 1 worker and with 2 workers, and
    their ratio (aim >= 1.8x), pair by pair (a 1-worker run and a 2-worker run next to each
    other, which goes first alternating: the median is the figure to quote) and of the best
    runs (which pairs moments apart); the processing phase (sources -> JSON, the tables fed as
    the sources finish) and the whole run (with the end of the Parquet tables and the
    analyst's panel, in the main process);
  - peak memory (max RSS) of the run's main process and of its largest worker, at N/10 and at
    N sources (aim: main process within 20 % of each other);
  - a re-run with nothing changed, against the first run (aim < 5 %);
  - CPU seconds with 1 and 2 workers (the parallel overhead) and the load average: other jobs
    on a shared machine lower the wall-clock speed-up, not the CPU figures;
  - the machine's own ceiling: two CPU-bound Python processes at once against one (the best
    speed-up any 2-worker run can show on this machine), measured before and after each pair
    of first runs: on a shared host it moves (1.6x to 2.1x within one hour here);
  - each pair's times and ratio, with the ceiling measured before and after it.
No assertions: the numbers are for the closing notes and for spotting regressions.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_text import make_corpus  # noqa: E402  (one corpus recipe for every bench)

ROOT = Path(__file__).resolve().parent.parent
SEEDS = sorted((ROOT / "samples" / "forms").glob("*.txt"))

# runs jixiao's CLI, then prints the peak RSS (KiB) of this process and of its workers
RUNNER = """
import json, resource, sys, time
from pathlib import Path
from jixiao.output.arrow import load_for_run
load_for_run()  # as the CLI does before a run
from jixiao.batch import RunOptions, run
import jixiao.batch.runner as runner
import jixiao.batch.tables as tables
marks = {}
finish, build = tables.TablesInOrder.finish, runner.build_tables
def timed_finish(self):
    marks["tables_start"] = time.perf_counter()
    return finish(self)
def timed_build(*args, **kwargs):
    marks["tables_start"] = time.perf_counter()
    return build(*args, **kwargs)
tables.TablesInOrder.finish, runner.build_tables = timed_finish, timed_build
started = time.perf_counter()
summary = run([Path(sys.argv[1])], RunOptions(out=Path(sys.argv[2]), jobs=int(sys.argv[3]), quiet=True))
ended = time.perf_counter()
print(json.dumps({
    "forms": summary.forms, "sources": summary.sources, "skipped": summary.skipped,
    "seconds": ended - started, "process_seconds": marks["tables_start"] - started,
    "main_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
    "worker_kib": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss,
    "cpu": sum(getattr(resource.getrusage(who), f) for who in (resource.RUSAGE_SELF,
               resource.RUSAGE_CHILDREN) for f in ("ru_utime", "ru_stime")),
}))
"""


SPIN = "x = 0\nfor i in range(20_000_000):\n    x += i\n"


def spin_ratio() -> float:
    """Wall time of 2 CPU-bound processes at once over 1, scaled to a speed-up (2.0 = ideal)."""
    times = []
    for count in (1, 2):
        started = time.perf_counter()
        spinners = [subprocess.Popen([sys.executable, "-c", SPIN]) for _ in range(count)]
        for spinner in spinners:
            spinner.wait()
        times.append(time.perf_counter() - started)
    return 2 * times[0] / times[1]


def jixiao_run(folder: Path, out: Path, jobs: int) -> dict[str, float]:
    done = subprocess.run(
        [sys.executable, "-c", RUNNER, str(folder), str(out), str(jobs)],
        check=True,
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    figures: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return figures


def show(label: str, run: dict[str, float]) -> None:
    print(
        f"  {label}: {run['seconds']:.2f} s, {run['forms'] / run['seconds']:,.0f} forms/s whole run, "
        f"{run['forms'] / run['process_seconds']:,.0f} forms/s processing "
        f"({run['process_seconds']:.2f} s), main {run['main_kib'] / 1024:.0f} MiB, "
        f"largest worker {run['worker_kib'] / 1024:.0f} MiB"
    )


Runs = list[dict[str, float]]


@dataclass
class Pairs:
    """Pairs of first runs on `count` sources: 1 worker (`ones`) and 2 (`twos`), the machine's
    ceiling before the first pair and after each, and the OUT of the last 2-worker run."""

    count: int
    ones: Runs
    twos: Runs
    ceilings: list[float]
    last_out: Path


def speed_up_pairs(folder: Path, count: int, out: Path, repeat: int) -> Pairs:
    """`repeat` pairs of first runs, 1 worker and 2 (which goes first alternates, so that a
    drift of the machine's speed favours neither), and the machine's ceiling around them;
    only the last 2-worker run's OUT is kept."""
    pairs = Pairs(count, [], [], [spin_ratio()], out / f"{folder.name}-j2-{repeat - 1}")
    for attempt in range(repeat):
        for jobs in (1, 2) if attempt % 2 == 0 else (2, 1):
            target = out / f"{folder.name}-j{jobs}-{attempt}"
            (pairs.ones if jobs == 1 else pairs.twos).append(jixiao_run(folder, target, jobs))
            if target != pairs.last_out:
                shutil.rmtree(target)
        pairs.ceilings.append(spin_ratio())  # measured around the runs: on a shared host it moves
    return pairs


def show_speed_up(pairs: Pairs) -> None:
    count, ones, twos, ceilings = pairs.count, pairs.ones, pairs.twos, pairs.ceilings
    one = min(ones, key=lambda run: run["seconds"])
    two = min(twos, key=lambda run: run["seconds"])
    print(f"batch: {count} text sources, {one['forms']:.0f} forms ({len(ones)} runs of each)")
    show("first run, 1 worker ", one)
    show("first run, 2 workers", two)
    paired = sorted(o["seconds"] / t["seconds"] for o, t in zip(ones, twos))
    print(
        f"  speed-up with 2 workers, pair by pair (the runs of a pair are next to each other): "
        f"median {statistics.median(paired):.2f}x, from {paired[0]:.2f}x to {paired[-1]:.2f}x "
        f"(aim >= 1.8x); of the best runs: {one['seconds'] / two['seconds']:.2f}x whole run, "
        f"{one['process_seconds'] / two['process_seconds']:.2f}x processing"
    )
    print(
        "  this machine's ceiling, 2 CPU-bound processes against 1: "
        f"{min(ceilings):.2f}x to {max(ceilings):.2f}x ({len(ceilings)} measurements around the runs)"
    )
    for number, (o, t) in enumerate(zip(ones, twos)):
        print(
            f"    pair {number + 1}: {o['seconds']:.2f} s / {t['seconds']:.2f} s = "
            f"{o['seconds'] / t['seconds']:.2f}x, ceiling before {ceilings[number]:.2f}x, "
            f"after {ceilings[number + 1]:.2f}x"
        )
    print(
        f"  CPU seconds (main + workers): {one['cpu']:.1f} with 1 worker, {two['cpu']:.1f} with 2 "
        f"(parallel overhead {two['cpu'] / one['cpu'] - 1:+.1%}); "
        f"load average now {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"
    )


def show_peak_memory(small: Pairs, big: Pairs) -> None:
    """The main process's peak at N/10 and at N sources (the highest of the 2-worker runs)."""
    little = max(small.twos, key=lambda run: run["main_kib"])
    most = max(big.twos, key=lambda run: run["main_kib"])
    print(
        f"peak memory, main process (the highest of the 2-worker runs): "
        f"{little['main_kib'] / 1024:.0f} MiB at {small.count} sources, "
        f"{most['main_kib'] / 1024:.0f} MiB at {big.count} "
        f"({most['main_kib'] / little['main_kib'] - 1:+.0%}; aim within 20 %)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--files", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=3, help="pairs of first runs at N sources")
    parser.add_argument(
        "--small-repeat",
        type=int,
        default=9,
        help="pairs of first runs at N/10 sources (0: none, and no memory comparison)",
    )
    args = parser.parse_args()
    small_count = max(1, args.files // 10)
    with tempfile.TemporaryDirectory(prefix="jixiao-bench-batch-") as tmp:
        big, small, out = Path(tmp) / "big", Path(tmp) / "small", Path(tmp) / "out"
        make_corpus(big, args.files)
        make_corpus(small, small_count)
        small_runs = None
        if args.small_repeat:
            small_runs = speed_up_pairs(small, small_count, out, args.small_repeat)
        big_runs = speed_up_pairs(big, args.files, out, args.repeat)
        again = jixiao_run(big, big_runs.last_out, 2)
    if small_runs is not None:
        show_speed_up(small_runs)
    show_speed_up(big_runs)
    if small_runs is not None:
        show_peak_memory(small_runs, big_runs)
    last = big_runs.twos[-1]
    best = min(big_runs.twos, key=lambda run: run["seconds"])
    print(
        f"re-run, nothing changed: {again['seconds']:.2f} s, {again['skipped']:.0f} skipped, "
        f"{again['seconds'] / last['seconds']:.1%} of the first run into the same OUT, "
        f"{again['seconds'] / best['seconds']:.1%} of the best (aim < 5 %)"
    )


if __name__ == "__main__":
    main()
