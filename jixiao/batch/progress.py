"""Progress of a batch on stderr: a rich bar on a terminal, periodic log lines otherwise.

rich is imported only when stderr is a terminal. Problems are printed one line each, as
before; `--quiet` prints nothing.
"""

from __future__ import annotations

import sys
import time
from typing import Any

from jixiao.batch.task import Outcome

LOG_EVERY = 10.0  # seconds between plain log lines


class Reporter:
    """Counts finished sources; subclasses show them."""

    def __init__(self, total: int, skipped: int) -> None:
        self.total, self.skipped = total, skipped
        self.done = self.forms = self.problems = 0
        self.started = time.monotonic()

    def advance(self, outcome: Outcome) -> None:
        self.done += 1
        self.forms += outcome.forms
        self.problems += len(outcome.problems)
        self.show(outcome)

    def show(self, outcome: Outcome) -> None:
        """Nothing: --quiet."""

    def close(self) -> None:
        """Nothing to tear down."""

    def rate(self) -> float:
        return self.done / max(time.monotonic() - self.started, 1e-9)


class LogReporter(Reporter):
    """Plain lines on stderr: every problem, and the counts every LOG_EVERY seconds."""

    def __init__(self, total: int, skipped: int) -> None:
        super().__init__(total, skipped)
        self.last = self.started
        if skipped:
            print(f"{skipped} sources unchanged since the last run, skipped", file=sys.stderr)

    def show(self, outcome: Outcome) -> None:
        for code, message in outcome.problems:
            print(f"{outcome.rel_path}: {code}: {message}", file=sys.stderr)
        now = time.monotonic()
        if now - self.last >= LOG_EVERY or self.done == self.total:
            self.last = now
            rate = self.rate()
            eta = (self.total - self.done) / rate if rate else 0.0
            print(
                f"{self.done}/{self.total} sources, {self.forms} forms, {self.problems} problems, "
                f"{rate:.1f} files/s, ETA {eta:.0f} s",
                file=sys.stderr,
            )


class BarReporter(Reporter):
    """A rich progress bar (files, forms, problems, rate, ETA) for a terminal."""

    def __init__(self, total: int, skipped: int) -> None:
        super().__init__(total, skipped)
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeRemainingColumn,
        )

        self.bar: Any = Progress(
            TextColumn("sources"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[forms]} forms, {task.fields[problems]} problems"),
            TextColumn("{task.fields[rate]} files/s"),
            TimeRemainingColumn(),
            console=Console(stderr=True),
            transient=False,
            auto_refresh=False,
        )
        self.bar.start()
        if skipped:
            self.bar.console.print(f"{skipped} sources unchanged since the last run, skipped")
        self.last = 0.0
        self.task = self.bar.add_task("run", total=total, forms=0, problems=0, rate="-")

    def show(self, outcome: Outcome) -> None:
        for code, message in outcome.problems:
            self.bar.console.print(f"{outcome.rel_path}: {code}: {message}", markup=False)
        fields = {"forms": self.forms, "problems": self.problems, "rate": f"{self.rate():.1f}"}
        self.bar.update(self.task, completed=self.done, **fields)
        now = time.monotonic()
        if now - self.last >= 0.1 or self.done == self.total:
            self.last = now
            self.bar.refresh()

    def close(self) -> None:
        self.bar.stop()


def reporter(total: int, skipped: int, quiet: bool) -> Reporter:
    if quiet:
        return Reporter(total, skipped)
    if sys.stderr.isatty():
        return BarReporter(total, skipped)
    return LogReporter(total, skipped)
