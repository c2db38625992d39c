"""Text sources in UTF-8 (with or without BOM), UTF-16 and GB18030 give the same forms."""

from __future__ import annotations

import pytest

from jixiao.pipeline import process_bytes
from tests.conftest import FORMS

SEEDS = ["001_570424103c010556.txt", "004_a0dabc58212d71e8.txt"]


def _forms_without_ids(data: bytes) -> list[dict[str, object]]:
    result = process_bytes(data, "seed.txt")
    return [f.model_dump(exclude={"form_id"}) for f in result.forms]


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize(
    ("encoding", "expected_name"),
    [
        ("utf-8-sig", "utf-8-sig"),
        ("utf-16", "utf-16-le"),
        ("utf-16-be", "utf-16-be"),
        ("utf-16-le", "utf-16-le"),
        ("gb18030", "gb18030"),
        ("gbk", "gb18030"),
    ],
)
def test_reencoded_seed_gives_same_forms(seed: str, encoding: str, expected_name: str) -> None:
    text = (FORMS / seed).read_text(encoding="utf-8")
    original = _forms_without_ids(text.encode("utf-8"))
    data = text.encode(encoding)
    result = process_bytes(data, "seed.txt")
    assert result.source.encoding == expected_name
    assert _forms_without_ids(data) == original


def test_crlf_line_endings_keep_line_numbers() -> None:
    text = (FORMS / SEEDS[0]).read_text(encoding="utf-8")
    lf = process_bytes(text.encode("utf-8"), "a.txt")
    crlf = process_bytes(text.replace("\n", "\r\n").encode("utf-8"), "a.txt")
    assert [i.line for i in crlf.forms[0].indicators] == [i.line for i in lf.forms[0].indicators]


def test_big5_is_told_apart_from_gb18030() -> None:
    """GB18030 decodes Big5 bytes without error, into kana and Greek: the Big5 reading wins."""
    from jixiao.extract.text import decode_text

    text = "項目支出績效目標表\n一級指標\t二級指標\t三級指標\t指標值\n產出指標\t數量指標\t維修道路長度\t≧12公里\n"
    assert decode_text(text.encode("big5")) == ("big5", text)


def test_gbk_text_with_a_little_kana_stays_gb18030() -> None:
    from jixiao.extract.text import decode_text

    text = "项目支出绩效目标表（テスト）\n一级指标\t二级指标\t三级指标\t指标值\n" * 3
    assert decode_text(text.encode("gbk"))[0] == "gb18030"
