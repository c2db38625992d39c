"""Where a cell goes on past a line break in a text whose cells are cut by "|" or tabs: a
cell wrapped inside its row, the row's other cells on the next line."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Final

from jixiao.parsers.recognizer.kinds import KIND_QUALITATIVE, Kind, cell_info
from jixiao.parsers.recognizer.lattice import SEP_GLUE, SEP_NEWLINE, SEP_SPACE, Atom


def wrapped_inside(atoms: Sequence[Atom]) -> set[int]:
    """First atoms of "|"/tab lines that carry on the last cell of the line before: that
    line is short of the usual count of cells, and the two make it up with one cell shared
    ("产出指标 | 数量指标 | 呼家河至鲍家沟新" / "建水泥路1条 | =2公里")."""
    starts = [k for k, atom in enumerate(atoms) if atom.first_in_line or k == 0]
    counts = [
        sum(1 for atom in atoms[a:b] if atom.sep is not SEP_GLUE and atom.sep is not SEP_SPACE)
        for a, b in zip(starts, [*starts[1:], len(atoms)])
    ]
    usual = Counter(c for c in counts if c >= _MIN_ROW_CELLS).most_common(1)
    if not usual:
        return set()
    width = usual[0][0]
    found: set[int] = set()
    for k in range(1, len(starts)):
        first = starts[k]
        shared = counts[k - 1] + counts[k] - 1 == width and counts[k - 1] < width
        if shared and atoms[first].sep is SEP_NEWLINE and _text_halves(atoms, first):
            found.add(first)
    return found


def _text_halves(atoms: Sequence[Atom], first: int) -> bool:
    """The last cell of a line words, the first of the next words too: the halves of one
    cell (not a row's target followed by the next row's name, its level cells merged above)."""
    before, after = (cell_info(atoms[k].text).kind for k in (first - 1, first))
    return before in _HALF_KINDS and after in _HALF_KINDS | {KIND_QUALITATIVE}


_HALF_KINDS: Final = frozenset({Kind.TEXT, Kind.LONG})


_MIN_ROW_CELLS: Final = 3
