"""Benchmark: the layout-perturbation suite (tests/fixtures/perturb.py), on one core.

Every renderable expected form x every damage kind x SEEDS rendered as damaged text, run
through `jixiao.pipeline.process_bytes` and scored with `jixiao.evaluate`. Prints, per kind:
renders, rows expected, rows matched, recall, precision, field accuracy; then the overall and
the seconds (rendering, and the pipeline plus scoring). No assertions: tests/test_perturb.py
holds the floors; the target is 0.95 recall and field accuracy on every kind.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.fixtures.perturb import KINDS, cases  # noqa: E402
from tests.fixtures.perturb_score import by_kind, kind_table, score_case, worst  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seeds", type=int, default=2, help="seeds 0..N-1 (the test uses 2)")
    parser.add_argument("--kinds", help=f"comma-separated subset of: {', '.join(KINDS)}")
    parser.add_argument("--worst", type=int, default=0, help="list the N worst renders per kind")
    args = parser.parse_args()
    kinds = args.kinds.split(",") if args.kinds else None
    if kinds and set(kinds) - set(KINDS):
        parser.error(f"unknown kind(s): {', '.join(sorted(set(kinds) - set(KINDS)))}")
    started = time.perf_counter()
    renders = list(cases(range(args.seeds), kinds=kinds))
    rendered = time.perf_counter()
    grouped = by_kind(score_case(case) for case in renders)
    done = time.perf_counter()
    print(kind_table(grouped))
    print(
        f"{len(renders)} renders: {rendered - started:.2f} s to render, "
        f"{done - rendered:.2f} s through the pipeline and scoring "
        f"({len(renders) / (done - rendered):,.0f} renders/s on one core)"
    )
    if args.worst:
        for kind, items in grouped.items():
            print(f"\n{kind}:\n{worst(items, args.worst)}")


if __name__ == "__main__":
    main()
