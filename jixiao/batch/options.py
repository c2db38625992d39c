"""What a batch run is given (RunOptions, parsed once from the command line) and what it
reports (RunSummary)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from jixiao.extract.pdf_page import PDF_ENGINES


@dataclass(frozen=True)
class RunOptions:
    """Everything a run needs, parsed once from the command line (or given to `jixiao.run`
    by field name). Each field is a `jixiao run` option.

    Attributes:
        out: the output folder (`-o OUT`).
        fail_fast: stop at the first defect in jixiao with its traceback, sources run in
            this process (`--fail-fast`).
        vocab: user vocabulary files merged over the package's (`--vocab`).
        aliases: user department aliases for the analyst's panel (`--aliases`).
        redact: null contacts; mask phones, IDs, e-mails and names (`--redact`).
        jobs: worker processes; None for one per core (`-j`).
        engine: where sources run, "local" or "dask" (`--engine`).
        scheduler: the dask scheduler's address; None for a local cluster (`--scheduler`).
        file_timeout: seconds per source; None for no limit (`--file-timeout`).
        file_memory_mb: address space per source above a worker's start size, in MB (OCR
            arenas need room); None for no limit (`--file-memory`).
        force: redo every source, even unchanged ones (`--force`).
        checksum: on a re-run, compare the sha256 of every source, not its size and
            modification time (`--checksum`).
        partition_by: "year" or "department" for Hive-partitioned tables (`--partition-by`).
        quiet: print nothing but errors (`-q`).
        pdf_engine: the library reading PDF text layers, "pdfium" or "pdfplumber"
            (`--pdf-engine`).
    """

    out: Path
    fail_fast: bool = False
    vocab: tuple[Path, ...] = ()
    aliases: tuple[Path, ...] = ()
    redact: bool = False
    jobs: int | None = None
    engine: Literal["local", "dask"] = "local"
    scheduler: str | None = None
    file_timeout: float | None = 300.0
    file_memory_mb: int | None = 4096
    force: bool = False
    checksum: bool = False
    partition_by: Literal["year", "department"] | None = None
    quiet: bool = False
    pdf_engine: str = PDF_ENGINES[0]


def usage_problem(inputs: list[Path], options: RunOptions) -> str | None:
    """Why a run cannot start (a missing input, vocabulary or alias file, a bad alias file),
    or None."""
    missing = [str(p) for p in inputs if not p.exists()]
    if missing:
        return f"no such file or folder: {', '.join(missing)}"
    bad = [str(p) for p in options.vocab + options.aliases if not p.is_file()]
    if bad:
        return f"no such vocabulary or alias file: {', '.join(bad)}"
    if options.aliases:
        from jixiao.keys import check_aliases

        if problem := check_aliases(list(options.aliases)):
            return f"bad alias file: {problem}"
    return None


@dataclass
class RunSummary:
    """What a run did: counts over the sources in INPUT (skipped ones included) and its
    duration; `line()` is the summary `jixiao run` prints."""

    sources: int = 0
    forms: int = 0
    indicators: int = 0
    unread: int = 0  # table rows that went into no indicator (Form.unread)
    problems: int = 0
    failed_sources: int = 0
    skipped: int = 0  # unchanged since the last run into the same OUT
    seconds: float = 0.0

    def add(self, forms: int, indicators: int, unread: int, problems: int) -> None:
        self.sources += 1
        self.forms += forms
        self.indicators += indicators
        self.unread += unread
        self.problems += problems
        self.failed_sources += bool(problems)

    def line(self) -> str:
        skipped = f" ({self.skipped} unchanged, skipped)" if self.skipped else ""
        return (
            f"{self.sources} sources, {self.forms} forms, {self.indicators} indicators, "
            f"{self.unread} unread table lines, {self.problems} problems "
            f"in {self.seconds:.2f} s{skipped}"
        )
