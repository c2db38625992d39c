"""Work done in a thread while the caller goes on: Parquet decoding and encoding, which
pyarrow does without holding the GIL, overlapped with the Python work between them.

Used where a run's main process works alone, after the sources are read (the panel's passes
over the tables), so that the cores the workers left idle take part.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, TypeVar

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


class Background:
    """Runs one call at a time in a thread: `run` waits for the call before it (raising its
    error), `wait` for the last one."""

    def __init__(self) -> None:
        self.pool: ThreadPoolExecutor | None = None
        self.pending: Future[Any] | None = None

    def run(self, call: Callable[..., Any], *args: Any) -> None:
        self._finish_pending()
        if self.pool is None:
            self.pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="jixiao-write")
        self.pending = self.pool.submit(call, *args)

    def wait(self) -> None:
        try:
            self._finish_pending()
        finally:
            if self.pool is not None:
                self.pool.shutdown(wait=True)
                self.pool = None

    def _finish_pending(self) -> None:
        pending, self.pending = self.pending, None
        if pending is not None:
            pending.result()
