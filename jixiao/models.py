"""The output contract: pydantic models mirroring ../shared/docs/SCHEMA.md (version 1).

These models are the single source of truth in code. `jixiao schema` prints their JSON
Schema, and tests/test_schema_contract.py keeps their field names equal to SCHEMA.md's.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

SCHEMA_VERSION = "1"

SourceFormat = Literal["text", "pdf", "scan", "image", "docx", "xlsx", "xls", "html"]
FormType = Literal[
    "department_target",
    "project_target",
    "department_self_eval",
    "project_self_eval",
    "unknown",
]
Operator = Literal[">=", "<=", "=", ">", "<", "range", "qualitative"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=False)


class _Shown(_Model):
    """A model a REPL shows in one line and a notebook as tables (jixiao.display): a form as
    a table of its indicators, a source's result as its problems and its forms."""

    def __repr__(self) -> str:
        from jixiao.display import one_line

        return one_line(self)

    __str__ = __repr__

    def _repr_html_(self) -> str:
        from jixiao.display import as_html

        return as_html(self)


class Source(_Model):
    """The file a result came from."""

    path: str = Field(description='Path relative to the input root, with "/" separators.')
    sha256: str = Field(description="SHA-256 of the file's bytes, lowercase hex.")
    format: SourceFormat = Field(description="Detected format of the file (from its content).")
    pages: int | None = Field(
        default=None, description="Number of pages (PDF, multi-page TIFF); null for text."
    )
    encoding: str | None = Field(
        default=None, description="Detected text encoding for text and HTML sources."
    )


class Budget(_Model):
    """Budget amounts of a form, all in 万元 (ten thousand yuan)."""

    total: float | None = Field(
        default=None, description="Total budget (预算总额 / 资金总额), 万元."
    )
    fiscal: float | None = Field(
        default=None, description="Fiscal funds (财政性资金 / 财政拨款), 万元."
    )
    other: float | None = Field(default=None, description="Other funds (其他资金), 万元.")
    basic: float | None = Field(default=None, description="Basic expenditure (基本支出), 万元.")
    project: float | None = Field(default=None, description="Project expenditure (项目支出), 万元.")


class Task(_Model):
    """One row of 年度主要任务."""

    name: str = Field(description="任务名称 as printed.")
    content: str = Field(description="主要内容 as printed.")


class Contacts(_Model):
    """The footer of a form."""

    filled_by: str | None = Field(default=None, description="填表人 (person who filled the form).")
    phone: str | None = Field(
        default=None, description="联系电话 (contact phone); null with --redact."
    )
    fill_date: str | None = Field(default=None, description="填表日期 as an ISO date YYYY-MM-DD.")
    head: str | None = Field(default=None, description="单位负责人 (head of the unit).")


class Indicator(_Model):
    """One row of the indicator table (三级指标)."""

    seq: int = Field(description="1-based order within the form.")
    level1: str | None = Field(default=None, description='Canonical 一级指标, e.g. "产出指标".')
    level1_raw: str | None = Field(
        default=None, description="一级指标 as printed; null when the cell was empty or merged."
    )
    level2: str | None = Field(default=None, description='Canonical 二级指标, e.g. "数量指标".')
    level2_raw: str | None = Field(
        default=None, description="二级指标 as printed; null when the cell was empty or merged."
    )
    name: str = Field(description="三级指标 as printed, whitespace cleaned, HTML stripped.")
    operator: Operator | None = Field(
        default=None, description="Canonical operator; null when the form gives no direction."
    )
    operator_raw: str | None = Field(
        default=None, description='Operator as printed ("≥", "不低于", "定性", ...).'
    )
    value: float | None = Field(
        default=None, description='Numeric target; for "range" the lower bound.'
    )
    value_max: float | None = Field(default=None, description='Upper bound for "range", else null.')
    value_text: str | None = Field(
        default=None, description='The target as printed ("95", "2026年12月31日前", "效果明显").'
    )
    unit: str | None = Field(default=None, description='Canonical unit ("%", "次", "万元", ...).')
    unit_raw: str | None = Field(default=None, description="Unit as printed.")
    weight: float | None = Field(
        default=None,
        description="Points the indicator is worth (分值), from its column, the scoring rule or 备注.",
    )
    explanation: str | None = Field(default=None, description="指标解释 / 指标值说明.")
    scoring: str | None = Field(default=None, description="评(扣)分标准.")
    remark: str | None = Field(default=None, description="备注.")
    actual_text: str | None = Field(
        default=None, description="Self-evaluation forms: 实际完成值 as printed."
    )
    actual_value: float | None = Field(
        default=None, description="Self-evaluation forms: 实际完成值 as a number."
    )
    score: float | None = Field(default=None, description="Self-evaluation forms: 得分.")
    page: int | None = Field(default=None, description="1-based page of the row.")
    line: int | None = Field(default=None, description="1-based line of the row in a text source.")
    bbox: list[float] | None = Field(
        default=None,
        description="[x0, y0, x1, y1] in PDF points or image pixels, page coordinates, top-left origin.",
    )
    cell: str | None = Field(
        default=None,
        description='Where the row sits in a table grid, 1-based: "sheet 项目1, row 12" '
        '(XLSX/XLS, Excel\'s row number), "table 2, row 5" (DOCX, HTML).',
    )
    confidence: float = Field(
        description="0..1, lower when cells were inferred, repaired or OCR-read "
        "(see jixiao.normalizers.confidence)."
    )
    flags: list[str] = Field(default_factory=list, description="Row-level warnings (see Flags).")
    deadline: str | None = Field(
        default=None,
        description="Added in jixiao 0.2: the date a deadline target names, YYYY-MM-DD "
        '("2025年10月底前" -> 2025-10-31; an Excel serial 44561 -> 2021-12-31).',
    )


class UnreadText(_Model):
    """Text inside a form's indicator table that went into no indicator row."""

    text: str = Field(
        description='The row as printed, whitespace cleaned, its cells joined by " | ".'
    )
    line: int | None = Field(
        default=None, description="1-based line of the row in a text-like source."
    )
    page: int | None = Field(default=None, description="1-based page of the row.")
    bbox: list[float] | None = Field(
        default=None,
        description="[x0, y0, x1, y1] around the row's cells, page coordinates, top-left origin.",
    )
    cell: str | None = Field(
        default=None,
        description='Where the row sits in a table grid, as Indicator.cell: "sheet 项目1, row 12".',
    )


class Form(_Shown):
    """One performance-target or self-evaluation form."""

    form_id: str = Field(
        description='"<first 16 hex of sha256>-<index from 0>", stable across runs.'
    )
    form_type: FormType = Field(description="Kind of form.")
    title: str | None = Field(default=None, description="Title as printed, whitespace cleaned.")
    year: int | None = Field(
        default=None, description="The budget year the form is for (not the fill date)."
    )
    department: str | None = Field(
        default=None, description="部门(单位)名称 / 主管部门 / 单位名称."
    )
    project: str | None = Field(default=None, description="项目名称 (project forms).")
    budget: Budget = Field(default_factory=Budget, description="Budget amounts in 万元.")
    responsibilities: str | None = Field(default=None, description="部门(单位)职责 text.")
    annual_goals: list[str] = Field(
        default_factory=list,
        description="年度履职目标 / 年度绩效目标, one item per numbered goal.",
    )
    tasks: list[Task] = Field(default_factory=list, description="年度主要任务 rows.")
    contacts: Contacts = Field(default_factory=Contacts, description="Footer contacts.")
    indicators: list[Indicator] = Field(
        default_factory=list, description="Indicators in the order they appear."
    )
    page_start: int | None = Field(default=None, description="First page of the form, 1-based.")
    page_end: int | None = Field(default=None, description="Last page of the form, 1-based.")
    line_start: int | None = Field(
        default=None, description="First line of the form, 1-based, text-like sources."
    )
    line_end: int | None = Field(
        default=None, description="Last line of the form, 1-based, text-like sources."
    )
    flags: list[str] = Field(default_factory=list, description="Form-level warnings.")
    unread: list[UnreadText] = Field(
        default_factory=list,
        description="Rows inside the indicator table that went into no "
        "indicator (garbled or name-only rows, page markers, stray sentences, totals, "
        "sign-off and budget lines); not header, level, footer or placeholder-only rows.",
    )

    def to_pandas(self) -> Any:
        """The indicators as a pandas DataFrame, one column per Indicator field (needs
        pandas: `pip install 'jixiao[pandas]'`)."""
        from jixiao.display import form_frame

        return form_frame(self)


class Problem(_Model):
    """A problem with a source; codes are stable (see jixiao.problems)."""

    code: str = Field(description='Stable code, e.g. "no_form_found", "decode_error".')
    message: str = Field(description="One sentence a person can act on.")
    page: int | None = Field(default=None, description="1-based page, when the problem has one.")


class SourceResult(_Shown):
    """Everything jixiao read from one source file."""

    schema_version: Literal["1"] = Field(default="1", description='Always "1" for this contract.')
    source: Source = Field(description="The source file.")
    forms: list[Form] = Field(
        default_factory=list, description="Forms found in the source; [] when none."
    )
    errors: list[Problem] = Field(
        default_factory=list, description="Fatal problems for this source (then forms may be [])."
    )

    def to_pandas(self) -> Any:
        """The indicators of every form as a pandas DataFrame: the rows `indicators.parquet`
        holds for this source, without the panel's key columns (needs pandas)."""
        from jixiao.display import result_frame

        return result_frame(self)


def json_schema() -> dict[str, object]:
    """The JSON Schema of SourceResult, as printed by `jixiao schema`."""
    return SourceResult.model_json_schema()
