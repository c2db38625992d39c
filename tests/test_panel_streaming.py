"""add_panel in streaming passes: the same tables as the whole-table version (a reference taken
from it before the rewrite, tests/fixtures/panel_reference/), row groups kept, reruns equal,
and a Python heap that never holds the tables' rows.

JIXIAO_REGEN=1 rewrites the reference; review the diff by hand before committing.
"""

from __future__ import annotations

import json
import os
import shutil
import tracemalloc
from datetime import date
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from jixiao.batch import RunOptions, run
from jixiao.keys import IndicatorKeys
from jixiao.normalizers.matching import tokens
from jixiao.output import dataset, panel
from jixiao.output.panel import PANEL_FILE, PANEL_SCHEMA, add_panel
from jixiao.output.parquet import FORMS_SCHEMA, INDICATORS_SCHEMA
from tests.conftest import copy_samples

REGEN = os.environ.get("JIXIAO_REGEN") == "1"
REFERENCE = Path(__file__).parent / "fixtures" / "panel_reference" / "text_and_office.json"
# text and office samples: no OCR, so the run is the same on every machine
INPUTS = ["001_570424103c010556.txt", "004_a0dabc58212d71e8.txt", "corpus", "years", "office"]
KEYS = {
    "forms": ("department_key", "project_key"),
    "indicators": ("department_key", "project_key", "indicator_key"),
}
SMALL_GROUP = 16  # row groups (and panel batches) this small make every pass cross boundaries


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    inputs = copy_samples(INPUTS, tmp_path_factory.mktemp("in"))
    target = tmp_path_factory.mktemp("out")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(dataset, "ROW_GROUP", SMALL_GROUP)
        patch.setattr(panel, "BATCH", SMALL_GROUP + 3, raising=False)
        run([inputs], RunOptions(out=target))  # the run ends with add_panel
    return target


def _json_value(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


def _reference_of(out: Path) -> dict[str, Any]:
    tables = {name: pq.read_table(out / f"{name}.parquet") for name in KEYS}
    found: dict[str, Any] = {
        name: {key: tables[name].column(key).to_pylist() for key in keys}
        for name, keys in KEYS.items()
    }
    panel_rows = pq.read_table(out / PANEL_FILE).to_pylist()
    found["targets_vs_actuals"] = [{k: _json_value(v) for k, v in r.items()} for r in panel_rows]
    return found


def _panel_table(rows: list[dict[str, Any]]) -> pa.Table:
    dates = [f.name for f in PANEL_SCHEMA if f.type == pa.date32()]
    for row in rows:
        for name in dates:
            row[name] = date.fromisoformat(row[name]) if row[name] else None
    return pa.Table.from_pylist(rows, schema=PANEL_SCHEMA)


def test_reference_regenerated_on_purpose_only() -> None:
    if REGEN:
        pytest.skip("JIXIAO_REGEN=1: test_tables_equal_the_reference rewrites the reference")
    assert REFERENCE.exists()


def test_tables_equal_the_reference(out: Path) -> None:
    if REGEN:
        REFERENCE.parent.mkdir(parents=True, exist_ok=True)
        text = json.dumps(_reference_of(out), ensure_ascii=False, indent=0)
        REFERENCE.write_text(text + "\n", encoding="utf-8")
    reference = json.loads(REFERENCE.read_text(encoding="utf-8"))
    for name, schema in (("forms", FORMS_SCHEMA), ("indicators", INDICATORS_SCHEMA)):
        table = pq.read_table(out / f"{name}.parquet")
        keys = KEYS[name]
        expected = table.drop_columns(list(keys))
        assert expected.schema.names == schema.names
        for key in keys:
            expected = expected.append_column(key, pa.array(reference[name][key], pa.string()))
        assert table.equals(expected), name
    expected_panel = _panel_table(reference["targets_vs_actuals"])
    assert pq.read_table(out / PANEL_FILE).equals(expected_panel)


def _group_sizes(path: Path) -> list[int]:
    meta = pq.ParquetFile(path).metadata
    return [meta.row_group(i).num_rows for i in range(meta.num_row_groups)]


def test_row_groups_are_kept(out: Path) -> None:
    for name in KEYS:
        sizes = _group_sizes(out / f"{name}.parquet")
        assert len(sizes) > 1 and set(sizes[:-1]) == {SMALL_GROUP}, (name, sizes)


def test_a_second_panel_changes_nothing(out: Path, tmp_path: Path) -> None:
    again = tmp_path / "again"
    shutil.copytree(out, again)
    add_panel(again)
    for name in (*KEYS, "targets_vs_actuals"):
        path = f"{name}.parquet"
        assert pq.read_table(again / path).equals(pq.read_table(out / path)), name


def _copies(table: pa.Table, count: int) -> pa.Table:
    """`count` copies of a table, each with its own form_ids (as if from other sources)."""
    form_ids = table.column("form_id").to_pylist()
    parts = []
    for copy in range(count):
        ids = pa.array([f"{f}-{copy}" for f in form_ids], pa.string())
        parts.append(table.set_column(0, "form_id", ids))
    return pa.concat_tables(parts)


def _peak(action: Any) -> int:
    tracemalloc.start()
    try:
        action()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_python_heap_does_not_hold_the_rows(
    out: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every row as a dict (the whole-table approach) peaks far above the streaming passes,
    whose heap holds one batch of rows and the keys' groups."""
    for name, keys in KEYS.items():
        table = _copies(pq.read_table(out / f"{name}.parquet").drop_columns(list(keys)), 40)
        pq.write_table(table, tmp_path / f"{name}.parquet", row_group_size=dataset.ROW_GROUP)
    monkeypatch.setattr(panel, "BATCH", 2048)
    tokens("公众满意度")  # jieba's dictionary is loaded once per process, not by the panel
    indicators = tmp_path / "indicators.parquet"
    whole = _peak(lambda: pq.read_table(indicators).to_pylist())
    streamed = _peak(lambda: add_panel(tmp_path))
    assert pq.read_table(indicators).num_rows > 12_000
    assert streamed * 8 < whole, (streamed, whole)


def test_arrow_mask_is_has_actual() -> None:
    """The Arrow filter picks exactly the rows panel_rows gives a panel row a chance."""
    rows = [
        {"form_type": t, "actual_value": v, "actual_text": x}
        for t in ("project_self_eval", "department_self_eval", "project_target", None)
        for v in (None, 0.0, float("nan"))
        for x in (None, "", "8")
    ]
    batch = pa.RecordBatch.from_pylist(rows)
    assert panel._actual_mask(batch).to_pylist() == [panel._has_actual(r) for r in rows]


def _namer_state(namer: IndicatorKeys) -> dict[Any, Any]:
    return {g: (n.first_year, n.forms) for g, n in namer._groups.items()}


def test_names_grouped_in_arrow_feed_the_keys_the_rows_give(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The namer fed a batch's distinct names (grouped in Arrow) holds what the rows fed one
    by one give, and names every row alike: nulls in levels and years, names that fold
    together, a form in several batches, a form without a project."""
    names = ["1.完成率95%", "完成率", "[001]完成率", "满意度", "群众满意度", "满意度（%）"]
    rows = [
        {
            "form_id": f"f{i % 7}",
            "year": (None, 2023, 2024, 2025)[(i // 2) % 4],
            "level1": {0: None, 5: ""}.get(i % 10, "产出指标"),
            "level2": None if i % 6 == 0 else "数量指标",
            "name": names[i % 3 + 3 * (i % 11 == 0)],
        }
        for i in range(60)
    ]
    table = pa.Table.from_pylist(
        rows, schema=pa.schema([INDICATORS_SCHEMA.field(n) for n in panel.REF_COLUMNS])
    )
    path = tmp_path / "indicators.parquet"
    pq.write_table(table, path, row_group_size=9)
    monkeypatch.setattr(panel, "BATCH", 9)
    projects = {f"f{i}": f"部门/项目{i % 2}" for i in range(6)}  # f6 has none
    refs = [
        (
            r["form_id"],
            r["year"],
            projects.get(r["form_id"], ""),
            r["level1"],
            r["level2"],
            r["name"],
        )
        for r in rows
    ]
    by_row = IndicatorKeys()
    by_row.add_all(refs)
    grouped = panel._indicator_namer(path, projects)
    assert _namer_state(grouped) == _namer_state(by_row)
    assert len(_namer_state(by_row)) > 8
    batches = pq.ParquetFile(path).iter_batches(batch_size=9)
    keys = [
        k
        for b in batches
        for k in panel._indicator_keys(b, panel._form_ids(b), grouped, projects).to_pylist()
    ]
    assert keys == by_row.keys(refs)
    assert len(set(keys)) > 4
