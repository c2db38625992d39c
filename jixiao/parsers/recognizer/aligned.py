"""The fast path for clean tables: lines of "|"/tab cells that sit under their header labels.

Most tables printed as "|"/tab cells have rows that are lines, each cell in its header
label's column. Such a line is read without the decoder: each cell takes the role of the
label it sits under. A line is read this way only when the reading is plain (every cell in
a labelled column and nearly its cheapest reading; the row opens at a level or its name
and holds a target, or holds levels alone), and only when the line after it opens a row
too, so that no wrapped cell of it is left behind. Every other line goes to the decoder,
in runs that start between rows, as they would in a reading of the whole table (the header
labels that open a run are skipped first, as the decoder would skip them). The
decoder stays the reference: the tests read every sample with and without this path.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Final, TypeAlias

from jixiao.parsers.recognizer.costs import CellCosts, cell_costs
from jixiao.parsers.recognizer.decode import (
    EXTRAS,
    LEVEL_ROLES,
    LEVELS,
    QUIET,
    TARGETS,
    Cell,
    Decoded,
    skipped_cells,
)
from jixiao.parsers.recognizer.kinds import DESCRIPTION, cell_info
from jixiao.parsers.recognizer.lattice import SEP_GLUE
from jixiao.parsers.recognizer.spans import Lattice
from jixiao.records import Role
from jixiao.roles import ROLE_CODE, ROLE_UNIT, ROLE_VALUE

_OPENS_ROW: Final = frozenset(LEVELS)
Line: TypeAlias = tuple[int, int]  # atom span of one printed line
DecodeWindow: TypeAlias = Callable[[int, int], Decoded]


def aligned_reading(
    lattice: Lattice,
    windows: Sequence[tuple[int, int]],
    region: Sequence[bool],
    role_at: dict[int, Role],
    decode_window: DecodeWindow,
) -> Decoded:
    """The reading of the `windows`, aligned lines read by `role_at` ("|"/tab column ->
    role), the rest by `decode_window(start, end)` (its cells at their atoms in the text);
    atoms outside the windows skipped."""
    labels = _Labels(lattice, region, role_at, frozenset(EXTRAS) - frozenset(role_at.values()))
    cells: list[Cell] = []
    cost = 0.0

    def decoded(start: int, end: int) -> None:
        nonlocal cost
        labels = start  # the header labels leading the run: skipped, as the decoder skips them
        while start < end and lattice.locked[start]:
            start += 1
        cells.extend(skipped_cells(lattice, labels, start))
        if start < end:
            part = decode_window(start, end)
            cells.extend(part.cells)
            cost += part.cost

    position = 0
    for start, end in windows:
        cells += skipped_cells(lattice, position, start)
        lines = _lines(lattice, start, end)
        rows = [labels.row(line) for line in lines]
        pending = start  # the first atom not read yet
        for index, (line, row) in enumerate(zip(lines, rows)):
            follows = index + 1 == len(rows) or rows[index + 1] is not None
            if row is None or not follows:
                continue
            decoded(pending, line[0])
            cells += row
            pending = line[1]
        decoded(pending, end)
        position = end
    cells += skipped_cells(lattice, position, len(lattice.atoms))
    return Decoded(tuple(cells), cost)


def _lines(lattice: Lattice, start: int, end: int) -> list[Line]:
    lines: list[Line] = []
    atoms = lattice.atoms
    first = start
    for index in range(start + 1, end + 1):
        if index == end or atoms[index].line != atoms[first].line:
            lines.append((first, index))
            first = index
    return lines


@dataclass(slots=True, init=False, unsafe_hash=True)
class _Labels:
    """A header's labelled "|"/tab columns, for reading lines by the column of each cell."""

    lattice: Lattice
    region: Sequence[bool]
    role_at: dict[int, Role]  # "|"/tab column -> the role its label names
    extras: frozenset[Role]  # the roles the header has no column for

    def __init__(
        self,
        lattice: Lattice,
        region: Sequence[bool],
        role_at: dict[int, Role],
        extras: frozenset[Role],
    ) -> None:
        self.lattice = lattice
        self.region = region
        self.role_at = role_at
        self.extras = extras

    def row(self, line: Line) -> list[Cell] | None:
        """The line read in place, or where it fits whole one or two columns off (a row whose
        merged cells are left out, or printed without the first column's empty cell)."""
        for shift in _SHIFTS:
            row = self._row_at(line, shift)
            if row is not None:
                return row
        return None

    def _row_at(self, line: Line, shift: int) -> list[Cell] | None:
        """The line's cells read by the column they sit in (`shift` columns to the right),
        or None where that reading is not plainly right (the decoder reads such a line). A
        cell cut at glue points is read whole; a placeholder or page marker is skipped; a
        unit after the value, in a table without a unit column, is the value's."""
        lattice = self.lattice
        atoms = lattice.atoms
        cells: list[Cell] = []
        roles: list[Role] = []
        taken = 0  # the roles' codes as bits
        start, end = line
        if lattice.lines_closed and start and not atoms[start].line_closed:
            return None  # the line before ends without "|": its last cell goes on here
        while start < end:
            stop = start + 1
            while stop < end and atoms[stop].sep is SEP_GLUE:
                stop += 1
            if not self.region[start] or lattice.locked[start] or atoms[start].sep is SEP_GLUE:
                return None
            text = lattice.text(start, stop)
            costs = cell_costs(text)
            labelled = self.role_at.get(atoms[start].col + shift)
            if not text and roles and labelled not in _OPENS_ROW:
                cells.append(Cell(start, stop, "", labelled))  # an empty cell in its column
            elif not text or costs.info.kind in QUIET:
                cells.append(Cell(start, stop, text, None))
            else:
                margin = _IN_PLACE if not shift else _SHIFTED
                role = self._cell_role(costs, labelled, roles, taken, margin)
                if role is None:
                    return None
                cells.append(Cell(start, stop, text, role, not roles))
                roles.append(role)
                taken |= 1 << ROLE_CODE[role]
            start = stop
        if not roles or roles[0] not in _OPENS_ROW:
            return None  # a wrapped piece of a row
        if TARGETS.isdisjoint(roles) and not LEVEL_ROLES.issuperset(roles):
            return _described_section(cells, roles)
        return cells

    def _cell_role(
        self,
        costs: CellCosts,
        labelled: Role | None,
        before: list[Role],
        taken: int,
        margin: float,
    ) -> Role | None:
        """The role of a filled cell under the `labelled` column, or None where that is no
        plain reading of it (a unit beside the value fills no column of its own). `before`:
        the roles of the row's cells before it, which it cannot take again (`taken`: their
        codes as bits)."""
        if labelled is not None and _likely(costs, ROLE_CODE[labelled], margin, taken):
            return labelled
        if before and before[-1] is ROLE_VALUE and ROLE_UNIT in self.extras:
            return ROLE_UNIT if _likely(costs, _UNIT, margin, taken) else None
        return None


_SHIFTS: Final[tuple[int, ...]] = (0, 1, -1, 2, -2)


def _described_section(cells: list[Cell], roles: list[Role]) -> list[Cell] | None:
    """A section line that describes its level after the level cells ("产出指标 | 重点工作任务
    | | - | 反映本部门…"): the levels read, the description skipped, as the decoder reads
    it. Any other row without a target is None (the decoder reads it with its neighbours)."""
    described = cells[-1]
    if (
        len(roles) < 2
        or not LEVEL_ROLES.issuperset(roles[:-1])
        or described.role is not roles[-1]
        or cell_info(described.text).kind not in DESCRIPTION
    ):
        return None
    return [*cells[:-1], described.with_role(None)]


def _likely(costs: CellCosts, role: int, margin: float, taken: int) -> bool:
    """The role (its code) is within `margin` of the cell's cheapest reading the row still
    allows, the roles `taken` (codes as bits) left out: a text after the row's name is no
    name, under 指标解释 it is the explanation. Plain loops over the unboxed codes and costs
    (a comprehension, a generator, then tuples of roles and floats were a cell's dearest
    step)."""
    codes, fits = costs.codes, costs.fits
    cheapest, allowed = 0.0, False  # the cheapest reading the row allows
    for k in range(len(codes)):
        if not taken >> codes[k] & 1 and (not allowed or fits[k] < cheapest):
            cheapest, allowed = fits[k], True
    if not allowed:
        return False
    for k in range(len(codes)):
        if codes[k] == role and fits[k] <= cheapest + margin:
            return True
    return False


_UNIT: Final = ROLE_CODE[ROLE_UNIT]


# how much dearer than its cheapest reading a cell's role may be: under its own label a
# little (the label is evidence); in a line read off its labels, hardly at all
_IN_PLACE: Final = 1.0
_SHIFTED: Final = 0.5
