"""Corrections survive re-runs and turn stale when the source changes."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from jixiao.cli import main
from jixiao.corrections import load
from jixiao.models import SourceResult
from tests.conftest import FORMS

SAMPLE = "001_570424103c010556.txt"


@pytest.fixture
def workspace(tmp_path: Path) -> tuple[Path, Path]:
    inputs = tmp_path / "in"
    inputs.mkdir()
    shutil.copy(FORMS / SAMPLE, inputs / SAMPLE)
    out = tmp_path / "out"
    assert main(["run", str(inputs), "-o", str(out), "-q"]) == 0
    return inputs, out


def _result(out: Path) -> SourceResult:
    return SourceResult.model_validate_json((out / "json" / (SAMPLE + ".json")).read_bytes())


def test_correction_is_applied_on_every_later_run(workspace: tuple[Path, Path]) -> None:
    inputs, out = workspace
    form = _result(out).forms[0]
    third = form.indicators[2]
    assert third.value != 3 and "corrected" not in third.flags
    assignments = [
        f"{form.form_id}#3.value=3",
        f"{form.form_id}#3.unit_raw=项",
        f"{form.form_id}.year=2030",
    ]
    assert main(["review", str(out)] + [a for x in assignments for a in ("--set", x)]) == 0
    saved = load(out)
    assert [(c.seq, c.field, c.value, c.old) for c in saved] == [
        (3, "value", 3, third.value),
        (3, "unit_raw", "项", third.unit_raw),
        (None, "year", 2030, form.year),
    ]
    assert {c.sha256 for c in saved} == {_result(out).source.sha256}
    for _ in range(2):  # applied on the next run, and the one after
        assert main(["run", str(inputs), "-o", str(out), "-q"]) == 0
        fixed = _result(out).forms[0]
        assert fixed.indicators[2].value == 3.0 and fixed.indicators[2].unit_raw == "项"
        assert "corrected" in fixed.indicators[2].flags and fixed.year == 2030
        assert "corrected" in fixed.flags
        assert [i.flags for i in fixed.indicators[3:]] == [i.flags for i in form.indicators[3:]]
        assert _result(out).errors == []


def test_correction_is_stale_after_the_source_changes(
    workspace: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    inputs, out = workspace
    form_id = _result(out).forms[0].form_id
    assert main(["review", str(out), "--set", f"{form_id}#1.name=信息宣传"]) == 0
    with (inputs / SAMPLE).open("a", encoding="utf-8") as handle:
        handle.write("\n备注: 修订版\n")
    assert main(["run", str(inputs), "-o", str(out)]) == 1
    result = _result(out)
    assert [p.code for p in result.errors] == ["stale_correction"]
    assert f"{form_id}#1.name" in result.errors[0].message
    assert not any("corrected" in i.flags for f in result.forms for i in f.indicators)
    assert "stale_correction" in capsys.readouterr().err


@pytest.mark.parametrize(
    "assignment",
    [
        "{form}#999.value=1",
        "{form}#1.no_such_field=1",
        "{form}#1.value=abc",
        "{form}#1.confidence=1",
        "ffffffffffffffff-0.year=2020",
        "not an assignment",
    ],
)
def test_review_refuses_what_cannot_be_applied(
    workspace: tuple[Path, Path], assignment: str
) -> None:
    _, out = workspace
    form_id = _result(out).forms[0].form_id
    assert main(["review", str(out), "--set", assignment.format(form=form_id)]) == 2
    assert load(out) == []


def test_nested_form_field_and_null(workspace: tuple[Path, Path]) -> None:
    inputs, out = workspace
    form_id = _result(out).forms[0].form_id
    assert main(["review", str(out), "--set", f"{form_id}.budget.total=12.5"]) == 0
    assert main(["review", str(out), "--set", f"{form_id}.department=null"]) == 0
    main(["run", str(inputs), "-o", str(out), "-q"])
    form = _result(out).forms[0]
    assert form.budget.total == 12.5 and form.department is None
    line = (out / "corrections.jsonl").read_text("utf-8").splitlines()[0]
    assert json.loads(line)["field"] == "budget.total"


def test_review_lists_and_report_needs_a_run(
    workspace: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, out = workspace
    form_id = _result(out).forms[0].form_id
    assert main(["review", str(out), "--set", f"{form_id}#999.value=1"]) == 2
    assert "has no indicator 999" in capsys.readouterr().err
    main(["review", str(out), "--set", f"{form_id}#2.weight=3"])
    capsys.readouterr()
    assert main(["review", str(out), "--list"]) == 0
    assert f"{SAMPLE}\t{form_id}#2.weight\t3" in capsys.readouterr().out
    assert main(["report", str(tmp_path / "nothing")]) == 2
    assert main(["report", str(out)]) == 0
    assert "report: " in capsys.readouterr().out and (out / "report" / "index.html").is_file()
