"""Read web pages (HTML, MHTML) with lxml: every <table> becomes a CellGrid, the text
outside tables becomes lines, in document order.

rowspan/colspan place cells on the grid; <br> and block elements inside a cell are
wrapped lines joined by the shared rule; navigation, headers, footers and scripts are
dropped. lxml is imported here only, when a web page is read.
"""

from __future__ import annotations

import codecs
import email
import email.policy
import re
from typing import Any

from jixiao.extract.sheets import parse_span
from jixiao.extract.text import decode_text
from jixiao.problems import SourceError
from jixiao.records import Block, CellGrid, GridCell, SourceDoc, TextLine
from jixiao.text import join_wrapped

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([\w-]+)""", re.IGNORECASE)
_DROP = (
    "head",
    "script",
    "style",
    "noscript",
    "nav",
    "header",
    "footer",
    "aside",
    "select",
    "button",
)
_CHROME = re.compile(r"\b(?:nav|navbar|menu|breadcrumb|footer|sidebar|topbar)\b", re.IGNORECASE)
_BLOCK = {
    "p",
    "div",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "li",
    "tr",
    "table",
    "section",
    "article",
    "main",
    "center",
    "ul",
    "ol",
    "dl",
    "dt",
    "dd",
    "blockquote",
    "pre",
    "form",
    "body",
}
MAX_POSITIONS = 250_000  # grid positions one table's spans may cover
_WS = re.compile(r"[ \t\r\n\f]+")
# declared names that mean a superset in practice: decode GBK/GB2312 pages as GB18030
_SUPERSET = {"gbk": "gb18030", "gb2312": "gb18030", "gb18030": "gb18030", "ascii": "utf-8"}
# characters lxml refuses in element text: control characters are dropped, \v and \f are spaces
_NOT_XML = {c: None for c in (*range(0x09), *range(0x0E, 0x20), 0xFFFE, 0xFFFF)} | {
    0x0B: " ",
    0x0C: " ",
}


def read_html(data: bytes, rel_path: str, sha256: str) -> SourceDoc:
    encoding, text = decode_page(data)
    return _doc(text, encoding, rel_path, sha256)


def read_mhtml(data: bytes, rel_path: str, sha256: str) -> SourceDoc:
    """A saved web page archive: the first text/html part, decoded by its declared charset."""
    message = email.message_from_bytes(data, policy=email.policy.default)
    for part in message.walk():
        if part.get_content_type() == "text/html":
            payload = part.get_payload(decode=True)
            if isinstance(payload, bytes):
                charset = part.get_content_charset()
                encoding, text = decode_page(payload, charset)
                return _doc(text, encoding, rel_path, sha256)
    raise SourceError(
        "no_table_found", f"{rel_path} is a web archive (MHTML) without an HTML page."
    )


def decode_page(data: bytes, declared: str | None = None) -> tuple[str, str]:
    """(encoding, text) from the BOM, the declared charset (<meta> or MIME), or detection."""
    if data.startswith((codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return decode_text(data)
    if declared is None:
        match = _META_CHARSET.search(data[:4096])
        declared = match.group(1).decode("ascii") if match else None
    if declared:
        try:
            name = codecs.lookup(declared).name
        except LookupError:
            name = None
        if name is not None:
            name = _SUPERSET.get(name, name)
            try:
                return name, data.decode(name)
            except UnicodeDecodeError:
                pass  # the declaration lies; detect
    return decode_text(data)


def _doc(text: str, encoding: str, rel_path: str, sha256: str) -> SourceDoc:
    import lxml.etree
    import lxml.html

    text = text.translate(_NOT_XML)
    if not text.strip():
        raise SourceError("empty_file", f"{rel_path} is an empty web page.")
    try:
        root = lxml.html.document_fromstring(text)
    except lxml.etree.ParserError as exc:  # markup only, no element lxml can build ("<html")
        raise SourceError("empty_file", f"{rel_path} is an empty web page.") from exc
    _strip_chrome(root)
    walker = _Walker()
    walker.walk(root)
    if not walker.tables:
        raise SourceError(
            "no_table_found", f"{rel_path} is a web page without any <table>; no form can be read."
        )
    return SourceDoc(rel_path, sha256, "html", encoding, None, blocks=tuple(walker.flush()))


def _strip_chrome(root: Any) -> None:
    """Drop scripts, navigation and site footers; make <br> and block ends line breaks."""
    for el in list(root.iter(*_DROP)):
        el.drop_tree()
    for el in list(root.iter()):
        if not isinstance(el.tag, str):
            continue
        marker = f"{el.get('id', '')} {el.get('class', '')}"
        if el.tag != "table" and _CHROME.search(marker) and el.getparent() is not None:
            el.drop_tree()
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        el.text = _WS.sub(" ", el.text) if el.text else el.text
        el.tail = _WS.sub(" ", el.tail) if el.tail else el.tail
    for el in root.iter("br", "p", "div", "li"):
        el.tail = "\n" + (el.tail or "")


class _Walker:
    """Walks the page in document order: text outside tables becomes lines numbered by
    their line in the HTML source (lxml's sourceline), tables become grids."""

    def __init__(self) -> None:
        self.blocks: list[Block] = []
        self.tables = 0
        self.pending: list[tuple[str, int]] = []  # (text, source line)

    def text(self, text: str | None, line: int | None) -> None:
        if text and (text.strip() or "\n" in text):
            self.pending.append((text, line or 0))

    def flush(self) -> list[Block]:
        buffer, start = "", 0
        for text, line in [*self.pending, ("\n", 0)]:
            for i, part in enumerate(text.split("\n")):
                if i > 0:
                    if buffer.strip():
                        self.blocks.append(TextLine(start, buffer.strip()))
                    buffer = ""
                if part.strip() and not buffer.strip():
                    start = line
                buffer += part
        self.pending = []
        return self.blocks

    def walk(self, el: Any) -> None:
        line = el.sourceline
        if not isinstance(el.tag, str):
            self.text(el.tail, line)
            return
        if el.tag == "table":
            self.flush()
            self.table(el)
            self.text(el.tail, line)
            return
        block = el.tag in _BLOCK
        if block:
            self.text("\n", line)
        self.text(el.text, line)
        for child in el:
            self.walk(child)
        if block:
            self.text("\n", line)
        self.text(el.tail, line)

    def table(self, table: Any) -> None:
        self.tables += 1
        where = f"table {self.tables}"
        occupied: set[tuple[int, int]] = set()
        cells = []
        nested: list[Any] = []
        rows = table.xpath("./tr|./thead/tr|./tbody/tr|./tfoot/tr")
        for r, tr in enumerate(rows):
            col = 0
            for td in tr.xpath("./td|./th"):
                while (r, col) in occupied:
                    col += 1
                # a rowspan ends with the table (as browsers do); a grid past MAX_POSITIONS
                # (a hostile page) takes no more spans
                rowspan = min(max(1, parse_span(td.get("rowspan"))), len(rows) - r)
                colspan = max(1, parse_span(td.get("colspan")))
                if len(occupied) + rowspan * colspan > MAX_POSITIONS:
                    rowspan = colspan = 1
                occupied.update((r + i, col + j) for i in range(rowspan) for j in range(colspan))
                nested.extend(_inner_tables(td))
                text = join_wrapped(_cell_text(td))
                if text.strip():
                    cells.append(GridCell(r, col, text, rowspan, colspan, origin="html"))
                col += colspan
        self.blocks.append(CellGrid(tuple(cells), None, where))
        for inner in nested:
            self.table(inner)


def _inner_tables(td: Any) -> list[Any]:
    """Tables directly inside a cell (not inside a deeper table)."""
    return [t for t in td.iter("table") if t is not td and _nearest_cell(t) is td]


def _nearest_cell(el: Any) -> Any:
    parent = el.getparent()
    while parent is not None and parent.tag not in ("td", "th"):
        parent = parent.getparent()
    return parent


def _cell_text(el: Any) -> str:
    """A cell's text without the text of tables nested in it."""
    parts = [el.text or ""]
    for child in el:
        if isinstance(child.tag, str) and child.tag != "table":
            parts.append(_cell_text(child))
        parts.append(child.tail or "")
    return "".join(parts)
