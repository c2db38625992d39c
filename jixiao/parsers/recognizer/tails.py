"""The free-text cells at the end of a row, given roles by what they hold.

The decoder keeps a row's cells in the header's column order. The free-text columns after
the targets (指标解释, 评(扣)分标准, 备注, 偏差原因…, 绩效标准) are the exception in real
forms: a row may print its scoring rule where the header puts the explanation. Here the
roles of those cells are permuted among themselves to the cheapest fit, and a row whose
order changed is flagged `columns_swapped`.
"""

from __future__ import annotations

import math
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
    choices = _choices(roles, columns)
    if len(choices) < len(tail):  # several cells in one repeated column: leave them
        return row, False
    costs = [cell_costs(row[k].text).roles for k in tail]
    printed = _cost(costs, roles)
    if printed <= _lowest_cost(costs, choices):
        return row, False  # no order costs less than the printed one: none is tried
    best, cheapest = _cheapest_order(costs, choices)
    if list(best) == roles or cheapest >= printed:
        return row, False
    updated = list(row)
    for k, role in zip(tail, best):
        updated[k] = row[k].with_role(role)
    return updated, True


def _choices(roles: list[Role | None], columns: tuple[Role, ...]) -> list[Role | None]:
    """The roles the tail cells may take: their own, then the template's free-text columns,
    each once."""
    choices: list[Role | None] = []
    for role in roles:
        if role not in choices:
            choices.append(role)
    for role in columns:
        if role in TAIL and role not in choices:
            choices.append(role)
    return choices


def _lowest_cost(costs: list[dict[Role, float]], choices: list[Role | None]) -> float:
    """A bound no order of `choices` goes below: each cell in its own cheapest choice,
    summed in cell order as _cost sums (costs are finite, and a float sum of terms each no
    smaller is no smaller), so an order that costs this is among the cheapest."""
    total = 0.0
    for cell in costs:
        lowest = math.inf
        for role in choices:
            cost = 0.0 if role is None else cell.get(role, _IMPOSSIBLE)
            if cost < lowest:
                lowest = cost
        total += lowest
    return total


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
