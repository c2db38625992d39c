"""Users extend the vocabulary with `jixiao run --vocab extra.toml` without touching the package."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from jixiao import vocab
from jixiao.cli import main
from jixiao.records import Role

FORM = "\n".join(
    [
        "项目支出绩效目标表",
        "(2024年度)",
        "项目名称\t甲项目",
        "一级指标\t二级指标\t三级指标\t目标数值\t计量单位",
        "产出指标\t产量指标\t修缮屋面\t≥\t500\t平米方",
    ]
)
EXTRA = """
[[level2]]
name = "数量指标"
parents = ["产出指标"]
variants = ["产量指标"]

[headers]
value = ["目标数值"]

[units]
"平方米" = ["平米方"]
"""


@pytest.fixture(autouse=True)
def reset_vocabulary() -> Iterator[None]:
    yield
    vocab.configure(())


def _run(tmp_path: Path, *extra: str) -> dict[str, object]:
    (tmp_path / "in").mkdir(exist_ok=True)
    (tmp_path / "in" / "a.txt").write_text(FORM, encoding="utf-8")
    out = tmp_path / "out"
    main(["run", str(tmp_path / "in"), "-o", str(out), "-q", *extra])
    return json.loads((out / "json" / "a.txt.json").read_text("utf-8"))


def test_extra_vocabulary_is_used(tmp_path: Path) -> None:
    (tmp_path / "extra.toml").write_text(EXTRA, encoding="utf-8")
    before = _run(tmp_path)
    after = _run(tmp_path, "--vocab", str(tmp_path / "extra.toml"))
    row = after["forms"][0]["indicators"][0]  # type: ignore[index]
    assert (row["level2"], row["value"], row["unit"]) == ("数量指标", 500.0, "平方米")
    first = before["forms"][0]["indicators"][0] if before["forms"] else {}  # type: ignore[index]
    assert first.get("level2") != "数量指标"


def test_fingerprint_changes_with_extra_vocabulary(tmp_path: Path) -> None:
    base = vocab.fingerprint()
    (tmp_path / "extra.toml").write_text(EXTRA, encoding="utf-8")
    vocab.configure([tmp_path / "extra.toml"])
    assert vocab.fingerprint() != base


def test_missing_vocabulary_file_is_a_usage_error(tmp_path: Path) -> None:
    assert (
        main(["run", str(tmp_path), "-o", str(tmp_path / "o"), "--vocab", str(tmp_path / "x.toml")])
        == 2
    )


def test_a_remembered_reading_follows_the_vocabulary(tmp_path: Path) -> None:
    """header_role remembers its results by text (a memo table): configure() must empty the
    table, or a label the user's vocabulary adds would keep its old reading."""
    from jixiao.parsers.header import header_role

    assert header_role("目标数值") is None  # remembered as no label
    (tmp_path / "extra.toml").write_text(EXTRA, encoding="utf-8")
    vocab.configure([tmp_path / "extra.toml"])
    assert header_role("目标数值") is Role.VALUE
    vocab.configure(())
    assert header_role("目标数值") is None


def test_a_memo_table_is_emptied_when_full() -> None:
    table: dict[str, int] = {}
    for n in range(5):
        assert vocab.remember(table, str(n), n, size=3) == n
    assert table == {"3": 3, "4": 4}
