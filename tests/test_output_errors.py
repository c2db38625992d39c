"""Errors of the output side (a full or read-only OUT) stop the run with one line and exit
status 74, blame no source, keep the finished sources and the previous tables, and the same
command finishes the run once space is freed.

OUT is on a real small file system: a tmpfs mounted for the test (root only; skipped where
mounting is not permitted).
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from tests.conftest import ROOT
from tests.test_batch import corpus_fixture, json_files, source_entries
from tests.test_batch_dask import make_sources

SOURCES = 200  # about 4 MB of JSON: more than the file system holds at first
EXIT_OUTPUT = 74


def _mount(target: Path, options: str) -> bool:
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(target)],
        capture_output=True,
        check=False,
    )
    return done.returncode == 0


@pytest.fixture
def small_fs(tmp_path: Path) -> Iterator[Path]:
    """A 3 MB tmpfs; `_remount(path, "size=64m")` frees space, "ro" makes it read-only."""
    target = tmp_path / "mnt"
    target.mkdir()
    if os.geteuid() != 0 or not _mount(target, "size=3m"):
        pytest.skip("mounting a tmpfs needs root and CAP_SYS_ADMIN")
    try:
        yield target
    finally:
        subprocess.run(["umount", "-l", str(target)], check=False)


def _remount(target: Path, options: str) -> None:
    subprocess.run(["mount", "-o", f"remount,{options}", str(target)], check=True)


sources = corpus_fixture(SOURCES, make_sources, "sources")


@pytest.fixture(scope="module")
def reference(sources: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("reference")
    assert _jixiao(sources, out, "-j", "2").returncode == 0
    return out


def _jixiao(sources: Path, out: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "jixiao", "run", str(sources), "-o", str(out), "-q", *extra]
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)


def _assert_one_clear_line(done: subprocess.CompletedProcess[str], reason: str) -> None:
    assert done.returncode == EXIT_OUTPUT, done.stderr
    assert "Traceback" not in done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and reason in lines[0] and "run the same command again" in lines[0]


def test_a_full_disk_stops_the_run_and_the_run_resumes(
    sources: Path, reference: Path, small_fs: Path
) -> None:
    out = small_fs / "out"
    done = _jixiao(sources, out, "-j", "2")
    _assert_one_clear_line(done, "no space left on the device")
    entries = source_entries(out)
    assert 0 < len(entries) < SOURCES  # the disk filled up mid-way
    assert {status for _, status, _, _ in entries.values()} == {"ok"}  # no source blamed
    kept = json_files(out)
    assert set(entries) <= {name[: -len(".json")] for name in kept}
    _remount(small_fs, "size=64m")  # space freed
    again = _jixiao(sources, out, "-j", "2")
    assert again.returncode == 0, again.stderr
    assert json_files(out) == json_files(reference)
    assert len(source_entries(out)) == SOURCES
    assert pq.read_table(out / "forms.parquet").equals(pq.read_table(reference / "forms.parquet"))


def test_a_full_disk_while_the_tables_are_built_keeps_the_previous_tables(
    sources: Path, reference: Path, small_fs: Path
) -> None:
    out = small_fs / "out"
    _remount(small_fs, "size=64m")
    assert _jixiao(sources, out, "-j", "2").returncode == 0
    before = {p.name: p.read_bytes() for p in out.glob("*.parquet")}
    assert len(before) == 4
    aliases = small_fs.parent / "aliases.toml"  # new aliases: the tables are rebuilt
    aliases.write_text('[departments]\n"某县财政局" = ["某县财政局机关"]\n', encoding="utf-8")
    _remount(small_fs, f"size={_used_kib(small_fs) + 8}k")  # not enough for new tables
    done = _jixiao(sources, out, "-j", "2", "--aliases", str(aliases))
    _assert_one_clear_line(done, "no space left on the device")
    assert {p.name: p.read_bytes() for p in out.glob("*.parquet")} == before
    assert len(source_entries(out)) == SOURCES  # it stopped after the sources, on the tables
    assert not [p for p in out.iterdir() if p.name.startswith(".tables")]


def _used_kib(folder: Path) -> int:
    info = os.statvfs(folder)
    return (info.f_blocks - info.f_bfree) * info.f_frsize // 1024


def test_a_read_only_out_stops_the_run_at_once(
    sources: Path, reference: Path, small_fs: Path
) -> None:
    out = small_fs / "out"
    _remount(small_fs, "size=64m")
    assert _jixiao(sources, out, "-j", "2").returncode == 0
    _remount(small_fs, "ro")
    done = _jixiao(sources, out, "-j", "2", "--force")
    _assert_one_clear_line(done, "read-only")
    _remount(small_fs, "rw")
    assert json_files(out) == json_files(reference)


def test_an_unwritable_json_folder_is_an_output_error_everywhere(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without root (no tmpfs): the write layer made to fail as a full disk does, in-process
    (--fail-fast runs sources in the caller), so the same rule is checked on every machine."""
    import errno

    from jixiao.batch import RunOptions, run
    from jixiao.output import atomic
    from jixiao.output.errors import OutputError

    sources = tmp_path / "in"
    make_sources(sources, 6)
    out = tmp_path / "out"
    write = atomic.write_bytes_atomic
    written: list[Path] = []

    def filling(target: Path, data: bytes, scratch: str | None = None) -> None:
        if target.suffix == ".json" and len(written) >= 3:
            raise OSError(errno.ENOSPC, "No space left on device", str(target))
        written.append(target)
        write(target, data, scratch)

    monkeypatch.setattr(atomic, "write_bytes_atomic", filling)
    monkeypatch.setattr("jixiao.output.json_out.write_bytes_atomic", filling)
    with pytest.raises(OutputError, match="no space left on the device"):
        run([sources], RunOptions(out=out, quiet=True, fail_fast=True))
    assert {status for _, status, _, _ in source_entries(out).values()} == {"ok"}
    assert len(source_entries(out)) == 3
    monkeypatch.undo()
    summary = run([sources], RunOptions(out=out, quiet=True, jobs=1))
    assert (summary.sources, summary.skipped, summary.problems) == (6, 3, 0)
