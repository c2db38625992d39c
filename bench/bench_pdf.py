"""Benchmark: PDFs with a text layer, on one core, against two baselines in the same run.

For the rendered fixtures in samples/forms/pdf/ (ground truth: tests/fixtures/pdf_truth/):
  - jixiao: the whole pipeline (`process_bytes`: read, grids, parse, normalize), with the
    default PDF engine (PDFium) and with `--pdf-engine pdfplumber`;
  - pdfplumber `extract_tables` (lines strategy) used raw, with a plain column mapping
    (header row labels -> fields, merged level cells filled down);
  - camelot lattice used raw, with the same mapping.
Two timings per tool, each in its own process pinned to one CPU:
  - steady: best of --repeat passes after one warm-up pass (imports and first calls are in
    "first pass"), per PDF, summed: pages/s of the per-source work;
  - whole process: one child that starts Python, imports the tool and reads every PDF
    --copies times, timed from outside from its start to its exit (pages/s), with its peak
    RSS from the kernel (wait4). This is the figure the ratios are taken on.
Ratios are taken between tools in the same run (the machine is shared: absolute numbers
move, ratios much less). Field accuracy against the truth for each tool.
No assertions: the numbers are for the closing notes and for spotting regressions.

    python bench/bench_pdf.py [--repeat 5] [--copies 8]
    python bench/bench_pdf.py --pass jixiao --copies 8   # one whole-process pass (farm-bench)
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.fixtures.pdf_truth import (  # noqa: E402
    FIELD_OF,
    LEVELS,
    field_accuracy,
    indicator_record,
    load_truth,
    truth_records,
)

PDFS = ROOT / "samples" / "forms" / "pdf"
# jixiao's own table settings (jixiao.extract.pdf_page.TABLE_SETTINGS, checked in `measure`),
# written out so that a baseline's process does not import jixiao
TABLE_SETTINGS = {
    "vertical_strategy": "lines",
    "horizontal_strategy": "lines",
    "snap_tolerance": 3.0,
    "join_tolerance": 3.0,
    "intersection_tolerance": 3.0,
}
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


def run_jixiao(path: Path, engine: str = "pdfium") -> list[dict[str, Any]]:
    from jixiao.output.json_out import dump_result
    from jixiao.pipeline import process_bytes

    result = json.loads(dump_result(process_bytes(path.read_bytes(), path.name, engine)))
    return [i for f in result["forms"] for i in f["indicators"]]


def run_jixiao_pdfplumber(path: Path) -> list[dict[str, Any]]:
    return run_jixiao(path, "pdfplumber")


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
    if not tool.startswith("jixiao"):
        return plain_records(output)
    header = [h for form in truth["forms"] for h in form["header"]]
    return [indicator_record(i, list(dict.fromkeys(header))) for i in output]


TOOLS = {
    "jixiao": run_jixiao,
    "jixiao_pdfplumber": run_jixiao_pdfplumber,
    "pdfplumber": run_pdfplumber,
    "camelot": run_camelot,
}
NAMES = {
    "jixiao": "jixiao (PDFium, default)",
    "jixiao_pdfplumber": "jixiao --pdf-engine pdfplumber",
    "pdfplumber": "pdfplumber extract_tables",
    "camelot": "camelot lattice",
}


def _pin_one_cpu() -> None:
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})


def _page_counts(names: list[str]) -> dict[str, int]:
    import pypdfium2

    counts = {}
    for name in names:
        pdf = pypdfium2.PdfDocument(PDFS / name)
        counts[name] = len(pdf)
        pdf.close()
    return counts


def measure(tool: str, repeat: int) -> dict[str, Any]:
    """Run in a child process: steady-state timings and accuracy for one tool."""
    from jixiao.extract import pdf_page

    assert pdf_page.TABLE_SETTINGS == TABLE_SETTINGS, "bench settings differ from jixiao's"
    _pin_one_cpu()
    fn = TOOLS[tool]
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
    pages = _page_counts(list(truth))
    correct = total = 0
    for name, t in truth.items():
        c, n = field_accuracy(truth_records(t), records_of(tool, outputs[name], t))
        correct, total = correct + c, total + n
    single = [n for n in truth if pages[n] == 1]
    return {
        "tool": tool,
        "pages": sum(pages.values()),
        "pages_per_s": sum(pages.values()) / sum(best.values()),
        "single_pages_per_s": len(single) / sum(best[n] for n in single),
        "first_pass_s": first,
        "accuracy": correct / total,
        "fields": f"{correct}/{total}",
        "failures": sorted(FAILURES),
    }


def one_pass(tool: str, copies: int) -> None:
    """The whole-process unit: read every fixture PDF `copies` times, then exit."""
    _pin_one_cpu()
    fn = TOOLS[tool]
    names = sorted(load_truth())
    for _ in range(copies):
        for name in names:
            fn(PDFS / name)


def whole_process(tool: str, copies: int) -> dict[str, float]:
    """One child doing `one_pass`, timed from outside; its peak RSS from wait4."""
    cmd = [sys.executable, __file__, "--pass", tool, "--copies", str(copies)]
    started = time.perf_counter()
    child = subprocess.Popen(cmd, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - started
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode != 0:
        raise SystemExit(f"{tool} pass failed with exit status {child.returncode}")
    pages = sum(_page_counts(sorted(load_truth())).values()) * copies
    return {
        "whole_pages_per_s": pages / seconds,
        "whole_s": seconds,
        "rss_mb": usage.ru_maxrss / 1024,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--copies", type=int, default=8, help="passes over the PDFs per process")
    parser.add_argument("--tool", help=argparse.SUPPRESS)
    parser.add_argument(
        "--pass", dest="one_pass", choices=sorted(TOOLS), help="one whole-process pass"
    )
    args = parser.parse_args()
    if args.one_pass:
        one_pass(args.one_pass, args.copies)
        return
    if args.tool:
        print(json.dumps(measure(args.tool, args.repeat)))
        return
    rows = []
    for tool in TOOLS:
        cmd = [sys.executable, __file__, "--tool", tool, "--repeat", str(args.repeat)]
        out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
        row = json.loads(out.strip().splitlines()[-1])
        row.update(whole_process(tool, args.copies))
        rows.append(row)
    _print(rows, args)


def _print(rows: list[dict[str, Any]], args: argparse.Namespace) -> None:
    print(
        f"PDF bench: {rows[0]['pages']} pages in {len(load_truth())} rendered PDFs, one core; "
        f"steady = best of {args.repeat}, whole process = start to exit over {args.copies} passes"
    )
    print(
        f"{'tool':<32}{'whole p/s':>10}{'steady p/s':>11}{'1-page/s':>9}{'first pass':>11}"
        f"{'accuracy':>9}{'fields':>11}{'peak RSS MB':>12}"
    )
    for r in rows:
        print(
            f"{NAMES[r['tool']]:<32}{r['whole_pages_per_s']:>10.1f}{r['pages_per_s']:>11.1f}"
            f"{r['single_pages_per_s']:>9.1f}{r['first_pass_s']:>10.2f}s{r['accuracy']:>9.3f}"
            f"{r['fields']:>11}{r['rss_mb']:>12.0f}"
        )
    for r in rows:
        for failure in r["failures"]:
            print(f"  {NAMES[r['tool']]} failed on {failure} (counted as no rows)")
    by = {r["tool"]: r for r in rows}
    for other in ("pdfplumber", "camelot", "jixiao_pdfplumber"):
        whole = by["jixiao"]["whole_pages_per_s"] / by[other]["whole_pages_per_s"]
        steady = by["jixiao"]["pages_per_s"] / by[other]["pages_per_s"]
        print(f"jixiao / {NAMES[other]}: {whole:.1f}x whole process, {steady:.1f}x steady")


if __name__ == "__main__":
    main()
