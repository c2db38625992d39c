"""The rows of a local worker's chunk of sources, sent as one RowBatch of Arrow record batches
(jixiao.output.batches), give the tables the rows sent source by source give; and rows a
worker held when it died are read back from the sources' JSON."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest

from jixiao.batch.faults import ENV
from jixiao.models import Problem, Source, SourceResult
from jixiao.output import dataset
from jixiao.output.batches import RowBatch, RowBuffer
from jixiao.output.dataset import DatasetWriter
from jixiao.output.parquet import INDICATORS_SCHEMA
from jixiao.output.rows import table_columns
from jixiao.pipeline import InputFile, process_file
from tests.conftest import FORMS, python_stdout
from tests.test_batch import SEEDS, batch, corpus_fixture, json_files, manifest

corpus = corpus_fixture(24)


def _results() -> list[SourceResult]:
    """The seeds read, and a source with a problem and no form (rows in errors only)."""
    results = [process_file(InputFile(path, path.name)) for path in SEEDS]
    empty = SourceResult(
        source=Source(path="empty.txt", sha256="0" * 64, format="text"),
        errors=[Problem(code="empty_file", message="The file is empty.")],
    )
    return [results[0], empty, *results[1:], results[0]]


def _written(out: Path, add: Any) -> dict[str, Any]:
    writer = DatasetWriter(out, None)
    add(writer)
    writer.finish()
    files = ("forms", "indicators", "errors")
    groups = {n: pq.read_metadata(out / f"{n}.parquet").num_row_groups for n in files}
    return {"tables": {n: pq.read_table(out / f"{n}.parquet") for n in files}, "groups": groups}


@pytest.mark.parametrize("row_group", [7, 8192])
def test_rows_sent_in_a_row_batch_give_the_tables_sent_source_by_source(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, row_group: int
) -> None:
    """Every value and every row group as before, a row group cut inside a source's rows
    (row_group 7) included."""
    monkeypatch.setattr(dataset, "ROW_GROUP", row_group)
    results = _results()
    buffer = RowBuffer()
    for result in results:
        buffer.add(result.source.path, table_columns(result))
    sent = buffer.take()
    assert len(buffer) == 0 and sent.paths == tuple(r.source.path for r in results)
    sources = list(sent.sources())
    assert [path for path, _ in sources] == list(sent.paths)

    def by_columns(writer: DatasetWriter) -> None:
        for result in results:
            writer.add(result)

    def by_batches(writer: DatasetWriter) -> None:
        for _, rows in sources:
            writer.add_batches(rows)

    assert _written(tmp_path / "a", by_batches) == _written(tmp_path / "b", by_columns)


def test_sources_that_follow_one_another_in_a_batch_make_one_piece() -> None:
    """A chunk's sources added one by one join into one slice of the batch (writing
    hundreds of one-source slices took three times as long)."""
    results = _results()
    buffer = RowBuffer()
    for result in results:
        buffer.add(result.source.path, table_columns(result))
    sources = list(buffer.take().sources())
    sink = dataset._FileSink(Path("/dev/null"), INDICATORS_SCHEMA)
    for _, rows in sources:
        sink.extend_batch(rows["indicators"])
    total = sum(rows["indicators"][2] for _, rows in sources)
    assert [(start, stop) for _, start, stop in sink.pieces] == [(0, total)]


def _watch_lost(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, ...]]:
    """The paths of every lost RowBatch the run's tables are given."""
    from jixiao.batch.tables import TablesInOrder

    rows = TablesInOrder.rows
    lost: list[tuple[str, ...]] = []

    def watched(self: TablesInOrder, sent: RowBatch) -> None:
        if sent.lost:
            lost.append(sent.paths)
        rows(self, sent)

    monkeypatch.setattr(TablesInOrder, "rows", watched)
    return lost


def _same_rows(got: Path, want: Path, without: str = "//") -> None:
    for name in ("forms", "indicators"):
        rows = pq.read_table(got / f"{name}.parquet").to_pylist()
        expected = pq.read_table(want / f"{name}.parquet").to_pylist()
        assert rows == [r for r in expected if not r["source_path"].startswith(without)]


def test_sources_finished_before_a_crash_in_their_chunk_are_read_from_their_json(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A worker killed in the middle of its chunk had finished the sources before the crash
    but not reported them: they are read back from their JSON (outcome and rows), and the
    tables hold every row of the run without the crash."""
    whole = tmp_path / "whole"
    batch(corpus, whole, jobs=2)
    monkeypatch.setenv(ENV, "crash=005_004_a0dabc58212d71e8.txt")
    crashed = tmp_path / "crashed"
    summary = batch(corpus, crashed, jobs=2)
    assert (summary.sources, summary.forms) == (25, 23)
    _same_rows(crashed, whole, without="d0/005_")
    errors = pq.read_table(crashed / "errors.parquet").column("code").to_pylist()
    assert sorted(errors) == ["no_form_found", "worker_crashed"]
    kept = {k: v for k, v in json_files(whole).items() if not k.startswith("d0/005_")}
    assert {k: v for k, v in json_files(crashed).items() if k in kept} == kept
    status = {e["path"]: e["status"] for e in manifest(crashed) if e["kind"] == "source"}
    assert status["d0/004_001_570424103c010556.txt"] == "ok"


def test_rows_a_worker_died_with_are_read_from_the_json(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A worker that dies after reporting its chunk and before sending the chunk's rows
    (here: every worker, at every chunk) loses no row: the tables read them from the JSON,
    and no source is blamed for a death between two sources."""
    whole = tmp_path / "whole"
    batch(corpus, whole, jobs=2)
    lost = _watch_lost(monkeypatch)
    monkeypatch.setenv(ENV, "vanish=*")
    died = tmp_path / "died"
    summary = batch(corpus, died, jobs=2)
    assert (summary.sources, summary.forms, summary.failed_sources) == (25, 24, 1)
    every = sorted(name.removesuffix(".json") for name in json_files(whole))
    assert sorted(p for paths in lost for p in paths) == every
    _same_rows(died, whole)


CONVERT = """
import hashlib, sys
from pathlib import Path
if sys.argv[1] == "hidden":
    from jixiao.output.arrow import convert_without_pandas
    convert_without_pandas()
else:
    import pandas
from jixiao.output.batches import RowBuffer
from jixiao.output.rows import table_columns
from jixiao.pipeline import InputFile, process_file
buffer = RowBuffer()
for path in sorted(Path(sys.argv[2]).rglob("*.txt")):
    buffer.add(path.name, table_columns(process_file(InputFile(path, path.name))))
sent = buffer.take()
print(hashlib.sha256(b"".join(sent.data)).hexdigest(), sent.counts)
print(sum(map(sum, sent.counts)))
print("pandas" in sys.modules)
import pyarrow.ipc, pyarrow as pa
from jixiao.output.parquet import TABLE_SCHEMAS
frame = pa.ipc.read_record_batch(pa.py_buffer(sent.data[1]), TABLE_SCHEMAS[1][1]).to_pandas()
print(len(frame))
"""


def _converted(how: str) -> list[str]:
    return python_stdout(CONVERT, how, str(FORMS)).splitlines()


def test_rows_converted_with_pandas_hidden_are_the_rows_converted_with_it() -> None:
    """A worker converts the text samples' rows (dates, lists, nulls, floats, problems) without
    loading pandas, into the very bytes a process with pandas makes; pyarrow still gives a
    DataFrame when asked (it imports pandas then)."""
    hidden, loaded = _converted("hidden"), _converted("loaded")
    assert hidden[0] == loaded[0] and int(hidden[1]) > 500  # the same rows, and rows at all
    assert hidden[2] == "False" and loaded[2] == "True"
    assert hidden[3] == loaded[3] != "0"
