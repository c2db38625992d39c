"""Property-based fuzzing: text readers, layout parsers, normalizers.

No input makes a reader raise anything but SourceError, `process_bytes` never raises (bad
input becomes a Problem), and parsers and normalizers never raise at all; their outputs keep
the invariants of the SCHEMA models. Inputs mix random text with the domain's tokens
(operators, units, level names and header labels from jixiao/data/*.toml, numbers as forms
print them) and mutate the real text samples.

`make test` runs the short, derandomized "ci" profile; `make fuzz` the "fuzz" profile
(tests/fuzz_profiles.py), which prints how many cases ran.
"""

from __future__ import annotations

import math
from datetime import date

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from jixiao.extract import read_source
from jixiao.extract.html import read_html
from jixiao.extract.sniff import sniff_format
from jixiao.extract.text import decode_text, split_lines
from jixiao.flags import FLAGS
from jixiao.keys import (
    IndicatorRef,
    cluster_names,
    department_key,
    indicator_keys,
    indicator_name,
    project_keys,
    project_name,
)
from jixiao.models import Form, Indicator, SourceResult
from jixiao.normalizers import normalize_source
from jixiao.normalizers.confidence import confidence
from jixiao.normalizers.dates import deadline, excel_serial_date, iso_date
from jixiao.normalizers.fields import (
    budget,
    contacts,
    form_type,
    form_year,
    organisation,
    split_goals,
)
from jixiao.normalizers.levels import LevelTracker
from jixiao.normalizers.matching import closest_level
from jixiao.normalizers.numbers import chinese_number, parse_number
from jixiao.normalizers.operators import (
    operator_of_cell,
    split_operator_prefix,
    split_operator_suffix,
)
from jixiao.normalizers.targets import read_target, repair_text
from jixiao.normalizers.units import canonical_unit, infer_unit, unit_after_number
from jixiao.normalizers.values import parse_target
from jixiao.normalizers.weights import score_of_cell, weight_of_cell, weight_of_scoring
from jixiao.parsers import parse, parse_lines
from jixiao.parsers.layouts import content_lines
from jixiao.parsers.prose import parse_prose
from jixiao.parsers.stream import parse_formula_stream
from jixiao.pipeline import process_bytes
from jixiao.problems import PROBLEM_CODES, SourceError
from jixiao.records import (
    CellGrid,
    GridCell,
    HeaderColumn,
    RawCell,
    RawForm,
    RawIndicator,
    Role,
    SourceDoc,
    TextLine,
)
from jixiao.repairs import (
    collapse_question_runs,
    excel_float,
    fix_ocr_digits,
    join_spaced_number,
    ocr_two_for_ge,
    strip_pinyin,
)
from jixiao.scoring import parse_rule, rule_score
from jixiao.text import clean, fold, join_wrapped, strip_html
from jixiao.vocab import vocabulary
from tests.conftest import FORMS
from tests.fuzz_profiles import counted, scaled

# ---------------------------------------------------------------------------------------
# vocabulary and samples

V = vocabulary()
OPERATORS = {">=", "<=", "=", ">", "<", "qualitative", "unknown"}
SCHEMA_OPERATORS = {">=", "<=", "=", ">", "<", "range", "qualitative", None}
SNIFFED = {
    "pdf", "zip", "xlsx", "docx", "ofd", "ole", "xls", "doc", "wps", "encrypted", "png",
    "jpeg", "tiff", "gif", "gzip", "rar", "7z", "html", "mhtml", "text",
}  # fmt: skip
SAMPLE_TEXTS = [
    p.read_bytes().decode("utf-8")
    for p in sorted([*FORMS.glob("*.txt"), *(FORMS / "corpus").glob("*.txt")])
]
SAMPLE_LINES = sorted({line for text in SAMPLE_TEXTS for line in text.splitlines() if line.strip()})
SAMPLE_HTML = [
    (FORMS / "office" / name).read_bytes() for name in ("project_2026.html", "two_tables.htm")
]

_WORDS = sorted(
    {
        *(symbol for symbol, _ in V.operator_symbols),
        *V.operator_words,
        "≥", "≤", "＞＝", "＜＝", "＞", "＜", "不 低于", "及以上", "以上", "以下", "以内", "(含)以上",
        *V.units, *V.units.values(),
        *V.level_names,
        *V.headers, *V.fields, *V.budget, *V.footer, *V.task_columns, *V.title_markers,
        *V.qualitative,
        "年", "月", "日", "底", "底前", "月前", "年底", "年末", "前", "号", "得", "扣", "分", "每",
        "共计", "满分", "得满分", "计", "百分之", "个百分点", "实际值/计划值", "计划值/实际值",
        "控制在", "范围内", "每超出", "每降低", "每推迟", "天", "效果明显", "效果一般",
        "《", "》", "?", "??", "？？？", "(", ")", "（", "）", "(biāo)", "-", "~", "～", "至", "—",
        ".", ",", "，", "、", ":", "：", ";", "；", "%", "％", "‰", "万", "亿", "元/亩",
        "\t", "|", " ", "  ", "\u3000", "\u00a0", "\n", "\r\n", "<br>", "<p>", "&amp;", "&lt;",
        "<td>", "</td>", "*", "=", "O", "l", "I", "S", "一", "二", "十", "百", "两", "零",
        "2025年", "(2026)年度", "2025.12.15", "2025年10月底前", "2023.07-2024.01",
    }
)  # fmt: skip
_FULL_WIDTH = str.maketrans("0123456789.%", "０１２３４５６７８９．％")
_NUMBER_WORDS = [
    "0.0900000762939453", "44561", "25569", "73050", "1,350.75", "1，350.75", "１００", "９５％",
    "9" * 400, "1" + "0" * 330, "1e999", "1e5", "1E+05", "-0.3", "+5", "1_000", "inf", "Infinity",
    "nan", "NaN", "-inf", "0", "00", "0.0", ".5", "5.", "292%", "968.191 8", "1O0%", "l5",
    "二十", "十五", "百", "两", "一百二十", "零", "十",
]  # fmt: skip


def _number_text() -> st.SearchStrategy[str]:
    plain = st.one_of(
        st.integers(-(10**6), 10**12).map(str),
        st.integers(25569, 73050).map(str),
        st.floats(allow_nan=True, allow_infinity=True).map(repr),
        st.from_regex(r"[0-9]{1,20}(\.[0-9]{1,16})?", fullmatch=True),
        st.sampled_from(_NUMBER_WORDS),
    )
    return st.one_of(plain, plain.map(lambda t: t.translate(_FULL_WIDTH)))


NUMBERS = _number_text()
TOKEN = st.one_of(
    st.sampled_from(_WORDS),
    NUMBERS,
    st.text(max_size=4),
    st.text(st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF), min_size=1, max_size=4),
)
TEXT = st.one_of(st.lists(TOKEN, max_size=10).map("".join), st.text(max_size=30))
OPT_TEXT = st.none() | TEXT
TARGET = st.builds(  # operator, number, unit: "≥95%", "不低于280人次", "18-54岁", "60%及以上"
    lambda op, num, sep, unit, suffix: f"{op}{num}{sep}{unit}{suffix}",
    st.sampled_from(["", *(s for s, _ in V.operator_symbols), *V.operator_words, "≥", "＞＝"]),
    NUMBERS,
    st.sampled_from(["", " ", "-", "~", "至", "—"]) | NUMBERS.map(lambda n: f"-{n}"),
    st.sampled_from(["", *V.units, "人次", "岁", "亩"]),
    st.sampled_from(["", "及以上", "以上", "以下", "以内", "(含)以上", "前", "底前"]),
)
CELL_TEXT = st.one_of(TEXT, TARGET, st.sampled_from(_WORDS), st.just(""))


def _finite_or_none(value: float | None) -> bool:
    return value is None or math.isfinite(value)


def _valid_iso(text: str | None) -> bool:
    return text is None or 1900 <= date.fromisoformat(text).year <= 2100


# ---------------------------------------------------------------------------------------
# text readers


_MAGIC = [
    b"", b"%PDF-1.4\n", b"PK\x03\x04", b"PK\x05\x06", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
    b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"II*\x00", b"MM\x00*", b"GIF8", b"\x1f\x8b",
    b"Rar!", b"7z\xbc\xaf\x27\x1c", b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff",
    b"\xff\xfe\x00\x00", b"<html>", b"<table>", b"MIME-Version: 1.0\nContent-Type: multipart/related\n\n",
]  # fmt: skip
_MEMBERS = [b"", b"xl/workbook.xml", b"word/document.xml", b"OFD.xml", b"Doc_0/", b"mimetype"]
_STREAMS = ["", "Workbook", "Book", "WordDocument", "WpsCustomData", "EncryptedPackage"]


@st.composite
def any_bytes(draw: st.DrawFn) -> bytes:
    """Raw bytes, often behind a known signature, with container member names sprinkled in."""
    magic = draw(st.sampled_from(_MAGIC))
    body = draw(st.binary(max_size=600))
    member = draw(st.sampled_from(_MEMBERS))
    stream = draw(st.sampled_from(_STREAMS)).encode("utf-16-le") + b"\x00\x00"
    if magic.startswith(b"PK") and member:
        body = b"\x00" * 22 + len(member).to_bytes(2, "little") + b"\x00\x00" + member + body
    elif magic.startswith(b"\xd0\xcf") and len(stream) > 2:
        body += stream
    return magic + body


@given(any_bytes())
@counted
def test_sniff_format_names_a_known_format(data: bytes) -> None:
    assert sniff_format(data) in SNIFFED


@given(st.binary(max_size=2000) | any_bytes())
@example(b"\xef\xbb\xbf\xff")
@example(b"\xff\xfe\x00")
@example(b"\x00\x00\x00")
@counted
def test_decode_text_raises_only_source_error(data: bytes) -> None:
    try:
        encoding, text = decode_text(data)
    except SourceError as exc:
        assert exc.code in PROBLEM_CODES
        return
    assert encoding and text.strip()
    lines = split_lines(text)
    assert [line.number for line in lines] == list(range(1, len(lines) + 1))
    assert not any("\n" in line.text or "\r" in line.text for line in lines)


@given(st.text(max_size=500))
@counted
def test_split_lines_keeps_every_character(text: str) -> None:
    lines = split_lines(text)
    assert "".join(line.text for line in lines) == text.replace("\r", "").replace("\n", "")


def _check_result(result: SourceResult) -> None:
    """A process_bytes result survives a JSON round trip through the models."""
    again = SourceResult.model_validate_json(result.model_dump_json())
    assert again.source.path == result.source.path
    assert all(problem.code in PROBLEM_CODES for problem in result.errors)
    for form in result.forms:
        _check_form(form)


@given(any_bytes() | st.binary(max_size=3000))
@counted
def test_read_source_raises_only_source_error(data: bytes) -> None:
    doc = _read_or_none(data, "fuzz.bin")
    assert doc is None or isinstance(doc, SourceDoc)


@given(any_bytes() | st.binary(max_size=3000))
@counted
def test_process_bytes_never_raises_on_bytes(data: bytes) -> None:
    _check_result(process_bytes(data, "fuzz.bin"))


# mutations of the real text samples


_SEPARATORS = ["\t", "|", " | ", " ", "  ", ",", "\u3000", ""]


@st.composite
def mutated_text(draw: st.DrawFn) -> str:
    lines = draw(st.sampled_from(SAMPLE_TEXTS)).split("\n")
    for _ in range(draw(st.integers(0, 8))):
        if not lines:
            break
        i = draw(st.integers(0, len(lines) - 1))
        j = draw(st.integers(0, len(lines) - 1))
        kind = draw(st.sampled_from(["delete", "duplicate", "swap", "insert", "separators", "cut"]))
        if kind == "delete":
            del lines[i]
        elif kind == "duplicate":
            lines.insert(j, lines[i])
        elif kind == "swap":
            lines[i], lines[j] = lines[j], lines[i]
        elif kind == "insert":
            at = draw(st.integers(0, len(lines[i])))
            lines[i] = lines[i][:at] + draw(TOKEN) + lines[i][at:]
        elif kind == "separators":
            old, new = draw(st.sampled_from(_SEPARATORS[:-1])), draw(st.sampled_from(_SEPARATORS))
            lines[i] = lines[i].replace(old, new)
        else:
            lines[i] = lines[i][: draw(st.integers(0, len(lines[i])))]
    return "\n".join(lines)


_ENCODINGS = ["utf-8", "utf-8-sig", "gbk", "gb18030", "big5", "utf-16", "utf-16-le", "utf-32"]


@st.composite
def mutated_bytes(draw: st.DrawFn) -> bytes:
    encoding = draw(st.sampled_from(_ENCODINGS))
    data = draw(mutated_text()).encode(encoding, errors="replace")
    if draw(st.booleans()):
        data = data[: draw(st.integers(0, len(data)))]
    return data


@scaled(0.5)
@given(mutated_bytes())
@counted
def test_process_bytes_never_raises_on_mutated_samples(data: bytes) -> None:
    _check_result(process_bytes(data, "mutated.txt"))


@scaled(0.5)
@given(mutated_bytes())
@counted
def test_read_source_on_mutated_samples(data: bytes) -> None:
    doc = _read_or_none(data, "mutated.txt")
    assert doc is None or doc.format in SNIFFED


def _read_or_none(data: bytes, name: str) -> SourceDoc | None:
    """read_source, where the only exception allowed is a SourceError with a known code."""
    try:
        return read_source(data, name)
    except SourceError as exc:
        assert exc.code in PROBLEM_CODES
        return None


# web pages

_ROWSPAN = st.sampled_from(["1", "2", "3", "0", "-1", "x", " 2 ", "1.5", ""])
_COLSPAN = _ROWSPAN | st.just("1000")  # the reader's cap; not both, a cell covers 10^6 places


def _html_cell(tag: str, text: str, rowspan: str, colspan: str) -> str:
    return f'<{tag} rowspan="{rowspan}" colspan="{colspan}">{text}</{tag}>'


@st.composite
def html_page(draw: st.DrawFn) -> bytes:
    cell_text = CELL_TEXT.map(lambda t: t.replace("<", "&lt;"))
    rows = []
    for _ in range(draw(st.integers(0, 6))):
        cells = [
            _html_cell(
                draw(st.sampled_from(["td", "th"])),
                draw(cell_text)
                + draw(
                    st.sampled_from(["", "<br>", "<p>x</p>", "<table><tr><td>内</td></tr></table>"])
                ),
                draw(_ROWSPAN),
                draw(_COLSPAN),
            )
            for _ in range(draw(st.integers(0, 8)))
        ]
        rows.append("<tr>" + "".join(cells) + draw(st.sampled_from(["</tr>", ""])))
    charset = draw(
        st.sampled_from(["utf-8", "gbk", "gb2312", "big5", "latin-1", "bogus", "utf-16"])
    )
    noise = draw(
        st.sampled_from(
            [
                "",
                "<script>x</script>",
                '<div class="nav">菜单</div>',
                "<nav>a</nav>",
                "</table>",
                "<table>",
            ]
        )
    )
    page = (
        f'<html><head><meta charset="{charset}"></head><body>{draw(TEXT)}{noise}'
        f"<table>{''.join(rows)}</table>{draw(TEXT)}</body></html>"
    )
    data = page.encode(
        draw(st.sampled_from(["utf-8", "gb18030", "big5", "utf-16"])), errors="replace"
    )
    return data[: draw(st.integers(0, len(data)))] if draw(st.booleans()) else data


@scaled(0.2)
@given(html_page() | st.sampled_from(SAMPLE_HTML))
@counted
def test_html_reader_raises_only_source_error(data: bytes) -> None:
    try:
        doc = read_html(data, "page.html", "0" * 64)
    except SourceError as exc:
        assert exc.code in PROBLEM_CODES
        return
    assert any(isinstance(block, CellGrid) for block in doc.blocks)
    _check_forms(normalize_source(parse(doc), doc))


@scaled(0.2)
@given(html_page())
@counted
def test_process_bytes_never_raises_on_html(data: bytes) -> None:
    _check_result(process_bytes(data, "page.html"))


# ---------------------------------------------------------------------------------------
# layout parsers


@st.composite
def text_lines(draw: st.DrawFn) -> tuple[TextLine, ...]:
    """Lines of cells joined by a separator, real sample lines, and noise."""
    separator = draw(st.sampled_from(_SEPARATORS))
    line = st.one_of(
        st.lists(CELL_TEXT, max_size=10).map(lambda cells: separator.join(cells)),
        st.sampled_from(SAMPLE_LINES),
        TEXT,
        st.sampled_from(["", " ", "|||", "| | |", "# source: x", "# ---", '"a","b"']),
    )
    texts = draw(st.lists(line, max_size=25))
    page = draw(st.none() | st.integers(1, 3))
    return tuple(TextLine(n, text, page) for n, text in enumerate(texts, 1))


def _doc(lines: tuple[TextLine, ...] = (), blocks: tuple[object, ...] = ()) -> SourceDoc:
    return SourceDoc("fuzz.txt", "0" * 64, "text", "utf-8", None, lines, blocks)  # type: ignore[arg-type]


@scaled(0.5)
@given(text_lines())
@counted
def test_parse_lines_never_raises(lines: tuple[TextLine, ...]) -> None:
    doc = _doc(lines)
    _check_forms(normalize_source(parse(doc), doc))


@scaled(0.5)
@given(text_lines())
@counted
def test_segmenters_never_raise(lines: tuple[TextLine, ...]) -> None:
    content_lines(lines)
    for layout in (parse_prose, parse_formula_stream, parse_lines):
        for form in layout(lines):
            assert isinstance(form, RawForm)


@st.composite
def cell_grid(draw: st.DrawFn) -> CellGrid:
    rows, cols = draw(st.integers(0, 8)), draw(st.integers(1, 10))
    header = draw(st.booleans())
    cells = []
    for r in range(rows):
        for c in range(cols):
            if not draw(st.integers(0, 3)):
                continue  # an empty or covered position
            text = draw(st.sampled_from(sorted(V.headers)) if header and r == 0 else CELL_TEXT)
            bbox = draw(st.none() | st.tuples(*[st.floats(0, 1000)] * 4))
            cells.append(
                GridCell(
                    r,
                    c,
                    text,
                    draw(st.integers(1, 3)),
                    draw(st.integers(1, 3)),
                    draw(st.none() | st.integers(1, 3)),
                    bbox,
                    draw(st.sampled_from(["text_layer", "ocr", "office", "html"])),
                    draw(st.floats(0, 1)),
                )  # fmt: skip
            )
    if cells and draw(st.booleans()):
        cells.append(draw(st.sampled_from(cells)))  # two cells at one position
    flags = draw(st.lists(st.sampled_from(sorted(FLAGS)), max_size=2))
    return CellGrid(
        tuple(cells), draw(st.none() | st.integers(1, 3)), draw(st.sampled_from(["", "page 1"])),
        tuple(flags), draw(st.booleans()),
    )  # fmt: skip


@scaled(0.1)
@given(
    st.lists(
        cell_grid() | text_lines().map(lambda ls: ls[0] if ls else TextLine(1, "")), max_size=4
    )
)
@counted
def test_parse_grids_never_raises(blocks: list[CellGrid | TextLine]) -> None:
    doc = _doc(blocks=tuple(blocks))
    _check_forms(normalize_source(parse(doc), doc))


# ---------------------------------------------------------------------------------------
# normalizers


def _check_indicator(ind: Indicator) -> None:
    assert ind.operator in SCHEMA_OPERATORS
    assert _finite_or_none(ind.value) and _finite_or_none(ind.value_max)
    assert _finite_or_none(ind.actual_value) and _finite_or_none(ind.score)
    assert ind.weight is None or (math.isfinite(ind.weight) and ind.weight >= 0)
    if ind.operator == "range":
        assert ind.value is not None and ind.value_max is not None and ind.value <= ind.value_max
    else:
        assert ind.value_max is None
    if ind.operator == "qualitative":
        assert ind.value is None
    assert ind.unit is None or ind.unit.strip()
    assert 0.0 <= ind.confidence <= 1.0
    assert set(ind.flags) <= set(FLAGS)
    assert _valid_iso(ind.deadline)


def _check_form(form: Form) -> None:
    Form.model_validate_json(form.model_dump_json())
    assert _valid_iso(form.contacts.fill_date)
    assert form.year is None or 1900 <= form.year <= 2099
    assert all(_finite_or_none(v) for v in form.budget.model_dump().values())
    assert all(goal for goal in form.annual_goals)
    assert [ind.seq for ind in form.indicators] == list(range(1, len(form.indicators) + 1))
    for ind in form.indicators:
        _check_indicator(ind)


def _check_forms(forms: list[Form]) -> None:
    for form in forms:
        _check_form(form)


@st.composite
def raw_indicator(draw: st.DrawFn) -> RawIndicator:
    roles = draw(st.lists(st.sampled_from(list(Role)), max_size=8, unique=True))
    origin = draw(st.sampled_from(["text_layer", "ocr"]))
    cells = {
        role: RawCell(draw(CELL_TEXT), col, None, None, None, origin, draw(st.floats(0, 1)))
        for col, role in enumerate(roles)
    }
    return RawIndicator(
        cells,
        draw(st.booleans()),
        draw(st.none() | st.integers(1, 500)),
        draw(st.none() | st.integers(1, 20)),
        draw(st.none() | st.tuples(*[st.floats(-1e6, 1e6)] * 4)),
        tuple(draw(st.lists(st.sampled_from(sorted(FLAGS)), max_size=3))),
        draw(st.none() | st.just("table 1, row 2")),
    )


_TITLES = st.one_of(
    TEXT,
    st.builds(
        "".join,
        st.lists(
            st.sampled_from(
                ["2025年", "某某局", "项目", "部门整体", "支出", "自评", *V.title_markers]
            ),
            max_size=5,
        ),
    ),
)


@st.composite
def raw_form(draw: st.DrawFn) -> RawForm:
    text_dict = st.dictionaries  # printed values keyed by canonical names
    return RawForm(
        title=draw(st.none() | _TITLES),
        year_text=draw(OPT_TEXT),
        fields=draw(text_dict(st.sampled_from(sorted(set(V.fields.values()))), TEXT, max_size=3)),
        goals_text=draw(OPT_TEXT),
        tasks=draw(st.lists(st.tuples(TEXT, TEXT), max_size=3)),
        budget=draw(
            text_dict(st.sampled_from(sorted(set(V.budget.values()))), CELL_TEXT, max_size=3)
        ),
        budget_unit=draw(st.sampled_from([None, "万元", "元", "亿元", "千元", "吨"])),
        footer=draw(text_dict(st.sampled_from(sorted(set(V.footer.values()))), TEXT, max_size=3)),
        department=draw(OPT_TEXT),
        header=tuple(
            HeaderColumn(i, role, label)
            for i, (role, label) in enumerate(
                draw(
                    st.lists(
                        st.tuples(st.sampled_from(list(Role)), st.sampled_from(sorted(V.headers))),
                        max_size=6,
                    )
                )
            )
        ),
        indicators=draw(st.lists(raw_indicator(), max_size=5)),
        line_start=draw(st.none() | st.integers(1, 100)),
        line_end=draw(st.none() | st.integers(1, 100)),
        page_start=draw(st.none() | st.integers(1, 5)),
        page_end=draw(st.none() | st.integers(1, 5)),
        flags=draw(st.lists(st.sampled_from(sorted(FLAGS)), max_size=2)),
    )


@scaled(0.1)
@given(st.lists(raw_form(), max_size=3))
@counted
def test_normalize_source_output_validates(raws: list[RawForm]) -> None:
    forms = normalize_source(raws, _doc())
    assert len(forms) == len(raws)
    _check_forms(forms)
    result = SourceResult.model_validate(
        {
            "source": {"path": "a.txt", "sha256": "0" * 64, "format": "text"},
            "forms": [f.model_dump() for f in forms],
        }
    )
    assert len(result.forms) == len(raws)


@scaled(0.1)
@given(raw_form())
@counted
def test_form_fields_never_raise(raw: RawForm) -> None:
    assert form_type(raw) in {
        "department_target", "project_target", "department_self_eval", "project_self_eval", "unknown",
    }  # fmt: skip
    year = form_year(raw)
    assert year is None or 1900 <= year <= 2099
    assert all(_finite_or_none(v) for v in budget(raw).model_dump().values())
    assert _valid_iso(contacts(raw).fill_date)
    assert all(split_goals(raw.goals_text))
    name = organisation(raw.department)
    assert name is None or name.strip()


@scaled(0.5)
@given(raw_indicator(), st.none() | st.integers(1900, 2099))
@counted
def test_read_target_never_raises(row: RawIndicator, year: int | None) -> None:
    target = read_target(row, year)
    assert target.operator in OPERATORS - {"unknown"} | {"range", None}
    assert _finite_or_none(target.value) and _finite_or_none(target.value_max)
    assert set(target.flags) <= set(FLAGS)


@given(TARGET | TEXT)
@example("时间" + "9" * 400)
@counted
def test_value_normalizers(text: str) -> None:
    parsed = parse_target(text)
    assert parsed.operator in OPERATORS | {"range", None}
    assert (parsed.operator is None) == (parsed.operator_raw is None) or parsed.operator == "range"
    assert _finite_or_none(parsed.value) and _finite_or_none(parsed.value_max)
    if parsed.operator == "range":
        assert parsed.value is not None and parsed.value_max is not None
        assert parsed.value <= parsed.value_max
    assert parsed.unit_raw is None or fold(parsed.unit_raw)
    assert operator_of_cell(text) in OPERATORS | {None}
    operator, raw, rest = split_operator_prefix(text)
    assert operator in OPERATORS | {None} and (operator is None) == (raw is None)
    if raw is not None:
        assert text.strip().startswith(raw)
    operator, raw, rest = split_operator_suffix(text)
    assert operator in {">=", "<=", None} and (operator is None) == (raw is None)


@given(TEXT | NUMBERS)
@example("9" * 400)
@example("nan")
@counted
def test_number_normalizers(text: str) -> None:
    assert _finite_or_none(parse_number(text))
    assert _finite_or_none(chinese_number(text))
    weight = weight_of_cell(text)
    assert weight is None or (math.isfinite(weight) and weight >= 0)
    weight = weight_of_scoring(text)
    assert weight is None or (math.isfinite(weight) and weight > 0)
    assert _finite_or_none(score_of_cell(text))


@given(
    OPT_TEXT, st.none() | st.integers(1900, 2099), st.floats(allow_nan=True, allow_infinity=True)
)
@counted
def test_date_normalizers(text: str | None, year: int | None, serial: float) -> None:
    assert _valid_iso(iso_date(text))
    assert _valid_iso(deadline(text, year))
    assert _valid_iso(excel_serial_date(serial))


@given(OPT_TEXT, st.none() | st.floats(allow_nan=False), TEXT)
@counted
def test_unit_normalizers(raw: str | None, number: float | None, name: str) -> None:
    unit = canonical_unit(raw)
    assert unit is None or unit.strip()
    found = infer_unit(number, raw, name)
    assert found is None or found in V.units.values()
    if raw is not None and number is not None:
        after = unit_after_number(raw, number)
        assert after is None or after in V.units.values()


@scaled(0.5)
@given(st.lists(st.tuples(st.none() | CELL_TEXT, st.none() | CELL_TEXT), max_size=8))
@counted
def test_level_tracker_never_raises(pairs: list[tuple[str | None, str | None]]) -> None:
    tracker = LevelTracker()
    names = {*V.level1.values(), *V.level2_by_name}  # canonical names, or as printed
    for raw1, raw2 in pairs:
        names |= {clean(raw) for raw in (raw1, raw2) if raw is not None}
        levels = tracker.resolve(raw1, raw2)
        assert set(levels.flags) <= set(FLAGS)
        assert levels.level1 is None or levels.level1 in names
        assert levels.level2 is None or levels.level2 in names
    for raw1, _ in pairs:
        if raw1:
            close = closest_level(raw1, 1)
            assert close is None or close in set(V.level1.values())


@given(st.lists(st.sampled_from(sorted(FLAGS)) | TEXT, max_size=6), st.floats(0, 1))
@counted
def test_confidence_in_unit_interval(flags: list[str], score: float) -> None:
    assert 0.0 <= confidence(flags, score) <= 1.0


@given(
    TEXT | TARGET,
    st.floats(allow_nan=False, allow_infinity=False),
    st.none() | st.sampled_from(["%", "个"]),
)
@counted
def test_repairs_never_raise(text: str, value: float, unit: str | None) -> None:
    for repair in (fix_ocr_digits, strip_pinyin, collapse_question_runs, join_spaced_number):
        repaired, changed = repair(text)
        assert isinstance(repaired, str) and isinstance(changed, bool)
    repaired_text, flags = repair_text(text)
    assert set(flags) <= set(FLAGS)
    fixed = ocr_two_for_ge(text, value, unit)
    assert fixed is None or 0 < fixed <= 100
    rounded = excel_float(text, value)
    assert rounded is None or abs(rounded - value) < 1e-6


@given(TEXT)
@counted
def test_text_helpers_never_raise(text: str) -> None:
    assert isinstance(fold(text), str) and isinstance(strip_html(text), str)
    cleaned = clean(text)
    assert cleaned == cleaned.strip()
    joined = join_wrapped(text)
    assert "\n" not in joined and "\r" not in joined


@scaled(0.5)
@given(st.lists(st.tuples(st.none() | st.integers(1990, 2030), TEXT, st.none() | TEXT), max_size=6))
@counted
def test_keys_never_raise(rows: list[tuple[int | None, str, str | None]]) -> None:
    for _, name, project in rows:
        key = department_key(name)
        assert key is None or key
        assert project_name(project)
        assert isinstance(indicator_name(name), str)
    forms = [
        (f"f{i}", year, department_key(name), project)
        for i, (year, name, project) in enumerate(rows)
    ]
    keys = project_keys(forms)
    assert set(keys) == {form_id for form_id, *_ in forms}
    refs = [
        IndicatorRef(f"f{i}", year, "p", None, None, name) for i, (year, name, _) in enumerate(rows)
    ]
    assert len(indicator_keys(refs)) == len(refs)
    names = cluster_names(
        [(year or 0, f"f{i}", name) for i, (year, name, _) in enumerate(rows)], 0.7
    )
    assert set(names) == {name for _, name, _ in rows}


_RULES = st.builds(
    "".join,
    st.lists(
        st.sampled_from(
            [
                "达到",
                "控制在",
                "不超过",
                "大于等于",
                "≥",
                "得满分",
                "得",
                "分",
                "每降低",
                "每超过",
                "每超出",
                "少",
                "扣",
                "以内",
                "%",
                "个",
                "天",
                "共计",
                "年",
                "月",
                "日前完成",
                "每推迟",
                "范围内",
                ",",
                ";",
                "实际值/计划值",
                "计划值/实际值",
                "效果明显",
                "效果一般",
                "百分之",
                "一个百分点",
                "二",
                "十",
            ]  # fmt: skip
        )
        | NUMBERS,
        max_size=14,
    ),
)


@given(
    _RULES | TEXT,
    st.none() | st.floats(0, 100),
    st.none() | st.floats(allow_nan=False, allow_infinity=False),
    OPT_TEXT,
    st.none() | st.floats(allow_nan=False, allow_infinity=False),
    st.none() | st.dates(),
)
@counted
def test_scoring_rules_never_raise(
    text: str,
    weight: float | None,
    actual: float | None,
    actual_text: str | None,
    target: float | None,
    when: date | None,
) -> None:
    rule = parse_rule(text, weight)
    if rule is None:
        return
    score = rule_score(rule, actual, actual_text, target, when)
    assert score is None or isinstance(score, float)


@pytest.mark.parametrize("text", SAMPLE_TEXTS[:2])
def test_samples_still_read(text: str) -> None:
    """The mutation strategies start from forms that read cleanly."""
    result = process_bytes(text.encode("utf-8"), "sample.txt")
    assert not result.errors and result.forms


# ---------------------------------------------------------------------------------------
# regressions: inputs the fuzzing found


@pytest.mark.parametrize(
    "data",
    [
        b"<html><body><table><tr><td>a</td></tr></table>\x08</body></html>",  # ValueError
        "<html><body><table><tr><td>\x0c\ufffe</td></tr></table></body></html>".encode(),
        b"<html",  # lxml ParserError: Document is empty
    ],
)
def test_html_with_control_characters_or_no_element(data: bytes) -> None:
    result = process_bytes(data, "page.html")
    assert [p.code for p in result.errors] in (["no_form_found"], ["empty_file"])


@pytest.mark.parametrize("text", ["nan", "inf", "-Infinity", "9" * 400])
def test_parse_number_rejects_non_finite(text: str) -> None:
    assert parse_number(text) is None
    assert score_of_cell(text) is None


def test_excel_serial_date_of_non_finite() -> None:
    assert excel_serial_date(float("nan")) is None
    assert excel_serial_date(float("inf")) is None


def test_time_target_with_an_overlong_number() -> None:
    """OverflowError in excel_serial_date: int(inf) of a 400-digit target named 时间."""
    row = RawIndicator(
        {Role.NAME: RawCell("完成时间", 0), Role.VALUE: RawCell("9" * 400, 1)}, False, 1, None
    )
    target = read_target(row, 2025)
    assert target.value is None and target.operator == "qualitative"


def test_comma_rows_with_a_stray_carriage_return() -> None:
    """csv.Error: new-line character seen in unquoted field (once in the CSV row reader)."""
    lines = (TextLine(1, "一级指标,二级指标,三级指标,指标值"), TextLine(2, "\r0"))
    assert all(isinstance(form, RawForm) for form in parse_lines(lines))


def test_split_goals_of_whitespace() -> None:
    assert split_goals("\r") == []
    assert split_goals(" \u3000 ") == []


def test_range_result_without_target_names_no_range() -> None:
    """operator "range" with value None: a self-evaluation row with only a range result."""
    row = RawIndicator(
        {Role.NAME: RawCell("受益人年龄", 0), Role.ACTUAL: RawCell("18-54岁", 1)}, False, 1, None
    )
    indicator = normalize_source([RawForm(indicators=[row])], _doc())[0].indicators[0]
    assert (indicator.operator, indicator.value, indicator.actual_value) == (None, None, 18.0)
    assert indicator.unit == "岁"
