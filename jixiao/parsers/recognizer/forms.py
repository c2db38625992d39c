"""From text lines to RawForms: header, templates, decoding, and the forms around the rows."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace

from jixiao.flags import COLUMNS_SHIFTED, COLUMNS_SWAPPED, WEIGHTS_UNBALANCED
from jixiao.parsers.header import header_role
from jixiao.parsers.metadata import (
    budget_key,
    field_of,
    footer_pairs,
    glued_head_segments,
    is_other_table_text,
    is_title_text,
)
from jixiao.parsers.metadata import footer_label as _footer_label
from jixiao.parsers.recognizer.arithmetic import resolve_numbers
from jixiao.parsers.recognizer.decode import (
    Cell,
    Decoded,
    Lattice,
    decode,
    join_atoms,
    layout_of,
)
from jixiao.parsers.recognizer.kinds import Kind, cell_info
from jixiao.parsers.recognizer.lattice import Atom, Sep, atoms_of
from jixiao.parsers.recognizer.settings import settings
from jixiao.parsers.recognizer.tails import reorder_tail
from jixiao.parsers.tabular import FormAssembler
from jixiao.records import (
    HeaderColumn,
    RawCell,
    RawForm,
    RawIndicator,
    RawRow,
    Role,
    TextLine,
    UnreadText,
)

_FREE_COLUMN = Role.REMARK  # a header column whose label names no known role
_NOT_COLUMNS = frozenset({Role.LEVEL1, Role.LEVEL2, Role.NAME, Role.IGNORE})
_QUIET = frozenset({Kind.EMPTY, Kind.PLACEHOLDER, Kind.PAGE, Kind.HEADER, Kind.TEMPLATE})


@dataclass(frozen=True, slots=True)
class Header:
    start: int  # atom index
    end: int
    roles: tuple[Role, ...]  # every column, in order
    cols: tuple[int, ...] | None = None  # the "|"/tab column of each label, when known

    def column_prior(self) -> dict[Role, int]:
        """Where each role's cells sit in a line of "|"/tab cells ({} when unknown)."""
        if self.cols is None:
            return {}
        found: dict[Role, int] = {}
        for role, col in zip(self.roles, self.cols):
            if col >= 0:
                found.setdefault(role, col)
        return found

    @property
    def columns(self) -> tuple[Role, ...]:
        """The template: the columns after the name, each role once; where no label names
        the target, the first unlisted label's column holds it."""
        roles = list(self.roles)
        if Role.VALUE not in roles and _FREE_COLUMN in roles:
            roles[roles.index(_FREE_COLUMN)] = Role.VALUE
        seen: list[Role] = []
        for role in roles:
            if role not in _NOT_COLUMNS and role not in seen:
                seen.append(role)
        return tuple(seen)


@dataclass(frozen=True)
class Reading:
    """Everything the recognizer found in a text: for building forms, and for debugging."""

    lattice: Lattice
    headers: list[Header]
    decoded: Decoded
    columns: tuple[Role, ...]


def recognize(lines: tuple[TextLine, ...]) -> list[RawForm]:
    """The forms of a text, rows found by what their cells hold."""
    reading = read(lines)
    if reading is None:
        return []
    return build_forms(reading.lattice, reading.decoded, reading.columns, reading.headers)


# words every indicator table prints (a level name or a header label), as printed in
# simplified or traditional characters: a text without any holds no table
_TABLE_WORDS = re.compile(r"指[标標]|[产產]出|效益|[满滿]意度|[一三][级級]")


def read(lines: tuple[TextLine, ...]) -> Reading | None:
    if not any(_TABLE_WORDS.search(line.text) for line in lines):
        return None
    atoms = atoms_of(lines)
    if not atoms:
        return None
    lattice = Lattice(atoms, layout_of(atoms))
    headers = find_headers(lattice)
    for header in headers:
        lattice.lock(header.start, header.end)
    for start, end in _footer_lines(atoms):
        lattice.lock(start, end)
    decoded, columns = best_reading(lattice, headers)
    return Reading(lattice, headers, decoded, columns)


def best_reading(lattice: Lattice, headers: list[Header]) -> tuple[Decoded, tuple[Role, ...]]:
    config = settings()
    row_start = _row_start_costs(lattice.atoms)
    wraps = _row_wrap_costs(lattice.atoms)
    region = table_region(lattice, headers)
    name_extra = _outside_costs(region)
    candidates: list[tuple[tuple[Role, ...], float]] = []
    positions: dict[Role, int] = {}
    if headers:
        candidates.append((headers[0].columns, config.cost("header_prior")))
        positions = headers[0].column_prior()
    candidates += [(order, config.cost("template_prior")) for order in config.templates]
    windows = _windows(region)
    best: tuple[Decoded, tuple[Role, ...]] | None = None
    best_cost = float("inf")
    for columns, prior in candidates:
        parts = [
            _decode_window(
                lattice, start, end, columns, row_start, name_extra, region, positions, wraps
            )
            for start, end in windows
        ]
        reading = _joined(lattice, windows, parts)
        rows = sum(cell.new_row for cell in reading.cells) or 1
        cost = reading.cost + prior * rows
        if cost < best_cost:
            best, best_cost = (reading, columns), cost
    assert best is not None
    return best


_WINDOW_MARGIN = 40  # atoms before a table region decoded with it (a row's start may lead in)


def _windows(region: Sequence[bool]) -> list[tuple[int, int]]:
    """The spans of atoms worth decoding: each table region, with a margin before it.
    Text far from any table is only skipped: a huge page without a table costs nothing."""
    spans: list[tuple[int, int]] = []
    index = 0
    while index < len(region):
        if not region[index]:
            index += 1
            continue
        end = index
        while end < len(region) and region[end]:
            end += 1
        start = max(index - _WINDOW_MARGIN, spans[-1][1] if spans else 0)
        if spans and start <= spans[-1][1]:
            spans[-1] = (spans[-1][0], end)
        else:
            spans.append((start, end))
        index = end
    return spans


def _decode_window(
    lattice: Lattice,
    start: int,
    end: int,
    columns: tuple[Role, ...],
    row_start: Sequence[float],
    name_extra: Sequence[float],
    region: Sequence[bool],
    positions: dict[Role, int],
    wraps: Sequence[float],
) -> Decoded:
    return decode(
        lattice.window(start, end),
        columns,
        row_start[start:end],
        name_extra[start:end],
        region[start:end],
        positions,
        wraps[start:end],
    )


def _joined(lattice: Lattice, windows: list[tuple[int, int]], parts: list[Decoded]) -> Decoded:
    """The readings of the windows as one, every atom outside them a skipped cell."""
    cells: list[Cell] = []
    cost = 0.0
    position = 0
    for (start, end), part in zip(windows, parts):
        cells += [Cell(i, i + 1, lattice.atoms[i].text, None) for i in range(position, start)]
        cells += [replace(c, start=c.start + start, end=c.end + start) for c in part.cells]
        cost += part.cost
        position = end
    cells += [
        Cell(i, i + 1, lattice.atoms[i].text, None) for i in range(position, len(lattice.atoms))
    ]
    return Decoded(tuple(cells), cost)


def lines_are_rows(atoms: Sequence[Atom]) -> bool:
    """Several cells a line, over several lines: each line is a row."""
    per_line = Counter(a.line for a in atoms if a.sep is not Sep.GLUE)
    typical = sorted(per_line.values())[len(per_line) // 2] if per_line else 0
    return len(per_line) >= 3 and 3 <= typical <= 20


def _row_wrap_costs(atoms: Sequence[Atom]) -> list[float]:
    """Where lines are rows, a row going on at the first cell of a line costs more."""
    if not lines_are_rows(atoms):
        return [0.0] * len(atoms)
    wrap = settings().cost("row_wrap")
    return [wrap if a.first_in_line else 0.0 for a in atoms]


def _row_start_costs(atoms: Sequence[Atom]) -> list[float]:
    config = settings()
    midline = config.cost("new_row_midline") if lines_are_rows(atoms) else 0.0
    start = config.cost("new_row")
    return [start + (0.0 if a.first_in_line else midline) for a in atoms]


def table_region(lattice: Lattice, headers: list[Header]) -> list[bool]:
    """Which atoms are inside an indicator table: from a header (or, when the text has
    none, from a level name) to a total, a footer label or a note; again from the next.
    Labels are read per piece (a cell's atoms joined: "合 计" is a total)."""
    atoms = lattice.atoms
    starts = {h.start for h in headers}
    inside = False  # a table starts at its header, or where there is none at a level name
    others = _other_headers(atoms)
    footers = {start for start, _ in _footer_lines(atoms)}
    region: list[bool] = []
    for index, atom in enumerate(atoms):
        piece = _piece_at(lattice, index)
        if index in starts or (not headers and _is_level(atom.text)):
            inside = True
        elif inside and (
            index in others or index in footers or piece is not None and _ends_table(piece)
        ):
            inside = False
        region.append(inside)
    return region


def _piece_at(lattice: Lattice, index: int) -> str | None:
    """The text of the piece starting at this atom (None inside a piece)."""
    if lattice.joined[index]:
        return None
    end = index + 1
    while end < len(lattice.atoms) and lattice.joined[end]:
        end += 1
    return lattice.text(index, end)


_MIN_OTHER_HEADER = 5


def _other_headers(atoms: Sequence[Atom]) -> set[int]:
    """First atoms of lines that read as the header of some other table: five or more
    short labels, no level name, no number ("序号 | 学校性质 | 培训机构 | …")."""
    found: set[int] = set()
    line: list[int] = []
    for index in range(len(atoms) + 1):
        if index == len(atoms) or (atoms[index].first_in_line and line):
            texts = [t for t in _pieces_of(atoms, line) if t]
            kinds = [cell_info(t).kind for t in texts]
            if (
                len(texts) >= _MIN_OTHER_HEADER
                and all(_label_like(t) for t in texts)
                and kinds.count(Kind.HEADER) <= 1  # not a line of the indicator table's header
            ):
                found.add(line[0])
            line = []
        if index < len(atoms):
            line.append(index)
    return found


def _pieces_of(atoms: Sequence[Atom], indexes: list[int]) -> list[str]:
    """The texts of the separator-delimited pieces these atoms make (glued atoms joined)."""
    pieces: list[list[Atom]] = []
    for k in indexes:
        if atoms[k].sep is not Sep.GLUE or not pieces:
            pieces.append([])
        pieces[-1].append(atoms[k])
    return [join_atoms(piece) for piece in pieces]


def _label_like(text: str) -> bool:
    info = cell_info(text)
    return info.kind in (Kind.TEXT, Kind.HEADER, Kind.FIELD) and len(info.folded) <= 12


def _is_level(text: str) -> bool:
    return cell_info(text).kind in (Kind.LEVEL1, Kind.LEVEL2, Kind.LEVELX)


def _footer_lines(atoms: Sequence[Atom]) -> list[tuple[int, int]]:
    """Atom spans of the lines that are footer lines ("填表人: 王红 联系电话: …")."""
    spans: list[tuple[int, int]] = []
    start = 0
    for index in range(1, len(atoms) + 1):
        if index == len(atoms) or atoms[index].line != atoms[start].line:
            text = " ".join(_pieces_of(atoms, list(range(start, index))))
            if footer_pairs(text) is not None:
                spans.append((start, index))
            start = index
    return spans


def _ends_table(text: str) -> bool:
    """A total, a footer or head label (the next form's 项目名称), a title, or a note."""
    info = cell_info(text)
    if info.kind is Kind.TOTAL:
        return True
    if info.kind is Kind.FIELD and (_footer_label(info.folded) or field_of(info.folded)):
        return True
    return bool(_NOTE.match(info.folded)) or is_title_text(text) or is_other_table_text(text)


_NOTE = re.compile(r"^(?:注|说明|备注)[:：\d.、]")


def _outside_costs(region: Sequence[bool]) -> list[float]:
    """A name outside the table region costs more (a form's head is not a table)."""
    extra = settings().cost("outside_table")
    return [0.0 if inside else extra for inside in region]


# --- headers ------------------------------------------------------------------------------

_MAX_HEADER_GAP = 2  # unknown cells tolerated between two header labels


def find_headers(lattice: Lattice) -> list[Header]:
    """Runs of header labels naming at least three columns, one of them the name or a level."""
    atoms = lattice.atoms
    headers: list[Header] = []
    i = 0
    while i < len(atoms):
        found = _header_at(lattice, i)
        if found is None:
            i += 1
            continue
        headers.append(found)
        i = found.end
    return headers


def _label_at(lattice: Lattice, i: int) -> tuple[int, Role] | None:
    """The longest span at atom i that is a header label: (end, role)."""
    if not lattice.atoms[i].text:
        return None
    best: tuple[int, Role] | None = None
    merged = 0.0
    for j in range(i + 1, min(len(lattice.atoms), i + 6) + 1):
        if j > i + 1:
            merged += lattice.merge[j - 1]
            if merged > 3:
                break
        role = header_role(lattice.text(i, j))
        if role is not None:
            best = (j, role)
    return best


def _header_at(lattice: Lattice, i: int) -> Header | None:
    labels: list[Role] = []
    places: list[int] = []  # the first atom of each label (-1 for an unlisted one)
    start = i
    end = i
    gap = 0
    j = i
    while j < len(lattice.atoms):
        label = _label_at(lattice, j)
        if label is not None:
            if labels:
                labels.extend([_FREE_COLUMN] * gap)
                places.extend([-1] * gap)
            places.append(j)
            j, role = label
            labels.append(role)
            end, gap = j, 0
            continue
        if not labels or gap >= _MAX_HEADER_GAP:
            break
        if lattice.atoms[j].text and cell_info(lattice.atoms[j].text).kind not in _QUIET:
            gap += 1
        j += 1
    first = next((k for k, role in enumerate(labels) if role in _OPENING), None)
    if first is None:
        return None
    labels, places = labels[first:], places[first:]  # earlier labels: other rows of the head
    known = sum(role is not _FREE_COLUMN and role is not Role.IGNORE for role in labels)
    if known < 3:
        return None
    extra = _trailing_labels(lattice, end)
    roles = (*labels, *[_FREE_COLUMN] * extra)
    return Header(
        start, end + extra, roles, _columns_at(lattice, [*places, *range(end, end + extra)])
    )


def _columns_at(lattice: Lattice, places: list[int]) -> tuple[int, ...] | None:
    """The "|"/tab column of each label (-1 where unknown), in a header of such cells.

    A header broken over lines counts its columns from its first line of three or more
    labels; the labels of the lines after it take the next columns, in order."""
    atoms = [lattice.atoms[k] if k >= 0 else None for k in places]
    known = [a for a in atoms if a is not None]
    if not any(a.sep is Sep.PIPE for a in known):
        return None
    per_line = Counter(a.line for a in known)
    base = next((line for line in sorted(per_line) if per_line[line] >= 3), None)
    if base is None:
        return None
    cols: list[int] = []
    following = max(a.col for a in known if a.line == base) + 1
    for atom in atoms:
        if atom is None or atom.line < base:
            cols.append(-1)
        elif atom.line == base:
            cols.append(atom.col)
        else:
            cols.append(following)
            following += 1
    return tuple(cols)


_MAX_TRAILING = 3


def _trailing_labels(lattice: Lattice, end: int) -> int:
    """Unlisted labels right after a header's last one, on its line ("笏石街道办 | 埭头镇":
    one target column per town): how many atoms."""
    atoms = lattice.atoms
    count = 0
    while end + count < len(atoms) and count < _MAX_TRAILING:
        atom = atoms[end + count]
        if atom.line != atoms[end - 1].line or atom.first_in_line:
            break
        info = cell_info(atom.text)
        if info.kind is not Kind.TEXT or len(info.folded) > 10:
            break
        count += 1
    return count


_OPENING = frozenset({Role.NAME, Role.LEVEL1, Role.LEVEL2, Role.IGNORE})


# --- forms --------------------------------------------------------------------------------


def _raw_cell(lattice: Lattice, cell: Cell) -> RawCell:
    atom = lattice.atoms[cell.start]
    return RawCell(cell.text, atom.col, atom.line, atom.page)


def _rows(decoded: Decoded) -> list[list[Cell]]:
    rows: list[list[Cell]] = []
    for cell in decoded.cells:
        if cell.role is None:
            continue
        if cell.new_row or not rows:
            rows.append([])
        rows[-1].append(cell)
    return rows


def _indicator(lattice: Lattice, cells: list[Cell], flags: tuple[str, ...]) -> RawIndicator:
    """A decoded row as a RawIndicator; several cells in one role (grade bands in the last
    column) are joined."""
    by_role: dict[Role, RawCell] = {}
    for cell in cells:
        if cell.role is None:
            continue
        raw = _raw_cell(lattice, cell)
        held = by_role.get(cell.role)
        by_role[cell.role] = raw if held is None else replace(held, text=f"{held.text} {raw.text}")
    named = next((cell for cell in cells if cell.role is Role.NAME), cells[0])
    first = lattice.atoms[named.start]
    return RawIndicator(
        cells=by_role,
        section=Role.NAME not in by_role,
        line=first.line,
        page=first.page,
        flags=flags,
    )


def build_forms(
    lattice: Lattice, decoded: Decoded, columns: tuple[Role, ...], headers: list[Header]
) -> list[RawForm]:
    """Rows into forms; the text around them is read as the forms' heads and footers."""
    atoms = lattice.atoms
    prior = headers[0].column_prior() if headers and lattice.hard_cells else {}
    rows = [row for row in _rows(decoded) if not _budget_line(lattice, row, prior)]
    rows, balanced = resolve_numbers(rows, columns)
    split = lines_are_rows(atoms)
    indicators: dict[int, list[RawIndicator]] = {}
    order = headers[0].roles if headers else columns
    for row in rows:
        row, _ = reorder_tail(row, columns)
        swapped = _swapped(row, order)
        flags: tuple[str, ...] = (
            (COLUMNS_SHIFTED,) if _shifted(lattice, row, prior, swapped) else ()
        )
        if swapped:
            flags += (COLUMNS_SWAPPED,)
        parts = _split_levels(lattice, row) if split else [row]
        indicators[row[0].start] = [_indicator(lattice, part, flags) for part in parts]
    in_row = {i for row in rows for cell in row for i in range(cell.start, cell.end)}
    assembler = FormAssembler()
    pending: list[Atom] = []
    for i, atom in enumerate(atoms):
        if i in indicators:
            _feed_head(assembler, pending)
            pending = []
            if not assembler.table_open:
                assembler.open_table()
            for indicator in indicators[i]:
                assembler.add(indicator, indicator.line)
            continue
        if i in in_row:
            continue
        if pending and atom.line != pending[-1].line:
            _feed_head(assembler, pending)
            pending = []
        pending.append(atom)
    _feed_head(assembler, pending)
    forms = assembler.finish()
    _note_unread(forms, lattice, decoded, {cell.start for row in rows for cell in row})
    for form in forms:
        if not balanced:
            form.flags.append(WEIGHTS_UNBALANCED)
        if not form.header and headers:
            form.header = _header_columns(headers[0])
    return forms


def _budget_line(lattice: Lattice, row: list[Cell], prior: dict[Role, int]) -> bool:
    """A budget line inside the table ("年度资金总额 | 120万元"): a budget label read as the
    name, with no level cell, printed left of the name column. A cost indicator named like
    one (项目资金总额 in the name column, or after its 成本指标 cell) stays an indicator."""
    name = next((cell for cell in row if cell.role is Role.NAME), None)
    if name is None or any(cell.role in (Role.LEVEL1, Role.LEVEL2) for cell in row):
        return False
    if budget_key(name.text) is None or Role.NAME not in prior:
        return False
    return lattice.atoms[name.start].col < prior[Role.NAME]


def _split_levels(lattice: Lattice, row: list[Cell]) -> list[list[Cell]]:
    """A row whose level cells sit on lines above its name (rows one a line): the levels
    as a section row of their own, as a table of merged cells prints them."""
    name = next((k for k, cell in enumerate(row) if cell.role is Role.NAME), None)
    if not name:
        return [row]
    line = lattice.atoms[row[name].start].line
    if all(lattice.atoms[cell.start].line == line for cell in row[:name]):
        return [row]
    return [row[:name], row[name:]]


def _swapped(row: list[Cell], order: tuple[Role, ...]) -> bool:
    """The row prints its explanation and scoring rule in the opposite order to the
    header's (or the template's) columns."""
    printed = [cell.role for cell in row if cell.role in _TRADED]
    expected = [role for role in order if role in _TRADED]
    return len(printed) == 2 and len(expected) == 2 and printed != expected


def _shifted(lattice: Lattice, row: list[Cell], prior: dict[Role, int], swapped: bool) -> bool:
    """A cell outside its header label's "|"/tab column (levels and unlabelled extras
    aside; an explanation and a scoring rule that exactly traded columns count as
    swapped, not shifted)."""
    placed = {c.role: lattice.atoms[c.start].col for c in row if c.role is not None}
    exact = swapped and all(
        placed.get(a) == prior.get(b) is not None
        for a, b in ((Role.EXPLANATION, Role.SCORING), (Role.SCORING, Role.EXPLANATION))
    )
    for role, col in placed.items():
        if role in (Role.LEVEL1, Role.LEVEL2) or (exact and role in _TRADED):
            continue
        if role in prior and prior[role] != col:
            return True
    return False


_TRADED = (Role.EXPLANATION, Role.SCORING)


def _header_columns(header: Header) -> tuple[HeaderColumn, ...]:
    return tuple(HeaderColumn(col, role, role.value) for col, role in enumerate(header.roles))


def _feed_head(assembler: FormAssembler, atoms: list[Atom]) -> None:
    """Atoms of one line outside every row, fed as a row of cells split at separators."""
    if not atoms:
        return
    groups: list[list[Atom]] = []
    for atom in atoms:
        if not groups or atom.sep in (Sep.PIPE, Sep.WIDE) or atom.first_in_line:
            groups.append([])
        groups[-1].append(atom)
    cells = []
    for group in groups:
        text = join_atoms(group).strip()
        if text:  # the "|"/tab column: a task or budget row continues where its label stood
            cells.append(RawCell(text, group[0].col, group[0].line, group[0].page))
    line, page = atoms[0].line, atoms[0].page
    if len(cells) == 1 and len(cells[0].text) >= _GLUED_HEAD:
        for segment in glued_head_segments(cells[0].text):  # "…自评表项目名称甲主管部门乙"
            assembler.feed_outside(RawRow((RawCell(segment, 0, line, page),), line, page))
    elif cells:
        assembler.feed_outside(RawRow(tuple(cells), line, page))


_GLUED_HEAD = 30  # characters: a head cell this long may hold several labels run together


def _note_unread(forms: list[RawForm], lattice: Lattice, decoded: Decoded, used: set[int]) -> None:
    """Lines of a form's table that gave no indicator and hold text that went into nothing
    (placeholders and template labels aside), with all their cells: from the table's first
    row to its footer, or to the next form. A level row's description (反映…) is its own.
    `used`: the first atoms of the cells of the rows kept."""
    by_line: dict[int, list[Cell]] = {}
    for cell in decoded.cells:
        if cell.text and not lattice.locked[cell.start]:
            kept = cell if cell.start in used else replace(cell, role=None)
            by_line.setdefault(lattice.atoms[cell.start].line, []).append(kept)
    footers = [lattice.atoms[s].line for s, _ in _footer_lines(lattice.atoms)]
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
            text = _unread_line(by_line.get(line, []))
            if text:
                page = lattice.atoms[by_line[line][0].start].page
                form.unread.append(UnreadText(text, line, page))


_ROW_ROLES = frozenset(Role) - {Role.LEVEL1, Role.LEVEL2}
_DESCRIPTION = frozenset({Kind.EXPLANATION, Kind.LONG})


def _unread_line(cells: list[Cell]) -> str | None:
    """The line's cells joined, when none went into an indicator row and one that holds
    something went into nothing."""
    if any(cell.role in _ROW_ROLES for cell in cells):
        return None
    levels = any(cell.role is not None for cell in cells)
    kinds = [cell_info(cell.text).kind for cell in cells if cell.role is None]
    lost = [k for k in kinds if k not in _FILLERS and not (levels and k in _DESCRIPTION)]
    if not lost:
        return None
    return " | ".join(cell.text for cell in cells if cell_info(cell.text).kind is not Kind.EMPTY)


_FILLERS = frozenset({Kind.EMPTY, Kind.PLACEHOLDER, Kind.TEMPLATE, Kind.LEVEL_PIECE})
