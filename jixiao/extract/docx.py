"""Read DOCX documents with python-docx: paragraphs and tables in document order.

Tables are read from their XML, so merged cells keep their real structure: `w:gridSpan`
is a colspan, `w:vMerge` continuing a cell is a rowspan of the cell above. Nested tables
become grids of their own, after their parent. python-docx is imported here only.
"""

from __future__ import annotations

import io
from typing import Any

from jixiao.extract.archive import open_zip
from jixiao.problems import SourceError
from jixiao.records import Block, CellGrid, GridCell, SourceDoc, TextLine
from jixiao.text import join_wrapped

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def read_docx(data: bytes, rel_path: str, sha256: str) -> SourceDoc:
    open_zip(data, rel_path).close()  # refuses corrupt, encrypted and bomb-like archives first
    body = _load(data, rel_path).element.body
    walker = _Walker()
    walker.body(body)
    return SourceDoc(rel_path, sha256, "docx", None, None, blocks=tuple(walker.blocks))


def _load(data: bytes, rel_path: str) -> Any:
    import docx

    try:
        return docx.Document(io.BytesIO(data))
    except Exception as exc:  # python-docx raises many types on malformed packages
        raise SourceError(
            "corrupt_archive",
            f"{rel_path} is a damaged DOCX document ({type(exc).__name__}: {exc}).",
        ) from exc


def paragraph_text(p: Any) -> str:
    """A paragraph's text: runs joined, tabs as spaces, line breaks kept as newlines."""
    parts = []
    for node in p.iter(f"{_W}t", f"{_W}tab", f"{_W}br", f"{_W}cr"):
        if node.tag == f"{_W}t":
            parts.append(node.text or "")
        elif node.tag == f"{_W}tab":
            parts.append(" ")
        else:
            parts.append("\n")
    return "".join(parts)


def _attr(parent: Any, path: str) -> str | None:
    node = parent.find(path)
    if node is None:
        return None
    value = node.get(f"{_W}val")
    return "" if value is None else str(value)


class _Walker:
    def __init__(self) -> None:
        self.blocks: list[Block] = []
        self.tables = 0
        self.paragraphs = 0

    def body(self, body: Any) -> None:
        for child in body.iterchildren():
            if child.tag == f"{_W}p":
                self.paragraphs += 1
                text = join_wrapped(paragraph_text(child))
                if text.strip():
                    self.blocks.append(TextLine(self.paragraphs, text))
            elif child.tag == f"{_W}tbl":
                self.table(child)
            elif child.tag == f"{_W}sdt":
                content = child.find(f"{_W}sdtContent")
                if content is not None:
                    self.body(content)

    def table(self, tbl: Any) -> None:
        self.tables += 1
        where = f"table {self.tables}"
        cells: dict[tuple[int, int], list[Any]] = {}  # (row, col) -> [text, rowspan, colspan]
        origin_at: dict[int, tuple[int, int]] = {}  # column -> origin of an open vertical merge
        nested: list[Any] = []
        for r, tr in enumerate(tbl.findall(f"{_W}tr")):
            col = int(_attr(tr, f"{_W}trPr/{_W}gridBefore") or 0)
            for tc in tr.findall(f"{_W}tc"):
                span = int(_attr(tc, f"{_W}tcPr/{_W}gridSpan") or 1)
                merge = _attr(tc, f"{_W}tcPr/{_W}vMerge")
                if merge is not None and merge != "restart" and col in origin_at:
                    cells[origin_at[col]][1] += 1
                else:
                    cells[(r, col)] = [self.cell_text(tc, nested), 1, span]
                    if merge == "restart":
                        origin_at[col] = (r, col)
                    else:
                        origin_at.pop(col, None)
                col += span
        grid = tuple(
            GridCell(r, c, text, rowspan, colspan, origin="office")
            for (r, c), (text, rowspan, colspan) in sorted(cells.items())
            if text.strip()
        )
        self.blocks.append(CellGrid(grid, None, where))
        for inner in nested:
            self.table(inner)

    @staticmethod
    def cell_text(tc: Any, nested: list[Any]) -> str:
        lines = []
        for child in tc.iterchildren():
            if child.tag == f"{_W}p":
                lines.append(paragraph_text(child))
            elif child.tag == f"{_W}tbl":
                nested.append(child)
        return join_wrapped("\n".join(lines))
