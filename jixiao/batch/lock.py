"""One run at a time per OUT: an exclusive lock on OUT/.jixiao.lock for the whole run.

The lock is the kernel's (flock), so a run that dies, even by `kill -9`, never leaves it
stuck: its holder's death releases it, and the file left behind is simply taken over by the
next run. The file records who holds it (pid, host, start time) so that a run refused can
say by whom. Worker processes forked by the run close their copy of the descriptor, so a
worker that outlives a killed run does not keep OUT locked.
"""

from __future__ import annotations

import fcntl
import json
import os
import socket
import time
from dataclasses import dataclass
from pathlib import Path

LOCK_NAME = ".jixiao.lock"


class OutBusy(Exception):
    """Another run holds OUT."""

    def __init__(self, out: Path, holder: str) -> None:
        super().__init__(f"{out} is being written by another jixiao run ({holder})")
        self.out, self.holder = out, holder


@dataclass(frozen=True)
class Holder:
    pid: int
    host: str
    started: str  # UTC, ISO 8601

    def describe(self) -> str:
        return f"pid {self.pid} on {self.host}, started {self.started}"


def _read_holder(fd: int) -> str:
    try:
        data = json.loads(os.pread(fd, 4096, 0) or b"{}")
        return Holder(int(data["pid"]), str(data["host"]), str(data["started"])).describe()
    except (OSError, ValueError, KeyError, TypeError):
        return "holder unknown"


_HELD: dict[int, int] = {}  # descriptor -> pid that opened it (forked children close theirs)


def _close_in_child() -> None:
    for fd in list(_HELD):
        os.close(fd)
        del _HELD[fd]


os.register_at_fork(after_in_child=_close_in_child)


class OutLock:
    """`with OutLock(out):` holds OUT for the block, or raises OutBusy at once."""

    def __init__(self, out: Path) -> None:
        self.path = out / LOCK_NAME
        self.fd = -1

    def __enter__(self) -> OutLock:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        while True:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                holder = _read_holder(fd)
                os.close(fd)
                raise OutBusy(self.path.parent, holder) from None
            if self._still_the_file(fd):
                break
            os.close(fd)  # its holder removed it as we opened it: take the new one
        self.fd = fd
        _HELD[fd] = os.getpid()
        self._record(fd)
        return self

    def _still_the_file(self, fd: int) -> bool:
        try:
            return os.stat(self.path).st_ino == os.fstat(fd).st_ino
        except FileNotFoundError:
            return False

    @staticmethod
    def _record(fd: int) -> None:
        started = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
        holder = Holder(os.getpid(), socket.gethostname(), started)
        data = json.dumps(holder.__dict__).encode()
        os.ftruncate(fd, 0)
        os.pwrite(fd, data, 0)

    def __exit__(self, *exc: object) -> None:
        if self.fd < 0:
            return
        try:
            self.path.unlink(missing_ok=True)  # still locked: no one else can hold it now
        except OSError:
            pass  # an unwritable OUT: the lock is released all the same
        _HELD.pop(self.fd, None)
        os.close(self.fd)
        self.fd = -1
