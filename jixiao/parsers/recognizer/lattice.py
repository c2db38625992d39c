"""Atoms: the smallest pieces of text a cell is made of, and the boundaries between them.

A line is split at every separator it has ("|", tab, runs of spaces); each piece is split
again at glue points (glue.py), where a printed cell may end without a separator: a name
running into a number or an operator, a number's unit ending before the next name, a
vocabulary word (a level name, a header label, an explanation's first words) starting or
ending.
Every boundary is optional: the decoder chooses which ones are real cell boundaries, at a
cost that depends on the kind of boundary (`jixiao/data/rows.toml`).
"""

from __future__ import annotations

import csv
import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from enum import IntEnum
from typing import Final

from jixiao.parsers.header import header_role
from jixiao.parsers.recognizer.glue import char_class, glue_points, unit_end
from jixiao.parsers.recognizer.kinds import WHOLE_LEVELS, cell_info
from jixiao.parsers.recognizer.separators import (
    cells_of_line,
    empty_cells_kept,
    hard_cells,
    has_hard_separator,
    most_lines_cut,
)
from jixiao.records import TextLine
from jixiao.text import strip_html


class Sep(IntEnum):
    """What separates an atom from the one before it."""

    START = 0
    PIPE = 1  # "|" or a tab: never inside a cell
    NEWLINE = 2
    BLANKLINE = 3  # one or more blank lines
    WIDE = 4  # two or more spaces
    SPACE = 5  # one space
    GLUE = 6  # no separator: a glue point inside printed text


# enum members read inside functions, as Final names (docs/development.md)
SEP_START: Final = Sep.START
SEP_PIPE: Final = Sep.PIPE
SEP_NEWLINE: Final = Sep.NEWLINE
SEP_BLANKLINE: Final = Sep.BLANKLINE
SEP_WIDE: Final = Sep.WIDE
SEP_SPACE: Final = Sep.SPACE
SEP_GLUE: Final = Sep.GLUE


# Not frozen, and with a hand-written __init__: compiled, a dataclass's generated __init__
# is Python code (several times slower than a native one, and a frozen one slower again);
# nothing assigns to an atom or a cell once it is made.
@dataclass(slots=True, init=False)
class Atom:
    text: str  # as printed; "" for an empty cell between two pipes
    line: int
    page: int | None
    sep: Sep  # the separator before this atom
    col: int  # position of its piece in the line ("|"/tab-separated index)
    glue: str  # for Sep.GLUE: the kind of glue point ("class", "unit", "vocab", "digits")
    first_in_line: bool
    line_closed: bool  # for a line's first atom: the line before ended with "|"
    after_wrap: bool  # the piece before is a full line of a cell wrapped at a width

    def __init__(
        self,
        text: str,
        line: int,
        page: int | None,
        sep: Sep,
        col: int,
        glue: str = "",
        first_in_line: bool = False,
        line_closed: bool = False,
        after_wrap: bool = False,
    ) -> None:
        self.text = text
        self.line = line
        self.page = page
        self.sep = sep
        self.col = col
        self.glue = glue
        self.first_in_line = first_in_line
        self.line_closed = line_closed
        self.after_wrap = after_wrap


_SPACES: Final = re.compile(r"([ \u3000\u00a0]+)")
_PIPE_ONLY: Final = re.compile(r"^[\s|｜]*$")


def atoms_of(lines: tuple[TextLine, ...], wrap: float | None = None) -> tuple[Atom, ...]:
    """The atoms of these lines, in reading order; `wrap`: the width the text's long cells
    were wrapped at (see `wrap_width`)."""
    atoms: list[Atom] = []
    blank = closed = pipes = False
    by_commas = _is_csv(lines)
    # each content line's cells as printed, cut once: for `most_lines_cut`, and for the line's
    # atoms where the line needs no change before it is cut (most lines)
    printed = [_cells_cut_by(line.text, by_commas) if line.text.strip() else None for line in lines]
    # where "|" or tabs cut most lines into cells, a long cell (an explanation, a scoring
    # rule) is one cell: only short ones are cut at glue points ("足额保障率=100%")
    cut = most_lines_cut(printed)
    longest = _LONGEST_HARD_GLUED if cut else _LONGEST_PIECE
    for line, as_printed in zip(lines, printed):
        text = unspaced_level(strip_html(line.text))  # "<p>办理文件</p>": a web page's tags
        as_is = text is line.text  # most lines: then blank where found blank above
        if (as_printed is None) if as_is else not text.strip():
            blank = True
            continue
        if _PIPE_ONLY.match(text):  # "||||": the empty cells that end a row
            pipes = True
            continue
        line_sep = SEP_PIPE if pipes else SEP_BLANKLINE if blank else SEP_NEWLINE
        blank = pipes = False
        first = True
        was_closed, closed = closed, text.rstrip().endswith(("|", "｜", "\t"))
        number, page = line.number, line.page
        line_cells = (
            as_printed if as_printed is not None and as_is else _cells_cut_by(text, by_commas)
        )
        cells = cells_of_line(text, line_cells, cut)
        filled = [bool(cell.strip()) for cell in cells]
        kept_from, kept_to = empty_cells_kept(text, filled)
        for col, part in enumerate(cells):
            if not filled[col]:
                if kept_from < col < kept_to:
                    sep = line_sep if first else SEP_PIPE
                    atoms.append(Atom("", number, page, sep, col, "", first, first and was_closed))
                    first = False
                continue
            pieces: list[tuple[Sep | None, str]] = [(None, part.strip())] if cut else _pieces(part)
            if wrap and not cut:
                pieces = beside_wrapped_first(pieces, wrap)
            previous = ""
            for piece_sep, piece in pieces:
                after_wrap = bool(wrap) and _goes_on(previous, piece, wrap or 0.0)
                previous = piece
                sep = line_sep if first else (SEP_PIPE if piece_sep is None else piece_sep)
                parts = _glued(piece, longest)
                spaced = piece_sep is SEP_SPACE or piece_sep is SEP_WIDE
                if spaced and atoms and atoms[-1].text[-1:].isdigit():
                    parts = _unit_first(parts)  # "2000 次汇总…": the number's unit, a name
                for index, (glue, text_atom) in enumerate(parts):
                    atom_sep = sep if index == 0 else SEP_GLUE
                    atoms.append(
                        Atom(
                            text_atom,
                            number,
                            page,
                            atom_sep,
                            col,
                            glue,
                            first,
                            first and was_closed,
                            after_wrap and index == 0,
                        )
                    )
                    first = False
    return tuple(atoms)


_ONE_SPACE: Final = re.compile(r"(?<=\S) (?=\S)")


def unspaced_level(text: str) -> str:
    """A line that is one level name printed with single spaces inside, as PDF text flow
    prints a narrow cell ("成本指 标(5 分)", "满意 度指 标 (10 分)"), without the spaces."""
    if " " not in text:
        return text  # no space to take out (most lines)
    stripped = text.strip()
    if " " not in stripped or len(stripped) > _SPACED_LEVEL_CHARS or has_hard_separator(text):
        return text
    joined = _ONE_SPACE.sub("", stripped)
    if " " in joined or cell_info(joined).kind not in WHOLE_LEVELS:
        return text
    return joined


_SPACED_LEVEL_CHARS: Final = 30


# --- cells wrapped at a fixed width ------------------------------------------------------
# A sheet printed as text wraps each long cell at its column's width, and the text of the
# cell beside it lands between two of its lines: "…,对村级 宣传培训工作工作人员进行培训,…开展宣"
# is a rule's line, the name beside it, and the rule's next line run together.

_MIN_WRAP: Final = 15  # full-width characters: narrower columns are no wrapped rule or explanation
_MIN_WRAPPED_LINES: Final = 6
_WRAPPED_SHARE: Final = 0.4  # of the pieces at least _MIN_WRAP wide
_MAX_HEAD: Final = 8  # characters of the other cell's text before a wrapped line
_OVER: Final = 2  # full-width characters past the width no piece reaches (but a head and a line)
_OVER_SHARE: Final = 0.2  # of the full lines: a title or a head value may pass the width
_MIN_HEADS: Final = 2  # short texts run into a full line: the evidence the text was wrapped


def display_width(text: str) -> float:
    """Width in full-width characters: ASCII and Latin count half (every character below
    U+2E80). Those below U+0100 are counted by an encoding that drops the others (a pass in
    C, several times faster than a regex that matches each of them); the rest of the narrow
    range ("≥", "—", "“") is rare, and found by a regex that then matches little."""
    narrow = len(text.encode("latin-1", "ignore")) + len(_NARROW_ABOVE_LATIN1.findall(text))
    return len(text) - 0.5 * narrow


_NARROW_ABOVE_LATIN1: Final = re.compile("[\u0100-\u2e7f]")


def wrap_width(lines: tuple[TextLine, ...]) -> float | None:
    """The width the long cells of this text were wrapped at: the width many pieces reach
    and few pass (a full line of a wrapped cell is that width or a character less), with
    short texts run into full lines at least twice (the cell beside printed between two
    lines); None when no such width shows."""
    pieces = [piece for line in lines for piece in line.text.split() if len(piece) >= _MIN_WRAP]
    widths = sorted(w for piece in pieces if (w := display_width(piece)) >= _MIN_WRAP)
    if len(widths) < _MIN_WRAPPED_LINES:
        return None
    best: tuple[int, float] | None = None
    for width in sorted({w for w in widths if w == int(w)}):
        full = bisect_right(widths, width) - bisect_left(widths, width - 1)
        over = bisect_right(widths, width + _OVER) - bisect_right(widths, width)
        if (
            full >= _MIN_WRAPPED_LINES
            and full >= _WRAPPED_SHARE * len(widths)
            and (over <= _OVER_SHARE * full)
        ):
            if best is None or full > best[0]:
                best = (full, width)
    if best is None:
        return None
    heads = sum(wrapped_head(piece, best[1]) is not None for piece in pieces)
    return best[1] if heads >= _MIN_HEADS else None


def beside_wrapped_first(
    pieces: list[tuple[Sep | None, str]], wrap: float
) -> list[tuple[Sep | None, str]]:
    """The pieces of a line with the text of a cell printed beside a wrapped cell's middle
    line put back before that cell's first line: "…对村级 宣传培训工作工作人员进行培训…"
    (a rule's line, then the name run into the next) reads "宣传培训工作 …对村级 工作人员…".
    A short text run into a full line is cut from it first."""
    split: list[tuple[Sep | None, str]] = []
    for sep, text in pieces:
        head = wrapped_head(text, wrap)
        if head is None:
            split.append((sep, text))
        else:
            split += [(sep, text[:head]), (SEP_WIDE, text[head:])]
    moved: list[tuple[Sep | None, str]] = []
    printed: list[Sep | None] = []  # each piece's separator as printed
    beside: set[int] = set()  # the pieces put back (indexes into `moved`)
    for sep, text in split:
        at = len(moved)
        if _CJK_WORD.fullmatch(text) and len(text) <= _MAX_HEAD:
            while at > 0 and wrapped_line(moved[at - 1][1], wrap):
                at -= 1
        if at == len(moved):
            moved.append((sep, text))
            printed.append(sep)
        elif at - 1 in beside:  # the beside cell wrapped too: "建立农户一" + "折通账户"
            moved[at - 1] = (moved[at - 1][0], moved[at - 1][1] + text)
        else:  # the text takes the first line's separator; two cells apart after it
            moved.insert(at, (printed[at], text))
            printed.insert(at, printed[at])
            moved[at + 1] = (SEP_WIDE, moved[at + 1][1])
            beside = {k + 1 if k >= at else k for k in beside} | {at}
    return moved


def _goes_on(line: str, piece: str, wrap: float) -> bool:
    """A cell's full line goes on in the next piece: not after a sentence's end, not into
    a number of its own (the last line of a cell may be full too)."""
    return (
        bool(line)
        and wrapped_line(line, wrap)
        and not line.endswith(_CELL_ENDS)
        and not _NUMBER_ONLY.fullmatch(piece)
    )


_CELL_ENDS: Final[tuple[str, ...]] = ("。", "；", ";")
_NUMBER_ONLY: Final = re.compile(r"[\d.]+")


def wrapped_line(text: str, wrap: float) -> bool:
    """A full line of a cell wrapped at `wrap`."""
    return wrap - 1 <= display_width(text) <= wrap


def wrapped_head(piece: str, wrap: float) -> int | None:
    """Where a short text run into a full wrapped line ends: "宣传培训工作" in
    "宣传培训工作工作人员进行培训,组织人员到乡镇村开展宣" (the rest exactly a line wide)."""
    if display_width(piece) <= wrap:
        return None
    for head in range(2, min(_MAX_HEAD, len(piece) - 1) + 1):
        if not _CJK_WORD.fullmatch(piece[:head]):
            return None
        rest = display_width(piece[head:])
        if rest <= wrap:
            return head if rest >= wrap - 0.5 else None
    return None


_CJK_WORD: Final = re.compile(r"[\u4e00-\u9fff]+")


def _cells_cut_by(text: str, by_commas: bool) -> list[str]:
    """A line's cells as its separators cut it: its comma-separated fields in a CSV text,
    else its "|"/tab cells."""
    return _csv_fields(text) if by_commas else hard_cells(text)


def _unit_first(parts: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """A piece after a number, cut after the unit it opens with when a word follows."""
    glue, text = parts[0]
    end = unit_end(text, 0)
    if end is None or not char_class(text[end]) == "C":
        return parts
    return [(glue, text[:end]), ("number_unit", text[end:]), *parts[1:]]


def _is_csv(lines: tuple[TextLine, ...]) -> bool:
    """Comma-separated values: a line whose comma-separated fields are three or more
    header labels ("一级指标,二级指标,三级指标,指标值")."""
    for line in lines:
        if line.text.count(",") >= 2 and "|" not in line.text and "\t" not in line.text:
            fields = _csv_fields(line.text)
            if sum(header_role(field) is not None for field in fields) >= 3:
                return True
    return False


def _csv_fields(text: str) -> list[str]:
    """The fields of one comma-separated line (quotes honoured)."""
    try:
        return next(csv.reader([text], skipinitialspace=True))
    except (csv.Error, StopIteration):
        return hard_cells(text)


def _pieces(part: str) -> list[tuple[Sep | None, str]]:
    """A "|"-free part of a line split at spaces: (separator before, text); None = the
    part's own start."""
    pieces: list[tuple[Sep | None, str]] = []
    sep: Sep | None = None
    for chunk in _SPACES.split(part.strip()):
        if not chunk:
            continue
        if _SPACES.fullmatch(chunk):
            sep = SEP_SPACE if chunk == " " else SEP_WIDE
            continue
        pieces.append((sep if pieces else None, chunk))
        sep = None
    return pieces


def _glued(piece: str, longest: int = 20_000) -> list[tuple[str, str]]:
    """A piece cut at its glue points: (kind of the glue point before, text). A piece
    longer than `longest` is left whole."""
    points = glue_points(piece) if len(piece) <= longest else ()
    if not points:
        return [("", piece)]
    out: list[tuple[str, str]] = []
    start, kind = 0, ""
    for offset, point_kind in points:
        out.append((kind, piece[start:offset]))
        start, kind = offset, point_kind
    out.append((kind, piece[start:]))
    return out


# --- glue points -------------------------------------------------------------------------

_LONGEST_PIECE: Final = 20_000  # characters: a form glued into one line is a few thousand at most
_LONGEST_HARD_GLUED: Final = 24  # characters: a "|"/tab cell longer than this is not cut into
