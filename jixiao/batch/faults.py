"""Test-only fault injection: make chosen sources hang, crash their worker or eat memory.

`JIXIAO_TEST_FAULTS="hang=a.txt,crash=b.txt,memory=c.txt,slow=*"` (source file names, `*`
for every source) is read once by the runner when a batch starts and passed to the workers;
only the test suite sets it. `slow` sleeps SLOW_SECONDS, so a test can kill a run mid-way;
`pause` sleeps PAUSE_SECONDS, so a test can act while a run is surely still going;
`vanish` ends a chunked local worker right after it reports the source, before it sends
the source's rows (`after_report`).
"""

from __future__ import annotations

import mmap
import os
import signal
import time

ENV = "JIXIAO_TEST_FAULTS"
MEMORY_GRAB_MB = 1024
SLOW_SECONDS = 0.05
PAUSE_SECONDS = 3.0


def read_faults() -> dict[str, str]:
    """File name -> fault kind, from the environment (empty when unset)."""
    faults: dict[str, str] = {}
    for part in os.environ.get(ENV, "").split(","):
        kind, _, name = part.strip().partition("=")
        if kind in {"hang", "crash", "memory", "slow", "pause", "vanish"} and name:
            faults[name] = kind
    return faults


def _fault(faults: dict[str, str], rel_path: str) -> str | None:
    return faults.get(rel_path.rsplit("/", 1)[-1], faults.get("*"))


def after_report(faults: dict[str, str], rel_paths: list[str]) -> None:
    """Act out `vanish` once the sources are reported (the worker exits)."""
    if any(_fault(faults, path) == "vanish" for path in rel_paths):
        os._exit(3)


def inject(faults: dict[str, str], rel_path: str) -> None:
    """Act out the fault planned for this source, if any."""
    kind = _fault(faults, rel_path)
    if kind == "slow":
        time.sleep(SLOW_SECONDS)
    if kind == "pause":
        time.sleep(PAUSE_SECONDS)
    if kind == "hang":
        while True:
            time.sleep(3600)
    if kind == "crash":
        os.kill(os.getpid(), signal.SIGKILL)
    if kind == "memory":
        # fresh address space, as a reader's big allocation needs (free heap a forked worker
        # inherited from its parent cannot serve it); reserved, never touched
        try:
            grab = mmap.mmap(-1, MEMORY_GRAB_MB << 20)
        except OSError as exc:
            raise MemoryError(f"could not map {MEMORY_GRAB_MB} MB") from exc
        grab.close()
