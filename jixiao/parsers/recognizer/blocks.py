"""A table whose value cells are printed before its names. PDF text flow from some sites
prints the value columns of every row first, row after row (=100% 100% 10 10 =100% …),
then the level names and the indicator names, the first name inside the header line and
a wrapped name's last character (率) apart from it.

Where a header names two or more value columns after the name, the cells right after it
all hold values and fall into whole rows of that many, and the text after them holds as
many names as there are rows (and level-2 names, if any, as many again), the rows are
paired with the names in order. The text is turned into a header line and a line per
row, so the recognizer reads it as any table; the forms point at the lines as printed."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from jixiao.parsers.recognizer.decode import Lattice
from jixiao.parsers.recognizer.headers import Header
from jixiao.parsers.recognizer.kinds import NAME_END, CellInfo, Kind, cell_info
from jixiao.parsers.recognizer.lattice import Sep
from jixiao.records import Role, TextLine
from jixiao.vocab import derived, vocabulary

_VALUE_KINDS = frozenset({Kind.QUANTITY, Kind.NUMBER, Kind.WEIGHT, Kind.QUALITATIVE, Kind.DATE})
_POINT_KINDS = frozenset({Kind.NUMBER, Kind.WEIGHT})
# what the cells of each value column may hold
_COLUMN_KINDS = {
    Role.VALUE: _VALUE_KINDS,
    Role.ACTUAL: _VALUE_KINDS,
    Role.WEIGHT: _POINT_KINDS,
    Role.SCORE: _POINT_KINDS,
    Role.OPERATOR: frozenset({Kind.OPERATOR}),
    Role.UNIT: frozenset({Kind.UNIT}),
}
_RUN_KINDS = frozenset().union(*_COLUMN_KINDS.values())
_TARGETS = frozenset({Role.VALUE, Role.ACTUAL})
_SKIPPED = frozenset({Kind.LEVEL1, Kind.LEVELX, Kind.LEVEL_PIECE})  # level-1 names derive
# a name after the values may read as a result too (控制在预算成本内)
_NAME_KINDS = frozenset({Kind.TEXT, Kind.LONG, Kind.QUALITATIVE})
_LEVELS = frozenset({Kind.LEVEL1, Kind.LEVEL2, Kind.LEVELX})
_MIN_ROWS = 2


@dataclass(frozen=True, slots=True)
class _Piece:
    """Atoms between two separators, glued ones joined: one printed cell."""

    start: int
    end: int
    text: str
    line: int
    page: int | None

    @property
    def info(self) -> CellInfo:
        return cell_info(self.text)


@dataclass(frozen=True, slots=True)
class _Pairing:
    header: Header
    roles: tuple[Role, ...]  # the value columns, in the header's order
    rows: list[list[_Piece]]  # the value cells of each row
    names: list[_Piece]
    levels: list[str]  # each row's level-2 name ("" where none is printed)
    rest: list[_Piece]  # value cells after the last whole row (the total's)
    end: int  # the first atom after the pairing


def values_before_names(
    lattice: Lattice, headers: Sequence[Header]
) -> tuple[tuple[TextLine, ...], dict[int, int]] | None:
    """The text with a table whose values precede its names turned into rows, numbered
    afresh, and each new line number's line as printed; None when there is no such table."""
    atoms = lattice.atoms
    if not any(
        h.end < len(atoms) and cell_info(atoms[h.end].text).kind in _RUN_KINDS for h in headers
    ):
        return None  # every header is followed by a name, a level or the end
    pieces = _pieces(lattice)
    for header in headers:
        pairing = _pairing(pieces, header)
        if pairing is not None:
            return _turned(pieces, pairing)
    return None


def _pieces(lattice: Lattice) -> list[_Piece]:
    pieces: list[_Piece] = []
    atoms = lattice.atoms
    start = 0
    for index in range(1, len(atoms) + 1):
        if index == len(atoms) or atoms[index].sep is not Sep.GLUE:
            atom = atoms[start]
            pieces.append(_Piece(start, index, lattice.text(start, index), atom.line, atom.page))
            start = index
    return pieces


def _pairing(pieces: list[_Piece], header: Header) -> _Pairing | None:
    if Role.NAME not in header.roles:
        return None
    after_name = header.roles[header.roles.index(Role.NAME) + 1 :]
    roles = tuple(role for role in after_name if role in _COLUMN_KINDS)
    if not roles or len(set(roles)) < len(roles):
        return None
    first = next((k for k, p in enumerate(pieces) if p.start >= header.end), len(pieces))
    run_end = first
    while run_end < len(pieces) and _in_run(pieces[run_end].info):
        run_end += 1
    count, extra = divmod(run_end - first, len(roles))
    if count < _MIN_ROWS:
        return None
    rows = [pieces[first + k * len(roles) : first + (k + 1) * len(roles)] for k in range(count)]
    if not all(_fits(row, roles) for row in rows):
        return None
    inside = [p for p in pieces if header.start <= p.start < header.end]
    names, level2s = _names_in_header(inside)
    end = _names_after(pieces, run_end, names, level2s)
    if len(names) != count:
        return None
    rest = pieces[run_end - extra : run_end]
    levels = _levels_of(names, level2s)
    return _Pairing(header, roles, rows, names, levels, rest, pieces[end - 1].end)


def _levels_of(names: list[_Piece], level2s: list[_Piece]) -> list[str]:
    """Each row's level-2 name: by order where there are as many as rows (each printed
    apart from its name, A10's flow), else the one printed last before the name (a merged
    cell printed once before its group's names)."""
    if len(level2s) == len(names):
        return [level.text for level in level2s]
    levels: list[str] = []
    for name in names:
        before = [level.text for level in level2s if level.start < name.start]
        levels.append(before[-1] if before else "")
    return levels


def _in_run(info: CellInfo) -> bool:
    return info.kind in _RUN_KINDS or _text_target(info)


def _text_target(info: CellInfo) -> bool:
    """A target printed as words (按计划实施, 经济效益良好)."""
    return info.kind is Kind.TEXT and info.target_like


def _fits(row: list[_Piece], roles: tuple[Role, ...]) -> bool:
    """Value cells that can be a row: each holds what its column does, points are small
    numbers, a score at most its weight."""
    points: dict[Role, float] = {}
    for piece, role in zip(row, roles):
        info = piece.info
        if info.kind not in _COLUMN_KINDS[role] and not (role in _TARGETS and _text_target(info)):
            return False
        if role in (Role.WEIGHT, Role.SCORE):
            if info.number is None or not 0 <= info.number <= 100:
                return False
            points[role] = info.number
    return points.get(Role.SCORE, 0.0) <= points.get(Role.WEIGHT, 100.0)


def _names_in_header(inside: list[_Piece]) -> tuple[list[_Piece], list[_Piece]]:
    """The first row's name and level printed among the header's labels (一级指标 二级指标
    数量指标 三级指标 与委托运营方结算完成 年度 指标值 …); a piece that runs into the next
    to make a label (年度 | 指标值) is the label's."""
    names: list[_Piece] = []
    level2s: list[_Piece] = []
    texts = ["", *(piece.text for piece in inside), ""]
    for k, piece in enumerate(inside):
        kind = piece.info.kind
        if kind is Kind.LEVEL2:
            level2s.append(piece)
        elif kind is Kind.TEXT and not _label_part(texts[k], piece.text, texts[k + 2]):
            names.append(piece)
    return names, level2s


def _label_part(before: str, text: str, after: str) -> bool:
    return any(
        cell_info(a + b).kind is Kind.HEADER for a, b in ((before, text), (text, after)) if a and b
    )


def _names_after(
    pieces: list[_Piece], start: int, names: list[_Piece], level2s: list[_Piece]
) -> int:
    """Read the names and level-2 names after the values into `names` and `level2s`; the
    index of the first piece after them (past a total, which ends them)."""
    index = start
    while index < len(pieces):
        piece = pieces[index]
        info = piece.info
        index += 1
        if info.kind is Kind.TOTAL:
            break
        if _level2(info, pieces[index].info if index < len(pieces) else None):
            level2s.append(piece)
        elif info.kind in _SKIPPED:
            continue
        elif info.kind is Kind.TEXT and NAME_END.fullmatch(info.folded) and names:
            names[-1] = _joined(names[-1], piece)  # 率, 次数: a wrapped name's last characters
        elif info.kind is Kind.TEXT and len(info.folded) == 1:
            continue  # 绩 效: a vertical label
        elif info.kind in _NAME_KINDS:
            names.append(piece)
        else:
            index -= 1
            break
    return index


def _level2(info: CellInfo, following: CellInfo | None) -> bool:
    """A level-2 name; one that may be either level is the level-1 above the next."""
    if info.kind is Kind.LEVELX:
        return following is None or following.kind not in _LEVELS
    return info.kind is Kind.LEVEL2


def _joined(piece: _Piece, tail: _Piece) -> _Piece:
    return _Piece(piece.start, tail.end, piece.text + tail.text, piece.line, piece.page)


@derived
@lru_cache(maxsize=1)
def _labels() -> dict[Role, str]:
    """A header label for each role (the shortest of three characters or more)."""
    found: dict[Role, str] = {}
    for label, role in sorted(
        vocabulary().headers.items(), key=lambda kv: (len(kv[0]) < 3, len(kv[0]))
    ):
        found.setdefault(role, label)
    return found


def _turned(pieces: list[_Piece], pairing: _Pairing) -> tuple[tuple[TextLine, ...], dict[int, int]]:
    labels = _labels()
    header = pairing.header
    lines: list[tuple[str, int, int | None]] = []
    lines += _as_lines([p for p in pieces if p.start < header.start])
    first = pieces[0] if not pairing.names else pairing.names[0]
    leveled = any(pairing.levels)
    columns = ([Role.LEVEL2] if leveled else []) + [Role.NAME, *pairing.roles]
    lines.append(("\t".join(labels[role] for role in columns), first.line, first.page))
    for k, (name, values) in enumerate(zip(pairing.names, pairing.rows)):
        cells = [pairing.levels[k]] if leveled else []
        cells += [name.text, *(value.text for value in values)]
        lines.append(("\t".join(cells), name.line, name.page))
    if pairing.rest:
        rest = pairing.rest[0]
        lines.append((" ".join(p.text for p in pairing.rest), rest.line, rest.page))
    lines += _as_lines([p for p in pieces if p.start >= pairing.end])
    renumbered = tuple(
        TextLine(number, text, page) for number, (text, _, page) in enumerate(lines, 1)
    )
    return renumbered, {number: printed for number, (_, printed, _) in enumerate(lines, 1)}


def _as_lines(pieces: list[_Piece]) -> list[tuple[str, int, int | None]]:
    """Pieces back into their lines, a space between two pieces of one line."""
    lines: list[tuple[str, int, int | None]] = []
    for piece in pieces:
        if lines and lines[-1][1] == piece.line:
            text, line, page = lines[-1]
            lines[-1] = (f"{text} {piece.text}", line, page)
        else:
            lines.append((piece.text, piece.line, piece.page))
    return lines
