"""Rows as the cheapest path through the atoms: a semi-Markov dynamic programme.

A cell is a span of atoms; it either takes a role of the column order (levels, the name,
then the template's columns after the name) or is skipped. Within a row the columns only
move forward; a level cell or a name starts a new row. A row is `[level1] [level2] name
[columns…]`, or levels alone (a section row). The state is the column last filled and
whether the row has a target yet (a value, operator, actual, weight or score); a named row
closed without one costs `row_without_target`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from librt.vecs import vec
from mypy_extensions import i64

from jixiao.parsers.recognizer.costs import CellCosts, cell_costs
from jixiao.parsers.recognizer.kinds import DESCRIPTION, KIND_QUANTITY, Kind, cell_info
from jixiao.parsers.recognizer.settings import settings
from jixiao.parsers.recognizer.spans import Lattice, extended
from jixiao.records import Role
from jixiao.roles import ROLE_CODE, ROLE_OPERATOR, ROLE_UNIT, ROLE_VALUE, ROLES

# the columns before a template's
LEVELS: Final[tuple[Role, ...]] = (Role.LEVEL1, Role.LEVEL2, Role.NAME)
LEVEL_ROLES: Final = frozenset({Role.LEVEL1, Role.LEVEL2})  # the level columns alone
TARGETS: Final = frozenset({Role.VALUE, Role.OPERATOR, Role.ACTUAL, Role.SCORE, Role.WEIGHT})
# free-text columns that may hold several cells when they come last (grade bands, notes)
REPEATABLE: Final = frozenset({Role.REMARK, Role.STANDARD, Role.DEVIATION})
_NAME_COLUMN: Final = 3  # columns are numbered from 1: level1, level2, name, template…
_LEVEL_STATE: Final = 1 << 1  # the first state inside a row (its level-1 cell read)
# cells that may sit inside a row without being part of it
QUIET: Final = frozenset(
    {Kind.EMPTY, Kind.PLACEHOLDER, Kind.PAGE, Kind.TEMPLATE, Kind.LEVEL_PIECE, Kind.LOST_LEVEL}
)
_SKIP: Final = -1
_CLOSE: Final = -2  # a zero-length step: the row closed


@dataclass(slots=True, init=False)  # not frozen, its __init__ by hand: as an Atom (lattice.py)
class Cell:
    start: int  # atom index
    end: int  # atom index after the last
    text: str
    role: Role | None  # None: skipped
    new_row: bool

    def __init__(
        self, start: int, end: int, text: str, role: Role | None, new_row: bool = False
    ) -> None:
        self.start = start
        self.end = end
        self.text = text
        self.role = role
        self.new_row = new_row

    def with_role(self, role: Role | None) -> Cell:
        """The cell read in another role (dataclasses.replace, several times slower)."""
        return Cell(self.start, self.end, self.text, role, self.new_row)


@dataclass(slots=True, init=False, unsafe_hash=True)
class Decoded:
    cells: tuple[Cell, ...]
    cost: float

    def __init__(self, cells: tuple[Cell, ...], cost: float) -> None:
        self.cells = cells
        self.cost = cost

    def rows(self) -> list[list[Cell]]:
        """The read cells grouped into rows (skipped text left out)."""
        rows: list[list[Cell]] = []
        for cell in self.cells:
            if cell.role is None:
                continue
            if cell.new_row or not rows:
                rows.append([])
            rows[-1].append(cell)
        return rows

    def fits(self, lattice: Lattice, region: list[bool]) -> bool:
        """A reading that leaves little of its table unread (a header that fits its table);
        a level row's description (反映…) is no text left unread."""
        atoms = lattice.atoms
        rows = 0
        levelled: set[int] = set()  # lines holding a level cell
        for cell in self.cells:
            rows += cell.new_row
            if cell.role in LEVEL_ROLES:
                levelled.add(atoms[cell.start].line)
        unread = 0
        for cell in self.cells:
            if cell.role is None and region[cell.start] and not lattice.locked[cell.start]:
                kind = cell_info(cell.text).kind
                if kind not in QUIET and not (
                    kind in DESCRIPTION and atoms[cell.start].line in levelled
                ):
                    unread += 1
        return rows > 0 and unread <= rows * settings().cost("header_fits")


def skipped_cells(lattice: Lattice, start: int, end: int) -> list[Cell]:
    """Atoms [start, end) as skipped cells, one an atom."""
    return [Cell(i, i + 1, lattice.atoms[i].text, None) for i in range(start, end)]


def _entry(start: int, previous: int, column: int, new_row: bool) -> i64:
    """A back pointer packed in one int (a dict of tuples was a tenth of the decoder's time):
    the start atom of the step into a state, the state it came from, the column it filled
    (or _SKIP, _CLOSE, an extra role's code) and whether it opened a row. The state and the
    column take 8 bits each: a state is below 2 * (columns + 2), a column code at most
    _EXTRA_BASE + 2."""
    packed: i64 = ((start << 8 | previous + 1) << 8 | column - _CLOSE) << 1
    return packed | 1 if new_row else packed


def _unpacked(entry: i64) -> tuple[int, int, int, bool]:
    """(start atom, previous state, column, new row) of a packed back pointer."""
    return entry >> 17, (entry >> 9 & 255) - 1, (entry >> 1 & 255) + _CLOSE, bool(entry & 1)


def decode(
    lattice: Lattice,
    columns: tuple[Role, ...],
    row_start_cost: list[float],
    name_extra: list[float],
    region: list[bool],
    column_prior: dict[Role, int] | None = None,
    row_wrap: list[float] | None = None,
    named_by_level: bool = True,
    offset: int = 0,
) -> Decoded:
    """The cheapest reading of the atoms as rows in this column order (levels and name,
    then `columns`). `row_start_cost[i]` is the cost of a row starting at atom i;
    `name_extra[i]` is added to a name starting at atom i (outside the table region);
    skipping outside the table `region` is cheaper; `column_prior` gives the "|"/tab
    column of each role's header label (a cell elsewhere costs a little more);
    `row_wrap[i]` is the cost of a row going on at atom i (a line that should start one);
    `named_by_level`: a row may have no name, its level-2 cell naming it (rarer where a
    header names both a level-2 and a name column). The cells' atom indexes are moved
    `offset` on (the lattice is a window of a text, at that atom)."""
    decoder = _Decoder(lattice, columns, row_start_cost, name_extra, region)
    if not named_by_level:
        decoder.without_name = settings().cost("row_without_name_headed")
    decoder.by_column = bool(column_prior) and lattice.hard_cells
    for role, col in (column_prior or {}).items():
        decoder.prior[ROLE_CODE[role]] = col
    if row_wrap:
        decoder.row_wrap = vec[float](row_wrap)
    return decoder.run(offset)


class _Decoder:
    def __init__(
        self,
        lattice: Lattice,
        columns: tuple[Role, ...],
        row_start_cost: list[float],
        name_extra: list[float],
        region: list[bool],
    ) -> None:
        config = settings()
        self.lattice = lattice
        self.max_crossings = int(config.cost("max_crossings"))
        self.gap = config.cost("gap")
        self.no_target = config.cost("row_without_target")
        self.outside_skip = config.cost("outside_skip")
        self.beam = config.cost("beam")
        self.glued_skip = config.cost("glued_skip")
        self.row_skip = config.cost("row_skip")
        self.without_name = config.cost("row_without_name")
        self.repeat = config.cost("repeat_last")
        self.off_template = config.cost("off_template")
        self.unit_after_value = config.cost("unit_after_value")
        self.operator_before_value = config.cost("operator_before_value")
        self.empty_as_column = config.cost("empty_as_column")
        self.column_cost = config.cost("column_distance")
        self.column_cap = config.cost("column_distance_cap")
        self.by_column = False  # a header's columns weigh where "|"/tab cells sit
        # per role code, the "|"/tab column of its header label (-1: none)
        self.prior: vec[i64] = vec[i64]([-1] * len(ROLES))
        self.row_wrap: vec[float] = vec[float]([0.0] * len(lattice.atoms))
        self.order = (*LEVELS, *columns)
        self.column_of = {role: i + 1 for i, role in reversed(list(enumerate(self.order)))}
        self.unit_column = self.column_of.get(ROLE_UNIT, -1)
        self.value_column = self.column_of.get(ROLE_VALUE, 0)
        self.unit_twice = config.cost("unit_twice")
        free = len(self.order) > _NAME_COLUMN and self.order[-1] in REPEATABLE
        self.last = len(self.order) if free else -1
        self.width = len(self.order) + 2
        # per role code, the roles a cell may take in this order: its column (0 off the
        # template, -1 none), whether it is a target (1 or 0), its code as an extra role
        self.plan_column: vec[i64] = vec[i64]([-1] * len(ROLES))
        self.plan_target: vec[i64] = vec[i64]([0] * len(ROLES))
        self.extra_code: vec[i64] = vec[i64]([0] * len(ROLES))
        for role in (*self.order, *EXTRAS):
            code = ROLE_CODE[role]
            self.plan_column[code] = self.column_of.get(role, 0)
            self.plan_target[code] = 1 if role in TARGETS else 0
        for k, role in enumerate(EXTRAS):
            self.extra_code[ROLE_CODE[role]] = _EXTRA_BASE + k
        # per atom, unboxed (read for every cell a row may start or be named with)
        self.row_start_cost = vec[float](row_start_cost)
        self.name_extra = vec[float](name_extra)
        self.region = region
        count = len(lattice.atoms)
        # The cheapest way into each state at each atom, flat: atom * states + state (a
        # dict an atom boxed every key); `live[i]` lists the states reached at atom i in
        # the order they were first reached, which breaks ties as the dicts did.
        self.states = 2 * self.width  # a state is column << 1 | target bit
        # per target bit and column (bit * width + column), the cheapest state at the atom
        # being read that a cell in that column may follow, and its cost (_predecessors)
        self.open_cost: vec[float] = _costs(2 * self.width)
        self.open_state: vec[i64] = _states(2 * self.width)
        self.follow_cost: vec[float] = _costs(2 * self.width)
        self.follow_state: vec[i64] = _states(2 * self.width)
        self.following: list[bool] = [False, False]  # per bit: follow_state holds states
        self.best: vec[float] = _costs((count + 1) * self.states)
        self.back: vec[i64] = vec[i64]([0] * ((count + 1) * self.states))
        self.live: list[list[int]] = [[] for _ in range(count + 1)]
        self._reach(0, 0, 0.0, 0)

    def _reach(self, j: int, state: int, cost: float, entry: i64) -> None:
        """Reach `state` at atom j at `cost`, where that is cheaper than the way known."""
        at = j * self.states + state
        held = self.best[at]
        if cost < held:
            if held == _INF:
                self.live[j].append(state)
            self.best[at] = cost
            self.back[at] = entry

    def run(self, offset: int) -> Decoded:
        count = len(self.lattice.atoms)
        for i in range(count):
            if self.live[i]:
                self._prune(i)
                self._from(i)
        at = count * self.states
        ends = [(self.best[at + s] + self._close(s), s) for s in self.live[count]]
        final = min(ends, default=None)
        if final is None:
            return Decoded((), float("inf"))
        cells = _path(self.lattice, self.back, self.states, count, final[1], self.order, offset)
        return Decoded(cells, final[0])

    def _prune(self, i: int) -> None:
        """Drop the states at atom i that cannot lead to a reading near the best one."""
        states = self.live[i]
        if len(states) <= 4:
            return
        best, at = self.best, i * self.states
        cheapest = _INF
        for state in states:  # a loop: min() of a list boxed every cost
            reached = best[at + state]
            if reached < cheapest:
                cheapest = reached
        limit = cheapest + self.beam
        kept = [s for s in states if best[at + s] <= limit]
        if len(kept) < len(states):
            for state in states:
                if best[at + state] > limit:
                    best[at + state] = _INF
            self.live[i] = kept

    def _close(self, state: int) -> float:
        column, targeted = state >> 1, state & 1
        return self.no_target if column >= _NAME_COLUMN and not targeted else 0.0

    def _from(self, i: int) -> None:
        """Every cell starting at atom i, from every state reached there."""
        lattice = self.lattice
        closing, closing_state = self._close_row(i)
        if lattice.locked[i]:  # a header label, read already: no row reaches over it
            reached = self.best[i * self.states] + lattice.cut[i]
            self._reach(i + 1, 0, reached, _entry(i, 0, _SKIP, False))
            return
        merged = 0.0
        outside = 1.0 if self.region[i] else self.outside_skip
        glued = lattice.joined[i] and not self.region[i]
        pieces = self.glued_skip if glued else 1.0  # glued junk around a table skips cheaply
        self._predecessors(i)
        crossings = 0
        atoms = lattice.atoms
        last = i + 1 if not atoms[i].text else len(atoms)
        text = ""
        for j in range(i + 1, last + 1):  # an empty cell is a cell of its own
            if j > i + 1:
                if lattice.locked[j - 1]:
                    break
                merged += lattice.merge[j - 1]
                separated = not lattice.joined[j - 1]
                pieces += 1.0 if separated else lattice.glued_atom_skip
                crossings += separated
                if merged >= 50 or crossings > self.max_crossings:
                    break
            text = extended(text, atoms[j - 1])
            base = lattice.cut[i] + merged
            if len(text) > lattice.max_chars:
                if j == i + 1:  # one atom longer than any cell: it can only be skipped
                    self._skip(i, j, base + cell_costs(text[: lattice.max_chars]).skip * outside)
                break
            costs = cell_costs(text)
            if j == i + 1 or j == len(lattice.atoms) or not lattice.joined[j]:
                in_row = 0.0 if costs.info.kind in QUIET else self.row_skip * pieces
                self._skip(i, j, base + costs.skip * pieces * outside, in_row)
            if not text and lattice.inner_empty[i]:
                self._empty_column(i, base + self.empty_as_column)
            unit = costs.info.kind is KIND_QUANTITY  # a number printed with its unit
            self._roles(i, j, costs, base, closing, closing_state, unit)

    def _close_row(self, i: int) -> tuple[float, int]:
        """Being between rows at atom i: the current row closed (a zero-length step).
        Returns the cost of being between rows there and the state a new row follows."""
        best, at = self.best, i * self.states
        no_target = self.no_target
        closing, closing_state = _INF, -1
        zero_first = False  # state 0 comes before the closing state in the table's order
        seen_zero = False
        for state in self.live[i]:
            reached = best[at + state]
            if state >= _TARGETLESS_ROW and not state & 1:
                reached += no_target
            if reached < closing:
                closing, closing_state, zero_first = reached, state, seen_zero
            seen_zero = seen_zero or state == 0
        before = best[at]  # state 0's
        if closing < before:
            self._reach(i, 0, closing, _entry(i, closing_state, _CLOSE, False))
            if before != _INF and zero_first:  # the first state as cheap as closing
                closing_state = 0
        return closing, closing_state

    def _skip(self, i: int, j: int, cost: float, in_row: float = 0.0) -> None:
        """Skipped text (to a separator): the state is kept; inside a named row, skipping
        costs `in_row` more (a row does not reach over text that is not its own), and more
        again where a line that should start a row begins."""
        best, at, into = self.best, i * self.states, j * self.states
        in_row += self.row_wrap[i]
        for state in self.live[i]:
            total = best[at + state] + cost + (in_row if state >= _LEVEL_STATE else 0.0)
            held = best[into + state]  # self._reach, inlined: skips are the most taken step
            if total < held:
                if held == _INF:
                    self.live[j].append(state)
                best[into + state] = total
                self.back[into + state] = _entry(i, state, _SKIP, False)

    def _empty_column(self, i: int, cost: float) -> None:
        """An empty cell ("| |") standing for the column after a row's last one: the row
        moves on to it, so that the next cell reads as the column after (no gap paid). The
        empty cell is read in that column: the arithmetic keeps a number beside it in its
        own (a score under 得分 beside an empty 分值 is no weight)."""
        best, at = self.best, i * self.states
        for state in self.live[i]:
            if _NAME_COLUMN <= state >> 1 < len(self.order):
                moved = state + 2  # the next column, the target bit kept
                entry = _entry(i, state, (state >> 1) + 1, False)
                self._reach(i + 1, moved, best[at + state] + cost, entry)

    def _predecessors(self, i: int) -> None:
        """For each column, the cheapest state at atom i a cell in that column may follow
        (less the gap cost of the columns between), for rows without and with a target:
        into `follow_cost` and `follow_state`, at bit * width + column (tables kept from
        atom to atom: a pair of new ones for each atom was a tenth of the decoder's work)."""
        width, gap = self.width, self.gap
        best, at = self.best, i * self.states
        open_cost, open_state = self.open_cost, self.open_state
        # per target bit, the cost and state in each column (filled when a row is open:
        # between rows, most atoms of a table's margins, no column has a state to follow)
        opened = [False, False]
        for state in self.live[i]:
            column = state >> 1
            if column:
                bit = state & 1
                if not opened[bit]:
                    opened[bit] = True
                    for k in range(bit * width, bit * width + width):
                        open_cost[k] = _INF
                        open_state[k] = -1
                open_cost[bit * width + column] = best[at + state] - gap * column
                open_state[bit * width + column] = state
        for bit in range(2):
            if opened[bit]:
                self._follow(bit * width)
            elif self.following[bit]:  # nothing to follow at this bit now
                for k in range(bit * width, bit * width + width):
                    self.follow_state[k] = -1
            self.following[bit] = opened[bit]

    def _follow(self, first: int) -> None:
        """The cheapest entry before each column (prefix minima, by cost then state); the
        columns after the name follow the name, or a level where the row has no name.
        `first`: where the target bit's columns start in the tables."""
        costs, states = self.open_cost, self.open_state
        before_cost, before_state = self.follow_cost, self.follow_state
        before_cost[first], before_state[first] = _INF, -1
        cost, state = costs[first], states[first]
        for k in range(first + 1, first + _NAME_COLUMN + 1):  # a level or the name: any
            before_cost[k], before_state[k] = cost, state  # column before
            if _cheaper(costs[k], states[k], cost, state):
                cost, state = costs[k], states[k]
        name = first + _NAME_COLUMN
        cost, state = costs[name], states[name]  # after the name: the name, or a level
        for k in range(first + 1, name):  # where the row has no name
            unnamed = costs[k] + self.without_name
            if _cheaper(unnamed, states[k], cost, state):
                cost, state = unnamed, states[k]
        for k in range(name + 1, first + self.width):
            before_cost[k], before_state[k] = cost, state
            if _cheaper(costs[k], states[k], cost, state):
                cost, state = costs[k], states[k]

    def _roles(
        self,
        i: int,
        j: int,
        costs: CellCosts,
        base: float,
        closing: float,
        closing_state: int,
        with_unit: bool = False,
    ) -> None:
        """Every role of the cell [i, j) may take in this order, from the states at atom i
        (_predecessors) or as a row's first cell (after `closing`, from `closing_state`)."""
        best, back, into, live = self.best, self.back, j * self.states, self.live[j]
        wrap = self.row_wrap[i]  # a row going on into the next line of a lines-are-rows text
        gap, by_column, width = self.gap, self.by_column, self.width
        plan_column, plan_target = self.plan_column, self.plan_target
        follow_cost, follow_state = self.follow_cost, self.follow_state
        atom_col = self.lattice.atoms[i].col
        codes, fits = costs.codes, costs.fits
        for k in range(len(codes)):
            code = codes[k]
            column = plan_column[code]
            if column < 0:
                continue
            target = plan_target[code]
            fit = fits[k]
            if not column:
                self._extra(i, j, code, fit + base, target)
                continue
            fit += base + (self.name_extra[i] if column == _NAME_COLUMN else 0.0)
            if by_column:
                fit += self._off_column(code, atom_col)
            if column <= _NAME_COLUMN:  # a level or a name may open a row
                # a row may open at either level (a merged level-1 above it); at its name
                # it pays for both level columns it leaves out
                skipped = 2 if column == _NAME_COLUMN else 0
                cost = closing + self.row_start_cost[i] + gap * skipped + fit
                self._reach(j, column << 1, cost, _entry(i, closing_state, column, True))
            between = gap * float(column - 1)
            for targeted in range(2):  # a range: a tuple literal is built on every pass
                previous = follow_state[targeted * width + column]
                if previous >= 0:
                    cost = follow_cost[targeted * width + column] + between + fit + wrap
                    if with_unit and previous >> 1 == self.unit_column:
                        cost += self.unit_twice  # "万亩 | 2110110天": the row's unit read
                    state = (column << 1) | targeted | target
                    held = best[into + state]  # self._reach, inlined (the entry made only here)
                    if cost < held:
                        if held == _INF:
                            live.append(state)
                        best[into + state] = cost
                        back[into + state] = _entry(i, previous, column, False)
            if column == self.last:  # the last column may hold several cells
                self._repeat_last(i, j, column, target, fit + wrap)

    def _off_column(self, code: int, col: int) -> float:
        """What a cell in role `code` at "|"/tab column `col` pays for being away from its
        header label's column (nothing where the header has no such label)."""
        prior = self.prior[code]
        if prior < 0:
            return 0.0
        distance = col - prior if col >= prior else prior - col
        return min(float(distance) * self.column_cost, self.column_cap)

    def _repeat_last(self, i: int, j: int, column: int, target: int, fit: float) -> None:
        """Another cell in the last column, a free-text one (grade bands, notes)."""
        at = i * self.states
        for targeted in range(2):
            previous = (column << 1) | targeted
            reached = self.best[at + previous]
            if reached != _INF:
                cost = reached + self.repeat + fit
                self._reach(j, previous | target, cost, _entry(i, previous, column, False))

    def _extra(self, i: int, j: int, role: int, cost: float, target: int) -> None:
        """A unit, weight or operator cell (`role`: its code) in a table whose columns name
        none: the state is kept. A unit right after the value ("120 公里") or an operator
        right before it ("≥ 95%", OCR's "═ 12处") is as usual as one in its own column."""
        code = self.extra_code[role]
        value = self.value_column
        best, at = self.best, i * self.states
        for state in self.live[i]:
            column = state >> 1
            if column >= _NAME_COLUMN:
                if role == _UNIT and column == value:
                    extra = self.unit_after_value
                elif role == _OPERATOR and column < value:
                    extra = self.operator_before_value
                else:
                    extra = self.off_template
                total = best[at + state] + cost + extra
                self._reach(j, state | target, total, _entry(i, state, code, False))


_INF: Final = float("inf")
# roles a cell may take in a row whose template has no such column (an unlabelled column)
EXTRAS: Final[tuple[Role, ...]] = (Role.UNIT, Role.WEIGHT, Role.OPERATOR)
_EXTRA_BASE: Final = 100
_UNIT: Final = ROLE_CODE[ROLE_UNIT]
_OPERATOR: Final = ROLE_CODE[ROLE_OPERATOR]


def _costs(count: int) -> vec[float]:
    """`count` costs, none reached yet: a vec holds its floats unboxed when compiled (a list
    boxed every cost the decoder stored)."""
    return vec[float]([_INF] * count)


def _states(count: int) -> vec[i64]:
    """`count` states, none yet (-1)."""
    return vec[i64]([-1] * count)


def _cheaper(cost: float, state: i64, than_cost: float, than_state: i64) -> bool:
    """(cost, state) before (than_cost, than_state): cheaper, or as cheap with a lower state."""
    return cost < than_cost or (cost == than_cost and state < than_state)


_TARGETLESS_ROW: Final = _NAME_COLUMN << 1  # the first state of a named row without a target


def _path(
    lattice: Lattice,
    back: vec[i64],
    states: int,
    end: int,
    state: int,
    order: tuple[Role, ...],
    offset: int,
) -> tuple[Cell, ...]:
    cells: list[Cell] = []
    j, s = end, state
    while j > 0:
        i, previous, column, new_row = _unpacked(back[j * states + s])
        if column == _CLOSE:
            s = previous
            continue
        if column == _SKIP:
            role = None
        elif column >= _EXTRA_BASE:
            role = EXTRAS[column - _EXTRA_BASE]
        else:
            role = order[column - 1]
        cells.append(Cell(i + offset, j + offset, lattice.text(i, j), role, new_row))
        j, s = i, previous
    cells.reverse()
    return tuple(cells)
