"""Read XLSX workbooks with openpyxl: every visible sheet becomes one CellGrid.

Values read as the cell shows them (number formats applied, formulas by their cached
value), merged ranges become spans, hidden sheets and rows are skipped with a flag.
openpyxl is imported here only, when an XLSX file is read.
"""

from __future__ import annotations

import io
import re
import zipfile
from typing import Any

from jixiao.extract.archive import open_zip, read_member
from jixiao.extract.numfmt import render
from jixiao.extract.sheets import mark_hidden_sheets, sheet_grid
from jixiao.problems import SourceError
from jixiao.records import CellGrid, SourceDoc

MAX_MERGED_CELLS = 1_000_000  # positions covered by a sheet's merged ranges
_MERGE_REF = re.compile(rb'<(?:\w+:)?mergeCell\s+ref="([A-Z]{1,3})(\d{1,7}):([A-Z]{1,3})(\d{1,7})"')


def read_xlsx(data: bytes, rel_path: str, sha256: str) -> SourceDoc:
    archive = open_zip(data, rel_path)  # refuses corrupt, encrypted and bomb-like archives
    with archive:
        _check_merges(archive, rel_path)
    workbook = _load(data, rel_path)
    grids: list[CellGrid] = []
    hidden = 0
    for sheet in workbook.worksheets:
        if sheet.sheet_state != "visible":
            hidden += 1
            continue
        grid = _sheet(sheet)
        if grid is not None:
            grids.append(grid)
    workbook.close()
    mark_hidden_sheets(grids, hidden)
    return SourceDoc(rel_path, sha256, "xlsx", None, None, blocks=tuple(grids))


def _check_merges(archive: zipfile.ZipFile, rel_path: str) -> None:
    """Refuse a sheet whose merged ranges cover more than MAX_MERGED_CELLS positions before
    openpyxl, which makes an object for every covered cell, loads it."""
    from openpyxl.utils import column_index_from_string as column_index

    for name in archive.namelist():
        if not (name.startswith("xl/worksheets/") and name.endswith(".xml")):
            continue
        covered = 0
        for match in _MERGE_REF.finditer(read_member(archive, name, rel_path)):
            first_col, first_row, last_col, last_row = match.groups()
            rows = abs(int(last_row) - int(first_row)) + 1
            cols = abs(column_index(last_col.decode()) - column_index(first_col.decode())) + 1
            covered += rows * cols
        if covered > MAX_MERGED_CELLS:
            raise SourceError(
                "too_large",
                f"{rel_path}: {name} merges {covered:,} cells, over the limit of "
                f"{MAX_MERGED_CELLS:,}; it was not loaded.",
            )


def _load(data: bytes, rel_path: str) -> Any:
    import openpyxl

    try:
        return openpyxl.load_workbook(io.BytesIO(data), data_only=True)
    except Exception as exc:  # openpyxl raises many types on malformed parts
        raise SourceError(
            "corrupt_archive",
            f"{rel_path} is a damaged XLSX workbook ({type(exc).__name__}: {exc}).",
        ) from exc


def _sheet(sheet: Any) -> CellGrid | None:
    hidden_rows = {r - 1 for r, dim in sheet.row_dimensions.items() if dim.hidden}
    merges = [
        (m.min_row - 1, m.min_col - 1, m.max_row - 1, m.max_col - 1)
        for m in sheet.merged_cells.ranges
    ]
    # only the cells stored in the file: iter_rows() would create every empty position up
    # to the sheet's dimension, which formatting can push to a million rows
    stored = getattr(sheet, "_cells", None)
    cells = stored.values() if stored is not None else (c for row in sheet.iter_rows() for c in row)
    values = sorted(
        (cell.row - 1, cell.column - 1, render(cell.value, cell.number_format))
        for cell in cells
        if cell.value is not None
    )
    return sheet_grid(sheet.title, values, merges, hidden_rows)
