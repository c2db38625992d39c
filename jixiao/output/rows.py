"""A source's rows of the Parquet tables, column by column (no pyarrow here).

The run's workers build them beside the source's JSON and hand them to the main process
(with the source's Outcome on Dask; gathered by chunk into Arrow record batches on the local
engine, jixiao.output.batches), so that the main process only appends them to its row
groups (reading each JSON back and turning it into rows took most of its time, and held
`-j N` back). A run that rebuilds its tables from the JSON files builds the same columns from
each file. The table schemas are in jixiao.output.parquet.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from functools import lru_cache
from operator import itemgetter
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
    fields = _indicator_fields()
    values_of = itemgetter(*fields)
    for form in result.forms:
        indicators = form.indicators
        if not indicators:
            continue
        count = len(indicators)
        context = {
            "form_id": form.form_id,
            "source_path": result.source.path,
            "year": form.year,
            "department": form.department,
            "project": form.project,
            "form_type": form.form_type,
        }
        for name, value in context.items():
            if name not in fields:
                columns.setdefault(name, []).extend([value] * count)
        # the fields read from each indicator's attributes by one C call and transposed by
        # zip: what model_dump gave, without building a dict per indicator (the JSON was
        # dumped from the same models a moment before); list comprehensions, not generators
        # (no generator frame resumed per value)
        rows = zip(*[values_of(vars(indicator)) for indicator in indicators])
        for name, values in zip(fields, rows):
            column: Sequence[Any] = values
            if name in _LIST_FIELDS:  # copies, as model_dump made: no list shared with a model
                column = [None if v is None else list(v) for v in values]
            elif name == "deadline":
                column = [date.fromisoformat(v) if v else None for v in values]
            columns.setdefault(name, []).extend(column)
    return columns


@lru_cache(maxsize=1)
def _indicator_fields() -> tuple[str, ...]:
    from jixiao.models import Indicator

    return tuple(Indicator.model_fields)


_LIST_FIELDS = frozenset({"bbox", "flags"})  # the Indicator fields that hold a list


def error_columns(result: SourceResult) -> Columns:
    path = result.source.path
    return _transposed([{"source_path": path, **problem.model_dump()} for problem in result.errors])
