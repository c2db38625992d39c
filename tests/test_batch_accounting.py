"""Every source listed is accounted for: a manifest line and a JSON file, whatever an engine
does; a missing or unreadable JSON is a `worker_lost` problem, never a traceback."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest

from jixiao.batch import runner, tables
from jixiao.batch.faults import ENV
from tests.test_batch import batch, make_corpus, manifest

DROPPED = "d0/001_004_a0dabc58212d71e8.txt"
CHANGED = "d0/000_001_570424103c010556.txt"


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
    """A source kept from an earlier run is read from its JSON when its turn comes (a source
    run now brings its rows with its outcome)."""
    out = tmp_path / "out"
    batch(corpus, out, jobs=1)
    changed = corpus / CHANGED  # so that the next run has a source to run, DROPPED kept
    changed.write_bytes(changed.read_bytes() + b"\n")
    read = tables.read_result

    def damaging(path: str, *args: Any) -> Any:
        target = out / "json" / f"{path}.json"
        if path == DROPPED and damage == "delete":
            target.unlink()
        elif path == DROPPED:
            target.write_bytes(target.read_bytes()[:100])
        return read(path, *args)

    monkeypatch.setattr(tables, "read_result", damaging)
    summary = batch(corpus, out, jobs=1)
    assert (summary.sources, summary.forms, summary.problems) == (13, 11, 2)
    assert _statuses(out)[DROPPED] == "worker_lost"
    assert _errors(out)[DROPPED] == "worker_lost"
    assert pq.read_table(out / "forms.parquet").num_rows == 11
    monkeypatch.setattr(tables, "read_result", read)
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


def test_the_tables_are_built_while_the_sources_run(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each source enters the tables when it and those before it are done and their
    worker has sent its chunk's rows, not after the last one: here (sources of 50 ms, in
    chunks of two) the first rows are added while most sources are still to run."""
    from jixiao.output.dataset import DatasetWriter

    out = tmp_path / "out"
    done_at_each_add: list[int] = []
    add = DatasetWriter.add_batches

    def counting(self: DatasetWriter, tables: Any) -> None:
        lines = (out / "manifest.jsonl").read_text("utf-8").count('"kind": "source"')
        done_at_each_add.append(lines)
        add(self, tables)

    monkeypatch.setattr(DatasetWriter, "add_batches", counting)
    monkeypatch.setenv(ENV, "slow=*")
    summary = batch(corpus, out, jobs=2)
    assert summary.sources == len(done_at_each_add) == 13
    assert done_at_each_add[0] < 13 // 2
    assert done_at_each_add == sorted(done_at_each_add)
