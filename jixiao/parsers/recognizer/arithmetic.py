"""The form's arithmetic as evidence: which bare number of a row is its target, actual,
weight or score.

A row "指标1:… 10 10" under a self-evaluation header (年度指标值 | 实际完成值 | 分值 | 得分)
could be a target and an actual or a weight and a score; the decoder, which sees one cell
at a time, cannot tell. Here every row's bare numbers are re-assigned among the numeric
columns of the template, in order, and each reading is weighed by the row's own arithmetic
(a score is at most its weight; a score equal to its weight, an actual equal to its target
are common) and by the form's: the weights of a group add up to the subtotal its level-1
cell prints ("产出指标(50分)", "(30分)"). Groups whose weights cannot be made to add up are
reported, so the form can be flagged.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace

from jixiao.parsers.recognizer.costs import cell_costs
from jixiao.parsers.recognizer.decode import Cell
from jixiao.parsers.recognizer.kinds import Kind
from jixiao.records import Role
from jixiao.text import fold

NUMERIC = (Role.VALUE, Role.ACTUAL, Role.WEIGHT, Role.SCORE)
_SUBTOTAL = re.compile(r"[(（]\s*(\d+(?:\.\d+)?)\s*分?\s*[)）]$")
_SCORE_OVER_WEIGHT = 2.5
_EQUAL_BONUS = -0.2
_MISSED_SUBTOTAL = 3.0

Row = list[Cell]


@dataclass(frozen=True, slots=True)
class Reading:
    roles: tuple[Role, ...]  # for the row's movable cells, in order
    cost: float
    weight: float  # the row's weight under this reading (0 without one)


def subtotal(level1_text: str) -> float | None:
    """The points a level-1 cell prints: "产出指标(50分)" -> 50, "(30分)" -> 30."""
    match = _SUBTOTAL.search(fold(level1_text))
    return float(match.group(1)) if match else None


def resolve_numbers(rows: list[Row], columns: Sequence[Role]) -> tuple[list[Row], bool]:
    """Rows with their bare numbers re-assigned; and whether every printed subtotal adds up."""
    numeric = [role for role in columns if role in NUMERIC]
    if len(numeric) < 2:
        return rows, True
    column_of = {role: index for index, role in enumerate(columns)}
    balanced = True
    for group in _groups(rows):
        total = _group_total(rows, group)
        readings = [list(_readings(rows[i], numeric, column_of)) for i in group]
        chosen, added_up = _choose(readings, total)
        balanced &= added_up
        for index, reading in zip(group, chosen):
            rows[index] = _apply(rows[index], reading)
    return rows, balanced


def _groups(rows: list[Row]) -> list[list[int]]:
    """Row indexes grouped by the level-1 cell they follow."""
    groups: list[list[int]] = [[]]
    for index, row in enumerate(rows):
        if any(cell.role is Role.LEVEL1 for cell in row) and groups[-1]:
            groups.append([])
        groups[-1].append(index)
    return [g for g in groups if g]


def _group_total(rows: list[Row], group: list[int]) -> float | None:
    for cell in rows[group[0]]:
        if cell.role is Role.LEVEL1:
            return subtotal(cell.text)
    return None


def _movable(cell: Cell) -> bool:
    return cell.role in NUMERIC and cell_costs(cell.text).info.kind is Kind.NUMBER


def _readings(row: Row, numeric: list[Role], column_of: dict[Role, int]) -> Iterator[Reading]:
    """Every assignment of the row's bare numbers to numeric columns that keeps the row's
    cells in column order; the decoder's own reading among them."""
    movable = [k for k, cell in enumerate(row) if _movable(cell)]
    if not movable:
        yield Reading((), 0.0, 0.0)
        return
    bounds = _bounds(row, movable, column_of)
    as_decoded = tuple(role for k in movable if (role := row[k].role) is not None)
    for roles in dict.fromkeys([as_decoded, *_increasing(numeric, column_of, bounds)]):
        values = {role: _number(row[k]) for k, role in zip(movable, roles)}
        cost = sum((cell_costs(row[k].text).roles.get(r, 9.0) for k, r in zip(movable, roles)), 0.0)
        cost += _row_arithmetic(values, row, movable)
        yield Reading(roles, cost, values.get(Role.WEIGHT) or 0.0)


def _bounds(row: Row, movable: list[int], column_of: dict[Role, int]) -> list[tuple[int, int]]:
    """For each movable cell, the open interval of columns its fixed neighbours leave."""
    bounds = []
    for k in movable:
        low = max(
            (column_of.get(c.role, -1) for c in row[:k] if c.role and not _movable(c)),
            default=-1,
        )
        high = min(
            (column_of.get(c.role, 99) for c in row[k + 1 :] if c.role and not _movable(c)),
            default=99,
        )
        bounds.append((low, high))
    return bounds


def _increasing(
    numeric: list[Role], column_of: dict[Role, int], bounds: list[tuple[int, int]]
) -> Iterator[tuple[Role, ...]]:
    def walk(position: int, after: int) -> Iterator[tuple[Role, ...]]:
        if position == len(bounds):
            yield ()
            return
        low, high = bounds[position]
        for role in numeric:
            column = column_of[role]
            if column <= after or not low < column < high:
                continue
            for rest in walk(position + 1, column):
                yield (role, *rest)

    yield from walk(0, -1)


def _number(cell: Cell) -> float | None:
    return cell_costs(cell.text).info.number


def _row_arithmetic(values: dict[Role, float | None], row: Row, movable: list[int]) -> float:
    fixed = {c.role: _number(c) for k, c in enumerate(row) if k not in movable and c.role}
    known = {**{k: v for k, v in fixed.items() if v is not None}, **values}
    weight, score = known.get(Role.WEIGHT), known.get(Role.SCORE)
    target, actual = known.get(Role.VALUE), known.get(Role.ACTUAL)
    cost = 0.0
    if weight is not None and score is not None:
        cost += _SCORE_OVER_WEIGHT if score > weight + 1e-9 else 0.0
        cost += _EQUAL_BONUS if score == weight else 0.0
    if target is not None and actual is not None and target == actual:
        cost += _EQUAL_BONUS
    return cost


def _choose(readings: list[list[Reading]], total: float | None) -> tuple[list[Reading], bool]:
    """The cheapest reading of each row; with a printed subtotal, the cheapest whose
    weights add up to it (dynamic programme over the running sum)."""
    cheapest = [min(options, key=lambda r: r.cost) for options in readings]
    if total is None or not any(r.weight for options in readings for r in options):
        return cheapest, True
    paths: dict[float, tuple[float, list[Reading]]] = {0.0: (0.0, [])}
    for options in readings:
        following: dict[float, tuple[float, list[Reading]]] = {}
        for running, (cost, chosen) in paths.items():
            for reading in options:
                key = round(running + reading.weight, 2)
                entry = (cost + reading.cost, [*chosen, reading])
                if key not in following or entry[0] < following[key][0]:
                    following[key] = entry
        paths = following
    exact = paths.get(round(total, 2))
    best_other = min(paths.values(), key=lambda e: e[0])
    if exact is not None and exact[0] <= best_other[0] + _MISSED_SUBTOTAL:
        return exact[1], True
    return cheapest, False


def _apply(row: Row, reading: Reading) -> Row:
    movable = [k for k, cell in enumerate(row) if _movable(cell)]
    updated = list(row)
    for k, role in zip(movable, reading.roles):
        updated[k] = replace(row[k], role=role)
    return updated
