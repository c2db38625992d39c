"""What a batch run is given (RunOptions, parsed once from the command line) and what it
reports (RunSummary)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from jixiao.extract.pdf_page import PDF_ENGINES


@dataclass(frozen=True)
class RunOptions:
    """Everything a run needs, parsed once from the command line."""

    out: Path
    fail_fast: bool = False
    vocab: tuple[Path, ...] = ()  # user vocabulary files merged over the package's
    aliases: tuple[Path, ...] = ()  # user department aliases for the analyst's panel
    redact: bool = False  # null contacts, mask phones/IDs/e-mails/names (jixiao.postprocess)
    jobs: int | None = None  # worker processes; None = one per core
    engine: Literal["local", "dask"] = "local"
    scheduler: str | None = None  # dask scheduler address; None = a LocalCluster
    file_timeout: float | None = 300.0  # seconds per source
    file_memory_mb: int | None = (
        4096  # address space per source above a worker's start size (OCR arenas need room)
    )
    force: bool = False  # redo every source, even unchanged ones
    checksum: bool = False  # re-run: compare sha256 of every source, not size and mtime
    partition_by: Literal["year", "department"] | None = None
    quiet: bool = False
    pdf_engine: str = PDF_ENGINES[0]  # library reading PDF text layers (PDF_ENGINES)


@dataclass
class RunSummary:
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
