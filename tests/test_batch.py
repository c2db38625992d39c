"""Batch runs: parallel workers, containment, manifest, incremental and resumable runs."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest

from jixiao.batch import RunOptions, RunSummary, run
from jixiao.batch.faults import ENV
from jixiao.cli import main
from tests.conftest import FORMS, ROOT, python_stdout

SEEDS = sorted(FORMS.glob("*.txt"))
TABLES = ("forms.parquet", "indicators.parquet", "errors.parquet")


def make_corpus(folder: Path, count: int) -> list[Path]:
    """`count` copies of the seeds in sub-folders, plus one file that is no form."""
    paths = []
    for i in range(count):
        seed = SEEDS[i % len(SEEDS)]
        path = folder / f"d{i // 10}" / f"{i:03d}_{seed.name}"
        path.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(seed, path)
        paths.append(path)
    (folder / "notes.txt").write_text("会议纪要\n没有表格。\n", encoding="utf-8")
    return paths


def json_files(out: Path) -> dict[str, bytes]:
    root = out / "json"
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*.json"))}


def tables(out: Path) -> dict[str, object]:
    return {name: pq.read_table(out / name) for name in TABLES}


def manifest(out: Path) -> list[dict[str, object]]:
    lines = (out / "manifest.jsonl").read_text("utf-8").splitlines()
    return [json.loads(line) for line in lines]


def source_entries(out: Path) -> dict[str, tuple[object, ...]]:
    return {
        str(e["path"]): (e["sha256"], e["status"], e["forms"], e["indicators"])
        for e in manifest(out)
        if e["kind"] == "source"
    }


def batch(inputs: Path, out: Path, **options: object) -> RunSummary:
    return run([inputs], RunOptions(out=out, quiet=True, **options))  # type: ignore[arg-type]


def corpus_fixture(
    count: int, make: Callable[[Path, int], object] = make_corpus, name: str = "corpus"
) -> Callable[[pytest.TempPathFactory], Path]:
    """A module's fixture `name`: a folder `make` fills with `count` sources (by default
    seed copies and one file that is no form)."""

    @pytest.fixture(scope="module", name=name)
    def made(tmp_path_factory: pytest.TempPathFactory) -> Path:
        folder = tmp_path_factory.mktemp(name)
        make(folder, count)
        return folder

    return made


corpus = corpus_fixture(24)


@pytest.fixture(scope="module")
def reference(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An uninterrupted run in one process (no worker pool) to compare the engines with."""
    out = tmp_path_factory.mktemp("reference")
    summary = batch(corpus, out, fail_fast=True)
    assert (summary.sources, summary.forms, summary.failed_sources) == (25, 24, 1)
    return out


def test_parallel_run_equals_the_in_process_run(
    corpus: Path, reference: Path, tmp_path: Path
) -> None:
    summary = batch(corpus, tmp_path, jobs=2)
    assert (summary.sources, summary.forms, summary.problems, summary.skipped) == (25, 24, 1, 0)
    assert json_files(tmp_path) == json_files(reference)
    assert tables(tmp_path) == tables(reference)
    assert source_entries(tmp_path) == source_entries(reference)


def test_rerun_skips_unchanged_sources(corpus: Path, reference: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    batch(corpus, out, jobs=2)
    before = {p: p.stat().st_mtime_ns for p in (out / "json").rglob("*.json")}
    built = (*TABLES, "targets_vs_actuals.parquet")  # the panel is built with the tables
    tables_before = {name: (out / name).stat().st_mtime_ns for name in built}
    summary = batch(corpus, out, jobs=2)
    assert (summary.sources, summary.skipped, summary.forms, summary.problems) == (25, 25, 24, 1)
    assert {p: p.stat().st_mtime_ns for p in (out / "json").rglob("*.json")} == before
    assert {name: (out / name).stat().st_mtime_ns for name in built} == tables_before
    assert json_files(out) == json_files(reference)


def test_rerun_redoes_changed_and_new_drops_removed(corpus: Path, tmp_path: Path) -> None:
    inputs, out, fresh = tmp_path / "in", tmp_path / "out", tmp_path / "fresh"
    shutil.copytree(corpus, inputs)
    batch(inputs, out, jobs=2)
    changed = inputs / "d0" / "000_001_570424103c010556.txt"
    changed.write_bytes(SEEDS[1].read_bytes())  # now a copy of the other seed
    (inputs / "d1" / "011_004_a0dabc58212d71e8.txt").unlink()
    (inputs / "added.txt").write_bytes(SEEDS[0].read_bytes())
    summary = batch(inputs, out, jobs=2)
    assert (summary.sources, summary.skipped) == (25, 23)
    assert not (out / "json" / "d1" / "011_004_a0dabc58212d71e8.txt.json").exists()
    batch(inputs, fresh, jobs=1)
    assert json_files(out) == json_files(fresh)
    assert tables(out) == tables(fresh)
    assert source_entries(out) == source_entries(fresh)


def test_rerun_trusts_size_and_mtime_unless_checksum(corpus: Path, tmp_path: Path) -> None:
    inputs, out = tmp_path / "in", tmp_path / "out"
    shutil.copytree(corpus, inputs)
    batch(inputs, out, jobs=1)
    touched = inputs / "d0" / "000_001_570424103c010556.txt"
    os.utime(touched, ns=(1, 1))  # same bytes, another mtime: hashed, found equal, kept
    assert batch(inputs, out, jobs=1).skipped == 25
    entry = next(e for e in manifest(out) if e.get("path") == "d0/000_001_570424103c010556.txt")
    assert (entry["size"], entry["mtime_ns"]) == (touched.stat().st_size, 1)
    data = bytearray(touched.read_bytes())
    data[-3:] = b"XYZ"  # same size, same mtime, other bytes: only --checksum sees it
    touched.write_bytes(bytes(data))
    os.utime(touched, ns=(1, 1))
    assert batch(inputs, out, jobs=1).skipped == 25
    summary = batch(inputs, out, jobs=1, checksum=True)
    assert summary.skipped == 24


def test_new_aliases_rebuild_the_panel(corpus: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    batch(corpus, out, jobs=1)
    before = (out / "targets_vs_actuals.parquet").stat().st_mtime_ns
    aliases = tmp_path / "aliases.toml"
    aliases.write_text('[departments]\n"某县财政局" = ["某县财政局机关"]\n', encoding="utf-8")
    assert batch(corpus, out, jobs=1, aliases=(aliases,)).skipped == 25
    assert (out / "targets_vs_actuals.parquet").stat().st_mtime_ns != before


def test_force_and_a_config_change_redo_everything(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    batch(corpus, tmp_path, jobs=2)
    assert batch(corpus, tmp_path, jobs=2, force=True).skipped == 0
    monkeypatch.setattr("jixiao.batch.runner.config_hash", lambda options: "another-vocabulary")
    assert batch(corpus, tmp_path, jobs=2).skipped == 0
    assert batch(corpus, tmp_path, jobs=2).skipped == 25
    monkeypatch.setattr("jixiao.batch.manifest.__version__", "9.9.9")
    assert batch(corpus, tmp_path, jobs=2).skipped == 0


def test_torn_manifest_line_only_redoes_that_source(corpus: Path, tmp_path: Path) -> None:
    batch(corpus, tmp_path, jobs=2)
    path = tmp_path / "manifest.jsonl"
    text = path.read_text("utf-8")
    path.write_text(text[: text.index("\n") + 20], encoding="utf-8")  # keep 1 entry, tear the 2nd
    summary = batch(corpus, tmp_path, jobs=2)
    assert (summary.sources, summary.skipped) == (25, 1)


def _start(corpus: Path, out: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, ENV: "slow=*"}
    command = [sys.executable, "-m", "jixiao", "run", str(corpus), "-o", str(out), "-q", "-j", "2"]
    return subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True)


def _kill_after(
    process: subprocess.Popen[bytes], out: Path, done: int, sig: int = signal.SIGKILL
) -> None:
    """Signal the run's whole process group once `done` sources are in the manifest."""
    deadline = time.monotonic() + 60
    path = out / "manifest.jsonl"
    while time.monotonic() < deadline and process.poll() is None:
        if path.exists() and path.read_text("utf-8").count('"kind": "source"') >= done:
            break
        time.sleep(0.005)
    os.killpg(process.pid, sig)
    process.wait(timeout=60)


def test_ctrl_c_stops_cleanly_and_the_run_resumes(
    corpus: Path, reference: Path, tmp_path: Path
) -> None:
    """SIGINT to the process group (Ctrl-C in a terminal): exit 130, one line, no traceback."""
    env = {**os.environ, ENV: "slow=*"}
    command = [sys.executable, "-m", "jixiao", "run", str(corpus), "-o", str(tmp_path), "-q"]
    process = subprocess.Popen(
        [*command, "-j", "2"], cwd=ROOT, env=env, start_new_session=True, stderr=subprocess.PIPE
    )
    _kill_after(process, tmp_path, 5, signal.SIGINT)
    assert process.stderr is not None
    stderr = process.stderr.read().decode()
    assert process.returncode == 130
    assert "Traceback" not in stderr and "interrupted" in stderr
    summary = batch(corpus, tmp_path, jobs=2)
    assert summary.skipped >= 4
    assert json_files(tmp_path) == json_files(reference)


@pytest.mark.parametrize("done", [1, 9, 20])
def test_killed_run_resumes_to_identical_output(
    corpus: Path, reference: Path, tmp_path: Path, done: int
) -> None:
    process = _start(corpus, tmp_path)
    _kill_after(process, tmp_path, done)
    assert process.returncode == -signal.SIGKILL
    assert len(json_files(tmp_path)) < 25  # it was killed mid-way
    summary = batch(corpus, tmp_path, jobs=2)
    assert summary.skipped >= done - 1
    assert (summary.sources, summary.forms, summary.problems) == (25, 24, 1)
    assert json_files(tmp_path) == json_files(reference)
    assert tables(tmp_path) == tables(reference)
    assert source_entries(tmp_path) == source_entries(reference)
    assert not [p for p in tmp_path.rglob("*") if p.name.startswith(".")]


def _problems(out: Path) -> dict[str, list[str]]:
    found = {}
    for name, data in json_files(out).items():
        codes = [e["code"] for e in json.loads(data)["errors"]]
        if codes:
            found[name.rsplit("/", 1)[-1]] = codes
    return found


def test_hanging_file_times_out_with_one_worker(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(ENV, "hang=003_004_a0dabc58212d71e8.txt")
    started = time.monotonic()
    summary = batch(corpus, tmp_path, jobs=1, file_timeout=1.0)
    assert time.monotonic() - started < 30
    assert (summary.sources, summary.forms) == (25, 23)
    assert _problems(tmp_path) == {
        "003_004_a0dabc58212d71e8.txt.json": ["timeout"],
        "notes.txt.json": ["no_form_found"],
    }
    status = {e["path"]: e["status"] for e in manifest(tmp_path) if e["kind"] == "source"}
    assert status["d0/003_004_a0dabc58212d71e8.txt"] == "timeout"
    monkeypatch.delenv(ENV)
    summary = batch(corpus, tmp_path, jobs=1, file_timeout=1.0)  # contained sources are retried
    assert (summary.skipped, summary.forms) == (24, 24)
    errors = pq.read_table(tmp_path / "errors.parquet").column("code").to_pylist()
    assert errors == ["no_form_found"]  # regression: the tables were kept from the first run


def test_crashing_files_are_contained(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(ENV, "crash=005_004_a0dabc58212d71e8.txt,crash=notes.txt")
    summary = batch(corpus, tmp_path, jobs=2)
    assert (summary.sources, summary.forms) == (25, 23)
    assert _problems(tmp_path) == {
        "005_004_a0dabc58212d71e8.txt.json": ["worker_crashed"],
        "notes.txt.json": ["worker_crashed"],
    }
    again = batch(corpus, tmp_path, jobs=1, file_timeout=None)  # also without a deadline
    assert (again.skipped, again.forms) == (23, 23)


def test_memory_blow_up_is_too_large_only_under_the_limit(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(ENV, "memory=007_004_a0dabc58212d71e8.txt")
    summary = batch(corpus, tmp_path / "limited", jobs=2, file_memory_mb=128)
    assert summary.forms == 23
    assert _problems(tmp_path / "limited")["007_004_a0dabc58212d71e8.txt.json"] == ["too_large"]
    summary = batch(corpus, tmp_path / "unlimited", jobs=2, file_memory_mb=None)
    assert summary.forms == 24


def test_partition_by_year_reads_back_as_one_table(
    corpus: Path, reference: Path, tmp_path: Path
) -> None:
    import pyarrow.dataset as ds

    batch(corpus, tmp_path, jobs=2, partition_by="year")
    assert sorted(p.name for p in (tmp_path / "forms").iterdir()) == ["year=2022", "year=2026"]
    assert (tmp_path / "forms" / "year=2026" / "part-0.parquet").is_file()
    assert not (tmp_path / "forms.parquet").exists()
    for name in ("forms", "indicators"):
        dataset = ds.dataset(tmp_path / name, format="parquet", partitioning="hive")
        got = (
            dataset.to_table()
            .to_pandas()
            .sort_values(["form_id", *(["seq"] if name == "indicators" else [])])
        )
        want = pq.read_table(reference / f"{name}.parquet").to_pandas()
        want = want.sort_values(
            got.columns[:1].tolist() + (["seq"] if name == "indicators" else [])
        )
        assert len(got) == len(want)
        assert sorted(got.year.astype(int).tolist()) == sorted(want.year.tolist())
        assert got.form_id.tolist() == want.form_id.tolist()
    batch(corpus, tmp_path, jobs=2)  # back to single files: the folders go
    assert (tmp_path / "forms.parquet").is_file() and not (tmp_path / "forms").exists()


def test_cli_logs_progress_lines_when_not_a_terminal(
    corpus: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["run", str(corpus), "-o", str(tmp_path), "-j", "2"]) == 1
    err = capsys.readouterr().err
    assert "notes.txt: no_form_found:" in err
    assert "25/25 sources, 24 forms, 1 problems" in err
    assert main(["run", str(corpus), "-o", str(tmp_path), "-j", "2"]) == 1
    captured = capsys.readouterr()
    assert "25 sources unchanged since the last run, skipped" in captured.err
    assert "(25 unchanged, skipped)" in captured.out


def test_cli_rejects_zero_jobs(tmp_path: Path) -> None:
    with pytest.raises(SystemExit):
        main(["run", str(FORMS), "-o", str(tmp_path), "-j", "0"])


def local_cluster(scratch: Path) -> Any:
    """Two single-threaded dask worker processes on this machine (the test is skipped where
    dask is not installed)."""
    distributed = pytest.importorskip("distributed")
    return distributed.LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        dashboard_address=None,
        local_directory=str(scratch),
    )


def test_dask_engine_equals_the_local_engine(corpus: Path, reference: Path, tmp_path: Path) -> None:
    distributed = pytest.importorskip("distributed")
    with local_cluster(tmp_path / "scratch") as cluster:
        pids = set()
        with distributed.Client(cluster) as client:
            pids = set(client.run(os.getpid).values())
        assert len(pids) == 2 and os.getpid() not in pids
        out = tmp_path / "out"
        summary = batch(corpus, out, engine="dask", scheduler=cluster.scheduler_address)
    assert (summary.sources, summary.forms, summary.problems) == (25, 24, 1)
    assert json_files(out) == json_files(reference)
    assert tables(out) == tables(reference)
    assert source_entries(out) == source_entries(reference)


def test_cli_dask_engine_starts_its_own_local_cluster(tmp_path: Path) -> None:
    pytest.importorskip("distributed")
    argv = ["run", str(FORMS), "-o", str(tmp_path / "dask"), "-q", "--engine", "dask", "-j", "2"]
    assert main(argv) == 0
    assert main(["run", str(FORMS), "-o", str(tmp_path / "local"), "-q", "-j", "1"]) == 0
    assert json_files(tmp_path / "dask") == json_files(tmp_path / "local")
    assert not [p for p in (tmp_path / "dask").rglob("*") if p.name.startswith(".")]


def test_cli_dask_run_prints_no_cluster_chatter(tmp_path: Path) -> None:
    """distributed logs its cluster's start and stop at INFO (30 lines); `jixiao run` shows
    its warnings only, in a process of its own as a user starts it."""
    pytest.importorskip("distributed")
    source, out = FORMS / "001_570424103c010556.txt", tmp_path / "out"
    argv = ["-m", "jixiao", "run", str(source), "-o", str(out), "--engine", "dask", "-j", "1"]
    env = {k: v for k, v in os.environ.items() if not k.startswith("DASK_")}
    done = subprocess.run([sys.executable, *argv], capture_output=True, text=True, env=env)
    assert done.returncode == 0, done.stderr
    assert "INFO" not in done.stderr and json_files(out)


def test_progress_bar_on_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    import io

    from jixiao.batch import progress
    from jixiao.batch.task import Outcome

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    terminal = Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    bar = progress.reporter(total=2, skipped=3, quiet=False)
    assert isinstance(bar, progress.BarReporter)
    bar.advance(Outcome("a.txt", "0" * 64, 1, 18, 0, (), 0.1))
    bar.advance(Outcome("b.txt", "1" * 64, 0, 0, 0, (("no_form_found", "no table"),), 0.1))
    bar.close()
    shown = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", terminal.getvalue())  # colours
    assert "3 sources unchanged" in shown and "b.txt: no_form_found: no table" in shown
    assert "2/2" in shown and "1 forms, 1 problems" in shown
    assert isinstance(progress.reporter(total=2, skipped=0, quiet=True), progress.Reporter)


def test_two_inputs_holding_the_same_relative_path_both_keep_their_output(tmp_path: Path) -> None:
    first, second = tmp_path / "2022", tmp_path / "2023"
    for folder, seed in ((first, SEEDS[0]), (second, SEEDS[1])):
        folder.mkdir()
        shutil.copyfile(seed, folder / "form.txt")
    out = tmp_path / "out"
    summary = run([first, second], RunOptions(out=out, quiet=True, jobs=1))
    assert (summary.sources, summary.forms) == (2, 2)
    assert sorted(json_files(out)) == ["2~2023/form.txt.json", "form.txt.json"]
    again = run([first, second], RunOptions(out=out, quiet=True, jobs=1))
    assert (again.sources, again.skipped) == (2, 2)


def test_a_worker_freezes_what_lives_on_and_no_garbage() -> None:
    """Between sources a local worker moves its long-lived heap out of the collector's
    sight (batch/local.py); the cycles a source leaves behind are collected first, and the
    imports' garbage when the worker starts."""
    code = (
        "import gc\n"
        "from jixiao.batch.local import _clear_start_up_garbage, _settle_heap\n"
        "_clear_start_up_garbage()  # as a worker starts\n"
        "class Node: pass\n"
        "kept = [Node() for _ in range(100)]\n"
        "for _ in range(1000):\n"
        "    node = Node(); node.me = node  # a cycle: garbage once the name moves on\n"
        "del node\n"
        "_settle_heap()\n"
        "frozen = gc.get_freeze_count()\n"
        "gc.unfreeze()\n"
        "print(frozen >= 100, gc.collect())\n"
    )
    assert python_stdout(code).split() == ["True", "0"]


def test_a_callers_frozen_objects_stay_frozen_through_a_local_pool(tmp_path: Path) -> None:
    """A process that froze its objects before a run (a pre-forking server does) finds them
    frozen after it: the pool freezes and unfreezes around a fork only what it froze. The
    witness is a garbage cycle frozen with them: no collection frees it while it is frozen."""
    import gc
    import weakref

    from jixiao.batch.local import LocalPool, WorkerConfig
    from jixiao.batch.task import Outcome, SourceTask

    class Node:
        me: object

    out = tmp_path / "out"
    out.mkdir()
    gc.disable()  # no collection between the cycle's making and the freeze
    node = Node()
    node.me = node
    witness = weakref.ref(node)
    del node
    gc.freeze()
    gc.enable()
    try:
        outcomes: list[Outcome] = []
        LocalPool(1, WorkerConfig(str(out), False, None, {}), None).run(
            [SourceTask(str(SEEDS[0]), "a.txt")], outcomes.append
        )
        assert [o.status for o in outcomes] == ["ok"]
        gc.collect()
        assert witness() is not None
    finally:
        gc.unfreeze()
    gc.collect()
    assert witness() is None


def test_a_local_pool_runs_again_with_its_selector_left_empty(tmp_path: Path) -> None:
    """The pool's selector watches busy workers only: after a run (and a worker killed in
    it) nothing is left registered, and a second run of the same pool reports every task.
    What the pool froze while forking each worker (the first ones, the crashed one's
    successor) it unfroze: the main process's collections are its own again."""
    import gc

    from jixiao.batch.local import LocalPool, WorkerConfig
    from jixiao.batch.task import Outcome, SourceTask

    out = tmp_path / "out"
    out.mkdir()
    pool = LocalPool(2, WorkerConfig(str(out), False, None, {"s1.txt": "crash"}), None)
    tasks = [SourceTask(str(SEEDS[i % len(SEEDS)]), f"s{i}.txt") for i in range(5)]
    frozen = gc.get_freeze_count()
    for _ in range(2):
        outcomes: list[Outcome] = []
        pool.run(tasks, outcomes.append)
        status = {o.rel_path: o.status for o in outcomes}
        assert len(outcomes) == len(tasks) == len(status)
        assert status.pop("s1.txt") == "worker_crashed"
        assert set(status.values()) == {"ok"}
        assert not pool.selector.get_map()
        assert gc.get_freeze_count() <= frozen  # none left frozen (freed ones leave)
