"""The indicator table's header: runs of column labels naming three or more columns, one
of them a level or the name; their roles give the decoder its column order, and, in a
text whose cells are cut by "|" or tabs, the column each role's cells sit in."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Final

from jixiao.parsers.header import header_role
from jixiao.parsers.recognizer.kinds import KIND_TEXT, Kind, cell_info
from jixiao.parsers.recognizer.lattice import SEP_PIPE, Atom
from jixiao.parsers.recognizer.spans import Lattice
from jixiao.records import Role
from jixiao.roles import (
    ROLE_DIRECTION,
    ROLE_IGNORE,
    ROLE_NAME,
    ROLE_OPERATOR,
    ROLE_VALUE,
    ROLE_WEIGHT,
)
from jixiao.text import fold
from jixiao.vocab import derived, memo_table, remember, vocabulary

_FREE_COLUMN: Final = Role.REMARK  # a header column whose label names no known role
_NOT_COLUMNS: Final = frozenset({Role.LEVEL1, Role.LEVEL2, Role.NAME, Role.IGNORE})
_QUIET: Final = frozenset({Kind.EMPTY, Kind.PLACEHOLDER, Kind.PAGE, Kind.HEADER, Kind.TEMPLATE})


@dataclass(slots=True, init=False, unsafe_hash=True)
class Header:
    start: int  # atom index
    end: int
    roles: tuple[Role, ...]  # every column, in order
    cols: tuple[int, ...] | None = None  # the "|"/tab column of each label, when known

    def __init__(
        self,
        start: int,
        end: int,
        roles: tuple[Role, ...],
        cols: tuple[int, ...] | None = None,
    ) -> None:
        self.start = start
        self.end = end
        self.roles = roles
        self.cols = cols

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
        if ROLE_VALUE not in roles and _FREE_COLUMN in roles:
            roles[roles.index(_FREE_COLUMN)] = ROLE_VALUE
        seen: list[Role] = []
        for role in roles:
            if role not in _NOT_COLUMNS and role not in seen:
                seen.append(role)
        return tuple(seen)


def header_orders(columns: tuple[Role, ...]) -> list[tuple[Role, ...]]:
    """The header's column order, and the same with its operator and direction columns
    traded: forms label them both ways (指标性质 holds 正向 in some, ≥ in others)."""
    if ROLE_OPERATOR not in columns or ROLE_DIRECTION not in columns:
        return [columns]
    a, b = columns.index(ROLE_OPERATOR), columns.index(ROLE_DIRECTION)
    traded = list(columns)
    traded[a], traded[b] = traded[b], traded[a]
    return [columns, tuple(traded)]


_MAX_HEADER_GAP: Final = 2  # unknown cells tolerated between two header labels


def find_headers(lattice: Lattice) -> list[Header]:
    """Runs of header labels naming at least three columns, one of them the name or a level."""
    atoms = lattice.atoms
    headers: list[Header] = []
    i = 0
    while i < len(atoms):
        label = _label_at(lattice, i)  # most atoms open no label, and so no header
        found = _header_at(lattice, i, label) if label is not None else None
        if found is None:
            i += 1
            continue
        headers.append(found)
        i = found.end
    return headers


def _label_at(lattice: Lattice, i: int) -> tuple[int, Role] | None:
    """The longest span at atom i that is a header label: (end, role)."""
    text = lattice.atoms[i].text
    if not text or not _may_open_label(text):
        return None  # no label opens with its first character
    best: tuple[int, Role] | None = None
    merged = 0.0
    for j in range(i + 1, min(len(lattice.atoms), i + 6) + 1):
        if j > i + 1:
            if not lattice.atoms[j - 1].text:
                break  # an empty cell ends a label
            merged += lattice.merge[j - 1]
            if merged > 3:
                break
        role = header_role(lattice.text(i, j))
        if role is not None:
            best = (j, role)
    return best


@derived
@lru_cache(maxsize=1)
def _label_starts() -> frozenset[str]:
    """The first characters of every header label, folded."""
    return frozenset(label[:1] for label in vocabulary().headers)


_MAY_OPEN_LABEL_MEMO: Final[dict[str, bool]] = memo_table({}, from_vocabulary=True)


def _may_open_label(text: str) -> bool:
    """_opens_a_label, remembered by text (jixiao.vocab.memo_table)."""
    if text in _MAY_OPEN_LABEL_MEMO:
        return _MAY_OPEN_LABEL_MEMO[text]
    return remember(_MAY_OPEN_LABEL_MEMO, text, _opens_a_label(text), 65536)


def _opens_a_label(text: str) -> bool:
    """A header label may open with this text: one opens with its first character, folded
    (one cached test an atom instead of a fold, a slice and a set lookup)."""
    return fold(text)[:1] in _label_starts()


def _header_at(lattice: Lattice, i: int, opening: tuple[int, Role]) -> Header | None:
    """The header whose labels start at atom i, `opening` the label there (its end, role)."""
    labels: list[Role] = []
    places: list[int] = []  # the first atom of each label (-1 for an unlisted one)
    start = i
    end = i
    gap = 0
    j = i
    label: tuple[int, Role] | None = opening
    while True:
        if label is not None:
            if labels:
                labels.extend([_FREE_COLUMN] * gap)
                places.extend([-1] * gap)
            places.append(j)
            j, role = label
            labels.append(role)
            end, gap = j, 0
        else:
            if not labels or gap >= _MAX_HEADER_GAP:
                break
            if lattice.atoms[j].text and cell_info(lattice.atoms[j].text).kind not in _QUIET:
                gap += 1
            j += 1
        if j >= len(lattice.atoms):
            break
        label = _label_at(lattice, j)
    first = next((k for k, role in enumerate(labels) if role in _OPENING), None)
    if first is None:
        return None
    labels, places = labels[first:], places[first:]  # earlier labels: other rows of the head
    known = sum(role is not _FREE_COLUMN and role is not ROLE_IGNORE for role in labels)
    if known < 3 and not (known == 2 and _two_label_header(set(labels))):
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
    if not any(a.sep is SEP_PIPE for a in known):
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


_MAX_TRAILING: Final = 3


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
        if info.kind is not KIND_TEXT or len(info.folded) > 10 or info.name_like:
            break  # "…说明农村供水保障率": a glued table's first name, not a column
        if _row_goes_on(atoms, end + count + 1, atom.line):
            break  # "得分 制度建设 制定专项资金管理办法…": the first row's name
        count += 1
    return count


_ROW_CONTENT: Final = frozenset({Kind.NUMBER, Kind.QUANTITY, Kind.SCORING, Kind.LONG})
_LONGEST_LABEL: Final = 12  # characters: a longer text after a label is a row's cell


def _row_goes_on(atoms: Sequence[Atom], index: int, line: int) -> bool:
    """The text after a would-be trailing label, on its line, is a row's: a long text, a
    number or a scoring rule."""
    if index >= len(atoms) or atoms[index].line != line or atoms[index].first_in_line:
        return False
    info = cell_info(atoms[index].text)
    return info.kind in _ROW_CONTENT or len(info.folded) > _LONGEST_LABEL


def _two_label_header(roles: set[Role]) -> bool:
    """A header naming only two columns: the indicator and its points (a scoring sheet's
    目标名称 | 分值) or its target (指标内容 | 指标值, the level column headed 指标)."""
    return ROLE_NAME in roles and bool(roles & {ROLE_WEIGHT, ROLE_VALUE})


_OPENING: Final = frozenset({Role.NAME, Role.LEVEL1, Role.LEVEL2, Role.IGNORE})
