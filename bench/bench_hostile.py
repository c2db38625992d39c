"""Benchmark: the hostile-input corpus (tests/fixtures/make_hostile.py) in one `jixiao run`.

Builds the corpus in a temporary folder, runs `jixiao run INPUT -o OUT` as a user starts it
(a subprocess with its worker processes), and prints its wall time (aim < 2 minutes) and its
peak memory: the largest sum of resident memory over the whole process tree, sampled every
20 ms from /proc (aim < 1.5 GB), and the largest single process. Then the same for a run over
the good sources alone, as a baseline. No assertions: the numbers are for the closing notes.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from tests.fixtures.make_hostile import build  # noqa: E402

PAGE = os.sysconf("SC_PAGE_SIZE")


def _tree_rss(root: int) -> tuple[int, int]:
    """(sum, max) of resident bytes of `root` and all its descendants."""
    parents: dict[int, int] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as handle:
                fields = handle.read().rsplit(b")", 1)[1].split()
        except OSError:
            continue
        parents[int(entry)] = int(fields[1])
        rss[int(entry)] = int(fields[21]) * PAGE
    tree, frontier = {root}, [root]
    while frontier:
        pid = frontier.pop()
        children = [p for p, parent in parents.items() if parent == pid and p not in tree]
        tree.update(children)
        frontier.extend(children)
    sizes = [rss.get(pid, 0) for pid in tree]
    return sum(sizes), max(sizes)


def measured_run(inputs: Path, out: Path) -> dict[str, float]:
    command = [sys.executable, "-m", "jixiao", "run", str(inputs), "-o", str(out), "-q"]
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=ROOT)
    peak_sum = peak_one = 0
    while process.poll() is None:
        total, largest = _tree_rss(process.pid)
        peak_sum, peak_one = max(peak_sum, total), max(peak_one, largest)
        time.sleep(0.02)
    return {
        "seconds": time.perf_counter() - started,
        "status": process.returncode,
        "peak_sum_mb": peak_sum / 2**20,
        "peak_one_mb": peak_one / 2**20,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="jixiao-bench-hostile-") as tmp:
        root = Path(tmp)
        expected = build(root / "corpus")
        inputs = root / "corpus" / "input"
        good = root / "good"
        good.mkdir()
        for name, expect in expected.items():
            if "forms" in expect and not (inputs / name).is_symlink():
                target = good / name.replace("/", "_").replace("\n", "_")
                shutil.copyfile(inputs / name, target)
        good_count = len(list(good.iterdir()))
        hostile = measured_run(inputs, root / "out")
        baseline = measured_run(good, root / "out-good")
    print(f"hostile corpus: {len(expected)} entries, of which {good_count} good sources")
    for label, run in (("hostile corpus", hostile), ("good sources only", baseline)):
        print(
            f"  {label}: {run['seconds']:.1f} s (exit {run['status']:.0f}), peak memory "
            f"{run['peak_sum_mb']:.0f} MB whole process tree, {run['peak_one_mb']:.0f} MB "
            f"largest process"
        )
    print(
        f"  hostile / good-only: {hostile['seconds'] / baseline['seconds']:.2f}x time, "
        f"{hostile['peak_sum_mb'] / baseline['peak_sum_mb']:.2f}x memory "
        "(aims: under 2 minutes, under 1.5 GB)"
    )


if __name__ == "__main__":
    main()
