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

Digits glued together ("%901010010": 90 | 10 | 100 | 10) are cut again here: every cut of
the run into as many numbers as the numeric columns hold is weighed the same way, with a
percentage over 100 and a numeric column left empty counting against a reading.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Final, TypeAlias

from jixiao.parsers.recognizer.costs import cell_costs
from jixiao.parsers.recognizer.decode import Cell
from jixiao.parsers.recognizer.kinds import KIND_NUMBER
from jixiao.records import Role
from jixiao.roles import ROLE_ACTUAL, ROLE_LEVEL1, ROLE_SCORE, ROLE_UNIT, ROLE_VALUE, ROLE_WEIGHT
from jixiao.text import fold

NUMERIC: Final[tuple[Role, ...]] = (Role.VALUE, Role.ACTUAL, Role.WEIGHT, Role.SCORE)
_SUBTOTAL: Final = re.compile(r"[(（]\s*(\d+(?:\.\d+)?)\s*分?\s*[)）]$")
_SCORE_OVER_WEIGHT: Final = 2.5
_EQUAL_BONUS: Final = -0.2
_MISSED_SUBTOTAL: Final = 3.0
_PERCENT_OVER_100: Final = 2.0  # a target or actual over 100 in a row whose unit is %
_EMPTY_NUMERIC: Final = 0.9  # a numeric column of the template the row leaves empty
_SCORE_ALONE: Final = 0.3  # a score with no weight beside it (points are scored out of a weight)
_FAR_FROM_TARGET: Final = 0.5  # per power of ten between an actual and its target
_EXTRA_CUT: Final = 0.15  # each number cut out of a glued run beyond the decoder's
_LONGEST_RUN: Final = 12  # digits: longer runs are not cut again
_WHOLE_NUMBER: Final = re.compile(r"(?:0|[1-9]\d*)(?:\.\d+)?")
_DIGITS: Final = re.compile(r"[\d.]+")

Row: TypeAlias = list[Cell]


@dataclass(slots=True, init=False, unsafe_hash=True)
class Reading:
    roles: tuple[Role, ...]  # for the row's movable cells, in order
    cost: float
    weight: float  # the row's weight under this reading (0 without one)
    texts: tuple[str, ...] | None = None  # the movable cells cut anew from a glued run

    def __init__(
        self,
        roles: tuple[Role, ...],
        cost: float,
        weight: float,
        texts: tuple[str, ...] | None = None,
    ) -> None:
        self.roles = roles
        self.cost = cost
        self.weight = weight
        self.texts = texts


def subtotal(level1_text: str) -> float | None:
    """The points a level-1 cell prints: "产出指标(50分)" -> 50, "(30分)" -> 30."""
    match = _SUBTOTAL.search(fold(level1_text))
    return float(match.group(1)) if match else None


def resolve_numbers(
    rows: list[Row],
    columns: Sequence[Role],
    joined: Sequence[bool] = (),
    hard_cells: bool = False,
) -> tuple[list[Row], bool]:
    """Rows with their bare numbers re-assigned; and whether every printed subtotal adds up.
    `joined[i]`: atom i is glued to the one before (digits there may be cut anew);
    `hard_cells`: the text's cells are cut by "|" or tabs, so one whole cell holding one
    number ("98.79") is that number, never a run to cut."""
    numeric = [role for role in columns if role in NUMERIC]
    if len(numeric) < 2:
        return rows, True
    column_of = {role: index for index, role in enumerate(columns)}
    balanced = True
    for group in _groups(rows):
        total = _group_total(rows, group)
        readings = [list(_readings(rows[i], numeric, column_of, joined, hard_cells)) for i in group]
        chosen, added_up = _choose(readings, total)
        balanced &= added_up
        for index, reading in zip(group, chosen):
            rows[index] = _apply(rows[index], reading)
    return rows, balanced


def _groups(rows: list[Row]) -> list[list[int]]:
    """Row indexes grouped by the level-1 cell they follow."""
    groups: list[list[int]] = [[]]
    for index, row in enumerate(rows):
        if any(cell.role is ROLE_LEVEL1 for cell in row) and groups[-1]:
            groups.append([])
        groups[-1].append(index)
    return [g for g in groups if g]


def _group_total(rows: list[Row], group: list[int]) -> float | None:
    for cell in rows[group[0]]:
        if cell.role is ROLE_LEVEL1:
            return subtotal(cell.text)
    return None


def _movable(cell: Cell) -> bool:
    return cell.role in NUMERIC and cell_costs(cell.text).info.kind is KIND_NUMBER


def _readings(
    row: Row,
    numeric: list[Role],
    column_of: dict[Role, int],
    joined: Sequence[bool],
    hard_cells: bool,
) -> Iterator[Reading]:
    """Every assignment of the row's bare numbers to numeric columns that keeps the row's
    cells in column order, the decoder's own reading among them; where the numbers are one
    glued run of digits, every cut of it too."""
    movable = [k for k, cell in enumerate(row) if _movable(cell)]
    if not movable:
        yield Reading((), 0.0, 0.0)
        return
    bounds = _bounds(row, movable, column_of)
    as_decoded = tuple(role for k in movable if (role := row[k].role) is not None)
    texts = tuple(row[k].text for k in movable)
    run = _glued_run(row, movable, joined, hard_cells)
    context = _RowContext(row, movable, numeric, glued=run is not None)
    for roles in dict.fromkeys([as_decoded, *_increasing(numeric, column_of, bounds)]):
        yield context.weigh(roles, texts)
    if run is None:
        return
    span = (bounds[0][0], bounds[-1][1])
    for count in range(1, len(numeric) + 1):
        for pieces in _cuts(run, count):
            if pieces == texts:
                continue
            for roles in _increasing(numeric, column_of, [span] * count):
                yield context.weigh(roles, pieces, cut_anew=True)


@dataclass(slots=True, init=False, unsafe_hash=True)
class _RowContext:
    row: Row
    movable: list[int]
    numeric: list[Role]
    glued: bool  # the movable numbers are one glued run of digits

    def __init__(self, row: Row, movable: list[int], numeric: list[Role], glued: bool) -> None:
        self.row = row
        self.movable = movable
        self.numeric = numeric
        self.glued = glued

    def weigh(
        self, roles: tuple[Role, ...], texts: tuple[str, ...], cut_anew: bool = False
    ) -> Reading:
        """A reading of the movable numbers, as `texts` (cut anew from a glued run, or the
        decoder's cells)."""
        values = {role: _number(text) for role, text in zip(roles, texts)}
        cost = sum((cell_costs(t).roles.get(r, 9.0) for t, r in zip(texts, roles)), 0.0)
        cost += _row_arithmetic(values, self.row, self.movable)
        if self.glued:
            cost += self._glued_evidence(values)
        if cut_anew:
            cost += _EXTRA_CUT * max(len(texts) - len(self.movable), 0)
        return Reading(roles, cost, values.get(ROLE_WEIGHT) or 0.0, texts if cut_anew else None)

    def _glued_evidence(self, values: dict[Role, float | None]) -> float:
        """How a reading of a glued run fits its row: numeric columns left empty and
        percentages over 100 count against it."""
        fixed = {c.role for k, c in enumerate(self.row) if k not in self.movable}
        empty = [r for r in self.numeric if r not in values and r not in fixed]
        cost = _EMPTY_NUMERIC * len(empty)
        if any(c.role is ROLE_UNIT and fold(c.text) in ("%", "％") for c in self.row):
            over = [r for r in (ROLE_VALUE, ROLE_ACTUAL) if (values.get(r) or 0.0) > 100]
            cost += _PERCENT_OVER_100 * len(over)
        return cost


def _glued_run(
    row: Row, movable: list[int], joined: Sequence[bool], hard_cells: bool
) -> str | None:
    """The movable cells' digits, where they are one run printed without a separator."""
    if not joined:
        return None
    cells = [row[k] for k in movable]
    if hard_cells and len(cells) == 1 and cells[0].end - cells[0].start == 1:
        return None  # one number alone in a "|"/tab cell
    if (
        len(cells) == 1
        and not _glued_at(joined, cells[0].start)
        and not _glued_at(joined, cells[0].end)
    ):
        return None  # one number printed apart ("=100% 22.5 科目…"), glued to nothing
    if movable != list(range(movable[0], movable[-1] + 1)):
        return None
    if any(not _DIGITS.fullmatch(c.text) for c in cells):
        return None
    if any(not joined[b.start] for b in cells[1:] if b.start < len(joined)):
        return None
    run = "".join(c.text for c in cells)
    return run if len(run) <= _LONGEST_RUN else None


def _glued_at(joined: Sequence[bool], boundary: int) -> bool:
    return boundary < len(joined) and joined[boundary]


def _cuts(run: str, count: int) -> Iterator[tuple[str, ...]]:
    """Every way to cut a run of digits into `count` whole numbers."""
    if count == 1:
        if _WHOLE_NUMBER.fullmatch(run):
            yield (run,)
        return
    for end in range(1, len(run)):
        head = run[:end]
        if _WHOLE_NUMBER.fullmatch(head):
            for rest in _cuts(run[end:], count - 1):
                yield (head, *rest)


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


def _number(text: str) -> float | None:
    return cell_costs(text).info.number


def _row_arithmetic(values: dict[Role, float | None], row: Row, movable: list[int]) -> float:
    fixed = {c.role: _number(c.text) for k, c in enumerate(row) if k not in movable and c.role}
    known = {**{k: v for k, v in fixed.items() if v is not None}, **values}
    weight, score = known.get(ROLE_WEIGHT), known.get(ROLE_SCORE)
    target, actual = known.get(ROLE_VALUE), known.get(ROLE_ACTUAL)
    cost = 0.0
    if weight is not None and score is not None:
        cost += _SCORE_OVER_WEIGHT if score > weight + 1e-9 else 0.0
        cost += _EQUAL_BONUS if score == weight else 0.0
    elif score is not None:
        cost += _SCORE_ALONE
    if target is not None and actual is not None and target == actual:
        cost += _EQUAL_BONUS
    if target and actual and target > 0 and actual > 0:  # an actual has its target's size
        cost += _FAR_FROM_TARGET * min(abs(math.log10(actual / target)), 4.0)
    return cost


def arithmetic_penalty(rows: list[Row]) -> float:
    """What the rows' arithmetic says against a reading as decoded (an actual far from its
    target, a score over its weight or without one): weighed with the decoder's cost when
    column orders are compared."""
    total = 0.0
    for row in rows:
        movable = [k for k, cell in enumerate(row) if _movable(cell)]
        values = {cell.role: _number(cell.text) for cell in (row[k] for k in movable) if cell.role}
        total += _row_arithmetic(values, row, movable)
    return total


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
    if reading.texts is not None:  # a glued run cut anew: its pieces share its atoms
        first, last = row[movable[0]], row[movable[-1]]
        pieces = [
            Cell(first.start, last.end, text, role)
            for text, role in zip(reading.texts, reading.roles)
        ]
        return [*updated[: movable[0]], *pieces, *updated[movable[-1] + 1 :]]
    for k, role in zip(movable, reading.roles):
        updated[k] = row[k].with_role(role)
    return updated
