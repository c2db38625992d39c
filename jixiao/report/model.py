"""View models of the report: plain dicts the templates read (no logic in templates)."""

from __future__ import annotations

from collections import Counter
from typing import Any

from jixiao.flags import FLAGS
from jixiao.models import Form, Indicator, SourceResult, UnreadText

LOW_CONFIDENCE = 0.9
# which cell a flag is about (the whole row otherwise)
FLAG_CELLS = {
    "level1_inferred": "level1", "level1_corrected": "level1", "level_fuzzy": "level1",
    "level_unknown": "level1", "level2_inferred": "level2", "unit_inferred": "unit",
    "unit_conflict": "unit", "operator_repaired": "target", "operator_unknown": "target",
    "value_unparsed": "target", "excel_date": "target", "excel_float": "target",
    "number_repaired": "target", "corrected": "name",
}  # fmt: skip
CONFIDENCE_BINS = [(0.0, 0.6), (0.6, 0.7), (0.7, 0.8), (0.8, 0.9), (0.9, 0.95), (0.95, 1.0)]


def page_id(number: int) -> str:
    return f"s{number:05d}"


def page_box(
    page_no: int | None, bbox: list[float] | None, pages: dict[int, Any]
) -> dict[str, Any] | None:
    """Where a bbox sits on its page image, in percent of the page; None without one."""
    page = pages.get(page_no or 0)
    if not bbox or not page:
        return None
    x0, y0, x1, y1 = bbox
    w, h = page["width"], page["height"]
    return {
        "page": page_no,
        "left": round(100 * x0 / w, 2),
        "top": round(100 * y0 / h, 2),
        "width": round(100 * (x1 - x0) / w, 2),
        "height": round(100 * (y1 - y0) / h, 2),
    }


def row_view(form_index: int, form: Form, ind: Indicator, pages: dict[int, Any]) -> dict[str, Any]:
    cell_flags: dict[str, list[str]] = {}
    for flag in ind.flags:
        cell_flags.setdefault(FLAG_CELLS.get(flag, "name"), []).append(flag)
    box = page_box(ind.page, ind.bbox, pages)
    target = " ".join(t for t in (ind.operator_raw or "", ind.value_text or "") if t)
    level1, level2 = ind.level1 or ind.level1_raw or "", ind.level2 or ind.level2_raw or ""
    unit = ind.unit or ind.unit_raw or ""
    shown = [("level1", level1), ("level2", level2), ("name", ind.name), ("target", target),
             ("unit", unit)]  # fmt: skip
    return {
        "id": f"r{form_index}-{ind.seq}",
        "seq": ind.seq,
        "level1": ind.level1 or ind.level1_raw or "",
        "level2": ind.level2 or ind.level2_raw or "",
        "name": ind.name,
        "target": target,
        "operator": ind.operator or "",
        "unit": ind.unit or ind.unit_raw or "",
        "weight": "" if ind.weight is None else f"{ind.weight:g}",
        "explanation": ind.explanation or "",
        "scoring": ind.scoring or "",
        "confidence": ind.confidence,
        "low": ind.confidence < LOW_CONFIDENCE,
        "flags": ind.flags,
        "cell_flags": cell_flags,
        "cells": [(value, " ".join(cell_flags.get(key, ()))) for key, value in shown],
        "line": ind.line,
        "box": box,
        "type": form.form_type,
        "year": form.year or "",
    }


def unread_view(
    form_index: int, number: int, unread: UnreadText, pages: dict[int, Any]
) -> dict[str, Any]:
    """One line of a form's "not read" block: where it is, what it says."""
    where = unread.cell or ""
    if unread.line:
        where = f"line {unread.line}"
    elif unread.page:
        where = f"page {unread.page}"
    return {
        "id": f"u{form_index}-{number}",
        "where": where,
        "text": unread.text,
        "line": unread.line,
        "box": page_box(unread.page, unread.bbox, pages),
    }


def source_rows(result: SourceResult, pages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    by_number = {p["n"]: p for p in pages}
    forms = []
    for index, form in enumerate(result.forms):
        rows = [row_view(index, form, ind, by_number) for ind in form.indicators]
        unread = [unread_view(index, n, u, by_number) for n, u in enumerate(form.unread, 1)]
        forms.append({"form": form, "rows": rows, "unread": unread})
    return forms


def source_lines(
    lines: list[tuple[int, str]], forms: list[dict[str, Any]]
) -> list[tuple[int, str, str, str]]:
    """(number, text, css class, row id) per line: the class marks indicator lines, and
    the lines of table text that went into no row."""
    marks: dict[int, tuple[str, str]] = {}
    for form in forms:
        for item in form["unread"]:
            if item["line"]:
                marks[item["line"]] = ("unread", item["id"])
        for row in form["rows"]:
            if row["line"]:
                marks[row["line"]] = ("hl warn" if row["low"] or row["flags"] else "hl", row["id"])
    return [(number, text, *marks.get(number, ("", ""))) for number, text in lines]


def boxes_by_page(
    forms: list[dict[str, Any]], key: str = "rows"
) -> dict[int, list[dict[str, Any]]]:
    """The items of each form under `key` ("rows", or "unread") that have a box, by page."""
    found: dict[int, list[dict[str, Any]]] = {}
    for form in forms:
        for item in form[key]:
            if item["box"]:
                found.setdefault(item["box"]["page"], []).append(item)
    return found


def form_summary(number: int, result: SourceResult) -> list[dict[str, Any]]:
    """One index row per form (one per source without forms)."""
    base = {"page": page_id(number), "path": result.source.path, "format": result.source.format}
    problems = [p.code for p in result.errors]
    if not result.forms:
        return [{**base, "form_id": "", "type": "", "year": "", "department": "", "title": "",
                 "n": 0, "unread": 0, "flags": problems, "min_conf": 1.0,
                 "problems": problems}]  # fmt: skip
    rows = []
    for form in result.forms:
        flags = sorted(set(form.flags) | {f for i in form.indicators for f in i.flags})
        rows.append(
            {
                **base,
                "form_id": form.form_id,
                "type": form.form_type,
                "year": form.year or "",
                "department": form.department or "",
                "title": form.project or form.title or "",
                "n": len(form.indicators),
                "unread": len(form.unread),
                "flags": flags + problems,
                "min_conf": min((i.confidence for i in form.indicators), default=1.0),
                "problems": problems,
            }
        )
    return rows


def overview(results: list[SourceResult]) -> dict[str, Any]:
    forms = [f for r in results for f in r.forms]
    indicators = [i for f in forms for i in f.indicators]
    flags: Counter[str] = Counter(flag for i in indicators for flag in i.flags)
    flags.update(flag for f in forms for flag in f.flags)
    bins = [
        sum(1 for i in indicators if lo <= i.confidence < hi or (hi == 1.0 and i.confidence == 1.0))
        for lo, hi in CONFIDENCE_BINS
    ]
    return {
        "sources": len(results),
        "forms": len(forms),
        "indicators": len(indicators),
        "unread": sum(len(f.unread) for f in forms),
        "problems": sum(len(r.errors) for r in results),
        "by_type": Counter(f.form_type for f in forms).most_common(),
        "by_year": sorted(Counter(str(f.year or "?") for f in forms).items()),
        "by_department": Counter(f.department or "?" for f in forms).most_common(15),
        "flags": [
            (name, n, FLAGS[name].meaning if name in FLAGS else "")
            for name, n in flags.most_common(12)
        ],
        "confidence": list(zip([f"{lo:.2f}–{hi:.2f}" for lo, hi in CONFIDENCE_BINS], bins)),
        "low": sum(1 for i in indicators if i.confidence < LOW_CONFIDENCE),
    }


def bars(pairs: list[tuple[str, int]], width: int = 360, bar: int = 18) -> dict[str, Any]:
    """Geometry of a horizontal bar chart (inline SVG in the template)."""
    top = max((n for _, n in pairs), default=0) or 1
    items = [
        {"label": label, "n": n, "y": i * (bar + 6), "w": round((width - 190) * n / top, 1)}
        for i, (label, n) in enumerate(pairs)
    ]
    return {"items": items, "width": width, "height": len(pairs) * (bar + 6), "bar": bar}
