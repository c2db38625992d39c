"""Benchmark: PDFs with a text layer, on one core, against two baselines in the same run.

For the rendered fixtures in samples/forms/pdf/ (ground truth: tests/fixtures/pdf_truth/):
  - jixiao: the whole pipeline (`process_bytes`: read, grids, parse, normalize);
  - camelot lattice used raw, with a plain column mapping (header row labels -> fields,
    merged level cells filled down);
  - pdfplumber `extract_tables` (lines strategy) used raw, with the same mapping.
Each tool runs in its own process pinned to one CPU, after one warm-up pass (imports and
first-call costs are reported separately as "first pass"). Reports pages/s (all PDFs and
single-page PDFs only), field accuracy against the truth, and peak RSS.
No assertions: the numbers are for the closing notes and for spotting regressions.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from jixiao.extract.pdf_page import TABLE_SETTINGS  # noqa: E402  (the reader's own settings)
from tests.fixtures.pdf_truth import (  # noqa: E402
    FIELD_OF,
    LEVELS,
    field_accuracy,
    indicator_record,
    load_truth,
    truth_records,
)

PDFS = ROOT / "samples" / "forms" / "pdf"
FAILURES: set[str] = set()  # PDFs a tool refused


def plain_records(tables: list[list[list[str | None]]]) -> list[dict[str, str]]:
    """Tables (rows of cell texts) to records by the header row's labels, levels filled down."""
    records: list[dict[str, str]] = []
    header: list[str] | None = None
    last: dict[str, str] = {}
    for table in tables:
        for row in table:
            cells = ["".join((c or "").split()) for c in row]
            if "三级指标" in cells:
                header = cells
                continue
            if header is None or len(cells) != len(header):
                continue
            record = dict(zip(header, cells))
            if not record.get("三级指标"):
                continue
            for level in LEVELS:
                if level in record and not record[level]:
                    record[level] = last.get(level, "")
            last = record
            records.append({k: v for k, v in record.items() if k in FIELD_OF})
    return records


def run_jixiao(path: Path) -> list[dict[str, Any]]:
    from jixiao.output.json_out import dump_result
    from jixiao.pipeline import process_bytes

    result = json.loads(dump_result(process_bytes(path.read_bytes(), path.name)))
    return [i for f in result["forms"] for i in f["indicators"]]


def run_pdfplumber(path: Path) -> list[list[list[str | None]]]:
    import pdfplumber

    with pdfplumber.open(path) as pdf:
        return [t for page in pdf.pages for t in page.extract_tables(TABLE_SETTINGS)]


def run_camelot(path: Path) -> list[list[list[str | None]]]:
    import warnings

    import camelot

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            tables = camelot.read_pdf(str(path), pages="all", flavor="lattice")
        except Exception as exc:  # e.g. refuses "no copying" PDFs
            FAILURES.add(f"{path.name}: {type(exc).__name__}")
            return []
    return [t.df.values.tolist() for t in tables]


def records_of(tool: str, output: Any, truth: dict[str, Any]) -> list[dict[str, Any]]:
    if tool != "jixiao":
        return plain_records(output)
    header = [h for form in truth["forms"] for h in form["header"]]
    return [indicator_record(i, list(dict.fromkeys(header))) for i in output]


def measure(tool: str, repeat: int) -> dict[str, Any]:
    """Run in a child process: timings, accuracy, RSS for one tool."""
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    import pdfplumber

    fn = {"jixiao": run_jixiao, "pdfplumber": run_pdfplumber, "camelot": run_camelot}[tool]
    truth = load_truth()
    started = time.perf_counter()
    outputs = {name: fn(PDFS / name) for name in truth}  # warm-up pass
    first = time.perf_counter() - started
    best: dict[str, float] = {}
    for _ in range(repeat):
        for name in truth:
            t0 = time.perf_counter()
            fn(PDFS / name)
            best[name] = min(best.get(name, 1e9), time.perf_counter() - t0)
    pages = {}
    for name in truth:
        with pdfplumber.open(PDFS / name) as pdf:
            pages[name] = len(pdf.pages)
    correct = total = 0
    for name, t in truth.items():
        c, n = field_accuracy(truth_records(t), records_of(tool, outputs[name], t))
        correct, total = correct + c, total + n
    single = [n for n in truth if pages[n] == 1]
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {
        "tool": tool,
        "pages": sum(pages.values()),
        "seconds": sum(best.values()),
        "pages_per_s": sum(pages.values()) / sum(best.values()),
        "single_pages_per_s": len(single) / sum(best[n] for n in single),
        "first_pass_s": first,
        "accuracy": correct / total,
        "fields": f"{correct}/{total}",
        "rss_mb": rss,
        "failures": sorted(FAILURES),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--tool", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.tool:
        print(json.dumps(measure(args.tool, args.repeat)))
        return
    rows = []
    for tool in ("jixiao", "pdfplumber", "camelot"):
        cmd = [sys.executable, __file__, "--tool", tool, "--repeat", str(args.repeat)]
        out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
        rows.append(json.loads(out.strip().splitlines()[-1]))
    print(
        f"PDF bench: {rows[0]['pages']} pages in {len(load_truth())} rendered PDFs, one core, best of {args.repeat}"
    )
    print(
        f"{'tool':<28}{'pages/s':>9}{'1-page/s':>10}{'first pass':>12}{'accuracy':>10}{'fields':>10}{'RSS MB':>8}"
    )
    names = {
        "jixiao": "jixiao (whole pipeline)",
        "pdfplumber": "pdfplumber extract_tables",
        "camelot": "camelot lattice",
    }
    for r in rows:
        print(
            f"{names[r['tool']]:<28}{r['pages_per_s']:>9.1f}{r['single_pages_per_s']:>10.1f}"
            f"{r['first_pass_s']:>11.2f}s{r['accuracy']:>10.3f}{r['fields']:>10}{r['rss_mb']:>8.0f}"
        )
    for r in rows:
        for failure in r["failures"]:
            print(f"  {names[r['tool']]} failed on {failure} (counted as no rows)")
    j, c = rows[0], rows[2]
    print(
        f"jixiao / camelot lattice pages/s: {j['pages_per_s'] / c['pages_per_s']:.1f}x "
        f"(single-page forms {j['single_pages_per_s'] / c['single_pages_per_s']:.1f}x)"
    )


if __name__ == "__main__":
    main()
