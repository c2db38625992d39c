"""Work done in a thread while the caller goes on: Parquet decoding, which pyarrow does
without holding the GIL, overlapped with the Python work on what was decoded before.

Used where a run's main process works alone, after the sources are read (the panel's passes
over the tables), so that the cores the workers left idle take part.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

T = TypeVar("T")
_END = object()


def in_background(items: Iterable[T]) -> Iterator[T]:
    """`items` in order, each next one produced in a thread while the caller uses the one
    before (two at most are held). An error in producing one is raised here."""
    iterator = iter(items)
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="jixiao-read") as pool:
        future = pool.submit(next, iterator, _END)
        while (item := future.result()) is not _END:
            future = pool.submit(next, iterator, _END)
            yield item  # type: ignore[misc]
