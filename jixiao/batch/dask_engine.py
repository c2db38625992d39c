"""The dask engine: the same `run_task` on a dask.distributed cluster.

`--scheduler tcp://HOST:8786` connects to a running cluster; without it a LocalCluster of
`--jobs` worker processes is started on 127.0.0.1. Workers write the per-source JSON straight
into OUT, so OUT must be the same folder for every machine (a shared file system).
dask is imported only here, and only when `--engine dask` is chosen.

At most WINDOW_PER_WORKER sources per worker are in flight; one is submitted as each one
finishes. A source whose worker died is retried by the scheduler itself (its
`allowed-failures`, 3 by default); when the scheduler gives up it is submitted again, up to
MAX_ATTEMPTS submissions (a source only queued on the workers another source killed is no
culprit). Then it is run once alone, in a child process of the main one (`ContainedRunner`):
only a source that kills that process too gives `worker_crashed`, so a source that was only
queued behind another's crashes on every attempt is read as usual. A finished source whose
result died with its worker before it was fetched is no failed attempt: the scheduler
computes it again and the run waits for that. One whose future was lost otherwise
(cancelled, the scheduler forgot it) is submitted again the same way, then gives
`worker_lost`. Every task handed in is reported exactly once, or not at all when the
cluster has had no worker for NO_WORKER_GRACE seconds: the run then stops waiting, and the
runner records each source not reported as `worker_lost` (redone on the next run).

With `--file-timeout` or `--file-memory` (both on by default) each dask worker runs its
sources in a child process of its own, kept from source to source (`ContainedRunner`, the
local engine's containment): a source past its time limit is stopped (`timeout`), one over
its memory limit gives `too_large`, one that kills that child gives `worker_crashed`, and the
dask worker itself lives on.
"""

from __future__ import annotations

import logging
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import islice
from typing import Any

from jixiao.batch.local import ContainedRunner, WorkerConfig
from jixiao.batch.task import Outcome, SourceTask, run_task, write_contained

log = logging.getLogger(__name__)
OnDone = Callable[[Outcome], None]
WINDOW_PER_WORKER = 64  # futures in flight per worker, so memory does not grow with the run
MAX_ATTEMPTS = 3  # submissions of one source whose future was lost or whose workers died
NO_WORKER_GRACE = 120.0  # seconds without any worker before the run stops waiting
_WORKER_CHECK = 1.0  # seconds between asking the scheduler for its workers while waiting


@dataclass(frozen=True, slots=True)
class _Flight:
    task: SourceTask
    attempt: int
    began: float


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


def _window(client: Any) -> int:
    return max(1, len(client.scheduler_info().get("workers", {}))) * WINDOW_PER_WORKER


def _has_workers(client: Any) -> bool:
    return bool(client.scheduler_info(n_workers=1).get("workers"))


def _finished(queue: Any, client: Any) -> Iterator[Any]:
    """The futures of the queue as they finish, futures added meanwhile included; it ends
    early when the cluster has had no worker for NO_WORKER_GRACE seconds (a LocalCluster
    whose nannies did not bring killed workers back, a cluster whose workers all left):
    the futures still queued would be waited for forever."""
    checked = workerless_since = time.monotonic()
    while not queue.is_empty():
        if queue.has_ready():
            yield next(queue)
            continue
        with queue.thread_condition:
            queue.thread_condition.wait(timeout=0.1)
        now = time.monotonic()
        if now - checked < _WORKER_CHECK:
            continue
        checked = now
        if _has_workers(client):
            workerless_since = now
        elif now - workerless_since >= NO_WORKER_GRACE:
            log.warning(
                "no dask worker for %.0f s: stopped waiting; the sources not finished are "
                "recorded as worker_lost and redone by the next run",
                now - workerless_since,
            )
            return


def _failure(future: Any) -> tuple[str, str, bool]:
    """(problem code, detail, whether to submit it again) of a future that did not finish.
    A KilledWorker is submitted again: a source that was only queued on a worker another
    source killed is no culprit (the culprit kills the workers again, a bounded number of
    times)."""
    from distributed.scheduler import KilledWorker

    if future.status == "error":
        error = future.exception()
        if isinstance(error, KilledWorker):
            return "worker_crashed", "(its dask worker died; the scheduler gave up on it)", True
        return "worker_crashed", f"({type(error).__name__}: {error})", False
    return "worker_lost", f"(dask future {future.status})", True


_RECOMPUTED = ("lost", "pending")  # a finished future whose worker died before its result came


def _outcome(future: Any) -> Outcome | None:
    """The Outcome of a finished future; None when it did not finish, or when its result
    was lost on the way (its status then says which)."""
    if future.status != "finished":
        return None
    try:
        outcome: Outcome = future.result()
    except Exception:  # noqa: BLE001  (erred or lost while fetched: its status tells)
        return None
    return outcome


_RUNNERS = threading.local()  # in a dask worker: its ContainedRunner, one per thread


def run_contained(task: SourceTask, config: WorkerConfig, file_timeout: float | None) -> Outcome:
    """On a dask worker: run_task in a kept child process under the per-source time and
    memory limits, as the local engine does."""
    runner: ContainedRunner | None = getattr(_RUNNERS, "runner", None)
    if runner is None or (runner.config, runner.file_timeout) != (config, file_timeout):
        if runner is not None:
            runner.close()
        runner = _RUNNERS.runner = ContainedRunner(config, file_timeout)
    return runner.run(task)


def run_dask(
    tasks: Iterable[SourceTask],
    on_done: OnDone,
    *,
    config: WorkerConfig,
    file_timeout: float | None,
    scheduler: str | None,
    jobs: int,
) -> None:
    """Map run_task over the tasks in a bounded window (in a contained child process of
    each dask worker when a time or memory limit is set); see the module docstring."""
    from distributed import as_completed

    out = config.out
    contained = bool(file_timeout or config.file_memory_mb)
    with (
        tempfile.TemporaryDirectory(prefix="jixiao-dask-") as scratch,
        _client(scheduler, jobs, scratch) as client,
    ):
        flights: dict[Any, _Flight] = {}
        queue = as_completed()
        alone = _Alone(config, file_timeout)

        def submit(task: SourceTask, attempt: int = 1) -> None:
            if contained:
                future = client.submit(
                    run_contained, task, config, file_timeout, pure=False, retries=0
                )
            else:
                future = client.submit(
                    run_task, task, out, False, config.faults, config.settings, pure=False
                )
            flights[future] = _Flight(task, attempt, time.monotonic())
            queue.add(future)

        todo = iter(tasks)
        for task in islice(todo, _window(client)):  # islice: zip() would drop one task
            submit(task)
        for future in _finished(queue, client):
            outcome = _outcome(future)
            if outcome is None and future.status in _RECOMPUTED:
                queue.add(future)  # its result died with a worker: computed again, awaited
                continue
            flight = flights.pop(future)
            code, detail, again = ("", "", False) if outcome else _failure(future)
            future.release()
            if outcome is None and again and flight.attempt < MAX_ATTEMPTS:
                log.info("%s: %s %s; submitted again", flight.task.rel_path, code, detail)
                submit(flight.task, flight.attempt + 1)
                continue
            if outcome is None and again and code == "worker_crashed":
                log.info("%s: %s on every attempt; run alone", flight.task.rel_path, code)
                outcome = alone.run(flight.task)  # the culprit, or a bystander every time?
            if outcome is None:
                seconds = time.monotonic() - flight.began
                outcome = write_contained(flight.task, out, code, seconds, detail)
            on_done(outcome)
            following = next(todo, None)
            if following is not None:
                submit(following)
        alone.close()


class _Alone:
    """A source run by itself in a child process of the main one, started when first
    needed: whether it kills the process it runs in, with no other source beside it."""

    def __init__(self, config: WorkerConfig, file_timeout: float | None) -> None:
        self.config, self.file_timeout = config, file_timeout
        self.runner: ContainedRunner | None = None

    def run(self, task: SourceTask) -> Outcome:
        if self.runner is None:
            self.runner = ContainedRunner(self.config, self.file_timeout)
        return self.runner.run(task)

    def close(self) -> None:
        if self.runner is not None:
            self.runner.close()
