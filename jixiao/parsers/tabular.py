"""The shared row assembler: every layout (text rows of any separator, PDF, office and web
grids) feeds its RawRows here, so the row logic exists once.

The assembler walks the rows once. Rows above an indicator-table header feed the form's head
(title, year, labelled fields); rows below it are aligned to the header by content; footer
lines close the table. A title, a labelled metadata row or a new header after indicator
rows starts the next form, so a file holding several forms gives several RawForms.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Final

from jixiao.flags import COLUMNS_SHIFTED, COLUMNS_SWAPPED
from jixiao.parsers.align import Template, align
from jixiao.parsers.cells import CellType, cell_type
from jixiao.parsers.header import header_continuation, period_tag, read_header, split_periods
from jixiao.parsers.metadata import (
    HeadReader,
    budget_key,
    find_year,
    footer_pairs,
    is_other_table_title,
    is_sign_off,
    is_title,
    is_total,
    is_year_line,
    opens_head,
    org_name,
    signed_footer,
    title_of,
)
from jixiao.records import (
    BBox,
    HeaderColumn,
    RawCell,
    RawForm,
    RawIndicator,
    RawRow,
    Role,
    UnreadText,
)
from jixiao.roles import ROLE_NAME
from jixiao.text import fold

_SKIPPED: Final[tuple[CellType, ...]] = (CellType.EMPTY, CellType.PLACEHOLDER)
# roles that make a named row an indicator
TARGET_ROLES: Final[tuple[Role, ...]] = (
    Role.VALUE,
    Role.OPERATOR,
    Role.ACTUAL,
    Role.SCORE,
    Role.WEIGHT,
)
# level cells are often merged over many rows: a row's bbox comes from its other cells
_LEVELS: Final[tuple[Role, ...]] = (Role.LEVEL1, Role.LEVEL2)
_UNASSIGNED: Final = (None, Role.IGNORE)  # alignment results that give a cell no role


def align_row(row: RawRow, template: Template) -> RawIndicator | None:
    """Assign the row's cells to roles; None when the row holds nothing of the table."""
    cells = [(c, cell_type(c.text)) for c in row.cells]
    cells = [(c, t) for c, t in cells if t not in _SKIPPED]
    if not cells:
        return None
    alignment = align(tuple([(c.col, t) for c, t in cells]), template)
    by_role: dict[Role, RawCell] = {}
    for (cell, _), role in zip(cells, alignment.roles):
        if role not in _UNASSIGNED and role not in by_role:
            by_role[role] = cell
    if ROLE_NAME in by_role and (
        by_role.keys().isdisjoint(TARGET_ROLES) or not_indicator(by_role, template)
    ):
        by_role.pop(ROLE_NAME)  # no target (a template row), or a total, sign-off, budget line
    named = ROLE_NAME in by_role
    if not named and by_role.keys().isdisjoint(_LEVELS):
        return None
    flags: tuple[str, ...] = ()
    if alignment.shifted:
        flags += (COLUMNS_SHIFTED,)
    if alignment.swapped:
        flags += (COLUMNS_SWAPPED,)
    return RawIndicator(
        cells=by_role,
        section=not named,
        line=row.line,
        page=row.page,
        bbox=_row_bbox(by_role) if row.cells[0].bbox is not None else None,
        flags=flags,
        where=row.where,
    )


def not_indicator(by_role: dict[Role, RawCell], template: Template) -> bool:
    """A row named like a total, a sign-off or a budget line is no indicator. A budget label
    counts only with no level cell and left of the name column (a budget block's label spans
    the level columns): a cost indicator 项目资金总额 in the name column, or after its 成本指标
    cell, stays one."""
    name = by_role[ROLE_NAME]
    folded = fold(name.text)
    if is_total(folded) or is_sign_off(folded):
        return True
    if not by_role.keys().isdisjoint(_LEVELS) or budget_key(name.text) is None:
        return False
    return any(r is ROLE_NAME and name.col < c for c, r in template.head)


def _row_bbox(by_role: dict[Role, RawCell]) -> BBox | None:
    """The row's box without its merged level cells (they span many rows), else with them."""
    return union_bbox(c.bbox for r, c in by_role.items() if r not in _LEVELS) or union_bbox(
        c.bbox for c in by_role.values()
    )


def union_bbox(boxes: Iterable[BBox | None]) -> BBox | None:
    """The smallest box around the given boxes (None when none has one)."""
    known = [b for b in boxes if b is not None]  # text sources have none
    if not known:
        return None
    return (
        min(b[0] for b in known),
        min(b[1] for b in known),
        max(b[2] for b in known),
        max(b[3] for b in known),
    )


def unread_text(row: RawRow, found: list[RawIndicator]) -> UnreadText | None:
    """The row as unread text when it gave no indicator (at most level names) and holds a
    cell that went into nothing, placeholders and template labels aside; else None."""
    if any(not indicator.section for indicator in found):
        return None
    used = {(cell.col, cell.text) for indicator in found for cell in indicator.cells.values()}
    if all((c.col, c.text) in used or is_filler(c.text) for c in row.cells):
        return None
    levels = {(c.col, c.text) for i in found for r, c in i.cells.items() if r in _LEVELS}
    bbox = union_bbox(c.bbox for c in row.cells if (c.col, c.text) not in levels)
    return UnreadText(
        text=" | ".join(c.text for c in row.cells),
        line=row.line,
        page=row.page,
        bbox=bbox or union_bbox(c.bbox for c in row.cells),
        where=row.where,
    )


# the label of an unfilled slot of a blank template, folded: "指标1:", "指标 2：/", "指标三"
_TEMPLATE_LABEL: Final = re.compile(r"^指标[\d一二三四五六七八九十]+:?[-/\\.]*$")


def is_filler(text: str) -> bool:
    """A cell that holds nothing to read: empty, a placeholder ("-", "/", "……") or the
    label of an unfilled template slot ("指标2:")."""
    return cell_type(text) in _SKIPPED or bool(_TEMPLATE_LABEL.match(fold(text)))


_TEMPLATES: Final[dict[tuple[HeaderColumn, ...], Template]] = {}


def _template(header: tuple[HeaderColumn, ...]) -> Template:
    """One Template object per distinct header, so alignment cache keys compare by identity."""
    template = _TEMPLATES.get(header)
    if template is None:
        if len(_TEMPLATES) > 4096:
            _TEMPLATES.clear()
        template = _TEMPLATES[header] = Template(header)
    return template


def _only_columns(row: RawRow, template: Template, header: Template) -> RawRow:
    """The cells of a row under one period's columns (a cell left of every tagged column of
    the header, such as 一级指标, is shared)."""
    columns = {c.col for c in template.columns}
    first_tagged = min((c.col for c in header.columns if period_tag(c.label)), default=0)
    cells = tuple(c for c in row.cells if c.col in columns or c.col < first_tagged)
    return RawRow(cells, row.line, row.page, row.where)


class _Draft:
    """A form being assembled while the rows go by."""

    def __init__(self) -> None:
        self.form = RawForm()
        self.head = HeadReader(self.form)
        self.template: Template | None = None
        self.periods: list[Template] = []  # one template per period of a side-by-side header
        self.table_closed = False
        self._rows_since_header = False

    @property
    def has_rows(self) -> bool:
        return bool(self.form.indicators)

    @property
    def has_named_rows(self) -> bool:
        """The form holds an indicator with a name (level cells alone, a section row, make
        no table yet: a head line after one still belongs to this form's head)."""
        return any(not indicator.section for indicator in self.form.indicators)

    @property
    def rows_since_header(self) -> bool:
        return self._rows_since_header

    def set_template(self, header: tuple[HeaderColumn, ...]) -> None:
        self.template = _template(header)
        self.periods = [_template(part) for part in split_periods(header)]
        self.form.header = header
        self._rows_since_header = False

    @property
    def started(self) -> bool:
        return bool(self.form.title or self.form.fields or self.template or self.form.budget)

    def touch(self, row: RawRow) -> None:
        self.touch_at(row.line, row.page)

    def touch_at(self, line: int | None, page: int | None) -> None:
        """The form reaches this line and page."""
        if line is not None:
            if self.form.line_start is None:
                self.form.line_start = line
            self.form.line_end = line
        if page is not None:
            if self.form.page_start is None:
                self.form.page_start = page
            self.form.page_end = page

    def head_row(self, row: RawRow) -> None:
        if self.head.feed(row):
            self.touch(row)
            return
        text = " ".join(c.text for c in row.cells)
        if len(text) <= 40 and find_year(text) and is_year_line(text):
            if self.form.year_text is None:
                self.form.year_text = text
            self.touch(row)
        elif self.form.department is None and (org := org_name(row)) is not None:
            self.form.department = org

    def table_row(self, row: RawRow) -> None:
        """Align the row to each period's columns; a row that gives no indicator and leaves
        text unused is kept as unread."""
        assert self.template is not None
        found: list[RawIndicator] = []
        for template in self.periods:
            part = row if len(self.periods) == 1 else _only_columns(row, template, self.template)
            indicator = align_row(part, template)
            if indicator is not None:
                found.append(indicator)
                self.form.indicators.append(indicator)
                self._rows_since_header = True
                self.touch(row)
        unread = unread_text(row, found)
        if unread is not None:
            self.form.unread.append(unread)
            self.touch(row)

    def footer_row(
        self, row: RawRow, pairs: dict[str, str], fields: dict[str, str] | None = None
    ) -> None:
        for key, value in pairs.items():
            if value and key not in self.form.footer:
                self.form.footer[key] = value
        for field, value in (fields or {}).items():
            self.form.fields.setdefault(field, value)
        self.table_closed = True
        self.touch(row)


class FormAssembler:
    """Consumes rows in reading order and cuts them into RawForms.

    Any layout that can produce RawRows (tab-separated lines, PDF or office grids) feeds
    this one assembler, so the row logic exists once.
    """

    def __init__(self) -> None:
        self.forms: list[RawForm] = []
        self.draft = _Draft()

    def _next_form(self) -> None:
        if self.draft.has_rows:
            self.forms.append(self.draft.form)
        self.draft = _Draft()

    def feed(self, row: RawRow) -> None:
        if not row.cells:
            return
        header = read_header(row)
        if header is not None:
            self._header(row, header)
            return
        if self._header_continues(row):
            return
        if self._footer(row):
            return
        if is_title(row):
            self._title(row)
        elif self.draft.has_rows and is_other_table_title(row):
            self.draft.table_closed = True  # an unrelated table (附表, …统计表) follows the form
        elif self.draft.template is not None and not self.draft.table_closed:
            self._in_table(row)
        else:
            self._outside_table(row)

    def _header_continues(self, row: RawRow) -> bool:
        """A header broken over several lines: label-only rows right after the header."""
        draft = self.draft
        if draft.template is None or draft.rows_since_header or draft.table_closed:
            return False
        extra = header_continuation(row, draft.template.columns)
        if extra is None:
            return False
        draft.set_template((*draft.template.columns, *extra))
        draft.touch(row)
        return True

    def _header(self, row: RawRow, header: tuple[HeaderColumn, ...]) -> None:
        # a repeated header right after table rows (a page break) continues the table
        if self.draft.has_rows and self.draft.table_closed:
            self._next_form()
        self.draft.set_template(header)
        self.draft.table_closed = False
        self.draft.touch(row)

    def _title(self, row: RawRow) -> None:
        if self.draft.has_rows:
            self._next_form()
        if self.draft.form.title is None:
            self.draft.form.title = title_of(row)
            self.draft.touch(row)

    def _in_table(self, row: RawRow) -> None:
        if self.draft.has_rows and opens_head(row):
            self._next_form()
            self.draft.head_row(row)
        else:
            self.draft.table_row(row)

    def _outside_table(self, row: RawRow) -> None:
        if self.draft.has_named_rows and opens_head(row):
            self._next_form()
        if not self.draft.has_named_rows:
            self.draft.head_row(row)

    # --- for layouts that recognise indicators themselves (flattened text, prose) ---

    def feed_outside(self, row: RawRow) -> None:
        """A row its caller knows holds no indicator row (the table is read by the row
        recognizer): it may still be a title, a head field or a footer line."""
        if not row.cells or read_header(row) is not None:
            return
        if self._footer(row):
            return
        if is_title(row) and not self._awaits_value():
            self._title(row)
        else:
            self._outside_table(row)

    def _awaits_value(self) -> bool:
        """A head label stood alone on its line ("| 项目名称 |"): the next line is its value,
        even one that reads as a title ("2020年…经费支出绩效自评表 |": the project named so)."""
        return self.draft.head.pending is not None and not self.draft.has_rows

    def _footer(self, row: RawRow) -> bool:
        """A footer line, kept with the current form. One opening with a head label after the
        table ("填报单位: 某局 填表人: … 联系电话: …") is this form's, never the next form's head."""
        text = " ".join([c.text for c in row.cells])
        pairs = footer_pairs(text)
        if pairs is not None:
            self.draft.footer_row(row, pairs)
            return True
        signed = signed_footer(text) if self.draft.has_rows else None
        if signed is not None:
            self.draft.footer_row(row, signed.pairs, signed.fields)
        return signed is not None

    def start_project(self, values: dict[str, str], row: RawRow) -> None:
        """The project cells of a table holding several projects (项目名称 | 预算数 | 年度目标
        printed on each project's first row): after rows, a new form. A field its row leaves
        out (a department cell merged over several projects) and the title, year and amount
        unit are the previous project's."""
        before = self.draft.form
        if self.draft.has_rows:
            self._next_form()
            form = self.draft.form
            form.title, form.year_text, form.budget_unit = (
                before.title,
                before.year_text,
                before.budget_unit,
            )
            if "department" in before.fields:
                form.fields["department"] = before.fields["department"]
        form = self.draft.form
        for field, text in values.items():
            if field == "budget":
                form.budget["total"] = text
            elif field == "annual_goals":
                form.goals_text = text
            else:
                form.fields[field] = text
        self.draft.touch(row)

    @property
    def table_closed(self) -> bool:
        return self.draft.table_closed

    @property
    def table_open(self) -> bool:
        """Rows are being added to the current form's table."""
        return self.draft.has_rows and not self.draft.table_closed

    def open_table(self) -> None:
        """Start (or continue) the indicator table without a header row."""
        if self.draft.has_rows and self.draft.table_closed:
            self._next_form()
        self.draft.table_closed = False

    def add(self, indicator: RawIndicator, line: int | None) -> None:
        self.draft.form.indicators.append(indicator)
        self.draft.touch_at(line, indicator.page)  # no RawRow made for it (one per indicator)

    def close_form(self) -> None:
        """A hard boundary (a new worksheet): the next rows never continue the current form."""
        self._next_form()

    def note_flags(self, flags: Iterable[str]) -> None:
        """Flags of the grid being fed (recovery method, continued_across_pages, hidden rows
        skipped) on the form it belongs to."""
        for flag in flags:
            if flag not in self.draft.form.flags:
                self.draft.form.flags.append(flag)

    def finish(self) -> list[RawForm]:
        self._next_form()
        return self.forms
