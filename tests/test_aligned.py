"""The fast path for clean tables (parsers/recognizer/aligned.py): lines of "|"/tab cells under
their header labels are read without the decoder, and read as the decoder reads them."""

from __future__ import annotations

from pathlib import Path

import pytest

import jixiao.parsers.recognizer.forms as forms
from jixiao.extract import read_source
from jixiao.parsers.layouts import content_lines
from jixiao.pipeline import process_bytes

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = sorted((ROOT / "samples" / "forms").rglob("*.txt"))

HEADER = "一级指标\t二级指标\t三级指标\t年度指标值\t实际完成值\t分值\t得分\n"
SELF_EVALUATION = HEADER + (
    "产出指标\t数量指标\t办结信访案件\t=168起\t168起\t\t10\n"
    "产出指标\t数量指标\t拆除活人墓、豪华墓\t=32座\t32座\t\t20\n"
    "产出指标\t时效指标\t解决群众问题时间\t≤2天\t2天\t\t10\n"
    "满意度指标\t服务对象满意度指标\t群众对政府工作满意度\t≥90%\t95%\t\t20\n"
)


def _decoded_lines(text: str, monkeypatch: pytest.MonkeyPatch) -> set[int]:
    """The printed lines the decoder was given while reading `text`."""
    seen: set[int] = set()
    decode = forms.decode

    def spy(lattice, *args, **kwargs):  # type: ignore[no-untyped-def]
        seen.update(atom.line for atom in lattice.atoms)
        return decode(lattice, *args, **kwargs)

    monkeypatch.setattr(forms, "decode", spy)
    process_bytes(text.encode(), "form.txt")
    return seen


def _rows(text: str) -> list[tuple[object, ...]]:
    result = process_bytes(text.encode(), "form.txt")
    return [
        (i.level1, i.level2, i.name, i.operator, i.value, i.unit, i.actual_text, i.weight, i.score)
        for form in result.forms
        for i in form.indicators
    ]


def test_lines_under_their_labels_skip_the_decoder(monkeypatch: pytest.MonkeyPatch) -> None:
    assert _decoded_lines(SELF_EVALUATION, monkeypatch) <= {1}  # the header line at most


def test_the_head_before_a_header_is_skipped_not_decoded(monkeypatch: pytest.MonkeyPatch) -> None:
    """No row reaches over a header's labels: the form's head above it is not decoded (it
    is read as the head), and reads as it did when it was."""
    head = (
        "项目支出绩效自评表\n项目名称\t农村公路养护工程\n主管部门\t县交通运输局\n"
        "年度目标\t完成农村公路养护里程120公里, 群众满意度达到90%以上\n"
    )
    text = head + SELF_EVALUATION
    assert _decoded_lines(text, monkeypatch) <= {5}  # the header line at most
    monkeypatch.undo()
    with_head = process_bytes(text.encode(), "form.txt").forms[0]
    assert (with_head.project, with_head.department) == ("农村公路养护工程", "县交通运输局")
    assert _rows(text) == _rows(SELF_EVALUATION)


def test_an_empty_cell_keeps_its_column_on_the_fast_path() -> None:
    """分值 printed empty on every row: the number under 得分 is the score."""
    assert [(r[-2], r[-1]) for r in _rows(SELF_EVALUATION)] == [
        (None, 10),
        (None, 20),
        (None, 10),
        (None, 20),
    ]


def test_a_row_wrapped_onto_the_next_line_goes_to_the_decoder(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A line whose next line continues it (a cell wrapped, no target of its own) is not
    read alone: the decoder reads both."""
    wrapped = SELF_EVALUATION.replace(
        "拆除活人墓、豪华墓\t=32座\t32座\t\t20\n", "拆除活人墓、\t=32座\t32座\t\t20\n\t\t豪华墓\n"
    )
    lines = _decoded_lines(wrapped, monkeypatch)
    assert {3, 4} <= lines and 2 not in lines
    fast = _rows(wrapped)
    monkeypatch.setattr(forms, "ALIGNED_LINES_FIRST", False)
    assert _rows(wrapped) == fast


def test_a_line_off_its_labels_by_a_level_name_goes_to_the_decoder(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """ "社会效益指标" printed a column early would be a level 1 under the shifted reading: a
    shifted line is read fast only where every cell is nearly its cheapest reading."""
    shifted = SELF_EVALUATION + "社会效益指标\t\t改善人居环境\t有效改善\t有效改善\t\t10\n"
    assert 6 in _decoded_lines(shifted, monkeypatch)


DESCRIBED = (
    "一级指标\t二级指标\t三级指标\t指标值\t计量单位\t指标解释\n"
    "产出指标\t数量指标\t\t\t-\t反映本部门重点工作任务的完成数量。\n"
    "\t\t重大会议参与率\t95\t%\t该指标主要考察重大会议参与情况\n"
    "\t\t维护维修率\t95\t%\t该指标主要考察机关大院维护维修情况\n"
    "满意度指标\t服务对象满意度\t\t\t-\t反映服务对象对部门履职的满意程度。\n"
    "\t\t群众满意度\t90\t%\t该指标主要考察群众满意情况\n"
)


def test_a_section_line_with_its_description_skips_the_decoder(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A level line that describes its level (反映…) under the explanation label is a
    section row: read in place, the description skipped, as the decoder reads it."""
    assert _decoded_lines(DESCRIBED, monkeypatch) <= {1}  # the header line at most
    fast = _rows(DESCRIBED)
    assert [(r[0], r[1], r[2]) for r in fast] == [
        ("产出指标", "数量指标", "重大会议参与率"),
        ("产出指标", "数量指标", "维护维修率"),
        ("满意度指标", "服务对象满意度指标", "群众满意度"),
    ]
    monkeypatch.setattr(forms, "ALIGNED_LINES_FIRST", False)
    assert _rows(DESCRIBED) == fast


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.name[:40])
def test_every_sample_reads_the_same_without_the_fast_path(
    path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    doc = read_source(path.read_bytes(), path.name, path.name)
    lines = content_lines(doc.lines)
    fast = forms.recognize(lines)
    monkeypatch.setattr(forms, "ALIGNED_LINES_FIRST", False)
    assert forms.recognize(lines) == fast
