"""Several sources' rows of the Parquet tables as Arrow record batches, for the trip from a
local worker to the run's main process.

A worker gathers the rows (jixiao.output.rows) of the sources it runs, then sends them as one
`RowBatch`: each table's rows as a serialized record batch, and how many rows each source
has in it. The main process only slices the batches back into sources and appends the
slices to its row groups. Sent source by source as Python lists, the rows cost the main
process as much as the rest of its work on a source together (unpickled, appended value by
value, converted to Arrow), and with two workers on two cores that time is taken from them
(bench/bench_batch.py).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pyarrow as pa

from jixiao.output.parquet import TABLE_SCHEMAS
from jixiao.output.rows import Columns, row_count

Piece = tuple[pa.RecordBatch, int, int]  # rows of a record batch: the batch, start, count
SourceBatches = dict[str, Piece]  # a source's rows of each table


@dataclass(frozen=True)
class RowBatch:
    """The rows of the sources `paths` (in the order their worker ran them); `lost` when
    their worker stopped before sending them (their rows are then read from their JSON)."""

    paths: tuple[str, ...]
    counts: tuple[tuple[int, ...], ...] = ()  # per table (TABLE_SCHEMAS order), per source
    data: tuple[bytes, ...] = ()  # per table, its serialized record batch
    lost: bool = False

    def sources(self) -> Iterator[tuple[str, SourceBatches]]:
        """Each source's rows of every table: which rows of the batches."""
        tables = []
        for (name, schema), data, counts in zip(TABLE_SCHEMAS, self.data, self.counts):
            batch = pa.ipc.read_record_batch(pa.py_buffer(data), schema)
            tables.append((name, batch, counts))
        offsets = [0] * len(tables)
        for i, path in enumerate(self.paths):
            rows: SourceBatches = {}
            for t, (name, batch, counts) in enumerate(tables):
                rows[name] = (batch, offsets[t], counts[i])
                offsets[t] += counts[i]
            yield path, rows


class RowBuffer:
    """The rows of the sources a worker ran since it last sent them."""

    def __init__(self) -> None:
        self._reset()

    def _reset(self) -> None:
        self.paths: list[str] = []
        self.columns: list[Columns] = [{n: [] for n in s.names} for _, s in TABLE_SCHEMAS]
        self.counts: list[list[int]] = [[] for _ in TABLE_SCHEMAS]

    def __len__(self) -> int:
        return len(self.paths)

    def add(self, path: str, tables: dict[str, Columns]) -> None:
        """A source's rows of every table, column by column (a column it lacks is null)."""
        self.paths.append(path)
        for (name, _), columns, counts in zip(TABLE_SCHEMAS, self.columns, self.counts):
            given = tables[name]
            count = row_count(given)
            counts.append(count)
            if not count:
                continue
            for column, values in columns.items():
                values.extend(given.get(column) or [None] * count)

    def take(self) -> RowBatch:
        """The rows gathered, as one RowBatch; the buffer is emptied."""
        data = tuple(
            pa.RecordBatch.from_pydict(columns, schema=schema).serialize().to_pybytes()
            for (_, schema), columns in zip(TABLE_SCHEMAS, self.columns)
        )
        batch = RowBatch(tuple(self.paths), tuple(map(tuple, self.counts)), data)
        self._reset()
        return batch
