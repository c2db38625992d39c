"""Benchmark and accuracy: office files and web pages through the pipeline, on one core.

Speed: each fixture of samples/forms/office read and parsed in memory (`process_bytes`)
repeatedly; files/s and forms/s per format, and the ratio to the same form as a text dump
measured in the same run.
Accuracy: every indicator against the form as defined in tests/fixtures/make_office.py (the
truth the fixtures were built from), field by field; the seed workbooks against the
hand-checked goldens of the seed text dumps.
No assertions: the numbers are for the report and for spotting regressions.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
OFFICE = ROOT / "samples" / "forms" / "office"
sys.path.insert(0, str(ROOT / "tests" / "fixtures"))

import make_office as mk  # noqa: E402

from jixiao.pipeline import process_bytes  # noqa: E402

FIELDS = {  # header label -> Indicator field, for the truth rows
    "一级指标": "level1",
    "二级指标": "level2",
    "三级指标": "name",
    "指标值类型": "operator_raw",
    "指标值": "value_text",
    "年度指标值": "value_text",
    "计量单位": "unit_raw",
    "评(扣)分标准": "scoring",
    "实际完成值": "actual_text",
    "得分": "score",
    "偏差原因分析及改进措施": "remark",
}


def truth(form: mk.Form, hidden: tuple[int, ...] = ()) -> list[dict[str, Any]]:
    """The indicator rows of a fixture form, merged level cells carried down."""
    labels = [mk.cell(x).value for x in form.table[0]]
    grid: dict[tuple[int, int], mk.C] = {}
    for r, c, x in mk.place(form.table):
        for i in range(x.rs):
            grid[(r + i, c)] = x
    rows = []
    for r in range(1, len(form.table)):
        if r in hidden:
            continue
        row: dict[str, Any] = {}
        for c, label in enumerate(labels):
            x = grid.get((r, c))
            field = FIELDS.get(label)
            if field and x is not None and x.value is not None:
                shown = mk.C(x.value, fmt=x.fmt).shown().replace("\n", "")
                row[field] = float(shown) if field == "score" else shown
        rows.append(row)
    return rows


def cases() -> dict[str, list[list[dict[str, Any]]]]:
    b = mk.project_b()
    out: dict[str, list[list[dict[str, Any]]]] = {}
    for ext in ("xlsx", "xls", "docx", "html", "mhtml", "txt"):
        out[f"project_2026.{ext}"] = [truth(mk.PROJECT)]
    out["self_eval_2025.xlsx"] = out["self_eval_2025_gbk.html"] = [truth(mk.SELF_EVAL)]
    out["dept_2026_nested.docx"] = out["export_really_html.xls"] = [truth(mk.DEPT)]
    out["two_sheets_hidden.xlsx"] = [truth(mk.PROJECT), truth(b, hidden=(1,))]
    out["two_blocks_one_sheet.xlsx"] = [truth(mk.PROJECT), truth(b)]
    out["two_tables.docx"] = out["two_tables.htm"] = [truth(mk.DEPT), truth(b)]
    return out


def accuracy() -> dict[str, list[int]]:
    """format -> [fields right, fields checked, indicators found, indicators expected, with cell]"""
    scores: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0, 0])
    for name, expected_forms in cases().items():
        result = process_bytes((OFFICE / name).read_bytes(), name)
        score = scores[result.source.format]
        for index, expected in enumerate(expected_forms):
            got = result.forms[index].indicators if index < len(result.forms) else []
            score[2] += len(got)
            score[3] += len(expected)
            score[4] += sum(1 for i in got if i.cell or i.line)
            for want, indicator in zip(expected, got):
                for field, value in want.items():
                    score[0] += getattr(indicator, field) == value
                    score[1] += 1
            score[1] += sum(len(w) for w in expected[len(got) :])
    for seed, txt in (
        ("seed_001.xlsx", "001_570424103c010556.txt"),
        ("seed_004.xlsx", "004_a0dabc58212d71e8.txt"),
    ):
        golden = json.loads((ROOT / "samples" / "expected" / f"{txt}.json").read_text("utf-8"))
        result = json.loads(process_bytes((OFFICE / seed).read_bytes(), seed).model_dump_json())
        score = scores["xlsx (seeds vs text goldens)"]
        for want_form, got_form in zip(golden["forms"], result["forms"]):
            want_rows, got_rows = want_form["indicators"], got_form["indicators"]
            score[2] += len(got_rows)
            score[3] += len(want_rows)
            score[4] += sum(1 for i in got_rows if i["cell"])
            for want, got in zip(want_rows, got_rows):
                for field in want:
                    if field not in ("line", "cell", "page", "bbox"):
                        score[0] += want[field] == got[field]
                        score[1] += 1
    return scores


def speed(seconds: float) -> list[tuple[str, str, float, float]]:
    """(file, format, files/s, forms/s) for each fixture, each timed for about `seconds`."""
    rows = []
    for path in sorted(OFFICE.iterdir()):
        data = path.read_bytes()
        first = process_bytes(data, path.name)  # warm-up: imports, caches
        runs, started = 0, time.perf_counter()
        while time.perf_counter() - started < seconds:
            process_bytes(data, path.name)
            runs += 1
        elapsed = time.perf_counter() - started
        rows.append(
            (path.name, first.source.format, runs / elapsed, runs * len(first.forms) / elapsed)
        )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seconds", type=float, default=1.0, help="time per fixture")
    args = parser.parse_args()
    print("accuracy against the fixture definitions (field by field):")
    for fmt, (right, checked, found, expected, located) in sorted(accuracy().items()):
        print(
            f"  {fmt:30s} indicators {found}/{expected}, fields {right}/{checked} = {right / max(checked, 1):.4f}, "
            f"with provenance {located}/{found}"
        )
    rows = speed(args.seconds)
    text_rate = next(r[2] for r in rows if r[0] == "project_2026.txt")
    print("speed on one core (process_bytes in memory, after warm-up):")
    for name, fmt, files, forms in rows:
        print(
            f"  {name:30s} {fmt:5s} {files:8.1f} files/s {forms:8.1f} forms/s  text/this {text_rate / files:5.1f}x"
        )
    per_format: dict[str, list[float]] = defaultdict(list)
    for _, fmt, _, forms in rows:
        per_format[fmt].append(forms)
    print("median forms/s per format (aim: >= 50 XLSX/DOCX, >= 200 HTML):")
    for fmt, values in sorted(per_format.items()):
        values.sort()
        print(f"  {fmt:5s} {values[len(values) // 2]:8.1f}")


if __name__ == "__main__":
    main()
