"""Stage 2: recover forms (head, indicator rows, footer) from a SourceDoc.

Layout parsers turn a source's lines or grids into `RawForm`s whose cells keep the text as
printed; the layout is chosen per source by sniffing.
"""

from __future__ import annotations

from jixiao.parsers.grid import row_from_line, rows_from_grid
from jixiao.parsers.tabular import FormAssembler, parse_tab_layout
from jixiao.records import CellGrid, RawForm, SourceDoc


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
                    assembler.note(block.flags)
        else:
            assembler.feed(row_from_line(block))
    return assembler.finish()


def parse(doc: SourceDoc) -> list[RawForm]:
    """All forms found in the document, in order."""
    if doc.blocks:
        return parse_blocks(doc)
    return parse_tab_layout(doc)
