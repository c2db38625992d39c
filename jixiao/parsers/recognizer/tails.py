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
    costs = [cell_costs(row[k].text).roles for k in tail]
    best, cheapest = _cheapest_order(costs, choices)
    if list(best) == roles or cheapest >= _cost(costs, roles):
        return row, False
    updated = list(row)
    for k, role in zip(tail, best):
        updated[k] = row[k].with_role(role)
    return updated, True


def _cheapest_order(
    costs: list[dict[Role, float]], choices: list[Role | None]
) -> tuple[tuple[Role | None, ...], float]:
    """The first cheapest assignment of `choices` to the cells whose role costs are `costs`
    (as min() over the permutations keyed by cost would pick), and its cost."""
    best: tuple[Role | None, ...] = ()
    cheapest = 0.0
    for order in permutations(choices, len(costs)):
        cost = _cost(costs, order)
        if not best or cost < cheapest:
            best, cheapest = order, cost
    return best, cheapest


def _cost(
    costs: list[dict[Role, float]], order: tuple[Role | None, ...] | list[Role | None]
) -> float:
    """What the cells cost in these roles (each cell's role costs looked up once per row,
    not once per order tried)."""
    total = 0.0
    for cell, role in zip(costs, order):
        if role is not None:
            total += cell.get(role, _IMPOSSIBLE)
    return total
