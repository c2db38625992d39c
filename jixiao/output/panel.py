"""The analyst's panel: key columns on forms/indicators.parquet and targets_vs_actuals.parquet.

Runs after the Parquet tables are written (it reads them back), so it needs nothing from the
run loop: `add_panel(out, aliases)`. Keys come from jixiao.keys (a pass over the whole run).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from jixiao.keys import IndicatorRef, department_key, indicator_keys, project_keys
from jixiao.normalizers.dates import deadline as deadline_of
from jixiao.output.atomic import write_with
from jixiao.scoring import agrees, parse_rule, rule_score

STR, F64 = pa.string(), pa.float64()

PANEL_SCHEMA = pa.schema(
    [
        ("year", pa.int32()),
        ("department", STR),
        ("department_key", STR),
        ("project", STR),
        ("project_key", STR),
        ("indicator_key", STR),
        ("level1", STR),
        ("level2", STR),
        ("name", STR),
        ("operator", STR),
        ("unit", STR),
        ("target_value", F64),
        ("target_value_max", F64),
        ("target_text", STR),
        ("target_deadline", pa.date32()),
        ("target_from", STR),  # "self_eval" (年度指标值) or "target_form"
        ("target_form_id", STR),
        ("actual_value", F64),
        ("actual_text", STR),
        ("achievement", F64),
        ("achieved", pa.bool_()),
        ("achievement_text", STR),
        ("weight", F64),
        ("score", F64),
        ("scoring", STR),
        ("score_rule", STR),
        ("score_check", F64),
        ("score_agrees", pa.bool_()),
        ("form_id", STR),
        ("source_path", STR),
        ("seq", pa.int32()),
    ]
)

SELF_EVAL = ("department_self_eval", "project_self_eval")


def _ratio(row: dict[str, Any]) -> tuple[float | None, bool | None]:
    """Achievement ratio in the indicator's direction, and whether the target was met."""
    op, target, actual = row["operator"], row["target_value"], row["actual_value"]
    if actual is None or target is None:
        return None, None
    if op in ("<=", "<"):
        met = actual <= target if op == "<=" else actual < target
        return (target / actual if actual else None), met
    if op == "range":
        high = row["target_value_max"]
        met = target <= actual <= high if high is not None else actual >= target
        return (actual / target if target else None), met
    ratio = actual / target if target else None
    met = actual == target if op == "=" else actual > target if op == ">" else actual >= target
    return ratio, met


def _actual_date(row: dict[str, Any]) -> date | None:
    text = deadline_of(row["actual_text"], row["year"])
    return date.fromisoformat(text) if text else None


def achievement(row: dict[str, Any]) -> tuple[float | None, bool | None, str | None]:
    """(ratio, met, text): deadlines compare dates, qualitative targets keep the actual text."""
    if row["target_deadline"] is not None:
        done = _actual_date(row)
        if done is None:
            return None, None, row["actual_text"]
        late = (done - row["target_deadline"]).days
        return None, late <= 0, "met" if late <= 0 else f"late by {late} days"
    if row["operator"] == "qualitative" or row["actual_value"] is None:
        return None, None, row["actual_text"]
    ratio, met = _ratio(row)
    return ratio, met, None


def score_check(row: dict[str, Any]) -> tuple[str | None, float | None, bool | None]:
    """(rule pattern, score the printed rule gives, whether the reported score agrees)."""
    rule = parse_rule(row["scoring"], row["weight"])
    if rule is None:
        return None, None, None
    done = _actual_date(row) if rule.pattern == "E5" else None
    computed = rule_score(rule, row["actual_value"], row["actual_text"], row["target_value"], done)
    if computed is not None:
        computed = round(computed, 4)
    return rule.pattern, computed, agrees(computed, row["score"])


def _target_deadline(ind: dict[str, Any]) -> date | None:
    """The Indicator.deadline (when the table has it), else read from a non-numeric target
    ("2026年12月31日前"; "效果明显" names no date)."""
    found = ind.get("deadline")
    if isinstance(found, date):
        return found
    if ind["value"] is not None:
        return None
    text = deadline_of(ind["value_text"], ind["year"])
    return date.fromisoformat(text) if text else None


def _read(path: Path) -> list[dict[str, Any]]:
    return pq.read_table(path).to_pylist() if path.exists() else []


def _write_table(path: Path, table: pa.Table) -> None:
    write_with(path, lambda tmp: pq.write_table(table, tmp, compression="zstd"))


def _with_columns(path: Path, columns: Mapping[str, Sequence[str | None]]) -> None:
    table = pq.read_table(path)
    for name, values in columns.items():
        if name in table.column_names:
            table = table.drop_columns([name])
        table = table.append_column(name, pa.array(values, type=STR))
    _write_table(path, table)


def _targets(indicators: Sequence[dict[str, Any]]) -> dict[tuple[Any, ...], dict[str, Any]]:
    """Target-form indicators by (project_key, year, indicator_key)."""
    found: dict[tuple[Any, ...], dict[str, Any]] = {}
    for ind in indicators:
        if ind["form_type"] not in SELF_EVAL:
            found.setdefault((ind["project_key"], ind["year"], ind["indicator_key"]), ind)
    return found


def panel_rows(indicators: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """One row per self-evaluation indicator with an actual and a target."""
    planned = _targets(indicators)
    rows = []
    for ind in indicators:
        if ind["form_type"] not in SELF_EVAL or (
            ind["actual_value"] is None and not ind["actual_text"]
        ):
            continue
        plan = planned.get((ind["project_key"], ind["year"], ind["indicator_key"]))
        own = ind["value"] is not None or bool(ind["value_text"])
        source = ind if own else plan
        if source is None:
            continue
        row = {k: ind.get(k) for k in PANEL_SCHEMA.names}
        row |= {
            "operator": source["operator"],
            "unit": source["unit"] or ind["unit"],
            "target_value": source["value"],
            "target_value_max": source["value_max"],
            "target_text": source["value_text"],
            "target_deadline": _target_deadline(source),
            "target_from": "self_eval" if own else "target_form",
            "target_form_id": plan["form_id"] if plan else None,
            "weight": ind["weight"] if ind["weight"] is not None else source["weight"],
            "scoring": ind["scoring"] or (plan["scoring"] if plan else None),
        }
        row["achievement"], row["achieved"], row["achievement_text"] = achievement(row)
        row["score_rule"], row["score_check"], row["score_agrees"] = score_check(row)
        rows.append(row)
    return rows


PANEL_FILE = "targets_vs_actuals.parquet"


def add_panel(out: Path, aliases: tuple[Path, ...] = ()) -> int:
    """Add key columns to OUT's tables and write OUT/targets_vs_actuals.parquet; rows written."""
    forms, indicators = _read(out / "forms.parquet"), _read(out / "indicators.parquet")
    dept = {f["form_id"]: department_key(f["department"], aliases) for f in forms}
    projects = project_keys(
        (f["form_id"], f["year"], dept[f["form_id"]], f["project"]) for f in forms
    )
    refs = [
        IndicatorRef(i["form_id"], i["year"], projects.get(i["form_id"], ""), i["level1"], i["level2"], i["name"])
        for i in indicators
    ]  # fmt: skip
    ind_keys = indicator_keys(refs)
    for ind, key in zip(indicators, ind_keys):
        ind |= {
            "department_key": dept.get(ind["form_id"]),
            "project_key": projects.get(ind["form_id"]),
        }
        ind["indicator_key"] = key
    if forms:
        _with_columns(
            out / "forms.parquet",
            {"department_key": [dept[f["form_id"]] for f in forms],
             "project_key": [projects[f["form_id"]] for f in forms]},
        )  # fmt: skip
    if indicators:
        _with_columns(
            out / "indicators.parquet",
            {"department_key": [i["department_key"] for i in indicators],
             "project_key": [i["project_key"] for i in indicators],
             "indicator_key": ind_keys},
        )  # fmt: skip
    rows = panel_rows(indicators)
    _write_table(out / PANEL_FILE, pa.Table.from_pylist(rows, schema=PANEL_SCHEMA))
    return len(rows)
