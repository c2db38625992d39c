"""Find the indicator table's header row and turn it into a column template."""

from __future__ import annotations

import re
from typing import Final

from jixiao.records import HeaderColumn, RawRow, Role
from jixiao.roles import ROLE_ACTUAL, ROLE_IGNORE, ROLE_SCORE
from jixiao.text import fold
from jixiao.vocab import memo_table, remember, vocabulary

_CORE_ROLES: Final = frozenset({Role.NAME, Role.LEVEL1, Role.LEVEL2})


_HEADER_ROLE_MEMO: Final[dict[str, Role | None]] = memo_table({}, from_vocabulary=True)


def header_role(text: str) -> Role | None:
    """_header_role, remembered by text (jixiao.vocab.memo_table)."""
    if text in _HEADER_ROLE_MEMO:
        return _HEADER_ROLE_MEMO[text]
    return remember(_HEADER_ROLE_MEMO, text, _header_role(text), 65536)


def _header_role(text: str) -> Role | None:
    """The column role a header label names, or None when it is not a header label."""
    folded = _PERIOD_TAG.sub("", fold(text))
    return vocabulary().headers.get(_COLUMN_TAG.sub("", folded))


# "年初目标值(A)" / "实际完成值(B)" / "执行率(B/A)": a column's letter in the form's formulas
_COLUMN_TAG: Final = re.compile(r"[(（][A-Z](?:/[A-Z])?[)）]$|[(（](?:分|%)[)）]$")


# "二级指标(长期)" / "指标值(年度)": side-by-side long-term and annual columns
_PERIOD_TAG: Final = re.compile(r"[(（](?:中长期|长期|年度|当年|近期)[)）]$")


def period_tag(label: str) -> str | None:
    match = _PERIOD_TAG.search(fold(label))
    return match.group()[1:-1] if match else None


def split_periods(header: tuple[HeaderColumn, ...]) -> list[tuple[HeaderColumn, ...]]:
    """Side-by-side long-term and annual columns as one template per period (the untagged
    columns, such as 一级指标, belong to both); a plain header gives itself alone."""
    tags = list(dict.fromkeys(t for c in header if (t := period_tag(c.label))))
    if len(tags) < 2:
        return [header]
    return [tuple(c for c in header if period_tag(c.label) in (None, tag)) for tag in tags]


def read_header(row: RawRow) -> tuple[HeaderColumn, ...] | None:
    """The row's column template when the row is an indicator-table header, else None."""
    filled = row.cells
    if len(filled) < 3 or not any("指标" in c.text or "指標" in c.text for c in filled):
        return None  # every header names 三级指标 / 指标名称 / 一级指标 …
    if sum(header_role(c.text) is not None for c in filled) < 3:
        return None
    columns: list[HeaderColumn] = []
    known = 0
    for cell in filled:
        role = header_role(cell.text)
        if role is not None:
            known += 1
        columns.append(HeaderColumn(cell.col, role or ROLE_IGNORE, cell.text))
    roles = {c.role for c in columns}
    if known < 3 or not roles & _CORE_ROLES or known < len(columns) / 2:
        return None
    return tuple(columns)


def is_self_eval(header: tuple[HeaderColumn, ...]) -> bool:
    roles = {c.role for c in header}
    return ROLE_ACTUAL in roles or ROLE_SCORE in roles


_YEAR: Final = re.compile(r"(?:19|20)\d{2}年(?:度)?")


def header_continuation(
    row: RawRow, columns: tuple[HeaderColumn, ...]
) -> tuple[HeaderColumn, ...] | None:
    """Columns to append when `row` only holds header labels (the rest of a broken header).

    Labels with a year ("2021年实际实现值", "预期2022年实现值") are sub-headers of a column
    and add nothing.
    """
    filled = row.cells
    if not filled:
        return None
    roles = [header_role(_YEAR.sub("", fold(c.text))) for c in filled]
    years = [bool(_YEAR.search(fold(c.text))) for c in filled]
    if not all(role is not None or year for role, year in zip(roles, years)):
        return None
    start = max(c.col for c in columns) + 1
    return tuple(
        HeaderColumn(start + i, role or ROLE_IGNORE, cell.text)
        for i, (cell, role, year) in enumerate(zip(filled, roles, years))
        if role is not None and not year
    )
