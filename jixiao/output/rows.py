"""A source's rows of the Parquet tables, column by column (no pyarrow here).

The run's workers build them beside the source's JSON and hand them to the main process
with the source's Outcome, so that the main process only appends them to its row groups
(reading each JSON back and turning it into rows took most of its time, and held `-j N`
back). A run that rebuilds its tables from the JSON files builds the same columns from
each file. The table schemas are in jixiao.output.parquet.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any, TypeAlias

if TYPE_CHECKING:
    from jixiao.models import SourceResult

Columns: TypeAlias = dict[str, list[Any]]  # column name -> its values, one per row


def table_columns(result: SourceResult) -> dict[str, Columns]:
    """The source's rows of every table (forms, indicators, errors), column by column."""
    return {
        "forms": form_columns(result),
        "indicators": indicator_columns(result),
        "errors": error_columns(result),
    }


def row_count(columns: Columns) -> int:
    return len(next(iter(columns.values()))) if columns else 0


def _transposed(rows: list[dict[str, Any]]) -> Columns:
    names = dict.fromkeys(name for row in rows for name in row)
    return {name: [row.get(name) for row in rows] for name in names}


def form_columns(result: SourceResult) -> Columns:
    source = result.source
    rows = []
    for form in result.forms:
        c = form.contacts
        rows.append(
            {
                "form_id": form.form_id,
                "source_path": source.path,
                "source_sha256": source.sha256,
                "source_format": source.format,
                "form_type": form.form_type,
                "title": form.title,
                "year": form.year,
                "department": form.department,
                "project": form.project,
                **{f"budget_{k}": v for k, v in form.budget.model_dump().items()},
                "filled_by": c.filled_by,
                "phone": c.phone,
                "fill_date": date.fromisoformat(c.fill_date) if c.fill_date else None,
                "head": c.head,
                "n_indicators": len(form.indicators),
                "page_start": form.page_start,
                "page_end": form.page_end,
                "flags": form.flags,
                "n_unread": len(form.unread),
            }
        )
    return _transposed(rows)


def indicator_columns(result: SourceResult) -> Columns:
    """Each indicator's fields after its form's (form_id, source_path, year, department,
    project, form_type); a field of the indicator's own wins over a form's of that name."""
    columns: Columns = {}
    for form in result.forms:
        # the form's indicators dumped in one call: one call each took three times as long
        dumped = form.model_dump(include={"indicators"})["indicators"]
        if not dumped:
            continue
        count = len(dumped)
        context = {
            "form_id": form.form_id,
            "source_path": result.source.path,
            "year": form.year,
            "department": form.department,
            "project": form.project,
            "form_type": form.form_type,
        }
        own = dumped[0].keys()
        for name, value in context.items():
            if name not in own:
                columns.setdefault(name, []).extend([value] * count)
        # every dump of an Indicator has its fields in one order: transposed by zip (one
        # comprehension per field took a third of this function's time)
        for name, values in zip(own, zip(*(indicator.values() for indicator in dumped))):
            if name == "deadline":
                values = tuple(date.fromisoformat(v) if v else None for v in values)
            columns.setdefault(name, []).extend(values)
    return columns


def error_columns(result: SourceResult) -> Columns:
    path = result.source.path
    return _transposed([{"source_path": path, **problem.model_dump()} for problem in result.errors])
