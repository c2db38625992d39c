"""Find the indicator table's header row and turn it into a column template."""

from __future__ import annotations

from functools import lru_cache

from jixiao.records import HeaderColumn, RawRow, Role
from jixiao.text import fold
from jixiao.vocab import vocabulary

_CORE_ROLES = frozenset({Role.NAME, Role.LEVEL1, Role.LEVEL2})


@lru_cache(maxsize=65536)
def header_role(text: str) -> Role | None:
    """The column role a header label names, or None when it is not a header label."""
    return vocabulary().headers.get(fold(text))


def read_header(row: RawRow) -> tuple[HeaderColumn, ...] | None:
    """The row's column template when the row is an indicator-table header, else None."""
    filled = row.filled
    if len(filled) < 3 or sum(header_role(c.text) is not None for c in filled) < 3:
        return None
    columns: list[HeaderColumn] = []
    known = 0
    for cell in filled:
        role = header_role(cell.text)
        if role is not None:
            known += 1
        columns.append(HeaderColumn(cell.col, role or Role.IGNORE, cell.text))
    roles = {c.role for c in columns}
    if known < 3 or not roles & _CORE_ROLES or known < len(columns) / 2:
        return None
    return tuple(columns)


def is_self_eval(header: tuple[HeaderColumn, ...]) -> bool:
    roles = {c.role for c in header}
    return Role.ACTUAL in roles or Role.SCORE in roles
