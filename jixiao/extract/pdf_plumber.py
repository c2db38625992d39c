"""pdfplumber (pdfminer) as the PDF engine: the reference reader, `--pdf-engine pdfplumber`,
and the fallback for a page whose text PDFium cannot map to Unicode.

Pure Python, several times slower than PDFium; gives the same `PageContent` (pdf_page.py).
"""

from __future__ import annotations

import io
from typing import Any

from jixiao.extract.pdf_page import TABLE_SETTINGS, PageContent, RuledTable
from jixiao.extract.pdf_text import Char


def open_document(data: bytes) -> Any:
    import pdfplumber

    pdf = pdfplumber.open(io.BytesIO(data))
    len(pdf.pages)  # forces the page tree to be read: a damaged file fails here
    return pdf


def page_count(pdf: Any) -> int:
    return len(pdf.pages)


def read_page(pdf: Any, number: int) -> PageContent:
    page = pdf.pages[number - 1]
    try:
        chars = _chars(page)
        tables = _tables(page) if chars else ()
        return PageContent(
            number, float(page.width), float(page.height), chars, tables, "pdfplumber"
        )
    finally:
        page.close()  # frees the page's parsed objects


def _chars(page: Any) -> tuple[Char, ...]:
    return tuple(
        (c["x0"], c["top"], c["x1"], c["bottom"], c["text"], c.get("size", 10.0))
        for c in page.chars
    )


def _tables(page: Any) -> tuple[RuledTable, ...]:
    return tuple(
        RuledTable(tuple(t.bbox), tuple(tuple(c) for c in t.cells))
        for t in page.find_tables(TABLE_SETTINGS)
    )
