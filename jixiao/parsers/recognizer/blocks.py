"""A table whose value cells are printed before its names. PDF text flow from some sites
prints the value columns of every row first, row after row (=100% 100% 10 10 =100% …),
then the level names and the indicator names, the first name inside the header line and
a wrapped name's last character (率) apart from it.

Where a header names value columns after the name (target, actual, weight, score, operator,
unit), the cells right after it all hold values, and the text after them holds names,
the values are split into as many rows as there are names: text flow drops empty cells, so
the split is the one leaving the fewest cells empty with every cell in a column that can
hold it (a score at most its weight). The rows are paired with the names in order, and the
text is turned into a header line and a line per row, so the recognizer reads it as any
table; the forms point at the lines as printed. Where no split fits, nothing is paired."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import combinations
from typing import Final, TypeAlias

from jixiao.parsers.recognizer.headers import Header
from jixiao.parsers.recognizer.kinds import (
    KIND_FIELD,
    KIND_HEADER,
    KIND_LEVEL2,
    KIND_LEVEL_LIKE,
    KIND_LEVELX,
    KIND_LONG,
    KIND_NUMBER,
    KIND_TEXT,
    KIND_TOTAL,
    NAME_END,
    WHOLE_LEVELS,
    CellInfo,
    Kind,
    cell_info,
)
from jixiao.parsers.recognizer.lattice import SEP_GLUE
from jixiao.parsers.recognizer.spans import Lattice
from jixiao.records import Role, TextLine
from jixiao.roles import ROLE_LEVEL1, ROLE_LEVEL2, ROLE_NAME, ROLE_SCORE, ROLE_VALUE, ROLE_WEIGHT
from jixiao.vocab import derived, vocabulary

_VALUE_KINDS: Final = frozenset(
    {Kind.QUANTITY, Kind.NUMBER, Kind.WEIGHT, Kind.QUALITATIVE, Kind.DATE}
)
_POINT_KINDS: Final = frozenset({Kind.NUMBER, Kind.WEIGHT})
# what the cells of each value column may hold
_COLUMN_KINDS: Final = {
    Role.VALUE: _VALUE_KINDS,
    Role.ACTUAL: _VALUE_KINDS,
    Role.WEIGHT: _POINT_KINDS,
    Role.SCORE: _POINT_KINDS,
    Role.OPERATOR: frozenset({Kind.OPERATOR}),
    Role.UNIT: frozenset({Kind.UNIT}),
}
_RUN_KINDS: Final = frozenset().union(*_COLUMN_KINDS.values())
_TARGETS: Final = frozenset({Role.VALUE, Role.ACTUAL})
# an empty cell is likelier in these columns (a qualitative row's actual or unit) than in the
# target or the points: among splits leaving as many cells empty, theirs is chosen
_BARE_TARGET: Final = 0.3  # a target with no operator, unit or percent sign
_EMPTY_COST: Final = {Role.ACTUAL: 0.9, Role.UNIT: 0.9, Role.OPERATOR: 0.9}
_SKIPPED: Final = frozenset({Kind.LEVEL_PIECE})  # 指 标: a vertical label's characters
# a name after the values may read as a result too (控制在预算成本内)
_NAME_KINDS: Final = frozenset({Kind.TEXT, Kind.LONG, Kind.QUALITATIVE})
_MIN_ROWS: Final = 2
_MAX_RUN: Final = 400  # value cells: more are no table printed this way


@dataclass(slots=True, init=False, unsafe_hash=True)
class _Piece:
    """Atoms between two separators, glued ones joined: one printed cell."""

    start: int
    end: int
    text: str
    line: int
    page: int | None

    def __init__(self, start: int, end: int, text: str, line: int, page: int | None) -> None:
        self.start = start
        self.end = end
        self.text = text
        self.line = line
        self.page = page

    @property
    def info(self) -> CellInfo:
        return cell_info(self.text)


Row: TypeAlias = list[
    "_Piece | None"
]  # a row's value cells by column; None where the cell is empty


@dataclass(slots=True, init=False, unsafe_hash=True)
class _Pairing:
    header: Header
    roles: tuple[Role, ...]  # the value columns, in the header's order
    rows: list[Row]  # the value cells of each row
    names: list[_Piece]
    levels: list[tuple[str, str]]  # each row's level names ("" where none is printed)
    rest: list[_Piece]  # value cells after the last whole row (the total's)
    end: int  # the first atom after the pairing

    def __init__(
        self,
        header: Header,
        roles: tuple[Role, ...],
        rows: list[Row],
        names: list[_Piece],
        levels: list[tuple[str, str]],
        rest: list[_Piece],
        end: int,
    ) -> None:
        self.header = header
        self.roles = roles
        self.rows = rows
        self.names = names
        self.levels = levels
        self.rest = rest
        self.end = end


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
        if index == len(atoms) or atoms[index].sep is not SEP_GLUE:
            atom = atoms[start]
            pieces.append(_Piece(start, index, lattice.text(start, index), atom.line, atom.page))
            start = index
    return pieces


def _pairing(pieces: list[_Piece], header: Header) -> _Pairing | None:
    if ROLE_NAME not in header.roles:
        return None
    after_name = header.roles[header.roles.index(ROLE_NAME) + 1 :]
    roles = tuple(role for role in after_name if role in _COLUMN_KINDS)
    if not roles or len(set(roles)) < len(roles):
        return None
    first = next((k for k, p in enumerate(pieces) if p.start >= header.end), len(pieces))
    if first == len(pieces) or pieces[first].info.kind not in _RUN_KINDS:
        return None  # the first row opens with its name, or with words
    run_end = first
    while run_end < len(pieces) and _in_run(pieces[run_end].info):
        run_end += 1
    if run_end - first < _MIN_ROWS or run_end - first > _MAX_RUN:
        return None
    inside = [p for p in pieces if header.start <= p.start < header.end]
    names, level2s = _names_in_header(inside)
    level1s: list[_Piece] = []
    end = _names_after(pieces, run_end, names, (level1s, level2s))
    if len(names) < _MIN_ROWS:
        return None
    run = pieces[first:run_end]
    found = _rows_of(run, roles, len(names))
    if found is None or found[1]:  # values left over: a level-2 name may be a row's name too
        more = sorted([*names, *_nameless(level1s, level2s, names)], key=_start)
        again = _rows_of(run, roles, len(more)) if len(more) > len(names) else None
        if again is not None and (found is None or len(again[1]) < len(found[1])):
            names, found = more, again
    if found is None:
        return None
    rows, rest = found
    levels = _levels_of(names, level1s, level2s)
    return _Pairing(header, roles, rows, names, levels, rest, pieces[end - 1].end)


def _rows_of(
    run: list[_Piece], roles: tuple[Role, ...], count: int
) -> tuple[list[Row], list[_Piece]] | None:
    """The run of value cells as `count` rows, and the cells after them (a total's). An
    empty cell leaves no trace in text flow, so a row may hold fewer cells than columns:
    the rows are the split that leaves the fewest columns empty, each cell fitting its
    column; a cell left over after the rows costs as much as an empty one."""
    best: tuple[float, list[Row], list[_Piece]] | None = None
    for extra in range(len(roles)):
        body = run[: len(run) - extra]
        split = _split(body, roles, count)
        if split is not None and (best is None or split[0] + extra < best[0]):
            best = (split[0] + extra, split[1], run[len(body) :])
    return None if best is None else (best[1], best[2])


@lru_cache(maxsize=16)
def _patterns(width: int) -> tuple[tuple[int, ...], ...]:
    """The columns a row's cells may fill, in order: every non-empty subset, fullest first."""
    subsets = (c for k in range(width, 0, -1) for c in combinations(range(width), k))
    return tuple(subsets)


@lru_cache(maxsize=256)
def _missing(pattern: tuple[int, ...], width: int) -> tuple[int, ...]:
    return tuple(k for k in range(width) if k not in pattern)


def _split(
    body: list[_Piece], roles: tuple[Role, ...], count: int
) -> tuple[float, list[Row]] | None:
    """The cheapest split of `body` into `count` rows (dynamic programming over the cells;
    the cost is that of the empty cells)."""
    width = len(roles)
    if not count <= len(body) <= count * width:
        return None
    # best[(i, r)]: the cost of reading body[:i] as r rows, and the last row's pattern
    best: dict[tuple[int, int], tuple[float, tuple[int, ...]]] = {(0, 0): (0.0, ())}
    for i in range(len(body)):
        for r in range(count):
            here = best.get((i, r))
            if here is None:
                continue
            for pattern in _patterns(width):
                j = i + len(pattern)
                if j > len(body):
                    continue
                cells = body[i:j]
                fit = _row_cost(cells, tuple(roles[k] for k in pattern))
                if fit is None:
                    continue
                empty = sum(_EMPTY_COST.get(roles[k], 1.0) for k in _missing(pattern, width))
                cost = here[0] + fit + empty
                held = best.get((j, r + 1))
                if held is None or cost < held[0]:
                    best[(j, r + 1)] = (cost, pattern)
    final = best.get((len(body), count))
    if final is None:
        return None
    rows: list[Row] = []
    i = len(body)
    for r in range(count, 0, -1):
        pattern = best[(i, r)][1]
        start = i - len(pattern)
        row: Row = [None] * width
        for k, piece in zip(pattern, body[start:i]):
            row[k] = piece
        rows.append(row)
        i = start
    return final[0], rows[::-1]


def _levels_of(
    names: list[_Piece], level1s: list[_Piece], level2s: list[_Piece]
) -> list[tuple[str, str]]:
    """Each row's level names. Level-2 names by order where there are as many as rows
    (each printed apart from its name, A10's flow), else the one printed last before the
    name (a merged cell printed once before its group's names); the level-1 name is the one
    printed last before the row's level-2 name (or its name)."""
    if len(level2s) == len(names):
        chosen: list[_Piece | None] = list(level2s)
    else:
        chosen = [_last_before(level2s, name.start) for name in names]
    levels: list[tuple[str, str]] = []
    for name, level2 in zip(names, chosen):
        level1 = _last_before(level1s, (level2 or name).start)
        levels.append((level1.text if level1 else "", level2.text if level2 else ""))
    return levels


def _last_before(pieces: list[_Piece], start: int) -> _Piece | None:
    return next((piece for piece in reversed(pieces) if piece.start < start), None)


def _in_run(info: CellInfo) -> bool:
    return info.kind in _RUN_KINDS or _text_target(info)


def _text_target(info: CellInfo) -> bool:
    """A target printed as words (按计划实施, 经济效益良好), not words ending as names do
    (…完成率, or a wrapped name's last character 率)."""
    return info.kind in (KIND_TEXT, KIND_LONG) and not info.name_like


def _row_cost(row: Sequence[_Piece], roles: tuple[Role, ...]) -> float | None:
    """What reading these cells as a row in these columns costs; None where it cannot be:
    each cell holds what its column does, points are small numbers, a score is at most its
    weight. A bare number is a likelier weight than target."""
    points: dict[Role, float] = {}
    cost = 0.0
    for piece, role in zip(row, roles):
        info = piece.info
        if info.kind not in _COLUMN_KINDS[role] and not (role in _TARGETS and _text_target(info)):
            return None
        if role in (ROLE_WEIGHT, ROLE_SCORE):
            if info.number is None or not 0 <= info.number <= 100:
                return None
            points[role] = info.number
        elif role is ROLE_VALUE and info.kind is KIND_NUMBER:
            cost += _BARE_TARGET
    if points.get(ROLE_SCORE, 0.0) > points.get(ROLE_WEIGHT, 100.0):
        return None
    return cost


def _names_in_header(inside: list[_Piece]) -> tuple[list[_Piece], list[_Piece]]:
    """The first row's name and level printed among the header's labels (一级指标 二级指标
    数量指标 三级指标 与委托运营方结算完成 年度 指标值 …); a piece that runs into the next
    to make a label (年度 | 指标值) is the label's."""
    names: list[_Piece] = []
    level2s: list[_Piece] = []
    texts = ["", *(piece.text for piece in inside), ""]
    for k, piece in enumerate(inside):
        kind = piece.info.kind
        if kind is KIND_LEVEL2:
            level2s.append(piece)
        elif kind is KIND_TEXT and not _label_part(texts[k], piece.text, texts[k + 2]):
            names.append(piece)
    return names, level2s


def _label_part(before: str, text: str, after: str) -> bool:
    return any(
        cell_info(a + b).kind is KIND_HEADER for a, b in ((before, text), (text, after)) if a and b
    )


def _names_after(
    pieces: list[_Piece],
    start: int,
    names: list[_Piece],
    levels: tuple[list[_Piece], list[_Piece]],
) -> int:
    """Read the names and the level-1 and level-2 names after the values into `names` and
    `levels`; the index of the first piece after them (past a total, which ends them)."""
    level1s, level2s = levels
    index = start
    while index < len(pieces):
        piece = pieces[index]
        info = piece.info
        index += 1
        if info.kind is KIND_TOTAL:
            break
        if _level2(info, pieces[index].info if index < len(pieces) else None):
            level2s.append(piece)
        elif info.kind in WHOLE_LEVELS and not _whole_level(info):
            names.append(piece)  # 服务对象满意度: a name that reads as a level too
        elif info.kind in WHOLE_LEVELS:
            level1s.append(piece)
        elif info.kind in _SKIPPED:
            continue
        elif info.kind is KIND_TEXT and NAME_END.fullmatch(info.folded) and names:
            names[-1] = _joined(names[-1], piece)  # 率, 次数: a wrapped name's last characters
        elif info.kind is KIND_TEXT and len(info.folded) == 1:
            continue  # 绩 效: a vertical label
        elif info.kind in _NAME_KINDS or _field_named(info, pieces[index : index + 1]):
            names.append(piece)
        elif info.kind is KIND_LEVEL_LIKE and _name_like_a_level(pieces, index - 1, level2s):
            names.append(piece)
        else:
            index -= 1
            break
    return index


def _nameless(level1s: list[_Piece], level2s: list[_Piece], names: list[_Piece]) -> list[_Piece]:
    """The level-2 names right under a name of either level read as the level-1 (成本指标
    社会成本指标), with no name printed under them before the next level name: the old
    template's level-2 over its name, or the new one's level-2 whose name is its own."""
    levels = sorted([*level1s, *level2s], key=_start)
    nameless: list[_Piece] = []
    for k in range(1, len(levels)):
        above, level = levels[k - 1], levels[k]
        following = levels[k + 1].start if k + 1 < len(levels) else None
        if (
            above in level1s
            and above.info.kind is KIND_LEVELX
            and level in level2s
            and not any(
                above.start < name.start and (following is None or name.start < following)
                for name in names
            )
        ):
            nameless.append(level)
    return nameless


def _start(piece: _Piece) -> int:
    return piece.start


def _level2(info: CellInfo, following: CellInfo | None) -> bool:
    """A level-2 name; one that may be either level is the level-1 above the next."""
    if info.kind is KIND_LEVELX and _whole_level(info):
        return following is None or not (following.kind in WHOLE_LEVELS and _whole_level(following))
    return info.kind is KIND_LEVEL2


def _name_like_a_level(pieces: list[_Piece], index: int, level2s: list[_Piece]) -> bool:
    """An unlisted level name right under a level-2 name and before a level-1 name or the
    end (可持续影响指标 可持续性发展影响指标 满意度指标): that level-2's name, not a new group's
    level-1 (项目完成指标 数量指标 …)."""
    if index == 0 or not level2s or level2s[-1] is not pieces[index - 1]:
        return False
    following = pieces[index + 1].info.kind if index + 1 < len(pieces) else None
    return following is None or following in _ABOVE_LEVEL2


_ABOVE_LEVEL2: Final = frozenset({Kind.LEVEL1, Kind.LEVELX, Kind.TOTAL})


def _field_named(info: CellInfo, following: list[_Piece]) -> bool:
    """A name that reads as a head label (项目金额), a level name or the end after it."""
    if info.kind is not KIND_FIELD:
        return False
    return not following or following[0].info.kind in WHOLE_LEVELS | {KIND_TOTAL}


def _whole_level(info: CellInfo) -> bool:
    """A level name as level cells print it, ending in 指标."""
    return info.folded.endswith("指标")


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
    first = pairing.names[0]  # a pairing has _MIN_ROWS names or more
    level_roles = [
        role
        for k, role in enumerate((ROLE_LEVEL1, ROLE_LEVEL2))
        if any(levels[k] for levels in pairing.levels)
    ]
    columns = [*level_roles, ROLE_NAME, *pairing.roles]
    lines.append(("\t".join(labels[role] for role in columns), first.line, first.page))
    for k, (name, values) in enumerate(zip(pairing.names, pairing.rows)):
        by_role = dict(zip((ROLE_LEVEL1, ROLE_LEVEL2), pairing.levels[k]))
        cells = [by_role[role] for role in level_roles]
        cells += [name.text, *(value.text if value else "" for value in values)]
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
