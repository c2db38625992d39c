"""The free-text cells at the end of a row, given roles by what they hold.

The decoder keeps a row's cells in the header's column order. The free-text columns after
the targets (指标解释, 评(扣)分标准, 备注, 偏差原因…, 绩效标准) are the exception in real
forms: a row may print its scoring rule where the header puts the explanation. Here the
roles of those cells are permuted among themselves to the cheapest fit, and a row whose
order changed is flagged `columns_swapped`.
"""

from __future__ import annotations

from itertools import permutations
from typing import Final

from jixiao.parsers.recognizer.costs import cell_costs
from jixiao.parsers.recognizer.decode import Cell
from jixiao.records import Role

TAIL: Final = frozenset(
    {Role.EXPLANATION, Role.SCORING, Role.REMARK, Role.DEVIATION, Role.STANDARD}
)
_MAX_PERMUTED: Final = 5  # 120 orders at most
_IMPOSSIBLE: Final = 9.0


def reorder_tail(row: list[Cell], columns: tuple[Role, ...]) -> tuple[list[Cell], bool]:
    """The row with its free-text cells in their cheapest roles among the template's
    free-text columns; whether any moved."""
    tail = [k for k, cell in enumerate(row) if cell.role in TAIL and cell.text]
    if not 2 <= len(tail) <= _MAX_PERMUTED:
        return row, False
    roles = [row[k].role for k in tail]
    choices = list(dict.fromkeys([*roles, *(r for r in columns if r in TAIL)]))
    if len(choices) < len(tail):  # several cells in one repeated column: leave them
        return row, False
    best = min(permutations(choices, len(tail)), key=lambda order: _cost(row, tail, order))
    if list(best) == roles or _cost(row, tail, best) >= _cost(row, tail, roles):
        return row, False
    updated = list(row)
    for k, role in zip(tail, best):
        updated[k] = row[k].with_role(role)
    return updated, True


def _cost(
    row: list[Cell], tail: list[int], order: tuple[Role | None, ...] | list[Role | None]
) -> float:
    total = 0.0
    for k, role in zip(tail, order):
        if role is not None:
            total += cell_costs(row[k].text).roles.get(role, _IMPOSSIBLE)
    return total
