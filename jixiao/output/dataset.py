"""Parquet tables built from the per-source JSON files, in streaming row groups.

Sources are read one at a time in input order; rows are buffered up to ROW_GROUP rows and
then written, so memory does not grow with the number of sources. With `partition_by`
(year or department) forms and indicators become Hive-partitioned datasets
(OUT/forms/year=2026/part-0.parquet) that DuckDB, Polars, pandas and Spark read as one table.
Every table is built under a temporary name and renamed into place.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from jixiao.models import SourceResult
from jixiao.output.batches import Piece, SourceBatches
from jixiao.output.layout import PANEL_FILE, table_paths
from jixiao.output.parquet import TABLE_SCHEMAS
from jixiao.output.rows import Columns, row_count, table_columns

ROW_GROUP = 8192
CHUNK = 1024  # rows held as Python values before they become an Arrow batch
MAX_CHUNKS = 16  # record batches a row group is written from as they are (else combined)
MAX_OPEN = 64  # partition files open at once; beyond it the oldest is closed
HIVE_NULL = "__HIVE_DEFAULT_PARTITION__"
PARTITIONS = ("year", "department")


def hive_value(value: object) -> str:
    """A partition value as a folder name: null as Hive's default, unsafe characters %-encoded."""
    if value is None:
        return HIVE_NULL
    text = str(value)
    return "".join(f"%{ord(c):02X}" if c in '%/\\=:*?"<>|' or ord(c) < 32 else c for c in text)


class _FileSink:
    """One Parquet file written in row groups of ROW_GROUP rows, buffered column by column
    (pa.Table.from_pylist over row dicts took four times as long: the run's main process
    spent a third of its time there on text sources, bench/bench_batch.py). The rows are
    held as Python values CHUNK at a time, then as Arrow record batches until their row
    group is written: Python values take three to four times the memory (a row group of
    8,192 forms held as Python values kept the main process 5 MB higher at 20,000 text
    sources than at 2,000, whose forms make a group of 2,000)."""

    def __init__(self, path: Path, schema: pa.Schema) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path, self.schema = path, schema
        self.writer = pq.ParquetWriter(path, schema, compression="zstd")
        self.columns: Columns = {name: [] for name in schema.names}
        self.count = 0  # rows in `columns`
        self.pieces: list[list[Any]] = []  # the row group's rows so far: [batch, start, stop]
        self.held = 0  # rows in `pieces`

    def add(self, row: dict[str, Any]) -> None:
        for name, values in self.columns.items():
            values.append(row.get(name))
        self.count += 1
        self._settle()

    def extend(self, columns: Columns) -> None:
        """Rows given column by column (a column the schema has and they lack is null)."""
        count, done = row_count(columns), 0
        while done < count:
            take = min(count - done, self._room())
            whole = take == count
            for name, values in self.columns.items():
                given = columns.get(name)
                if given is None:
                    values.extend([None] * take)
                else:
                    values.extend(given if whole else given[done : done + take])
            self.count += take
            done += take
            self._settle()

    def extend_batch(self, piece: Piece) -> None:
        """Rows `start` to `start + count` of a record batch of this file's schema, after the
        rows held as Python values (converted first to keep the order). Rows that continue
        the piece before them, of the same batch, join it: a worker's RowBatch covers
        sources that follow one another in the input, added source by source."""
        self._convert()
        batch, start, count = piece
        stop = start + count
        while start < stop:
            take = min(stop - start, ROW_GROUP - self.held)
            last = self.pieces[-1] if self.pieces else None
            if last is not None and last[0] is batch and last[2] == start:
                last[2] += take
            else:
                self.pieces.append([batch, start, start + take])
            self.held += take
            start += take
            if self.held >= ROW_GROUP:
                self.flush()

    def _room(self) -> int:
        """Rows the Python values take until a chunk is full or the row group is."""
        return min(CHUNK - self.count, ROW_GROUP - self.held - self.count)

    def _settle(self) -> None:
        """Convert a full chunk of rows; write a full row group."""
        if self._room() <= 0:
            self._convert()
            if self.held >= ROW_GROUP:
                self.flush()

    def _convert(self) -> None:
        if self.count:
            batch = pa.RecordBatch.from_pydict(self.columns, schema=self.schema)
            self.pieces.append([batch, 0, self.count])
            self.held += self.count
            self.columns = {name: [] for name in self.schema.names}
            self.count = 0

    def flush(self) -> None:
        """Write the rows held as one row group (its batches make the same file as one)."""
        self._convert()
        if self.held:
            slices = [batch.slice(start, stop - start) for batch, start, stop in self.pieces]
            table = pa.Table.from_batches(slices, schema=self.schema)
            if len(slices) > MAX_CHUNKS:  # small pieces: one copy costs less than writing them
                table = table.combine_chunks()
            self.writer.write_table(table)
            self.pieces, self.held = [], 0
            pa.default_memory_pool().release_unused()  # keep the peak flat over a long run

    def close(self) -> None:
        self.flush()
        self.writer.close()


class _PartitionedSink:
    """A Hive-partitioned dataset: one folder per value of `column`, the column left out."""

    def __init__(self, root: Path, schema: pa.Schema, column: str) -> None:
        self.root, self.column = root, column
        self.schema = schema.remove(schema.get_field_index(column))
        self.open: dict[str, _FileSink] = {}
        self.parts: dict[str, int] = {}
        root.mkdir(parents=True, exist_ok=True)

    def add(self, row: dict[str, Any]) -> None:
        key = hive_value(row.pop(self.column))
        sink = self.open.get(key)
        if sink is None:
            if len(self.open) >= MAX_OPEN:
                self.open.pop(next(iter(self.open))).close()
            part = self.parts.get(key, -1) + 1
            self.parts[key] = part
            folder = self.root / f"{self.column}={key}"
            sink = self.open[key] = _FileSink(folder / f"part-{part}.parquet", self.schema)
        sink.add(row)

    def close(self) -> None:
        for sink in self.open.values():
            sink.close()
        self.open.clear()


BUILDING, OLD = ".tables.building", ".tables.old"


class DatasetWriter:
    """The tables of a run, fed one source's result at a time (in input order) into a folder
    of their own, then finished (`finish` adds to that folder: the panel) and swapped in.

    OUT's previous tables stay as they were until the new ones are complete, and stay whole
    when building fails (a full disk) or is abandoned: each file is renamed over its
    predecessor only at the end."""

    def __init__(self, out: Path, partition_by: str | None) -> None:
        if partition_by is not None and partition_by not in PARTITIONS:
            raise ValueError(f"cannot partition by {partition_by!r}")
        _restore_interrupted_swap(out)
        self.out, self.partition_by = out, partition_by
        self.building = out / BUILDING
        shutil.rmtree(self.building, ignore_errors=True)
        self.sinks: dict[str, _FileSink] = {}
        self.pool_before: pa.MemoryPool | None = _use_system_allocator()
        try:
            self.building.mkdir(parents=True)
            for name, schema in TABLE_SCHEMAS:
                self.sinks[name] = _FileSink(self.building / f"{name}.parquet", schema)
        except BaseException:  # a full disk at the first bytes: nothing is left behind
            self.abandon()
            raise

    def add(self, result: SourceResult) -> None:
        self.add_columns(table_columns(result))

    def add_columns(self, tables: dict[str, Columns]) -> None:
        """A source's rows of every table, column by column (jixiao.output.rows)."""
        for name, sink in self.sinks.items():
            sink.extend(tables[name])

    def add_batches(self, tables: SourceBatches) -> None:
        """A source's rows of every table, as record batches of the tables' schemas."""
        for name, sink in self.sinks.items():
            if tables[name][2]:
                sink.extend_batch(tables[name])

    def finish(self, finish: Callable[[Path], object] | None = None) -> None:
        try:
            for sink in self.sinks.values():
                sink.close()
            if finish is not None:
                finish(self.building)
            if self.partition_by is not None:
                for name in ("forms", "indicators"):
                    table = self.building / f"{name}.parquet"
                    _partition(table, self.building / name, self.partition_by)
            _swap_in(self.out, self.building, self.partition_by)
        finally:
            self.abandon()

    def abandon(self) -> None:
        """Drop what was built (nothing of OUT's tables is touched)."""
        for sink in self.sinks.values():
            try:
                sink.writer.close()
            except OSError:
                pass  # a full disk: the file goes anyway
        shutil.rmtree(self.building, ignore_errors=True)
        if self.pool_before is not None:
            pa.set_memory_pool(self.pool_before)
            self.pool_before = None


def _use_system_allocator() -> pa.MemoryPool:
    """Send Arrow's allocations to the C library's malloc while a run's tables are built (a
    DatasetWriter puts the previous pool back when it is finished or abandoned); returns the
    previous pool. pyarrow's default, mimalloc, keeps what is freed: the run's main process
    peaked 40 to 60 MB higher at 20,000 sources, most of it in the panel's passes over the
    tables (bench/bench_batch.py; the same passes over 20,000 sources' tables: 217 MiB
    under mimalloc, 163 under malloc)."""
    before = pa.default_memory_pool()
    pa.set_memory_pool(pa.system_memory_pool())
    return before


def write_dataset(
    out: Path,
    results: Iterable[SourceResult],
    partition_by: str | None,
    finish: Callable[[Path], object] | None = None,
) -> None:
    """Build every table from the sources' results (in the given order), let `finish` add to
    them (the panel), then swap them into place (see DatasetWriter)."""
    writer = DatasetWriter(out, partition_by)
    try:
        for result in results:
            writer.add(result)
    except BaseException:
        writer.abandon()
        raise
    writer.finish(finish)


def _partition(table: Path, root: Path, column: str) -> None:
    """Split a single-file table (with whatever columns it has by now, keys included) into
    a Hive dataset under `root`, row order kept within each partition; remove the file."""
    with pq.ParquetFile(table) as file:
        sink = _PartitionedSink(root, file.schema_arrow, column)
        for batch in file.iter_batches(batch_size=ROW_GROUP):
            for row in batch.to_pylist():
                sink.add(row)
        sink.close()
    table.unlink()


def _swap_in(out: Path, building: Path, partition_by: str | None) -> None:
    """Rename each built table over its predecessor (a file in one atomic rename; a folder
    by moving the old one aside first), then remove tables of the other layout."""
    old = out / OLD
    shutil.rmtree(old, ignore_errors=True)
    old.mkdir()
    built = sorted(item.name for item in building.iterdir())
    for name in built:
        target = out / name
        if target.is_dir() or (target.exists() and (building / name).is_dir()):
            os.replace(target, old / name)
        os.replace(building / name, target)
    layouts = table_paths(out, None) + table_paths(out, "year") + [out / PANEL_FILE]
    for stale in layouts:
        if stale.name not in built and stale.exists():
            os.replace(stale, old / stale.name)
    shutil.rmtree(old, ignore_errors=True)


def _restore_interrupted_swap(out: Path) -> None:
    """A run killed in the middle of a folder's swap left it in OLD: put it back."""
    old = out / OLD
    if old.is_dir():
        for item in old.iterdir():
            if not (out / item.name).exists():
                os.replace(item, out / item.name)
        shutil.rmtree(old, ignore_errors=True)
