"""One run at a time into an OUT: a second run is refused at once (exit 75, naming the
holder) and the first run's dataset is intact; a killed run never leaves OUT locked."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from jixiao.batch.faults import ENV
from jixiao.batch.lock import LOCK_NAME, OutLock
from jixiao.cli import main
from tests.conftest import ROOT
from tests.test_batch import corpus_fixture, json_files, manifest, tables

EXIT_BUSY = 75


corpus = corpus_fixture(40)


@pytest.fixture(scope="module")
def reference(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("reference")
    assert main(["run", str(corpus), "-o", str(out), "-q", "-j", "2"]) == 1  # notes.txt
    return out


def _command(corpus: Path, out: Path, *extra: str) -> list[str]:
    return [sys.executable, "-m", "jixiao", "run", str(corpus), "-o", str(out), "-q", *extra]


def _slow_run(corpus: Path, out: Path, *extra: str) -> subprocess.Popen[str]:
    """A run that takes its time, and pauses on its last source (notes.txt)."""
    env = {**os.environ, ENV: "slow=*,pause=notes.txt"}
    return subprocess.Popen(
        _command(corpus, out, "-j", "1", *extra),
        cwd=ROOT,
        env=env,
        start_new_session=True,
        stderr=subprocess.PIPE,
        text=True,
    )


def _wait_for_sources(out: Path, count: int, process: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and process.poll() is None:
        path = out / "manifest.jsonl"
        if path.exists() and path.read_text("utf-8").count('"kind": "source"') >= count:
            return
        time.sleep(0.01)
    raise AssertionError("the first run did not get going")


def test_a_second_run_into_the_same_out_is_refused_and_the_first_completes(
    corpus: Path, reference: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    assert main(["run", str(corpus), "-o", str(out), "-q", "-j", "2"]) == 1  # the dataset
    first = _slow_run(corpus, out, "--force")
    lines_before = len((out / "manifest.jsonl").read_text("utf-8").splitlines())
    _wait_for_sources(out, lines_before + 3, first)  # redoing sources, OUT held
    second = subprocess.run(_command(corpus, out), cwd=ROOT, capture_output=True, text=True)
    assert first.poll() is None  # refused at once, not after waiting for the first run
    assert second.returncode == EXIT_BUSY
    assert f"pid {first.pid} on {socket.gethostname()}" in second.stderr
    assert "Traceback" not in second.stderr and len(second.stderr.splitlines()) == 1
    assert first.wait(timeout=120) == 1, first.stderr  # notes.txt is no form
    assert json_files(out) == json_files(reference)
    assert tables(out) == tables(reference)
    entries = [e for e in manifest(out) if e["kind"] == "source"]
    assert len(entries) == len({e["path"] for e in entries}) == 41
    assert not (out / LOCK_NAME).exists()


def test_a_held_out_refuses_a_run_before_it_writes_anything(corpus: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    with OutLock(out):
        assert main(["run", str(corpus), "-o", str(out), "-q"]) == EXIT_BUSY
        assert [p.name for p in out.iterdir()] == [LOCK_NAME]
    assert main(["run", str(corpus), "-o", str(out), "-q"]) == 1  # released: it runs


def test_a_killed_run_does_not_leave_out_locked(
    corpus: Path, reference: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    first = _slow_run(corpus, out)
    _wait_for_sources(out, 3, first)
    os.killpg(first.pid, signal.SIGKILL)
    first.wait(timeout=60)
    assert (out / LOCK_NAME).exists()  # left behind, but its holder is dead
    assert main(["run", str(corpus), "-o", str(out), "-q", "-j", "2"]) == 1
    assert json_files(out) == json_files(reference)
    assert not (out / LOCK_NAME).exists()


def test_the_exit_statuses_are_documented() -> None:
    from jixiao.cli import EXIT_BUSY as BUSY
    from jixiao.cli import EXIT_OUTPUT, RUN_EXAMPLES

    assert (BUSY, EXIT_OUTPUT) == (EXIT_BUSY, 74)
    batch = (ROOT / "docs" / "batch.md").read_text("utf-8")
    for status in (BUSY, EXIT_OUTPUT):
        assert f"\n  {status}   " in RUN_EXAMPLES
        assert f"; {status} " in batch
