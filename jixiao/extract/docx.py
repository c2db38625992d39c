"""Read DOCX documents: paragraphs and tables of the main document part, in document order.

Only the main part (found through `_rels/.rels`) is parsed, with python-docx's XML parser
(entities not resolved): opening the whole package with `docx.Document` parses styles,
numbering, theme and settings too and took 60 % of the time. Tables are read from their
XML, so merged cells keep their real structure: `w:gridSpan` is a colspan, `w:vMerge`
continuing a cell is a rowspan of the cell above. Nested tables become grids of their own,
after their parent. python-docx is imported here only.
"""

from __future__ import annotations

from typing import Any

from jixiao.extract.archive import open_zip, read_member
from jixiao.extract.sheets import parse_span
from jixiao.problems import SourceError
from jixiao.records import Block, CellGrid, GridCell, SourceDoc, TextLine
from jixiao.text import join_wrapped

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def read_docx(data: bytes, rel_path: str, sha256: str) -> SourceDoc:
    body = _body(data, rel_path)
    walker = _Walker()
    walker.body(body)
    return SourceDoc(rel_path, sha256, "docx", None, None, blocks=tuple(walker.blocks))


def _body(data: bytes, rel_path: str) -> Any:
    """The w:body element of the main document part."""
    from docx.oxml.parser import parse_xml

    with open_zip(data, rel_path) as archive:  # refuses corrupt, encrypted, bomb-like first
        try:
            part = _main_part(parse_xml(read_member(archive, "_rels/.rels", rel_path)))
            root = parse_xml(read_member(archive, part, rel_path))
        except SyntaxError as exc:  # lxml.etree.XMLSyntaxError
            raise SourceError(
                "corrupt_archive", f"{rel_path}: a document part is not valid XML ({exc})."
            ) from exc
    body = root.find(f"{_W}body")
    if body is None:
        raise SourceError("corrupt_archive", f"{rel_path}: the document part {part} has no body.")
    return body


def _main_part(rels: Any) -> str:
    """The main document part named by the package relationships (word/document.xml)."""
    for rel in rels:
        if str(rel.get("Type", "")).endswith("/officeDocument"):
            return str(rel.get("Target", "")).lstrip("/")
    return "word/document.xml"


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
            col = parse_span(_attr(tr, f"{_W}trPr/{_W}gridBefore"), 0)
            for tc in tr.findall(f"{_W}tc"):
                span = max(1, parse_span(_attr(tc, f"{_W}tcPr/{_W}gridSpan")))
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
