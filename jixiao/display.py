"""How results look in a notebook and a REPL: a form as a table of its indicators.

The models (jixiao.models) call these from `__repr__`, `_repr_html_` and `to_pandas`;
pandas is imported only by `to_pandas`, so that reading a source never loads it.
"""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from jixiao.models import Form, Indicator, SourceResult

# the columns of a form's table, in order; a column empty on every row is left out
TABLE_COLUMNS = (
    "seq",
    "level1",
    "level2",
    "name",
    "operator",
    "value",
    "value_max",
    "value_text",
    "unit",
    "weight",
    "actual_text",
    "score",
    "confidence",
    "flags",
)
PANDAS_HINT = "pandas is needed for DataFrames: pip install 'jixiao[pandas]'"


def pandas_module() -> Any:
    """pandas, or an ImportError that says how to install it."""
    try:
        import pandas
    except ImportError as exc:
        raise ImportError(PANDAS_HINT) from exc
    return pandas


def form_repr(form: Form) -> str:
    """One line: `<Form 570424103c010556-0 project_target 2026 部门 / 项目: 12 indicators>`."""
    where = " / ".join(str(part) for part in (form.department, form.project) if part)
    parts = [form.form_id, form.form_type, str(form.year or "")] + ([where] if where else [])
    label = " ".join(part for part in parts if part)
    return f"<Form {label}: {len(form.indicators)} indicators>"


def result_repr(result: SourceResult) -> str:
    """One line: `<SourceResult a.txt (text): 1 form, 12 indicators, 0 problems>`."""
    indicators = sum(len(form.indicators) for form in result.forms)
    return (
        f"<SourceResult {result.source.path} ({result.source.format}): "
        f"{_count(len(result.forms), 'form')}, {_count(indicators, 'indicator')}, "
        f"{_count(len(result.errors), 'problem')}>"
    )


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def table_columns(indicators: list[Indicator]) -> list[str]:
    """The columns of TABLE_COLUMNS that hold a value on some row."""
    rows = [indicator.model_dump(include=set(TABLE_COLUMNS)) for indicator in indicators]
    return [name for name in TABLE_COLUMNS if any(row[name] not in (None, []) for row in rows)]


def form_html(form: Form) -> str:
    """The form's head as a caption over a table of its indicators."""
    columns = table_columns(form.indicators)
    head = "".join(f"<th>{escape(name)}</th>" for name in columns)
    body = "".join(
        "<tr>" + "".join(f"<td>{escape(_cell(getattr(i, n)))}</td>" for n in columns) + "</tr>"
        for i in form.indicators
    )
    flags = f" · flags: {escape(', '.join(form.flags))}" if form.flags else ""
    caption = f"{escape(form_repr(form))}{'<br>' + escape(form.title) if form.title else ''}"
    return (
        f"<table><caption style='text-align:left'>{caption}{flags}</caption>"
        f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
    )


def result_html(result: SourceResult) -> str:
    """The source's problems, then each of its forms as a table."""
    problems = "".join(
        f"<li><code>{escape(p.code)}</code> {escape(p.message)}</li>" for p in result.errors
    )
    parts = [f"<p>{escape(result_repr(result))}</p>"]
    if problems:
        parts.append(f"<ul>{problems}</ul>")
    parts += [form_html(form) for form in result.forms]
    return "\n".join(parts)


def one_line(model: Any) -> str:
    """The repr of a form or a source's result."""
    from jixiao.models import Form

    return form_repr(model) if isinstance(model, Form) else result_repr(model)


def as_html(model: Any) -> str:
    """What a notebook shows for a form or a source's result."""
    from jixiao.models import Form

    return form_html(model) if isinstance(model, Form) else result_html(model)


def form_frame(form: Form) -> Any:
    """The form's indicators as a pandas DataFrame, one column per Indicator field."""
    from jixiao.models import Indicator

    columns = list(Indicator.model_fields)
    rows = [indicator.model_dump() for indicator in form.indicators]
    return pandas_module().DataFrame(rows, columns=columns)


def result_frame(result: SourceResult) -> Any:
    """The source's indicators as pandas DataFrame: the rows and types `indicators.parquet`
    holds for it (without the panel's key columns)."""
    import pyarrow as pa

    from jixiao.output.parquet import INDICATORS_SCHEMA
    from jixiao.output.rows import indicator_columns

    pandas_module()
    columns = indicator_columns(result)
    table = pa.Table.from_pydict(
        {name: columns.get(name, []) for name in INDICATORS_SCHEMA.names}, schema=INDICATORS_SCHEMA
    )
    return table.to_pandas()
