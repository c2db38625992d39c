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
