"""The dask engine on a cluster started as a user starts one: `dask scheduler` and two
`dask worker --nthreads 1` processes from the command line, and more sources than the
submission window (regression: the first source past the window was never run, and the
run then died in write_dataset on its missing JSON)."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from jixiao.batch import dask_engine
from jixiao.cli import main
from tests.test_batch import SEEDS, corpus_fixture, json_files, source_entries

pytest.importorskip("distributed")

SOURCES = 1000  # more than the window of two workers (2 x WINDOW_PER_WORKER)
DASK = Path(sys.executable).parent / "dask"


def make_sources(folder: Path, count: int) -> None:
    for i in range(count):
        seed = SEEDS[i % len(SEEDS)]
        path = folder / f"d{i // 200}" / f"f{i:04d}.txt"
        path.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(seed, path)


@contextmanager
def cli_cluster(
    folder: Path, workers: int = 2
) -> Iterator[tuple[str, list[subprocess.Popen[bytes]]]]:
    """A scheduler and `workers` workers started with the dask command line; yields the
    scheduler's address and the worker processes (each in its own process group)."""
    from distributed import Client

    folder.mkdir(parents=True, exist_ok=True)
    info = folder / "scheduler.json"
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL, "start_new_session": True}
    common = ["--no-dashboard"]
    started = [
        subprocess.Popen(
            [str(DASK), "scheduler", "--host", "127.0.0.1", "--port", "0", "--scheduler-file",
             str(info), *common],
            cwd=folder,
            **quiet,  # type: ignore[call-overload]
        )
    ]  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while not info.exists() and time.monotonic() < deadline:
            time.sleep(0.1)
        address = json.loads(info.read_text("utf-8"))["address"]
        for _ in range(workers):
            started.append(
                subprocess.Popen(
                    [str(DASK), "worker", address, "--nthreads", "1", *common],
                    cwd=folder,
                    **quiet,  # type: ignore[call-overload]
                )
            )
        with Client(address, timeout=60) as client:
            client.wait_for_workers(workers, timeout=120)
        yield address, started[1:]
    finally:
        for process in reversed(started):
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=30)


sources = corpus_fixture(SOURCES, make_sources, "sources")


@pytest.fixture(scope="module")
def local_run(sources: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("local")
    assert main(["run", str(sources), "-o", str(out), "-q", "-j", "1"]) == 0
    return out


def _assert_complete(out: Path, reference: Path) -> None:
    entries = source_entries(out)
    assert len(entries) == SOURCES
    assert {status for _, status, _, _ in entries.values()} == {"ok"}
    assert json_files(out) == json_files(reference)
    forms = pq.read_table(out / "forms.parquet")
    assert forms.num_rows == SOURCES
    assert set(forms.column("source_path").to_pylist()) == set(entries)
    assert forms.equals(pq.read_table(reference / "forms.parquet"))


def test_more_sources_than_the_window_on_a_cli_cluster(
    sources: Path, local_run: Path, tmp_path: Path
) -> None:
    assert SOURCES > 2 * dask_engine.WINDOW_PER_WORKER
    with cli_cluster(tmp_path / "cluster") as (address, _):
        out = tmp_path / "out"
        argv = ["run", str(sources), "-o", str(out), "-q", "--engine", "dask"]
        assert main([*argv, "--scheduler", address]) == 0
    _assert_complete(out, local_run)


def _kill_when(out: Path, done: int, worker: subprocess.Popen[bytes]) -> threading.Thread:
    """Kill `worker` (its whole process group) once `done` sources are in the manifest."""

    def watch() -> None:
        path = out / "manifest.jsonl"
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if path.exists() and path.read_text("utf-8").count('"kind": "source"') >= done:
                break
            time.sleep(0.01)
        os.killpg(worker.pid, signal.SIGKILL)

    thread = threading.Thread(target=watch, daemon=True)
    thread.start()
    return thread


def test_a_worker_killed_mid_run_loses_no_source(
    sources: Path, local_run: Path, tmp_path: Path
) -> None:
    with cli_cluster(tmp_path / "cluster") as (address, workers):
        out = tmp_path / "out"
        watcher = _kill_when(out, SOURCES // 5, workers[0])
        argv = ["run", str(sources), "-o", str(out), "-q", "--engine", "dask"]
        assert main([*argv, "--scheduler", address]) == 0
        watcher.join(timeout=5)
        assert workers[0].poll() is not None  # it was killed while the run went on
        assert len(json_files(out)) == SOURCES
    _assert_complete(out, local_run)
