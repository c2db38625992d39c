"""Benchmark: CPU instructions per 100 parses of the seed text forms, this checkout vs another.

Wall-clock figures on a shared machine are noisy; instruction counts are not. Each checkout
runs in its own interpreter under valgrind's callgrind: import jixiao, warm up on both seeds,
then `jixiao.pipeline.process_bytes` on N copies of the seed bytes (each copy with its own
rel_path, as in a batch of similar forms). Two runs, N=120 and N=20, are subtracted, so
start-up and import costs cancel and the difference is exactly 100 parses.

  python bench/bench_instructions.py --ref PATH     # PATH: another checkout, e.g. a worktree
                                                    # of the core pipeline commit (425afd8)
  python bench/bench_instructions.py --ref PATH --cold-caches

--cold-caches clears jixiao's memo caches (lru caches keyed on input values, such as
`jixiao.text.fold`) before every parse, so repeated cells are not free; loaders of the
vocabulary and compiled patterns (maxsize 1) stay warm. Prints Ir per 100 parses for each
checkout and the ratio this/ref (< 1.00: this checkout needs fewer instructions). Takes about
a minute and a half per checkout and variant on one core (about three minutes for a
comparison), so it is not part of `make bench`. Skips with a message when valgrind is missing.
No assertions: the numbers are for the closing notes and for spotting regressions.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEEDS = (
    ROOT / "samples" / "forms" / "001_570424103c010556.txt",
    ROOT / "samples" / "forms" / "004_a0dabc58212d71e8.txt",
)
SMALL, LARGE = 20, 120  # parses in the two runs; their difference is 100
IMPORTED = "jixiao imported from: "


def clear_memo_caches() -> None:
    """Clear every memo table (jixiao.vocab.memo_table) and every lru cache in jixiao keyed
    on input values (maxsize > 1 or unbounded)."""
    from jixiao.vocab import clear_memos

    clear_memos()
    for name, module in list(sys.modules.items()):
        if not name.startswith("jixiao"):
            continue
        for value in list(vars(module).values()):
            parameters = getattr(value, "cache_parameters", None)
            if parameters is None or getattr(value, "__module__", None) != name:
                continue
            maxsize = parameters()["maxsize"]
            if maxsize is None or maxsize > 1:
                value.cache_clear()


def worker(count: int, cold_caches: bool) -> None:
    """The measured program: warm up, then `count` parses of the seeds."""
    import jixiao
    from jixiao.pipeline import process_bytes

    print(f"{IMPORTED}{jixiao.__file__}", file=sys.stderr)
    seeds = [(path.read_bytes(), path.name) for path in SEEDS]
    for data, name in seeds:
        process_bytes(data, f"warmup/{name}")
    for i in range(count):
        data, name = seeds[i % len(seeds)]
        if cold_caches:
            clear_memo_caches()
        process_bytes(data, f"copy{i:05d}/{name}")


def instructions(checkout: Path, count: int, cold_caches: bool) -> int:
    """Total Ir of one worker run under callgrind, with `checkout` first on the import path."""
    with tempfile.TemporaryDirectory(prefix="jixiao-callgrind-") as tmp:
        out_file = Path(tmp) / "callgrind.out"
        command = [
            "valgrind",
            "--tool=callgrind",
            f"--callgrind-out-file={out_file}",
            sys.executable,
            __file__,
            "--worker",
            str(count),
        ] + (["--cold-caches"] if cold_caches else [])
        env = {**os.environ, "PYTHONPATH": str(checkout), "PYTHONHASHSEED": "0"}
        done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            sys.exit(f"callgrind run failed for {checkout}:\n{done.stderr[-2000:]}")
        imported = Path(done.stderr.split(IMPORTED, 1)[-1].splitlines()[0]).resolve()
        if not imported.is_relative_to(checkout.resolve()):
            sys.exit(f"{checkout}: imported jixiao from {imported}, not from the checkout")
        summary = re.search(r"^(?:summary|totals): (\d+)", out_file.read_text(), re.MULTILINE)
        if summary is None:
            sys.exit(f"no summary line in the callgrind output for {checkout}")
        return int(summary.group(1))


def per_hundred(checkout: Path, cold_caches: bool) -> int:
    large = instructions(checkout, LARGE, cold_caches)
    small = instructions(checkout, SMALL, cold_caches)
    return (large - small) * 100 // (LARGE - SMALL)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--ref", type=Path, help="the other checkout to compare against")
    parser.add_argument("--cold-caches", action="store_true", help="clear memo caches per parse")
    parser.add_argument("--worker", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker is not None:
        worker(args.worker, args.cold_caches)
        return
    if shutil.which("valgrind") is None:
        print("bench_instructions: skipped, valgrind is not installed (apt-get install valgrind)")
        return
    variant = "memo caches cleared per parse" if args.cold_caches else "warm memo caches"
    print(f"instructions per 100 parses of the two seed text forms ({variant}):")
    this = per_hundred(ROOT, args.cold_caches)
    print(f"  this checkout {ROOT}: {this / 1e6:,.1f} M Ir", flush=True)
    if args.ref is None:
        return
    ref = per_hundred(args.ref, args.cold_caches)
    print(f"  ref checkout  {args.ref}: {ref / 1e6:,.1f} M Ir")
    print(f"  ratio this/ref: {this / ref:.3f}")


if __name__ == "__main__":
    main()
