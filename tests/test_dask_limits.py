"""Faults on dask as locally: a source past --file-timeout, one over --file-memory, one that
kills its process; and the analyst's panel with --partition-by, on every engine."""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow.dataset as ds
import pyarrow.parquet as pq
import pytest

from jixiao.batch.faults import ENV
from tests.conftest import copy_samples
from tests.test_batch import batch, corpus_fixture, json_files, local_cluster, source_entries

HANG, CRASH, GREEDY = "003_004_a0dabc58212d71e8.txt", "005_004_a0dabc58212d71e8.txt", "notes.txt"


corpus = corpus_fixture(12)


@pytest.fixture(scope="module")
def scheduler(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with local_cluster(tmp_path_factory.mktemp("scratch")) as cluster:
        yield cluster.scheduler_address


def _codes(out: Path) -> dict[str, str]:
    return {
        path.rsplit("/", 1)[-1]: status for path, (_, status, _, _) in source_entries(out).items()
    }


def test_time_and_memory_limits_and_crashes_hold_on_dask(
    corpus: Path, scheduler: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(ENV, f"hang={HANG},crash={CRASH},memory={GREEDY}")
    out = tmp_path / "out"
    summary = batch(
        corpus, out, engine="dask", scheduler=scheduler, file_timeout=3.0, file_memory_mb=128
    )
    assert summary.sources == 13
    codes = _codes(out)
    assert (codes[HANG], codes[CRASH], codes[GREEDY]) == ("timeout", "worker_crashed", "too_large")
    assert sorted(set(codes.values())) == ["ok", "timeout", "too_large", "worker_crashed"]
    monkeypatch.delenv(ENV)
    again = batch(corpus, out, engine="dask", scheduler=scheduler, file_timeout=3.0)
    assert again.skipped == 10  # the three stopped sources are retried
    fresh = tmp_path / "fresh"
    batch(corpus, fresh, jobs=1)
    assert json_files(out) == json_files(fresh)


def test_the_panel_is_built_with_partition_by_on_both_engines(
    scheduler: str, tmp_path: Path
) -> None:
    corpus = copy_samples(["001_570424103c010556.txt", "corpus", "years"], tmp_path / "in")
    single = tmp_path / "single"
    batch(corpus, single, jobs=1)
    panel = pq.read_table(single / "targets_vs_actuals.parquet")
    assert panel.num_rows > 0
    keys = pq.read_table(single / "forms.parquet").select(["form_id", "department_key"])
    for engine, options in (("local", {"jobs": 2}), ("dask", {"scheduler": scheduler})):
        out = tmp_path / engine
        batch(corpus, out, engine=engine, partition_by="year", **options)
        assert pq.read_table(out / "targets_vs_actuals.parquet").equals(panel)
        forms = ds.dataset(out / "forms", format="parquet", partitioning="hive").to_table()
        got = sorted(zip(*forms.select(["form_id", "department_key"]).to_pydict().values()))
        assert got == sorted(zip(*keys.to_pydict().values()))
        assert not (out / "forms.parquet").exists()
        assert not [p for p in os.listdir(out) if p.startswith(".")]


def test_a_crash_is_no_timeout_when_workers_come_from_a_forkserver(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Regression: under forkserver a dead worker's pipe closes before its exit status
    arrives; the crash was then taken for a timeout (as after any dask run in the process)."""
    import multiprocessing

    from jixiao.batch import local

    monkeypatch.setattr(local, "_context", lambda: multiprocessing.get_context("forkserver"))
    monkeypatch.setenv(ENV, f"crash={CRASH}")
    batch(corpus, tmp_path, jobs=2)
    assert _codes(tmp_path)[CRASH] == "worker_crashed"


def test_a_source_that_kills_every_dask_worker_it_runs_on_is_worker_crashed(
    corpus: Path, scheduler: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without limits a source runs in the dask worker itself: killing it, it is run again
    elsewhere a bounded number of times (the scheduler's allowed-failures), then recorded;
    the other sources are unaffected."""
    monkeypatch.setenv(ENV, f"crash={CRASH}")
    out = tmp_path / "out"
    summary = batch(
        corpus, out, engine="dask", scheduler=scheduler, file_timeout=None, file_memory_mb=None
    )
    codes = _codes(out)
    assert (summary.sources, summary.forms) == (13, 11), source_entries(out)
    assert codes[CRASH] == "worker_crashed"
    assert sorted(set(codes.values())) == ["ok", "problem", "worker_crashed"]


def test_results_a_killed_dask_worker_held_are_computed_again_not_counted_as_attempts(
    corpus: Path,
    scheduler: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Regression (an innocent source recorded without its forms, now and then): while the
    main process is busy, finished sources' results wait on their worker; when another
    source kills that worker, the scheduler computes them again. Such a lost result is no
    failed attempt of its source: it is awaited, not submitted again."""
    from jixiao.batch.tables import TablesInOrder

    mark = TablesInOrder.mark
    marked: list[object] = []

    def busy_mark(self: TablesInOrder, *args: Any) -> None:
        if not marked:
            time.sleep(1.0)  # the first result: the other sources finish meanwhile
        marked.append(args)
        mark(self, *args)

    monkeypatch.setattr(TablesInOrder, "mark", busy_mark)
    monkeypatch.setenv(ENV, f"crash={CRASH}")
    caplog.set_level(logging.INFO, logger="jixiao.batch.dask_engine")
    out = tmp_path / "out"
    summary = batch(
        corpus, out, engine="dask", scheduler=scheduler, file_timeout=None, file_memory_mb=None
    )
    assert (summary.sources, summary.forms) == (13, 11), source_entries(out)
    again = [r.getMessage() for r in caplog.records if r.name == "jixiao.batch.dask_engine"]
    assert any(CRASH in message for message in again)
    # a source queued behind the crash may have run out of the scheduler's tries (killed
    # worker): resubmitted; none was resubmitted for a result lost with its worker
    assert not [message for message in again if "worker_lost" in message]


def test_a_cluster_left_without_workers_ends_the_wait_and_the_next_run_redoes_it(
    corpus: Path, scheduler: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Regression (a run that waited forever): a LocalCluster whose nannies had not brought
    back the workers killed under load left the main process waiting on futures no worker
    would run. With no worker for NO_WORKER_GRACE seconds the run stops waiting, every source
    is accounted for as worker_lost, and a run on a cluster with workers redoes them."""
    distributed = pytest.importorskip("distributed")
    from jixiao.batch import dask_engine

    monkeypatch.setattr(dask_engine, "NO_WORKER_GRACE", 1.0)
    monkeypatch.setattr(dask_engine, "_WORKER_CHECK", 0.2)
    out = tmp_path / "out"
    with distributed.LocalCluster(
        n_workers=0, processes=True, host="127.0.0.1", dashboard_address=":0"
    ) as empty:
        summary = batch(corpus, out, engine="dask", scheduler=empty.scheduler_address)
    assert (summary.sources, summary.forms) == (13, 0)
    assert set(_codes(out).values()) == {"worker_lost"}
    again = batch(corpus, out, engine="dask", scheduler=scheduler)
    assert (again.sources, again.skipped, again.forms) == (13, 0, 12)
    assert "worker_lost" not in _codes(out).values()


def test_a_task_given_to_a_worker_that_just_died_stays_queued(tmp_path: Path) -> None:
    """Regression (BrokenPipeError in the main process): a worker that died with tasks
    queued behind its crash is handed one more before the pool notices; that task must
    stay queued on it (and so be run elsewhere), not end the run."""
    from jixiao.batch.local import WorkerConfig, _context, _Worker
    from jixiao.batch.task import SourceTask

    worker = _Worker(_context(), WorkerConfig(str(tmp_path), False, None, {}))
    worker.process.kill()
    worker.process.join()
    task = SourceTask(str(tmp_path / "a.txt"), "a.txt")
    worker.give([task])
    worker.give([task])
    assert list(worker.tasks) == [task, task]
    worker.stop()
