"""Stage 2: recover forms (head, indicator rows, footer) from a SourceDoc.

Grids (PDF, office files, web pages) are read row by row; text dumps by the row recognizer,
whatever their separators, with the prose and CSV-stream readers beside it for text that
holds no table. `RawForm` cells keep the text as printed.
"""

from __future__ import annotations

import re

from jixiao.parsers.grid import row_from_line, rows_from_grid
from jixiao.parsers.layouts import content_lines
from jixiao.parsers.prose import parse_prose
from jixiao.parsers.recognizer import recognize
from jixiao.parsers.stream import parse_formula_stream
from jixiao.parsers.tabular import FormAssembler
from jixiao.records import CellGrid, RawForm, RawIndicator, Role, SourceDoc, TextLine


def parse_blocks(doc: SourceDoc) -> list[RawForm]:
    """Forms of a source read into lines and grids (PDF, office files, web pages)."""
    assembler = FormAssembler()
    for block in doc.blocks:
        if isinstance(block, CellGrid):
            if block.separate:
                assembler.close_form()
            for index, row in enumerate(rows_from_grid(block)):
                assembler.feed(row)
                if index == 0:  # after the first row, which may open a new form
                    assembler.note_flags(block.flags)
        else:
            assembler.feed(row_from_line(block))
    return assembler.finish()


def _has_target(row: RawIndicator) -> bool:
    return not row.section and not row.cells.keys().isdisjoint(_TARGET_ROLES)


def _useful(forms: list[RawForm]) -> int:
    """How many rows of these forms look like real indicators: a target, and a name that is
    not a run of cells glued by a separator."""
    count = 0
    for form in forms:  # loops, not a generator: this runs on every reading of every text
        for row in form.indicators:
            if _has_target(row) and not _SEPARATORS.search(row.texts.get(Role.NAME) or ""):
                count += 1
    return count


_SEPARATORS = re.compile(r"[,|\t]|\s{2,}")


_TARGET_ROLES = (Role.VALUE, Role.OPERATOR, Role.ACTUAL, Role.SCORE)


# without a table header, prose read under headings wins unless the recognizer reads this
# many times as many indicators (rows guessed from cells alone are less sure)
_PROSE_SHARE = 2


def parse_lines(lines: tuple[TextLine, ...]) -> list[RawForm]:
    """Forms of a text dump: the row recognizer's. Where it read nothing, or found no
    table header and reads fewer than twice as many indicators, prose read under level or
    target headings wins: headings anchor it better than columns guessed from the cells.
    A broken CSV stream wins when it reads more indicators."""
    best = recognize(lines)
    score = _useful(best)
    tabled = any(form.header for form in best)
    if not (tabled and score):  # prose cannot win over rows read under a table header
        prose = parse_prose(lines)
        read = _useful(prose)
        if read and (not score or read * _PROSE_SHARE >= score):
            best, score = prose, read
    stream = parse_formula_stream(lines)
    if _useful(stream) > score:
        best = stream
    return best


def parse(doc: SourceDoc) -> list[RawForm]:
    """All forms found in the document, in order."""
    if doc.blocks:
        return parse_blocks(doc)
    return parse_lines(content_lines(doc.lines))
