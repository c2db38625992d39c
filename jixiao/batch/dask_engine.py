"""The dask engine: the same `run_task` on a dask.distributed cluster.

`--scheduler tcp://HOST:8786` connects to a running cluster; without it a LocalCluster of
`--jobs` worker processes is started on 127.0.0.1. Workers write the per-source JSON straight
into OUT, so OUT must be the same folder for every machine (a shared file system).
dask is imported only here, and only when `--engine dask` is chosen.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from jixiao.batch.task import Outcome, Settings, SourceTask, run_task, write_contained

OnDone = Callable[[Outcome], None]
WINDOW_PER_WORKER = 64  # futures in flight per worker, so memory does not grow with the run


@contextmanager
def _client(scheduler: str | None, jobs: int, scratch: str) -> Iterator[Any]:
    from distributed import Client, LocalCluster

    if scheduler:
        with Client(scheduler) as client:
            yield client
        return
    with (
        LocalCluster(
            n_workers=jobs,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address=None,
            local_directory=scratch,
        ) as cluster,
        Client(cluster) as client,
    ):
        yield client


def run_dask(
    tasks: list[SourceTask],
    on_done: OnDone,
    *,
    out: str,
    scheduler: str | None,
    jobs: int,
    faults: dict[str, str],
    settings: Settings | None = None,
) -> None:
    """Map run_task over the tasks; a task whose worker died becomes `worker_crashed`."""
    from distributed import as_completed

    with (
        tempfile.TemporaryDirectory(prefix="jixiao-dask-") as scratch,
        _client(scheduler, jobs, scratch) as client,
    ):
        window = max(1, len(client.scheduler_info().get("workers", {}))) * WINDOW_PER_WORKER
        todo = iter(tasks)
        started: dict[str, tuple[SourceTask, float]] = {}

        def submit(task: SourceTask) -> Any:
            future = client.submit(
                run_task, task, out, False, faults, settings, pure=False, retries=0
            )
            started[future.key] = (task, time.monotonic())
            return future

        queue = as_completed([submit(t) for t, _ in zip(todo, range(window))])
        for future in queue:
            task, began = started.pop(future.key)
            if future.status == "finished":
                on_done(future.result())
            else:
                detail = f"({type(future.exception()).__name__})"
                on_done(
                    write_contained(task, out, "worker_crashed", time.monotonic() - began, detail)
                )
            future.release()
            following = next(todo, None)
            if following is not None:
                queue.add(submit(following))
