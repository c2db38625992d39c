"""Stage 2: recover forms (head, indicator rows, footer) from a SourceDoc.

Layout parsers turn a source's lines or grids into `RawForm`s whose cells keep the text as
printed; the layout is chosen per source by sniffing.
"""

from __future__ import annotations

from jixiao.parsers.tabular import parse_tab_layout
from jixiao.records import RawForm, SourceDoc


def parse(doc: SourceDoc) -> list[RawForm]:
    """All forms found in the document, in order."""
    return parse_tab_layout(doc)
