"""Stage 3: turn RawForms into the canonical SCHEMA models.

Normalizers never raise on data: what cannot be parsed stays as printed in the `*_raw` and
`*_text` fields, with a flag.
"""

from __future__ import annotations

from jixiao.models import Form, Indicator, UnreadText
from jixiao.normalizers import fields
from jixiao.normalizers.indicators import build_indicator
from jixiao.normalizers.levels import Levels, LevelTracker
from jixiao.records import RawForm, RawIndicator, Role, SourceDoc
from jixiao.records import UnreadText as RawUnread


def normalize_indicators(raw: RawForm, year: int | None = None) -> list[Indicator]:
    rows = raw.indicators
    levels = _trailing_levels(rows) if _levels_trail(rows) else _leading_levels(rows)
    indicators: list[Indicator] = []
    for row, row_levels in zip(rows, levels):
        if not row.section:
            indicators.append(build_indicator(row, row_levels, len(indicators) + 1, year))
    return indicators


def _printed_levels(row: RawIndicator) -> tuple[str | None, str | None]:
    return row.texts.get(Role.LEVEL1), row.texts.get(Role.LEVEL2)


def _leading_levels(rows: list[RawIndicator]) -> list[Levels]:
    """Level names carried down from the row that prints them (merged cells)."""
    tracker = LevelTracker()
    return [tracker.resolve(*_printed_levels(row)) for row in rows]


def _trailing_levels(rows: list[RawIndicator]) -> list[Levels]:
    """Level names printed after the rows they group: carried up. Printed in a row, they
    close the group before it (a text of one cell a line reads them with the next row)."""
    tracker = LevelTracker()
    levels: list[Levels] = []
    for row in reversed(rows):
        printed = _printed_levels(row)
        if row.section or printed == (None, None):
            levels.append(tracker.resolve(*printed))
            continue
        levels.append(tracker.resolve(None, None))
        tracker.resolve(*printed)
    return levels[::-1]


def _levels_trail(rows: list[RawIndicator]) -> bool:
    """Level names printed after the rows they group (where a vertically centred merged
    cell lands in some text dumps): none before or on the first row, and the table ends
    with a line of level names."""
    first = next((k for k, row in enumerate(rows) if not row.section), None)
    if first is None or any(_printed_levels(row) != (None, None) for row in rows[: first + 1]):
        return False
    return rows[-1].section and _printed_levels(rows[-1]) != (None, None)


def normalize(raw: RawForm, doc: SourceDoc, index: int) -> Form:
    """The canonical Form for the `index`-th RawForm of a source."""
    year = fields.form_year(raw)
    return Form(
        form_id=f"{doc.sha256[:16]}-{index}",
        form_type=fields.form_type(raw),  # type: ignore[arg-type]
        title=raw.title,
        year=year,
        department=fields.department(raw),
        project=fields.project(raw),
        budget=fields.budget(raw),
        responsibilities=fields.text_field(raw, "responsibilities"),
        annual_goals=fields.split_goals(raw.goals_text),
        tasks=fields.tasks(raw),
        contacts=fields.contacts(raw),
        indicators=normalize_indicators(raw, year),
        page_start=raw.page_start,
        page_end=raw.page_end,
        line_start=raw.line_start,
        line_end=raw.line_end,
        flags=list(raw.flags),
        unread=[unread_text(u) for u in raw.unread],
    )


def unread_text(raw: RawUnread) -> UnreadText:
    """Table text that went into no row, as the contract shows it."""
    bbox = list(raw.bbox) if raw.bbox else None
    return UnreadText(text=raw.text, line=raw.line, page=raw.page, bbox=bbox, cell=raw.where)


def normalize_source(raws: list[RawForm], doc: SourceDoc) -> list[Form]:
    """Every form of a source; a form without its own title or year (a later project block
    of the same document) takes them from the form before it."""
    previous: RawForm | None = None
    for raw in raws:
        if previous is not None:
            raw.title = raw.title or previous.title
            raw.year_text = raw.year_text or previous.year_text
            if not raw.fields.get("department") and raw.department is None:
                raw.department = fields.department(previous)
        previous = raw
    return [normalize(raw, doc, i) for i, raw in enumerate(raws)]
