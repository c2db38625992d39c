"""`jixiao query` and `jixiao export`: DuckDB over a run's Parquet tables, Excel workbooks.

duckdb and openpyxl are imported inside the functions, so other commands never load them.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

VIEWS = {
    "forms": "forms.parquet",
    "indicators": "indicators.parquet",
    "targets_vs_actuals": "targets_vs_actuals.parquet",
    "problems": "errors.parquet",
}

# Chinese column labels for `--labels zh` (columns not listed keep their name)
ZH_LABELS = {
    "form_id": "表单ID",
    "form_type": "表类型",
    "source_path": "来源文件",
    "title": "标题",
    "year": "年度",
    "department": "部门(单位)名称",
    "department_key": "部门键",
    "project": "项目名称",
    "project_key": "项目键",
    "indicator_key": "指标键",
    "seq": "序号",
    "level1": "一级指标",
    "level2": "二级指标",
    "name": "三级指标",
    "operator": "指标值类型",
    "value": "指标值",
    "value_text": "指标值(原文)",
    "unit": "计量单位",
    "weight": "分值",
    "scoring": "评(扣)分标准",
    "actual_value": "实际完成值",
    "actual_text": "实际完成值(原文)",
    "score": "得分",
    "target_value": "年度指标值",
    "target_text": "年度指标值(原文)",
    "target_deadline": "完成时限",
    "achievement": "完成率",
    "achieved": "是否达标",
    "achievement_text": "完成情况",
    "score_rule": "评分规则类型",
    "score_check": "按规则得分",
    "score_agrees": "得分是否一致",
    "budget_total": "预算总额(万元)",
    "n_indicators": "指标数",
    "n_unread": "未读表格行数",
    "fill_date": "填表日期",
    "code": "问题代码",
    "message": "问题说明",
    "page": "页码",
}


def _literal(path: Path) -> str:
    return "'" + str(path).replace("'", "''") + "'"


def table_source(out: Path, view: str) -> str | None:
    """The DuckDB `read_parquet(...)` of one of OUT's tables: its file, or the folder of a
    Hive-partitioned table (`--partition-by`); None when OUT has no such table."""
    path = out / VIEWS[view]
    if path.is_file():
        return f"read_parquet({_literal(path)})"
    folder = path.with_suffix("")
    if folder.is_dir():
        return f"read_parquet({_literal(folder / '**' / '*.parquet')}, hive_partitioning=true)"
    return None


def has_tables(out: Path) -> bool:
    """Whether OUT holds the tables of a run (the forms table, as a file or partitioned)."""
    return table_source(out, "forms") is not None


def connect(out: Path) -> Any:
    """An in-memory DuckDB connection with one view per table present in OUT: views over
    the Parquet files, nothing copied."""
    import duckdb

    con = duckdb.connect()
    for view in VIEWS:
        source = table_source(out, view)
        if source is not None:
            con.execute(f"CREATE VIEW {view} AS SELECT * FROM {source}")
    return con


def query(out: Path, sql: str) -> tuple[list[str], list[tuple[Any, ...]]]:
    """Column names and rows of `sql` over OUT's views."""
    con = connect(out)
    result = con.execute(sql)
    return [d[0] for d in result.description], result.fetchall()


def copy_to(out: Path, sql: str, target: Path, fmt: str) -> None:
    """Write the result of `sql` to a CSV or Parquet file."""
    con = connect(out)
    options = "FORMAT CSV, HEADER" if fmt == "csv" else "FORMAT PARQUET"
    con.execute(f"COPY ({sql}) TO {_literal(target)} ({options})")


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def as_table(columns: list[str], rows: list[tuple[Any, ...]]) -> str:
    """A plain-text table (wide CJK characters count double)."""

    def width(text: str) -> int:
        return sum(2 if ord(c) > 0x2E80 else 1 for c in text)

    cells = [columns] + [[_cell(v) for v in row] for row in rows]
    widths = [max(width(r[i]) for r in cells) for i in range(len(columns))]
    lines = ["  ".join(c + " " * (w - width(c)) for c, w in zip(r, widths)).rstrip() for r in cells]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines + [f"({len(rows)} rows)"])


def _excel_value(value: Any) -> Any:
    if isinstance(value, (list, tuple)):
        return ", ".join(_cell(v) for v in value)
    return value


def export_xlsx(out: Path, target: Path, labels: str = "en") -> list[str]:
    """One sheet per table: frozen header, filters, numbers as numbers and dates as dates."""
    import pyarrow.parquet as pq
    from openpyxl import Workbook
    from openpyxl.utils import get_column_letter

    book = Workbook()
    book.remove(book.active)
    written = []
    for view, file in VIEWS.items():
        path = out / file
        if not path.exists():
            continue
        table = pq.read_table(path)
        sheet = book.create_sheet(view)
        names = table.column_names
        sheet.append([ZH_LABELS.get(n, n) if labels == "zh" else n for n in names])
        for row in table.to_pylist():
            sheet.append([_excel_value(row[n]) for n in names])
        for i, name in enumerate(names, start=1):
            if any(isinstance(c.value, date) for c in sheet[get_column_letter(i)][1:]):
                for c in sheet[get_column_letter(i)][1:]:
                    c.number_format = "yyyy-mm-dd"
            sheet.column_dimensions[get_column_letter(i)].width = min(40, 4 + 2 * len(name))
        sheet.freeze_panes = "A2"
        sheet.auto_filter.ref = sheet.dimensions
        written.append(view)
    book.save(target)
    return written
