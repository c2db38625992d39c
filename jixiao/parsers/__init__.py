"""Stage 2: recover forms (head, indicator rows, footer) from a SourceDoc.

Layout parsers turn a source's lines or grids into `RawForm`s whose cells keep the text as
printed; the layout is chosen per source by sniffing.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from jixiao.parsers.celllines import parse_cell_lines
from jixiao.parsers.flat import parse_flat
from jixiao.parsers.grid import row_from_line, rows_from_grid
from jixiao.parsers.layouts import PRODUCERS, STRONG, content_lines, sniff_scores
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
    return sum(
        1
        for form in forms
        for row in form.indicators
        if _has_target(row) and not _SEPARATORS.search(row.text(Role.NAME) or "")
    )


def _any_useful(forms: list[RawForm]) -> bool:
    return any(_has_target(row) for form in forms for row in form.indicators)


_SEPARATORS = re.compile(r"[,|\t]|\s{2,}")


_TARGET_ROLES = (Role.VALUE, Role.OPERATOR, Role.ACTUAL, Role.SCORE)
_CONFIDENT = 3  # stop trying layouts once the likeliest one gives this many indicators


def _rows_layout(name: str) -> Callable[[tuple[TextLine, ...]], list[RawForm]]:
    def parse_rows(lines: tuple[TextLine, ...]) -> list[RawForm]:
        assembler = FormAssembler()
        for row in PRODUCERS[name](lines):
            assembler.feed(row)
        return assembler.finish()

    return parse_rows


# layouts without separators, tried after the sniffed row layouts
SEGMENTERS: dict[str, Callable[[tuple[TextLine, ...]], list[RawForm]]] = {
    "cell_lines": parse_cell_lines,
    "flattened": parse_flat,
    "prose": parse_prose,
    "formula_stream": parse_formula_stream,
}


def _best(
    candidates: list[Callable[[tuple[TextLine, ...]], list[RawForm]]], lines: tuple[TextLine, ...]
) -> tuple[list[RawForm], int]:
    best: list[RawForm] = []
    best_score = 0
    for index, layout in enumerate(candidates):
        forms = layout(lines)
        score = _useful(forms)
        if score > best_score:
            best, best_score = forms, score
        if index == 0 and score >= _CONFIDENT:
            break
    return best, best_score


def parse_families(lines: tuple[TextLine, ...]) -> list[RawForm]:
    """Forms of a text dump by the layout families: the sniffed row layouts first (the one
    reading most indicators wins); only when none reads any, the layouts without separators."""
    sniffed = sniff_scores(lines)
    if sniffed and sniffed[0][1] >= STRONG:
        forms = _rows_layout(sniffed[0][0])(lines)
        if _any_useful(forms):
            return forms  # the layout the separators show, when it reads anything
    forms, score = _best([_rows_layout(name) for name, _ in sniffed], lines)
    if score:
        return forms
    return _best(list(SEGMENTERS.values()), lines)[0]


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
    prose = parse_prose(lines)
    read = _useful(prose)
    if read and (not score or (not tabled and read * _PROSE_SHARE >= score)):
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
