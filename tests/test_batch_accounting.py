"""Every source listed is accounted for: a manifest line and a JSON file, whatever an engine
does; a missing or unreadable JSON is a `worker_lost` problem, never a traceback."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest

from jixiao.batch import runner
from tests.test_batch import batch, make_corpus, manifest

DROPPED = "d0/001_004_a0dabc58212d71e8.txt"


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "in"
    make_corpus(folder, 12)
    return folder


def _statuses(out: Path) -> dict[str, str]:
    return {str(e["path"]): str(e["status"]) for e in manifest(out) if e["kind"] == "source"}


def _errors(out: Path) -> dict[str, str]:
    table = pq.read_table(out / "errors.parquet").to_pylist()
    return {row["source_path"]: row["code"] for row in table}


def test_a_source_the_engine_never_reports_is_worker_lost(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    execute = runner._execute

    def dropping(tasks: list[Any], options: Any, on_done: Callable[[Any], None]) -> None:
        execute([t for t in tasks if t.rel_path != DROPPED], options, on_done)

    monkeypatch.setattr(runner, "_execute", dropping)
    out = tmp_path / "out"
    summary = batch(corpus, out, jobs=1)
    assert (summary.sources, summary.forms) == (13, 11)
    assert _statuses(out)[DROPPED] == "worker_lost"
    assert _errors(out)[DROPPED] == "worker_lost"
    lost = json.loads((out / "json" / f"{DROPPED}.json").read_text("utf-8"))
    assert [e["code"] for e in lost["errors"]] == ["worker_lost"]
    monkeypatch.setattr(runner, "_execute", execute)
    again = batch(corpus, out, jobs=1)  # the lost source is redone
    assert (again.skipped, again.forms) == (12, 12)
    assert _statuses(out)[DROPPED] == "ok"


@pytest.mark.parametrize("damage", ["delete", "truncate"])
def test_a_missing_or_unreadable_json_at_table_time_is_worker_lost(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, damage: str
) -> None:
    out = tmp_path / "out"
    build = runner._build_tables

    def damaging(*args: Any, **kwargs: Any) -> None:
        target = out / "json" / f"{DROPPED}.json"
        if damage == "delete":
            target.unlink()
        else:
            target.write_bytes(target.read_bytes()[:100])
        build(*args, **kwargs)

    monkeypatch.setattr(runner, "_build_tables", damaging)
    summary = batch(corpus, out, jobs=1)
    assert (summary.sources, summary.forms, summary.problems) == (13, 11, 2)
    assert _statuses(out)[DROPPED] == "worker_lost"
    assert _errors(out)[DROPPED] == "worker_lost"
    assert pq.read_table(out / "forms.parquet").num_rows == 11
    monkeypatch.setattr(runner, "_build_tables", build)
    again = batch(corpus, out, jobs=1)
    assert (again.skipped, again.forms, again.problems) == (12, 12, 1)
    assert pq.read_table(out / "forms.parquet").num_rows == 12


def test_the_per_source_function_knows_no_engine() -> None:
    """Imports go one way: jixiao.batch calls jixiao.pipeline, never the reverse."""
    import ast

    import jixiao.pipeline

    tree = ast.parse(Path(jixiao.pipeline.__file__).read_text("utf-8"))
    imported = {
        node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)
    } | {
        alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import)
        for alias in node.names
    }
    assert imported and not any(name.startswith("jixiao.batch") for name in imported)
