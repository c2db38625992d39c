"""score_check agreement over a run's targets_vs_actuals: rows checked, agreeing, disagreeing,
unparseable (self-evaluation rows with a reported score whose printed rule is no common pattern).

usage: python bench/score_check.py OUT      (after `jixiao run INPUT -o OUT`)
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

import pyarrow.parquet as pq


def main(out: Path) -> None:
    rows = pq.read_table(out / "targets_vs_actuals.parquet").to_pylist()
    scored = [r for r in rows if r["score"] is not None]
    counts = Counter(
        "no rule printed" if not r["scoring"]
        else "unparseable" if r["score_rule"] is None
        else "no inputs" if r["score_check"] is None
        else "agreeing" if r["score_agrees"]
        else "disagreeing"
        for r in scored
    )  # fmt: skip
    checked = counts["agreeing"] + counts["disagreeing"]
    print(f"panel rows {len(rows)}, with a reported score {len(scored)}")
    print(f"checked {checked}: agreeing {counts['agreeing']}, disagreeing {counts['disagreeing']}")
    print(
        f"unparseable rule {counts['unparseable']}, rule without inputs {counts['no inputs']}, "
        f"no rule printed {counts['no rule printed']}"
    )
    print(
        "patterns:",
        dict(sorted(Counter(r["score_rule"] for r in scored if r["score_rule"]).items())),
    )
    for r in scored:
        if r["score_agrees"] is False:
            print(f"  disagrees: {r['source_path']} #{r['seq']} {r['name']}: "
                  f"reported {r['score']}, rule gives {r['score_check']}")  # fmt: skip


if __name__ == "__main__":
    main(Path(sys.argv[1]))
