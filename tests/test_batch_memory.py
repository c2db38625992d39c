"""What keeps a batch run's main process flat in memory: the plan on disk, read by passes at
once; the counts, the tables digest and the compact manifest from the sources' final entries
in input order (no entry held per source); tasks handed to the engine as it takes them; a
streamed listing; rows held as Arrow batches. Each gives what the run gave before."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from jixiao.batch.manifest import Entry
from jixiao.batch.plan import Plan, Planned
from jixiao.inputs import iter_inputs, iter_listed
from tests.test_batch import SEEDS, batch, corpus_fixture, manifest

corpus = corpus_fixture(12)


def _entry(path: str, forms: int = 1) -> Entry:
    return Entry(path, "0" * 64, "0.1.0", "config", "ok", forms, 18, 0, 0, 0.5, 10, 20)


def test_the_plan_gives_its_records_back_in_order_to_passes_at_once(tmp_path: Path) -> None:
    planned = [
        Planned("a.txt", "/in/a.txt", "", (10, 20), None, False),
        Planned("b.txt", "", "", (10, 20), _entry("b.txt"), True),
        Planned("c.txt", "", "", (10, 21), _entry("c.txt"), True),  # touched: refreshed
        Planned("d.txt", "/in/d.txt", "d.txt is a link to nothing", None, _entry("d.txt"), False),
    ]
    with Plan(tmp_path) as plan:
        for one in planned:
            plan.add(one)
        counts = (plan.sources, plan.tasks, plan.kept, plan.matched, plan.refreshed)
        assert counts == (4, 2, 2, 3, 1)
        first, second = iter(plan), iter(plan)
        assert next(first) == planned[0]
        assert list(second) == planned  # a pass of its own
        assert list(first) == planned[1:]
        assert list(plan.paths()) == ["a.txt", "b.txt", "c.txt", "d.txt"]
    assert planned[2].entry == Entry(**{**_entry("c.txt").as_record(), "mtime_ns": 21})
    assert planned[1].entry is planned[1].previous
    assert not os.listdir(tmp_path)  # the plan's file has no name


def _sources(out: Path) -> list[dict[str, object]]:
    return [e for e in manifest(out) if e["kind"] == "source"]


def _counts_of(out: Path) -> tuple[int, ...]:
    entries = _sources(out)
    return (
        len(entries),
        sum(int(str(e["forms"])) for e in entries),
        sum(int(str(e["indicators"])) for e in entries),
        sum(int(str(e["unread"])) for e in entries),
        sum(int(str(e["problems"])) for e in entries),
        sum(1 for e in entries if e["problems"]),
    )


def _counts(summary: object) -> tuple[int, ...]:
    names = ("sources", "forms", "indicators", "unread", "problems", "failed_sources")
    return tuple(getattr(summary, name) for name in names)


def test_the_counts_are_those_of_every_source_entry(corpus: Path, tmp_path: Path) -> None:
    """The summary is counted as the sources' final entries pass (nothing is held per
    source): the same counts as the manifest's entries, on a first run, a partial re-run
    (sources kept, one redone, one gone) and an unchanged one."""
    inputs, out = tmp_path / "in", tmp_path / "out"
    shutil.copytree(corpus, inputs)
    first = batch(inputs, out, jobs=2)
    assert _counts(first) == _counts_of(out) == (13, 12, 282, 0, 1, 1)
    (inputs / "d0" / "000_001_570424103c010556.txt").write_bytes(SEEDS[1].read_bytes())
    (inputs / "d1" / "011_004_a0dabc58212d71e8.txt").unlink()
    again = batch(inputs, out, jobs=2)
    assert again.skipped == 11
    assert _counts(again) == _counts_of(out)
    unchanged = batch(inputs, out, jobs=2)
    assert unchanged.skipped == 12
    assert _counts(unchanged) == _counts(again)


def test_the_manifest_is_rewritten_in_input_order(corpus: Path, tmp_path: Path) -> None:
    """Two workers finish sources out of order; the manifest a run leaves has one line per
    source in input order, then the tables line (as the old in-memory rewrite wrote it)."""
    inputs, out = tmp_path / "in", tmp_path / "out"
    shutil.copytree(corpus, inputs)
    listed = [item.rel_path for item in iter_inputs([inputs])]
    batch(inputs, out, jobs=2)
    lines = manifest(out)
    assert [e["path"] for e in lines[:-1]] == listed
    assert lines[-1]["kind"] == "tables" and lines[-1]["digest"]
    (inputs / "d0" / "000_001_570424103c010556.txt").write_bytes(SEEDS[1].read_bytes())
    (inputs / "added.txt").write_bytes(SEEDS[0].read_bytes())
    batch(inputs, out, jobs=2)
    lines = manifest(out)
    assert [e["path"] for e in lines[:-1]] == [i.rel_path for i in iter_inputs([inputs])]
    batch(inputs, out, jobs=2)  # unchanged: two tables lines appended, nothing rewritten
    assert manifest(out)[: len(lines)] == lines
    assert [e["kind"] for e in manifest(out)[len(lines) :]] == ["tables", "tables"]


@pytest.mark.parametrize("name", ["a\u2028b.txt", "c\x85d.txt"])
def test_a_path_holding_a_unicode_line_break_is_skipped_when_unchanged(
    tmp_path: Path, name: str
) -> None:
    """Regression: the manifest was split at every Unicode line break (str.splitlines), so
    the line of such a path (JSON keeps U+2028 and U+0085 as they are) was torn and the
    source redone on every run."""
    inputs, out = tmp_path / "in", tmp_path / "out"
    inputs.mkdir()
    shutil.copyfile(SEEDS[0], inputs / name)
    batch(inputs, out, jobs=1)
    again = batch(inputs, out, jobs=1)
    assert (again.sources, again.skipped) == (1, 1)


@pytest.mark.parametrize("chunk", [1, 4])
def test_a_pool_takes_its_tasks_as_it_needs_them(tmp_path: Path, chunk: int) -> None:
    """The local pool takes tasks from the run's plan as it hands them out: when the first
    source is reported, only those the workers hold (DEPTH chunks) and one ahead have been
    taken."""
    from jixiao.batch.local import DEPTH, LocalPool, WorkerConfig
    from jixiao.batch.task import Outcome, SourceTask

    out = tmp_path / "out"
    out.mkdir()
    taken: list[int] = []

    def tasks() -> Iterator[SourceTask]:
        for i in range(12):
            taken.append(i)
            yield SourceTask(str(SEEDS[i % len(SEEDS)]), f"s{i}.txt")

    seen_at: list[int] = []

    def done(outcome: Outcome) -> None:
        seen_at.append(len(taken))

    LocalPool(1, WorkerConfig(str(out), False, None, {}), None, chunk).run(tasks(), done)
    assert len(seen_at) == 12
    assert seen_at[0] <= DEPTH * chunk + 1


def test_listed_files_are_the_listing_as_absolute_strings(tmp_path: Path) -> None:
    """The listing is walked folder by folder (depth first, names sorted) in the order of
    the sorted path parts; the batch's listing gives the same sources as plain strings."""
    root = tmp_path / "in"
    for rel in ("a/b", "a.b/z", "a.txt", "ab/c/d", "ab.txt", "Z", "_u", "deep/1/2/f", "deep/1g"):
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text("x", encoding="utf-8")
    os.symlink(tmp_path, root / "outside")  # a link leading out: listed, refused
    found = [Path(folder, name) for folder, _, names in os.walk(root) for name in names]
    every = sorted(
        [p.relative_to(root).as_posix() for p in found] + ["outside"],
        key=lambda rel: rel.split("/"),
    )
    items = list(iter_inputs([root, root / "a.txt"]))
    assert [item.rel_path for item in items] == [*every, "2~a.txt/a.txt"]
    assert items[every.index("outside")].refused
    listed = list(iter_listed([root, root / "a.txt"]))
    assert [(i.path, i.rel_path, i.refused) for i in listed] == [
        (str(i.path.absolute()), i.rel_path, i.refused) for i in items
    ]


def test_rows_added_in_any_slices_make_the_file_written_at_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Rows are held as Arrow batches of CHUNK rows until their row group is written: the
    same bytes as the row group written from Python values at once, whatever the slices."""
    from jixiao.output import dataset

    monkeypatch.setattr(dataset, "ROW_GROUP", 8)
    monkeypatch.setattr(dataset, "CHUNK", 3)
    schema = pa.schema([("name", pa.string()), ("value", pa.float64())])
    rows = [{"name": f"n{i}", "value": i / 3 if i % 4 else None} for i in range(21)]
    sink = dataset._FileSink(tmp_path / "sliced.parquet", schema)
    start = 0
    for size in (1, 5, 2, 9, 4):
        part = rows[start : start + size]
        sink.extend({"name": [r["name"] for r in part], "value": [r["value"] for r in part]})
        start += size
    sink.close()
    with pq.ParquetWriter(tmp_path / "whole.parquet", schema, compression="zstd") as writer:
        for group in range(0, len(rows), 8):
            writer.write_table(pa.Table.from_pylist(rows[group : group + 8], schema=schema))
    sliced = pq.ParquetFile(tmp_path / "sliced.parquet")
    assert [sliced.metadata.row_group(g).num_rows for g in range(3)] == [8, 8, 5]
    assert (tmp_path / "sliced.parquet").read_bytes() == (tmp_path / "whole.parquet").read_bytes()


def test_form_keys_take_a_repeated_form_once(tmp_path: Path) -> None:
    """Copies of one form (one form_id) are taken once, where they last occur: the same
    keys as project_keys over every row."""
    from jixiao.keys import department_key, project_keys
    from jixiao.output.panel import _form_keys

    rows = [
        ("f1", 2025, "某县财政局", "乡村道路养护项目"),
        ("f2", 2026, "某县财政局", "乡村道路养护工程项目"),
        ("f1", 2025, "某县财政局", "乡村道路养护项目"),
        ("f3", 2026, "某县教育局", None),
        ("f2", 2026, "某县财政局", "乡村道路养护工程项目"),
    ]
    names = ("form_id", "year", "department", "project")
    table = pa.table(
        {name: [row[i] for row in rows] for i, name in enumerate(names)},
        schema=pa.schema([(n, pa.int32() if n == "year" else pa.string()) for n in names]),
    )
    pq.write_table(table, tmp_path / "forms.parquet", row_group_size=2)
    dept, projects = _form_keys(tmp_path / "forms.parquet", ())
    expected = project_keys((f, y, department_key(d), p) for f, y, d, p in rows)
    assert projects == expected
    assert dept == {f: department_key(d) for f, _, d, _ in rows}


def test_a_first_run_leaves_no_file_of_its_own_in_out(corpus: Path, tmp_path: Path) -> None:
    """The plan and the ledger's lines live in files with no name: nothing is left in OUT
    beside the outputs, even when the run fails at the tables."""
    out = tmp_path / "out"
    batch(corpus, out, jobs=1)
    names = {p.name for p in out.iterdir()}
    assert names == {
        "json", "manifest.jsonl", "run.json", "forms.parquet", "indicators.parquet",
        "errors.parquet", "targets_vs_actuals.parquet",
    }  # fmt: skip
    assert json.loads((out / "run.json").read_text("utf-8"))["roots"]


def test_chunks_are_as_long_as_the_sources_are_quick(tmp_path: Path) -> None:
    """A pool hands out one source at a time until it knows how long they take, then as
    many as take about CHUNK_SECONDS (at most its chunk), a share of what is left near the
    end: slow sources (PDFs, scans) still go one at a time to whichever worker is free."""
    from jixiao.batch.local import CHUNK_SECONDS, LocalPool, WorkerConfig, _Pending
    from jixiao.batch.task import SourceTask

    pool = LocalPool(2, WorkerConfig(str(tmp_path), False, None, {}), None, chunk=32)

    def size(seconds: float | None, left: int) -> int:
        pool.seconds = seconds
        return pool._chunk_size(_Pending(SourceTask("", f"{i}") for i in range(left)))

    assert size(None, 1000) == 1
    assert size(0.002, 1000) == 32
    assert size(CHUNK_SECONDS / 4, 1000) == 4
    assert size(1.5, 1000) == 1
    assert size(0.002, 20) == 10  # 20 left for 2 workers
    assert size(0.002, 1) == 1
