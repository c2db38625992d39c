"""Typed records crossing the stage boundaries: extract -> parsers -> normalizers.

extract returns a `SourceDoc`; parsers return `RawForm`s whose cells hold text exactly as
printed (HTML stripped, whitespace cleaned) with provenance; normalizers build the SCHEMA
models from them. High-volume records are frozen, slotted dataclasses.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum

BBox = tuple[float, float, float, float]


# The records made by the thousand for every text (lines, cells, indicator rows) are not
# frozen: a frozen dataclass's __init__ sets each field through object.__setattr__, three
# times slower. Nothing assigns to one once it is made; the hashable ones keep their hash.
@dataclass(slots=True, unsafe_hash=True)
class TextLine:
    """One line of a text source, as decoded."""

    number: int  # 1-based
    text: str
    page: int | None = None


@dataclass(frozen=True, slots=True)
class GridCell:
    """One cell of a table grid (PDF, office file, web page), as printed.

    A merged cell appears once, at its top-left position, with its spans; the positions it
    covers hold no GridCell. `text` keeps the printed text (wrapped lines joined).
    """

    row: int  # 0-based within the grid
    col: int
    text: str
    rowspan: int = 1
    colspan: int = 1
    page: int | None = None
    bbox: BBox | None = None  # page coordinates, top-left origin
    origin: str = "text_layer"  # "text_layer" | "ocr" | "office" | "html"
    score: float = 1.0  # OCR confidence of the cell's text, 1.0 otherwise


@dataclass(frozen=True, slots=True)
class CellGrid:
    """A table recovered from a page, sheet or document, with where it came from."""

    cells: tuple[GridCell, ...]
    page: int | None = None  # first page of the table
    where: str = ""  # provenance: "page 2", "sheet 项目1", "table 3"
    flags: tuple[str, ...] = ()  # e.g. continued_across_pages, which recovery method won
    separate: bool = False  # a worksheet: no form continues into it from the previous grid


@dataclass(frozen=True, slots=True)
class PageProblem:
    """A problem with one page that does not stop the rest of the source (blank scan page,
    no table on a photo, OCR not installed); the pipeline reports it as a Problem."""

    code: str  # a code of jixiao.problems
    message: str
    page: int | None = None


# One item of a source in reading order: a line of text or a table grid.
Block = TextLine | CellGrid


@dataclass(frozen=True, slots=True)
class SourceDoc:
    """A source read into positioned text and table grids, in reading order, with provenance.

    Text dumps fill `lines`; PDFs, office files and web pages fill `blocks` with the lines
    outside tables (titles, year, footer) and the table grids, in document order.
    """

    path: str  # relative to the input root, "/" separators
    sha256: str
    format: str
    encoding: str | None
    pages: int | None
    lines: tuple[TextLine, ...] = ()
    blocks: tuple[Block, ...] = ()
    ocr_pages: tuple[int, ...] = ()  # pages without a usable text layer (scans)
    problems: tuple[PageProblem, ...] = ()  # per-page problems found while reading


@dataclass(slots=True, unsafe_hash=True)  # not frozen: see TextLine
class RawCell:
    """One cell as printed, with where it came from."""

    text: str
    col: int
    line: int | None = None
    page: int | None = None
    bbox: BBox | None = None
    origin: str = "text_layer"
    score: float = 1.0  # OCR confidence of the cell (1.0 for text sources)


class RowKind(Enum):
    BLANK = "blank"
    TITLE = "title"
    METADATA = "metadata"
    HEADER = "header"
    SECTION = "section"
    INDICATOR = "indicator"
    FOOTER = "footer"
    OTHER = "other"


@dataclass(slots=True, unsafe_hash=True)  # not frozen: see TextLine
class RawRow:
    """A row of a table (a tab-separated line, a row of a grid): its non-empty cells only,
    each knowing its column."""

    cells: tuple[RawCell, ...]
    line: int | None = None
    page: int | None = None
    where: str | None = None  # grid provenance: "sheet 项目1, row 12", "table 2, row 5"


class Role(str, Enum):
    """What a cell of an indicator row holds."""

    __hash__ = str.__hash__  # C-level hash: roles key hot dictionaries

    LEVEL1 = "level1"
    LEVEL2 = "level2"
    NAME = "name"
    OPERATOR = "operator"
    DIRECTION = "direction"
    VALUE = "value"
    UNIT = "unit"
    EXPLANATION = "explanation"
    SCORING = "scoring"
    REMARK = "remark"
    WEIGHT = "weight"
    ACTUAL = "actual"
    SCORE = "score"
    DEVIATION = "deviation"
    STANDARD = "standard"
    IGNORE = "ignore"


@dataclass(frozen=True, slots=True)
class HeaderColumn:
    col: int
    role: Role
    label: str


@dataclass(slots=True)  # not frozen: see TextLine (its cells make it unhashable anyway)
class RawIndicator:
    """A table row with each cell assigned a role by its content; text as printed.

    `section` rows only name a level-1/level-2 group (the top of a merged cell) and hold
    no indicator; the normalizer uses them to carry levels down.
    """

    cells: dict[Role, RawCell]
    section: bool
    line: int | None
    page: int | None
    bbox: BBox | None = None
    flags: tuple[str, ...] = ()
    where: str | None = None  # grid provenance of the row (RawRow.where)
    # the printed text of each role, built once: the normalizers read it many times a row
    texts: dict[Role, str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        self.texts = {role: cell.text for role, cell in self.cells.items()}

    def text(self, role: Role) -> str | None:
        return self.texts.get(role)


@dataclass(frozen=True, slots=True)
class UnreadText:
    """Text inside a form's indicator table that went into no row (nor header, level or
    footer): kept with the form so a reviewer sees what was not read."""

    text: str  # as printed, whitespace cleaned
    line: int | None = None  # 1-based, text-like sources
    page: int | None = None
    bbox: BBox | None = None
    where: str | None = None  # grid provenance of the row (RawRow.where)


@dataclass(slots=True)
class RawForm:
    """One form as recovered by a layout parser, before normalization."""

    title: str | None = None
    year_text: str | None = None
    fields: dict[str, str] = field(default_factory=dict)  # canonical field -> printed value
    goals_text: str | None = None
    tasks: list[tuple[str, str]] = field(default_factory=list)
    budget: dict[str, str] = field(default_factory=dict)  # budget key -> printed amount
    budget_unit: str | None = None
    footer: dict[str, str] = field(default_factory=dict)
    department: str | None = None  # an organisation line in the head (no label)
    header: tuple[HeaderColumn, ...] = ()
    indicators: list[RawIndicator] = field(default_factory=list)
    line_start: int | None = None
    line_end: int | None = None
    page_start: int | None = None
    page_end: int | None = None
    flags: list[str] = field(default_factory=list)
    unread: list[UnreadText] = field(default_factory=list)  # table text that went into no row
