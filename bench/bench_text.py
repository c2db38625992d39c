"""Benchmark: text dumps through the whole pipeline, on one core.

Prints figures and ratios against baselines measured in the same run:
  - batch: the seeds copied into N files; forms/s of `jixiao.batch.run` (JSON + Parquet),
    after start-up, against reading and hashing the same files (the I/O floor);
  - unseen forms: the same on the layout-perturbation suite's renders of one seed (every text
    different, so no cache of a text's cells helps across files, as in a real archive);
  - cold start: a one-file `jixiao run` in a fresh interpreter, against `python -c pass`.
No assertions: the numbers are for the closing notes and for spotting regressions.
"""

from __future__ import annotations

import argparse
import hashlib
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEEDS = sorted((ROOT / "samples" / "forms").glob("*.txt"))
UNSEEN_SEED = 5  # a perturbation seed the parsers were not tuned on


def make_corpus(folder: Path, count: int) -> None:
    for i in range(count):
        seed = SEEDS[i % len(SEEDS)]
        sub = folder / f"d{i // 500:03d}"
        sub.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(seed, sub / f"{i:05d}_{seed.name}")


def make_unseen(folder: Path) -> int:
    """The perturbation suite's renders of one seed, one text file each."""
    sys.path.insert(0, str(ROOT))
    from tests.fixtures.perturb import write

    return write(folder, UNSEEN_SEED)


def io_floor(folder: Path) -> float:
    started = time.perf_counter()
    for path in sorted(folder.rglob("*.txt")):
        hashlib.sha256(path.read_bytes()).hexdigest()
    return time.perf_counter() - started


def batch(folder: Path, out: Path) -> tuple[float, int]:
    from jixiao.batch import RunOptions, run

    run(
        [SEEDS[0]], RunOptions(out=out / "warmup", jobs=1, quiet=True)
    )  # imports, vocabularies, caches
    started = time.perf_counter()
    summary = run([folder], RunOptions(out=out / "batch", jobs=1, quiet=True))
    return time.perf_counter() - started, summary.forms


def cold(command: list[str], repeat: int, fresh: Path | None = None) -> float:
    """Median wall time of `command`; `fresh`: an output folder removed before each run (a
    run into a folder holding its output would only skip the unchanged source)."""
    times = []
    for _ in range(repeat):
        if fresh is not None:
            shutil.rmtree(fresh, ignore_errors=True)
        started = time.perf_counter()
        subprocess.run(command, check=False, capture_output=True)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--files", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="jixiao-bench-") as tmp:
        folder, out = Path(tmp) / "in", Path(tmp) / "out"
        make_corpus(folder, args.files)
        floor = io_floor(folder)
        seconds, forms = batch(folder, out)
        unseen_folder = Path(tmp) / "unseen"
        unseen_files = make_unseen(unseen_folder)
        unseen_seconds, unseen_forms = batch(unseen_folder / "forms", out / "unseen")
        one = cold(
            [sys.executable, "-m", "jixiao", "run", str(SEEDS[0]), "-o", str(out / "cold"), "-q"],
            args.repeat,
            fresh=out / "cold",
        )
        bare = cold([sys.executable, "-c", "pass"], args.repeat)
    print(f"text batch: {args.files} files, {forms} forms in {seconds:.2f} s on one core")
    print(f"  {forms / seconds:,.0f} forms/s after start-up (aim >= 300)")
    print(f"  ratio to reading+hashing the same files: {seconds / floor:.1f}x ({floor:.3f} s)")
    print(
        f"unseen forms: {unseen_files} perturbed renders (seed {UNSEEN_SEED}), {unseen_forms} "
        f"forms in {unseen_seconds:.2f} s: {unseen_forms / unseen_seconds:,.0f} forms/s, "
        f"{unseen_seconds / seconds * args.files / unseen_files:.1f}x the time per file of "
        "the seed copies"
    )
    print(f"cold one-file run: {one:.3f} s median of {args.repeat} (aim < 1 s)")
    print(f"  ratio to `python -c pass`: {one / bare:.1f}x ({bare:.3f} s)")


if __name__ == "__main__":
    main()
