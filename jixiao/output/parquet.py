"""Parquet tables of the whole run, with explicit Arrow types (SCHEMA.md "Parquet").

Strings are NFC already: extract normalizes every decoded text once.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date
from typing import Any

import pyarrow as pa

from jixiao.models import SourceResult

STR, I32, F64 = pa.string(), pa.int32(), pa.float64()
STR_LIST = pa.list_(pa.string())

FORMS_SCHEMA = pa.schema(
    [
        ("form_id", STR),
        ("source_path", STR),
        ("source_sha256", STR),
        ("source_format", STR),
        ("form_type", STR),
        ("title", STR),
        ("year", I32),
        ("department", STR),
        ("project", STR),
        ("budget_total", F64),
        ("budget_fiscal", F64),
        ("budget_other", F64),
        ("budget_basic", F64),
        ("budget_project", F64),
        ("filled_by", STR),
        ("phone", STR),
        ("fill_date", pa.date32()),
        ("head", STR),
        ("n_indicators", I32),
        ("page_start", I32),
        ("page_end", I32),
        ("flags", STR_LIST),
        ("n_unread", I32),  # added last: the columns before it keep their positions
    ]
)

INDICATORS_SCHEMA = pa.schema(
    [
        ("form_id", STR),
        ("source_path", STR),
        ("year", I32),
        ("department", STR),
        ("project", STR),
        ("form_type", STR),
        ("seq", I32),
        ("level1", STR),
        ("level1_raw", STR),
        ("level2", STR),
        ("level2_raw", STR),
        ("name", STR),
        ("operator", STR),
        ("operator_raw", STR),
        ("value", F64),
        ("value_max", F64),
        ("value_text", STR),
        ("unit", STR),
        ("unit_raw", STR),
        ("weight", F64),
        ("explanation", STR),
        ("scoring", STR),
        ("remark", STR),
        ("actual_text", STR),
        ("actual_value", F64),
        ("score", F64),
        ("page", I32),
        ("line", I32),
        ("bbox", pa.list_(F64)),
        ("cell", STR),
        ("confidence", F64),
        ("flags", STR_LIST),
    ]
)

ERRORS_SCHEMA = pa.schema([("source_path", STR), ("code", STR), ("message", STR), ("page", I32)])


def form_rows(results: Iterable[SourceResult]) -> Iterator[dict[str, Any]]:
    for result in results:
        source = result.source
        for form in result.forms:
            c = form.contacts
            yield (
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


def indicator_rows(results: Iterable[SourceResult]) -> Iterator[dict[str, Any]]:
    for result in results:
        for form in result.forms:
            context = {
                "form_id": form.form_id,
                "source_path": result.source.path,
                "year": form.year,
                "department": form.department,
                "project": form.project,
                "form_type": form.form_type,
            }
            # the form's indicators dumped in one call: one call each took three times as long
            for dumped in form.model_dump(include={"indicators"})["indicators"]:
                row = {**context, **dumped}
                row["deadline"] = date.fromisoformat(row["deadline"]) if row["deadline"] else None
                yield row


def error_rows(results: Iterable[SourceResult]) -> Iterator[dict[str, Any]]:
    for result in results:
        for problem in result.errors:
            yield {"source_path": result.source.path, **problem.model_dump()}
