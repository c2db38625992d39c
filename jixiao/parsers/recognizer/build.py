"""Decoded rows into RawForms: the arithmetic and tail fixes, flags, level rows, and the
text around the rows read as the forms' heads and footers; unread table lines kept."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Final

from jixiao.flags import COLUMNS_SHIFTED, COLUMNS_SWAPPED, WEIGHTS_UNBALANCED
from jixiao.parsers.metadata import budget_key, glued_head_segments
from jixiao.parsers.recognizer.arithmetic import resolve_numbers
from jixiao.parsers.recognizer.decode import LEVEL_ROLES, Cell, Decoded
from jixiao.parsers.recognizer.headers import Header
from jixiao.parsers.recognizer.kinds import DESCRIPTION, GROUP_POINTS, Kind, cell_info
from jixiao.parsers.recognizer.lattice import SEP_PIPE, SEP_WIDE, Atom
from jixiao.parsers.recognizer.projects import ProjectColumns, project_columns, project_values
from jixiao.parsers.recognizer.spans import Lattice, join_atoms
from jixiao.parsers.recognizer.tails import reorder_tail
from jixiao.parsers.tabular import FormAssembler
from jixiao.records import HeaderColumn, RawCell, RawForm, RawIndicator, RawRow, Role, UnreadText
from jixiao.roles import ROLE_EXPLANATION, ROLE_LEVEL1, ROLE_LEVEL2, ROLE_NAME, ROLE_SCORING
from jixiao.vocab import memo_table, remember


def _raw_cell(lattice: Lattice, cell: Cell) -> RawCell:
    atom = lattice.atoms[cell.start]
    return RawCell(cell.text, atom.col, atom.line, atom.page)


def _indicator(lattice: Lattice, cells: list[Cell], flags: tuple[str, ...]) -> RawIndicator:
    """A decoded row as a RawIndicator; several cells in one role (grade bands in the last
    column) are joined."""
    by_role: dict[Role, RawCell] = {}
    for cell in cells:
        if cell.role is None or not cell.text:  # an empty cell standing for its column
            continue
        raw = _raw_cell(lattice, cell)
        held = by_role.get(cell.role)
        by_role[cell.role] = raw if held is None else replace(held, text=f"{held.text} {raw.text}")
    first = lattice.atoms[_named_cell(cells).start]
    if ROLE_NAME not in by_role and not by_role.keys() <= LEVEL_ROLES:
        level = by_role.get(ROLE_LEVEL2) or by_role.get(ROLE_LEVEL1)
        # a row its level cell names (指标名称 holding 数量指标); not a group printing
        # its points (满意度指标(10分) | 10 | 分)
        if level is not None and not GROUP_POINTS.search(cell_info(level.text).folded):
            by_role[ROLE_NAME] = level
    # by position: a call by keyword matches each name to a parameter of the Python __init__
    return RawIndicator(by_role, ROLE_NAME not in by_role, first.line, first.page, None, flags)


def _named_cell(cells: list[Cell]) -> Cell:
    """The row's name cell, else its first."""
    for cell in cells:
        if cell.role is ROLE_NAME:
            return cell
    return cells[0]


def build_forms(
    lattice: Lattice,
    decoded: Decoded,
    columns: tuple[Role, ...],
    headers: list[Header],
    by_line: bool,
) -> list[RawForm]:
    """Rows into forms; the text around them is read as the forms' heads and footers.
    `by_line`: the table's lines are its rows (a level cell on a line above its row's name
    is a section row of its own)."""
    atoms = lattice.atoms
    prior = headers[0].column_prior() if headers and lattice.hard_cells else {}
    rows = [row for row in decoded.rows() if not _budget_line(lattice, row, prior)]
    projects = project_columns(lattice, headers)
    if projects is not None:
        rows = _without_project_cells(lattice, rows)
    rows, balanced = resolve_numbers(rows, columns, lattice.joined, lattice.hard_cells)
    order = headers[0].roles if headers else columns
    indicators = _row_indicators(lattice, rows, (columns, order), prior, by_line)
    taken = _taken_atoms(len(atoms), rows, headers)
    assembler = FormAssembler()
    head = _HeadFeeder(assembler, projects, _row_lines(atoms, rows))
    pending: list[Atom] = []
    for i, atom in enumerate(atoms):
        found = indicators[i]
        if found is not None:
            head.feed(pending, opens_row=bool(pending) and pending[-1].line == atom.line)
            pending = []
            if not assembler.table_open:
                assembler.open_table()
            for indicator in found:
                assembler.add(indicator, indicator.line)
            continue
        if taken[i]:
            continue  # a header's labels say nothing of the form's head
        if pending and atom.line != pending[-1].line:
            head.feed(pending)
            pending = []
        pending.append(atom)
    head.feed(pending)
    forms = assembler.finish()
    _note_unread(forms, lattice, decoded, _row_starts(len(atoms), rows))
    for form in forms:
        if not balanced:
            form.flags.append(WEIGHTS_UNBALANCED)
        if not form.header and headers:
            form.header = _header_columns(headers[0])
    return forms


def _row_lines(atoms: tuple[Atom, ...], rows: list[list[Cell]]) -> set[int]:
    """The lines holding a cell of a row (a row's cells mostly share a line: each line is
    added once a run)."""
    lines: set[int] = set()
    last = -1
    for row in rows:
        for cell in row:
            line = atoms[cell.start].line
            if line != last:
                lines.add(line)
                last = line
    return lines


def _row_starts(count: int, rows: list[list[Cell]]) -> list[bool]:
    """Whether each atom opens a cell of a row (a list by atom index, as _taken_atoms)."""
    starts = [False] * count
    for row in rows:
        for cell in row:
            starts[cell.start] = True
    return starts


def _taken_atoms(count: int, rows: list[list[Cell]], headers: list[Header]) -> list[bool]:
    """Whether each atom is in a row's cell or a header's labels (a list by atom index:
    cheaper to build and ask than a set of the indices)."""
    taken = [False] * count
    for row in rows:
        for cell in row:
            _take(taken, cell.start, cell.end)
    for header in headers:
        _take(taken, header.start, header.end)
    return taken


def _take(taken: list[bool], start: int, end: int) -> None:
    for i in range(start, min(end, len(taken))):
        taken[i] = True


def _row_indicators(
    lattice: Lattice,
    rows: list[list[Cell]],
    orders: tuple[tuple[Role, ...], tuple[Role, ...]],
    prior: dict[Role, int],
    by_line: bool,
) -> list[list[RawIndicator] | None]:
    """The indicators of each row, by atom index at the row's first atom (None at every
    other atom): tail cells in their cheapest roles, flags for cells off their header
    column, levels above a row's line split off. `orders`: the decoded column order and the
    header's (or the template's)."""
    columns, order = orders
    traded = _traded_roles(order)
    indicators: list[list[RawIndicator] | None] = [None] * len(lattice.atoms)
    for row in rows:
        row, _ = reorder_tail(row, columns)
        swapped = _swapped(row, traded)
        flags: tuple[str, ...] = (
            (COLUMNS_SHIFTED,) if _shifted(lattice, row, prior, swapped) else ()
        )
        if swapped:
            flags += (COLUMNS_SWAPPED,)
        parts = _split_levels(lattice, row) if by_line else [row]
        indicators[row[0].start] = [_indicator(lattice, part, flags) for part in parts]
    return indicators


def _without_project_cells(lattice: Lattice, rows: list[list[Cell]]) -> list[list[Cell]]:
    """In a table of several projects, a row without level cells that a row with them
    follows on the same line is the project's cells (项目名称 | 预算数 read as a name and a
    value): left out, for the head to read."""
    kept: list[list[Cell]] = []
    for row, following in zip(rows, [*rows[1:], None]):
        if following is not None and _project_cells(lattice, row, following):
            continue
        kept.append(row)
    return kept


def _project_cells(lattice: Lattice, row: list[Cell], following: list[Cell]) -> bool:
    line = lattice.atoms[row[-1].start].line
    return (
        not any(cell.role in LEVEL_ROLES for cell in row)
        and lattice.atoms[following[0].start].line == line
        and any(cell.role in LEVEL_ROLES for cell in following)
    )


def _budget_line(lattice: Lattice, row: list[Cell], prior: dict[Role, int]) -> bool:
    """A budget line inside the table ("年度资金总额 | 120万元"): a budget label read as the
    name, with no level cell, printed left of the name column. A cost indicator named like
    one (项目资金总额 in the name column, or after its 成本指标 cell) stays an indicator."""
    name = next((cell for cell in row if cell.role is ROLE_NAME), None)
    if name is None or any(cell.role in (ROLE_LEVEL1, ROLE_LEVEL2) for cell in row):
        return False
    if budget_key(name.text) is None or ROLE_NAME not in prior:
        return False
    return lattice.atoms[name.start].col < prior[ROLE_NAME]


def _split_levels(lattice: Lattice, row: list[Cell]) -> list[list[Cell]]:
    """A row whose level cells sit on lines above its name (rows one a line): the levels
    as a section row of their own, as a table of merged cells prints them."""
    name = next((k for k, cell in enumerate(row) if cell.role is ROLE_NAME), None)
    if not name:
        return [row]
    line = lattice.atoms[row[name].start].line
    if all(lattice.atoms[cell.start].line == line for cell in row[:name]):
        return [row]
    return [row[:name], row[name:]]


def _swapped(row: list[Cell], traded: list[Role]) -> bool:
    """The row prints its explanation and scoring rule in the opposite order to the
    header's (or the template's) columns; `traded`: those two roles in the header's order."""
    if len(traded) != 2:
        return False
    printed = _traded_roles([cell.role for cell in row])
    return len(printed) == 2 and (printed[0] is not traded[0] or printed[1] is not traded[1])


def _traded_roles(roles: list[Role | None] | tuple[Role, ...]) -> list[Role]:
    """The explanation and scoring roles among `roles`, in their order (tested by identity:
    an `in` test against a tuple of roles compares a None role through rich comparison)."""
    traded: list[Role] = []
    for role in roles:
        if role is ROLE_EXPLANATION or role is ROLE_SCORING:
            traded.append(role)
    return traded


def _shifted(lattice: Lattice, row: list[Cell], prior: dict[Role, int], swapped: bool) -> bool:
    """A cell outside its header label's "|"/tab column (levels and unlabelled extras
    aside; an explanation and a scoring rule that exactly traded columns count as
    swapped, not shifted). A role printed in several cells is placed by its last."""
    if not prior:
        return False  # no header column to be outside of
    exact = swapped and _traded_exactly(lattice, row, prior)
    atoms = lattice.atoms
    for k, cell in enumerate(row):
        role = cell.role
        if role is None or role is ROLE_LEVEL1 or role is ROLE_LEVEL2:
            continue
        if exact and (role is ROLE_EXPLANATION or role is ROLE_SCORING):
            continue
        col = prior.get(role)
        if col is not None and col != atoms[cell.start].col and _last_of_role(row, k):
            return True
    return False


def _last_of_role(row: list[Cell], k: int) -> bool:
    """No cell after the k-th holds its role."""
    role = row[k].role
    for j in range(k + 1, len(row)):
        if row[j].role is role:
            return False
    return True


def _placed_col(lattice: Lattice, row: list[Cell], role: Role) -> int | None:
    """The column of the row's last cell in `role`, None without one."""
    col = None
    for cell in row:
        if cell.role is role:
            col = lattice.atoms[cell.start].col
    return col


def _traded_exactly(lattice: Lattice, row: list[Cell], prior: dict[Role, int]) -> bool:
    """The explanation stands in the scoring rule's header column and the scoring rule in
    the explanation's."""
    explanation, scoring = prior.get(ROLE_EXPLANATION), prior.get(ROLE_SCORING)
    return (
        explanation is not None
        and scoring is not None
        and _placed_col(lattice, row, ROLE_EXPLANATION) == scoring
        and _placed_col(lattice, row, ROLE_SCORING) == explanation
    )


# the HeaderColumns of each header's roles, made once (frozen records, and a Role's
# .value a Python property): the few distinct headers come back in every source
_HEADER_COLUMNS: Final[dict[tuple[Role, ...], tuple[HeaderColumn, ...]]] = memo_table(
    {}, from_vocabulary=False
)


def _header_columns(header: Header) -> tuple[HeaderColumn, ...]:
    columns = _HEADER_COLUMNS.get(header.roles)
    if columns is not None:
        return columns
    columns = tuple([HeaderColumn(col, role, role.value) for col, role in enumerate(header.roles)])
    return remember(_HEADER_COLUMNS, header.roles, columns, 4096)


@dataclass(init=False)
class _HeadFeeder:
    """Feeds the assembler the lines outside every row, and in a table holding several
    projects the project cells that open each project's rows."""

    assembler: FormAssembler
    projects: ProjectColumns | None  # a table of several projects: its project columns
    row_lines: set[int]  # lines holding a cell of a row

    def __init__(
        self,
        assembler: FormAssembler,
        projects: ProjectColumns | None,
        row_lines: set[int],
    ) -> None:
        self.assembler = assembler
        self.projects = projects
        self.row_lines = row_lines

    def feed(self, atoms: list[Atom], opens_row: bool = False) -> None:
        """Atoms of one line outside every row, fed as a row of cells split at separators;
        `opens_row`: they come before a row's first cell on its line."""
        if not atoms:
            return
        cells = _head_cells(atoms)
        line, page = atoms[0].line, atoms[0].page
        before_rows = opens_row or line not in self.row_lines  # not the tail of a row
        projects = self.projects
        if projects is not None and cells and line > projects.line and before_rows:
            values = project_values([c.text for c in cells], projects.fields)
            if values is not None:
                self.assembler.start_project(values, RawRow(tuple(cells), line, page))
                return
        if len(cells) == 1 and len(cells[0].text) >= _GLUED_HEAD:
            for segment in glued_head_segments(cells[0].text):  # "…自评表项目名称甲主管部门乙"
                self.assembler.feed_outside(RawRow((RawCell(segment, 0, line, page),), line, page))
        elif cells:
            self.assembler.feed_outside(RawRow(tuple(cells), line, page))


def _head_cells(atoms: list[Atom]) -> list[RawCell]:
    """The cells of a line's atoms, split at "|"/tab and wide spaces."""
    groups: list[list[Atom]] = []
    for atom in atoms:
        if not groups or atom.sep in (SEP_PIPE, SEP_WIDE) or atom.first_in_line:
            groups.append([])
        groups[-1].append(atom)
    cells = []
    for group in groups:
        text = join_atoms(group).strip()
        if text:  # the "|"/tab column: a task or budget row continues where its label stood
            cells.append(RawCell(text, group[0].col, group[0].line, group[0].page))
    return cells


_GLUED_HEAD: Final = 30  # characters: a head cell this long may hold several labels run together


def _note_unread(
    forms: list[RawForm], lattice: Lattice, decoded: Decoded, used: list[bool]
) -> None:
    """Lines of a form's table that gave no indicator and hold text that went into nothing
    (placeholders and template labels aside), with all their cells: from the table's first
    row to its footer, or to the next form. A level row's description (反映…) is its own.
    `used`: by atom index, whether it opens a cell of a row kept."""
    by_line = _cells_by_line(lattice, decoded, used)
    footers = [lattice.atoms[s].line for s, _ in lattice.footers]
    starts = [form.line_start for form in forms if form.line_start is not None]
    end_of_text = lattice.atoms[-1].line if lattice.atoms else 0
    for form in forms:
        rows = [i.line for i in form.indicators if i.line is not None and not i.section]
        if not rows:
            continue
        first = min(rows)
        ends = [f - 1 for f in footers if f > first] + [s - 1 for s in starts if s > first]
        last = min(ends, default=end_of_text)
        for line in range(first, last + 1):
            text = _unread_line(lattice, by_line.get(line, []))
            if text:
                page = lattice.atoms[by_line[line][0].start].page
                form.unread.append(UnreadText(text, line, page))


def _cells_by_line(lattice: Lattice, decoded: Decoded, used: list[bool]) -> dict[int, list[Cell]]:
    """The decoded cells holding text outside locked atoms, by line; a cell of no row kept
    read in no role. A run of cells on one line looks its line's list up once."""
    by_line: dict[int, list[Cell]] = {}
    atoms = lattice.atoms
    current = -1
    cells: list[Cell] = []
    for cell in decoded.cells:
        if cell.text and not lattice.locked[cell.start]:
            line = atoms[cell.start].line
            if line != current:
                cells = by_line.setdefault(line, [])
                current = line
            cells.append(cell if used[cell.start] else cell.with_role(None))
    return by_line


_ROW_ROLES: Final = frozenset(Role) - {Role.LEVEL1, Role.LEVEL2}


def _cell_texts(lattice: Lattice, cells: list[Cell]) -> list[str]:
    """The printed cells of a line: the decoder's cells joined back where they were cut
    inside one printed cell ("2026|年|3|月" is "2026年3月")."""
    texts: list[str] = []
    for cell in cells:
        if not cell.text:
            continue
        if lattice.joined[cell.start] and texts:
            texts[-1] += cell.text
        else:
            texts.append(cell.text)
    return texts


def _unread_line(lattice: Lattice, cells: list[Cell]) -> str | None:
    """The line's cells joined, when none went into an indicator row and one that holds
    something went into nothing."""
    if any(cell.role in _ROW_ROLES for cell in cells):
        return None
    levels = any(cell.role is not None for cell in cells)
    kinds = [cell_info(cell.text).kind for cell in cells if cell.role is None]
    lost = [k for k in kinds if k not in _FILLERS and not (levels and k in DESCRIPTION)]
    if not lost:
        return None
    return " | ".join(_cell_texts(lattice, cells))


_FILLERS: Final = frozenset({Kind.EMPTY, Kind.PLACEHOLDER, Kind.TEMPLATE, Kind.LEVEL_PIECE})
