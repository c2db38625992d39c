"""The local engine: a pool of worker processes that jixiao manages itself.

Each worker loads the vocabularies once, then takes sources over a pipe, one at a time, with
the next ones already queued; the pool hands them out `chunk` at a time (consecutive sources
of the input, fewer near the end). A worker reports each source as it finishes (an
Outcome, with its table rows); with `batch_rows`, it reports a chunk's sources together
once the chunk is done, their rows following in one RowBatch (jixiao.output.batches), and
tells the parent through shared memory (`Progress`) when each source starts and how many it
has finished. The parent gives the running task a deadline; a worker past its deadline is
killed (`timeout`), a worker that dies mid-task is reported (`worker_crashed`), and either
way a fresh worker takes its place; the sources it had finished and not reported are read
back from their JSON. `--file-memory`
caps each worker's address space (RLIMIT_AS) above its size at start, so a source that
blows up memory raises MemoryError there (`too_large`).
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import selectors
import signal
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from multiprocessing.connection import Connection, wait
from multiprocessing.process import BaseProcess
from typing import TYPE_CHECKING, Any

from jixiao.batch.faults import after_report
from jixiao.batch.task import (
    Outcome,
    Settings,
    SourceTask,
    read_outcome,
    run_task,
    write_contained,
)

if TYPE_CHECKING:
    from jixiao.output.batches import RowBatch, RowBuffer

OnDone = Callable[[Outcome], None]
OnRows = Callable[["RowBatch"], None]
DEPTH = 2  # a worker left with fewer tasks is given its next chunk: it never waits for one
REAP_SECONDS = 10.0  # how long a worker whose pipe broke may take to be seen dead
CHUNK_SECONDS = 0.1  # a chunk takes about this long at most: slow sources go one at a time
REPORT_SECONDS = 0.25  # a chunked worker reports what it finished at least this often


@dataclass(frozen=True)
class WorkerConfig:
    out: str
    fail_fast: bool
    file_memory_mb: int | None
    faults: dict[str, str]
    settings: Settings = field(default_factory=Settings)
    batch_rows: bool = False  # send the rows in RowBatches (else each with its Outcome)


def _limit_memory(megabytes: int | None) -> None:
    if not megabytes:
        return
    import resource

    with open("/proc/self/statm", encoding="ascii") as statm:
        size = int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    limit = size + megabytes * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


class Progress:
    """What a chunked worker tells its parent without a message: when its last source
    started (CLOCK_MONOTONIC, the same in every process), how many sources it began and how
    many it finished (JSON written). A message per source cost the parent 60 us of a
    source's 135 at -j 2 (bench/bench_batch.py), time taken from the workers on two cores."""

    def __init__(self, context: Any) -> None:
        self.values = context.RawArray("d", 3)  # started, begun, finished

    @property
    def started(self) -> float:
        return float(self.values[0])

    @property
    def begun(self) -> int:
        return int(self.values[1])

    @property
    def finished(self) -> int:
        return int(self.values[2])

    def start(self) -> None:
        self.values[0] = time.monotonic()
        self.values[1] += 1

    def finish(self) -> None:
        self.values[2] += 1


def _worker_main(conn: Connection, config: WorkerConfig, progress: Progress | None) -> None:
    from jixiao.vocab import vocabulary

    # Ctrl-C reaches the whole process group: the main process stops the workers
    signal.signal(signal.SIGINT, signal.SIG_IGN)

    vocabulary()
    rows = _row_buffer() if config.batch_rows else None
    _clear_start_up_garbage()
    _limit_memory(config.file_memory_mb)
    while True:
        try:
            tasks = conn.recv()
        except (EOFError, OSError):
            return
        if tasks is None:
            return
        if rows is None or progress is None:
            if not _run_each(conn, tasks, config):
                return
        elif not _run_chunk(conn, tasks, config, rows, progress):
            return


def _run_each(conn: Connection, tasks: list[SourceTask], config: WorkerConfig) -> bool:
    """Run the tasks, each reported with its rows as it ends; False when the worker must
    stop."""
    for task in tasks:
        outcome = run_task(task, config.out, config.fail_fast, config.faults, config.settings)
        conn.send(outcome)
        if outcome.worker_done:
            return False
        _settle_heap()
    return True


def _run_chunk(
    conn: Connection,
    tasks: list[SourceTask],
    config: WorkerConfig,
    rows: RowBuffer,
    progress: Progress,
) -> bool:
    """Run a chunk: its outcomes in one message when it is done (or every REPORT_SECONDS),
    then their rows in one RowBatch. A source that leaves the worker unfit to go on
    (worker_done) ends the chunk early, reported last, with its own rows. False when the
    worker must stop."""
    outcomes: list[Outcome] = []
    reported = time.monotonic()
    for task in tasks:
        progress.start()
        outcome = run_task(task, config.out, config.fail_fast, config.faults, config.settings)
        if outcome.worker_done or outcome.tables is None:
            _send_chunk(conn, outcomes, rows, config.faults)
            conn.send(outcome)
            if outcome.worker_done:
                return False
            outcomes = []
        else:
            rows.add(outcome.rel_path, outcome.tables)
            outcomes.append(replace(outcome, tables=None, rows_follow=True))
        progress.finish()
        if time.monotonic() - reported >= REPORT_SECONDS:  # progress shown, manifest kept
            _send_chunk(conn, outcomes, rows, config.faults)
            outcomes, reported = [], time.monotonic()
        _settle_heap()
    _send_chunk(conn, outcomes, rows, config.faults)
    return True


def _send_chunk(
    conn: Connection, outcomes: list[Outcome], rows: RowBuffer, faults: dict[str, str]
) -> None:
    """The outcomes, then their rows (the parent waits for the rows of every source it was
    told of)."""
    if outcomes:
        conn.send(outcomes)
        if faults:
            after_report(faults, [outcome.rel_path for outcome in outcomes])
    if rows:
        conn.send(rows.take())


def _row_buffer() -> RowBuffer:
    """The worker's RowBuffer, pyarrow's conversion made ready (without pandas) before the
    first source."""
    from jixiao.output.arrow import convert_without_pandas
    from jixiao.output.batches import RowBuffer

    convert_without_pandas()
    return RowBuffer()


def _clear_start_up_garbage() -> None:
    """Before the first source: every generation collected, so that no garbage (of the
    worker's start; under forkserver or spawn, of its imports too) is frozen with what lives
    on. A forked worker's collections skip what it inherited, frozen by the parent while it
    forks: walking the parent's objects took 50 ms of each worker's start and copied every
    page that holds one. Only here: the same full collection after the first source left
    the worker three times slower on unseen forms for the rest of the run
    (bench/bench_text.py; the GC counts were the same, the cause not found)."""
    gc.collect()


def _settle_heap() -> None:
    """Between two sources: collect the young garbage, then take what lives on (the
    vocabularies, the recognizer's caches of cell costs) out of the collector's sight. A
    worker's caches grow to a million tracked objects; a full collection walked them every
    few dozen sources, a sixth of a worker's time on text (bench/bench_text.py, unseen
    forms). What a source leaves as garbage is collected before the freeze, not frozen."""
    gc.collect(1)
    gc.freeze()


def _start_frozen(process: BaseProcess) -> None:
    """Start the worker with this process's objects frozen, so that a forked worker's
    collections leave what it inherits alone; unfrozen once it is started. A caller that
    froze objects of its own keeps them frozen (their worker walks what came after)."""
    if gc.get_freeze_count():
        process.start()
        return
    gc.freeze()
    try:
        process.start()
    finally:
        gc.unfreeze()


class _Worker:
    """A worker process and the tasks sent to it, oldest (the running one) first."""

    def __init__(self, context: Any, config: WorkerConfig) -> None:
        self.conn, child = context.Pipe()
        self.progress = Progress(context) if config.batch_rows else None
        args = (child, config, self.progress)
        self.process = context.Process(target=_worker_main, args=args, daemon=True)
        _start_frozen(self.process)
        child.close()
        self.tasks: deque[SourceTask] = deque()
        self.unsent: dict[str, None] = {}  # sources reported whose rows it still holds
        self.watched = False  # its pipe and sentinel are registered with the pool's selector
        self.started = 0.0  # when the running task started (about: when the previous ended)
        self.reported = 0  # sources it reported (its Progress counts those it finished)

    @property
    def busy(self) -> bool:
        """It has tasks, or rows of reported sources still to send."""
        return bool(self.tasks or self.unsent)

    def give(self, tasks: list[SourceTask]) -> None:
        """Queue tasks on this worker (one message). A worker that died since it was last
        looked at (its pipe broken) keeps the tasks queued: the pool sees the death and runs
        them elsewhere, as it does with every task queued behind a crash."""
        if not self.tasks:
            self.started = time.monotonic()
        self.tasks.extend(tasks)
        self.send(tasks)

    def send(self, message: object) -> None:
        try:
            self.conn.send(message)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def finished(self) -> None:
        self.tasks.popleft()
        self.started = time.monotonic()
        self.reported += 1

    def running_since(self) -> float:
        """When its running task started (as the worker tells, when it tells it)."""
        if self.progress is None:
            return self.started
        return max(self.started, self.progress.started)

    def unreported(self) -> int:
        """Sources it finished (JSON written) and did not report yet."""
        if self.progress is None:
            return 0
        return min(len(self.tasks), self.progress.finished - self.reported)

    def running(self) -> bool:
        """Whether its first task has begun (always, as far as the pool can tell, without a
        Progress). A worker that stopped between two tasks, after it began one, stopped no
        source of its own: its tasks run elsewhere."""
        if self.progress is None:
            return True
        begun, finished = self.progress.begun, self.progress.finished
        return begun > finished or begun == 0

    def stop(self) -> None:
        if self.process.is_alive():
            self.process.kill()
        self.process.join()
        self.conn.close()


class _Pending:
    """The tasks not given to a worker yet: those a stopped worker had queued first, then the
    rest of the run's, taken from `tasks` one at a time (never all in memory)."""

    def __init__(self, tasks: Iterable[SourceTask]) -> None:
        self.first: deque[SourceTask] = deque()
        self.rest = iter(tasks)

    def ahead(self, count: int) -> int:
        """Take up to `count` tasks ahead; how many there are (up to `count`)."""
        while len(self.first) < count:
            task = next(self.rest, None)
            if task is None:
                break
            self.first.append(task)
        return len(self.first)

    def __bool__(self) -> bool:
        return self.ahead(1) > 0

    def take(self, count: int) -> list[SourceTask]:
        """Up to `count` tasks (at least one: there must be one)."""
        self.ahead(count)
        return [self.first.popleft() for _ in range(min(count, len(self.first)))]

    def give_back(self, tasks: Iterable[SourceTask]) -> None:
        self.first.extendleft(reversed(list(tasks)))


def _context() -> Any:
    """fork (fast: workers inherit the loaded code) when this process has no other thread."""
    methods = multiprocessing.get_all_start_methods()
    if "fork" in methods and threading.active_count() == 1:
        import jixiao.pipeline  # noqa: F401  (loaded once here, not in every worker)
        from jixiao.vocab import vocabulary

        vocabulary()
        return multiprocessing.get_context("fork")
    if "forkserver" in methods:
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["jixiao.batch.task", "jixiao.pipeline", "jixiao.vocab"])
        return context
    return multiprocessing.get_context("spawn")


class LocalPool:
    """Runs tasks on `jobs` worker processes, containing hangs, crashes and memory blow-ups.

    The workers' pipes and exit sentinels stay registered with one selector (epoll) while they
    have tasks: each wake-up is one system call, where `multiprocessing.connection.wait` and
    `Connection.poll` build a selector at every call (a few of them per source: a tenth of
    the main process's time on text sources at -j 2, bench/bench_batch.py)."""

    def __init__(
        self, jobs: int, config: WorkerConfig, file_timeout: float | None, chunk: int = 1
    ) -> None:
        self.jobs = max(1, jobs)
        self.chunk = max(1, chunk)
        self.seconds: float | None = None  # a source's time, on average over the recent ones
        self.config = config
        self.file_timeout = file_timeout
        self.context = _context()
        self.selector = selectors.DefaultSelector()  # empty between runs
        self.on_rows: OnRows | None = None

    def run(
        self, tasks: Iterable[SourceTask], on_done: OnDone, on_rows: OnRows | None = None
    ) -> None:
        """Run every task; `on_done` gets each source's Outcome as it finishes. With the
        config's `batch_rows`, `on_rows` gets the rows of reported sources in RowBatches
        (a `lost` one for those whose worker stopped before sending them)."""
        if self.config.batch_rows and on_rows is None:
            raise ValueError("a pool that batches rows needs on_rows")
        self.on_rows = on_rows
        pending = _Pending(tasks)
        count = min(self.jobs, pending.ahead(self.jobs))  # no more workers than tasks
        workers = [_Worker(self.context, self.config) for _ in range(count)]
        try:
            while pending or any(w.busy for w in workers):
                for i, worker in enumerate(workers):
                    if not worker.busy and pending and not worker.process.is_alive():
                        self._retire(worker)  # died while idle
                        workers[i] = worker = _Worker(self.context, self.config)
                    while pending and len(worker.tasks) < DEPTH:
                        worker.give(pending.take(self._chunk_size(pending)))
                    self._watch(worker)
                self._step(workers, pending, on_done)
        except BaseException:  # interrupted: no source is waited for, no rows either
            for worker in workers:
                worker.unsent.clear()
                self._retire(worker)
            raise
        finally:
            for worker in workers:
                if worker.process.is_alive() and not worker.busy:
                    worker.send(None)
            for worker in workers:
                worker.process.join(timeout=5)
                self._retire(worker)

    def _chunk_size(self, pending: _Pending) -> int:
        """`chunk` tasks of sources that take little time (about CHUNK_SECONDS in all), one
        at a time until their time is known and where each takes longer (a chunk of slow
        PDFs would keep one worker busy while the others wait at the end); near the end, a
        share of what is left for each worker."""
        if self.seconds is None:
            return 1
        chunk = max(1, min(self.chunk, int(CHUNK_SECONDS / max(self.seconds, 1e-6))))
        return max(1, min(chunk, pending.ahead(chunk * self.jobs) // self.jobs))

    def _watch(self, worker: _Worker) -> None:
        """Register a busy worker's pipe and sentinel, unregister an idle one's (an idle
        worker that died would otherwise wake every select)."""
        if worker.busy and not worker.watched:
            self.selector.register(worker.conn, selectors.EVENT_READ, worker)
            self.selector.register(worker.process.sentinel, selectors.EVENT_READ, worker)
            worker.watched = True
        elif not worker.busy and worker.watched:
            self._unwatch(worker)

    def _unwatch(self, worker: _Worker) -> None:
        if worker.watched:
            self.selector.unregister(worker.conn)
            self.selector.unregister(worker.process.sentinel)
            worker.watched = False

    def _retire(self, worker: _Worker) -> None:
        """Stop the worker; the rows it still held are lost (read from the JSON instead)."""
        self._unwatch(worker)
        worker.stop()
        if worker.unsent and self.on_rows is not None:
            from jixiao.output.batches import RowBatch

            lost, worker.unsent = tuple(worker.unsent), {}
            self.on_rows(RowBatch(lost, lost=True))

    def _step(self, workers: list[_Worker], pending: _Pending, on_done: OnDone) -> None:
        running = [w for w in workers if w.tasks]
        readable: set[_Worker] = set()  # a pipe with an outcome (or closed)
        ended: set[_Worker] = set()  # a worker gone
        for key, _ in self.selector.select(self._wait_time(running)):
            (readable if key.fileobj is key.data.conn else ended).add(key.data)
        for i, worker in enumerate(workers):
            if not worker.busy or not (worker in readable or worker in ended or self._late(worker)):
                continue
            healthy = True
            if worker in readable:
                healthy = self._receive(worker, on_done)
            elif not worker.process.is_alive() or self._late(worker):
                healthy = False
                self._contain(worker, on_done)
            if not healthy:
                pending.give_back(worker.tasks)  # queued behind it: run elsewhere
                self._retire(worker)
                workers[i] = _Worker(self.context, self.config)

    def _receive(self, worker: _Worker, on_done: OnDone) -> bool:
        """Take one message: an outcome, a chunk's outcomes or a chunk's rows (the selector
        wakes again while more are waiting); False when the worker must be replaced."""
        try:
            message: Outcome | list[Outcome] | RowBatch = worker.conn.recv()
        except (EOFError, OSError):
            self._contain(worker, on_done)
            return False
        if isinstance(message, list):  # a chunk's outcomes
            for outcome in message:
                self._reported(worker, outcome, on_done)
            return True
        if isinstance(message, Outcome):
            self._reported(worker, message, on_done)
            return not message.worker_done
        for path in message.paths:  # rows of sources reported before
            worker.unsent.pop(path, None)
        if self.on_rows is not None:
            self.on_rows(message)
        return True

    def _reported(self, worker: _Worker, outcome: Outcome, on_done: OnDone) -> None:
        seconds = outcome.seconds
        self.seconds = seconds if self.seconds is None else 0.8 * self.seconds + 0.2 * seconds
        worker.finished()
        if outcome.rows_follow:
            worker.unsent[outcome.rel_path] = None
        on_done(outcome)

    def _contain(self, worker: _Worker, on_done: OnDone) -> None:
        """The running task killed its worker or ran late: record it, and stop the worker.
        The sources it finished before, unreported, are read back from their JSON; a worker
        with no task running stopped none."""
        late = self._late(worker)
        for _ in range(worker.unreported()):
            task = worker.tasks.popleft()
            worker.reported += 1
            on_done(read_outcome(task, self.config.out))
        if worker.tasks and worker.running():
            task = worker.tasks.popleft()
            on_done(_stopped(worker, task, self.config.out, self.file_timeout, late))

    def _late(self, worker: _Worker) -> bool:
        if self.file_timeout is None or not worker.tasks or not worker.running():
            return False
        return time.monotonic() - worker.running_since() >= self.file_timeout

    def _wait_time(self, busy: list[_Worker]) -> float | None:
        if self.file_timeout is None or not busy:
            return None
        now = time.monotonic()
        return max(0.0, min(w.running_since() + self.file_timeout - now for w in busy))


def _stopped(
    worker: _Worker, task: SourceTask, out: str, file_timeout: float | None, late: bool
) -> Outcome:
    """Write and return the outcome of the task that stopped its worker: `timeout` when it
    ran past its deadline (the worker is killed), else `worker_crashed`. A worker whose pipe
    closed may not be reaped yet (its exit status comes later under forkserver): waiting
    for it, rather than asking whether it is alive, keeps a crash from passing for a timeout."""
    seconds = time.monotonic() - worker.running_since()
    if late:
        worker.process.kill()
        limit = f"(--file-timeout {file_timeout:g} s)"
        return write_contained(task, out, "timeout", seconds, limit)
    worker.process.join(timeout=REAP_SECONDS)
    if worker.process.exitcode is None:  # its pipe broke, yet it lives on: stop it
        worker.process.kill()
        worker.process.join()
    detail = f"(exit code {worker.process.exitcode})"
    return write_contained(task, out, "worker_crashed", seconds, detail)


@contextmanager
def _children_allowed() -> Iterator[None]:
    """Let a daemonic process (a dask worker is one) start its contained worker: the child
    is itself a daemon, stopped with its parent."""
    config = multiprocessing.current_process()._config  # type: ignore[attr-defined]
    daemon = config.get("daemon")
    config["daemon"] = False
    try:
        yield
    finally:
        config["daemon"] = daemon


class ContainedRunner:
    """One source at a time in a kept worker process, with the local engine's deadline and
    memory limit: what a dask worker calls so that `--file-timeout` and `--file-memory`
    hold there too. The worker process is replaced after a source that stopped it."""

    def __init__(self, config: WorkerConfig, file_timeout: float | None) -> None:
        self.config, self.file_timeout = config, file_timeout
        self.context = _context()
        self.worker: _Worker | None = None

    def run(self, task: SourceTask) -> Outcome:
        if self.worker is None or not self.worker.process.is_alive():
            if self.worker is not None:
                self.worker.stop()
            with _children_allowed():
                self.worker = _Worker(self.context, self.config)
        worker = self.worker
        worker.give([task])
        ready = wait([worker.conn, worker.process.sentinel], self.file_timeout)
        outcome = self._outcome(worker, late=not ready)
        if outcome.worker_done or not worker.process.is_alive() or worker.tasks:
            worker.stop()
            self.worker = None
        return outcome

    def _outcome(self, worker: _Worker, late: bool) -> Outcome:
        if worker.conn.poll():
            try:
                outcome: Outcome = worker.conn.recv()
                worker.finished()
                return outcome
            except (EOFError, OSError):
                pass
        return _stopped(worker, worker.tasks[0], self.config.out, self.file_timeout, late)

    def close(self) -> None:
        if self.worker is not None:
            self.worker.stop()
            self.worker = None
