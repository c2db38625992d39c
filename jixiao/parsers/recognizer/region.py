"""Where the indicator tables are: from a header (or a level name) to a total, a footer,
a note, the next form's head or another table; and the costs that depend on it."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from typing import Final

from jixiao.parsers.metadata import (
    field_of,
    footer_pairs,
    is_other_table_text,
    is_title_text,
)
from jixiao.parsers.metadata import footer_label as _footer_label
from jixiao.parsers.recognizer.headers import Header
from jixiao.parsers.recognizer.kinds import (
    KIND_FIELD,
    KIND_HEADER,
    KIND_TEXT,
    KIND_TOTAL,
    WHOLE_LEVELS,
    CellInfo,
    cell_info,
)
from jixiao.parsers.recognizer.lattice import SEP_GLUE, Atom
from jixiao.parsers.recognizer.settings import settings
from jixiao.parsers.recognizer.spans import Lattice, join_atoms


def lines_are_rows(atoms: Sequence[Atom], region: Sequence[bool] = ()) -> bool:
    """Several cells a line, over several lines: each line is a row. Only the lines of
    the table `region` count, where one is found (a page's short lines around a table
    printed as one long line say nothing of its rows)."""
    inside = [a for a, i in zip(atoms, region) if i] if any(region) else atoms
    per_line = Counter(a.line for a in inside if a.sep is not SEP_GLUE)
    typical = sorted(per_line.values())[len(per_line) // 2] if per_line else 0
    return len(per_line) >= 3 and 3 <= typical <= 20


def row_wrap_costs(atoms: Sequence[Atom], by_line: bool) -> list[float]:
    """Where lines are rows, a row going on at the first cell of a line costs more."""
    if not by_line:
        return [0.0] * len(atoms)
    wrap = settings().cost("row_wrap")
    return [wrap if a.first_in_line else 0.0 for a in atoms]


def row_start_costs(atoms: Sequence[Atom], by_line: bool) -> list[float]:
    """Where lines are rows, a row starting inside a line costs more."""
    config = settings()
    midline = config.cost("new_row_midline") if by_line else 0.0
    start = config.cost("new_row")
    return [start + (0.0 if a.first_in_line else midline) for a in atoms]


def table_region(lattice: Lattice, headers: list[Header]) -> list[bool]:
    """Which atoms are inside an indicator table: from a header (or, when the text has
    none, from a level name) to a total, a footer label or a note; again from the next.
    Labels are read per piece (a cell's atoms joined: "合 计" is a total). Where a table
    ended, the rest of that line starts none at a level name, and none at all after a note
    (注:… naming 产出指标50分, 三级指标的分值, 得分)."""
    atoms = lattice.atoms
    starts = [False] * len(atoms)  # the headers' first atoms
    for header in headers:
        starts[header.start] = True
    inside = False  # a table starts at its header, or where there is none at a level name
    breaks = _other_headers(atoms)  # the first atoms of other tables' headers, of footers
    for start, _ in lattice.footers:
        breaks[start] = True
    ended_on = noted_on = -1  # the lines where the last table ended, and at a note
    region: list[bool] = []
    for index, atom in enumerate(atoms):
        piece = _piece_at(lattice, index)
        info = cell_info(atom.text if piece is None else piece)
        if is_note(info.folded):
            inside, ended_on, noted_on = False, atom.line, atom.line
        elif atom.line != noted_on and (
            starts[index] or (not headers and atom.line != ended_on and _is_level(atom.text))
        ):
            inside = True
        elif inside and (
            breaks[index]
            or (
                _ends_table(piece, info)
                if piece is not None
                else _glued_total(lattice, index, info)
            )
        ):
            inside, ended_on = False, atom.line
        region.append(inside)
    return region


def _glued_total(lattice: Lattice, index: int, info: CellInfo) -> bool:
    """A total glued inside a line ("…19.6總分99.6偏差大或…"): the table ends there too
    (`info`: what the atom holds)."""
    return not lattice.locked[index] and info.kind is KIND_TOTAL


def _piece_at(lattice: Lattice, index: int) -> str | None:
    """The text of the piece starting at this atom (None inside a piece)."""
    if lattice.joined[index]:
        return None
    end = index + 1
    while end < len(lattice.atoms) and lattice.joined[end]:
        end += 1
    return lattice.text(index, end)


_MIN_OTHER_HEADER: Final = 5


def _other_headers(atoms: tuple[Atom, ...]) -> list[bool]:
    """Which atoms open a line that reads as the header of some other table: five or more
    short labels, no level name, no number ("序号 | 学校性质 | 培训机构 | …")."""
    found = [False] * len(atoms)
    start = 0
    for index in range(1, len(atoms) + 1):
        if index == len(atoms) or atoms[index].first_in_line:
            texts = _labels_of(atoms, start, index)
            if (
                texts is not None
                and len(texts) >= _MIN_OTHER_HEADER
                # not a line of the indicator table's header
                and [cell_info(t).kind for t in texts].count(KIND_HEADER) <= 1
            ):
                found[start] = True
            start = index
    return found


def _labels_of(atoms: tuple[Atom, ...], start: int, end: int) -> list[str] | None:
    """The filled pieces of the line of atoms [start, end) when every one is label-like,
    else None: a line of five pieces or fewer is no other table's header, and one that is
    not a label ends the reading (a row's level name, most lines, at its first piece)."""
    pieces = 1 + sum(1 for k in range(start + 1, end) if atoms[k].sep is not SEP_GLUE)
    if pieces < _MIN_OTHER_HEADER:
        return None
    labels: list[str] = []
    first = start  # the current piece's first atom
    for k in range(start + 1, end + 1):
        if k == end or atoms[k].sep is not SEP_GLUE:
            text = join_atoms(atoms[first:k])
            if text and not _label_like(text):
                return None
            if text:
                labels.append(text)
            first = k
    return labels


def _pieces_of(atoms: Sequence[Atom], indexes: list[int]) -> list[str]:
    """The texts of the separator-delimited pieces these atoms make (glued atoms joined)."""
    pieces: list[list[Atom]] = []
    for k in indexes:
        if atoms[k].sep is not SEP_GLUE or not pieces:
            pieces.append([])
        pieces[-1].append(atoms[k])
    return [join_atoms(piece) for piece in pieces]


def _label_like(text: str) -> bool:
    info = cell_info(text)
    return info.kind in (KIND_TEXT, KIND_HEADER, KIND_FIELD) and len(info.folded) <= 12


def _is_level(text: str) -> bool:
    return cell_info(text).kind in WHOLE_LEVELS


def footer_lines(atoms: tuple[Atom, ...]) -> list[tuple[int, int]]:
    """Atom spans of the lines that are footer lines ("填表人: 王红 联系电话: …")."""
    spans: list[tuple[int, int]] = []
    start = 0
    for index in range(1, len(atoms) + 1):
        if index == len(atoms) or atoms[index].line != atoms[start].line:
            if _holds_colon(atoms, start, index):  # footer pairs need one; spare the join
                text = " ".join(_pieces_of(atoms, list(range(start, index))))
                if footer_pairs(text) is not None:
                    spans.append((start, index))
            start = index
    return spans


def _holds_colon(atoms: tuple[Atom, ...], start: int, end: int) -> bool:
    for k in range(start, end):
        text = atoms[k].text
        if ":" in text or "：" in text:
            return True
    return False


def _ends_table(text: str, info: CellInfo) -> bool:
    """A total, a footer or head label (the next form's 项目名称), or a title (a note is
    tested before, in `table_region`); `info`: what the text holds."""
    if info.kind is KIND_TOTAL:
        return True
    if info.kind is KIND_FIELD and (_footer_label(info.folded) or field_of(info.folded)):
        return True
    return is_title_text(text) or is_other_table_text(text)


_NOTE_OPENERS: Final[tuple[str, ...]] = ("注", "说明", "备注")
NOTE: Final = re.compile(rf"^(?:{'|'.join(_NOTE_OPENERS)})[:：\d.、]")


def is_note(text: str) -> bool:
    """A note ("注:…", "说明1.…"): NOTE.match, its opening words tested first (a startswith
    is many times cheaper than the regex, and almost no text opens with one)."""
    for opener in _NOTE_OPENERS:
        if text.startswith(opener):
            return NOTE.match(text) is not None
    return False


def outside_costs(region: Sequence[bool]) -> list[float]:
    """A name outside the table region costs more (a form's head is not a table)."""
    extra = settings().cost("outside_table")
    return [0.0 if inside else extra for inside in region]


_WINDOW_MARGIN: Final = (
    40  # atoms before a table region decoded with it (a row's start may lead in)
)


def windows_of(region: Sequence[bool]) -> list[tuple[int, int]]:
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
