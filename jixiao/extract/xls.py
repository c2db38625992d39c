"""Read legacy XLS (BIFF) workbooks with xlrd, by the same rules as XLSX.

xlrd is imported here only, when an XLS file is read.
"""

from __future__ import annotations

from typing import Any

from jixiao.extract.numfmt import render
from jixiao.extract.sheets import mark_hidden_sheets, sheet_grid
from jixiao.problems import SourceError
from jixiao.records import CellGrid, SourceDoc


def read_xls(data: bytes, rel_path: str, sha256: str) -> SourceDoc:
    book = _load(data, rel_path)
    grids: list[CellGrid] = []
    hidden = 0
    for sheet in book.sheets():
        if sheet.visibility:
            hidden += 1
            continue
        grid = _sheet(book, sheet)
        if grid is not None:
            grids.append(grid)
    mark_hidden_sheets(grids, hidden)
    return SourceDoc(rel_path, sha256, "xls", None, None, blocks=tuple(grids))


def _load(data: bytes, rel_path: str) -> Any:
    import xlrd

    try:
        return xlrd.open_workbook(file_contents=data, formatting_info=True)
    except Exception as exc:  # xlrd raises XLRDError, struct.error, IndexError ... on bad files
        if "encrypted" in str(exc).lower():
            raise SourceError(
                "encrypted_document",
                f"{rel_path} is a password-protected XLS workbook; save an unprotected copy.",
            ) from exc
        raise SourceError(
            "corrupt_archive",
            f"{rel_path} is a damaged XLS workbook ({type(exc).__name__}: {exc}).",
        ) from exc


def _sheet(book: Any, sheet: Any) -> CellGrid | None:
    import xlrd

    hidden_rows = {r for r, info in sheet.rowinfo_map.items() if info.hidden}
    merges = [(r0, c0, r1 - 1, c1 - 1) for r0, r1, c0, c1 in sheet.merged_cells]
    values = []
    for r in range(sheet.nrows):
        for c, cell in enumerate(sheet.row(r)):
            if cell.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
                continue
            fmt = book.format_map[book.xf_list[cell.xf_index].format_key].format_str
            value: object = cell.value
            if cell.ctype == xlrd.XL_CELL_DATE:
                value = xlrd.xldate.xldate_as_datetime(cell.value, book.datemode)
            elif cell.ctype == xlrd.XL_CELL_BOOLEAN:
                value = bool(cell.value)
            elif cell.ctype == xlrd.XL_CELL_ERROR:
                continue
            values.append((r, c, render(value, fmt)))
    return sheet_grid(sheet.name, values, merges, hidden_rows)
