"""Spans of atoms: the lattice the decoder walks, with the cost of cutting or merging at each
boundary (from the separators, `jixiao/data/rows.toml`) and the printed text of any span."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from jixiao.parsers.recognizer.kinds import Kind, cell_info
from jixiao.parsers.recognizer.lattice import (
    SEP_BLANKLINE,
    SEP_GLUE,
    SEP_NEWLINE,
    SEP_PIPE,
    SEP_SPACE,
    SEP_START,
    SEP_WIDE,
    Atom,
)
from jixiao.parsers.recognizer.settings import settings
from jixiao.parsers.recognizer.wrapped import wrapped_inside


class Lattice:
    """Atoms with the cost of cutting or merging at each boundary and the text of spans."""

    def __init__(self, atoms: tuple[Atom, ...], layout: Layout) -> None:
        self.atoms = atoms
        self.cut = [0.0] * (len(atoms) + 1)
        self.merge = [0.0] * (len(atoms) + 1)
        self.joined = [False] * (len(atoms) + 1)  # boundary inside one printed cell
        config = settings()
        boundary = config.boundary
        factor = config.glued_factor if layout.glued else 1.0
        if layout.hard_cells:
            factor = config.cost("hard_cells_factor")
        self.max_chars = int(config.cost("max_chars_hard" if layout.hard_cells else "max_chars"))
        self.hard_cells = layout.hard_cells
        self.lines_closed = layout.lines_closed
        # in glued text, a skipped span pays for each atom it reaches over
        self.glued_atom_skip = config.cost("glued_atom_skip") if layout.glued else 0.0
        inside = wrapped_inside(atoms) if layout.hard_cells else set()
        whole = [_whole_level(atom.text) for atom in atoms]  # each atom's test made once
        for index, atom in enumerate(atoms):
            if index == 0:
                continue
            name = (
                "newline_in_cell"
                if index in inside
                else _boundary_name(atoms[index - 1], atom, layout)
            )
            cost = boundary[name]
            cut = cost.cut * factor if atom.sep is SEP_GLUE else cost.cut
            self.cut[index], self.merge[index] = cut, cost.merge
            if (
                atom.sep is not SEP_GLUE
                and (whole[index - 1] or whole[index])
                and _level_run_on(atoms[index - 1], atom)
            ):
                self.merge[index] += config.cost("level_run_on")
            self.joined[index] = atom.sep is SEP_GLUE or name == "space_in_cell"
        self._texts: dict[tuple[int, int], str] = {}
        self.locked = [False] * len(atoms)  # atoms read already (a header's labels)
        self.footers: list[tuple[int, int]] = []  # atom spans of footer lines (填表人: …)
        self.inner_empty = _inner_empty(atoms)

    def lock(self, start: int, end: int) -> None:
        for index in range(start, end):
            self.locked[index] = True

    def window(self, start: int, end: int) -> Lattice:
        """The atoms [start, end) as a lattice of their own (costs kept; the first atom's
        cut is free, as a text's first atom's is)."""
        part = Lattice((), _NO_LAYOUT)  # empty, then given the window's values
        part.atoms = self.atoms[start:end]
        part.cut = [0.0, *self.cut[start + 1 : end + 1]]
        part.merge = [0.0, *self.merge[start + 1 : end + 1]]
        part.joined = [False, *self.joined[start + 1 : end + 1]]
        part.max_chars = self.max_chars
        part.hard_cells = self.hard_cells
        part.lines_closed = self.lines_closed
        part.glued_atom_skip = self.glued_atom_skip
        part._texts = {}
        part.locked = self.locked[start:end]
        part.footers = []
        part.inner_empty = self.inner_empty[start:end]
        return part

    def text(self, start: int, end: int) -> str:
        if end == start + 1:
            return self.atoms[start].text  # one atom: its text as printed
        key = (start, end)
        found = self._texts.get(key)
        if found is None:
            found = self._texts[key] = join_atoms(self.atoms[start:end])
        return found


def _inner_empty(atoms: Sequence[Atom]) -> list[bool]:
    """Which atoms are empty cells with a filled cell after them on their line ("a | | b"),
    not the empty cells that close a row ("b | | |")."""
    inner = [False] * len(atoms)
    filled_after: set[int] = set()  # lines with a filled cell after the atom looked at
    for index in range(len(atoms) - 1, -1, -1):
        atom = atoms[index]
        if atom.text:
            filled_after.add(atom.line)
        else:
            inner[index] = atom.line in filled_after
    return inner


@dataclass(slots=True, init=False, unsafe_hash=True)
class Layout:
    """What the separators of a text say about it, from counts over all its atoms."""

    glued: bool = False  # few separators: glue points are cut cheaply
    pipe_closed: bool = False  # cells end with "|" (one cell per line): a bare newline wraps
    blank_cells: bool = False  # cells are separated by blank lines: a single newline wraps
    space_cells: bool = False  # single spaces are the usual separator: they end cells
    hard_cells: bool = False  # most lines are cut by "|" or tabs: those pieces are the cells
    lines_closed: bool = False  # most lines end with "|": a line that does not wraps a cell

    def __init__(
        self,
        glued: bool = False,
        pipe_closed: bool = False,
        blank_cells: bool = False,
        space_cells: bool = False,
        hard_cells: bool = False,
        lines_closed: bool = False,
    ) -> None:
        self.glued = glued
        self.pipe_closed = pipe_closed
        self.blank_cells = blank_cells
        self.space_cells = space_cells
        self.hard_cells = hard_cells
        self.lines_closed = lines_closed


_NO_LAYOUT: Final = Layout()
_LEVEL_KINDS: Final = frozenset({Kind.LEVEL1, Kind.LEVEL2, Kind.LEVELX, Kind.LEVEL_LIKE})


def _level_run_on(before: Atom, after: Atom) -> bool:
    """A separator beside a whole level name ("服务对象满意度指标" on a line of its own; the
    caller has found one of the two atoms is): a cell does not run on across it, unless the
    two make a level name ("服务对象 | 满意度指标")."""
    return cell_info(before.text + after.text).kind not in _LEVEL_KINDS


def _whole_level(text: str) -> bool:
    return text.rstrip().endswith("指标") and cell_info(text).kind in _LEVEL_KINDS


def layout_of(atoms: Sequence[Atom]) -> Layout:
    # every count in one pass over the atoms
    chars = separators = newlines = blanks = closed = lines = spaces = in_line = 0
    filled: set[int] = set()  # lines with a filled "|"/tab cell
    for atom in atoms:
        sep = atom.sep
        chars += len(atom.text)
        if sep is SEP_NEWLINE:
            newlines += 1
        elif sep is SEP_BLANKLINE:
            blanks += 1
        elif sep is SEP_SPACE:
            spaces += 1
            in_line += 1
        elif sep is SEP_PIPE or sep is SEP_WIDE:
            in_line += 1
        if sep is not SEP_GLUE and sep is not SEP_START:
            separators += 1
        if atom.first_in_line:
            lines += 1
            closed += atom.line_closed
        if atom.text and (sep is SEP_PIPE or sep is SEP_START):
            filled.add(atom.line)
    chars, lines = chars or 1, lines or 1
    hard_lines = len(filled)
    one_cell_lines = closed > 0.5 * lines and hard_lines * 4 < lines  # "产出指标 |" a line
    return Layout(
        glued=separators * 12 < chars,
        pipe_closed=one_cell_lines,
        blank_cells=blanks > newlines,
        space_cells=spaces >= 5 and spaces * 2 >= in_line and hard_lines * 2 < lines,
        hard_cells=hard_lines * 2 >= lines and not one_cell_lines,
        lines_closed=closed * 2 > lines,
    )


def _boundary_name(before: Atom, atom: Atom, layout: Layout) -> str:
    sep = atom.sep
    if atom.after_wrap:
        return "wrapped"
    if sep is SEP_PIPE:
        return "pipe"
    if sep is SEP_NEWLINE:
        if layout.blank_cells or (
            (layout.pipe_closed or layout.lines_closed) and not atom.line_closed
        ):
            return "newline_open"
        return "newline_hard" if layout.hard_cells else "newline"
    if sep is SEP_BLANKLINE:
        return "newline" if layout.blank_cells else "blankline"
    if sep in (SEP_WIDE, SEP_SPACE) and layout.hard_cells:
        return "space_in_cell"
    if sep is SEP_WIDE:
        return "wide"
    if sep is SEP_SPACE:
        if layout.space_cells:
            return "space_cells"
        return "space_cjk" if _cjk(before.text[-1:]) and _cjk(atom.text[:1]) else "space"
    return f"glue_{atom.glue or 'class'}"


def _cjk(char: str) -> bool:
    return bool(char) and "\u4e00" <= char <= "\u9fff"


def join_atoms(atoms: Sequence[Atom]) -> str:
    """The printed text of a span of atoms: glued atoms joined as printed, spaces kept, a
    wrapped line joined without a space between CJK characters."""
    text = ""
    for atom in atoms:
        text = extended(text, atom)
    return text


def extended(text: str, atom: Atom) -> str:
    """The text of a span with the next atom added as printed (see `join_atoms`)."""
    if not text or not atom.text:
        return text or atom.text
    sep = atom.sep
    if atom.after_wrap:  # a wrapped cell's next line: its text runs on
        return text + atom.text
    if sep is SEP_SPACE or sep is SEP_WIDE:
        return f"{text} {atom.text}"
    if (sep is SEP_NEWLINE or sep is SEP_BLANKLINE) and not (_cjk(text[-1]) or _cjk(atom.text[0])):
        return f"{text} {atom.text}"
    return text + atom.text
