"""Parquet tables of the whole run, with explicit Arrow types (SCHEMA.md "Parquet").

Strings are NFC already: extract normalizes every decoded text once. A source's rows of
these tables are built in jixiao.output.rows.
"""

from __future__ import annotations

import pyarrow as pa

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

# the tables of a run, in the order they are built and sent
TABLE_SCHEMAS: tuple[tuple[str, pa.Schema], ...] = (
    ("forms", FORMS_SCHEMA),
    ("indicators", INDICATORS_SCHEMA),
    ("errors", ERRORS_SCHEMA),
)
