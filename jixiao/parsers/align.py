"""Assign each cell of an indicator row a role, by content first and column second.

The header gives an ordered template of column roles. The row's filled cells are split in
two: a head matched in order to the head roles (levels, name, operator, value, unit,
weight, actual, score) by dynamic programming, and a tail matched in any order to the
free-text roles (explanation, scoring, remark, deviation, standard). The cost of putting a
cell in a slot is how badly its content fits the role plus a small charge per column of
distance, so a row shifted left, a unit cell with no header, or explanation and scoring
in each other's columns still come out right.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache, lru_cache

from jixiao.parsers.cells import CellType as T
from jixiao.records import HeaderColumn, Role

TAIL_ROLES = frozenset({Role.EXPLANATION, Role.SCORING, Role.REMARK, Role.DEVIATION, Role.STANDARD})
COLUMN_COST = 0.3
MAX_COLUMN_COST = 2.4
EXTRA_COST = 0.6
DROP_COST = 3.0

# How badly a cell of a content type fits a role; missing pairs are impossible.
FIT: dict[T, dict[Role, float]] = {
    T.LEVEL1: {Role.LEVEL1: 0, Role.LEVEL2: 1.5, Role.NAME: 2.0},
    T.LEVEL2: {Role.LEVEL2: 0, Role.LEVEL1: 1.0, Role.NAME: 1.5},
    T.LEVELX: {Role.LEVEL1: 0, Role.LEVEL2: 0, Role.NAME: 1.5},
    T.OPERATOR: {Role.OPERATOR: 0, Role.DIRECTION: 0.5, Role.VALUE: 1.0},
    T.DIRECTION: {Role.DIRECTION: 0, Role.OPERATOR: 0.5},
    T.NUMBER: {
        Role.VALUE: 0,
        Role.ACTUAL: 0,
        Role.WEIGHT: 0,
        Role.SCORE: 0,
        Role.REMARK: 0.8,
        Role.STANDARD: 1.0,
        Role.DEVIATION: 1.0,
        Role.EXPLANATION: 1.5,
        Role.NAME: 2.0,
    },
    T.DATE: {
        Role.VALUE: 0,
        Role.ACTUAL: 0,
        Role.REMARK: 1.0,
        Role.EXPLANATION: 1.5,
        Role.NAME: 2.0,
    },
    T.UNIT: {Role.UNIT: 0, Role.VALUE: 1.5, Role.REMARK: 1.5, Role.NAME: 2.5},
    T.WEIGHT: {
        Role.WEIGHT: 0,
        Role.REMARK: 0.2,
        Role.SCORE: 0.5,
        Role.VALUE: 1.0,
        Role.EXPLANATION: 2.0,
    },
    T.SCORING: {
        Role.SCORING: 0,
        Role.EXPLANATION: 1.2,
        Role.REMARK: 1.5,
        Role.DEVIATION: 1.5,
        Role.NAME: 2.5,
        Role.VALUE: 3.0,
    },
    T.TEXT: {
        Role.NAME: 0,
        Role.EXPLANATION: 0,
        Role.DEVIATION: 0.2,
        Role.STANDARD: 0.2,
        Role.VALUE: 0.4,
        Role.ACTUAL: 0.4,
        Role.REMARK: 0.5,
        Role.SCORING: 1.2,
    },
}
# Roles a cell may take without a header column of its own.
EXTRA_ROLES: dict[T, Role] = {T.UNIT: Role.UNIT, T.WEIGHT: Role.WEIGHT}

Cell = tuple[int, T]  # (column, content type)
Slot = tuple[int, Role]  # (column, role)
Assignment = tuple[Role | None, ...]  # role per cell; None = dropped


class Template:
    """A header's columns as a cache key (hash computed once), with head and tail slots
    split up front."""

    __slots__ = ("columns", "head", "tail", "roles", "_hash")

    def __init__(self, columns: tuple[HeaderColumn, ...]) -> None:
        self.columns = columns
        # free-text roles after the last ordered role form the tail; earlier ones stay ordered
        last_head = max((i for i, h in enumerate(columns) if h.role not in TAIL_ROLES), default=-1)
        self.head = tuple((h.col, h.role) for h in columns[: last_head + 1])
        self.tail = tuple((h.col, h.role) for h in columns[last_head + 1 :])
        self.roles = frozenset(h.role for h in columns)
        self._hash = hash(tuple((h.col, h.role.value) for h in columns))

    def __hash__(self) -> int:
        return self._hash

    def __eq__(self, other: object) -> bool:
        if self is other:
            return True
        return (
            isinstance(other, Template)
            and self._hash == other._hash
            and self.columns == other.columns
        )


@dataclass(frozen=True, slots=True)
class Alignment:
    roles: Assignment
    shifted: bool
    swapped: bool


def _fit(cell: Cell, slot: Slot) -> float | None:
    col, kind = cell
    scol, role = slot
    if role is Role.IGNORE:
        return 1.0 + min(abs(col - scol) * COLUMN_COST, MAX_COLUMN_COST)
    base = FIT[kind].get(role)
    if base is None:
        return None
    return base + min(abs(col - scol) * COLUMN_COST, MAX_COLUMN_COST)


def _extra(cell: Cell, template_roles: frozenset[Role]) -> tuple[float, Role | None]:
    role = EXTRA_ROLES.get(cell[1])
    if role is not None and role not in template_roles:
        return EXTRA_COST, role
    return DROP_COST, None


def _align_head(
    cells: tuple[Cell, ...], slots: tuple[Slot, ...], roles: frozenset[Role]
) -> tuple[float, Assignment]:
    @cache
    def best(i: int, j: int) -> tuple[float, Assignment]:
        if i == len(cells):
            return 0.0, ()
        cost, role = _extra(cells[i], roles)
        rest_cost, rest = best(i + 1, j)
        choice = (cost + rest_cost, (role, *rest))
        for k in range(j, len(slots)):
            fit = _fit(cells[i], slots[k])
            if fit is None:
                continue
            rest_cost, rest = best(i + 1, k + 1)
            if fit + rest_cost < choice[0]:
                choice = (fit + rest_cost, (slots[k][1], *rest))
        return choice

    return best(0, 0)


def _align_tail(
    cells: tuple[Cell, ...], slots: tuple[Slot, ...], roles: frozenset[Role]
) -> tuple[float, Assignment]:
    """Match cells to tail slots in any order: a DP over the set of slots already used."""

    @cache
    def best(i: int, used: int) -> tuple[float, Assignment]:
        if i == len(cells):
            return 0.0, ()
        cost, role = _extra(cells[i], roles)
        rest_cost, rest = best(i + 1, used)
        choice = (cost + rest_cost, (role, *rest))
        for k, slot in enumerate(slots):
            if used & (1 << k):
                continue
            fit = _fit(cells[i], slot)
            if fit is None:
                continue
            rest_cost, rest = best(i + 1, used | (1 << k))
            if fit + rest_cost < choice[0]:
                choice = (fit + rest_cost, (slot[1], *rest))
        return choice

    return best(0, 0)


@lru_cache(maxsize=16384)
def align(cells: tuple[Cell, ...], template: Template) -> Alignment:
    """Best role for each cell of a row, given the header template (cached by signature)."""
    head, tail, roles = template.head, template.tail, template.roles
    best: tuple[float, Assignment] = (float("inf"), ())
    for split in range(len(cells), -1, -1):
        head_cost, head_roles = _align_head(cells[:split], head, roles)
        tail_cost, tail_roles = _align_tail(cells[split:], tail, roles)
        if head_cost + tail_cost < best[0]:
            best = (head_cost + tail_cost, head_roles + tail_roles)
    return _judge(cells, best[1], template.columns)


def _judge(
    cells: tuple[Cell, ...], roles: Assignment, template: tuple[HeaderColumn, ...]
) -> Alignment:
    column_of = {h.role: h.col for h in template}
    placed = {role: cell[0] for cell, role in zip(cells, roles) if role is not None}
    swapped = _swapped(placed, column_of)
    exact_swap = swapped and all(
        placed[a] == column_of[b]
        for a, b in ((Role.EXPLANATION, Role.SCORING), (Role.SCORING, Role.EXPLANATION))
    )
    shifted = any(
        role in column_of and column_of[role] != col
        for role, col in placed.items()
        if not (exact_swap and role in (Role.EXPLANATION, Role.SCORING))
    )
    return Alignment(roles, shifted, swapped)


def _swapped(placed: dict[Role, int], column_of: dict[Role, int]) -> bool:
    e, s = Role.EXPLANATION, Role.SCORING
    if not all(r in placed and r in column_of for r in (e, s)):
        return False
    return (placed[e] < placed[s]) != (column_of[e] < column_of[s])
